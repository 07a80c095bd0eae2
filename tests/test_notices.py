"""Warnings where ROUGE silently misleads (issue 3, acceptance 4): non-ASCII text under the
default tokenizer (accented, Cyrillic, CJK) and multi-sentence text without newlines."""

from __future__ import annotations

import pytest

from sumbench.eval.data.records import Example
from sumbench.eval.metrics.base import BootstrapSettings
from sumbench.eval.metrics.rouge.engine import RougeConfig
from sumbench.eval.metrics.rouge.metric import RougeMetric, RougeMetricConfig
from sumbench.eval.metrics.rouge.notices import damaged_word_fraction, rouge_notices
from sumbench.eval.pipeline import score_metric


@pytest.mark.parametrize("text, expected", [
    ("", 0.0), ("plain English text", 0.0), ("123 --- !!!", 0.0),
    ("caf\u00e9 au lait", 1 / 3),                       # accented
    ("\u041c\u043e\u0441\u043a\u0432\u0430 today", 0.5),  # Cyrillic
    ("\u6771\u4eac", 1.0),                               # CJK
])
def test_damaged_word_fraction(text: str, expected: float) -> None:
    assert damaged_word_fraction(text) == pytest.approx(expected)


def codes(predictions, references, tokenizer="default", lsum=True):
    ids = [str(i) for i in range(len(predictions))]
    return {n.code: n.ids for n in rouge_notices(ids, predictions, references, tokenizer, lsum)}


def test_accented_cyrillic_and_cjk_are_named() -> None:
    found = codes(["Le pr\u00e9sident a r\u00e9form\u00e9 la s\u00e9curit\u00e9.",
                   "\u041f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442 \u043f\u043e\u0434\u043f\u0438\u0441\u0430\u043b \u0437\u0430\u043a\u043e\u043d.",
                   "\u4e2d\u56fd\u7684\u7ecf\u6d4e\u589e\u957f\u3002", "All plain."],
                  [["x"], ["x"], ["x"], ["y"]])
    assert found["non-ascii-dropped"] == ("0", "1", "2")
    assert "non-ascii-dropped" not in codes(["\u4e2d\u56fd"], [["x"]], tokenizer="unicode")


def test_a_rare_accented_name_in_english_text_is_not_flagged() -> None:
    text = ("The chef at the caf\u00e9 near the station said on Tuesday that the new menu "
            "would start on Monday next week, with prices unchanged for the rest of the year.")
    assert "non-ascii-dropped" not in codes([text], [[text]])


def test_multi_sentence_text_without_newline() -> None:
    found = codes(["One sentence here. Another one there.", "Line one.\nLine two."],
                  [["Ref one."], ["The first reference. The second one."]])
    assert found["lsum-no-newline"] == ("0", "1")
    assert "lsum-no-newline" not in codes(["One. Two."], [["A."]], lsum=False)


def test_non_ascii_example_scores_near_zero_with_default_and_not_with_unicode() -> None:
    example = Example("ru", "\u0422\u0435\u043a\u0441\u0442.", (("\u041a\u043e\u0448\u043a\u0430 \u0441\u0438\u0434\u0438\u0442 \u043d\u0430 \u0441\u0442\u0443\u043b\u0435.",),))
    prediction = ["\u041a\u043e\u0448\u043a\u0430 \u0441\u0438\u0434\u0438\u0442."]
    default = score_metric(RougeMetric(bootstrap=BootstrapSettings(10)), [example], prediction)
    assert default.scores["rouge1"]["fmeasure"].mid == 0.0
    assert [n.code for n in default.notices] == ["non-ascii-dropped"]
    unicode = score_metric(RougeMetric(RougeMetricConfig(rouge=RougeConfig(tokenizer="unicode")),
                                       BootstrapSettings(10)), [example], prediction)
    assert unicode.scores["rouge1"]["fmeasure"].mid > 0.5
    assert unicode.notices == ()

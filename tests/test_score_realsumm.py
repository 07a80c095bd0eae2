"""``sumbench score`` on REALSumm's 500 real system summaries equals rouge-score called
directly, per example, for P/R/F of all four ROUGE types (issue 2, acceptance 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from cli_util import sumbench
from shared_data import realsumm_rows, t_sentences

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]


@pytest.mark.parametrize("stemmer", [True, False])
def test_score_matches_rouge_score_exactly(tmp_path: Path, stemmer: bool) -> None:
    rows = realsumm_rows()
    refs, preds = tmp_path / "refs.jsonl", tmp_path / "preds.jsonl"
    with refs.open("w") as r, preds.open("w") as p:
        for row in rows:
            r.write(json.dumps({"id": row["key"], "article": "(article not distributed)",
                                "highlights": t_sentences(row["ref_summ_system"])}) + "\n")
            p.write(json.dumps({"id": row["key"],
                                "prediction": t_sentences(row["system_summary"])}) + "\n")
    out = tmp_path / "run"
    args = ["score", "-p", preds, "-r", refs, "-o", out, "--bootstrap-samples", "10",
            "--reference-sentences"]
    result = sumbench(*args, *([] if stemmer else ["--no-stemmer"]))
    assert result.code == 0, result.err
    got = [json.loads(line) for line in (out / "per_example.jsonl").read_text().splitlines()]
    assert len(got) == 500
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=stemmer)
    mismatches = 0
    for row, record in zip(rows, got):
        assert record["id"] == row["key"]
        expected = scorer.score("\n".join(t_sentences(row["ref_summ_system"])),
                                "\n".join(t_sentences(row["system_summary"])))
        for t in TYPES:
            want = {"precision": expected[t].precision, "recall": expected[t].recall,
                    "fmeasure": expected[t].fmeasure}
            mismatches += record["scores"]["rouge"][t] != want
    assert mismatches == 0

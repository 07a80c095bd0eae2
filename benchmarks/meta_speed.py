"""Speed of ``sumbench meta --tests all`` (issue 20): 16 systems x 100 inputs x 4 metrics
x 2 judgments, at the default permutation count (chosen from the 108 tests).

    python benchmarks/meta_speed.py [--old-permutations 200] [--seed 2026]

1. Writes a seeded synthetic workload (one JSONL record per summary: ``doc_id``,
   ``system``, two judgments on a 1-5 scale and four metrics of decreasing quality) to a
   temporary folder, and times the whole command as a subprocess -- wall clock and the
   child's CPU seconds (user + system), since the machine's 2 cores may be shared: the
   load average is printed before and after.  The same command without ``--tests``
   (reading, correlations, bootstrap intervals) is timed too, so the tests' own share
   is the difference.
2. In this process, on the same data, times the 108 tests at ``--old-permutations``
   permutations twice: with the reference loop (one test at a time, what ``meta`` did
   before: :func:`sumbench.eval.stats.meta_resampling.permutation_test`) and batched
   (:func:`sumbench.eval.stats.meta_permutation.permutation_tests`), checks that every
   p-value is the same, and prints the per-permutation speed-up and what the reference
   loop would take at the default count.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

METRICS = ("m0", "m1", "m2", "m3")
JUDGMENTS = ("coherence", "relevance")
LEVELS = ("system", "summary", "global")
COEFFICIENTS = ("pearson", "spearman", "kendall")


def workload(path: Path, seed: int, systems: int = 16, inputs: int = 100) -> None:
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=systems)
    with path.open("w") as f:
        for j in range(inputs):
            for i in range(systems):
                h = quality[i] + rng.normal()
                record = {"doc_id": f"d{j:03d}", "system": f"S{i:02d}",
                          "coherence": float(np.clip(np.round(3 + h), 1, 5)),
                          "relevance": float(np.clip(np.round(3 + h + rng.normal(0, 0.7)), 1, 5))}
                for name, noise in zip(METRICS, (0.5, 1.0, 2.0, 4.0)):
                    record[name] = round(float(h + rng.normal(0, noise)), 4)
                f.write(json.dumps(record) + "\n")


def command(path: Path, tests: bool = True) -> list[str]:
    args = [sys.executable, "-m", "sumbench.eval.cli", "meta", "--human", str(path),
            "--human-format", "rows", "--format", "json"] + (["--tests", "all"] if tests else [])
    for j in JUDGMENTS:
        args += ["--judgment", j]
    for m in METRICS:
        args += ["--metric-field", m]
    return args


def matrices(path: Path) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    systems = sorted({r["system"] for r in rows})
    inputs = sorted({r["doc_id"] for r in rows})
    where = {(r["system"], r["doc_id"]): r for r in rows}

    def matrix(field: str) -> np.ndarray:
        return np.array([[where[(s, d)][field] for d in inputs] for s in systems])

    return {m: matrix(m) for m in METRICS}, {j: matrix(j) for j in JUDGMENTS}


def per_permutation(path: Path, count: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """(wall, CPU) seconds for the 108 tests at ``count`` permutations: reference loop,
    batched."""
    from itertools import combinations

    from sumbench.eval.stats.correlation_levels import correlate
    from sumbench.eval.stats.meta_permutation import permutation_tests
    from sumbench.eval.stats.meta_resampling import permutation_test

    metrics, judgments = matrices(path)
    zs = [judgments[j] for j in JUDGMENTS]
    loop_p, fast_p = [], []
    start, cpu = time.perf_counter(), time.process_time()
    for a, b in combinations(METRICS, 2):
        for z in zs:
            for level in LEVELS:
                for name in COEFFICIENTS:
                    def statistic(x, y, level=level, name=name):
                        return correlate(level, x, y, name).value
                    loop_p.append(permutation_test(metrics[a], metrics[b], z, statistic,
                                                   "both", count, 12345).p_value)
    loop = (time.perf_counter() - start, time.process_time() - cpu)
    start, cpu = time.perf_counter(), time.process_time()
    for a, b in combinations(METRICS, 2):
        found = permutation_tests(metrics[a], metrics[b], zs, LEVELS, COEFFICIENTS, "both",
                                  count, 12345)
        fast_p += [found[(k, level, name)].p_value for k in range(len(zs))
                   for level in LEVELS for name in COEFFICIENTS]
    fast = (time.perf_counter() - start, time.process_time() - cpu)
    if loop_p != fast_p:
        raise SystemExit("the batched p-values differ from the reference loop's")
    return loop, fast


def timed(args: list[str]) -> tuple[tuple[float, float], subprocess.CompletedProcess]:
    """Run a command: (wall, CPU of the child) seconds and its result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return (wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)), done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--old-permutations", type=int, default=200,
                        help="permutations for the per-permutation comparison (default: 200)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the workload")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "workload.jsonl"
        workload(path, args.seed)
        print(f"workload: 16 systems x 100 inputs x {len(METRICS)} metrics x "
              f"{len(JUDGMENTS)} judgments (seed {args.seed}); {os.cpu_count()} CPUs; "
              f"load average before: {os.getloadavg()[0]:.2f}")
        (wall, cpu), done = timed(command(path))
        (wall_base, cpu_base), _ = timed(command(path, tests=False))
        family = json.loads(done.stdout)["test_family"]
        print(f"sumbench meta --tests all (bootstrap intervals included): {wall:.1f} s wall, "
              f"{cpu:.1f} s CPU; {family['size']} tests, {family['permutations']:,} "
              f"permutations, smallest p {family['smallest_p']:.2g}, "
              f"{family['correction']}")
        print(f"the same without --tests: {wall_base:.1f} s wall, {cpu_base:.1f} s CPU; so the "
              f"tests took {cpu - cpu_base:.1f} s CPU; load average after: "
              f"{os.getloadavg()[0]:.2f}")
        loop, fast = per_permutation(path, args.old_permutations)
        print(f"108 tests at {args.old_permutations} permutations, in this process: reference "
              f"loop {loop[0]:.1f} s wall / {loop[1]:.1f} s CPU, batched {fast[0]:.2f} s wall "
              f"/ {fast[1]:.2f} s CPU (same p-values): {loop[1] / fast[1]:.1f}x less CPU per "
              f"permutation (the batched side's set-up included)")
        per_loop = loop[1] / args.old_permutations
        old = per_loop * family["permutations"]
        print(f"the reference loop at {family['permutations']:,} permutations would take "
              f"~{old:.0f} s CPU for the tests (at 1,000: ~{per_loop * 1000:.0f} s): the "
              f"batched tests take {old / (cpu - cpu_base):.1f}x less; the whole command "
              f"~{(old + cpu_base) / cpu:.1f}x less")


if __name__ == "__main__":
    main()

"""Speed of sumbench's ROUGE against rouge-score and rouge-score-rs, measured in one run.

    python benchmarks/rouge_speed.py [--n N] [--pairs PAIRS.jsonl] [--processes 1 2]
                                     [--repeats 3]

The headline (issue 15): the whole ``sumbench score`` command -- a subprocess, as a user
runs it: start-up, reading, scoring, notices, bootstrap, writing the run folder --
against rouge-score's scoring loop plus its ``BootstrapAggregator`` (the definition),
and against bare ``rouge-score-rs`` ``score_batch`` (the fastest peer), with the
accelerator (the default install) and without it (``--backend fast``); the run folders'
per-example values must equal rouge-score's.  Then the engines alone, as before:

Workload: the standard pairs of ``../shared/bench/make_pairs.py`` (11,490 CNN/DailyMail-
shaped pairs; needs ``wordfreq``), generated once into ``benchmarks/_work/``, or any
JSONL file with ``reference`` and ``prediction`` fields (``--pairs``).  Scores rouge1,
rouge2, rougeL and rougeLsum with stemming by

* rouge-score: a ``RougeScorer.score`` loop (the definition);
* sumbench fast, ``processes=1`` from a cold word memo, again warm, and for each
  ``--processes`` value above 1 (cold memo before each run);

then checks that every number is equal, and times the bootstrap:
``rouge_score.scoring.BootstrapAggregator`` (1000 samples) against sumbench's bootstrap
on the same per-example scores.  Prints times and ratios only; ratios compare runs made
in one run on the same machine (commands: the median of ``--repeats`` runs).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
MAKE_PAIRS = REPO.parent / "shared" / "bench" / "make_pairs.py"
WORK = REPO / "benchmarks" / "_work"
TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


def load_pairs(path: Path | None, n: int, seed: int) -> tuple[list[str], list[str]]:
    if path is None:
        path = WORK / f"pairs_{n}_{seed}.jsonl"
        if not path.exists():
            if not MAKE_PAIRS.exists():
                sys.exit(f"{MAKE_PAIRS} not found: pass --pairs FILE.jsonl")
            WORK.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, str(MAKE_PAIRS), "--n", str(n), "--seed", str(seed),
                            "--out", str(path)], check=True)
    predictions, references = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            predictions.append(record["prediction"])
            references.append(record["reference"])
            if len(predictions) == n:
                break
    return predictions, references


def timed(func):
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    result = func()
    return result, time.perf_counter() - start_wall, time.process_time() - start_cpu


def run_rouge_score(predictions, references, use_stemmer):
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(TYPES), use_stemmer=use_stemmer)
    out = {t: np.zeros((len(predictions), 3)) for t in TYPES}
    raw = []
    for i, (prediction, reference) in enumerate(zip(predictions, references)):
        scores = scorer.score(reference, prediction)
        raw.append(scores)
        for t in TYPES:
            out[t][i] = tuple(scores[t])
    return out, raw


def max_differences(a: dict, b: dict) -> tuple[float, int]:
    worst, unequal = 0.0, 0
    for t in TYPES:
        worst = max(worst, float(np.max(np.abs(a[t] - b[t]), initial=0.0)))
        unequal += int(np.sum(a[t] != b[t]))
    return worst, unequal


def command_time(argv: list[str], repeats: int) -> float:
    """The median wall time of ``repeats`` runs of a command (a fresh process each)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def whole_commands(predictions, references, expected, baseline_s: float, args) -> None:
    """``sumbench score`` as a user runs it, against rouge-score + BootstrapAggregator
    (``baseline_s``) and bare rouge-score-rs; values checked against rouge-score's."""
    import compileall
    import tempfile

    import sumbench
    import sumbench.eval
    import sumbench.summarize

    # Byte-compiled, as pip leaves an installed package (an editable install under
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module in every command).
    for package in (sumbench, sumbench.eval, sumbench.summarize):
        compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)
    WORK.mkdir(parents=True, exist_ok=True)
    refs_file, preds_file = WORK / f"refs_{len(references)}.jsonl", WORK / f"preds_{len(references)}.jsonl"
    with open(refs_file, "w", encoding="utf-8") as r, open(preds_file, "w", encoding="utf-8") as p:
        for i, (prediction, reference) in enumerate(zip(predictions, references)):
            r.write(json.dumps({"id": str(i), "article": "(not used)", "highlights": reference}) + "\n")
            p.write(json.dumps({"id": str(i), "prediction": prediction}) + "\n")
    sumbench = str(Path(sys.executable).with_name("sumbench"))
    rows = [("rouge-score loop + BootstrapAggregator", baseline_s)]
    try:
        from rouge_score_rs import rouge_scorer as rs

        scorer = rs.RougeScorer(list(TYPES), use_stemmer=not args.no_stemmer)
        scorer.score_batch(references[:10], predictions[:10])  # start the thread pool
        start = time.perf_counter()
        scorer.score_batch(references, predictions)
        bare = time.perf_counter() - start
        rows.append(("rouge-score-rs score_batch, bare", bare))
    except ImportError:
        bare = None
    stem = ["--no-stemmer"] if args.no_stemmer else []
    unequal = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, extra in (("sumbench score (default: accelerator)", []),
                             ("sumbench score --backend fast (pure Python)", ["--backend", "fast"])):
            out = Path(folder) / label.split()[2]
            argv = [sumbench, "score", "-p", str(preds_file), "-r", str(refs_file), *stem, *extra]
            seconds = command_time(argv + ["-o", str(out) + "-timed"], args.repeats)
            subprocess.run(argv + ["-o", str(out)], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            got = {t: np.zeros((len(predictions), 3)) for t in TYPES}
            with open(out / "per_example.jsonl", encoding="utf-8") as lines:
                for i, line in enumerate(lines):
                    scores = json.loads(line)["scores"]["rouge"]
                    for t in TYPES:
                        got[t][i] = [scores[t][c] for c in ("precision", "recall", "fmeasure")]
            unequal[label] = max_differences(expected, got)[1]
            rows.append((label, seconds))
            for stale in Path(folder).glob("*-timed*"):
                shutil.rmtree(stale, ignore_errors=True)
    print(f"\nwhole commands ({len(predictions)} pairs, {len(TYPES)} types, stemming "
          f"{'off' if args.no_stemmer else 'on'}; commands: median of {args.repeats}):")
    for label, seconds in rows:
        against = f"x{baseline_s / seconds:6.1f} vs rouge-score"
        peer = f", {seconds / bare:4.2f}x bare rouge-score-rs" if bare else ""
        note = f", unequal values {unequal[label]}" if label in unequal else ""
        print(f"  {label:45s} {seconds:7.2f} s  {against}{peer}{note}")
    timed = dict(rows)
    accelerated = timed["sumbench score (default: accelerator)"]
    pure = timed["sumbench score --backend fast (pure Python)"]
    checks = [(">= 100x rouge-score (default install)", baseline_s / accelerated >= 100),
              (">= 30x rouge-score (pure Python)", baseline_s / pure >= 30)]
    if bare:
        checks.append(("within 2x of bare rouge-score-rs", accelerated <= 2 * bare))
    print("  targets of issue 15: " + "; ".join(f"{text}: {'met' if ok else 'NOT met'}"
                                               for text, ok in checks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=11490, help="number of pairs (default 11490)")
    parser.add_argument("--seed", type=int, default=12345, help="make_pairs.py seed")
    parser.add_argument("--pairs", type=Path, help="JSONL with reference/prediction fields")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-stemmer", action="store_true")
    parser.add_argument("--bootstrap-samples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each whole command")
    args = parser.parse_args()

    import rouge_score  # noqa: F401  (imports nltk, so neither side pays for it below)
    from rouge_score import scoring

    from sumbench.eval.metrics.rouge import rust as rouge_rust
    from sumbench.eval.metrics.rouge.engine import RougeConfig
    from sumbench.eval.metrics.rouge.fast import score_pairs
    from sumbench.eval.metrics.base import BootstrapSettings, bootstrap_columns
    from sumbench.eval.metrics.rouge.stemming import clear_caches

    predictions, references = load_pairs(args.pairs, args.n, args.seed)
    n = len(predictions)
    use_stemmer = not args.no_stemmer
    config = RougeConfig(TYPES, use_stemmer=use_stemmer)
    print(f"{n} pairs; types {', '.join(TYPES)}; stemming {'on' if use_stemmer else 'off'}; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")

    (expected, raw), ref_wall, ref_cpu = timed(
        lambda: run_rouge_score(predictions, references, use_stemmer))
    print(f"rouge-score RougeScorer loop      {ref_wall:8.2f} s wall {ref_cpu:8.2f} s CPU "
          f"({n / ref_wall:7.0f} pairs/s)")
    refs = [[r] for r in references]
    ratios = {}
    for processes in args.processes:
        runs = [("cold", True)] + ([("warm", False)] if processes == 1 else [])
        for label, cold in runs:
            if cold:
                clear_caches()
            got, wall, cpu = timed(
                lambda p=processes: score_pairs(predictions, refs, config, p))
            worst, unequal = max_differences(expected, got)
            ratios[(processes, label)] = ref_wall / wall
            cpu_text = f"{cpu:8.2f} s CPU" if processes == 1 else " " * 14
            print(f"sumbench fast processes={processes} {label:4s}   {wall:8.2f} s wall {cpu_text} "
                  f"({n / wall:7.0f} pairs/s)  x{ref_wall / wall:5.1f} wall"
                  + (f" x{ref_cpu / cpu:5.1f} CPU" if processes == 1 else "")
                  + f"  max|diff| {worst:.1e}, unequal values {unequal}")
            if processes == 1 and label == "cold":
                for t in TYPES:
                    diffs = np.max(np.abs(expected[t] - got[t]), axis=0, initial=0.0)
                    print(f"    {t:9s} max|diff| precision {diffs[0]:.1e} recall {diffs[1]:.1e} "
                          f"fmeasure {diffs[2]:.1e}")

    if rouge_rust.available():  # the optional compiled accelerator, on all cores
        for label in ("cold", "warm"):  # cold: the first call starts Rust's thread pool
            got, wall, _ = timed(lambda: rouge_rust.score_pairs(predictions, refs, config))
            worst, unequal = max_differences(expected, got)
            ratios[("rust", label)] = ref_wall / wall
            print(f"sumbench rust all cores {label}      {wall:8.2f} s wall {' ' * 14} "
                  f"({n / wall:7.0f} pairs/s)  x{ref_wall / wall:5.1f} wall"
                  f"  max|diff| {worst:.1e}, unequal values {unequal}")
    else:
        print("sumbench rust: rouge-score-rs not installed (pip install 'sumbench[fast]')")

    def aggregate_rouge_score():
        np.random.seed(0)
        aggregator = scoring.BootstrapAggregator(n_samples=args.bootstrap_samples)
        for scores in raw:
            aggregator.add_scores(scores)
        return aggregator.aggregate()

    def aggregate_sumbench():
        # what a sumbench run does: one set of resamples for all types and columns
        columns = {t: {c: expected[t][:, k] for k, c in enumerate(("precision", "recall",
                                                                     "fmeasure"))}
                   for t in TYPES}
        return bootstrap_columns(columns, BootstrapSettings(args.bootstrap_samples, 0, 0.95))

    rs_intervals, rs_wall, _ = timed(aggregate_rouge_score)
    whole_commands(predictions, references, expected, ref_wall + rs_wall, args)
    sb_intervals, sb_wall, _ = timed(aggregate_sumbench)
    print(f"bootstrap {args.bootstrap_samples} samples, {len(TYPES)} types x 3 columns: "
          f"rouge-score BootstrapAggregator {rs_wall:.3f} s, sumbench bootstrap_columns "
          f"{sb_wall:.3f} s (x{rs_wall / sb_wall:.1f})")
    for t in TYPES:
        rs = rs_intervals[t]
        f = sb_intervals[t]["fmeasure"]
        print(f"    {t:9s} F: rouge-score [{rs.low.fmeasure:.5f} {rs.mid.fmeasure:.5f} "
              f"{rs.high.fmeasure:.5f}]  sumbench [{f.low:.5f} {f.mid:.5f} {f.high:.5f}]")
    print("summary: " + ", ".join(f"{p if p == 'rust' else f'processes={p}'} {label} x{r:.1f}"
                                  for (p, label), r in ratios.items())
          + f"; bootstrap x{rs_wall / sb_wall:.1f}")


if __name__ == "__main__":
    main()

"""One command scores 1,000,000 pairs in bounded memory (issue 15): ``sumbench score
--stream``, timed as a subprocess, with its peak memory (the maximum resident set size
of the process, from ``wait4``).

    python benchmarks/million_pairs.py [--n 1000000] [--backend auto]

The pairs: the standard workload's 11,490 pairs (``../shared/bench/make_pairs.py``,
written to ``benchmarks/_work/`` when missing), repeated, with each copy's words
shuffled inside every sentence by a seeded generator, so that no two pairs are equal;
written once to ``benchmarks/_work/million_*.jsonl`` (about 0.9 GB together).  The
command writes a whole run folder (per-example scores, references, predictions).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rouge_speed import WORK, load_pairs  # noqa: E402


def shuffled(text: str, rng: np.random.Generator) -> str:
    lines = []
    for line in text.split("\n"):
        words = line.split()
        lines.append(" ".join(words[i] for i in rng.permutation(len(words))))
    return "\n".join(lines)


def write_inputs(n: int) -> tuple[Path, Path]:
    refs, preds = WORK / f"million_refs_{n}.jsonl", WORK / f"million_preds_{n}.jsonl"
    if refs.exists() and preds.exists():
        return refs, preds
    predictions, references = load_pairs(None, 11490, 12345)
    rng = np.random.default_rng(2026)
    with open(refs, "w", encoding="utf-8") as r, open(preds, "w", encoding="utf-8") as p:
        for i in range(n):
            k = i % len(references)
            copy = i // len(references)
            reference = references[k] if copy == 0 else shuffled(references[k], rng)
            prediction = predictions[k] if copy == 0 else shuffled(predictions[k], rng)
            r.write(json.dumps({"id": str(i), "article": "-", "highlights": reference}) + "\n")
            p.write(json.dumps({"id": str(i), "prediction": prediction}) + "\n")
    return refs, preds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--backend", default="auto", choices=["auto", "fast", "rust"])
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    refs, preds = write_inputs(args.n)
    sumbench = str(Path(sys.executable).with_name("sumbench"))
    with tempfile.TemporaryDirectory(dir=WORK) as folder:
        argv = [sumbench, "score", "--stream", "-p", str(preds), "-r", str(refs),
                "--backend", args.backend, "-o", str(Path(folder) / "run")]
        out_file, err_file = Path(folder) / "stdout", Path(folder) / "stderr"
        with open(out_file, "w") as out, open(err_file, "w") as err:
            start = time.perf_counter()
            process = subprocess.Popen(argv, stdout=out, stderr=err)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(err_file.read_text())
        out = out_file.read_text()
        sizes = {p.name: p.stat().st_size for p in (Path(folder) / "run").iterdir()}
    peak_gib = usage.ru_maxrss * 1024 / 2**30  # ru_maxrss is in KiB on Linux
    print(f"{args.n:,} pairs, backend {args.backend}: {seconds:.1f} s "
          f"({args.n / seconds:,.0f} pairs/s), peak memory {peak_gib:.2f} GiB")
    print("run folder: " + ", ".join(f"{k} {v / 2**20:.0f} MiB" for k, v in sorted(sizes.items())))
    print("\n".join(line for line in out.splitlines()
                    if line.startswith(("rouge1 ", "rougeLsum ", "signature:"))))


if __name__ == "__main__":
    main()

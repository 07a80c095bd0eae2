"""Meta-evaluation of the metrics sumbench ships against REALSumm's LitePyramid.

    python benchmarks/meta_realsumm.py [--metrics rouge,rouge155] [--samples 1000]
                                       [--tests] [--speed] [--markdown FILE]

Scores the 25 REALSumm systems of ``../shared/data/realsumm_dev.jsonl`` (20 CNN/DM
documents each) as 25 runs -- one per system, named ``group/system``, each summary
against ``ref_summ_system`` with one sentence per ``<t>`` tag -- with every metric in
``--metrics`` (any registered metric, built with its defaults), then correlates each
measure with ``litepyramid_recall`` at the system, summary and global levels (Pearson,
Spearman, Kendall tau-b) with 95% bootstrap intervals over systems and inputs, exactly
as ``sumbench meta`` does.  Each measure contributes its recall component when it has
one (LitePyramid is a recall), else its headline.  REALSumm's own stored ROUGE-1.5.5
recall (``rouge155_scores``) is added as reference rows.  ``--tests`` adds the
permutation tests between every pair; ``--speed`` times the vectorised bootstrap
against a scipy loop over the same draws and prints the ratio.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REALSUMM = ROOT.parent / "shared" / "data" / "realsumm_dev.jsonl"
_T = re.compile(r"<t>(.*?)</t>", re.DOTALL)
STORED = ("rouge_1_recall", "rouge_2_recall", "rouge_l_recall")


def sentences(text: str) -> list[str]:
    if "<t>" not in text:
        return [text.strip()] if text.strip() else []
    return [s.strip() for s in _T.findall(text) if s.strip()]


def build_runs(rows: list[dict], metrics: list[str], work: Path) -> list:
    """One run per (group, system), scored with every metric."""
    import sumbench

    runs = []
    for group, system in sorted({(r["group"], r["system"]) for r in rows}):
        mine = sorted((r for r in rows if (r["group"], r["system"]) == (group, system)),
                      key=lambda r: r["doc_id"])
        refs = work / f"{group}-{system}.jsonl"
        refs.write_text("".join(json.dumps({"id": str(r["doc_id"]), "article": "(not distributed)",
                                            "highlights": sentences(r["ref_summ_system"])}) + "\n"
                                for r in mine))
        predictions = ["\n".join(sentences(r["system_summary"])) for r in mine]
        runs.append(sumbench.score(sumbench.load_references(
            str(refs), fields=sumbench.FieldMap(reference_sentences=True)), predictions,
                                   metrics=metrics, name=f"{group}/{system}"))
    return runs


def metric_tables(runs: list) -> list:
    """Each measure's recall component (else its headline), as meta-evaluation tables."""
    from sumbench.eval.meta.runs import tables_from_runs

    tables = []
    for result in runs[0].metrics.values():
        for measure, components in result.columns.items():
            component = "recall" if "recall" in components else result.headline(measure)
            tables += tables_from_runs(runs, [f"{result.name}:{measure}"], [component])
    return tables


def speed(rows_tables, judgment, samples: int) -> str:
    """The vectorised bootstrap against a scipy loop over the same resamples."""
    from scipy import stats

    from sumbench.eval.meta.align import align
    from sumbench.eval.stats.correlation_levels import correlate
    from sumbench.eval.stats.meta_resampling import bootstrap_draws, bootstrap_samples

    data = align(rows_tables[:1], judgment)
    X, Z = next(iter(data.metrics.values())), next(iter(data.judgments.values()))
    draws = bootstrap_draws(*X.shape, "both", samples, 12345)
    lines = []
    for level in ("summary", "global"):
        start = time.perf_counter()
        fast = bootstrap_samples(X, Z, lambda a, b: correlate(level, a, b, "kendall").value, draws)
        t_fast = time.perf_counter() - start
        start = time.perf_counter()
        slow = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for b in range(samples):
                x, z = draws.take(X, b, b + 1)[0], draws.take(Z, b, b + 1)[0]
                if level == "global":
                    slow.append(stats.kendalltau(x.ravel(), z.ravel())[0])
                else:
                    r = [stats.kendalltau(x[:, j], z[:, j])[0] for j in range(x.shape[1])]
                    slow.append(np.nanmean(r) if np.isfinite(r).any() else np.nan)
        t_slow = time.perf_counter() - start
        diff = np.nanmax(np.abs(fast - np.array(slow)))
        lines.append(f"{level} level Kendall, {samples} resamples of {X.shape[0]}x{X.shape[1]}: "
                     f"scipy loop {t_slow:.2f} s, sumbench {t_fast:.3f} s "
                     f"(x{t_slow / t_fast:.1f}); max|diff| {diff:.1e}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--metrics", default="rouge,rouge155",
                        help="registered metrics to evaluate (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=REALSUMM)
    parser.add_argument("--samples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--tests", action="store_true", help="permutation tests, every pair")
    parser.add_argument("--speed", action="store_true", help="time the bootstrap against scipy")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown section here")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"{args.data} not found (../shared is not beside this checkout)", file=sys.stderr)
        return 2

    from sumbench.eval.meta.evaluate import MetaSettings, meta_evaluate
    from sumbench.eval.meta.fields import FieldSpec
    from sumbench.eval.meta.formats import read_tables
    from sumbench.eval.report.meta import console_text, markdown_section

    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    work = ROOT / "benchmarks" / "_work" / "meta_realsumm"
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    runs = build_runs(rows, metrics, work)
    t_score = time.perf_counter() - start
    judgment, _ = read_tables(args.data, [])
    stored, _ = read_tables(args.data, [FieldSpec.parse(f"REALSumm stored {f}=rouge155_scores.{f}")
                                        for f in STORED], role="metric")
    tables = metric_tables(runs) + stored
    settings = MetaSettings(samples=args.samples, tests="all" if args.tests else None)
    start = time.perf_counter()
    result = meta_evaluate(tables, judgment, settings)
    t_meta = time.perf_counter() - start
    print(console_text(result))
    print(f"\nscoring 25 runs ({', '.join(metrics)}): {t_score:.1f} s; meta-evaluation "
          f"({len(tables)} metrics, {args.samples} resamples): {t_meta:.1f} s")
    if args.speed:
        print(speed(tables, judgment, min(args.samples, 200)))
    if args.markdown:
        args.markdown.write_text("\n".join(markdown_section(result, depth=3)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

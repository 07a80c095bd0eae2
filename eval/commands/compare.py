"""``sumbench compare RUN_A RUN_B [RUN_C ...]``: each run against the first, with paired tests.

Prints the runs side by side (P, R, F and F's interval), then for each metric and each
system the difference from the first run with its paired bootstrap interval, the paired
bootstrap and approximate-randomisation p-values and win/tie/loss counts, and the
comparison signature.  Exit 0, or 2 when the runs cannot be compared (different reference
sets or scoring settings without ``--force``, unreadable run folders).
"""

from __future__ import annotations

import argparse
import json
import sys

from sumbench.eval.commands.options import confidence_level, positive_int
from sumbench.eval.scores import points

NAME = "compare"
HELP = "compare saved runs: differences, intervals and paired significance tests"

_COLUMN_NAMES = {"p": "precision", "r": "recall", "f": "fmeasure", "precision": "precision",
                 "recall": "recall", "fmeasure": "fmeasure", "f1": "fmeasure"}


def add_comparison_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``compare`` and ``report``."""
    group = parser.add_argument_group("comparison")
    group.add_argument("--metrics", metavar="LIST",
                       help="comma-separated ROUGE types to compare (default: all the runs share)")
    group.add_argument("--paired-bs", type=positive_int, default=1000, metavar="N",
                       help="paired bootstrap resamples (default: %(default)s)")
    group.add_argument("--permutations", type=positive_int, default=10000, metavar="N",
                       help="approximate-randomisation permutations (default: %(default)s)")
    group.add_argument("--seed", type=int, default=12345,
                       help="seed of both tests (default: %(default)s)")
    group.add_argument("--confidence", type=confidence_level, default=0.95, metavar="C",
                       help="confidence level of the difference intervals (default: %(default)s)")
    group.add_argument("--force", action="store_true",
                       help="compare runs on different reference sets or scoring settings "
                            "(on the example ids they share), printing what differs")


def split_list(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(t.strip() for t in text.split(",") if t.strip())


def comparison_settings(args: argparse.Namespace, columns: tuple[str, ...] = ("fmeasure",)):
    from sumbench.eval.compare import CompareSettings
    from sumbench.eval.errors import UsageError

    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    return CompareSettings(rouge_types=split_list(args.metrics), columns=columns,
                           bootstrap_samples=args.paired_bs, permutations=args.permutations,
                           seed=args.seed, confidence=args.confidence)


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP,
        description="Compare run folders (written by 'sumbench run/score -o DIR'): every run "
                    "against the first, on the same examples. Differences are in points "
                    "(F x 100); p-values are two-sided.")
    parser.add_argument("runs", nargs="+", metavar="RUN", help="run folders; the first is the baseline")
    parser.add_argument("--columns", default="f", metavar="LIST",
                        help="which scores to test: comma-separated p, r, f (default: %(default)s)")
    add_comparison_options(parser)
    parser.add_argument("--format", choices=["text", "json", "md"], default="text",
                        help="output on stdout (default: %(default)s)")
    return parser


def _columns(text: str) -> tuple[str, ...]:
    from sumbench.eval.errors import UsageError

    names = split_list(text) or ()
    bad = [n for n in names if n.lower() not in _COLUMN_NAMES]
    if bad or not names:
        raise UsageError(f"--columns: unknown {', '.join(bad) or '(none)'}; use p, r, f")
    return tuple(dict.fromkeys(_COLUMN_NAMES[n.lower()] for n in names))


def _grid(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def comparison_text(comparison) -> str:
    """The console form: side-by-side scores, then the differences, then the signature."""
    level = f"{comparison.settings.confidence * 100:g}"
    rows = [["run", "metric", "P", "R", "F", "CI of F"]]
    for name, scores in zip(comparison.names, comparison.scores):
        for rouge_type in comparison.rouge_types:
            s = scores.get(rouge_type)
            if s is None:
                continue
            f = s["fmeasure"]
            rows.append([name, rouge_type, points(s["precision"].mid), points(s["recall"].mid),
                         points(f.mid), f"[{points(f.low)}, {points(f.high)}]"])
    levels = {f"{g.confidence * 100:g}%" for g in comparison.run_signatures}
    rows[0][5] = f"{'/'.join(sorted(levels))} CI of F"
    lines = [f"{len(comparison.names)} runs on {comparison.examples} examples; differences "
             f"against {comparison.names[0]} in points", ""]
    lines += _grid(rows, {2, 3, 4, 5}) if len(rows) > 1 else []
    rows = [["metric", "system", "score", "baseline", "difference", f"{level}% CI",
             "p (paired bs)", "p (approx. rand.)", "win/tie/loss"]]
    for m in comparison.metrics:
        rows.append([m.metric, m.system, points(m.system_mean), points(m.baseline_mean),
                     f"{100 * m.difference:+.2f}",
                     f"[{100 * m.interval.low:+.2f}, {100 * m.interval.high:+.2f}]",
                     f"{m.bootstrap_p:.4f}", f"{m.permutation_p:.4f}",
                     f"{m.wins}/{m.ties}/{m.losses}"])
    lines += [""] + _grid(rows, {2, 3, 4, 5, 6, 7, 8})
    lines += ["", f"signature: {comparison.signature}"]
    return "\n".join(lines)


def execute(args: argparse.Namespace) -> int:
    from sumbench.eval.compare import compare_runs
    from sumbench.eval.errors import UsageError

    if len(args.runs) < 2:
        raise UsageError("compare needs at least two run folders")
    settings = comparison_settings(args, _columns(args.columns))
    comparison = compare_runs(args.runs, settings, force=args.force)
    for note in comparison.notes:
        print(f"sumbench: warning: {note}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "md":
        from sumbench.eval.report.markdown import comparison_section

        print("\n".join(comparison_section(comparison)))
    else:
        print(comparison_text(comparison))
    return 0

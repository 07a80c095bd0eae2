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

from .options import confidence_level, positive_int

NAME = "compare"
HELP = "compare saved runs: differences, intervals and paired significance tests"



def add_comparison_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by ``compare`` and ``report``."""
    group = parser.add_argument_group("comparison")
    group.add_argument("--metrics", metavar="LIST",
                       help="comma-separated measures to compare, e.g. rouge1,rougeLsum, or "
                            "rouge155:rouge1 when two metrics have that measure (default: every "
                            "measure the runs share)")
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
    group.add_argument("--baseline-system", metavar="NAME",
                       help="the system every other is compared against, by the name the "
                            "tables show (default: the first run given; a study's first "
                            "system)")


def split_list(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(t.strip() for t in text.split(",") if t.strip())


def comparison_settings(args: argparse.Namespace, components: tuple[str, ...] = ("headline",)):
    from ..compare import CompareSettings
    from sumbench.common.errors import UsageError

    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    return CompareSettings(measures=split_list(args.metrics), components=components,
                           all_pairs=getattr(args, "all_pairs", False),
                           bootstrap_samples=args.paired_bs, permutations=args.permutations,
                           seed=args.seed, confidence=args.confidence)


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP,
        description="Compare run folders (written by 'sumbench run/score -o DIR'): every run "
                    "against the first, on the same examples. Differences are in points "
                    "(F x 100); p-values are two-sided.")
    parser.add_argument("runs", nargs="+", metavar="RUN",
                        help="run folders or study folders; the first run is the baseline")
    parser.add_argument("--all-pairs", action="store_true",
                        help="compare every pair of runs, not each against the first, with "
                             "p-values also Holm-corrected over the pairs")
    parser.add_argument("--columns", default="f", metavar="LIST",
                        help="which components to test: comma-separated component names or "
                             "labels (p, r, f for ROUGE); f is each measure's headline "
                             "(default: %(default)s)")
    add_comparison_options(parser)
    parser.add_argument("--format", choices=["text", "json", "md"], default="text",
                        help="output on stdout (default: %(default)s)")
    return parser


def _columns(text: str) -> tuple[str, ...]:
    """Component names or labels; ``f`` means each measure's headline component."""
    from sumbench.common.errors import UsageError

    names = split_list(text) or ()
    if not names:
        raise UsageError("--columns: name at least one component, e.g. f or p,r,f")
    return tuple(dict.fromkeys("headline" if n.lower() in ("f", "headline") else n for n in names))


def comparison_text(comparison) -> str:
    """The console form: each run's scores, then the differences, then the signatures."""
    from sumbench.common.terminal import escape_controls
    from ..report.tables import grid, interval_text, metric_table, number, units_line

    level = f"{comparison.settings.confidence * 100:g}"
    against = "between every pair" if comparison.settings.all_pairs else \
        f"against {escape_controls(comparison.names[0], newlines=True)}"
    lines = [f"{len(comparison.names)} runs on {comparison.examples} examples; differences "
             f"{against} (system minus baseline; "
             f"{escape_controls(units_line(comparison.runs), newlines=True)})"]
    metrics = list(dict.fromkeys(ref.metric for ref in comparison.measures))
    wanted = {ref.measure for ref in comparison.measures}
    for metric in metrics:
        header, rows = [], []
        for name, run in zip(comparison.names, comparison.runs):
            head, body = metric_table(run.metrics[metric])
            header = ["run"] + head
            rows += [[name] + row for row in body if row[0] in wanted]
        lines += [""] + grid(header, rows, set(range(2, len(header))))
    holm = comparison.settings.all_pairs
    rows = [["measure", "system", "score", *(["against"] if holm else []), "baseline",
             "difference", f"{level}% CI", "p (paired bs)", *(["Holm"] if holm else []),
             "p (approx. rand.)", *(["Holm"] if holm else []), "win/tie/loss"]]
    for m in comparison.metrics:
        rows.append([m.label, m.system, number(m.system_mean, m.scale),
                     *([m.baseline] if holm else []), number(m.baseline_mean, m.scale),
                     f"{m.scale * m.difference:+.2f}",
                     interval_text(m.interval, m.scale, signed=True), f"{m.bootstrap_p:.4f}",
                     *([f"{m.bootstrap_p_holm:.4f}"] if holm else []), f"{m.permutation_p:.4f}",
                     *([f"{m.permutation_p_holm:.4f}"] if holm else []),
                     f"{m.wins}/{m.ties}/{m.losses}"])
    text_columns = {0, 1, 3} if holm else {0, 1}
    lines += [""] + grid(rows[0], rows[1:], set(range(len(rows[0]))) - text_columns)
    lines.append("")
    lines += [f"signature: {escape_controls(s, newlines=True)}"
              for s in comparison.signatures.values()]
    return "\n".join(lines)


def execute(args: argparse.Namespace) -> int:
    from ..compare import compare_runs
    from sumbench.common.errors import UsageError

    from ..runs.study import load_runs

    from ..baseline import with_baseline_first

    runs = with_baseline_first(load_runs(args.runs), args.baseline_system)
    if len(runs) < 2:
        raise UsageError("compare needs at least two runs")
    if args.all_pairs and args.baseline_system is not None:
        raise UsageError("--baseline-system does not apply with --all-pairs (every pair is "
                         "compared)")
    settings = comparison_settings(args, _columns(args.columns))
    comparison = compare_runs(runs, settings, force=args.force)
    for note in comparison.notes:
        print(f"sumbench: warning: {note}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "md":
        from ..report.markdown import comparison_section

        print("\n".join(comparison_section(comparison)))
    else:
        print(comparison_text(comparison))
    return 0

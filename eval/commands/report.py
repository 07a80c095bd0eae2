"""``sumbench report RUN [RUN ...] --format md|html --output FILE``: a report to share.

Markdown (:mod:`sumbench.eval.report.markdown`) for pull requests and wikis, or one
self-contained HTML file (:mod:`sumbench.eval.report.html`, needs the ``report`` extra for
matplotlib) with plots and a few example cards (:mod:`sumbench.eval.report.cards`).  With
several runs the report includes their leaderboard and their comparison against the
baseline (the first run, or ``--baseline-system NAME``), under the same rules as
``sumbench compare`` (``--force`` for runs on different data or settings).
"""

from __future__ import annotations

import argparse
import sys

from .compare import add_comparison_options, comparison_settings
from .options import non_negative_int

NAME = "report"
HELP = "write a Markdown or HTML report of one or more runs"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP,
        description="Write a report of run folders: scores, signature and (with several runs) "
                    "their comparison; the HTML report adds score distributions, ROUGE "
                    "against summary length, a comparison chart and the best and worst "
                    "examples with shared n-grams highlighted. It is one file that needs "
                    "no network.")
    parser.add_argument("runs", nargs="+", metavar="RUN",
                        help="run folders or study folders; the first run is the baseline unless "
                             "--baseline-system names another")
    parser.add_argument("--format", choices=["md", "html"], default=None,
                        help="report format (default: from the --output suffix, else md)")
    parser.add_argument("--output", "-o", metavar="FILE", help="where to write (default: stdout)")
    parser.add_argument("--examples", "-k", type=non_negative_int, default=None, metavar="K",
                        help="HTML: how many example cards: with one run its K best and K "
                             "worst examples, with several the K examples on which the "
                             "systems disagree most (largest spread of the ranking measure, "
                             "ties by id); 0: none (default: 3)")
    parser.add_argument("--rank-by", metavar="MEASURE",
                        help="the measure that ranks the leaderboard (default: the first the "
                             "runs share) and, in HTML, the examples (default: the first measure "
                             "the metrics gate by default, e.g. rouge1)")
    parser.add_argument("--title", default="sumbench report", help="report title")
    add_comparison_options(parser)
    return parser


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.output and args.output.lower().endswith((".html", ".htm")):
        return "html"
    return "md"


def execute(args: argparse.Namespace) -> int:
    from ..compare import compare_runs
    from sumbench.common.errors import UsageError
    from ..files import write_file
    from ..runs.study import load_runs

    fmt = _format(args)
    if fmt != "html":
        if args.examples is not None:
            raise UsageError("--examples applies to the HTML report only (--format html)")
    if args.output is not None and not args.output.strip():
        raise UsageError("--output: an empty file name")
    from ..baseline import with_baseline_first

    runs = with_baseline_first(load_runs(args.runs), args.baseline_system)
    if len(runs) == 1 and args.baseline_system is not None:
        raise UsageError("--baseline-system applies to a report of several runs only")
    comparison = board = None
    if len(runs) > 1:
        from ..leaderboard import LeaderboardSettings, build_leaderboard

        settings = comparison_settings(args)
        comparison = compare_runs(runs, settings, force=args.force)
        board = build_leaderboard(runs, LeaderboardSettings(
            rank_by=args.rank_by, measures=settings.measures,
            bootstrap_samples=settings.bootstrap_samples, permutations=settings.permutations,
            seed=settings.seed, confidence=settings.confidence,
            baseline=args.baseline_system), force=args.force)
        for note in comparison.notes:
            print(f"sumbench: warning: {note}", file=sys.stderr)
    if fmt == "html":
        from ..report.html import render_html

        from ..report.cards import DEFAULT_EXAMPLES

        examples = DEFAULT_EXAMPLES if args.examples is None else args.examples
        text = render_html(runs, comparison, k=examples, rank_by=args.rank_by,
                           title=args.title, leaderboard=board)
    else:
        from ..report.markdown import report_markdown

        text = report_markdown(runs, comparison, title=args.title, leaderboard=board)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    write_file(args.output, text)
    print(f"report written to {args.output}", file=sys.stderr)
    return 0

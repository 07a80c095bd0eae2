"""``sumbench leaderboard RUNS_OR_STUDY...``: systems ranked with significance clusters
(:mod:`sumbench.eval.leaderboard`), as a console table or ``--format
md|html|json|csv|latex``."""

from __future__ import annotations

import argparse
import sys

from .options import confidence_level, positive_int

NAME = "leaderboard"
HELP = "rank many systems, with all-pairs tests and significance clusters"
FORMATS = ("text", "md", "html", "json", "csv", "latex")


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP,
        description="Rank run folders (or the runs of study folders) on one reference set by "
                    "a measure, test every pair of systems (paired bootstrap and approximate "
                    "randomisation, Holm-corrected) and group them into significance "
                    "clusters as WMT does.")
    parser.add_argument("runs", nargs="+", metavar="RUN_OR_STUDY",
                        help="run folders and/or study folders")
    parser.add_argument("--rank-by", metavar="MEASURE",
                        help="the measure that ranks (default: the first the runs share, e.g. "
                             "rouge1); its headline component (F for ROUGE)")
    parser.add_argument("--metrics", metavar="LIST",
                        help="comma-separated measures shown (default: every one the runs share)")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="significance level after Holm's correction (default: %(default)s)")
    parser.add_argument("--test", choices=["permutation", "bootstrap", "both"],
                        default="permutation",
                        help="test behind the clusters (default: approximate randomisation)")
    parser.add_argument("--paired-bs", type=positive_int, default=1000, metavar="N",
                        help="paired bootstrap resamples (default: %(default)s)")
    parser.add_argument("--permutations", type=positive_int, default=10000, metavar="N",
                        help="approximate-randomisation permutations (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=12345, help="seed of both tests")
    parser.add_argument("--confidence", type=confidence_level, default=0.95, metavar="C",
                        help="level of the difference intervals (default: %(default)s)")
    parser.add_argument("--force", action="store_true",
                        help="rank runs on different reference sets or settings (shared ids)")
    parser.add_argument("--baseline-system", metavar="NAME",
                        help="add a column with each system's difference from this one on "
                             "the ranking measure, marked where significant (default: no "
                             "such column)")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="output format (default: a console table); md and html add "
                             "the pairwise significance matrix; latex is a booktabs tabular "
                             "(the document needs \\usepackage{booktabs})")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    return parser


def render(board, fmt: str) -> str:
    """The leaderboard as text in ``fmt``."""
    from ..report import leaderboard as formats

    if fmt == "text":
        return formats.leaderboard_text(board) + "\n"
    if fmt == "md":
        return "\n".join(["# sumbench leaderboard", "", *formats.leaderboard_markdown(board)]) + "\n"
    if fmt == "html":
        from ..report.html import page

        return page("sumbench leaderboard", formats.leaderboard_html(board))
    if fmt == "json":
        from ..report.escape.json import escape_json

        return escape_json(board.to_dict()) + "\n"
    if fmt == "csv":
        return formats.leaderboard_csv(board)
    return formats.leaderboard_latex(board)


def execute(args: argparse.Namespace) -> int:
    from .compare import split_list
    from sumbench.common.errors import UsageError
    from ..files import write_file
    from ..leaderboard import LeaderboardSettings, build_leaderboard
    from ..runs.study import load_runs

    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    settings = LeaderboardSettings(rank_by=args.rank_by, measures=split_list(args.metrics),
                                   alpha=args.alpha, test=args.test,
                                   bootstrap_samples=args.paired_bs,
                                   permutations=args.permutations, seed=args.seed,
                                   confidence=args.confidence,
                                   baseline=args.baseline_system)
    board = build_leaderboard(load_runs(args.runs), settings, force=args.force)
    for note in board.notes:
        print(f"sumbench: warning: {note}", file=sys.stderr)
    text = render(board, args.format)
    if args.output and args.output != "-":
        write_file(args.output, text)
        print(f"leaderboard written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0

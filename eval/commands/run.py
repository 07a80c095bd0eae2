"""``sumbench run``: summarise a reference set and score it (default: Lead-3 on the fixtures)."""

from __future__ import annotations

import argparse

from eval.commands import options
from eval.signature import epilog

NAME = "run"
HELP = "summarise a reference set and score the summaries"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP, epilog=epilog(),
        description="Summarise every article of a reference set and score the summaries. "
                    "With no arguments: lead-3 on the bundled fixtures.")
    parser.add_argument("--summarizer", "-s", default="lead-3", metavar="NAME",
                        help="summariser name (default: %(default)s; see 'sumbench list')")
    options.add_reference_options(parser, required=False)
    options.add_selection_options(parser)
    options.add_scoring_options(parser)
    options.add_output_options(parser)
    return parser


def execute(args: argparse.Namespace) -> int:
    from eval.run import evaluate_summarizer

    scoring = options.scoring_config(args)
    references = options.load_references(args, limit=args.limit, sample=args.sample)
    evaluation = evaluate_summarizer(references, args.summarizer, scoring,
                                     limit=args.limit, sample=args.sample, sample_seed=args.seed)
    title = f"{evaluation.meta.summarizer} on {options.describe(references)}"
    options.emit(evaluation, args, title)
    return 0

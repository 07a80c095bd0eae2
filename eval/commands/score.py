"""``sumbench score``: score a predictions file made elsewhere against a reference set."""

from __future__ import annotations

import argparse

from sumbench.eval.commands import options
from sumbench.eval.signature import epilog

NAME = "score"
HELP = "score a predictions file made elsewhere"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP, epilog=epilog(),
        description="Score summaries made elsewhere. Predictions: JSONL with 'id' and "
                    "'prediction' (a string with one sentence per line, or a list of "
                    "sentences), or a text file with one summary per line aligned with the "
                    "references (sentences separated by <n> or a literal \\n).")
    parser.add_argument("--predictions", "-p", required=True, metavar="FILE",
                        help="predictions file (.jsonl with id/prediction, or one summary per line)")
    options.add_reference_options(parser, required=True)
    options.add_metric_options(parser)
    options.add_output_options(parser)
    options.add_diagnostics_option(parser)
    return parser


def execute(args: argparse.Namespace) -> int:
    from sumbench.eval.pipeline import evaluate_predictions

    options.check_output_dir(args)
    metrics = options.metrics_from_args(args)
    references = options.load_references(args)
    run = evaluate_predictions(references, args.predictions, metrics,
                               diagnostics=args.diagnostics, name=args.name)
    options.emit(run, args, f"{args.predictions} against {options.describe(references)}")
    return 0

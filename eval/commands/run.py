"""``sumbench run``: summarise a reference set and score it (default: Lead-3 on the
fixtures); ``--baselines`` adds Lead-3 and the extractive oracle side by side;
``--baseline RUN`` gates the result against a saved run in the same step (as ``check``)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from . import check, options
from sumbench.common.errors import UsageError
from ..signature import epilog

NAME = "run"
HELP = "summarise a reference set and score the summaries"
BASELINES = ("lead-3", "oracle")


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP, epilog=epilog(),
        description="Summarise every article of a reference set and score the summaries. "
                    "With no arguments: lead-3 on the bundled fixtures.")
    parser.add_argument("--summarizer", "-s", action="append", metavar="NAME",
                        help="summariser name (default: lead-3; see 'sumbench list'; 'oracle' "
                             "is the greedy extractive upper bound); repeat it to evaluate "
                             "several, written as a study folder with -o; the model options "
                             "apply to every one given")
    parser.add_argument("--baselines", action="store_true",
                        help="also evaluate lead-3 and the oracle on the same references and "
                             "print them side by side (with -o, a study folder)")
    options.add_reference_options(parser, required=False)
    options.add_selection_options(parser)
    options.add_metric_options(parser)
    options.add_output_options(parser)
    options.add_diagnostics_option(parser)
    _add_model_options(parser)
    parser.add_argument("--baseline", metavar="RUN",
                        help="gate the result against this saved run folder, as 'sumbench "
                             "check' does: exit 1 on a regression")
    check.add_gate_options(parser)
    return parser


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    from ...summarize.options import MODEL_OPTIONS

    group = parser.add_argument_group("model summarisers (hf:, openai:) and the generation cache")
    for option in MODEL_OPTIONS:
        options.add_option(group, option.option, option.owners)


def execute(args: argparse.Namespace) -> int:
    from ..pipeline import evaluate_summarizer
    from ...summarize.options import options_from_namespace

    options.check_output_dir(args)
    metrics = options.metrics_from_args(args)
    model_options = options_from_namespace(args)
    chosen = list(dict.fromkeys(args.summarizer or ["lead-3"]))
    if len(chosen) > 1 and args.name:
        raise UsageError("--name names a single run; with several summarisers each run is "
                         "named after its summariser")
    if len(chosen) > 1 and args.baseline:
        raise UsageError("--baseline gates one summariser; give one --summarizer (with "
                         "--baselines the first is gated)")
    gate = _gate_setup(args)  # before any work: a bad baseline fails fast
    references = options.load_references(args, limit=args.limit, sample=args.sample)
    names = chosen + ([b for b in BASELINES if b not in chosen] if args.baselines else [])
    runs = [evaluate_summarizer(references, name, metrics,
                                model_options if name in chosen else None,
                                diagnostics=args.diagnostics, name=args.name)
            for name in names]
    if len(runs) == 1:
        options.emit(runs[0], args, f"{runs[0].name} on {options.describe(references)}")
    else:
        options.emit_study(runs, args, options.describe(references))
    if gate is None:
        return 0
    return _gate(runs[0], args, gate)


def _gate_setup(args: argparse.Namespace):
    """Validate ``--baseline`` and its gate config; ``None`` without ``--baseline``."""
    gate_flags = [flag for flag, value in (("--junit", args.junit), ("--markdown", args.markdown),
                                           ("--gate-config", args.gate_config))
                  if value is not None]
    if args.baseline is None:
        if gate_flags:
            raise UsageError(f"{gate_flags[0]} needs --baseline RUN")
        return None
    if args.format == "json":
        raise UsageError("--format json cannot be combined with --baseline; run "
                         "'sumbench check RUN --baseline B --format json' on the run folder")
    from ..runs.folder import load_run

    baseline = load_run(args.baseline)
    config, config_file = check.gate_config(args, args.baseline)
    return baseline, config, config_file


def _gate(run, args: argparse.Namespace, gate) -> int:
    from ..gate import check_runs

    baseline, config, config_file = gate  # loaded before any work, not read again
    if args.output_dir:  # saved there: named as 'sumbench check' on that folder names it
        run = replace(run, path=Path(args.output_dir))
    result = check_runs(run, baseline, config, force=args.force,
                        config_file=str(config_file) if config_file else None)
    print()
    return check.publish(result, args)

"""``sumbench run``: summarise a reference set and score it (default: Lead-3 on the
fixtures); ``--baselines`` adds Lead-3 and the extractive oracle side by side;
``--baseline RUN`` gates the result against a saved run in the same step (as ``check``)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from sumbench.eval.commands import check, options
from sumbench.eval.errors import InputError, UsageError
from sumbench.eval.signature import epilog

NAME = "run"
HELP = "summarise a reference set and score the summaries"
BASELINES = ("lead-3", "oracle")


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP, epilog=epilog(),
        description="Summarise every article of a reference set and score the summaries. "
                    "With no arguments: lead-3 on the bundled fixtures.")
    parser.add_argument("--summarizer", "-s", default="lead-3", metavar="NAME",
                        help="summariser name (default: %(default)s; see 'sumbench list'; "
                             "'oracle' is the greedy extractive upper bound)")
    parser.add_argument("--baselines", action="store_true",
                        help="also evaluate lead-3 and the oracle on the same references and "
                             "print them side by side (with -o, each run goes to DIR/<name>/)")
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
    from sumbench.summarize.options import MODEL_OPTIONS

    group = parser.add_argument_group("model summarisers (hf:, openai:) and the generation cache")
    for option in MODEL_OPTIONS:
        flags, keywords = option.argparse_arguments()
        group.add_argument(*flags, **keywords)


def folder_name(summarizer: str) -> str:
    """A file-system-safe folder name for a summariser name (``hf:org/model`` -> ``hf_org_model``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", summarizer).strip("_") or "run"


def execute(args: argparse.Namespace) -> int:
    from sumbench.eval.pipeline import evaluate_summarizer
    from sumbench.summarize.options import options_from_namespace

    options.check_output_dir(args)
    metrics = options.metrics_from_args(args)
    model_options = options_from_namespace(args)
    gate = _gate_setup(args)  # before any work: a bad baseline fails fast
    references = options.load_references(args, limit=args.limit, sample=args.sample)
    names = [args.summarizer]
    if args.baselines:
        names += [b for b in BASELINES if b != args.summarizer]
    runs = [evaluate_summarizer(references, name, metrics,
                                model_options if name == args.summarizer else None,
                                diagnostics=args.diagnostics,
                                name=args.name if name == args.summarizer else None)
            for name in names]
    if len(runs) == 1:
        options.emit(runs[0], args, f"{runs[0].name} on {options.describe(references)}")
    else:
        _emit_side_by_side(runs, args, options.describe(references))
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
    from sumbench.eval.runs.folder import load_run

    baseline = load_run(args.baseline)
    config, config_file = check.gate_config(args, args.baseline)
    return baseline, config, config_file


def _gate(run, args: argparse.Namespace, gate) -> int:
    from sumbench.eval.gate import check_runs

    baseline, config, config_file = gate  # loaded before any work, not read again
    result = check_runs(run, baseline, config, force=args.force,
                        config_file=str(config_file) if config_file else None)
    print()
    return check.publish(result, args)


def save_all(runs, output_dir: Path) -> None:
    """Write every run's folder (``output_dir/<name>/``) or none: all files are written
    under temporary names first, and renamed into place only when every one of them is
    complete; on a failure the temporary files and the folders made for them go."""
    from sumbench.eval.runs.folder import folder_texts

    planned = {output_dir / folder_name(run.name): folder_texts(run) for run in runs}
    made: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    folder = output_dir
    try:
        for folder, files in planned.items():
            missing = [p for p in (folder, *folder.parents) if not p.exists()]
            for path in reversed(missing):
                path.mkdir()
                made.append(path)
            for name, text in files.items():
                temporary = folder / f".{name}.{os.getpid()}.tmp"
                staged.append((temporary, folder / name))
                with open(temporary, "w", encoding="utf-8") as out:
                    out.write(text)
    except OSError as exc:
        for path in [temporary for temporary, _ in staged] + made[::-1]:
            try:
                path.rmdir() if path in made else path.unlink()
            except OSError:
                pass
        raise InputError(f"{folder}: cannot write the run folder ({exc.strerror or exc}); "
                         "no run folder was written") from None
    for temporary, final in staged:
        os.replace(temporary, final)


def _emit_side_by_side(runs, args: argparse.Namespace, described: str) -> None:
    import json

    from sumbench.eval.report.console import diagnostics_table, notice_lines, side_by_side
    from sumbench.eval.runs.folder import results_dict

    for run in runs:
        for line in notice_lines(run.all_notices()):
            print(f"{line} [{run.name}]", file=sys.stderr)
    if args.output_dir:
        save_all(runs, Path(args.output_dir))
    names = [run.name for run in runs]
    if args.format == "json":
        merged = {run.name: results_dict(run) for run in runs}
        sys.stdout.write(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
        return
    print(f"{described}\n")
    print(side_by_side(runs, names))
    if args.diagnostics:
        print()
        print(diagnostics_table({run.name: run.diagnostics_mean for run in runs}))
    if args.output_dir:
        print(f"run folders: {', '.join(str(Path(args.output_dir) / folder_name(n)) for n in names)}")

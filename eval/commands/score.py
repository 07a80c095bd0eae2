"""``sumbench score``: score predictions made elsewhere against a reference set.

One system (a predictions file) gives one run; several give a study folder (one run
folder per system and ``study.json``): several ``--predictions`` files or run folders, a
long predictions file with ``--system-field``, or predictions stored in the reference
file itself (``--prediction-field``, with ``--system-field`` when several systems share
the file; see :mod:`sumbench.eval.data.systems`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import options
from sumbench.common.errors import UsageError
from ..signature import epilog

NAME = "score"
HELP = "score predictions made elsewhere (one system or many)"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP, epilog=epilog(),
        description="Score summaries made elsewhere. Predictions: JSONL with 'id' and "
                    "'prediction' (a string with one sentence per line, or a list of "
                    "sentences), or a text file with one summary per line aligned with the "
                    "references (sentences separated by <n> or a literal \\n). Several "
                    "systems (several --predictions, --system-field or --prediction-field) "
                    "make a study folder.")
    parser.add_argument("--predictions", "-p", action="append", metavar="FILE_OR_RUN",
                        help="predictions file (.jsonl with id/prediction, or one summary per "
                             "line), or a run folder to score again; repeat for several systems")
    parser.add_argument("--system-field", action="append", metavar="FIELD",
                        help="the field naming each row's system, in a long predictions file or "
                             "(with --prediction-field) in the reference file; repeat to join "
                             "several fields with '/' (e.g. group and system)")
    parser.add_argument("--prediction-field", metavar="FIELD",
                        help="read the predictions from this field of the reference file; a "
                             "document's rows must repeat its article and references")
    parser.add_argument("--stream", action="store_true",
                        help="score in chunks of 10,000 examples, writing the run folder as it "
                             "goes: bounded memory for inputs of any size (one JSONL "
                             "predictions file in the reference set's order; needs -r "
                             "and -o)")
    options.add_reference_options(parser, required=False)
    options.add_selection_options(parser)
    options.add_metric_options(parser)
    options.add_output_options(parser)
    options.add_diagnostics_option(parser)
    return parser


def _systems(args: argparse.Namespace):
    """``(reference set, {system: (predictions, summarizer info)})`` from the options
    (:mod:`sumbench.eval.pipeline` reads them)."""
    from ..pipeline import long_file_systems, reference_file_systems, source_systems

    system_fields = args.system_field or []
    if args.prediction_field is not None:
        if args.predictions:
            raise UsageError("--prediction-field reads the predictions from --references; "
                             "give no --predictions")
        if not args.references:
            raise UsageError("--prediction-field needs --references FILE")
        return reference_file_systems(args.references, args.references_format,
                                      options.field_map(args),
                                      args.prediction_field, system_fields)
    if not args.predictions:
        raise UsageError("give --predictions FILE (or --prediction-field FIELD)")
    if system_fields:
        if len(args.predictions) != 1:
            raise UsageError("--system-field reads one long predictions file; give one --predictions")
        references = _references(args)
        return references, long_file_systems(references, args.predictions[0], system_fields)
    references = _references(args)
    return references, source_systems(references, args.predictions)


def _references(args: argparse.Namespace):
    """The reference set: ``--references``; else the one stored in the run folders given
    when every source is a run folder; else the bundled fixtures (as ``--help`` says)."""
    from ..pipeline import reference_set_of

    folders = [Path(p) for p in args.predictions or [] if Path(p).is_dir()]
    if args.references or not folders or len(folders) != len(args.predictions):
        return options.load_references(args)
    from ..runs.folder import load_run

    given = [flag for flag, value in (("--references-format", args.references_format),
                                      ("--article-field", args.article_field),
                                      ("--reference-field", args.reference_field),
                                      ("--id-field", args.id_field),
                                      ("--language-field", args.language_field),
                                      ("--multi-reference", args.multi_reference),
                                      ("--reference-sentences", args.reference_sentences))
             if value]
    if given:
        raise UsageError(f"{given[0]} reads a reference file, but the references come from "
                         "the run folders given; add --references FILE or drop it")
    runs = [load_run(f) for f in folders]
    if len({r.fingerprint for r in runs}) > 1:
        raise UsageError("the run folders were scored on different reference sets; give --references")
    return reference_set_of(runs[0])


def _stream(args: argparse.Namespace, metrics) -> int:
    """``--stream``: one predictions file, chunk by chunk (:mod:`sumbench.eval.streaming`)."""
    from ..streaming import stream_run

    given = [flag for flag, value in (("--system-field", args.system_field),
                                      ("--prediction-field", args.prediction_field),
                                      ("--diagnostics", args.diagnostics),
                                      ("--limit", args.limit), ("--sample", args.sample))
             if value]
    if given:
        raise UsageError(f"{given[0]} cannot be combined with --stream")
    if not args.predictions or len(args.predictions) != 1 or Path(args.predictions[0]).is_dir():
        raise UsageError("--stream scores one predictions file (JSONL): give one --predictions")
    if not args.references:
        raise UsageError("--stream needs --references FILE (JSONL, JSON, CSV, TSV or Parquet; "
                         "the bundled fixtures are plain text and cannot be streamed)")
    if not args.output_dir:
        raise UsageError("--stream writes the run folder as it goes: give --output-dir DIR")
    path = Path(args.predictions[0])
    spec = args.references
    run = stream_run(spec, args.references_format, options.field_map(args), path, metrics,
                     args.output_dir, args.name or path.stem, overwrite=args.overwrite)
    options.emit(run, args, f"{path} against {spec} ({len(run)} examples)", saved=True)
    return 0


def _check_streamable(names) -> None:
    """``--stream`` with a metric that needs every example at once is refused before any
    metric is built (building a model metric would first look for its model)."""
    from ..metrics import metric_class

    refused = [name for name in names if not metric_class(name).streamable]
    if refused:
        raise UsageError(f"--stream: the metric(s) {', '.join(refused)} cannot stream (they "
                         "need every example at once); score them without --stream")


def execute(args: argparse.Namespace) -> int:
    from ..pipeline import score_systems, select_systems

    options.check_output_dir(args)
    if args.stream:
        _check_streamable(options.metric_names(args))
    metrics = options.metrics_from_args(args)
    if args.stream:
        return _stream(args, metrics)
    references, systems = select_systems(*_systems(args), args.limit, args.sample,
                                         options.seed_of(args))
    if len(systems) > 1 and args.name:
        raise UsageError("--name names a single run; each system's run is named after it")
    runs = score_systems(references, systems, metrics, args.name, args.diagnostics)
    described = options.describe(references)
    if len(runs) == 1:
        source = args.predictions[0] if args.predictions else args.references
        options.emit(runs[0], args, f"{source} against {described}")
    else:
        options.emit_study(runs, args, described)
    return 0

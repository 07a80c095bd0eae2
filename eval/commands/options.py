"""Options shared by several subcommands: reference set, selection, metrics, output.

Each ``add_*`` function adds one argument group; ``metrics_from_args`` and
``load_references`` turn parsed arguments into the values the pipeline takes.  Every
metric's options come from the metric's own declaration (``Metric.options``); they
default to ``None`` here so that an option given for a metric that is not in use is
refused by name (:func:`sumbench.eval.metrics.build_metrics`).
"""

from __future__ import annotations

import argparse
import sys

from typing import Any

from sumbench.common.options import Option, OptionError
from sumbench.common.errors import UsageError

DEFAULT_SEED = 12345
_METAVARS = {"int": "N", "float": "X", "str": "TEXT", "path": "FILE", "list": "LIST",
             "envvar": "NAME"}


def add_option(group: Any, option: Option, owner: str) -> None:
    """Add a declared :class:`~sumbench.common.options.Option` to an argparse parser or
    group as ``--name-with-dashes``.  The default is always ``None``, so that what was
    given can be told from what was not; ``owner`` prefixes the help text (``[rouge]``)."""
    default = "" if option.default in (None, False, ()) else f" (default: {_shown(option.default)})"
    help_text = f"[{owner}] {option.help}{default}".replace("%", "%%")
    keywords: dict[str, Any] = {"dest": option.name, "default": None, "help": help_text}
    if option.type == "bool":
        keywords["action"] = ("store_true" if option.default is False
                              else argparse.BooleanOptionalAction)
    else:
        keywords["type"] = lambda text: _option_value(option, text)
        keywords["metavar"] = option.metavar or _METAVARS[option.type]
        if option.choices and option.type != "list":
            keywords["choices"] = list(option.choices)
            keywords.pop("metavar")
    group.add_argument(option.flag, **keywords)
    if option.deprecated:  # the old spelling: works, hidden from --help, warned about
        group.add_argument(*option.deprecated_flags, **{**keywords, "dest": _old_dest(option),
                                                       "help": argparse.SUPPRESS})


def _old_dest(option: Option) -> str:
    return f"deprecated_{option.name}"


def _given_with_old_spellings(args: argparse.Namespace,
                              declared: list[Option]) -> tuple[dict[str, Any], list[str]]:
    """The options given (:func:`~sumbench.common.options.given_options`), an old spelling
    (``Option.deprecated``) counted as the new one, and the deprecation warning of each
    old spelling used (printed once the options are accepted)."""
    from sumbench.common.options import given_options

    given = given_options(args, declared)
    warnings = []
    for option in declared:
        old = getattr(args, _old_dest(option), None) if option.deprecated else None
        if old is None:
            continue
        if option.name in given:
            raise UsageError(f"{option.deprecated_flags[0]} is the old spelling of "
                             f"{option.flag}; give only {option.flag}")
        warnings.append(f"sumbench: warning: {option.deprecated_flags[0]} is deprecated and "
                        f"will be removed in the next release; use {option.flag}")
        given[option.name] = old
    return given, warnings


def _shown(value: Any) -> str:
    return ",".join(value) if isinstance(value, tuple) else str(value)


def _option_value(option: Option, text: str) -> Any:
    try:
        return option.parse(text)
    except OptionError as exc:
        raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[-1]) from None


def _int_at_least(text: str, minimum: int, wanted: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _int_at_least(text, 1, "a positive integer")


def non_negative_int(text: str) -> int:
    return _int_at_least(text, 0, "an integer >= 0")


def confidence_level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}")
    return value


def add_reference_options(parser: argparse.ArgumentParser, required: bool) -> None:
    from ..data import READERS

    group = parser.add_argument_group("reference set")
    group.add_argument("--references", "-r", metavar="SPEC", required=required,
                       help="file, folder or hf:<dataset>[/<config>][:<split>] "
                            + ("" if required else "(default: the bundled fixtures)"))
    group.add_argument("--references-format", choices=list(READERS), metavar="FORMAT",
                       help=f"reader to use ({', '.join(READERS)}); default: from the path")
    group.add_argument("--article-field", metavar="NAME",
                       help="field holding the article (default: article, document, text)")
    group.add_argument("--reference-field", metavar="NAME",
                       help="field holding the reference (default: highlights, summary, references)")
    group.add_argument("--id-field", metavar="NAME",
                       help="field holding the example id (default: id; else the row number)")
    group.add_argument("--language-field", metavar="NAME",
                       help="field holding each example's language (ISO 639-1 code or "
                            "XL-Sum name): ROUGE scores each example in its language")
    lists = group.add_mutually_exclusive_group()
    lists.add_argument("--multi-reference", action="store_true",
                       help="a list of strings in the reference field is several references "
                            "(the default for a field named references or summaries; a list "
                            "in any other field is refused unless this or "
                            "--reference-sentences says what it is)")
    lists.add_argument("--reference-sentences", action="store_true",
                       help="a list of strings in the reference field is one reference given "
                            "as its sentences (as arXiv and PubMed abstracts are stored; "
                            "overrides the field name references)")
    from ..data.registry import reader_options

    for option, owners in reader_options().values():
        add_option(group, option, " and ".join(owners) + " reader")


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection")
    group.add_argument("--limit", type=positive_int, metavar="N",
                       help="keep the first N examples (score: and their predictions)")
    group.add_argument("--sample", type=positive_int, metavar="N",
                       help="keep N examples drawn at random with --seed (file order kept; "
                            "then --limit)")


def add_metric_options(parser: argparse.ArgumentParser) -> None:
    """``--metrics``, the bootstrap settings and every registered metric's own options."""
    from ..metrics import DEFAULT_METRICS, all_options, option_owners
    from ..metrics.base import BOOTSTRAP_OPTIONS

    group = parser.add_argument_group("metrics")
    group.add_argument("--metrics", metavar="LIST",
                       help="comma-separated metrics to compute (default: "
                            f"{','.join(DEFAULT_METRICS)}; see 'sumbench list')")
    group.add_argument("--rouge-impl", choices=["rouge-score", "rouge155"],
                       help="deprecated: --metrics rouge or --metrics rouge155")
    group.add_argument("--seed", type=int, default=None,
                       help=f"seed of the bootstrap (and of --sample) (default: {DEFAULT_SEED})")
    for option in BOOTSTRAP_OPTIONS:
        add_option(group, option, "bootstrap intervals")
    owners = option_owners()
    for option in all_options():
        add_option(group, option, " and ".join(owners[option.name]))


def metric_names(args: argparse.Namespace) -> tuple[str, ...]:
    from ..metrics import parse_metric_names

    if args.rouge_impl is not None:
        if args.metrics is not None:
            raise UsageError("--rouge-impl is the old spelling of --metrics; give only --metrics")
        name = "rouge" if args.rouge_impl == "rouge-score" else "rouge155"
        print(f"sumbench: warning: --rouge-impl is deprecated; use --metrics {name}",
              file=sys.stderr)
        return (name,)
    return parse_metric_names(args.metrics)


def metrics_from_args(args: argparse.Namespace) -> tuple:
    """The metrics the options describe; a usage error names an option whose owner is
    not in use, before any work."""
    from ..metrics import all_options, build_metrics, metric_class

    names = metric_names(args)
    bootstrap = {}
    if args.bootstrap_samples is not None:
        bootstrap["samples"] = args.bootstrap_samples
    if args.confidence is not None:
        bootstrap["confidence"] = args.confidence
    if args.seed is not None:
        if args.seed < 0:
            raise UsageError(f"--seed must be >= 0, got {args.seed}")
        sampling = getattr(args, "sample", None) is not None
        if not sampling or any(metric_class(n).uses_bootstrap for n in names):
            bootstrap["seed"] = args.seed
    given, warnings = _given_with_old_spellings(args, all_options())
    metrics = build_metrics(names, given, bootstrap)
    for line in warnings:
        print(line, file=sys.stderr)
    return metrics


def add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--output-dir", "-o", metavar="DIR",
                       help="write the run folder here (results.json, references.jsonl, "
                            "predictions.jsonl, per_example.jsonl)")
    group.add_argument("--name", metavar="NAME",
                       help="the run's name in tables and comparisons (default: the "
                            "summariser, or the predictions file's name)")
    group.add_argument("--overwrite", action="store_true",
                       help="replace what is at --output-dir when it is a run or study "
                            "folder sumbench wrote (never any other folder, a file or a "
                            "link); the new folder is written whole, then swapped in")
    group.add_argument("--format", choices=["text", "json"], default="text",
                       help="stdout: the table (text) or results.json (json)")


def check_output_dir(args: argparse.Namespace) -> None:
    if args.output_dir is not None and not args.output_dir.strip():
        raise UsageError("--output-dir: an empty folder name")
    if args.overwrite and args.output_dir is None:
        raise UsageError("--overwrite replaces the folder of --output-dir; give --output-dir")
    if args.output_dir is not None:  # before any scoring: `-o /`, `-o .`, `-o FILE`
        from pathlib import Path

        from ..files import check_output_folder, needs_replacing

        directory = Path(args.output_dir)
        exists = check_output_folder(directory, "output folder")
        if exists and args.overwrite and not directory.is_symlink() \
                and needs_replacing(directory, ()):
            from ..runs.replace import check_replaceable

            check_replaceable(directory)  # a folder --overwrite may not replace: now


def seed_of(args: argparse.Namespace) -> int:
    """The seed of ``--sample`` (``--seed``, else the default)."""
    return args.seed if args.seed is not None else DEFAULT_SEED


def field_map(args: argparse.Namespace):
    """The reference set's fields as the options name them (``--article-field``...)."""
    from ..data import FieldMap

    return FieldMap(article=args.article_field, reference=args.reference_field,
                    id=args.id_field, multi_reference=args.multi_reference,
                    reference_sentences=args.reference_sentences,
                    language=args.language_field)


def load_references(args: argparse.Namespace, limit: int | None = None,
                    sample: int | None = None):
    from sumbench.common.options import given_options
    from ..data import load_reference_set
    from ..data.registry import reader_options

    fields = field_map(args)
    seed = seed_of(args)
    settings = given_options(args, [option for option, _ in reader_options().values()])
    return load_reference_set(args.references, fmt=args.references_format, fields=fields,
                              limit=limit, sample=sample, seed=seed, reader_settings=settings)


def describe(references) -> str:
    """How a reference set is named in titles: the bundled fixtures get a short name."""
    from ..data import default_reference_spec

    try:
        bundled = references.spec == default_reference_spec()
    except UsageError:
        bundled = False
    name = "the bundled fixtures" if bundled else references.spec
    return f"{name} ({len(references)} examples)"


def add_diagnostics_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--diagnostics", action="store_true",
                        help="compute summary diagnostics (length, compression, coverage, "
                             "density, novel n-grams, repetition, lead-3 overlap): printed, "
                             "and stored in results.json and per_example.jsonl")


def emit(run, args: argparse.Namespace, title: str, saved: bool = False) -> None:
    """Print warnings (stderr), the table or JSON (stdout); write the run folder (unless
    ``saved``: a streamed run wrote it as it went)."""
    from ..report.console import notice_lines, run_text
    from ..runs.folder import results_text

    for line in notice_lines(run.all_notices()):
        print(line, file=sys.stderr)
    if args.output_dir and not saved:
        run.save(args.output_dir, overwrite=args.overwrite)
    if args.format == "json":
        sys.stdout.write(results_text(run))
    else:
        print(run_text(run, title, args.output_dir))


def emit_study(runs, args: argparse.Namespace, described: str) -> None:
    """Several runs on one reference set: warnings (stderr, each distinct one once with
    the systems it concerns), the study folder (``-o``), then their headline means side
    by side, or the study as JSON."""
    from ..report.console import study_notice_lines, study_text
    from ..runs.study import study_results_text, write_study

    for line in study_notice_lines(runs):
        print(line, file=sys.stderr)
    if args.output_dir:
        write_study(runs, args.output_dir, overwrite=args.overwrite)
    if args.format == "json":
        sys.stdout.write(study_results_text(runs))
    else:
        print(study_text(runs, described, getattr(args, "diagnostics", False), args.output_dir))

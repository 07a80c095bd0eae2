"""``sumbench meta [RUN ...] --human FILE``: does each metric agree with human judgments?

Metric scores come from run folders (one per system: the run's name is the system, its
example ids the inputs) and/or from fields of a file (``--metric-field``); judgments from
``--human`` (SummEval's and REALSumm's layouts are recognised).  Prints, for every
metric, judgment, level (system, summary, global) and coefficient (Pearson, Spearman,
Kendall tau-b), the correlation with its bootstrap interval, and with ``--tests`` the
permutation tests between metrics, Holm-corrected by default (``--correction``), as one
metric x metric matrix per judgment and level (:mod:`sumbench.eval.meta`).  Exit 0, or 2 on a usage
or input error (nothing is written then).
"""

from __future__ import annotations

import argparse
import sys

from .options import confidence_level, positive_int

NAME = "meta"
HELP = "meta-evaluation: correlate metrics with human judgments, with intervals and tests"


def _list(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(t.strip() for t in text.split(",") if t.strip())


def register(subparsers) -> argparse.ArgumentParser:
    from ..meta.formats import FORMATS

    parser = subparsers.add_parser(
        NAME, help=HELP,
        description="Correlate metric scores with human judgments at the system, summary "
                    "and global levels (Deutsch, Dror & Roth 2021), with bootstrap "
                    "confidence intervals and permutation tests between metrics.")
    parser.add_argument("runs", nargs="*", metavar="RUN_OR_STUDY",
                        help="run folders (one per system: the run name is the system) or "
                             "study folders")
    metrics = parser.add_argument_group("metric scores")
    metrics.add_argument("--measures", metavar="LIST",
                         help="the runs' measures to use, e.g. rouge1,rouge155:rouge2 "
                              "(default: every measure the runs share)")
    metrics.add_argument("--components", metavar="LIST",
                         help="their components: names or labels (p,r,f), headline, or all "
                              "(default: all)")
    metrics.add_argument("--metric-field", action="append", default=[], metavar="[LABEL=]PATH",
                         help="a metric stored in a file, as a dotted field path (e.g. "
                              "r1=rouge155_scores.rouge_1_recall); repeatable")
    metrics.add_argument("--scores", metavar="FILE",
                         help="the file of --metric-field (default: the --human file)")
    human = parser.add_argument_group("human judgments")
    human.add_argument("--human", required=True, metavar="FILE",
                       help="judgments, one record per summary (.jsonl, .json, .csv, .tsv)")
    human.add_argument("--human-format", choices=list(FORMATS),
                       help="layout of --human and --scores (default: detected from the "
                            "fields; " + "; ".join(f"{f.name}: {f.description}"
                                                   for f in FORMATS.values()) + ")")
    human.add_argument("--judgment", action="append", default=[], metavar="[LABEL=]FIELD",
                       help="a judgment field (dotted; a list of annotators' ratings is "
                            "averaged); repeatable (default: the format's, e.g. SummEval's "
                            "four expert dimensions)")
    human.add_argument("--doc-field", metavar="NAME",
                       help="field naming the input (default: the format's, e.g. doc_id)")
    human.add_argument("--system-field", metavar="LIST",
                       help="field(s) naming the system, joined with '/' (default: the "
                            "format's, e.g. group,system for REALSumm)")
    stats = parser.add_argument_group("statistics")
    stats.add_argument("--levels", default="system,summary,global", metavar="LIST",
                       help="system, summary, global (default: %(default)s)")
    stats.add_argument("--correlations", default="pearson,spearman,kendall", metavar="LIST",
                       help="pearson, spearman, kendall (tau-b) (default: %(default)s)")
    stats.add_argument("--resampling", choices=["both", "systems", "inputs", "none"],
                       default="both",
                       help="bootstrap the systems, the inputs or both for the intervals "
                            "(default: %(default)s)")
    stats.add_argument("--samples", type=positive_int, metavar="N",
                       help="bootstrap resamples (default: 1000)")
    stats.add_argument("--confidence", type=confidence_level, metavar="C",
                       help="confidence level of the intervals (default: 0.95)")
    stats.add_argument("--seed", type=int, default=12345,
                       help="seed of the resampling (default: %(default)s)")
    stats.add_argument("--tests", metavar="all|LIST",
                       help="permutation tests between every pair of these metrics (labels "
                            "as printed), or all")
    stats.add_argument("--permutation", choices=["both", "systems", "inputs"],
                       help="what the test swaps between two metrics (default: both)")
    stats.add_argument("--permutations", type=positive_int, metavar="N",
                       help="permutations per test (default: chosen from the number of "
                            "tests m so that the smallest p, 1/(N+1), is alpha/(5m): "
                            "10,799 for 108 tests at 0.05)")
    stats.add_argument("--correction", choices=["holm", "bh", "none"],
                       help="multiple-comparison correction over all tests: holm "
                            "(Holm-Bonferroni, family-wise error), bh (Benjamini-Hochberg, "
                            "false discovery rate) or none (default: holm)")
    stats.add_argument("--alpha", type=float, metavar="A",
                       help="level at which a corrected test rejects (default: 0.05)")
    stats.add_argument("--summary-level-filter", metavar="p<=P",
                       help="REALSumm's summary level: average only the inputs whose "
                            "correlation has p <= P (e.g. p<=0.05); not the standard definition")
    output = parser.add_argument_group("output")
    output.add_argument("--format", choices=["text", "json", "md", "html"], default="text",
                        help="output format (default: %(default)s)")
    output.add_argument("--output", "-o", metavar="FILE", help="where to write (default: stdout)")
    output.add_argument("--title", help="title of the md or html document")
    return parser


def _summary_filter(text: str | None):
    from sumbench.common.errors import UsageError
    from ..stats.correlation_levels import SummaryFilter

    if text is None:
        return None
    compact = text.replace(" ", "")
    if compact.startswith("p<="):
        try:
            return SummaryFilter(float(compact[3:]))
        except ValueError:
            pass
    raise UsageError(f"--summary-level-filter: expected p<=P with P in (0, 1], e.g. p<=0.05; "
                     f"got {text!r}")


def settings_from_args(args: argparse.Namespace):
    """The statistics options as :class:`~sumbench.eval.meta.MetaSettings`; options that
    cannot apply are usage errors."""
    from sumbench.common.errors import UsageError
    from ..meta.evaluate import MetaSettings

    resampling = None if args.resampling == "none" else args.resampling
    if resampling is None:
        given = [f for f, v in (("--samples", args.samples), ("--confidence", args.confidence))
                 if v is not None]
        if given:
            raise UsageError(f"{given[0]} sets the bootstrap intervals; --resampling none "
                             "asks for none")
    if args.tests is None:
        given = [f for f, v in (("--permutation", args.permutation),
                                ("--permutations", args.permutations),
                                ("--correction", args.correction), ("--alpha", args.alpha))
                 if v is not None]
        if given:
            raise UsageError(f"{given[0]} sets the tests between metrics; add --tests all "
                             "or --tests A,B")
    tests = None
    if args.tests is not None:
        tests = "all" if args.tests.strip() == "all" else _list(args.tests)
    if args.seed < 0:
        raise UsageError(f"--seed must be >= 0, got {args.seed}")
    return MetaSettings(levels=_list(args.levels) or (), coefficients=_list(args.correlations) or (),
                        resampling=resampling, samples=args.samples or 1000,
                        confidence=args.confidence or 0.95, seed=args.seed, tests=tests,
                        permutation=args.permutation or "both",
                        permutations=args.permutations,
                        correction=args.correction or "holm",
                        alpha=args.alpha if args.alpha is not None else 0.05,
                        summary_filter=_summary_filter(args.summary_level_filter))


def execute(args: argparse.Namespace) -> int:
    from sumbench.common.errors import UsageError
    from ..meta.inputs import meta_from_sources
    from ..report import meta as show
    from ..files import write_file
    from ..runs.study import load_runs

    if args.title is not None and args.format not in ("md", "html"):
        raise UsageError("--title applies to --format md or html")
    if args.output is not None and not args.output.strip():
        raise UsageError("--output: an empty file name")
    settings = settings_from_args(args)
    runs = load_runs(args.runs)
    result = meta_from_sources(
        runs, args.human, judgments=args.judgment, human_format=args.human_format,
        doc_field=args.doc_field, system_fields=_list(args.system_field),
        metric_fields=args.metric_field, scores=args.scores,
        measures=_list(args.measures),
        components=_list(args.components) or ("all",), settings=settings)
    for note in result.notes:
        print(f"sumbench: note: {note}", file=sys.stderr)
    title = args.title or "sumbench meta-evaluation"
    if args.format == "json":
        from ..report.escape.json import escape_json

        text = escape_json(result.to_dict()) + "\n"
    elif args.format == "md":
        text = show.markdown_document(result, title)
    elif args.format == "html":
        text = show.html_document(result, title)
    else:
        text = show.console_text(result) + "\n"
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return 0
    write_file(args.output, text)
    print(f"meta-evaluation written to {args.output}", file=sys.stderr)
    return 0

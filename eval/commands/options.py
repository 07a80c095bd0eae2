"""Options shared by several subcommands: reference set, selection, scoring, output.

Each ``add_*`` function adds one argument group; ``scoring_config`` and
``load_references`` turn parsed arguments into the values the pipeline takes.
"""

from __future__ import annotations

import argparse
import re
import sys

from sumbench.eval.errors import UsageError
from sumbench.eval.metrics.rouge.lsum import LSUM_SPLITS
from sumbench.eval.metrics.rouge.engine import BACKENDS, DEFAULT_BACKEND, DEFAULT_TYPES, MULTI_REF_RULES, RougeConfig
from sumbench.eval.scoring import ROUGE155_DEFAULT_FLAGS, ROUGE_IMPLS, ScoringConfig


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def confidence_level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}")
    return value


def add_reference_options(parser: argparse.ArgumentParser, required: bool) -> None:
    from sumbench.eval.data import READERS

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
    group.add_argument("--multi-reference", action="store_true",
                       help="the reference field is a list of several references")


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection")
    group.add_argument("--limit", type=positive_int, metavar="N", help="keep the first N examples")
    group.add_argument("--sample", type=positive_int, metavar="N",
                       help="keep N examples drawn at random with --seed (file order kept)")


def add_scoring_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("scoring")
    group.add_argument("--rouge-types", default=",".join(DEFAULT_TYPES), metavar="LIST",
                       help="comma-separated: rouge1..rouge9, rougeL, rougeLsum (default: %(default)s)")
    group.add_argument("--no-stemmer", action="store_true",
                       help="turn the Porter stemmer off (it is on by default)")
    group.add_argument("--tokenizer", default="default", choices=["default", "unicode"],
                       help="default = rouge-score's ASCII tokenizer; unicode = letters of any script")
    group.add_argument("--lsum-split", default="newline", choices=list(LSUM_SPLITS),
                       help="sentence split before ROUGE-Lsum (default: %(default)s)")
    group.add_argument("--multi-ref", default="max", choices=list(MULTI_REF_RULES),
                       help="with several references: best F per type (max) or mean")
    group.add_argument("--bootstrap-samples", type=positive_int, default=1000, metavar="N",
                       help="bootstrap resamples for the intervals (default: %(default)s)")
    group.add_argument("--confidence", type=confidence_level, default=0.95, metavar="C",
                       help="confidence level of the intervals (default: %(default)s)")
    group.add_argument("--seed", type=int, default=12345,
                       help="seed for the bootstrap and for --sample (default: %(default)s)")
    group.add_argument("--backend", default=DEFAULT_BACKEND, choices=list(BACKENDS),
                       help="engine for rouge-score semantics; the numbers are identical: "
                            "fast (pure Python), rust (the rouge-score-rs accelerator, all "
                            "cores), reference (rouge-score itself, slow), auto = rust when "
                            "installed, else fast (default: %(default)s)")
    group.add_argument("--processes", type=positive_int, default=1, metavar="N",
                       help="worker processes for scoring large inputs (default: %(default)s)")
    group.add_argument("--rouge-impl", default="rouge-score", choices=list(ROUGE_IMPLS),
                       help="ROUGE semantics: rouge-score (default) or rouge155, the original "
                            "ROUGE-1.5.5 Perl script's, reimplemented exactly in Python")
    group.add_argument("--rouge155-flags", default=ROUGE155_DEFAULT_FLAGS, metavar="FLAGS",
                       help="ROUGE-1.5.5 options for --rouge-impl rouge155, as a Perl flag "
                            "string (default: '%(default)s'); -c/-r set its intervals; write a "
                            "single flag with '=': --rouge155-flags=-m")
    group.add_argument("--rouge155-exceptions", default="wordnet", choices=["wordnet", "none"],
                       help="with -m: the WordNet exception table the released script loads "
                            "(wordnet), or an empty table as in many rebuilt installs (none)")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--output-dir", "-o", metavar="DIR",
                       help="write results.json, predictions.jsonl and per_example.jsonl here")
    group.add_argument("--format", choices=["text", "json"], default="text",
                       help="stdout: the table (text) or results.json (json)")


def scoring_config(args: argparse.Namespace) -> ScoringConfig:
    """The :class:`ScoringConfig` the scoring options describe."""
    types = tuple(t.strip() for t in args.rouge_types.split(",") if t.strip())
    bad = [t for t in types if not re.fullmatch(r"rouge[1-9]|rougeL|rougeLsum", t)]
    if bad or not types:
        raise UsageError(f"--rouge-types: unknown type(s) {', '.join(bad) or '(none)'}; "
                         "use rouge1..rouge9, rougeL, rougeLsum")
    rouge = RougeConfig(rouge_types=types, use_stemmer=not args.no_stemmer,
                        tokenizer=args.tokenizer, multi_ref=args.multi_ref)
    config = ScoringConfig(rouge=rouge, lsum_split=args.lsum_split,
                           bootstrap_samples=args.bootstrap_samples, seed=args.seed,
                           confidence=args.confidence, backend=args.backend,
                           processes=args.processes, impl=args.rouge_impl,
                           rouge155_flags=args.rouge155_flags,
                           rouge155_exceptions=args.rouge155_exceptions)
    config.check()  # e.g. bad ROUGE-1.5.5 flags: a usage error before any work
    return config


def load_references(args: argparse.Namespace, limit: int | None = None,
                    sample: int | None = None):
    from sumbench.eval.data import FieldMap, load_reference_set

    fields = FieldMap(article=args.article_field, reference=args.reference_field,
                      id=args.id_field, multi_reference=args.multi_reference)
    return load_reference_set(args.references, fmt=args.references_format, fields=fields,
                              limit=limit, sample=sample, seed=args.seed)


def describe(references) -> str:
    """How a reference set is named in titles: the bundled fixtures get a short name."""
    from sumbench.eval.data import default_reference_spec

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


def emit(evaluation, args: argparse.Namespace, title: str) -> None:
    """Print warnings (stderr), the table or JSON (stdout); write the run folder."""
    from sumbench.eval.report.console import diagnostics_table, notice_lines, score_table
    from sumbench.eval.runs.folder import results_dict, results_json_text

    for line in notice_lines(evaluation.scored.notices):
        print(line, file=sys.stderr)
    if args.output_dir:
        evaluation.save(args.output_dir)
    results = results_dict(evaluation.scored, evaluation.meta, evaluation.diagnostics)
    if args.format == "json":
        sys.stdout.write(results_json_text(results))
    else:
        print(score_table(evaluation.scored, title))
        if "diagnostics" in results:
            print()
            print(diagnostics_table({evaluation.meta.summarizer: results["diagnostics"]["mean"]}))
        if args.output_dir:
            print(f"run folder: {args.output_dir}")



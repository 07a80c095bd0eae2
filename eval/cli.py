"""The ``sumbench`` command line.

Subcommands: ``run`` (summarise a reference set and score it; with no arguments, Lead-3
on the bundled fixtures), ``score`` (score a predictions file made elsewhere) and
``list`` (summarisers and reference formats).  Input and usage errors print one line
``sumbench: error: ...`` on stderr and exit 2, with no traceback and no partial files.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from eval import __version__
from eval.errors import SumbenchError, UsageError
from eval.lsum import LSUM_SPLITS
from eval.rouge import BACKENDS, DEFAULT_BACKEND, DEFAULT_TYPES, MULTI_REF_RULES, RougeConfig
from eval.scoring import ScoringConfig
from eval.signature import FIELD_HELP

EPILOG = "signature fields: " + "; ".join(f"{k} = {v}" for k, v in FIELD_HELP.items())


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}")
    return value


def _add_reference_options(parser: argparse.ArgumentParser, required: bool) -> None:
    from eval.data import READERS

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


def _add_selection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection")
    group.add_argument("--limit", type=_positive_int, metavar="N", help="keep the first N examples")
    group.add_argument("--sample", type=_positive_int, metavar="N",
                       help="keep N examples drawn at random with --seed (file order kept)")


def _add_scoring_options(parser: argparse.ArgumentParser) -> None:
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
    group.add_argument("--bootstrap-samples", type=_positive_int, default=1000, metavar="N",
                       help="bootstrap resamples for the intervals (default: %(default)s)")
    group.add_argument("--confidence", type=_confidence, default=0.95, metavar="C",
                       help="confidence level of the intervals (default: %(default)s)")
    group.add_argument("--seed", type=int, default=12345,
                       help="seed for the bootstrap and for --sample (default: %(default)s)")
    group.add_argument("--backend", default=DEFAULT_BACKEND, choices=list(BACKENDS),
                       help="ROUGE implementation of rouge-score semantics: 'reference' calls "
                            "rouge-score itself (slow); numbers are identical (default: %(default)s)")
    group.add_argument("--processes", type=_positive_int, default=1, metavar="N",
                       help="worker processes for scoring large inputs (default: %(default)s)")


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--output-dir", "-o", metavar="DIR",
                       help="write results.json, predictions.jsonl and per_example.jsonl here")
    group.add_argument("--format", choices=["text", "json"], default="text",
                       help="stdout: the table (text) or results.json (json)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sumbench", description="Summarisation evaluation: ROUGE with rouge-score "
        "semantics, seeded confidence intervals and a signature on every number.",
        epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"sumbench {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="summarise a reference set and score the summaries",
                              description="Summarise every article of a reference set and "
                              "score the summaries. With no arguments: lead-3 on the bundled "
                              "fixtures.", epilog=EPILOG)
    run.add_argument("--summarizer", "-s", default="lead-3", metavar="NAME",
                     help="summariser name (default: %(default)s; see 'sumbench list')")
    _add_reference_options(run, required=False)
    _add_selection_options(run)
    _add_scoring_options(run)
    _add_output_options(run)

    score = commands.add_parser("score", help="score a predictions file made elsewhere",
                                description="Score summaries made elsewhere. Predictions: "
                                "JSONL with 'id' and 'prediction', or a text file with one "
                                "summary per line aligned with the references (sentences "
                                "separated by <n> or a literal \\n).", epilog=EPILOG)
    score.add_argument("--predictions", "-p", required=True, metavar="FILE",
                       help="predictions file (.jsonl with id/prediction, or one summary per line)")
    _add_reference_options(score, required=True)
    _add_scoring_options(score)
    _add_output_options(score)

    commands.add_parser("list", help="list summarisers and reference formats")
    return parser


def scoring_config(args: argparse.Namespace) -> ScoringConfig:
    types = tuple(t.strip() for t in args.rouge_types.split(",") if t.strip())
    import re

    bad = [t for t in types if not re.fullmatch(r"rouge[1-9]|rougeL|rougeLsum", t)]
    if bad or not types:
        raise UsageError(f"--rouge-types: unknown type(s) {', '.join(bad) or '(none)'}; "
                         "use rouge1..rouge9, rougeL, rougeLsum")
    rouge = RougeConfig(rouge_types=types, use_stemmer=not args.no_stemmer,
                        tokenizer=args.tokenizer, multi_ref=args.multi_ref)
    return ScoringConfig(rouge=rouge, lsum_split=args.lsum_split,
                         bootstrap_samples=args.bootstrap_samples, seed=args.seed,
                         confidence=args.confidence, backend=args.backend,
                         processes=args.processes)


def _load_references(args: argparse.Namespace, limit=None, sample=None):
    from eval.data import FieldMap, load_reference_set

    fields = FieldMap(article=args.article_field, reference=args.reference_field,
                      id=args.id_field, multi_reference=args.multi_reference)
    return load_reference_set(args.references, fmt=args.references_format, fields=fields,
                              limit=limit, sample=sample, seed=args.seed)


def _emit(evaluation, args: argparse.Namespace, title: str) -> None:
    from eval.report.console import notice_lines, score_table
    from eval.results import results_dict, results_json_text

    for line in notice_lines(evaluation.scored.notices):
        print(line, file=sys.stderr)
    if args.output_dir:
        evaluation.save(args.output_dir)
    if args.format == "json":
        sys.stdout.write(results_json_text(results_dict(evaluation.scored, evaluation.meta)))
    else:
        print(score_table(evaluation.scored, title))
        if args.output_dir:
            print(f"run folder: {args.output_dir}")


def _cmd_run(args: argparse.Namespace) -> int:
    from eval.run import evaluate_summarizer

    scoring = scoring_config(args)
    references = _load_references(args, limit=args.limit, sample=args.sample)
    evaluation = evaluate_summarizer(references, args.summarizer, scoring,
                                     limit=args.limit, sample=args.sample, sample_seed=args.seed)
    title = (f"{evaluation.meta.summarizer} on {references.spec} "
             f"({len(references)} examples)")
    _emit(evaluation, args, title)
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    from eval.run import evaluate_predictions

    scoring = scoring_config(args)
    references = _load_references(args)
    evaluation = evaluate_predictions(references, args.predictions, scoring)
    title = f"{args.predictions} against {references.spec} ({len(references)} examples)"
    _emit(evaluation, args, title)
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from eval.data import READERS
    from summarize.base import available_summarizers

    print("summarizers:")
    for entry in available_summarizers():
        print(f"  {entry.example:<28} {entry.description}")
    print("reference formats:")
    for name in READERS:
        print(f"  {name}")
    return 0


COMMANDS = {"run": _cmd_run, "score": _cmd_score, "list": _cmd_list}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except SumbenchError as exc:
        print(f"sumbench: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sumbench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""``sumbench check RUN --baseline BASELINE_RUN``: the regression gate for CI.

Exit 0 when no gated metric regressed, 1 when one did (the reason per metric is
printed), 2 on usage or input errors (a missing or corrupt baseline included).  Writes a
Markdown summary (``--markdown``), JUnit XML (``--junit``) and, when
``GITHUB_ACTIONS=true``, workflow-command annotations (``::error``/``::notice``) and the
Markdown summary appended to ``$GITHUB_STEP_SUMMARY``.  The gate comes from
``sumbench-gate.json``/``.toml`` beside the baseline (see :mod:`sumbench.eval.gate`), overridden
by the flags here.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

from .options import positive_int

NAME = "check"
HELP = "fail (exit 1) when a run regressed against a baseline run"


def _number_or_off(text: str) -> float | str:
    if text.lower() in ("off", "none", "null"):
        return "off"
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'off', got {text!r}") from None


def add_gate_options(parser: argparse.ArgumentParser, short_aliases: bool = False) -> None:
    """The gate's flags and outputs (``check``, and ``run --baseline``, share them).

    ``short_aliases`` adds ``--metrics``, ``--config`` and ``--test`` beside the
    ``--gate-*`` names (``check`` has no other metrics, config or test to confuse them with).
    The seed of the tests is ``--seed`` in ``check`` only (``run`` has its own ``--seed``);
    :func:`gate_config` reads it from ``args.gate_seed`` when present.
    """
    def names(long: str, short: str) -> list[str]:
        return [long, short] if short_aliases else [long]

    gate = parser.add_argument_group("gate (flags override sumbench-gate.json beside the baseline)")
    gate.add_argument(*names("--gate-config", "--config"), dest="gate_config", metavar="FILE",
                      help="gate config file (default: sumbench-gate.json/.toml in the baseline "
                           "folder or its parent)")
    gate.add_argument(*names("--gate-metrics", "--metrics"), dest="gate_metrics", metavar="LIST",
                      help="comma-separated measures to gate (default: the run's metrics choose: "
                           "rouge1,rouge2,rougeLsum for rouge; rouge1,rouge2,rougeL for rouge155)")
    gate.add_argument("--max-drop", type=_number_or_off, metavar="POINTS",
                      help="largest allowed drop of a measure's mean, in points (F x 100 for ROUGE) "
                           "(default: 0.5; 'off')")
    gate.add_argument("--alpha", type=_number_or_off, metavar="A",
                      help="fail on a drop significant at this level (default: 0.05; 'off')")
    gate.add_argument(*names("--gate-test", "--test"), dest="gate_test",
                      choices=["permutation", "bootstrap", "both"],
                      help="significance test: approximate randomisation (default), paired "
                           "bootstrap, or both must be significant")
    gate.add_argument("--paired-bs", type=positive_int, metavar="N",
                      help="paired bootstrap resamples (default: 1000)")
    gate.add_argument("--permutations", type=positive_int, metavar="N",
                      help="approximate-randomisation permutations (default: 10000)")
    gate.add_argument("--force", action="store_true",
                      help="check even when the reference sets or scoring settings differ")
    gate.add_argument("--junit", metavar="FILE", help="write JUnit XML (one test case per metric)")
    gate.add_argument("--markdown", metavar="FILE",
                      help="write the verdict as Markdown, for a pull-request comment")


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME, help=HELP,
        description="Gate a run against a baseline run folder on the same reference set. A "
                    "gated metric fails when its mean F dropped by more than --max-drop points "
                    "or the drop is significant at --alpha. Exit 0: pass; 1: regression; "
                    "2: usage or input error. Settings come from sumbench-gate.json (or .toml) "
                    "in the baseline folder or its parent, then these flags. With "
                    "GITHUB_ACTIONS=true it prints ::error/::notice annotations and appends "
                    "its Markdown to $GITHUB_STEP_SUMMARY.")
    parser.add_argument("run", metavar="RUN", help="the run folder (or study folder) to check")
    parser.add_argument("--baseline", "-b", required=True, metavar="DIR",
                        help="the baseline run folder (a study folder for a study: each "
                             "system is gated against the baseline system of its name)")
    add_gate_options(parser, short_aliases=True)
    parser.add_argument("--seed", type=int, dest="gate_seed", metavar="N",
                        help="seed of the tests (default: 12345)")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="stdout: a readable verdict (text) or the result as JSON")
    return parser


def _in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _write(path: str, text: str) -> None:
    from ..files import write_file

    write_file(path, text)


def gate_config(args: argparse.Namespace, baseline: str | Path):
    """The gate: defaults, then the config file, then the flags; and the file used."""
    from .compare import split_list
    from sumbench.common.errors import UsageError
    from ..gate import resolve_config

    seed = getattr(args, "gate_seed", None)
    if seed is not None and seed < 0:
        raise UsageError(f"--seed must be >= 0, got {seed}")
    numbers = {k: v for k, v in (("max_drop", args.max_drop), ("alpha", args.alpha))
               if isinstance(v, float)}
    config, path = resolve_config(baseline, config_file=args.gate_config,
                                  metrics=split_list(args.gate_metrics), test=args.gate_test,
                                  seed=seed, **numbers)
    off = {k: None for k, v in (("max_drop", args.max_drop), ("alpha", args.alpha)) if v == "off"}
    counts = {k: v for k, v in (("bootstrap_samples", args.paired_bs),
                                ("permutations", args.permutations)) if v is not None}
    return replace(config, **off, **counts), path


def publish(results, args: argparse.Namespace, as_json: bool = False) -> int:
    """Write ``--junit``/``--markdown``, print the verdicts (and annotations on GitHub
    Actions); return the exit status, 0 when every gated measure passed, 1 for a
    regression.  ``results`` is one gate result, one per system of a study, or a
    :class:`~sumbench.eval.gate.StudyGateResult`."""
    from ..gate import StudyGateResult
    from ..report.annotations import gate_annotations
    from ..report.console import verdict_text
    from ..report.junit import gate_junit_xml
    from ..report.markdown import gate_markdown

    if isinstance(results, StudyGateResult):
        results = results.results
    results = results if isinstance(results, (list, tuple)) else [results]
    several = len(results) > 1
    markdown = "\n".join(gate_markdown(r) for r in results)
    if args.junit:
        _write(args.junit, gate_junit_xml(results))
    if args.markdown:
        _write(args.markdown, markdown)
    passed = all(r.passed for r in results)
    if as_json:
        data = (StudyGateResult(tuple(results)).to_dict() if several else results[0].to_dict())
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        print("\n\n".join(verdict_text(r) for r in results))
    if _in_github_actions():
        for line in gate_annotations(results):
            print(line)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            try:
                with open(summary, "a", encoding="utf-8") as handle:
                    handle.write(markdown + "\n")
            except OSError as exc:
                print(f"sumbench: warning: cannot append to $GITHUB_STEP_SUMMARY: {exc}",
                      file=sys.stderr)
    return 0 if passed else 1


def execute(args: argparse.Namespace) -> int:
    from sumbench.common.errors import SumbenchError
    from ..report.annotations import annotation

    try:
        return _execute(args)
    except SumbenchError as exc:
        if _in_github_actions():
            print(annotation("error", "sumbench check could not run", str(exc)))
        raise


def _execute(args: argparse.Namespace) -> int:
    from ..gate import check

    config, config_file = gate_config(args, args.baseline)
    result = check(args.run, args.baseline, config, force=args.force,
                   config_file=str(config_file) if config_file else None)
    return publish(result, args, as_json=args.format == "json")

"""``sumbench list``: the registered metrics, summarisers and reference-set formats."""

from __future__ import annotations

import argparse

NAME = "list"
HELP = "list metrics, summarisers and reference formats"


def register(subparsers) -> argparse.ArgumentParser:
    return subparsers.add_parser(NAME, help=HELP, description=HELP)


def execute(args: argparse.Namespace) -> int:
    from ..data import READERS
    from ..metrics import DEFAULT_METRICS, metric_class, registry
    from ..oracle import ORACLE_ENTRY
    from ...summarize.base import available_summarizers

    print("metrics (--metrics):")
    for name in registry():
        cls = metric_class(name)
        default = " (default)" if name in DEFAULT_METRICS else ""
        flags = ", ".join(o.flag for o in cls.options)
        print(f"  {name:<28} {cls.description}{default}")
        if flags:
            print(f"  {'':<28} options: {flags}")
    print("summarizers (--summarizer):")
    for entry in [*available_summarizers(), ORACLE_ENTRY]:
        print(f"  {entry.names:<28} {entry.description}")
    print("reference formats (--references-format):")
    for name in READERS:
        print(f"  {name}")
    return 0

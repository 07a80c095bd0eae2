"""``sumbench list``: the registered summarisers and reference-set formats."""

from __future__ import annotations

import argparse

NAME = "list"
HELP = "list summarisers and reference formats"


def register(subparsers) -> argparse.ArgumentParser:
    return subparsers.add_parser(NAME, help=HELP, description=HELP)


def execute(args: argparse.Namespace) -> int:
    from sumbench.eval.data import READERS
    from sumbench.summarize.base import available_summarizers

    print("summarizers:")
    for entry in available_summarizers():
        print(f"  {entry.example:<28} {entry.description}")
    print("reference formats:")
    for name in READERS:
        print(f"  {name}")
    return 0

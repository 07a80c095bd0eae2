"""The ``sumbench`` command line: builds the parser from :data:`sumbench.eval.commands.COMMANDS`
and turns :class:`~sumbench.eval.errors.SumbenchError` into one line on stderr and its exit code
(2 for usage and input errors), with no traceback.

Everything the CLI prints goes through :class:`sumbench.common.terminal.SafeStream`: ids,
file names, run names and server messages come from files and servers the user does not
control, and their terminal control characters (ANSI escapes, carriage returns, bidi
overrides) are printed escaped, never interpreted.  The error line is one line: a newline
inside the message is escaped too.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from sumbench.common.terminal import SafeStream, escape_controls
from sumbench.eval import __version__
from sumbench.eval.commands import COMMANDS
from sumbench.eval.errors import SumbenchError
from sumbench.eval.signature import epilog


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    """The parser, and the command modules by name."""
    parser = argparse.ArgumentParser(
        prog="sumbench", epilog=epilog(),
        description="Summarisation evaluation: ROUGE with rouge-score semantics, seeded "
                    "confidence intervals and a signature on every number.")
    parser.add_argument("--version", action="version", version=f"sumbench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for module_name in COMMANDS:
        module = importlib.import_module(module_name)
        module.register(subparsers)
        modules[module.NAME] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sumbench`` console script."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = saved


def _main(argv: Sequence[str] | None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return modules[args.command].execute(args)
    except SumbenchError as exc:
        print(f"sumbench: error: {escape_controls(str(exc), newlines=True)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sumbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())

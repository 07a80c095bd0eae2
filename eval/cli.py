"""The ``sumbench`` command line: builds the parser from :data:`sumbench.eval.commands.COMMANDS`
and turns :class:`~sumbench.eval.errors.SumbenchError` into one line on stderr and its exit code
(2 for usage and input errors), with no traceback.  Exit 1 means only "regression" (the
gate), so an unexpected exception -- a bug -- exits 3 with its traceback: CI never reads
a crash as a failed model.

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
import traceback
from typing import Sequence

from sumbench.common.terminal import SafeStream, escape_controls
from sumbench.eval import __version__
from sumbench.eval.commands import COMMANDS
from sumbench.eval.errors import SumbenchError
from sumbench.eval.signature import epilog

INTERNAL_ERROR = 3


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict]:
    """The parser, and the command modules by name; ``only`` registers just that command
    (what a command line naming one needs: the others' modules are not imported)."""
    parser = argparse.ArgumentParser(
        prog="sumbench", epilog=epilog(),
        description="Summarisation evaluation: ROUGE with rouge-score semantics, seeded "
                    "confidence intervals and a signature on every number.")
    parser.add_argument("--version", action="version", version=f"sumbench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for module_name in COMMANDS:
        if only is not None and module_name.rsplit(".", 1)[-1] != only:
            continue
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
    words = list(sys.argv[1:] if argv is None else argv)
    known = {name.rsplit(".", 1)[-1] for name in COMMANDS}
    parser, modules = build_parser(words[0] if words and words[0] in known else None)
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
        return 0
    except Exception:  # a bug: keep the traceback, never the gate's exit status
        traceback.print_exc()
        print("sumbench: internal error (a bug in sumbench; please report it with the "
              "traceback above)", file=sys.stderr)
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())

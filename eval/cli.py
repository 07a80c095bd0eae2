"""The ``sumbench`` command line: builds the parser from :data:`sumbench.eval.commands.COMMANDS`
and turns :class:`~sumbench.common.errors.SumbenchError` into one line on stderr and its exit code
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
import warnings
from typing import Sequence

from sumbench.common.terminal import SafeStream, escape_controls
from . import __version__
from .commands import COMMANDS
from sumbench.common.errors import SumbenchError, UsageError
from .signature import epilog

INTERNAL_ERROR = 3
SECRET_WORDS = ("key", "token", "secret", "password")
NUMPY_FLOAT_WARNINGS = r"(overflow|underflow|invalid value|divide by zero) encountered"


class CommandLineParser(argparse.ArgumentParser):
    """argparse with sumbench's rules: an option is named in full (``allow_abbrev`` off,
    so ``--api-key`` never becomes ``--api-key-env``), and a parse error is a
    :class:`UsageError` -- one ``sumbench: error:`` line, exit 2; the usage block is
    printed for ``--help`` only."""

    def __init__(self, *args, **kwargs) -> None:  # argparse's own signature, passed on
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        """Parse; an unknown word is named alone (an unknown option without the value
        after it or after its ``=``), so a value typed by mistake is never echoed."""
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            options = [w.split("=", 1)[0] for w in extras if w.startswith("-") and len(w) > 1]
            what = (f"unknown option {options[0]}" if options
                    else f"unexpected argument {extras[0]!r}")
            command = getattr(namespace, "command", None)
            prog = f"{self.prog} {command}" if command else self.prog
            raise UsageError(f"{what} (see '{prog} --help')")
        return namespace


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict]:
    """The parser, and the command modules by name; ``only`` registers just that command
    (what a command line naming one needs: the others' modules are not imported)."""
    parser = CommandLineParser(
        prog="sumbench", epilog=epilog(),
        description="Summarisation evaluation: ROUGE with rouge-score semantics, seeded "
                    "confidence intervals and a signature on every number.")
    parser.add_argument("--version", action="version", version=f"sumbench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       parser_class=CommandLineParser)
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
    # numpy's floating-point warnings ("overflow encountered in ...") are not for users:
    # the commands check what they compute and say in words what is undefined.
    warnings.filterwarnings("ignore", category=RuntimeWarning, message=NUMPY_FLOAT_WARNINGS)
    words = list(sys.argv[1:] if argv is None else argv)
    known = {name.rsplit(".", 1)[-1] for name in COMMANDS}
    parser, modules = build_parser(words[0] if words and words[0] in known else None)
    try:
        refuse_secret_options(words, parser)
        args = parser.parse_args(words)
        if args.command is None:
            raise UsageError(f"name a command ({', '.join(sorted(known))}); "
                             "see 'sumbench --help'")
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


def refuse_secret_options(words: Sequence[str], parser: argparse.ArgumentParser) -> None:
    """Refuse an unknown option that looks like it carries a credential (``--api-key``,
    ``--token``, ``--judge-api-key``): a key on the command line ends up in shell
    histories and process lists.  The message names the option and never its value."""
    known = set(parser._option_string_actions)  # argparse keeps no public list
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        for sub in getattr(action, "choices", {}).values():
            known.update(sub._option_string_actions)
    secret_options = {k for k in known if any(s in k.lower() for s in SECRET_WORDS)}
    for word in words:
        if word == "--":
            break
        if not word.startswith("-") or len(word) < 2 or word[1].isdigit():
            continue
        name = word.split("=", 1)[0]
        if name in known:
            continue
        shown = escape_controls(name[:60], newlines=True)
        if any(secret in name.lower() for secret in SECRET_WORDS):
            raise UsageError(
                f"{shown}: sumbench takes no keys or tokens on the command line; export the "
                "key in an environment variable and name the variable with --api-key-env "
                "(or --judge-api-key-env)")
        fuller = sorted(k for k in secret_options if k.startswith(name) and len(name) > 2)
        if fuller:
            raise UsageError(
                f"{shown}: options are never abbreviated ({' or '.join(fuller)} takes the "
                "name of an environment variable holding the key, never the key itself)")


if __name__ == "__main__":
    sys.exit(main())

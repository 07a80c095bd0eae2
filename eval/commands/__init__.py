"""Subcommands of ``sumbench``, one module each, found through :data:`COMMANDS`.

A command module defines ``NAME``, ``HELP``, ``register(subparsers)`` (adds its parser)
and ``execute(args) -> int`` (its exit status).  It imports heavy things inside
``execute`` so that ``sumbench --help`` stays instant.  A new command is one module plus
one line here.
"""

COMMANDS: tuple[str, ...] = (
    "eval.commands.run",
    "eval.commands.score",
    "eval.commands.list",
    "eval.commands.compare",
    "eval.commands.check",
    "eval.commands.report",
)

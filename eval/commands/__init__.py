"""Subcommands of ``sumbench``, one module each, found through :data:`COMMANDS`.

A command module defines ``NAME``, ``HELP``, ``register(subparsers)`` (adds its parser)
and ``execute(args) -> int`` (its exit status).  It imports heavy things inside
``execute`` so that ``sumbench --help`` stays instant.  A new command is one module plus
one line here.
"""

COMMANDS: tuple[str, ...] = (
    "sumbench.eval.commands.run",
    "sumbench.eval.commands.score",
    "sumbench.eval.commands.list",
    "sumbench.eval.commands.compare",
    "sumbench.eval.commands.check",
    "sumbench.eval.commands.report",
    "sumbench.eval.commands.leaderboard",
    "sumbench.eval.commands.meta",
)

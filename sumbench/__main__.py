"""The ``sumbench`` command (``sumbench ...`` and ``python -m sumbench ...``).

The entry point lives in the package itself, not in ``sumbench.eval``, so that it can
run before anything imports ``sumbench``'s own names: when a folder named ``sumbench``
shadows the package (:mod:`sumbench.common.shadowing`), it prints one
``sumbench: error:`` line saying so and exits 2 instead of a traceback.
"""

import sys

from sumbench.common.shadowing import shadowing_problem

USAGE_ERROR = 2


def main() -> int:
    """Run the command line (:func:`sumbench.eval.cli.main`) unless the package is shadowed."""
    problem = shadowing_problem()
    if problem is not None:
        print(f"sumbench: error: {problem}", file=sys.stderr)
        return USAGE_ERROR
    from sumbench.eval.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())

"""sumbench's evaluation side (``sumbench.eval``): reference sets, metrics, statistics,
run folders, comparisons, reports and the CLI.

Nothing here imports torch or transformers at module level: scoring a predictions file
works, and starts fast, without them.
"""

from sumbench.common.shadowing import check_not_shadowed

check_not_shadowed()  # a folder named sumbench/ shadowing the package: say so

from sumbench import __version__  # noqa: E402

__all__ = ["__version__"]

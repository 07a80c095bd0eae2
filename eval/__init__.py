"""sumbench's evaluation side (``sumbench.eval``): reference sets, metrics, statistics,
run folders, comparisons, reports and the CLI.

Nothing here imports torch or transformers at module level: scoring a predictions file
works, and starts fast, without them.
"""

from sumbench import __version__

__all__ = ["__version__"]

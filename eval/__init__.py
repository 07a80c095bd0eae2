"""sumbench's evaluation side: reference sets, ROUGE scoring, statistics, reports, CLI.

Nothing here imports torch or transformers at module level: scoring a predictions file
works, and starts fast, without them.
"""

__version__ = "0.1.0"

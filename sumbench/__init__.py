"""sumbench: summarisation evaluation -- reference sets, summarisers, metrics, run folders.

``import sumbench`` is the whole public API (see :mod:`sumbench.api`); its names are
imported on first use, so ``import sumbench`` and the ``sumbench`` command start fast.
The evaluation side lives in :mod:`sumbench.eval` (the repository's ``eval/`` folder),
the summarisers in :mod:`sumbench.summarize` (``summarize/``), and what both use in
:mod:`sumbench.common`.  Installing sumbench adds no other top-level import name.

``dir(sumbench)`` lists the public API only: ``__all__`` (the names of
:data:`sumbench.api.__all__`, which ``tests/test_api_ergonomics.py`` keeps equal) and
``__version__``; the helpers this file uses are imported under private names.
"""

import importlib as _importlib

__version__ = "0.2.0"

_API = "sumbench.api"

__all__ = ["BootstrapSettings", "CompareSettings", "Comparison", "FieldMap", "GateConfig",
           "GateResult", "Interval", "Leaderboard", "LeaderboardSettings", "MetaResult",
           "MetaSettings", "Metric", "ReferenceSet", "Run", "StudyGateResult", "Summarizer",
           "SummaryFilter", "available_metrics", "check", "compare", "get_metric",
           "get_summarizer", "leaderboard", "load_references", "load_run", "load_runs", "meta",
           "report", "run", "save_study", "score"]


def __getattr__(name: str) -> object:
    if name in __all__:
        return getattr(_importlib.import_module(_API), name)
    raise AttributeError(f"module 'sumbench' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, "__version__"])

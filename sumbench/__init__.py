"""sumbench: summarisation evaluation -- reference sets, summarisers, metrics, run folders.

``import sumbench`` is the whole public API (see :mod:`sumbench.api`); its names are
imported on first use, so ``import sumbench`` and the ``sumbench`` command start fast.
The evaluation side lives in :mod:`sumbench.eval` (the repository's ``eval/`` folder),
the summarisers in :mod:`sumbench.summarize` (``summarize/``), and what both use in
:mod:`sumbench.common`.  Installing sumbench adds no other top-level import name.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_API = "sumbench.api"


def __getattr__(name: str) -> Any:
    api = importlib.import_module(_API)
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'sumbench' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *importlib.import_module(_API).__all__])

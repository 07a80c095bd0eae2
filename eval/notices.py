"""Warnings about inputs on which a score silently misleads, found before scoring.

Each :class:`Notice` has a stable ``code``, a readable message and the affected example
ids; the CLI prints them on stderr and run folders keep them.  This module holds the
notice type and the run-level check (empty predictions); metrics add their own (ROUGE's
are in :mod:`sumbench.eval.metrics.rouge.notices`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sumbench.common.terminal import escape_controls

MAX_IDS_SHOWN = 5


@dataclass(frozen=True)
class Notice:
    """One warning: a stable ``code``, a readable ``message`` and the example ids."""

    code: str
    message: str
    ids: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "ids": list(self.ids)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Notice":
        return cls(str(data["code"]), str(data["message"]), tuple(str(i) for i in data["ids"]))


def ids_text(ids: Sequence[str]) -> str:
    """Up to :data:`MAX_IDS_SHOWN` ids, then how many more.  Ids come from the user's
    files: control characters and newlines in them are escaped (they are printed)."""
    shown = ", ".join(escape_controls(str(i), newlines=True) for i in ids[:MAX_IDS_SHOWN])
    return shown + (f" (+{len(ids) - MAX_IDS_SHOWN} more)" if len(ids) > MAX_IDS_SHOWN else "")


def examples_text(ids: Sequence[str], total: int) -> str:
    """``"all 19 examples"`` when ``ids`` are all ``total`` examples (more than one), else
    ``"3 example(s): a, b, c"``."""
    if total > 1 and len(ids) == total:
        return f"all {total} examples"
    return f"{len(ids)} example(s): {ids_text(ids)}"


def empty_predictions(ids: Sequence[str], predictions: Sequence[str],
                      total: int | None = None) -> Notice | None:
    """Predictions with no text at all: they score 0 and are counted.  ``total``: the
    number of examples when ``ids`` are only some of them."""
    empty = [i for i, p in zip(ids, predictions) if not p.strip()]
    total = len(ids) if total is None else total
    if not empty:
        return None
    if total > 1 and len(empty) == total:
        message = f"every prediction is empty (all {total} examples); they scored 0"
    else:
        message = f"{len(empty)} empty prediction(s) scored 0: {ids_text(empty)}"
    return Notice("empty-prediction", message, tuple(empty))

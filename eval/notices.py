"""Warnings about inputs on which a score silently misleads, found before scoring.

Each :class:`Notice` has a stable ``code``, a readable message and the affected example
ids; the CLI prints them on stderr and run folders keep them.  This module holds the
notice type and the run-level check (empty predictions); metrics add their own (ROUGE's
are in :mod:`sumbench.eval.metrics.rouge.notices`).  A study's runs are warned about
together (:func:`study_notices`): each distinct warning once, with the systems it
concerns, as compilers report one diagnostic for many instantiations; each run folder
still stores its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sumbench.common.terminal import escape_controls

MAX_IDS_SHOWN = 5
MAX_SYSTEMS_SHOWN = 5


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


@dataclass(frozen=True)
class StudyNotice:
    """One distinct warning of a study: its ``code`` and ``message`` (the same in every
    system it concerns), those ``systems`` in the study's order, and the study's size."""

    code: str
    message: str
    systems: tuple[str, ...]
    total: int

    def systems_text(self) -> str:
        """``"in 16 of 16 systems"``; ``"in 3 of 16 systems: A, B, C"`` when at most
        :data:`MAX_SYSTEMS_SHOWN` are concerned and not all (names escaped: they are
        printed)."""
        count = f"in {len(self.systems)} of {self.total} system{'s' if self.total != 1 else ''}"
        if len(self.systems) == self.total or len(self.systems) > MAX_SYSTEMS_SHOWN:
            return count
        return count + ": " + ", ".join(escape_controls(s, newlines=True) for s in self.systems)


def study_notices(runs: Sequence[tuple[str, Sequence[Notice]]]) -> list[StudyNotice]:
    """The warnings of several systems' runs (``(system, its notices)`` in the study's
    order), each distinct one once, in order of first appearance.  Notices are the same
    warning when their code and message are equal (messages never hold the system's
    name; which examples they name is part of them)."""
    systems: dict[tuple[str, str], list[str]] = {}
    for system, notices in runs:
        for notice in notices:
            concerned = systems.setdefault((notice.code, notice.message), [])
            if system not in concerned:
                concerned.append(system)
    return [StudyNotice(code, message, tuple(names), len(runs))
            for (code, message), names in systems.items()]

"""How runs are named to a reader: one label per run, the same in ``check``, ``compare``,
``leaderboard``, ``report`` and in errors about runs.

A run is named by its name (``--name``, its summariser, its predictions file or its
system in a study), never by the folder it happens to sit in.  Where two runs of one
command share a name -- a study gated against a study, a run against a baseline made by
the same summariser -- each label adds the shortest end of its folder's path that tells
them apart (``M0 (current/M0)`` and ``M0 (baseline/M0)``), or ``(in memory)`` for a run
that has no folder; labels still alike (one folder given twice) end in their position
(``#2``).  An error about one run names its folder too
(:func:`error_label`), so the user knows which file to look at.  This follows git's
short names for refs and abbreviated paths: the shortest name that is unambiguous in
context.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Protocol, Sequence


class Named(Protocol):
    """What a label needs of a run: its name and the folder it was read from."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> Path | None: ...


def error_label(run: Named) -> str:
    """A run in an error message: ``'lead-3'``, and its folder when it has one
    (``'lead-3' (runs/lead-3)``)."""
    return f"{run.name!r}" + (f" ({run.path})" if run.path is not None else "")


def run_labels(runs: Sequence[Named]) -> tuple[str, ...]:
    """A label per run, in order, all different: the run's name, with the end of its
    folder's path (``in memory`` when it has none) where another run has that name, and
    its position (``#2``) where labels would still be alike."""
    counts = Counter(run.name for run in runs)
    labels = []
    for run in runs:
        if counts[run.name] == 1:
            labels.append(run.name)
            continue
        twins = [other.path for other in runs if other.name == run.name]
        where = _distinct_end(run.path, twins) if run.path is not None else "in memory"
        labels.append(f"{run.name} ({where})")
    while True:  # the same folder twice, or a name that looks like another's label
        counts = Counter(labels)
        if len(counts) == len(labels):
            return tuple(labels)
        labels = [f"{label} #{position + 1}" if counts[label] > 1 else label
                  for position, label in enumerate(labels)]


def _distinct_end(path: Path, paths: Sequence[Path | None]) -> str:
    """The fewest last parts of ``path`` that no other of ``paths`` ends with (the whole
    path when none suffice)."""
    parts = Path(path).parts
    others = [Path(p).parts for p in paths if p is not None]
    for size in range(1, len(parts) + 1):
        end = parts[-size:]
        if sum(1 for other in others if other[-size:] == end) == 1:
            return str(Path(*end))
    return str(path)

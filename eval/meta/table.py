"""One number per summary: :class:`ScoreTable`, what the meta-evaluation correlates.

A summary is named by its system and its input (document): a metric's scores and a
human judgment are both tables from ``(system, input)`` to a number.  Metric tables come
from runs (:mod:`sumbench.eval.meta.runs`: the run is the system, its example ids are the
inputs) or from fields of a file; judgment tables from a file
(:mod:`sumbench.eval.meta.formats`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

Key = tuple[str, str]  # (system, input)


@dataclass(frozen=True)
class ScoreTable:
    """``values[(system, input)]`` for one metric or judgment.  ``name`` is how tables
    show it; ``source`` says where it came from (a file and field, or a run's measure);
    ``metric`` and ``signature`` name the metric and its signature when it came from runs."""

    name: str
    values: Mapping[Key, float] = field(repr=False, compare=False)
    source: str = ""
    metric: str | None = None
    signature: str | None = None

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(system for system, _ in self.values))

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(doc for _, doc in self.values))

    def __len__(self) -> int:
        return len(self.values)

"""The one run type: :class:`Run` -- a summariser's (or a predictions file's) output on a
reference set, with every metric's per-example columns, aggregates and signature.

A run fresh from scoring and a run loaded from its folder are the same value: the
folder (:mod:`sumbench.eval.runs.folder`) holds everything a later command needs --
the reference set as used, the predictions, the columns, the aggregates, each metric's
signature, settings and presentation (:class:`~sumbench.eval.metrics.base.MetricInfo`)
-- so compare, check, report and the API read runs without the source files, the
model or even the metric's code.

Measures are addressed by name (``rouge1``), or qualified by their metric
(``rouge155:rouge1``) when a run has two metrics with a measure of that name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..data.records import Example
from sumbench.common.errors import InputError, UsageError
from ..metrics.base import Columns, MetricInfo, Scores, headline_component
from ..notices import Notice
from ..signature import Signature
from .labels import error_label


@dataclass(frozen=True)
class MetricResult:
    """One metric's part of a run."""

    name: str
    signature: Signature
    settings: Mapping[str, Any] = field(compare=False)
    info: MetricInfo = field(compare=False)
    columns: Columns = field(compare=False, repr=False)
    scores: Scores = field(compare=False)
    aggregation: Mapping[str, Any] = field(compare=False, default_factory=dict)
    notices: tuple[Notice, ...] = ()
    details: Mapping[str, Any] = field(compare=False, default_factory=dict)

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(self.columns)

    def headline(self, measure: str) -> str:
        return headline_component(tuple(self.columns[measure]), self.info.headline)


@dataclass(frozen=True)
class ReferenceSetInfo:
    """Where the reference set came from and how it was read and selected."""

    spec: str
    format: str
    fingerprint: str
    examples: int
    fields: Mapping[str, Any] = field(default_factory=dict)
    selection: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"spec": self.spec, "format": self.format, "fields": dict(self.fields),
                "selection": dict(self.selection), "fingerprint": self.fingerprint,
                "examples": self.examples}


@dataclass(frozen=True)
class MeasureRef:
    """A measure of one metric in a run (``metric:measure``)."""

    metric: str
    measure: str

    def __str__(self) -> str:
        return f"{self.metric}:{self.measure}"


@dataclass(frozen=True)
class Run:
    """Predictions on a reference set and their scores (see the module docstring).

    ``examples`` is the reference set exactly as used (``None`` only for a version-1
    folder, which did not store it).  ``summarizer`` is ``{"name", "settings"}`` of what
    made the predictions; ``generation`` counts generated and cached summaries;
    ``diagnostics`` holds per-example summary diagnostics when they were computed.
    """

    name: str
    ids: tuple[str, ...]
    predictions: tuple[str, ...] = field(repr=False)
    metrics: Mapping[str, MetricResult] = field(compare=False)
    reference_set: ReferenceSetInfo
    examples: tuple[Example, ...] | None = field(compare=False, repr=False)
    summarizer: Mapping[str, Any] = field(compare=False, default_factory=dict)
    counts: Mapping[str, int] = field(compare=False, default_factory=dict)
    notices: tuple[Notice, ...] = ()
    generation: Mapping[str, int] = field(compare=False, default_factory=dict)
    diagnostics: tuple[Mapping[str, Any], ...] | None = field(compare=False, default=None, repr=False)
    diagnostics_mean: Mapping[str, Any] | None = field(compare=False, default=None)
    path: Path | None = field(default=None, compare=False)
    schema_version: int = 3
    sumbench_version: str = ""

    # -- identity ----------------------------------------------------------------------
    @property
    def fingerprint(self) -> str:
        return self.reference_set.fingerprint

    def __len__(self) -> int:
        return len(self.ids)

    def with_name(self, name: str) -> "Run":
        return replace(self, name=name)

    def all_notices(self) -> tuple[Notice, ...]:
        """The run's notices, then each metric's."""
        return self.notices + tuple(n for m in self.metrics.values() for n in m.notices)

    # -- measures ----------------------------------------------------------------------
    def measure_refs(self) -> list[MeasureRef]:
        return [MeasureRef(m.name, measure) for m in self.metrics.values() for measure in m.measures]

    def resolve(self, text: str) -> MeasureRef:
        """``rouge1`` or ``rouge155:rouge1`` -> the measure; a usage error when it is
        missing or ambiguous."""
        metric, sep, measure = text.rpartition(":")
        if sep:
            result = self.metrics.get(metric)
            if result is None or measure not in result.columns:
                raise UsageError(f"{text}: no such measure in run {error_label(self)} "
                                 f"(it has: {', '.join(self.measure_labels())})")
            return MeasureRef(metric, measure)
        owners = [m.name for m in self.metrics.values() if text in m.columns]
        if not owners:
            raise UsageError(f"{text}: no such measure in run {error_label(self)} "
                             f"(it has: {', '.join(self.measure_labels())})")
        if len(owners) > 1:
            raise UsageError(f"{text} is a measure of the metrics {' and '.join(owners)}; "
                             f"say which: {', '.join(f'{o}:{text}' for o in owners)}")
        return MeasureRef(owners[0], text)

    def measure_labels(self) -> list[str]:
        """Each measure as a user names it: bare, or qualified when two metrics share it."""
        return [label(ref, self.measure_refs()) for ref in self.measure_refs()]

    def values(self, ref: MeasureRef, component: str | None = None) -> np.ndarray:
        """The per-example values of ``ref``'s ``component`` (default: its headline)."""
        result = self.metrics[ref.metric]
        return result.columns[ref.measure][component or result.headline(ref.measure)]

    def default_gate(self) -> list[MeasureRef]:
        """The measures a gate checks unless told: each metric's own default choice."""
        return [MeasureRef(m.name, measure) for m in self.metrics.values()
                for measure in (m.info.gate or m.measures) if measure in m.columns]

    # -- persistence -------------------------------------------------------------------
    def save(self, directory: str | Path, overwrite: bool = False) -> Path:
        """Write the run folder (atomically); returns its path.  ``overwrite``: a run or
        study folder sumbench wrote that is there is replaced (never another folder)."""
        from .folder import write_run

        return write_run(self, Path(directory), overwrite)


def label(ref: MeasureRef, among: Sequence[MeasureRef]) -> str:
    """``ref``'s measure name, qualified by its metric when another metric in ``among``
    has a measure of the same name."""
    clash = any(o.measure == ref.measure and o.metric != ref.metric for o in among)
    return str(ref) if clash else ref.measure


def parse_measure_list(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    items = tuple(t.strip() for t in text.split(",") if t.strip())
    if not items:
        raise UsageError("name at least one measure")
    return items


def shared_measures(runs: Sequence[Run], requested: Sequence[str] | None) -> list[MeasureRef]:
    """The measures to compare across ``runs``: the requested ones (resolved in every
    run), else every measure all of them have, in the first run's order."""
    if requested is not None:
        refs = [runs[0].resolve(text) for text in requested]
        for run in runs[1:]:
            for text, ref in zip(requested, refs):
                if run.resolve(text) != ref:
                    raise InputError(f"{text} names different measures in runs "
                                     f"{error_label(runs[0])} and {error_label(run)}")
        return refs
    common = [ref for ref in runs[0].measure_refs()
              if all(ref.metric in r.metrics and ref.measure in r.metrics[ref.metric].columns
                     for r in runs[1:])]
    if not common:
        raise InputError("the runs have no measure in common")
    return common

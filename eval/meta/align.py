"""Aligning metric scores and human judgments into complete score matrices.

The statistics (:mod:`sumbench.eval.stats.correlation_levels`) take one matrix per metric
and per judgment, with a row per system and a column per input, and no holes.  The
rules that get there, each exclusion reported as a note:

1. **Systems** are those that have metric scores (the runs, in their order).  A system
   with no judgment at all is left out; a judged system with no metric scores is left
   out.  No system in common is an error that lists both sides' names.
2. **Inputs** are those the kept systems were scored on.  Judged inputs without scores
   are left out; no input in common is an error that shows ids from both sides.
3. **Complete inputs only**: an input is kept when every kept system has every metric
   score and every judgment on it (a summary left unjudged, or unscored, removes its
   input for all systems, so every correlation compares the same summaries).
4. At least 3 systems and 1 input must remain; a metric or judgment that is the same on
   every kept summary has no correlation and is an error naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from sumbench.common.errors import InputError
from .table import ScoreTable

MIN_SYSTEMS = 3


@dataclass(frozen=True)
class Aligned:
    """Complete matrices (``systems x inputs``) for every metric and judgment, by label."""

    systems: tuple[str, ...]
    inputs: tuple[str, ...]
    metrics: dict[str, np.ndarray] = field(repr=False)
    judgments: dict[str, np.ndarray] = field(repr=False)
    notes: tuple[str, ...] = ()


def _names(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(repr(i) for i in list(items)[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _check_labels(metrics: Sequence[ScoreTable], judgments: Sequence[ScoreTable]) -> None:
    for kind, tables in (("metric", metrics), ("judgment", judgments)):
        if not tables:
            raise InputError(f"no {kind} to correlate")
        labels = [t.name for t in tables]
        twice = sorted({n for n in labels if labels.count(n) > 1})
        if twice:
            raise InputError(f"two {kind}s are both named {twice[0]!r}; label them (LABEL=FIELD)")


def align(metrics: Sequence[ScoreTable], judgments: Sequence[ScoreTable]) -> Aligned:
    """Matrices for ``metrics`` and ``judgments`` under the rules of the module docstring."""
    _check_labels(metrics, judgments)
    notes: list[str] = []
    scored = list(dict.fromkeys(s for t in metrics for s in t.systems))
    judged = list(dict.fromkeys(s for t in judgments for s in t.systems))
    systems = [s for s in scored if s in set(judged)]
    if not systems:
        raise InputError(f"no system has both metric scores and judgments: the scores name "
                         f"{_names(scored)}; the judgments name {_names(judged)} (run names "
                         "must equal the judgments' system names)")
    unjudged = [s for s in scored if s not in set(systems)]
    if unjudged:
        notes.append(f"{len(unjudged)} scored system(s) without judgments left out: "
                     f"{_names(unjudged)}")
    unscored = [s for s in judged if s not in set(systems)]
    if unscored:
        notes.append(f"{len(unscored)} judged system(s) without metric scores left out: "
                     f"{_names(unscored)}")
    if len(systems) < MIN_SYSTEMS:
        raise InputError(f"{len(systems)} system(s) have both scores and judgments "
                         f"({_names(systems)}); correlating needs at least {MIN_SYSTEMS}")
    kept = set(systems)
    inputs = list(dict.fromkeys(d for t in metrics for s, d in t.values if s in kept))
    judged_inputs = list(dict.fromkeys(d for t in judgments for s, d in t.values if s in kept))
    common = set(judged_inputs)
    if not common.intersection(inputs):
        raise InputError(f"no input has both metric scores and judgments: the scores' inputs "
                         f"are {_names(inputs)}; the judgments' are {_names(judged_inputs)}")
    extra = [d for d in judged_inputs if d not in set(inputs)]
    if extra:
        notes.append(f"{len(extra)} judged input(s) without metric scores left out: "
                     f"{_names(extra)}")
    incomplete: dict[str, list[str]] = {}
    for doc in inputs:
        for table in (*metrics, *judgments):
            missing = [s for s in systems if (s, doc) not in table.values]
            if missing:
                incomplete.setdefault(doc, []).append(
                    f"{table.name} for {_names(missing, 2)}")
                break
    if incomplete:
        docs = list(incomplete)
        example = f"e.g. input {docs[0]!r} lacks {incomplete[docs[0]][0]}"
        notes.append(f"{len(docs)} of {len(inputs)} input(s) left out because some system "
                     f"lacks a score or judgment there ({example}): {_names(docs)}")
    inputs = [d for d in inputs if d not in incomplete]
    if not inputs:
        raise InputError("no input has every score and judgment for every system; "
                         + notes[-1])

    def matrix(table: ScoreTable) -> np.ndarray:
        out = np.array([[table.values[(s, d)] for d in inputs] for s in systems], dtype=np.float64)
        if np.ptp(out) == 0:
            raise InputError(f"{table.name} is {out.flat[0]:g} on every one of the "
                             f"{out.size} summaries: it has no correlation with anything")
        return out

    return Aligned(tuple(systems), tuple(inputs), {t.name: matrix(t) for t in metrics},
                   {t.name: matrix(t) for t in judgments}, tuple(notes))

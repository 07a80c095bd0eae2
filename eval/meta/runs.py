"""Metric scores from runs: a list of runs is the unit of the meta-evaluation's input.

Each :class:`~sumbench.eval.runs.Run` is one system (its name is the system's name,
matched against the judgments' system field) and each of its examples one input (its id
is the input's id).  Every chosen measure and component becomes one
:class:`~sumbench.eval.meta.table.ScoreTable`, labelled ``measure/component-label``
(``rouge1/R``; ``rouge155:rouge1/R`` when two metrics share a measure name).

Whoever has runs -- run folders on the command line, runs made through the API, or a
study folder that holds one run per system -- calls :func:`tables_from_runs` with them.
A metric must have been computed the same way in every run: a signature field that can
change a number (:data:`~sumbench.eval.signature.NOTE_FIELDS` aside) differing between
two runs is an error, since the correlation would mix two metrics.
"""

from __future__ import annotations

from typing import Sequence

from ..compare import component_names
from sumbench.common.errors import InputError
from .table import ScoreTable
from ..runs.labels import error_label
from ..runs.run import Run, label, shared_measures

ALL_COMPONENTS = ("all",)


def _check_names(runs: Sequence[Run]) -> None:
    for run in runs:
        if len(set(run.ids)) != len(run.ids):
            raise InputError(f"run {error_label(run)} has duplicate example ids")
    names = [r.name for r in runs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        where = ", ".join(error_label(r) for r in runs if r.name in twice)
        raise InputError(f"the runs are the systems, so their names must differ: "
                         f"{', '.join(repr(n) for n in twice)} "
                         f"{'is' if len(twice) == 1 else 'are'} used twice ({where}; set "
                         "--name when scoring)")


def _check_signatures(runs: Sequence[Run], metrics: Sequence[str]) -> None:
    for metric in metrics:
        first = runs[0].metrics[metric].signature
        for run in runs[1:]:
            differs = first.blocking_differences(run.metrics[metric].signature)
            if differs:
                what = "; ".join(f"'{k}' is {a} in {error_label(runs[0])} but {b} in "
                                 f"{error_label(run)}"
                                 for k, (a, b) in differs.items())
                raise InputError(f"metric {metric} was not computed the same way in every run: "
                                 f"{what}")


def tables_from_runs(runs: Sequence[Run], measures: Sequence[str] | None = None,
                     components: Sequence[str] = ALL_COMPONENTS) -> list[ScoreTable]:
    """One table per measure and component, over the runs as systems.

    ``measures``: names as ``sumbench compare --metrics`` takes them (``rouge1``,
    ``rouge155:rouge1``); ``None`` = every measure all runs share.  ``components``:
    component names or labels (``recall``, ``R``), ``headline`` (F for ROUGE) or
    ``all`` (default: every component of each measure).
    """
    if not runs:
        raise InputError("no runs given")
    _check_names(runs)
    refs = shared_measures(runs, measures)
    _check_signatures(runs, list(dict.fromkeys(ref.metric for ref in refs)))
    among = runs[0].measure_refs()
    tables = []
    for ref in refs:
        result = runs[0].metrics[ref.metric]
        if tuple(components) == ALL_COMPONENTS:
            chosen = list(result.columns[ref.measure])
        else:
            chosen = component_names(runs[0], ref, list(components))
        for component in chosen:
            shown = label(ref, among)
            if len(result.columns[ref.measure]) > 1:
                shown = f"{shown}/{result.info.label(component)}"
            values = {}
            for run in runs:
                column = run.metrics[ref.metric].columns[ref.measure][component]
                values.update({(run.name, example_id): float(v)
                               for example_id, v in zip(run.ids, column)})
            tables.append(ScoreTable(shown, values, source=f"runs: {ref}.{component}",
                                     metric=ref.metric, signature=str(result.signature)))
    return tables

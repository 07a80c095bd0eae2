"""From what the user names to a :class:`~sumbench.eval.meta.evaluate.MetaResult`: runs,
a judgments file with its fields, and optionally metric scores stored as fields of a
file.  ``sumbench meta`` and :func:`sumbench.meta` both call :func:`meta_from_sources`.

The runs are a ``Sequence[Run]``, whatever holds them (run folders, runs made through
the API, a study folder's runs); file-based metric scores are read like the judgments
(same format detection and the same ``doc_field``/``system_fields``) and may be combined
with the runs' metrics in one table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from sumbench.common.errors import UsageError
from .evaluate import MetaResult, MetaSettings, meta_evaluate_runs
from .fields import FieldSpec
from .formats import read_tables
from ..runs.run import Run


def meta_from_sources(runs: Sequence[Run], human: str | Path,
                      judgments: Sequence[str] = (), human_format: str | None = None,
                      doc_field: str | None = None, system_fields: Sequence[str] | None = None,
                      metric_fields: Sequence[str] = (), scores: str | Path | None = None,
                      measures: Sequence[str] | None = None,
                      components: Sequence[str] = ("all",),
                      settings: MetaSettings = MetaSettings()) -> MetaResult:
    """Correlate the metrics of ``runs`` (one run per system) and the ``metric_fields``
    of ``scores`` (default: the ``human`` file) with the ``judgments`` of ``human``.

    Fields are ``PATH`` or ``LABEL=PATH`` (dotted); ``judgments`` empty means the
    format's defaults (SummEval's four expert dimensions, REALSumm's
    ``litepyramid_recall``).  ``measures``/``components`` choose the runs' columns
    (:func:`sumbench.eval.meta.runs.tables_from_runs`).
    """
    if not runs and not metric_fields:
        raise UsageError("give the metric scores: run folders (one per system) and/or "
                         "--metric-field FIELD of a file")
    if not runs and (measures is not None or tuple(components) != ("all",)):
        raise UsageError("--measures and --components choose the runs' columns; no run given")
    if scores is not None and not metric_fields:
        raise UsageError("--scores names the file of --metric-field; no --metric-field given")
    judgment_tables, layout = read_tables(
        human, [FieldSpec.parse(j, "--judgment") for j in judgments], human_format, doc_field,
        system_fields, role="judgment")
    sources = {"judgments": layout.describe()}
    extra = []
    if metric_fields:
        extra, score_layout = read_tables(
            scores if scores is not None else human,
            [FieldSpec.parse(f, "--metric-field") for f in metric_fields], human_format,
            doc_field, system_fields, role="metric")
        sources["metric fields"] = score_layout.describe()
    if runs:
        sources["runs"] = f"{len(runs)} run(s), one per system: the run name is the system"
    return meta_evaluate_runs(runs, judgment_tables, settings, measures, components, extra,
                              sources)

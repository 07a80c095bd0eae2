"""The pipeline: reference set -> summariser -> predictions -> metrics -> :class:`Run`.

Data moves one way and each step hands a plain value to the next (ARCHITECTURE.md): a
:class:`~sumbench.eval.data.ReferenceSet`, a list of prediction strings, each metric's
named per-example columns, then one :class:`~sumbench.eval.runs.run.Run`, which
``Run.save`` writes as a self-contained run folder.  The CLI and the Python API both
call :func:`evaluate_summarizer` and :func:`evaluate_predictions`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Sequence

from sumbench.common.errors import SummarizerError, rewording

from .data import ReferenceSet
from .data.records import Example
from sumbench.common.errors import InputError, UsageError
from .metrics.base import Metric, MetricScores
from .notices import Notice, empty_predictions
from .predictions import read_predictions
from .runs.run import MetricResult, ReferenceSetInfo, Run


def default_metrics() -> tuple[Metric, ...]:
    from .metrics import DEFAULT_METRICS, build_metrics

    return build_metrics(DEFAULT_METRICS, {})


def score_columns(metric: Metric, examples: Sequence[Example],
                  predictions: Sequence[str]) -> MetricScores:
    """One metric's per-example columns (and notices) for aligned examples and
    predictions: a whole reference set, or one chunk of a streamed one."""
    scored = metric.score(examples, predictions)
    for measure, components in scored.columns.items():
        for component, values in components.items():
            if len(values) != len(examples):
                raise RuntimeError(f"metric {metric.name} returned {len(values)} values of "
                                   f"{measure}.{component} for {len(examples)} examples")
    return scored


def metric_result(metric: Metric, columns: dict[str, dict[str, Any]],
                  notices: Sequence[Notice], details: Mapping[str, Any] | None = None) -> MetricResult:
    """A metric's part of a run from its whole columns: aggregates, signature, settings."""
    return MetricResult(name=metric.name, signature=metric.signature(),
                        settings=metric.settings(), info=metric.info(),
                        columns=columns, scores=metric.aggregate(columns),
                        aggregation=aggregation_of(metric), notices=tuple(notices),
                        details=dict(details or {}))


def score_metric(metric: Metric, examples: Sequence[Example],
                 predictions: Sequence[str]) -> MetricResult:
    """One metric's columns, aggregates and notices for aligned examples and predictions."""
    scored = score_columns(metric, examples, predictions)
    return metric_result(metric, scored.columns, scored.notices, scored.details)


def count(examples: Sequence[Example], predictions: Sequence[str]) -> dict[str, int]:
    """The counts ``results.json`` records, for a reference set or one chunk of it (the
    counts of chunks add up)."""
    return {
        "examples": len(examples),
        "references": sum(len(e.references) for e in examples),
        "empty_predictions": sum(1 for p in predictions if not p.strip()),
        "multi_reference_examples": sum(1 for e in examples if len(e.references) > 1),
    }


def reference_set_info(references: ReferenceSet) -> ReferenceSetInfo:
    return ReferenceSetInfo(spec=references.spec, format=references.format,
                            fingerprint=references.fingerprint, examples=len(references),
                            fields=references.fields_dict(),
                            selection=dict(references.selection))


def build_run(name: str, ids: Sequence[str], predictions: Sequence[str],
              results: Mapping[str, MetricResult], reference_set: ReferenceSetInfo,
              examples: Sequence[Example] | None, summarizer: Mapping[str, Any],
              counts: Mapping[str, int], empty: Notice | None,
              generation: Mapping[str, int], diagnostics: Sequence[Mapping[str, Any]] | None = None,
              diagnostics_mean: Mapping[str, Any] | None = None) -> Run:
    """The one place a scored :class:`Run` is put together (:func:`make_run`, and
    :mod:`sumbench.eval.streaming` from its chunks)."""
    from sumbench import __version__

    return Run(name=name, ids=tuple(ids), predictions=tuple(predictions), metrics=dict(results),
               reference_set=reference_set,
               examples=tuple(examples) if examples is not None else None,
               summarizer=dict(summarizer), counts=dict(counts),
               notices=(empty,) if empty else (), generation=dict(generation),
               diagnostics=tuple(diagnostics) if diagnostics is not None else None,
               diagnostics_mean=diagnostics_mean,
               sumbench_version=__version__)


def aggregation_of(metric: Metric) -> dict[str, Any]:
    """How a metric's aggregates were made, as ``results.json`` records it."""
    if not metric.uses_bootstrap:
        return {"method": "own"}
    return {"method": "bootstrap", "samples": metric.bootstrap.samples,
            "seed": metric.bootstrap.seed, "confidence": metric.bootstrap.confidence}


def make_run(references: ReferenceSet, predictions: Sequence[str], metrics: Sequence[Metric],
             name: str, summarizer: Mapping[str, Any], generation: Mapping[str, int],
             diagnostics: bool = False) -> Run:
    """Score ``predictions`` (aligned with ``references.examples``) with every metric."""
    examples = references.examples
    if len(examples) != len(predictions):
        raise ValueError(f"{len(predictions)} predictions for {len(examples)} examples")
    if not examples:
        raise InputError("nothing to score: the reference set is empty")
    if not metrics:
        raise UsageError("no metric to score with")
    names = [m.name for m in metrics]
    if len(set(names)) != len(names):
        raise UsageError(f"a metric is named twice: {', '.join(names)}")
    ids = tuple(e.id for e in examples)
    results = {m.name: score_metric(m, examples, predictions) for m in metrics}
    per_example, mean = None, None
    if diagnostics:
        from .diagnostics import aggregate, diagnose_all

        per_example = tuple(d.to_dict() for d in diagnose_all([e.article for e in examples],
                                                               predictions))
        mean = aggregate(per_example)
    return build_run(name, ids, predictions, results, reference_set_info(references), examples,
                     summarizer, count(examples, predictions), empty_predictions(ids, predictions),
                     generation, per_example, mean)


def build_summarizer(name: str, options: Mapping[str, Any], metrics: Sequence[Metric]):
    """The summariser ``name`` behind the generation cache; ``oracle``/``oracle-k`` (it
    reads the references, so eval/ offers it) maximises ROUGE with the ``rouge``
    metric's settings when that metric is in use, else rouge-score's defaults."""
    from .oracle import ORACLE_PATTERN, OracleSummarizer
    from ..summarize.cache import build_summarizer as build_cached
    from ..summarize.options import check_applicable

    if re.fullmatch(ORACLE_PATTERN, name):
        check_applicable(name, OracleSummarizer.OPTION_FAMILIES, dict(options))
        return OracleSummarizer.for_metrics(name, metrics, language=options.get("language", "en"))
    return build_cached(name, dict(options))


def evaluate_summarizer(references: ReferenceSet, summarizer_name: str,
                        metrics: Sequence[Metric] | None = None,
                        summarizer_options: Mapping[str, Any] | None = None,
                        diagnostics: bool = False, name: str | None = None) -> Run:
    """Summarise every article of ``references`` with ``summarizer_name`` and score it."""
    metrics = tuple(metrics) if metrics is not None else default_metrics()
    articles = [e.article for e in references.examples]
    with rewording(lambda exc: f"summarizer {summarizer_name!r}: {exc}", SummarizerError):
        summarizer = build_summarizer(summarizer_name, dict(summarizer_options or {}), metrics)
        if hasattr(summarizer, "summarize_examples"):
            predictions = summarizer.summarize_examples(references.examples)
        else:
            predictions = summarizer.summarize(articles)
        settings = summarizer.settings()
    stats = getattr(summarizer, "stats", None)
    generation = (stats.to_dict() if stats is not None
                  else {"generated": len(predictions), "from_cache": 0, "truncated": 0})
    if len(predictions) != len(articles):
        raise RuntimeError(f"summarizer {summarizer.name} returned {len(predictions)} "
                           f"summaries for {len(articles)} articles")
    return make_run(references, predictions, metrics, name or summarizer.name,
                    {"name": summarizer.name, "settings": settings}, generation, diagnostics)


def evaluate_predictions(references: ReferenceSet, predictions_path: str | Path,
                         metrics: Sequence[Metric] | None = None, diagnostics: bool = False,
                         name: str | None = None) -> Run:
    """Score a predictions file made elsewhere against ``references``; the run is named
    after the file (its name without the suffix) unless ``name`` is given."""
    metrics = tuple(metrics) if metrics is not None else default_metrics()
    path = Path(predictions_path)
    predictions = read_predictions(path, references.ids)
    if not predictions:
        raise InputError(f"{path}: no predictions")
    return make_run(references, predictions, metrics, name or path.stem,
                    {"name": f"file:{path.name}", "settings": {"predictions": str(path)}},
                    {"generated": 0, "from_cache": 0, "truncated": 0}, diagnostics)


# Several systems at once (``sumbench score`` with several predictions, ``--system-field``
# or ``--prediction-field``; ``sumbench.score(..., system_field=...)``): each source gives
# ``{system: (predictions, summarizer info)}``, aligned with one reference set, and
# :func:`score_systems` makes one run per system.

SystemPredictions = dict[str, tuple[list[str], dict[str, Any]]]
NOTHING_GENERATED = {"generated": 0, "from_cache": 0, "truncated": 0}


def long_file_systems(references: ReferenceSet, path: str | Path,
                      system_fields: Sequence[str]) -> SystemPredictions:
    """A long predictions file (rows of id, system and prediction; the system is the
    value of ``system_fields``, joined with ``/``) as one system per name."""
    from .data.systems import read_long_predictions

    fields = list(system_fields)
    systems = read_long_predictions(path, references.ids, fields)
    return {s: (p, {"name": s, "settings": {"predictions": str(path), "system_fields": fields}})
            for s, p in systems.items()}


def reference_file_systems(spec: str, fmt: str | None, fields: Any, prediction_field: str,
                           system_fields: Sequence[str]) -> tuple[ReferenceSet, SystemPredictions]:
    """The reference set and each system's predictions, both read from one file whose
    ``prediction_field`` holds a system's prediction (``system_fields`` names it)."""
    from .data.systems import read_references_with_predictions

    system_fields = list(system_fields)
    references, systems = read_references_with_predictions(spec, fmt, fields, prediction_field,
                                                           system_fields)
    return references, {s: (p, {"name": s, "settings": {
        "predictions": spec, "prediction_field": prediction_field,
        "system_fields": system_fields}}) for s, p in systems.items()}


def source_systems(references: ReferenceSet, sources: Sequence[str | Path]) -> SystemPredictions:
    """Predictions files and run folders (their predictions scored again), one system
    each, named after the file (without its suffix) or the run."""
    out: SystemPredictions = {}
    for source in sources:
        name, predictions, summarizer = _one_source(Path(source), references)
        if name in out:
            raise UsageError(f"two predictions are named {name!r}; rename a file")
        out[name] = (predictions, summarizer)
    return out


def _one_source(path: Path, references: ReferenceSet) -> tuple[str, list[str], dict[str, Any]]:
    """A predictions file, or a run folder's predictions, aligned with ``references``."""
    if path.is_dir():
        from .runs.folder import load_run

        run = load_run(path)
        by_id = dict(zip(run.ids, run.predictions))
        missing = [i for i in references.ids if i not in by_id]
        if missing or len(by_id) != len(references.ids):
            raise InputError(f"{path}: its examples differ from the reference set's "
                             f"({len(missing)} missing)")
        return run.name, [by_id[i] for i in references.ids], dict(run.summarizer)
    predictions = read_predictions(path, references.ids)
    return path.stem, predictions, {"name": f"file:{path.name}",
                                    "settings": {"predictions": str(path)}}


def reference_set_of(run: Run) -> ReferenceSet:
    """A run's stored reference set, as a :class:`ReferenceSet` to score against again."""
    from .data import FieldMap

    if run.examples is None:
        raise UsageError(f"{run.path}: a version-1 run folder stores no references; give --references")
    info = run.reference_set
    return ReferenceSet(spec=info.spec, format=info.format, examples=run.examples,
                        fingerprint=info.fingerprint, fields=FieldMap(**info.fields),
                        selection=dict(info.selection))


def select_systems(references: ReferenceSet, systems: SystemPredictions,
                   limit: int | None, sample: int | None,
                   seed: int) -> tuple[ReferenceSet, SystemPredictions]:
    """``score --limit/--sample``: the examples ``run`` would keep of ``references``
    (:func:`sumbench.eval.data.select`; recorded in ``selection`` as ``run`` records it)
    and each system's predictions of them.  Predictions are read against the whole set
    first, so that every file is still checked whole."""
    from .data import select

    if limit is None and sample is None:
        return references, systems
    if any(value is not None for value in references.selection.values()):
        raise UsageError(f"the reference set stored in the run folders is already a "
                         f"selection ({_described_selection(references.selection)}); "
                         "give --references to select from the whole set")
    chosen, positions = select(references, limit, sample, seed)
    return chosen, {name: ([predictions[i] for i in positions], summarizer)
                    for name, (predictions, summarizer) in systems.items()}


def _described_selection(selection: Mapping[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in selection.items() if value is not None)


def score_systems(references: ReferenceSet, systems: SystemPredictions,
                  metrics: Sequence[Metric], name: str | None = None,
                  diagnostics: bool = False) -> list[Run]:
    """One run per system, in order; ``name`` renames a single system's run."""
    if len(systems) > 1 and name:
        raise UsageError("a name names a single run; each system's run is named after it")
    return [make_run(references, predictions, metrics, name or system, summarizer,
                     NOTHING_GENERATED, diagnostics)
            for system, (predictions, summarizer) in systems.items()]


def score_long_file(references: ReferenceSet, path: str | Path, metrics: Sequence[Metric],
                    system_fields: Sequence[str], diagnostics: bool = False) -> list[Run]:
    """Every system of a long predictions file scored against ``references``: one run
    per system, named after it (what ``sumbench score --system-field`` scores)."""
    return score_systems(references, long_file_systems(references, path, system_fields),
                         metrics, diagnostics=diagnostics)

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
from .errors import InputError, UsageError
from .metrics.base import Metric
from .notices import empty_predictions
from .predictions import read_predictions
from .runs.run import MetricResult, ReferenceSetInfo, Run


def default_metrics() -> tuple[Metric, ...]:
    from .metrics import DEFAULT_METRICS, build_metrics

    return build_metrics(DEFAULT_METRICS, {})


def score_metric(metric: Metric, examples: Sequence[Example],
                 predictions: Sequence[str]) -> MetricResult:
    """One metric's columns, aggregates and notices for aligned examples and predictions."""
    scored = metric.score(examples, predictions)
    for measure, components in scored.columns.items():
        for component, values in components.items():
            if len(values) != len(examples):
                raise RuntimeError(f"metric {metric.name} returned {len(values)} values of "
                                   f"{measure}.{component} for {len(examples)} examples")
    return MetricResult(name=metric.name, signature=metric.signature(),
                        settings=metric.settings(), info=metric.info(),
                        columns=scored.columns, scores=metric.aggregate(scored.columns),
                        aggregation=aggregation_of(metric), notices=scored.notices,
                        details=dict(scored.details))


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
    notice = empty_predictions(ids, predictions)
    counts = {
        "examples": len(examples),
        "references": sum(len(e.references) for e in examples),
        "empty_predictions": sum(1 for p in predictions if not p.strip()),
        "multi_reference_examples": sum(1 for e in examples if len(e.references) > 1),
    }
    per_example, mean = None, None
    if diagnostics:
        from .diagnostics import aggregate, diagnose_all

        per_example = tuple(d.to_dict() for d in diagnose_all([e.article for e in examples],
                                                               predictions))
        mean = aggregate(per_example)
    from sumbench import __version__

    return Run(name=name, ids=ids, predictions=tuple(predictions), metrics=results,
               reference_set=ReferenceSetInfo(
                   spec=references.spec, format=references.format,
                   fingerprint=references.fingerprint, examples=len(examples),
                   fields=references.fields_dict(), selection=dict(references.selection)),
               examples=tuple(examples), summarizer=dict(summarizer), counts=counts,
               notices=(notice,) if notice else (), generation=dict(generation),
               diagnostics=per_example, diagnostics_mean=mean, sumbench_version=__version__)


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

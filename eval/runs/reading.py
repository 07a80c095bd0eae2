"""Reading a version-3 (or -2) run folder (:mod:`sumbench.eval.runs.folder` describes
it) into a :class:`~sumbench.eval.runs.run.Run`, checking everything on the way in.

``results.json`` and each of the three JSONL files must have the content digest
``results.json`` records for it (:mod:`sumbench.eval.runs.digest`, computed from the
values as parsed); every value must have its type and range (per-example scores finite
and inside the metric's stated range, intervals ordered); the four files must describe the same examples -- the same
ids, none twice, as many as ``results.json`` counts -- and agree with each other: the
references' fingerprint is recomputed, and every metric's aggregates are checked against
its per-example columns, the way the metric aggregates (:func:`check_aggregates`; the
metric's class says how, not a field of the file).  So a folder that lost lines, or whose
numbers were edited, is refused with one line naming the file (exit 2), never compared
on what is left of it.  A version-2 folder has no digests: it is read with one warning
on stderr that its integrity is not checked (a study says it once for all its runs).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..data.records import Example
from ..metrics.base import MetricInfo
from ..notices import Notice
from . import checks as c
from .digest import is_digest, json_digest, rows_digest
from .run import MetricResult, ReferenceSetInfo, Run
from ..signature import Signature
from ..stats.interval import Interval

MEAN_TOLERANCE = 1e-9
ROUNDING = 1e-9


def _notices(value: Any, where: str, what: str) -> tuple[Notice, ...]:
    out = []
    for k, item in enumerate(c.sequence(value, where, what)):
        item = c.mapping(item, where, f"{what}[{k}]")
        out.append(Notice(c.text(c.field(item, "code", where, what), where, f"{what}[{k}].code"),
                          c.text(c.field(item, "message", where, what), where, f"{what}[{k}].message"),
                          tuple(c.example_id(i, where) for i in
                                c.sequence(c.field(item, "ids", where, what), where, f"{what}[{k}].ids"))))
    return tuple(out)


def _info(value: Any, where: str, what: str) -> MetricInfo:
    data = c.mapping(value, where, what)
    labels = c.mapping(data.get("labels", {}), where, f"{what}.labels")
    for key, label in labels.items():
        c.text(label, where, f"{what}.labels.{key}")
    bounds = c.sequence(data.get("range", [None, None]), where, f"{what}.range")
    if len(bounds) != 2:
        raise c.corrupt(where, f"{what}.range must be [low, high]")
    low, high = (None if b is None else c.number(b, where, f"{what}.range") for b in bounds)
    if low is not None and high is not None and low > high:
        raise c.corrupt(where, f"{what}.range is empty")
    higher = data.get("higher_is_better", True)
    if not isinstance(higher, bool):
        raise c.corrupt(where, f"{what}.higher_is_better must be true or false")
    return MetricInfo(
        headline=c.text(c.field(data, "headline", where, what), where, f"{what}.headline", False),
        labels=dict(labels), scale=c.number(data.get("scale", 1.0), where, f"{what}.scale", 1e-12),
        low=low, high=high, higher_is_better=higher,
        unit=c.text(data.get("unit", ""), where, f"{what}.unit"),
        gate=tuple(c.text(g, where, f"{what}.gate") for g in
                   c.sequence(data.get("gate", []), where, f"{what}.gate")))


def _with_rounding(info: MetricInfo) -> tuple[float | None, float | None]:
    """The metric's range widened by float rounding: a bootstrap bound computed from
    values all at 0 can come out as -1e-17."""
    span = 1.0 if info.low is None or info.high is None else max(1.0, info.high - info.low)
    slack = ROUNDING * span
    return (None if info.low is None else info.low - slack,
            None if info.high is None else info.high + slack)


def _scores(value: Any, where: str, what: str, info: MetricInfo) -> dict[str, dict[str, Interval]]:
    out: dict[str, dict[str, Interval]] = {}
    for measure, components in c.mapping(value, where, what).items():
        out[measure] = {}
        for component, interval in c.mapping(components, where, f"{what}.{measure}").items():
            key = f"{what}.{measure}.{component}"
            data = c.mapping(interval, where, key)
            low, mid, high = (c.number(c.field(data, k, where, key), where, f"{key}.{k}",
                                       *_with_rounding(info)) for k in ("low", "mid", "high"))
            if low > high:
                raise c.corrupt(where, f"{key}: low > high")
            out[measure][component] = Interval(low, mid, high)
        if not out[measure]:
            raise c.corrupt(where, f"{what}.{measure} has no components")
    if not out:
        raise c.corrupt(where, f"{what} has no measures")
    return out


def _metric(name: str, value: Any, where: str) -> tuple[MetricResult, dict]:
    """A metric's part of ``results.json`` (columns still empty) and its layout."""
    what = f"metrics.{name}"
    data = c.mapping(value, where, what)
    try:
        signature = Signature.parse(c.text(c.field(data, "signature", where, what), where,
                                           f"{what}.signature"))
    except ValueError as exc:
        raise c.corrupt(where, f"{what}.signature: {exc}") from None
    if signature.metric != name:
        raise c.corrupt(where, f"{what}.signature is the signature of {signature.metric!r}")
    aggregation = c.mapping(data.get("aggregation", {}), where, f"{what}.aggregation")
    method, stated = aggregation_method(name), aggregation.get("method")
    if method is not None and stated is not None and stated != method:
        # the file's word is not taken: a Lead-1 run claiming another method, to escape
        # the mean check, is refused
        raise c.corrupt(where, f"{what}.aggregation.method is {stated!r:.40}, but the "
                               f"metric {name} aggregates by {method!r}")
    info = _info(c.field(data, "info", where, what), where, f"{what}.info")
    scores = _scores(c.field(data, "scores", where, what), where, f"{what}.scores", info)
    result = MetricResult(
        name=name, signature=signature,
        settings=dict(c.mapping(data.get("settings", {}), where, f"{what}.settings")),
        info=info, columns={}, scores=scores,
        aggregation=dict(aggregation),
        notices=_notices(data.get("warnings", []), where, f"{what}.warnings"),
        details=dict(c.mapping(data.get("details", {}), where, f"{what}.details")))
    return result, {m: list(comps) for m, comps in scores.items()}


def _columns(rows: list[tuple[str, Any]], metrics: Mapping[str, MetricResult]) -> dict[str, dict]:
    """Per metric, ``{measure: {component: array}}`` from the per-example lines; every line
    must hold exactly the metrics, measures and components of ``results.json``."""
    out = {name: {m: {k: np.empty(len(rows)) for k in comps} for m, comps in r.scores.items()}
           for name, r in metrics.items()}
    for i, (where, row) in enumerate(rows):
        scores = c.mapping(c.field(row, "scores", where, "the line"), where, "'scores'")
        if set(scores) != set(out):
            raise c.corrupt(where, f"scores of {sorted(scores)}, but results.json has {sorted(out)}")
        for name, measures in out.items():
            values = c.mapping(scores[name], where, f"scores.{name}")
            if set(values) != set(measures):
                raise c.corrupt(where, f"scores.{name} has {sorted(values)}, but results.json "
                                       f"has {sorted(measures)}")
            info = metrics[name].info
            for measure, components in measures.items():
                given = c.mapping(values[measure], where, f"scores.{name}.{measure}")
                if set(given) != set(components):
                    raise c.corrupt(where, f"scores.{name}.{measure} has {sorted(given)}")
                for component, array in components.items():
                    array[i] = c.number(given[component], where,
                                        f"scores.{name}.{measure}.{component}", info.low, info.high)
    return out


def aggregation_method(name: str) -> str | None:
    """How the metric ``name`` aggregates, from its class: ``"bootstrap"`` (the plain mean
    and a bootstrap interval), ``"own"`` (its own way), or ``None`` when the metric is
    not installed here."""
    from sumbench.common.errors import UsageError
    from ..metrics import metric_class, registry

    if name not in registry():
        return None
    try:
        return "bootstrap" if metric_class(name).uses_bootstrap else "own"
    except UsageError:  # registered, but its code cannot be loaded
        return None


def check_aggregates(result: MetricResult, path: Path | str) -> None:
    """Every column's aggregate against its per-example values.  A bootstrap metric's
    ``mid`` is the plain mean (to :data:`MEAN_TOLERANCE`); for a metric that aggregates
    its own way (rouge155: the mean of resample means), or one not installed, the plain
    mean must lie within the interval's width of ``mid``."""
    method = aggregation_method(result.name)
    for measure, components in result.columns.items():
        for component, values in components.items():
            interval = result.scores[measure][component]
            mean = float(np.mean(values))
            slack = MEAN_TOLERANCE * max(1.0, abs(interval.mid))
            if method != "bootstrap":
                slack += interval.high - interval.low
            if abs(mean - interval.mid) > slack:
                raise c.corrupt(path, f"the per-example {result.name} {measure}.{component} "
                                      f"average {mean!r}, results.json says {interval.mid!r}")


def _check_digest(rows: list[tuple[str, Any]], path: Path, digests: Mapping[str, str] | None) -> None:
    """``path``'s lines (as parsed) have the digest results.json records for it."""
    if digests is not None and rows_digest(r for _, r in rows) != digests[path.name]:
        raise c.corrupt(path, "its content differs from the digest results.json records "
                              "for it (edited after sumbench wrote it)")


def _digests(results: Mapping[str, Any], where: str) -> dict[str, str]:
    from .folder import DIGESTED, RESULTS

    data = c.mapping(c.field(results, "digests", where, "results.json"), where, "digests")
    for name in DIGESTED:
        if not is_digest(c.field(data, name, where, "digests")):
            raise c.corrupt(where, f"digests.{name} must be 'sha256:' and 64 hex digits, "
                                   f"got {data[name]!r:.80}")
    if not is_digest(c.field(data, RESULTS, where, "digests")):
        raise c.corrupt(where, f"digests.{RESULTS} must be 'sha256:' and 64 hex digits")
    rest = dict(results, digests={k: v for k, v in data.items() if k != RESULTS})
    if json_digest(rest) != data[RESULTS]:
        raise c.corrupt(where, "its content differs from the digest it records for itself "
                               "(edited after sumbench wrote it)")
    return {name: data[name] for name in DIGESTED}


def _examples(rows: list[tuple[str, Any]]) -> tuple[Example, ...]:
    examples = []
    for where, row in rows:
        row = c.mapping(row, where, "a reference line")
        references = []
        for k, reference in enumerate(c.sequence(c.field(row, "references", where, "the line"),
                                                 where, "references")):
            sentences = tuple(c.text(s, where, f"references[{k}]")
                              for s in c.sequence(reference, where, f"references[{k}]"))
            references.append(sentences)
        if not references:
            raise c.corrupt(where, "an example without references")
        title, source, language = row.get("title"), row.get("source"), row.get("language")
        examples.append(Example(
            id=c.example_id(c.field(row, "id", where, "the line"), where),
            article=c.text(c.field(row, "article", where, "the line"), where, "article"),
            references=tuple(references),
            title=None if title is None else c.text(title, where, "title"),
            source=None if source is None else c.text(source, where, "source"),
            language=None if language is None else c.text(language, where, "language")))
    return tuple(examples)


def load_v2(directory: Path, results: dict[str, Any], warn: bool = True) -> Run:
    """The run in a version-3 or -2 folder (``results`` is its parsed ``results.json``);
    ``warn``: say on stderr that a version-2 folder is not checked (a study that reads
    several says it once)."""
    from ..data import fingerprint
    from .folder import PER_EXAMPLE, PREDICTIONS, REFERENCES, RESULTS

    where = str(directory / RESULTS)
    version = results["schema_version"]
    if version < 3 and "digests" in results:
        raise c.corrupt(where, f"schema_version {version} has no digests, but this "
                               "results.json has them (its schema_version was edited)")
    digests = _digests(results, where) if version >= 3 else None
    name = c.text(c.field(results, "name", where, "results.json"), where, "name", empty=False)
    summarizer = c.mapping(results.get("summarizer", {}), where, "summarizer")
    reference = c.mapping(c.field(results, "reference_set", where, "results.json"), where, "reference_set")
    count = c.integer(c.field(reference, "examples", where, "reference_set"), where,
                      "reference_set.examples", 1)
    counts = c.mapping(results.get("counts", {}), where, "counts")
    for key, value in counts.items():
        c.integer(value, where, f"counts.{key}")
    if counts.get("examples", count) != count:
        raise c.corrupt(where, f"counts.examples ({counts['examples']}) and "
                               f"reference_set.examples ({count}) differ")
    metric_data = c.mapping(c.field(results, "metrics", where, "results.json"), where, "metrics")
    if not metric_data:
        raise c.corrupt(where, "no metrics")
    metrics = {k: _metric(k, v, where)[0] for k, v in metric_data.items()}

    rows = list(c.json_lines(directory / PER_EXAMPLE))
    _check_digest(rows, directory / PER_EXAMPLE, digests)
    ids = c.unique_ids(rows, directory / PER_EXAMPLE)
    if len(ids) != count:
        raise c.corrupt(directory / PER_EXAMPLE, f"{len(ids)} examples, but results.json "
                                                 f"counts {count}")
    columns = _columns(rows, metrics)
    metrics = {k: replace(m, columns=columns[k]) for k, m in metrics.items()}
    for result in metrics.values():
        check_aggregates(result, directory / PER_EXAMPLE)

    prediction_rows = list(c.json_lines(directory / PREDICTIONS))
    _check_digest(prediction_rows, directory / PREDICTIONS, digests)
    if sorted(c.unique_ids(prediction_rows, directory / PREDICTIONS)) != sorted(ids):
        raise c.corrupt(directory / PREDICTIONS, "its ids differ from per_example.jsonl's")
    predictions = {str(r["id"]): c.text(c.field(r, "prediction", w, "the line"), w, "prediction")
                   for w, r in prediction_rows}
    reference_rows = list(c.json_lines(directory / REFERENCES))
    _check_digest(reference_rows, directory / REFERENCES, digests)
    examples = _examples(reference_rows)
    if tuple(e.id for e in examples) != tuple(ids):
        raise c.corrupt(directory / REFERENCES, "its ids differ from per_example.jsonl's")
    stored = c.text(c.field(reference, "fingerprint", where, "reference_set"), where, "fingerprint")
    if fingerprint(examples) != stored:
        raise c.corrupt(directory / REFERENCES, "the references differ from those the run was "
                                                "scored on (their fingerprint changed)")
    diagnostics = None
    if any("diagnostics" in r for _, r in rows):
        diagnostics = tuple(dict(c.mapping(r.get("diagnostics") or {}, w, "diagnostics"))
                            for w, r in rows)
    mean = c.mapping(results.get("diagnostics") or {}, where, "diagnostics").get("mean")
    if digests is None and warn:
        print(f"sumbench: warning: {directory}: a version-2 run folder (no content digests): "
              "its integrity is not checked; score it again to write version 3", file=sys.stderr)
    return Run(
        name=name, ids=tuple(ids), predictions=tuple(predictions[i] for i in ids),
        metrics=metrics,
        reference_set=ReferenceSetInfo(
            spec=c.text(c.field(reference, "spec", where, "reference_set"), where, "spec"),
            format=c.text(c.field(reference, "format", where, "reference_set"), where, "format"),
            fingerprint=stored, examples=count,
            fields=dict(c.mapping(reference.get("fields", {}), where, "reference_set.fields")),
            selection=dict(c.mapping(reference.get("selection", {}), where, "reference_set.selection"))),
        examples=examples, summarizer=dict(summarizer), counts=dict(counts),
        notices=_notices(results.get("warnings", []), where, "warnings"),
        generation=dict(c.mapping(results.get("generation", {}), where, "generation")),
        diagnostics=diagnostics,
        diagnostics_mean=None if mean is None else dict(c.mapping(mean, where, "diagnostics.mean")),
        path=directory, schema_version=version, sumbench_version=str(results.get("sumbench", "")))

"""Run folders, version 2: the self-contained form of a :class:`~sumbench.eval.runs.run.Run`.

A run folder holds four files:

* ``results.json`` -- ``schema_version`` (:data:`SCHEMA_VERSION`), the run's name, what
  made the predictions, the reference set's origin, field map, selection and
  fingerprint, counts, warnings, and per metric its signature, settings, presentation,
  aggregation and aggregates (README, section *Run folders*);
* ``references.jsonl`` -- the reference set exactly as used: id, article, references
  (each a list of sentences), title and source, one example a line;
* ``predictions.jsonl`` -- ``{"id", "prediction"}`` a line;
* ``per_example.jsonl`` -- ``{"id", "scores": {metric: {measure: {component: value}}}}``
  a line, plus ``"diagnostics"`` when they were computed.

Every later command reads only this folder.  Files are written under temporary names in
the folder (created with the usual permissions) and renamed into place once all are
complete, so a failed write leaves nothing half-written.  No timestamps or host names
are stored: the same inputs and seed give byte-identical files.  Version-1 folders
(sumbench 0.1) are read by :mod:`sumbench.eval.runs.v1`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from sumbench.eval.data.records import Example
from sumbench.eval.errors import InputError
from sumbench.eval.files import write_files
from sumbench.eval.metrics.base import MetricInfo
from sumbench.eval.notices import Notice
from sumbench.eval.runs.run import MetricResult, ReferenceSetInfo, Run
from sumbench.eval.signature import Signature
from sumbench.eval.stats.interval import Interval

SCHEMA_VERSION = 2
RESULTS = "results.json"
REFERENCES = "references.jsonl"
PREDICTIONS = "predictions.jsonl"
PER_EXAMPLE = "per_example.jsonl"
FILES = (RESULTS, REFERENCES, PREDICTIONS, PER_EXAMPLE)


# ----------------------------------------------------------------------------- writing


def metric_dict(result: MetricResult) -> dict[str, Any]:
    out = {
        "signature": str(result.signature),
        "signature_fields": result.signature.as_dict(),
        "settings": dict(result.settings),
        "info": result.info.to_dict(),
        "aggregation": dict(result.aggregation),
        "scores": {m: {c: i.to_dict() for c, i in components.items()}
                   for m, components in result.scores.items()},
        "warnings": [n.to_dict() for n in result.notices],
    }
    if result.details:
        out["details"] = dict(result.details)
    return out


def results_dict(run: Run) -> dict[str, Any]:
    """The content of ``results.json``."""
    from sumbench import __version__

    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "sumbench": __version__,
        "name": run.name,
        "summarizer": dict(run.summarizer),
        "reference_set": run.reference_set.to_dict(),
        "counts": dict(run.counts),
        "generation": dict(run.generation),
        "metrics": {name: metric_dict(result) for name, result in run.metrics.items()},
        "warnings": [n.to_dict() for n in run.notices],
    }
    if run.diagnostics_mean is not None:
        results["diagnostics"] = {"mean": dict(run.diagnostics_mean)}
    return results


def results_json_text(results: Mapping[str, Any]) -> str:
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


def example_record(example: Example) -> dict[str, Any]:
    record: dict[str, Any] = {"id": example.id, "article": example.article,
                              "references": [list(r) for r in example.references]}
    if example.title is not None:
        record["title"] = example.title
    if example.source is not None:
        record["source"] = example.source
    return record


def per_example_records(run: Run) -> Iterable[dict[str, Any]]:
    """One ``{"id", "scores": {metric: {measure: {component: value}}}}`` per example."""
    lists = {name: {m: {c: v.tolist() for c, v in comps.items()}
                    for m, comps in result.columns.items()}
             for name, result in run.metrics.items()}
    for i, example_id in enumerate(run.ids):
        record: dict[str, Any] = {
            "id": example_id,
            "scores": {name: {m: {c: values[i] for c, values in comps.items()}
                              for m, comps in measures.items()}
                       for name, measures in lists.items()}}
        if run.diagnostics is not None:
            record["diagnostics"] = dict(run.diagnostics[i])
        yield record


def _jsonl(records: Iterable[Mapping[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def folder_texts(run: Run) -> dict[str, str]:
    """File name -> content of the run folder."""
    if run.examples is None:
        raise ValueError("a run without its examples (read from a version-1 folder) "
                         "cannot be written as a version-2 folder")
    return {
        RESULTS: results_json_text(results_dict(run)),
        REFERENCES: _jsonl(example_record(e) for e in run.examples),
        PREDICTIONS: _jsonl({"id": i, "prediction": p} for i, p in zip(run.ids, run.predictions)),
        PER_EXAMPLE: _jsonl(per_example_records(run)),
    }


def write_run(run: Run, directory: Path) -> Path:
    """Write ``run``'s folder; returns ``directory``."""
    write_files(directory, folder_texts(run))
    return directory


# ----------------------------------------------------------------------------- reading


def _json_lines(path: Path) -> list[tuple[str, Any]]:
    from sumbench.eval.data.tabular import iter_jsonl

    return list(iter_jsonl(path))


def _corrupt(where: Path | str, what: str) -> InputError:
    return InputError(f"{where}: corrupt run folder: {what}")


def _mapping(value: Any, where: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _corrupt(where, f"{what} must be an object")
    return value


def _number(value: Any, where: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise _corrupt(where, f"{what} must be a finite number, got {value!r}")
    return float(value)


def read_results(directory: Path) -> dict[str, Any]:
    """``results.json`` of a run folder, parsed, with its schema version checked."""
    from sumbench.eval.data.textio import read_text

    path = directory / RESULTS
    try:
        results = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: corrupt results.json: {exc.msg}") from None
    if not isinstance(results, dict) or "schema_version" not in results:
        raise InputError(f"{path}: not a sumbench results.json (no schema_version)")
    version = results["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InputError(f"{path}: schema_version must be a positive integer, got {version!r}")
    if version > SCHEMA_VERSION:
        raise InputError(f"{path}: schema_version {version} is newer than this sumbench "
                         f"understands ({SCHEMA_VERSION}); upgrade sumbench")
    return results


def load_run(directory: str | Path) -> Run:
    """Read a run folder of any schema version, with clear errors for missing or
    corrupt files (:class:`InputError`)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: not a run folder (no such directory)")
    results = read_results(directory)
    if results["schema_version"] == 1:
        from sumbench.eval.runs.v1 import load_v1

        return load_v1(directory, results)
    try:
        return _load_v2(directory, results)
    except (KeyError, TypeError, ValueError) as exc:
        raise _corrupt(directory / RESULTS, f"{type(exc).__name__}: {exc}") from None


def _metric_result(name: str, data: Mapping[str, Any], columns: dict, where: str) -> MetricResult:
    data = _mapping(data, where, f"metrics.{name}")
    scores = {m: {c: Interval(**{k: _number(v, where, f"metrics.{name}.scores.{m}.{c}.{k}")
                                 for k, v in _mapping(i, where, "an interval").items()})
                  for c, i in _mapping(comps, where, "scores").items()}
              for m, comps in _mapping(data["scores"], where, "scores").items()}
    return MetricResult(
        name=name, signature=Signature.parse(data["signature"]),
        settings=dict(_mapping(data.get("settings", {}), where, "settings")),
        info=MetricInfo.from_dict(_mapping(data["info"], where, "info")),
        columns=columns, scores=scores,
        aggregation=dict(_mapping(data.get("aggregation", {}), where, "aggregation")),
        notices=tuple(Notice.from_dict(n) for n in data.get("warnings", [])),
        details=dict(_mapping(data.get("details", {}), where, "details")))


def _examples(path: Path) -> tuple[Example, ...]:
    examples = []
    for where, record in _json_lines(path):
        record = _mapping(record, where, "a reference line")
        references = tuple(tuple(str(s) for s in ref) for ref in record["references"])
        if not references:
            raise _corrupt(where, "an example without references")
        examples.append(Example(id=str(record["id"]), article=str(record["article"]),
                                references=references, title=record.get("title"),
                                source=record.get("source")))
    return tuple(examples)


def _columns(rows: list[tuple[str, Any]], metrics: Mapping[str, Any]) -> dict[str, dict]:
    """Per metric, ``{measure: {component: array}}`` from the per-example lines, with the
    measures and components that ``results.json`` lists."""
    out: dict[str, dict] = {}
    for name, data in metrics.items():
        out[name] = {m: {c: np.empty(len(rows)) for c in comps}
                     for m, comps in data["scores"].items()}
    for i, (where, row) in enumerate(rows):
        scores = _mapping(_mapping(row, where, "a per-example line").get("scores"), where,
                          "'scores'")
        for name, measures in out.items():
            values = _mapping(scores.get(name), where, f"scores.{name}")
            for measure, comps in measures.items():
                given = _mapping(values.get(measure), where, f"scores.{name}.{measure}")
                for component, array in comps.items():
                    array[i] = _number(given.get(component), where,
                                       f"scores.{name}.{measure}.{component}")
    return out


def _load_v2(directory: Path, results: dict[str, Any]) -> Run:
    where = str(directory / RESULTS)
    rows = _json_lines(directory / PER_EXAMPLE)
    ids = tuple(str(_mapping(r, w, "a per-example line")["id"]) for w, r in rows)
    predictions = {str(r["id"]): r["prediction"] for _, r in _json_lines(directory / PREDICTIONS)}
    examples = _examples(directory / REFERENCES)
    if tuple(e.id for e in examples) != ids:
        raise _corrupt(directory / REFERENCES, "its ids differ from per_example.jsonl's")
    missing = [i for i in ids if i not in predictions]
    if missing or len(predictions) != len(ids):
        raise _corrupt(directory / PREDICTIONS, "its ids differ from per_example.jsonl's")
    metrics_data = _mapping(results["metrics"], where, "metrics")
    columns = _columns(rows, metrics_data)
    metrics = {name: _metric_result(name, data, columns[name], where)
               for name, data in metrics_data.items()}
    ref = _mapping(results["reference_set"], where, "reference_set")
    diagnostics = None
    if any("diagnostics" in r for _, r in rows):
        diagnostics = tuple(dict(r.get("diagnostics") or {}) for _, r in rows)
    return Run(
        name=str(results["name"]), ids=ids, predictions=tuple(str(predictions[i]) for i in ids),
        metrics=metrics,
        reference_set=ReferenceSetInfo(spec=str(ref["spec"]), format=str(ref["format"]),
                                       fingerprint=str(ref["fingerprint"]),
                                       examples=int(ref["examples"]),
                                       fields=dict(ref.get("fields", {})),
                                       selection=dict(ref.get("selection", {}))),
        examples=examples, summarizer=dict(results.get("summarizer", {})),
        counts=dict(results.get("counts", {})),
        notices=tuple(Notice.from_dict(n) for n in results.get("warnings", [])),
        generation=dict(results.get("generation", {})), diagnostics=diagnostics,
        diagnostics_mean=(results.get("diagnostics") or {}).get("mean"),
        path=directory, schema_version=SCHEMA_VERSION,
        sumbench_version=str(results.get("sumbench", "")))

"""Scoring a predictions file of any size in bounded memory (``sumbench score --stream``).

The reference set and the predictions are read a chunk of examples at a time, in the
same order (the predictions file must follow the reference set's order); each chunk is
scored by every metric and its lines go straight into the run folder's files, so only
the per-example score columns (a few floats per example) and the ids stay in memory.
At the end each metric aggregates its whole columns, its notices are recomputed on the
examples any chunk flagged (with the whole count), and ``results.json`` is written; then
all four files are renamed into place, so the folder is complete or absent: on any
failure (an input error, a full disk, Ctrl-C) the temporary files go, and so does the
folder when this run created it (:class:`~sumbench.eval.files.StagedFiles`).  The folder
is byte for byte the one the in-memory pipeline writes for the same inputs
(``tests/test_streaming.py``).

Metrics that need the whole corpus at once (an IDF computed over every reference) say
so (``Metric.streamable``) and are refused here.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from .data import FieldMap, Fingerprint
from .data.fields import make_example, resolve_fields
from .data.records import Example
from .data.registry import detect_format, get_reader
from .errors import InputError, UsageError
from .files import StagedFiles
from .metrics.base import Metric
from .notices import empty_predictions
from .predictions import prediction_record
from .runs.folder import (
    PER_EXAMPLE,
    PREDICTIONS,
    REFERENCES,
    RESULTS,
    DigestedFiles,
    example_record,
    jsonl_bytes,
    per_example_jsonl,
    results_dict,
    results_json_text,
)
from .runs.run import MetricResult, ReferenceSetInfo, Run

CHUNK = 10_000


def _examples(spec: str, fmt: str, fields: FieldMap) -> Iterator[Example]:
    reader = get_reader(fmt)
    if not hasattr(reader, "records"):
        raise UsageError(f"--stream reads JSONL, JSON, CSV, TSV or Parquet references, not {fmt}")
    resolved = None
    for index, (where, record) in enumerate(reader.records(spec)):
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected an object, got {type(record).__name__}")
        if resolved is None:
            resolved = resolve_fields(fields, list(record), where)
        yield make_example(record, resolved, index, where, source=str(spec))


def _predictions(path: Path) -> Iterator[tuple[str, str, str]]:
    """``(where, id, text)`` for each line of a JSONL predictions file, checked as
    :func:`~sumbench.eval.predictions.read_predictions` checks them."""
    from .data.tabular import iter_jsonl

    for where, record in iter_jsonl(path):
        yield (where, *prediction_record(record, where))


def _chunks(spec: str, fmt: str, fields: FieldMap, predictions: Path,
            size: int) -> Iterator[tuple[list[Example], list[str]]]:
    """Aligned chunks of examples and predictions; ids must match in order."""
    pending = _predictions(predictions)
    examples: list[Example] = []
    texts: list[str] = []
    for example in _examples(spec, fmt, fields):
        try:
            where, example_id, text = next(pending)
        except StopIteration:
            raise InputError(f"{predictions}: no prediction for {example.id!r} and the "
                             "examples after it (--stream reads the two files in step)") from None
        if example_id != example.id:
            raise InputError(f"{where}: prediction for {example_id!r} where the reference set "
                             f"has {example.id!r}; --stream needs the predictions in the "
                             "reference set's order")
        examples.append(example)
        texts.append(text)
        if len(examples) == size:
            yield examples, texts
            examples, texts = [], []
    for where, example_id, _ in pending:
        raise InputError(f"{where}: prediction for {example_id!r}, which the reference set lacks")
    if examples:
        yield examples, texts


def stream_run(spec: str, fmt: str | None, fields: FieldMap, predictions: str | Path,
               metrics: Sequence[Metric], directory: str | Path, name: str,
               chunk: int = CHUNK, progress: bool = True) -> Run:
    """Score ``predictions`` against the reference set ``spec`` chunk by chunk, writing
    the run folder ``directory``; returns the run without its texts (``examples`` None,
    ``predictions`` empty): the folder holds them."""
    refused = [m.name for m in metrics if not m.streamable]
    if refused:
        raise UsageError(f"--stream: the metric(s) {', '.join(refused)} need every example at "
                         "once; score them without --stream")
    fmt = fmt or detect_format(spec)
    predictions = Path(predictions)
    staging = StagedFiles(Path(directory), (REFERENCES, PREDICTIONS, PER_EXAMPLE, RESULTS))
    try:
        written = DigestedFiles(staging)  # the digests results.json records
        run = _score_chunks(spec, fmt, fields, predictions, metrics, written, name, chunk, progress)
        staging.append(RESULTS, results_json_text(results_dict(run, written.digests())).encode("utf-8"))
        staging.commit()
    except BaseException:
        staging.abandon()
        raise
    return replace(run, path=Path(directory))


def _score_chunks(spec: str, fmt: str, fields: FieldMap, predictions: Path,
                  metrics: Sequence[Metric], staging: DigestedFiles, name: str, chunk: int,
                  progress: bool) -> Run:
    from tqdm import tqdm

    columns: dict[str, dict[str, dict[str, list[np.ndarray]]]] = {m.name: {} for m in metrics}
    flagged: dict[str, dict[str, tuple[Example, str]]] = {m.name: {} for m in metrics}
    ids: list[str] = []
    empty: list[tuple[str, str]] = []
    seen: set[str] = set()
    fingerprint = Fingerprint()
    counts = {"examples": 0, "references": 0, "empty_predictions": 0, "multi_reference_examples": 0}
    bar = tqdm(unit=" examples", disable=not progress or not sys.stderr.isatty(), file=sys.stderr)
    for examples, texts in _chunks(spec, fmt, fields, predictions, chunk):
        for example in examples:
            if example.id in seen:
                raise InputError(f"{spec}: duplicate id {example.id!r}")
            seen.add(example.id)
            fingerprint.add(example)
        chunk_scores = {}
        for metric in metrics:
            scored = metric.score(examples, texts)
            chunk_scores[metric.name] = scored.columns
            for measure, components in scored.columns.items():
                for component, values in components.items():
                    columns[metric.name].setdefault(measure, {}).setdefault(component, []).append(values)
            marked = {i for notice in scored.notices for i in notice.ids}
            for example, text in zip(examples, texts):
                if example.id in marked:
                    flagged[metric.name][example.id] = (example, text)
        staging.append(REFERENCES, jsonl_bytes(example_record(e) for e in examples))
        staging.append(PREDICTIONS, jsonl_bytes({"id": e.id, "prediction": t}
                                                for e, t in zip(examples, texts)))
        staging.append(PER_EXAMPLE, per_example_jsonl([e.id for e in examples], chunk_scores))
        ids += [e.id for e in examples]
        empty += [(e.id, t) for e, t in zip(examples, texts) if not t.strip()]
        counts["examples"] += len(examples)
        counts["references"] += sum(len(e.references) for e in examples)
        counts["empty_predictions"] += sum(1 for t in texts if not t.strip())
        counts["multi_reference_examples"] += sum(1 for e in examples if len(e.references) > 1)
        bar.update(len(examples))
    bar.close()
    if not ids:
        raise InputError(f"{spec}: no records")
    results = {m.name: _result(m, columns[m.name], flagged[m.name], len(ids)) for m in metrics}
    notice = empty_predictions([i for i, _ in empty], [t for _, t in empty], total=len(ids))
    from sumbench import __version__

    return Run(name=name, ids=tuple(ids), predictions=(), metrics=results,
               reference_set=ReferenceSetInfo(
                   spec=spec, format=fmt, fingerprint=fingerprint.value(), examples=len(ids),
                   fields=_fields(fields), selection={"limit": None, "sample": None, "seed": None}),
               examples=None,
               summarizer={"name": f"file:{predictions.name}",
                           "settings": {"predictions": str(predictions)}},
               counts=counts, notices=(notice,) if notice else (),
               generation={"generated": 0, "from_cache": 0, "truncated": 0},
               sumbench_version=__version__)


def _fields(fields: FieldMap) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(fields)


def _result(metric: Metric, parts: dict, flagged: dict[str, tuple[Example, str]],
            total: int) -> MetricResult:
    from .pipeline import aggregation_of

    whole = {m: {c: np.concatenate(arrays) for c, arrays in comps.items()}
             for m, comps in parts.items()}
    examples = [e for e, _ in flagged.values()]
    texts = [t for _, t in flagged.values()]
    return MetricResult(name=metric.name, signature=metric.signature(),
                        settings=metric.settings(), info=metric.info(), columns=whole,
                        scores=metric.aggregate(whole), aggregation=aggregation_of(metric),
                        notices=tuple(metric.notices(examples, texts, total)))

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

from dataclasses import asdict, replace
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from sumbench.common.progress import Progress
from .data import FieldMap, Fingerprint, iter_examples, reads_records
from .data.records import Example
from .data.registry import detect_format
from sumbench.common.errors import InputError, UsageError
from .metrics.base import Metric
from .notices import empty_predictions
from .pipeline import NOTHING_GENERATED, build_run, count, metric_result, score_columns
from .predictions import iter_predictions
from .runs.folder import FolderStream
from .runs.run import MetricResult, ReferenceSetInfo, Run

CHUNK = 10_000


def _chunks(spec: str, fmt: str, fields: FieldMap, predictions: Path,
            size: int) -> Iterator[tuple[list[Example], list[str]]]:
    """Aligned chunks of examples and predictions; ids must match in order."""
    if not reads_records(fmt):
        raise UsageError(f"--stream reads JSONL, JSON, CSV, TSV or Parquet references, not {fmt}")
    pending = iter_predictions(predictions)
    examples: list[Example] = []
    texts: list[str] = []
    for example in iter_examples(spec, fmt, fields):
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
               chunk: int = CHUNK, progress: bool = True, overwrite: bool = False) -> Run:
    """Score ``predictions`` against the reference set ``spec`` chunk by chunk, writing
    the run folder ``directory``; returns the run without its texts (``examples`` None,
    ``predictions`` empty): the folder holds them."""
    refused = [m.name for m in metrics if not m.streamable]
    if refused:
        raise UsageError(f"--stream: the metric(s) {', '.join(refused)} need every example at "
                         "once; score them without --stream")
    fmt = fmt or detect_format(spec)
    predictions = Path(predictions)
    with FolderStream(directory, overwrite) as folder:
        run = _score_chunks(spec, fmt, fields, predictions, metrics, folder, name, chunk, progress)
        folder.finish(run)
    return replace(run, path=Path(directory))


def _score_chunks(spec: str, fmt: str, fields: FieldMap, predictions: Path,
                  metrics: Sequence[Metric], folder: FolderStream, name: str, chunk: int,
                  progress: bool) -> Run:
    columns: dict[str, dict[str, dict[str, list[np.ndarray]]]] = {m.name: {} for m in metrics}
    flagged: dict[str, dict[str, tuple[Example, str]]] = {m.name: {} for m in metrics}
    ids: list[str] = []
    empty: list[tuple[str, str]] = []
    seen: set[str] = set()
    fingerprint = Fingerprint()
    counts: dict[str, int] = {}
    with Progress(f"scoring {predictions.name}", None, enabled=progress) as bar:
        for examples, texts in _chunks(spec, fmt, fields, predictions, chunk):
            for example in examples:
                if example.id in seen:
                    raise InputError(f"{spec}: duplicate id {example.id!r}")
                seen.add(example.id)
                fingerprint.add(example)
            chunk_scores = {}
            for metric in metrics:
                scored = score_columns(metric, examples, texts)
                chunk_scores[metric.name] = scored.columns
                for measure, components in scored.columns.items():
                    for component, values in components.items():
                        columns[metric.name].setdefault(measure, {}).setdefault(component, []).append(values)
                marked = {i for notice in scored.notices for i in notice.ids}
                for example, text in zip(examples, texts):
                    if example.id in marked:
                        flagged[metric.name][example.id] = (example, text)
            folder.add(examples, texts, chunk_scores)
            ids += [e.id for e in examples]
            empty += [(e.id, t) for e, t in zip(examples, texts) if not t.strip()]
            for key, value in count(examples, texts).items():
                counts[key] = counts.get(key, 0) + value
            bar.update(len(examples))
    if not ids:
        raise InputError(f"{spec}: no records")
    results = {m.name: _result(m, columns[m.name], flagged[m.name], len(ids)) for m in metrics}
    reference_set = ReferenceSetInfo(spec=spec, format=fmt, fingerprint=fingerprint.value(),
                                     examples=len(ids), fields=asdict(fields),
                                     selection={"limit": None, "sample": None, "seed": None})
    summarizer = {"name": f"file:{predictions.name}", "settings": {"predictions": str(predictions)}}
    return build_run(name, ids, (), results, reference_set, None, summarizer, counts,
                     empty_predictions([i for i, _ in empty], [t for _, t in empty], total=len(ids)),
                     NOTHING_GENERATED)


def _result(metric: Metric, parts: dict, flagged: dict[str, tuple[Example, str]],
            total: int) -> MetricResult:
    """A metric's whole columns from its chunks; its notices recomputed on the examples
    any chunk flagged, with the whole count."""
    whole = {m: {c: np.concatenate(arrays) for c, arrays in comps.items()}
             for m, comps in parts.items()}
    examples = [e for e, _ in flagged.values()]
    texts = [t for _, t in flagged.values()]
    return metric_result(metric, whole, metric.notices(examples, texts, total))

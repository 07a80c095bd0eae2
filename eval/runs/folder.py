"""Run folders, version 3: the self-contained form of a :class:`~sumbench.eval.runs.run.Run`.

A run folder holds four files:

* ``results.json`` -- ``schema_version`` (:data:`SCHEMA_VERSION`), the run's name, what
  made the predictions, the reference set's origin, field map, selection and
  fingerprint, counts, warnings, per metric its signature, settings, presentation,
  aggregation and aggregates (README, section *Run folders*), and ``digests``: the
  content digest (:mod:`sumbench.eval.runs.digest`) of each of the three files below
  and, under ``results.json``, of ``results.json`` itself without that one entry;
* ``references.jsonl`` -- the reference set exactly as used: id, article, references
  (each a list of sentences), title and source, one example a line;
* ``predictions.jsonl`` -- ``{"id", "prediction"}`` a line;
* ``per_example.jsonl`` -- ``{"id", "scores": {metric: {measure: {component: value}}}}``
  a line, plus ``"diagnostics"`` when they were computed.

Every later command reads only this folder, and checks it on the way in
(:mod:`sumbench.eval.runs.reading`).  Files are written under temporary names in the
folder (created with the usual permissions) and renamed into place once all are
complete, so a failed write leaves nothing half-written.  No timestamps or host names
are stored: the same inputs and seed give byte-identical files.  Version-2 folders (the
same without ``digests``) are read with one warning that their integrity is not
checked; version-1 folders (sumbench 0.1) are read by :mod:`sumbench.eval.runs.v1`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..data.records import Example
from sumbench.common.errors import InputError
from ..files import needs_replacing, write_files
from .digest import ContentDigest, bytes_digest, json_digest, rows_digest
from .run import MetricResult, Run

SCHEMA_VERSION = 3
RESULTS = "results.json"
REFERENCES = "references.jsonl"
PREDICTIONS = "predictions.jsonl"
PER_EXAMPLE = "per_example.jsonl"
FILES = (RESULTS, REFERENCES, PREDICTIONS, PER_EXAMPLE)
DIGESTED = (PER_EXAMPLE, PREDICTIONS, REFERENCES)  # the files results.json holds a digest of


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


def results_dict(run: Run, digests: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The content of ``results.json``; ``digests``: file name -> content digest of each
    of :data:`DIGESTED` (``None``: the results alone, as ``--format json`` prints them)."""
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
    if digests is not None:
        results["digests"] = {name: digests[name] for name in DIGESTED}
        results["digests"][RESULTS] = json_digest(json.loads(json.dumps(results)))
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
    if example.language is not None:
        record["language"] = example.language
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


def per_example_jsonl(ids: Sequence[str],
                      scores: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> bytes:
    """``per_example.jsonl`` without diagnostics -- byte for byte what :func:`jsonl_bytes` makes
    of the records of :func:`per_example_records` -- from the score columns
    (``{metric: {measure: {component: float64 array}}}``) at once: orjson writes all the
    values as one matrix (the same shortest floats, ``null`` for NaN) and the keys, the
    same on every line, are woven around each row's values."""
    import numpy as np
    import orjson

    columns = [np.asarray(v) for measures in scores.values()
               for comps in measures.values() for v in comps.values()]
    if any(c.dtype != np.float64 for c in columns):  # ints and the like: as records do
        return b"".join(orjson.dumps({"id": i, "scores": {
            name: {m: {c: np.asarray(v)[k].item() for c, v in comps.items()}
                   for m, comps in measures.items()} for name, measures in scores.items()}})
            + b"\n" for k, i in enumerate(ids))
    before: list[bytes] = []  # what comes before each value on a line
    text = b',"scores":{'
    for n, (name, measures) in enumerate(scores.items()):
        text += (b"," if n else b"") + orjson.dumps(name) + b":{"
        for m, (measure, comps) in enumerate(measures.items()):
            text += (b"," if m else b"") + orjson.dumps(measure) + b":{"
            for c, component in enumerate(comps):
                before.append(text + (b"," if c else b"") + orjson.dumps(component) + b":")
                text = b""
            text += b"}"
        text += b"}"
    after = text + b"}}\n"
    if columns and len(ids):
        matrix = np.column_stack(columns)
        rows = [row.split(b",") for row in
                orjson.dumps(matrix, option=orjson.OPT_SERIALIZE_NUMPY)[2:-2].split(b"],[")]
    else:
        rows = [[] for _ in ids]
    # One %-format a line, filled in C: the id, then each value after its keys.
    line = b'{"id":%b' + b"".join(p.replace(b"%", b"%%") + b"%b" for p in before) \
        + after.replace(b"%", b"%%")
    return b"".join(line % (orjson.dumps(example_id), *values)
                    for example_id, values in zip(ids, rows))


def jsonl_bytes(records: Iterable[Mapping[str, Any]]) -> bytes:
    """One compact JSON object a line (orjson: the shortest float that reads back equal)."""
    import orjson

    return b"".join(orjson.dumps(r) + b"\n" for r in records)


class DigestedFiles:
    """Pieces of a run folder's files passed on to ``files.append`` (e.g. a
    :class:`~sumbench.eval.files.StagedFiles`), with the content digest of each of
    :data:`DIGESTED` computed from the very bytes passed on."""

    def __init__(self, files: Any) -> None:
        self.files = files
        self._digests = {name: ContentDigest() for name in DIGESTED}

    def append(self, name: str, data: bytes) -> None:
        if name in self._digests:
            self._digests[name].update(data)
        self.files.append(name, data)

    def digests(self) -> dict[str, str]:
        return {name: digest.value() for name, digest in self._digests.items()}


class FolderStream:
    """A run folder written a chunk of examples at a time (``score --stream``): each
    :meth:`add` appends the chunk's lines to the three files under temporary names;
    :meth:`finish` writes ``results.json`` (with the digests of the very bytes written)
    and renames all four into place, so the folder is complete or absent.  Leaving the
    ``with`` block by an exception removes the temporary files (and the folder when it
    was created here; :class:`~sumbench.eval.files.StagedFiles`).  ``overwrite``: a run
    or study folder sumbench wrote that is there is replaced: the files go to a new folder
    beside it, swapped in by :meth:`finish` (:mod:`sumbench.eval.runs.replace`)."""

    def __init__(self, directory: str | Path, overwrite: bool = False) -> None:
        from ..files import StagedFiles

        self.directory = Path(directory)
        self._swap_from: Path | None = None
        target = self.directory
        if overwrite and needs_replacing(self.directory, FILES):
            from ..files import remove_stale, temporary_name
            from .replace import check_replaceable

            check_replaceable(self.directory)
            remove_stale(self.directory.parent, [self.directory.name], folders=True)
            target = self._swap_from = self.directory.parent / temporary_name(self.directory.name)
        self._staging = StagedFiles(target, (REFERENCES, PREDICTIONS, PER_EXAMPLE, RESULTS),
                                    label=self.directory)
        self._files = DigestedFiles(self._staging)

    def __enter__(self) -> "FolderStream":
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is not None:
            self._staging.abandon()

    def add(self, examples: Sequence[Example], predictions: Sequence[str],
            scores: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """One chunk: its examples, their predictions and ``{metric: columns}``."""
        self._files.append(REFERENCES, jsonl_bytes(example_record(e) for e in examples))
        self._files.append(PREDICTIONS, jsonl_bytes({"id": e.id, "prediction": t}
                                                    for e, t in zip(examples, predictions)))
        self._files.append(PER_EXAMPLE, per_example_jsonl([e.id for e in examples], scores))

    def finish(self, run: Run) -> None:
        """Write ``run``'s ``results.json`` and move the four files into place."""
        self._files.append(RESULTS, results_json_text(results_dict(run, self._files.digests()))
                           .encode("utf-8"))
        self._staging.commit()
        if self._swap_from is not None:
            import shutil

            from .replace import swap_folder

            try:
                swap_folder(self._swap_from, self.directory)
            except OSError as exc:
                raise InputError(f"{self.directory}: cannot write the run folder: "
                                 f"{exc.strerror or exc}") from None
            finally:
                shutil.rmtree(self._swap_from, ignore_errors=True)


# id(run) -> (the run, weakly; the results.json made for it last)
_RESULTS_TEXTS: dict[int, tuple[Any, str]] = {}


def folder_files(run: Run) -> dict[str, bytes]:
    """File name -> content (UTF-8) of the run folder."""
    import weakref

    if run.examples is None:
        raise ValueError("a run without its examples (read from a version-1 folder) "
                         "cannot be written as a run folder")
    references = [example_record(e) for e in run.examples]
    predictions = [{"id": i, "prediction": p} for i, p in zip(run.ids, run.predictions)]
    files = {
        REFERENCES: jsonl_bytes(references),
        PREDICTIONS: jsonl_bytes(predictions),
        PER_EXAMPLE: (jsonl_bytes(per_example_records(run)) if run.diagnostics is not None
                      else per_example_jsonl(run.ids, {name: result.columns
                                                       for name, result in run.metrics.items()})),
    }
    # The texts' digests from their records (what reading the bytes back gives, without
    # parsing them again: tests/test_digest.py); the scores' from the bytes written.
    digests = {REFERENCES: rows_digest(references), PREDICTIONS: rows_digest(predictions),
               PER_EXAMPLE: bytes_digest(files[PER_EXAMPLE])}
    results = results_dict(run, digests)
    text = results_json_text(results)
    key = id(run)
    if key not in _RESULTS_TEXTS:
        weakref.finalize(run, _RESULTS_TEXTS.pop, key, None)
    _RESULTS_TEXTS[key] = (weakref.ref(run), text)
    return {RESULTS: text.encode("utf-8"), **files}


def results_text(run: Run) -> str:
    """The ``results.json`` of ``run``'s folder: the one in its folder when it was read
    from or streamed into one, else the one :func:`folder_files` makes for it
    (remembered from its last call, so writing a run and then printing or indexing it
    computes its digests once)."""
    known = _RESULTS_TEXTS.get(id(run))
    if known is not None and known[0]() is run:
        return known[1]
    if run.examples is None and run.path is not None:
        from ..data.textio import read_text

        return read_text(run.path / RESULTS)
    return folder_files(run)[RESULTS].decode("utf-8")


def results_digest(run: Run) -> str:
    """The digest (:func:`~sumbench.eval.runs.digest.json_digest`) of ``run``'s
    ``results.json`` (:func:`results_text`), as ``study.json`` records it."""
    return json_digest(json.loads(results_text(run)))


def write_run(run: Run, directory: Path, overwrite: bool = False) -> Path:
    """Write ``run``'s folder; returns ``directory``.  ``overwrite``: a run or study
    folder sumbench wrote that is there is replaced (:mod:`sumbench.eval.runs.replace`)."""
    files = folder_files(run)
    if overwrite and needs_replacing(directory, list(files)):
        from .replace import check_replaceable, write_folder

        check_replaceable(directory)
        write_folder(directory, lambda staging: write_files(staging, files), replace=True,
                     what="run folder")
        return directory
    write_files(directory, files)
    return directory


# ----------------------------------------------------------------------------- reading


def read_results(directory: Path) -> dict[str, Any]:
    """``results.json`` of a run folder, parsed, with its schema version checked."""
    from .checks import read_json

    path = directory / RESULTS
    results = read_json(path)
    if not isinstance(results, dict) or "schema_version" not in results:
        raise InputError(f"{path}: not a sumbench results.json (no schema_version)")
    version = results["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InputError(f"{path}: schema_version must be a positive integer, got {version!r:.40}")
    if version > SCHEMA_VERSION:
        raise InputError(f"{path}: schema_version {version} is newer than this sumbench "
                         f"understands ({SCHEMA_VERSION}); upgrade sumbench")
    return results


def load_run(directory: str | Path) -> Run:
    """Read a run folder of any schema version, checking everything in it
    (:mod:`sumbench.eval.runs.reading`); a missing or corrupt file is an
    :class:`InputError` naming it."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: not a run folder (no such directory)")
    return run_from_results(directory, read_results(directory))


def run_from_results(directory: Path, results: dict[str, Any], warn: bool = True) -> Run:
    """The run of the folder ``directory`` whose ``results.json`` parsed to ``results``;
    ``warn``: warn about a version-2 folder here (a study warns once for its runs)."""
    if results["schema_version"] == 1:
        from .v1 import load_v1

        return load_v1(directory, results)
    from .reading import load_v2

    return load_v2(directory, results, warn)

"""Run folders: ``results.json``, ``predictions.jsonl`` and ``per_example.jsonl``.

A run folder is the unit every later command (score, compare, check, report) reads, so
a run can be examined long after the model is gone.  ``results.json`` carries
``schema_version`` (:data:`SCHEMA_VERSION`); its fields are documented in the
README (section ``results.json``).  Files are written to temporary names and renamed into place
only once all of them are complete, so a failed run leaves nothing half-written.  No
timestamps or host names are stored: the same inputs and seed give byte-identical files.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sumbench.eval.errors import InputError
from sumbench.eval.scores import COLUMNS
from sumbench.eval.scoring import ScoredRun
from sumbench.eval.signature import Signature

SCHEMA_VERSION = 1
RESULTS = "results.json"
PREDICTIONS = "predictions.jsonl"
PER_EXAMPLE = "per_example.jsonl"


@dataclass(frozen=True)
class RunMetadata:
    """What was evaluated: the reference set and the summariser (or predictions file)."""

    references_spec: str
    references_format: str
    references_fingerprint: str
    summarizer: str
    summarizer_settings: dict
    selection: dict
    generation: dict


def results_dict(scored: ScoredRun, meta: RunMetadata,
                 diagnostics: tuple | None = None) -> dict[str, Any]:
    """The content of ``results.json`` (``diagnostics`` only when they were computed)."""
    results = {
        "schema_version": SCHEMA_VERSION,
        "signature": str(scored.signature),
        "signature_fields": scored.signature.fields(),
        "config": {
            "scoring": scored.config.to_dict(),
            "references": {"spec": meta.references_spec, "format": meta.references_format,
                           **meta.selection},
            "summarizer": {"name": meta.summarizer, "settings": meta.summarizer_settings},
        },
        "reference_set": {"fingerprint": meta.references_fingerprint,
                          "examples": scored.counts["examples"]},
        "counts": dict(scored.counts),
        "generation": dict(meta.generation),
        "scores": {t: {c: scored.aggregate[t][c].to_dict() for c in COLUMNS}
                   for t in scored.rouge_types},
        "warnings": [n.to_dict() for n in scored.notices],
    }
    if diagnostics is not None:
        from sumbench.eval.diagnostics import aggregate

        results["diagnostics"] = {"mean": aggregate(diagnostics)}
    return results


def per_example_records(scored: ScoredRun,
                        diagnostics: tuple | None = None) -> list[dict[str, Any]]:
    """One ``{"id": ..., "rouge1": {"precision": p, "recall": r, "fmeasure": f}, ...}`` each
    (plus ``"diagnostics": {...}`` when they were computed)."""
    records = []
    for i, example_id in enumerate(scored.ids):
        record: dict[str, Any] = {"id": example_id}
        for rouge_type, values in scored.per_example.items():
            record[rouge_type] = {c: float(values[i, j]) for j, c in enumerate(COLUMNS)}
        if diagnostics is not None:
            record["diagnostics"] = diagnostics[i].to_dict()
        records.append(record)
    return records


def _jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def results_json_text(results: dict[str, Any]) -> str:
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


def write_run_folder(directory: Path, scored: ScoredRun, meta: RunMetadata,
                     diagnostics: tuple | None = None) -> None:
    """Write the three files atomically (each renamed into place after all are written)."""
    contents = {
        RESULTS: results_json_text(results_dict(scored, meta, diagnostics)),
        PREDICTIONS: _jsonl([{"id": i, "prediction": p}
                             for i, p in zip(scored.ids, scored.predictions)]),
        PER_EXAMPLE: _jsonl(per_example_records(scored, diagnostics)),
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{directory}: cannot create output folder: {exc.strerror or exc}") from None
    temporary: dict[str, str] = {}
    try:
        for name, text in contents.items():
            handle, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
            temporary[name] = tmp
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
        for name, tmp in temporary.items():
            os.replace(tmp, directory / name)
    except OSError as exc:
        for tmp in temporary.values():
            if os.path.exists(tmp):
                os.unlink(tmp)
        raise InputError(f"{directory}: cannot write run folder: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class SavedRun:
    """A run folder read back: results, ids, predictions and per-example score arrays."""

    path: Path
    results: dict[str, Any]
    ids: tuple[str, ...]
    predictions: tuple[str, ...]
    per_example: dict[str, np.ndarray]

    @property
    def signature(self) -> Signature:
        return Signature.parse(self.results["signature"])

    @property
    def fingerprint(self) -> str:
        return self.results["reference_set"]["fingerprint"]

    @property
    def name(self) -> str:
        return self.results["config"]["summarizer"]["name"]


def _load_json_lines(path: Path) -> list[dict[str, Any]]:
    from sumbench.eval.data.tabular import iter_jsonl

    return [record for _, record in iter_jsonl(path)]


def load_run(directory: str | Path) -> SavedRun:
    """Read a run folder, with clear errors for missing or corrupt files."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: not a run folder (no such directory)")
    results_path = directory / RESULTS
    from sumbench.eval.data.textio import read_text

    try:
        results = json.loads(read_text(results_path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{results_path}:{exc.lineno}: corrupt results.json: {exc.msg}") from None
    if not isinstance(results, dict) or "schema_version" not in results:
        raise InputError(f"{results_path}: not a sumbench results.json (no schema_version)")
    if results["schema_version"] > SCHEMA_VERSION:
        raise InputError(f"{results_path}: schema_version {results['schema_version']} is newer "
                         f"than this sumbench understands ({SCHEMA_VERSION}); upgrade sumbench")
    rows = _load_json_lines(directory / PER_EXAMPLE)
    predictions = {r["id"]: r["prediction"] for r in _load_json_lines(directory / PREDICTIONS)}
    try:
        ids = tuple(str(r["id"]) for r in rows)
        types = [k for k in rows[0] if k not in ("id", "diagnostics")] if rows else []
        per_example = {t: np.array([[r[t][c] for c in COLUMNS] for r in rows], dtype=float)
                       for t in types}
        ordered = tuple(predictions[i] for i in ids)
    except (KeyError, TypeError, IndexError) as exc:
        raise InputError(f"{directory}: corrupt run folder ({type(exc).__name__}: {exc})") from None
    return SavedRun(path=directory, results=results, ids=ids, predictions=ordered,
                    per_example=per_example)

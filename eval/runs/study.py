"""Study folders: several systems' runs on one reference set, kept together.

A study folder holds one run folder per system (named after the system) and
``study.json``, the index: its schema version (:data:`STUDY_SCHEMA`), each run's name,
folder, reference-set fingerprint and the content digest of its ``results.json``
(:func:`~sumbench.eval.runs.digest.json_digest`; that file holds the digests of the
others), and the reference set's fingerprint.  Reading a study checks each run against
its entry -- name, fingerprint, digest -- and refuses a mismatch naming ``study.json``;
an index of schema 1 (no digests) is read with a warning that it is not checked.  Every
command that takes run folders takes a study folder too (:func:`load_runs` expands it
into its runs, in the index's order).  A study is
written whole or not at all: the run folders go to a temporary folder beside the
destination, which is renamed into place once everything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from sumbench.common.errors import InputError, UsageError
from ..notices import MAX_SYSTEMS_SHOWN
from .run import Run

STUDY_FILE = "study.json"
STUDY_SCHEMA = 2
READABLE_SCHEMAS = (1, 2)  # 1: without the runs' fingerprints and digests


@dataclass(frozen=True)
class Study:
    """The runs of a study, in order, and the folder they were read from."""

    runs: tuple[Run, ...]
    path: Path | None = None


FOLDER_NAME_LIMIT = 80


def folder_names(names: Sequence[str]) -> list[str]:
    """File-system-safe, unique folder names for run names (``hf:org/m`` -> ``hf_org_m``);
    a name longer than ``FOLDER_NAME_LIMIT`` keeps its start and gains a stable suffix
    (a digest of the whole name), so any name makes a valid folder name."""
    out: list[str] = []
    for name in names:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_.") or "run"
        if len(base) > FOLDER_NAME_LIMIT:
            digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
            base = f"{base[:FOLDER_NAME_LIMIT - 13].rstrip('_.')}_{digest}"
        candidate, k = base, 2
        while candidate.lower() in {o.lower() for o in out}:
            candidate, k = f"{base}_{k}", k + 1
        out.append(candidate)
    return out


def index(runs: Sequence[Run], folders: Sequence[str]) -> dict[str, Any]:
    """The content of ``study.json`` for ``runs`` written into ``folders``."""
    from .folder import results_digest

    return {"schema_version": STUDY_SCHEMA,
            "runs": [{"name": r.name, "folder": f, "fingerprint": r.fingerprint,
                      "results": results_digest(r)} for r, f in zip(runs, folders)],
            "reference_set": {"fingerprint": runs[0].fingerprint, "examples": len(runs[0])}}


def study_results_text(runs: Sequence[Run]) -> str:
    """Several runs as one JSON document: ``{"study": index, "runs": {name: results}}``
    (what ``--format json`` prints for a study)."""
    from .folder import results_text

    merged = {"study": index(runs, folder_names([r.name for r in runs])),
              "runs": {run.name: json.loads(results_text(run)) for run in runs}}
    return json.dumps(merged, indent=2, ensure_ascii=False) + "\n"


def write_study(runs: Sequence[Run], directory: str | Path, overwrite: bool = False) -> Path:
    """Write every run and the index under ``directory`` (all or nothing); ``overwrite``:
    a run or study folder sumbench wrote that is there is replaced
    (:mod:`sumbench.eval.runs.replace`)."""
    directory = Path(directory)
    if not runs:
        raise UsageError("a study needs at least one run")
    names = [r.name for r in runs]
    if len(set(names)) != len(names):
        raise UsageError(f"two runs of the study share a name: {', '.join(names)}")
    prints = {r.fingerprint for r in runs}
    if len(prints) > 1:
        raise InputError("the runs of a study must share one reference set")
    folders = folder_names(names)
    _write_staged(runs, folders, directory, overwrite)
    return directory


def _write_staged(runs: Sequence[Run], folders: Sequence[str], directory: Path,
                  overwrite: bool) -> None:
    """The study goes to ``.NAME.PID.tmp`` beside ``directory`` and is renamed (or, with
    ``overwrite``, swapped) into place (:func:`~sumbench.eval.runs.replace.write_folder`)."""
    from ..files import OVERWRITE_HINT, check_output_folder, needs_replacing
    from .replace import check_replaceable, write_folder

    if check_output_folder(directory, "study folder") and needs_replacing(directory, ()):
        if not overwrite:
            raise UsageError(f"{directory}: the study folder exists and is not empty; "
                             f"{OVERWRITE_HINT}")
        check_replaceable(directory)

    def fill(staging: Path) -> None:
        for run, folder in zip(runs, folders):
            run.save(staging / folder)
        (staging / STUDY_FILE).write_text(json.dumps(index(runs, folders), indent=2,
                                                     ensure_ascii=False) + "\n", encoding="utf-8")

    write_folder(directory, fill, replace=overwrite, what="study")


def is_study(path: str | Path) -> bool:
    """Whether ``path`` holds a ``study.json`` (of any kind: :func:`load_study` refuses
    one that is not a regular file)."""
    return os.path.lexists(Path(path) / STUDY_FILE)


def load_study(directory: str | Path) -> Study:
    """The runs of a study folder, in the index's order, each checked against its entry."""
    from .checks import corrupt, read_json, regular_file
    from .digest import is_digest, json_digest
    from .folder import RESULTS, read_results, run_from_results

    directory = Path(directory)
    path = directory / STUDY_FILE
    data = read_json(path)
    if not isinstance(data, dict) or data.get("schema_version") not in READABLE_SCHEMAS \
            or not isinstance(data.get("runs"), list) or not data["runs"]:
        raise InputError(f"{path}: not a sumbench study index (schema_version "
                         f"{STUDY_SCHEMA} with a list of runs)")
    version = data["schema_version"]
    study = data.get("reference_set")
    study_print = study.get("fingerprint") if isinstance(study, dict) else None
    runs = []
    for k, entry in enumerate(data["runs"]):
        folder = entry.get("folder") if isinstance(entry, dict) else None
        if not isinstance(folder, str) or not folder or Path(folder).name != folder \
                or folder in (".", ".."):
            raise InputError(f"{path}: runs[{k}] needs a 'folder' inside the study")
        regular_folder(directory / folder, directory)
        regular_file(directory / folder / RESULTS)
        results = read_results(directory / folder)
        expected = {"name": entry.get("name"), "fingerprint": study_print}
        if version >= 2:
            expected["fingerprint"] = entry.get("fingerprint")
            if not is_digest(entry.get("results")):
                raise corrupt(path, f"runs[{k}].results must be a results.json digest")
            if json_digest(results) != entry["results"]:
                raise corrupt(path, f"runs[{k}]: {directory / folder / RESULTS} differs from "
                                    "the digest study.json records for it (edited after "
                                    "sumbench wrote it)")
        run = run_from_results(directory / folder, results, warn=False)
        for key, stated in expected.items():
            actual = run.name if key == "name" else run.fingerprint
            if stated != actual:
                raise corrupt(path, f"runs[{k}].{key} is {stated!r:.80}, but the run in "
                                    f"{folder} has {actual!r:.80}")
        runs.append(run)
    if version < 2:
        print(f"sumbench: warning: {path}: a study index of schema 1 (no digests): its runs "
              "are not checked against it", file=sys.stderr)
    unchecked = [r.path.name for r in runs if r.schema_version == 2 and r.path is not None]
    if unchecked:
        listed = f": {', '.join(unchecked)}" if len(unchecked) <= MAX_SYSTEMS_SHOWN else ""
        print(f"sumbench: warning: {directory}: {len(unchecked)} of {len(runs)} run folders "
              f"are version 2 (no content digests){listed}; their integrity is not checked; "
              "score them again to write version 3", file=sys.stderr)
    return Study(tuple(runs), directory)


def regular_folder(folder: Path, study: Path) -> None:
    """A study's run folder: a folder, or a symbolic link to one inside the study."""
    if folder.is_symlink() and not folder.resolve().is_relative_to(study.resolve()):
        raise InputError(f"{folder}: a symbolic link out of the study folder; refusing to "
                         "read it")


def load_runs(paths: Sequence[str | Path]) -> list[Run]:
    """Run folders and study folders, expanded into their runs, in order
    (:func:`sumbench.eval.runs.resolve.resolve_runs`)."""
    from .resolve import resolve_runs

    return resolve_runs(paths)

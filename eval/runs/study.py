"""Study folders: several systems' runs on one reference set, kept together.

A study folder holds one run folder per system (named after the system) and
``study.json``, the index: its schema version, each run's name and folder, and the
reference set's fingerprint.  Every command that takes run folders takes a study folder
too (:func:`load_runs` expands it into its runs, in the index's order).  A study is
written whole or not at all: the run folders go to a temporary folder beside the
destination, which is renamed into place once everything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from sumbench.eval.errors import InputError, UsageError
from sumbench.eval.runs.run import Run

STUDY_FILE = "study.json"
STUDY_SCHEMA = 1


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
    return {"schema_version": STUDY_SCHEMA,
            "runs": [{"name": r.name, "folder": f} for r, f in zip(runs, folders)],
            "reference_set": {"fingerprint": runs[0].fingerprint, "examples": len(runs[0])}}


def write_study(runs: Sequence[Run], directory: str | Path) -> Path:
    """Write every run and the index under ``directory`` (all or nothing)."""
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
    _write_staged(runs, folders, directory)
    return directory


def _write_staged(runs: Sequence[Run], folders: Sequence[str], directory: Path) -> None:
    """The study goes to ``.NAME.PID.tmp`` beside ``directory`` and is renamed into place;
    stale staging folders of killed processes are removed first.  Errors name
    ``directory``, never the staging folder."""
    from sumbench.eval.files import (check_output_folder, make_folders, remove_empty,
                                     remove_stale, temporary_name)

    if check_output_folder(directory, "study folder"):
        try:
            empty = not any(directory.iterdir())
        except OSError as exc:
            raise InputError(f"{directory}: cannot read the folder: "
                             f"{exc.strerror or exc}") from None
        if not empty:
            raise UsageError(f"{directory}: the study folder exists and is not empty")
    parent = directory.parent
    remove_stale(parent, [directory.name], folders=True)
    staging = parent / temporary_name(directory.name)
    created = make_folders(parent, directory)
    try:
        staging.mkdir()
        for run, folder in zip(runs, folders):
            run.save(staging / folder)
        (staging / STUDY_FILE).write_text(json.dumps(index(runs, folders), indent=2,
                                                     ensure_ascii=False) + "\n", encoding="utf-8")
        if directory.exists():
            directory.rmdir()
        os.replace(staging, directory)
    except OSError as exc:
        raise InputError(f"{directory}: cannot write the study: {exc.strerror or exc}") from None
    except InputError as exc:  # a run folder inside the staging folder
        raise InputError(f"{directory}: cannot write the study: "
                         f"{str(exc).replace(str(staging), str(directory))}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not directory.exists():
            remove_empty(created)


def is_study(path: str | Path) -> bool:
    return (Path(path) / STUDY_FILE).is_file()


def load_study(directory: str | Path) -> Study:
    """The runs of a study folder, in the index's order."""
    from sumbench.eval.data.textio import read_text
    from sumbench.eval.runs.folder import load_run

    directory = Path(directory)
    path = directory / STUDY_FILE
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: corrupt study.json: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("schema_version") != STUDY_SCHEMA \
            or not isinstance(data.get("runs"), list) or not data["runs"]:
        raise InputError(f"{path}: not a sumbench study index (schema_version "
                         f"{STUDY_SCHEMA} with a list of runs)")
    runs = []
    for k, entry in enumerate(data["runs"]):
        folder = entry.get("folder") if isinstance(entry, dict) else None
        if not isinstance(folder, str) or not folder or Path(folder).name != folder \
                or folder in (".", ".."):
            raise InputError(f"{path}: runs[{k}] needs a 'folder' inside the study")
        runs.append(load_run(directory / folder))
    return Study(tuple(runs), directory)


def load_runs(paths: Sequence[str | Path]) -> list[Run]:
    """Run folders and study folders, expanded into their runs, in order."""
    from sumbench.eval.runs.folder import load_run

    runs: list[Run] = []
    for path in paths:
        runs.extend(load_study(path).runs if is_study(path) else (load_run(path),))
    return runs

"""Replacing a folder sumbench wrote (``--overwrite``), and writing a folder whole.

A folder is written whole by filling a new folder ``.NAME.PID.tmp`` beside it and
renaming that into place (:func:`write_folder`: study folders always, run folders when
they replace one).  ``--overwrite`` replaces an existing output folder only when
:func:`check_replaceable` recognises it as a run folder or a study folder that sumbench
wrote, by its layout (README, *Run folders*, and :mod:`sumbench.eval.runs.study`):

* a run folder: a real folder (not a link) holding ``results.json`` -- a JSON object
  with a ``schema_version`` -- and nothing but the run folder's files, each a regular
  file;
* a study folder: a real folder holding ``study.json`` -- an index sumbench reads, with
  its list of runs -- and nothing but the run folders it lists, each a run folder as
  above;

never a link, a file, a device, any other folder, or a folder holding the current
folder.  The new folder is swapped in by :func:`swap_folder` (atomically on Linux, by
``renameat2``'s ``RENAME_EXCHANGE``, as ``mv --exchange`` does); the old one is then
removed.  On any failure the old folder stays as it was (eval/files.py has the rest of
the output-path policy).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import sys
from pathlib import Path
from typing import Any, Callable

from sumbench.common.errors import InputError, UsageError
from ..files import TEMP_PREFIX, make_folders, needs_replacing, remove_empty, remove_stale, temporary_name

_TEMPORARY = re.compile(r"\..+\.[0-9]{1,10}\.tmp")  # sumbench's own temporary files


def check_replaceable(directory: Path) -> None:
    """Refuse to replace ``directory`` unless it is a run or study folder sumbench wrote
    (see the module docstring): one :class:`InputError` saying why, naming the path."""
    try:
        status = os.lstat(directory)
    except OSError as exc:
        raise InputError(f"{directory}: cannot use this path: {exc.strerror or exc}") from None
    if stat.S_ISLNK(status.st_mode):
        raise InputError(f"{directory}: a symbolic link; --overwrite replaces only a run or "
                         "study folder sumbench wrote, never a link: give the folder's own path")
    if not stat.S_ISDIR(status.st_mode):
        raise InputError(f"{directory}: exists and is not a folder; --overwrite replaces only "
                         "a run or study folder sumbench wrote")
    if Path.cwd().resolve().is_relative_to(directory.resolve()):
        raise UsageError(f"{directory}: holds the current folder; --overwrite will not "
                         "replace it")
    problem = folder_problem(directory)
    if problem is not None:
        raise InputError(f"{directory}: not a run or study folder sumbench wrote ({problem}); "
                         "--overwrite replaces only those: name a new folder")


def folder_problem(directory: Path) -> str | None:
    """Why ``directory`` is not a run or study folder sumbench wrote; ``None`` if it is."""
    from .study import STUDY_FILE

    entries = _entries(directory)
    if STUDY_FILE in entries:
        return _study_problem(directory, entries)
    from .folder import RESULTS

    if RESULTS in entries:
        return _run_problem(directory, entries)
    return f"it holds neither {RESULTS} nor {STUDY_FILE}"


def _entries(directory: Path) -> set[str]:
    try:
        return {e for e in os.listdir(directory) if not _TEMPORARY.fullmatch(e)}
    except OSError as exc:
        raise InputError(f"{directory}: cannot read the folder: {exc.strerror or exc}") from None


def _json_object(path: Path) -> dict[str, Any] | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _run_problem(directory: Path, entries: set[str]) -> str | None:
    from .folder import FILES, RESULTS

    others = sorted(entries - set(FILES))
    if others:
        return f"it holds {others[0]!r}"
    for name in sorted(entries):
        try:
            regular = stat.S_ISREG(os.lstat(directory / name).st_mode)
        except OSError:
            regular = False
        if not regular:
            return f"{name} is not a regular file"
    results = _json_object(directory / RESULTS)
    version = results.get("schema_version") if results is not None else None
    if isinstance(version, bool) or not isinstance(version, int):
        return f"its {RESULTS} is not a sumbench results file"
    return None


def _study_problem(directory: Path, entries: set[str]) -> str | None:
    from .study import READABLE_SCHEMAS, STUDY_FILE

    index = _json_object(directory / STUDY_FILE)
    runs = index.get("runs") if index is not None else None
    if index is None or index.get("schema_version") not in READABLE_SCHEMAS \
            or not isinstance(runs, list):
        return f"its {STUDY_FILE} is not a sumbench study index"
    listed = {entry.get("folder") for entry in runs if isinstance(entry, dict)}
    for name in sorted(entries - {STUDY_FILE}):
        if name not in listed:
            return f"it holds {name!r}, which {STUDY_FILE} does not list"
        folder = directory / name
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return f"{name} is not a folder"
        problem = _run_problem(folder, _entries(folder))
        if problem is not None:
            return f"{name}: {problem}"
    return None


def write_folder(directory: Path, write: Callable[[Path], None], replace: bool = False,
                 what: str = "folder") -> None:
    """Write the whole folder ``directory``: ``write(staging)`` fills a new folder
    ``.NAME.PID.tmp`` beside it, renamed into place when complete -- over an empty folder,
    or (``replace``, the caller having checked that the folder there may be replaced)
    swapped with it (:func:`swap_folder`).  Stale staging folders of killed processes are
    removed first; on any failure ``directory`` is left as it was.  Errors name
    ``directory``, never the staging folder."""
    parent = directory.parent
    remove_stale(parent, [directory.name, _aside_name(directory.name)], folders=True)
    staging = parent / temporary_name(directory.name)
    created = make_folders(parent, directory)
    try:
        staging.mkdir()
        write(staging)
        if replace and needs_replacing(directory, ()):
            swap_folder(staging, directory)
        else:
            if directory.exists():
                directory.rmdir()
            os.replace(staging, directory)
    except OSError as exc:
        raise InputError(f"{directory}: cannot write the {what}: {exc.strerror or exc}") from None
    except InputError as exc:  # from inside the staging folder
        raise InputError(f"{directory}: cannot write the {what}: "
                         f"{str(exc).replace(str(staging), str(directory))}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not directory.exists():
            remove_empty(created)


def _aside_name(name: str) -> str:
    return f"{name[:TEMP_PREFIX - 4]}.old"


def swap_folder(staging: Path, directory: Path) -> None:
    """Put the complete folder ``staging`` in the place of the existing folder
    ``directory`` (same parent); the old folder is then removed.  On Linux the two names
    are exchanged in one step (``renameat2``'s ``RENAME_EXCHANGE``): ``directory`` is
    never missing.  Elsewhere the old folder is renamed aside first and put back if the
    new one cannot be renamed in."""
    if _exchange(staging, directory):
        shutil.rmtree(staging, ignore_errors=True)  # the old folder, now at that name
        return
    aside = directory.parent / temporary_name(_aside_name(directory.name))
    os.rename(directory, aside)
    try:
        os.rename(staging, directory)
    except BaseException:
        os.rename(aside, directory)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two paths atomically; ``False`` where the system or file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))

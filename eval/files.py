"""Writing files so that nothing is ever half-written: each file goes to a temporary name
in its own folder (created with the usual permissions, ``0666 & ~umask``) and is renamed
into place only when complete; on any failure the temporary files are removed and one
:class:`~sumbench.eval.errors.InputError` names the path.  Run folders, study folders,
reports, leaderboards, JUnit and Markdown outputs all go through here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping

from sumbench.eval.errors import InputError, UsageError


def write_files(directory: Path, contents: Mapping[str, str]) -> None:
    """Write every file of ``contents`` (name -> text) into ``directory``; all are renamed
    into place only after all are written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{directory}: cannot create output folder: {exc.strerror or exc}") from None
    temporary: dict[str, Path] = {}
    try:
        for name, text in contents.items():
            tmp = directory / f".{name}.{os.getpid()}.tmp"
            temporary[name] = tmp
            with open(tmp, "w", encoding="utf-8") as out:
                out.write(text)
        for name, tmp in temporary.items():
            os.replace(tmp, directory / name)
    except OSError as exc:
        for tmp in temporary.values():
            if tmp.exists():
                tmp.unlink()
        raise InputError(f"{directory}: cannot write: {exc.strerror or exc}") from None


def write_file(path: str | Path, text: str) -> None:
    """Write one file atomically (its folder is created when missing)."""
    path = Path(path)
    if not str(path).strip() or path.name in ("", ".", ".."):
        raise UsageError(f"{str(path)!r}: not a file name")
    write_files(path.parent, {path.name: text})

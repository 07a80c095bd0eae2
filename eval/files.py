"""Writing files so that nothing is ever half-written: each file goes to a temporary name
in its own folder (created with the usual permissions, ``0666 & ~umask``) and is renamed
into place only when complete; on any failure the temporary files are removed and one
:class:`~sumbench.eval.errors.InputError` names the path.  Run folders (a streamed one
appended chunk by chunk through :class:`StagedFiles`), study folders, reports,
leaderboards, JUnit and Markdown outputs all go through here."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping, Sequence

from sumbench.eval.errors import InputError, UsageError


class StagedFiles:
    """The files ``names`` of ``directory``, written piece by piece under temporary names
    (:meth:`append`) and renamed into place together by :meth:`commit`; any failure,
    or :meth:`abandon`, removes the temporary files.  An ``OSError`` (a full disk, a
    folder that cannot be made) is one :class:`InputError` naming the folder."""

    def __init__(self, directory: Path, names: Sequence[str]) -> None:
        self.directory = directory
        self._temporary = {name: directory / f".{name}.{os.getpid()}.tmp" for name in names}
        self._handles: dict[str, BinaryIO] = {}
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{directory}: cannot create output folder: "
                             f"{exc.strerror or exc}") from None
        with self._abandoning():
            for name, tmp in self._temporary.items():
                self._handles[name] = open(tmp, "wb")

    @contextmanager
    def _abandoning(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            self.abandon()
            raise InputError(f"{self.directory}: cannot write: {exc.strerror or exc}") from None
        except BaseException:
            self.abandon()
            raise

    def append(self, name: str, data: bytes) -> None:
        with self._abandoning():
            self._handles[name].write(data)

    def commit(self) -> None:
        with self._abandoning():
            for handle in self._handles.values():
                handle.close()
            for name, tmp in self._temporary.items():
                os.replace(tmp, self.directory / name)

    def abandon(self) -> None:
        for handle in self._handles.values():
            handle.close()
        for tmp in self._temporary.values():
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass  # already failing: the error being raised says what went wrong


def write_files(directory: Path, contents: Mapping[str, str | bytes]) -> None:
    """Write every file of ``contents`` (name -> text, or its UTF-8 bytes) into
    ``directory``; all are renamed into place only after all are written."""
    staged = StagedFiles(directory, list(contents))
    for name, content in contents.items():
        staged.append(name, content.encode("utf-8") if isinstance(content, str) else content)
    staged.commit()


def write_file(path: str | Path, text: str) -> None:
    """Write one file atomically (its folder is created when missing)."""
    path = Path(path)
    if not str(path).strip() or path.name in ("", ".", ".."):
        raise UsageError(f"{str(path)!r}: not a file name")
    write_files(path.parent, {path.name: text})

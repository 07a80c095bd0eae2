"""Reading user files as UTF-8 with errors that name the file, the line and the byte, and
listing folders with errors instead of silent gaps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from sumbench.common.errors import InputError


def unreadable(path: Path | str, exc: OSError) -> InputError:
    """The :class:`InputError` for a file that cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{path}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{path}: is a directory, expected a file")
    return InputError(f"{path}: cannot read: {exc.strerror or exc}")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or an :class:`InputError` saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise unreadable(path, exc) from None


def check_readable(path: Path) -> None:
    """Raise the :class:`InputError` :func:`read_bytes` would, without reading the file."""
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise unreadable(path, exc) from None


def decode_utf8(data: bytes, path: Path | str) -> str:
    """Decode strictly; on bad bytes say where (line and byte offset)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); convert the file to UTF-8") from None
    return text[1:] if text.startswith("\ufeff") else text


def iter_utf8_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for each line of the file (split at ``\\n`` only, as
    ``read_text(path).split("\\n")`` splits it, without the newline), read one at a time
    and decoded strictly, with the errors of :func:`read_bytes` and :func:`decode_utf8`
    (the offset counted from the start of the file)."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise unreadable(path, exc) from None
    with handle:
        offset = 0
        number = 0
        try:
            for number, raw in enumerate(handle, start=1):
                start = 3 if number == 1 and raw.startswith(b"\xef\xbb\xbf") else 0
                try:
                    line = raw[start:].decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"{path}:{number}: not valid UTF-8 (byte 0x{raw[start + exc.start]:02x} at "
                        f"offset {offset + start + exc.start}); convert the file to UTF-8") from None
                offset += len(raw)
                yield number, line[:-1] if line.endswith("\n") else line
        except OSError as exc:
            raise InputError(f"{path}:{number + 1}: cannot read: {exc.strerror or exc}") from None


def read_text(path: Path) -> str:
    """The file as text, UTF-8 strictly."""
    return decode_utf8(read_bytes(path), path)


def _folder_error(folder: Path | str, exc: OSError) -> InputError:
    return InputError(f"{folder}: cannot read folder: {exc.strerror or exc}")


def iter_files(folder: Path, suffix: str, recursive: bool) -> Iterator[Path]:
    """Files of ``folder`` whose name ends with ``suffix``, in the folder only
    or in its whole tree (symbolic links to folders are not followed, as in
    ``Path.rglob``), in no particular order.  A folder that cannot be listed is an
    :class:`InputError` (``Path.glob`` would skip it without a word), and so is a
    matching entry that is not a regular file (a FIFO would block the reader)."""
    def entries(directory: Path) -> list[os.DirEntry]:
        try:
            with os.scandir(directory) as listing:
                return list(listing)
        except OSError as exc:
            raise _folder_error(directory, exc) from None

    pending = [folder]
    while pending:
        directory = pending.pop()
        for entry in sorted(entries(directory), key=lambda e: e.name):
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                matches = entry.name.endswith(suffix)
                if matches and not is_dir and not entry.is_file():
                    raise InputError(f"{entry.path}: not a regular file")
            except OSError as exc:
                raise InputError(f"{entry.path}: cannot read: {exc.strerror or exc}") from None
            if is_dir:
                if recursive:
                    pending.append(Path(entry.path))
            elif matches:
                yield Path(entry.path)

"""Reading user files as UTF-8 with errors that name the file, the line and the byte."""

from __future__ import annotations

from pathlib import Path

from sumbench.eval.errors import InputError


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or an :class:`InputError` saying why it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


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


def read_text(path: Path) -> str:
    """The file as text, UTF-8 strictly."""
    return decode_utf8(read_bytes(path), path)

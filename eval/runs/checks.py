"""Strict checks for what a run folder holds: one :class:`~sumbench.common.errors.InputError`
naming the file (and line, and the key inside it) for any value of the wrong type, out
of range, missing or duplicated.  The readers of every folder version use these, so a
corrupt folder can never crash a command -- or, worse, make the CI gate pass or fail on
numbers it did not check.  Every file is checked to be a regular file (or a symbolic
link to one inside its own folder) before it is opened: a FIFO would block the reader,
a device or socket is no run file."""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any, Iterator, Mapping

from sumbench.common.errors import InputError


def corrupt(where: Path | str, what: str) -> InputError:
    return InputError(f"{where}: corrupt run folder: {what}")


KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device",
         stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def regular_file(path: Path) -> None:
    """Refuse, before anything opens it, a ``path`` that is not a regular file, or a
    symbolic link that leads out of its folder; a missing path passes (its reader
    says that it is missing)."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            target = path.resolve()
            if not target.is_relative_to(path.parent.resolve()):
                raise InputError(f"{path}: not a run folder file: a symbolic link out of its "
                                 "folder")
            mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except (OSError, RuntimeError) as exc:  # a loop of links, a name too long
        raise InputError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(mode):
        kind = KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise InputError(f"{path}: not a regular file ({kind}); refusing to read it")


def read_json(path: Path) -> Any:
    """A JSON file, with parse errors, nesting too deep and over-long numbers named."""
    from ..data.textio import read_text

    regular_file(path)
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: corrupt {path.name}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: corrupt {path.name}: JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise InputError(f"{path}: corrupt {path.name}: {exc}") from None


def json_lines(path: Path) -> Iterator[tuple[str, Any]]:
    """``(file:line, value)`` for each non-blank line of a JSONL file (strict JSON: no
    NaN; orjson's nesting and integer limits)."""
    import orjson

    from ..data.textio import read_text

    regular_file(path)
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield where, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{where}: corrupt {path.name}: {exc.msg}") from None


def mapping(value: Any, where: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise corrupt(where, f"{what} must be an object, got {type(value).__name__}")
    return value


def field(data: Mapping[str, Any], key: str, where: str, what: str) -> Any:
    if key not in data:
        raise corrupt(where, f"{what} has no {key!r}")
    return data[key]


def text(value: Any, where: str, what: str, empty: bool = True) -> str:
    if not isinstance(value, str) or (not empty and not value):
        raise corrupt(where, f"{what} must be a {'' if empty else 'non-empty '}string, "
                             f"got {value!r:.60}")
    return value


def integer(value: Any, where: str, what: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise corrupt(where, f"{what} must be an integer >= {minimum}, got {value!r:.60}")
    return value


def number(value: Any, where: str, what: str, low: float | None = None,
           high: float | None = None) -> float:
    """A finite number within ``[low, high]`` (``None`` = unbounded)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise corrupt(where, f"{what} must be a finite number, got {value!r:.60}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise corrupt(where, f"{what} = {value!r} is outside [{low}, {high}]")
    return float(value)


def sequence(value: Any, where: str, what: str) -> list:
    if not isinstance(value, list):
        raise corrupt(where, f"{what} must be a list, got {type(value).__name__}")
    return value


def example_id(value: Any, where: str) -> str:
    """An id as the readers accept it: a string or an integer."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
        raise corrupt(where, f"an id must be a non-empty string or integer, got {value!r:.60}")
    return str(value)


def unique_ids(rows: list[tuple[str, Any]], path: Path) -> list[str]:
    """The ids of JSONL rows that are objects with an ``id``, each once."""
    ids, seen = [], {}
    for where, row in rows:
        value = example_id(field(mapping(row, where, "a line"), "id", where, "the line"), where)
        if value in seen:
            raise corrupt(where, f"id {value!r} again (first at line {seen[value]})")
        seen[value] = where.rsplit(":", 1)[-1]
        ids.append(value)
    if not ids:
        raise corrupt(path, "no lines")
    return ids

"""Reading the rows of a judgments (or scores) file: JSONL, a JSON array, CSV or TSV.

One reader per file syntax in :data:`ROW_READERS`, chosen by the file's suffix; each
yields ``(where, record)`` with ``where`` naming the file and line (or record), so
errors can point at it.  CSV and TSV values are strings (numbers are parsed where they
are used) and cannot hold lists.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable, Iterator

from ..data.tabular import iter_jsonl
from ..data.textio import read_text
from sumbench.common.errors import InputError

Rows = Iterator[tuple[str, Any]]


def _json_rows(path: Path) -> Rows:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg} "
                         f"(column {exc.colno})") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON array of records, one per summary")
    for i, record in enumerate(data):
        yield f"{path}: record {i}", record


def _delimited_rows(delimiter: str) -> Callable[[Path], Rows]:
    def rows(path: Path) -> Rows:
        reader = csv.DictReader(io.StringIO(read_text(path), newline=""), delimiter=delimiter)
        if not reader.fieldnames:
            raise InputError(f"{path}: empty file, expected a header row")
        try:
            for row in reader:
                yield f"{path}:{reader.line_num}", row
        except csv.Error as exc:
            raise InputError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from None
    return rows


# syntax -> (suffixes, reader)
ROW_READERS: dict[str, tuple[tuple[str, ...], Callable[[Path], Rows]]] = {
    "jsonl": ((".jsonl", ".ndjson"), iter_jsonl),
    "json": ((".json",), _json_rows),
    "csv": ((".csv",), _delimited_rows(",")),
    "tsv": ((".tsv",), _delimited_rows("\t")),
}


def read_rows(path: str | Path) -> list[tuple[str, dict]]:
    """Every record of ``path`` as ``(where, object)``; an error for an unknown suffix,
    an empty file or a record that is not an object."""
    path = Path(path)
    suffix = path.name.lower()
    for suffixes, reader in ROW_READERS.values():
        if suffix.endswith(suffixes):
            break
    else:
        known = ", ".join(s for suffixes, _ in ROW_READERS.values() for s in suffixes)
        raise InputError(f"{path}: cannot tell the file's syntax from its name (expected {known})")
    rows = []
    for where, record in reader(path):
        if not isinstance(record, dict):
            raise InputError(f"{where}: expected an object (one summary), got "
                             f"{type(record).__name__}")
        rows.append((where, record))
    if not rows:
        raise InputError(f"{path}: no records")
    return rows

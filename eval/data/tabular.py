"""Readers for record files: JSONL, JSON, CSV, TSV and Parquet.

Each reader is one class with a ``name``, a ``suffixes`` tuple used for detection, a
``records`` method (``(where, record)`` pairs, ``where`` naming file and line) and a
``read`` method that turns the records into examples; :mod:`sumbench.eval.data.registry`
looks them up by name or by suffix.  :mod:`sumbench.eval.data.systems` and
:mod:`sumbench.eval.streaming` read the same records.  JSON is parsed by orjson, and by
the standard library where orjson refuses (an integer over 64 bits), which also words
every error.

What a hostile or broken file can do and what it gets: JSON nested deeper than Python's
recursion limit, or an integer too long to convert, is malformed JSON at its line; a CSV
row with more or fewer values than the header is named by line; a field over ``csv``'s
128 KiB default is accepted; an unterminated quote is reported at the line where the
record starts (``csv`` in its lenient mode would swallow the rest of the file).  Parquet
is read by pyarrow from the file and on one thread, never from a Python ``bytes`` buffer:
when one of pyarrow's threads released such a buffer while Python was exiting, the
process aborted (exit 134, about 1 run in 10 on an input error; see
``tests/test_readers_hardening.py``).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, Iterator, Mapping

from .fields import FieldMap, make_example, resolve_fields
from .textio import check_readable, iter_utf8_lines, read_text
from sumbench.common.errors import InputError
from .records import Example


def _examples_from_records(records: Iterator[tuple[str, Mapping[str, Any]]], path: Path,
                           fields: FieldMap) -> list[Example]:
    examples = list(iter_examples_from_records(records, path, fields))
    if not examples:
        raise InputError(f"{path}: no records")
    return examples


def iter_examples_from_records(records: Iterator[tuple[str, Mapping[str, Any]]], path: Path,
                               fields: FieldMap) -> Iterator[Example]:
    """The examples of ``records``, one at a time (the fields are resolved on the first)."""
    resolved = None
    for index, (where, record) in enumerate(records):
        if not isinstance(record, Mapping):
            raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
        if resolved is None:
            resolved = resolve_fields(fields, list(record.keys()), where)
        for name in (resolved.article, resolved.reference):
            if name not in record:
                raise InputError(f"{where}: missing field {name!r}; fields present: "
                                 f"{', '.join(record.keys())}")
        yield make_example(record, resolved, index, where, source=str(path))


class JsonlReader:
    """One JSON object per line; blank lines are skipped."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")

    def records(self, spec: str) -> Iterator[tuple[str, Any]]:
        return iter_jsonl(Path(spec))

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        return _examples_from_records(self.records(spec), Path(spec), fields)


def iter_jsonl(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, object)`` per non-blank line, read one line at a time (memory does not
    grow with the file: ``score --stream`` reads millions of lines so); malformed JSON and
    bytes that are not UTF-8 name the file and the line."""
    for number, line in iter_utf8_lines(path):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        yield where, parse_json(line, where)


def parse_json(text: str, where: str, whole_file: bool = False) -> Any:
    """``json.loads`` with every failure an :class:`InputError` naming ``where`` (plus the
    line of a syntax error when ``text`` is a ``whole_file``)."""
    import orjson

    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass  # the standard library decides, and words the error
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = f":{exc.lineno}" if whole_file else ""
        raise InputError(f"{where}{at}: malformed JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{where}: malformed JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(f"{where}: malformed JSON: {str(exc).split(';')[0]}") from None


class JsonReader:
    """A JSON array of objects, or an object holding such an array (``data``, ``examples``...)."""

    name = "json"
    suffixes = (".json",)

    def records(self, spec: str) -> Iterator[tuple[str, Any]]:
        path = Path(spec)
        data = parse_json(read_text(path), str(path), whole_file=True)
        if isinstance(data, dict):
            lists = [v for v in data.values() if isinstance(v, list)]
            if len(lists) != 1:
                raise InputError(f"{path}: expected a JSON array of records "
                                 "(or an object with exactly one array in it)")
            data = lists[0]
        if not isinstance(data, list):
            raise InputError(f"{path}: expected a JSON array of records")
        return ((f"{path}: record {i}", r) for i, r in enumerate(data))

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        return _examples_from_records(self.records(spec), Path(spec), fields)


class CsvReader:
    """Comma-separated values with a header row; fields may hold newlines when quoted."""

    name = "csv"
    suffixes = (".csv",)
    delimiter = ","

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        return _examples_from_records(self.records(spec), Path(spec), fields)

    def records(self, spec: str | Path) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """``(where, row)`` per record; malformed CSV names the line."""
        path = Path(spec)
        _allow_long_fields()
        rows = csv.reader(io.StringIO(read_text(path), newline=""), delimiter=self.delimiter,
                          strict=True)
        header = None
        while True:
            start = rows.line_num + 1
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                reason = ("unterminated quote: the quoted field opened in the record that "
                          "starts here is never closed" if "unexpected end of data" in str(exc)
                          else str(exc))
                raise InputError(f"{path}:{start}: malformed CSV at line {start}: "
                                 f"{reason}") from None
            if not row:
                continue  # a blank line
            if header is None:
                header = row
                continue
            if len(row) != len(header):
                shown = ", ".join(header[:10]) + (", ..." if len(header) > 10 else "")
                raise InputError(f"{path}:{start}: {len(row)} values but the header has "
                                 f"{len(header)} columns ({shown[:300]})")
            yield f"{path}:{start}", dict(zip(header, row))
        if header is None:
            raise InputError(f"{path}: empty file, expected a header row")


def _allow_long_fields() -> None:
    """Lift ``csv``'s 128 KiB field limit (a long article is not malformed)."""
    limit = min(sys.maxsize, 2**31 - 1)
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


class TsvReader(CsvReader):
    """Tab-separated values with a header row."""

    name = "tsv"
    suffixes = (".tsv",)
    delimiter = "\t"


class ParquetReader:
    """Apache Parquet, read with pyarrow; list columns hold sentence lists or references."""

    name = "parquet"
    suffixes = (".parquet", ".pq")

    def records(self, spec: str) -> Iterator[tuple[str, Any]]:
        import pyarrow
        import pyarrow.lib
        import pyarrow.parquet as pq

        path = Path(spec)
        check_readable(path)
        try:
            # From the file, on one thread: see the module docstring.
            with pyarrow.OSFile(str(path)) as source:
                table = pq.read_table(source, use_threads=False, pre_buffer=False)
            rows = table.to_pylist()
        except (pyarrow.lib.ArrowException, OSError) as exc:
            raise InputError(f"{path}: not a readable Parquet file: {_first_line(exc)}") from None
        return ((f"{path}: row {i}", r) for i, r in enumerate(rows))

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        return _examples_from_records(self.records(spec), Path(spec), fields)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

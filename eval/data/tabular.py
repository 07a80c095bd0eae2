"""Readers for record files: JSONL, JSON, CSV, TSV and Parquet.

Each reader is one class with a ``name``, a ``suffixes`` tuple used for detection, a
``records`` method (``(where, record)`` pairs, ``where`` naming file and line) and a
``read`` method that turns the records into examples; :mod:`sumbench.eval.data.registry`
looks them up by name or by suffix.  :mod:`sumbench.eval.data.systems` reads the same
records when a file holds several systems' predictions.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Iterator, Mapping

from sumbench.eval.data.fields import FieldMap, make_example, resolve_fields
from sumbench.eval.data.textio import read_bytes, read_text
from sumbench.eval.errors import InputError
from sumbench.eval.data.records import Example


def _examples_from_records(records: Iterator[tuple[str, Mapping[str, Any]]], path: Path,
                           fields: FieldMap) -> list[Example]:
    examples: list[Example] = []
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
        examples.append(make_example(record, resolved, index, where, source=str(path)))
    if not examples:
        raise InputError(f"{path}: no records")
    return examples


class JsonlReader:
    """One JSON object per line; blank lines are skipped."""

    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")

    def records(self, spec: str) -> Iterator[tuple[str, Any]]:
        return iter_jsonl(Path(spec))

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        return _examples_from_records(self.records(spec), Path(spec), fields)


def iter_jsonl(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, object)`` per non-blank line; malformed JSON names file and line."""
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: malformed JSON: {exc.msg} (column {exc.colno})") from None


class JsonReader:
    """A JSON array of objects, or an object holding such an array (``data``, ``examples``...)."""

    name = "json"
    suffixes = (".json",)

    def records(self, spec: str) -> Iterator[tuple[str, Any]]:
        path = Path(spec)
        text = read_text(path)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg} "
                             f"(column {exc.colno})") from None
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

    def records(self, spec: str) -> Iterator[tuple[str, Any]]:
        path = Path(spec)
        reader = csv.DictReader(io.StringIO(read_text(path), newline=""),
                                delimiter=self.delimiter)
        if not reader.fieldnames:
            raise InputError(f"{path}: empty file, expected a header row")
        try:
            for row in reader:
                yield f"{path}:{reader.line_num}", row
        except csv.Error as exc:
            raise InputError(f"{path}:{reader.line_num}: malformed CSV: {exc}") from None

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        return _examples_from_records(self.records(spec), Path(spec), fields)


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
        import pyarrow.lib
        import pyarrow.parquet as pq

        path = Path(spec)
        data = read_bytes(path)
        try:
            table = pq.read_table(pyarrow.BufferReader(data))
        except (pyarrow.lib.ArrowException, OSError) as exc:
            raise InputError(f"{path}: not a readable Parquet file: {exc}") from None
        rows = table.to_pylist()
        return ((f"{path}: row {i}", r) for i, r in enumerate(rows))

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        return _examples_from_records(self.records(spec), Path(spec), fields)

"""Content digests of a run folder's files (schema version 3) and of a study's runs.

A digest is ``"sha256:"`` and the hex SHA-256 of a file's *content*, not its bytes: each
JSON value of the file (each line of a JSONL file, the whole of a JSON file) is written
again in one canonical form -- keys sorted, no spaces, floats as the shortest text that
reads back equal (orjson's, Python's ``repr``), strings as UTF-8 -- one value a line.
So a file reformatted (spaces, key order, ``\\u`` escapes, blank lines) or checked out
with CRLF line endings keeps its digest, while any changed value, any lost, added or
reordered line changes it.  The writers compute the digest from the bytes they write
(:class:`ContentDigest`), the readers from the values they have already parsed
(:func:`rows_digest`, :func:`json_digest`): the two agree (``tests/test_digest.py``).

A digest protects against accidents and careless or partial edits; it is no signature:
whoever edits a file and recomputes its digest is not detected.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

PREFIX = "sha256:"


def canonical_line(value: Any) -> bytes:
    """``value`` (parsed JSON of a JSONL line) in the canonical form, with its newline."""
    import orjson

    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS) + b"\n"


def rows_digest(values: Iterable[Any]) -> str:
    """The digest of a JSONL file whose lines parsed to ``values``."""
    import orjson

    sha = hashlib.sha256()
    option = orjson.OPT_SORT_KEYS
    for value in values:
        sha.update(orjson.dumps(value, option=option))
        sha.update(b"\n")
    return PREFIX + sha.hexdigest()


class ContentDigest:
    """The digest of a JSONL file fed as the bytes written, in pieces of whole lines."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()

    def update(self, data: bytes) -> None:
        import orjson

        option = orjson.OPT_SORT_KEYS
        for line in data.split(b"\n"):
            if line.strip():
                self._sha.update(orjson.dumps(orjson.loads(line), option=option))
                self._sha.update(b"\n")

    def value(self) -> str:
        return PREFIX + self._sha.hexdigest()


def bytes_digest(data: bytes) -> str:
    """The digest of a whole JSONL file's bytes."""
    digest = ContentDigest()
    digest.update(data)
    return digest.value()


def json_digest(value: Any) -> str:
    """The digest of a JSON file (``results.json``) that parsed to ``value``."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return PREFIX + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def is_digest(value: Any) -> bool:
    return (isinstance(value, str) and value.startswith(PREFIX) and len(value) == len(PREFIX) + 64
            and all(ch in "0123456789abcdef" for ch in value[len(PREFIX):]))

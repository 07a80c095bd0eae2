"""Content digests (``sumbench.eval.runs.digest``, issue 18): the digest a writer computes
from the bytes it writes equals the one a reader computes from the values it parsed;
reformatting the JSON or converting line endings keeps it; any changed value changes it."""

from __future__ import annotations

import json

import numpy as np
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from sumbench.eval.runs.digest import bytes_digest, is_digest, json_digest, rows_digest
from sumbench.eval.runs.folder import DigestedFiles, jsonl_bytes, per_example_jsonl

SETTINGS = settings(max_examples=60, deadline=None)

scalars = (st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12)
records = st.lists(st.dictionaries(st.text(max_size=6), values, max_size=5), min_size=1, max_size=6)


def reader_digest(data: bytes) -> str:
    """What a reader computes: each non-blank line of the UTF-8 text, parsed."""
    return rows_digest(orjson.loads(line) for line in data.decode("utf-8").split("\n")
                       if line.strip())


def reformatted(rows: list, indent_keys: bool, ascii_only: bool, crlf: bool) -> bytes:
    """The same values as another tool would write them: spaces, other key order,
    ``\\u`` escapes, CRLF line endings and a blank line."""
    lines = [json.dumps(dict(reversed(list(r.items()))) if indent_keys else r,
                        ensure_ascii=ascii_only, separators=(", ", ": ")) for r in rows]
    newline = "\r\n" if crlf else "\n"
    return (newline.join(lines) + newline + newline).encode("utf-8")


@SETTINGS
@given(records)
def test_writer_and_reader_agree(rows):
    data = jsonl_bytes(rows)
    assert bytes_digest(data) == reader_digest(data) == rows_digest(rows)
    assert is_digest(bytes_digest(data))


@SETTINGS
@given(records, st.booleans(), st.booleans(), st.booleans())
def test_reformatting_keeps_the_digest(rows, reorder, ascii_only, crlf):
    assert reader_digest(reformatted(rows, reorder, ascii_only, crlf)) == rows_digest(rows)


@SETTINGS
@given(records, st.data())
def test_a_changed_value_changes_the_digest(rows, data):
    k = data.draw(st.integers(0, len(rows) - 1))
    changed = [dict(r) for r in rows]
    key = data.draw(st.sampled_from(sorted(changed[k])) if changed[k] else st.just("new"))
    new = data.draw(values.filter(lambda v: json.dumps(v, sort_keys=True) !=
                                  json.dumps(changed[k].get(key, object()), sort_keys=True,
                                             default=str)))
    changed[k][key] = new
    assert rows_digest(changed) != rows_digest(rows)


@SETTINGS
@given(st.lists(st.floats(0, 1), min_size=1, max_size=8), st.integers(1, 3))
def test_the_fast_per_example_writer_agrees(column, pieces):
    """per_example.jsonl as the folder writer makes it from score columns, fed in pieces
    (as ``score --stream`` writes chunks), digests as the reader reads it."""
    ids = [f"ex{i}" for i in range(len(column))]
    values = np.asarray(column, dtype=np.float64)
    scores = {"rouge": {"rouge1": {"precision": values, "fmeasure": values[::-1].copy()}},
              "judge": {"overall": {"score": values * 4 + 1}}}
    whole = per_example_jsonl(ids, scores)

    class Sink:
        def append(self, name: str, data: bytes) -> None:
            pass

    files = DigestedFiles(Sink())
    bounds = np.linspace(0, len(ids), pieces + 1).astype(int)
    for a, b in zip(bounds[:-1], bounds[1:]):
        part = {m: {k: {c: v[a:b] for c, v in comps.items()} for k, comps in ms.items()}
                for m, ms in scores.items()}
        files.append("per_example.jsonl", per_example_jsonl(ids[a:b], part))
    assert files.digests()["per_example.jsonl"] == bytes_digest(whole) == reader_digest(whole)


@SETTINGS
@given(st.dictionaries(st.text(max_size=6), values, max_size=6), st.integers(0, 4))
def test_json_digest_ignores_layout(value, indent):
    again = json.loads(json.dumps(value, indent=indent or None, ensure_ascii=bool(indent % 2))
                       .replace("\n", "\r\n"))
    assert json_digest(again) == json_digest(value)

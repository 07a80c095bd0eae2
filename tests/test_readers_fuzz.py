"""Fuzzing the readers (issue 11, acceptance 2): mutated bytes of valid files, generated
JSON, CSV and tar archives.  In process, for volume: every read ends in a reference set
or a :class:`SumbenchError` (the CLI's exit 2), never another exception.  Through the real
CLI, fewer: every exit status is 0 or 2 and stderr holds no traceback."""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
from pathlib import Path

from cli_util import sumbench
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sumbench.eval.data import load_reference_set
from sumbench.common.errors import SumbenchError
from sumbench.eval.predictions import read_predictions

STORY = b"First paragraph here.\n\nSecond one.\n\n@highlight\n\nA highlight\n"
ROWS = [{"id": "a", "article": "The council met. It voted.", "highlights": "It voted."},
        {"id": 7, "article": "Bridge closed.", "highlights": ["Closed.", "For a year."]}]


def tar_bytes(members: dict[str, bytes], compression: str = "gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


SEEDS: dict[str, bytes] = {
    "jsonl": "".join(json.dumps(r) + "\n" for r in ROWS).encode(),
    "json": json.dumps({"data": ROWS}).encode(),
    "csv": b'id,article,highlights\na,"The council met, then voted.","Line one.\nLine two."\n'
           b"b,Bridge closed.,Closed.\n",
    "tsv": b"id\tarticle\thighlights\na\tThe council met.\tIt met.\n",
    "txt": b"Headline\n- A bullet.\n- Another.\nThe body of the article.\n",
    "tgz": tar_bytes({"cnn/stories/s1.story": STORY, "cnn/stories/s2.story": STORY}),
    "tar.bz2": tar_bytes({"s1.story": STORY}, "bz2"),
    "tar.xz": tar_bytes({"s1.story": STORY}, "xz"),
}


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    """A seed file with a few byte-level mutations: flips, cuts, insertions, repeats."""
    suffix = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[suffix])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16)) if draw(st.booleans()) else \
                draw(st.sampled_from([b'"', b",", b"\n", b"\r", b"\x00", b"\\ud800", b"[" * 50,
                                      b"\xff\xfe", b"@highlight\n", b"\t"]))
        elif op == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 64))] * draw(st.integers(2, 20))
        elif op == "truncate":
            del data[at:]
    return suffix, bytes(data)


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30),
                      st.floats(allow_nan=True, allow_infinity=True),
                      st.text(st.characters(codec=None), max_size=30))
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=12)
FIELD = st.sampled_from(["id", "article", "highlights", "text", "summary", "references", "x"])
RECORD = st.dictionaries(FIELD, JSON_VALUE | st.sampled_from(["Some text. More.", ["A.", "B."]]),
                         max_size=5)


@st.composite
def generated(draw) -> tuple[str, bytes]:
    """JSONL, JSON, CSV or a tar archive generated from loose parts."""
    kind = draw(st.sampled_from(["jsonl", "json", "csv", "tgz"]))
    if kind == "jsonl":
        records = draw(st.lists(RECORD | JSON_VALUE, min_size=1, max_size=4))
        return kind, "\n".join(json.dumps(r, ensure_ascii=draw(st.booleans()))
                               for r in records).encode("utf-8", "surrogatepass")
    if kind == "json":
        return kind, json.dumps(draw(st.lists(RECORD, max_size=4) | JSON_VALUE)).encode()
    if kind == "csv":
        cell = st.text(st.sampled_from('ab ,"\n\r\t.é'), max_size=8)
        lines = draw(st.lists(st.lists(cell, min_size=1, max_size=5), min_size=1, max_size=5))
        header = draw(st.sampled_from(["id,article,highlights", "article,summary", "x"]))
        return kind, (header + "\n" + "\n".join(",".join(r) for r in lines)).encode()
    names = st.sampled_from(["a.story", "dir/b.story", "../c.story", "d.txt", "e.story/"])
    members = draw(st.dictionaries(names, st.sampled_from([STORY, b"", b"no highlight",
                                                           b"\xff\xfe", STORY * 3]),
                                   max_size=3))
    return kind, tar_bytes(members)


def read(suffix: str, data: bytes) -> None:
    """Read ``data`` as a file of that suffix: a result, or a SumbenchError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"refs.{suffix}"
        path.write_bytes(data)
        try:
            references = load_reference_set(str(path))
        except SumbenchError:
            return
        for example in references.examples:  # what later steps will write and print
            assert isinstance(example.id, str)
            json.dumps([example.id, example.article, example.references],
                       ensure_ascii=False).encode("utf-8")


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_are_read_or_refused(case) -> None:
    read(*case)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated())
def test_generated_files_are_read_or_refused(case) -> None:
    read(*case)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["p.jsonl", "p.txt"]),
       st.lists(RECORD | JSON_VALUE, min_size=1, max_size=3), st.binary(max_size=20))
def test_predictions_files_are_read_or_refused(name, records, noise) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes("\n".join(json.dumps(r) for r in records).encode() + noise)
        try:
            predictions = read_predictions(path, ["a", "7"])
        except SumbenchError:
            return
        assert all(isinstance(p, str) for p in predictions)
        "".join(predictions).encode("utf-8")


@settings(max_examples=14, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated(), generated()))
def test_through_the_cli_every_exit_is_0_or_2(case) -> None:
    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"refs.{suffix}"
        path.write_bytes(data)
        result = sumbench("run", "-r", path, "--bootstrap-samples", "10")
        assert result.code in (0, 2), result
        assert "Traceback" not in result.err, result.err
        if result.code == 2:
            assert result.err.count("sumbench: error:") == 1, result.err


# JSONL is read one line at a time (issue 15: ``score --stream`` on millions of lines);
# the lines and the errors must be those of decoding the whole file and splitting it.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([b"a", b"\n", b"\r", b"\xc3\xa9", b"\xe9", b"\xef\xbb\xbf",
                                 b"\xf0\x9f\x98\x80", b"\xf0\x9f", b" "]), max_size=30).map(b"".join))
def test_jsonl_lines_are_the_whole_file_split(tmp_path_factory, data: bytes) -> None:
    from sumbench.eval.data.textio import InputError, iter_utf8_lines, read_text

    path = tmp_path_factory.mktemp("lines") / "f.jsonl"
    path.write_bytes(data)
    try:
        expected: object = list(enumerate(read_text(path).split("\n"), start=1))
    except InputError as exc:
        expected = str(exc)
    try:
        got: object = list(iter_utf8_lines(path))
    except InputError as exc:
        got = str(exc)
    if isinstance(expected, list) and isinstance(got, list):
        # The whole-file split ends with an empty line after a final newline.
        if expected and expected[-1][1] == "" and len(expected) == len(got) + 1:
            expected = expected[:-1]
    assert got == expected

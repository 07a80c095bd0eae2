"""Run folders that cannot be quietly edited (issue 18, acceptance 3), through the real
console script: any change of a value in a run folder's files is refused by compare,
check, report, leaderboard and meta (exit 2, one line naming the folder); reformatting
the JSON or converting line endings to CRLF is not; swapping two per-example values
(the mean kept) is refused.  Version-2 folders (no digests) still load with one warning.
The aggregates are checked for every metric, whatever ``aggregation.method`` says."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_util import sumbench
from fake_runs import redigest, synthetic_f, write_run

NAMES = ("sys-a", "sys-b", "sys-c")
FILES = ("results.json", "per_example.jsonl", "predictions.jsonl", "references.jsonl")


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """Three small runs of 4 examples and human judgments of their summaries."""
    base = tmp_path_factory.mktemp("integrity")
    for k, name in enumerate(NAMES):
        write_run(base / name, name, synthetic_f(4, seed=k + 1, types=("rouge1", "rouge2")))
    (base / "human.jsonl").write_text("".join(
        json.dumps({"doc_id": f"ex{i:03d}", "system": name, "score": k + i * 0.1}) + "\n"
        for k, name in enumerate(NAMES) for i in range(4)))
    return base


def command(which: str, edited: Path, base: Path, out: Path) -> list:
    """``which`` with the edited copy of sys-a in it (sys-a itself as the other run where
    one is needed)."""
    others = [base / "sys-b", base / "sys-c"]
    return {
        "compare": ["compare", base / "sys-a", edited],
        "check": ["check", edited, "--baseline", base / "sys-a"],
        "report": ["report", edited, "--format", "md", "-o", out / "r.md"],
        "leaderboard": ["leaderboard", edited, *others, "-o", out / "board.md"],
        "meta": ["meta", edited, *others, "--human", base / "human.jsonl", "--judgment",
                 "score", "--levels", "system", "--resampling", "none", "-o", out / "meta.txt"],
    }[which]


COMMANDS = ("compare", "check", "report", "leaderboard", "meta")


def assert_refused(which: str, edited: Path, base: Path, out: Path) -> None:
    done = sumbench(*command(which, edited, base, out))
    lines = done.err.strip().splitlines()
    assert done.code == 2, (which, done.code, done.err[-400:])
    assert len(lines) == 1 and lines[0].startswith("sumbench: error: "), (which, lines)
    assert str(edited) in lines[0] and "Traceback" not in done.err
    assert not out.exists() or not any(out.iterdir())


def leaves(value, path=()):
    """``(path, value)`` of every scalar in a parsed JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, path + (key,))
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield from leaves(item, path + (k,))
    else:
        yield path, value


def replaced(value, path, new):
    if not path:
        return new
    value[path[0]] = replaced(value[path[0]], path[1:], new)
    return value


def dump(name: str, values: list) -> str:
    if name == "results.json":
        return json.dumps(values[0], indent=2, ensure_ascii=False) + "\n"
    return "".join(json.dumps(v, ensure_ascii=False, separators=(",", ":")) + "\n" for v in values)


def parsed(folder: Path, name: str) -> list:
    text = (folder / name).read_text(encoding="utf-8")
    if name == "results.json":
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


new_values = (st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=8)
              | st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_value_is_refused(study, data):
    name = data.draw(st.sampled_from(FILES), label="file")
    which = data.draw(st.sampled_from(COMMANDS), label="command")
    with tempfile.TemporaryDirectory() as tmp:
        edited = Path(tmp) / "edited"
        shutil.copytree(study / "sys-a", edited)
        values = parsed(edited, name)
        path, old = data.draw(st.sampled_from(list(leaves(values))), label="value")
        new = data.draw(new_values.filter(lambda v: json.dumps(v) != json.dumps(old)), label="new")
        (edited / name).write_text(dump(name, replaced(values, path, new)), encoding="utf-8")
        assert_refused(which, edited, study, Path(tmp) / "out")


def test_one_edit_per_file_is_refused_by_every_command(study, tmp_path):
    edits = {"results.json": (0, "metrics", "rouge", "scores", "rouge1", "fmeasure", "high"),
             "per_example.jsonl": (0, "scores", "rouge", "rouge2", "recall"),
             "predictions.jsonl": (2, "prediction"),
             "references.jsonl": (1, "article")}
    for name, path in edits.items():
        edited = tmp_path / f"edited-{name}"
        shutil.copytree(study / "sys-a", edited)
        values = parsed(edited, name)
        old = values
        for key in path:
            old = old[key]
        new = old + 0.001 if isinstance(old, float) else old + " (edited)"
        (edited / name).write_text(dump(name, replaced(values, path, new)), encoding="utf-8")
        for which in COMMANDS:
            assert_refused(which, edited, study, tmp_path / f"out-{name}-{which}")


def reformat(folder: Path, indent: int | None, sort_keys: bool, ascii_only: bool, crlf: bool) -> None:
    """Every file written again as another tool would (a git checkout with CRLF)."""
    for name in FILES:
        values = parsed(folder, name)
        if name == "results.json":
            text = json.dumps(values[0], indent=indent, sort_keys=sort_keys, ensure_ascii=ascii_only)
        else:
            text = "\n".join(json.dumps(v, sort_keys=sort_keys, ensure_ascii=ascii_only,
                                        separators=(" , ", " : ")) for v in values) + "\n\n"
        (folder / name).write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode())


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(indent=st.sampled_from([None, 0, 1, 4]), sort_keys=st.booleans(), ascii_only=st.booleans(),
       crlf=st.booleans(), which=st.sampled_from(COMMANDS))
def test_reformatting_is_not_refused(study, indent, sort_keys, ascii_only, crlf, which):
    with tempfile.TemporaryDirectory() as tmp:
        edited = Path(tmp) / "edited"
        shutil.copytree(study / "sys-a", edited)
        reformat(edited, indent, sort_keys, ascii_only, crlf)
        done = sumbench(*command(which, edited, study, Path(tmp) / "out"))
        assert done.code == 0, (which, done.err)
        assert "warning" not in done.err


def test_crlf_checkout_is_read_by_every_command(study, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(study / "sys-a", edited)
    reformat(edited, 2, False, False, True)
    for which in COMMANDS:
        done = sumbench(*command(which, edited, study, tmp_path / f"out-{which}"))
        assert done.code == 0, (which, done.err)


def swapped(folder: Path) -> None:
    """The rouge2 recall of examples 0 and 3 swapped: the mean is unchanged."""
    rows = parsed(folder, "per_example.jsonl")
    a, b = (rows[k]["scores"]["rouge"]["rouge2"] for k in (0, 3))
    assert a["recall"] != b["recall"]
    a["recall"], b["recall"] = b["recall"], a["recall"]
    (folder / "per_example.jsonl").write_text(dump("per_example.jsonl", rows))


def test_swapping_two_values_is_refused_by_every_command(study, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(study / "sys-a", edited)
    swapped(edited)
    for which in COMMANDS:
        assert_refused(which, edited, study, tmp_path / f"out-{which}")


# ------------------------------------------------------------------------- version 2


def as_version_2(folder: Path) -> None:
    results = json.loads((folder / "results.json").read_text())
    results["schema_version"] = 2
    del results["digests"]
    (folder / "results.json").write_text(json.dumps(results, indent=2))


def test_a_version_2_folder_loads_with_one_warning(study, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(study / "sys-a", old)
    as_version_2(old)
    done = sumbench("check", old, "--baseline", study / "sys-a")
    assert done.code == 0, done.err
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sumbench: warning: ")
    assert "integrity is not checked" in lines[0] and str(old) in lines[0]


def test_a_version_3_folder_relabelled_version_2_is_refused(study, tmp_path):
    edited = tmp_path / "edited"
    shutil.copytree(study / "sys-a", edited)
    results = json.loads((edited / "results.json").read_text())
    results["schema_version"] = 2
    (edited / "results.json").write_text(json.dumps(results))
    assert_refused("check", edited, study, tmp_path / "out")


def every_value(folder: Path, value: float) -> None:
    rows = parsed(folder, "per_example.jsonl")
    for row in rows:
        for components in row["scores"]["rouge"].values():
            components.update((k, value) for k in components)
    (folder / "per_example.jsonl").write_text(dump("per_example.jsonl", rows))


@pytest.mark.parametrize("aggregation", [{"method": "own"}, {"method": "none"}, {}, None])
def test_every_value_1_does_not_score_100_whatever_the_method(study, tmp_path, aggregation):
    """The issue's Lead-1 run with every per-example value 1.0 and the aggregation method
    changed to turn off the old check, in a version-2 folder (no digest to stop it) and in
    a version-3 folder whose digests were recomputed: refused, the aggregates are checked
    against the metric's own method."""
    for version in (2, 3):
        edited = tmp_path / f"edited-{version}"
        shutil.copytree(study / "sys-a", edited)
        every_value(edited, 1.0)
        results = json.loads((edited / "results.json").read_text())
        if aggregation is None:
            del results["metrics"]["rouge"]["aggregation"]
        else:
            results["metrics"]["rouge"]["aggregation"] = aggregation
        (edited / "results.json").write_text(json.dumps(results))
        if version == 2:
            as_version_2(edited)
        else:
            redigest(edited)
        done = sumbench("check", edited, "--baseline", study / "sys-b")
        lines = done.err.strip().splitlines()
        assert done.code == 2 and lines[-1].startswith("sumbench: error: "), done.err
        assert "aggregat" in lines[-1] or "average" in lines[-1]

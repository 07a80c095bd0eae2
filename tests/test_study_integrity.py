"""study.json checked against its runs (issue 18): each run's name, reference-set
fingerprint and results.json digest must be the ones the index records; a mismatch is
one line naming study.json, exit 2.  A deeply nested study.json is exit 2 (it was a
RecursionError, exit 3).  An index of schema 1 (no digests) still loads, with one
warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_util import sumbench
from fake_runs import make_run, redigest, synthetic_f
from sumbench.eval.runs.digest import json_digest
from sumbench.eval.runs.study import load_study, write_study


@pytest.fixture
def study(tmp_path) -> Path:
    runs = [make_run(n, synthetic_f(4, seed=k + 1, types=("rouge1",)))
            for k, n in enumerate(("one", "two"))]
    return write_study(runs, tmp_path / "study")


def edit_index(study: Path, change) -> None:
    data = json.loads((study / "study.json").read_text())
    change(data)
    (study / "study.json").write_text(json.dumps(data, indent=2))


def assert_refused(study: Path, *words: str) -> None:
    for args in (["compare", study], ["leaderboard", study]):
        done = sumbench(*args)
        lines = done.err.strip().splitlines()
        assert done.code == 2, (args, done.err)
        assert len(lines) == 1 and lines[0].startswith("sumbench: error: "), lines
        assert str(study / "study.json") in lines[0] and "Traceback" not in done.err
        assert all(w in lines[0] for w in words), lines[0]


def test_the_index_records_each_runs_name_fingerprint_and_digest(study):
    data = json.loads((study / "study.json").read_text())
    loaded = load_study(study)
    for entry, run in zip(data["runs"], loaded.runs):
        results = json.loads((study / entry["folder"] / "results.json").read_text())
        assert entry == {"name": run.name, "folder": entry["folder"],
                         "fingerprint": run.fingerprint, "results": json_digest(results)}
    done = sumbench("compare", study)
    assert done.code == 0 and done.err == "", done.err


def test_a_mismatched_name_is_refused(study):
    edit_index(study, lambda d: d["runs"][1].update(name="someone-else"))
    assert_refused(study, "runs[1].name")


def test_a_mismatched_fingerprint_is_refused(study):
    edit_index(study, lambda d: d["runs"][0].update(fingerprint="sha256:" + "0" * 64))
    assert_refused(study, "runs[0].fingerprint")


def test_a_run_edited_and_redigested_is_refused_by_the_index(study):
    """The run folder alone passes (its own digests were recomputed); the study's record
    of its results.json does not."""
    results = json.loads((study / "two" / "results.json").read_text())
    results["name"] = "renamed"
    (study / "two" / "results.json").write_text(json.dumps(results))
    redigest(study / "two")
    assert sumbench("check", study / "two", "--baseline", study / "one").code in (0, 1)
    assert_refused(study, "runs[1]", "digest")


def test_a_missing_or_malformed_digest_is_refused(study):
    edit_index(study, lambda d: d["runs"][0].update(results="md5:1"))
    assert_refused(study, "runs[0].results")


def test_a_deeply_nested_index_is_one_line(study):
    (study / "study.json").write_text('{"schema_version": 2, "runs": ' + "[" * 100000
                                      + "]" * 100000 + "}")
    assert_refused(study, "nested too deeply")


def test_a_schema_1_index_loads_with_one_warning(study):
    def old(data: dict) -> None:
        data["schema_version"] = 1
        for entry in data["runs"]:
            del entry["fingerprint"], entry["results"]
    edit_index(study, old)
    done = sumbench("compare", study)
    lines = done.err.strip().splitlines()
    assert done.code == 0, done.err
    assert len(lines) == 1 and lines[0].startswith("sumbench: warning: ") and "schema 1" in lines[0]
    # schema 1 still checks the names and the shared fingerprint
    edit_index(study, lambda d: d["runs"][0].update(name="other"))
    assert_refused(study, "runs[0].name")

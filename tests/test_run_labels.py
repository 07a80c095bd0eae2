"""Runs named the same way everywhere (issue 20): ``check``, ``compare``, ``leaderboard``,
``report`` and errors name a run by its name, adding the end of its folder's path where
two runs share a name (:mod:`sumbench.eval.runs.labels`)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli_util import one_error_line, sumbench
from sumbench.eval.runs.labels import error_label, run_labels

DOCS = {"d1": ("The mayor opened the new bridge on Monday. Traffic moved at once.",
               "The mayor opened the bridge.\nTraffic moved."),
        "d2": ("Heavy rain flooded the valley overnight. Schools closed early.",
               "Rain flooded the valley.\nSchools closed.")}


@dataclass(frozen=True)
class Named:
    name: str
    path: Path | None = None


def test_labels_are_names_with_the_shortest_distinct_folder_end():
    assert run_labels([Named("a", Path("x/a")), Named("b")]) == ("a", "b")
    assert run_labels([Named("M0", Path("runs/current/M0")), Named("M0", Path("runs/base/M0")),
                       Named("M1", Path("runs/base/M1"))]) == \
        ("M0 (current/M0)", "M0 (base/M0)", "M1")
    assert run_labels([Named("lead-3", Path("/x/one")), Named("lead-3", Path("/y/two"))]) == \
        ("lead-3 (one)", "lead-3 (two)")
    # held in memory; one folder given twice: the whole path and the position
    assert run_labels([Named("a"), Named("a", Path("f/a"))]) == ("a (in memory)", "a (a)")
    assert run_labels([Named("a"), Named("a")]) == ("a (in memory) #1", "a (in memory) #2")
    assert run_labels([Named("a", Path("f/a")), Named("a", Path("f/a"))]) == \
        ("a (f/a) #1", "a (f/a) #2")
    # a name that looks like another run's label stays distinct
    assert len(set(run_labels([Named("a (in memory) #2"), Named("a"), Named("a")]))) == 3


_NAMES = st.sampled_from(["a", "b", "a (in memory)", "a (in memory) #2", "a (x)", "a #1"])
_PATHS = st.none() | st.sampled_from(["x", "y/x", "z/x", "a", "y/a"]).map(Path)


@given(st.lists(st.builds(Named, _NAMES, _PATHS), max_size=8))
def test_labels_always_differ_and_are_names_where_names_differ(runs):
    labels = run_labels(runs)
    assert len(set(labels)) == len(labels) == len(runs)
    assert all(label.startswith(run.name) for label, run in zip(labels, runs))
    if len({run.name for run in runs}) == len(runs):
        assert labels == tuple(run.name for run in runs)


def test_error_labels_name_the_folder():
    assert error_label(Named("lead-3", Path("runs/x"))) == "'lead-3' (runs/x)"
    assert error_label(Named("lead-3")) == "'lead-3'"


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> Path:
    """Runs in folders not named after them, and two studies of the same systems."""
    root = tmp_path_factory.mktemp("labels")
    for summarizer, folder in (("lead-3", "baseline"), ("lead-3", "current"),
                               ("lead-2", "candidate")):
        done = sumbench("run", "-s", summarizer, "--limit", "6", "--bootstrap-samples", "100",
                        "-o", root / folder)
        assert done.code == 0, done.err
    refs = root / "long.jsonl"
    refs.write_text("".join(json.dumps({"doc": d, "article": a, "highlights": h, "model": m,
                                        "pred": f"{a.split('.')[0]}. {m}."}) + "\n"
                            for m in ("M0", "M1") for d, (a, h) in DOCS.items()))
    for study, lsum in (("base", "newline"), ("new", "newline"), ("auto", "auto")):
        done = sumbench("score", "-r", refs, "--id-field", "doc", "--prediction-field", "pred",
                        "--system-field", "model", "--lsum-split", lsum,
                        "--bootstrap-samples", "100", "-o", root / "studies" / study)
        assert done.code == 0, done.err
    return root


def test_check_names_runs_by_name(folders):
    other = sumbench("check", folders / "candidate", "--baseline", folders / "baseline",
                     "--permutations", "200", "--paired-bs", "100", "--format", "json")
    assert other.code in (0, 1), other.err
    data = json.loads(other.out)
    assert (data["current_label"], data["baseline_label"]) == ("lead-2", "lead-3")
    assert data["current"] == str(folders / "candidate")
    text = sumbench("check", folders / "candidate", "--baseline", folders / "baseline",
                    "--permutations", "200", "--paired-bs", "100", "--markdown",
                    folders / "gate.md", "--junit", folders / "gate.xml")
    assert text.out.startswith("sumbench check: lead-2 against baseline lead-3 (6 examples)")
    assert "Current lead-2 against baseline lead-3 on 6 examples" in \
        (folders / "gate.md").read_text()
    suite = ET.parse(folders / "gate.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("name") == "sumbench check: lead-2 against baseline lead-3"
    same = sumbench("check", folders / "current", "--baseline", folders / "baseline",
                    "--permutations", "200", "--paired-bs", "100")
    assert same.code == 0, same.err
    assert same.out.startswith("sumbench check: lead-3 (current) against baseline "
                               "lead-3 (baseline) (6 examples)")


def test_run_with_a_baseline_names_its_output_folder(folders, tmp_path):
    done = sumbench("run", "--limit", "6", "--bootstrap-samples", "100", "-o", tmp_path / "new",
                    "--baseline", folders / "baseline", "--permutations", "200",
                    "--paired-bs", "100")
    assert done.code == 0, done.err
    assert "sumbench check: lead-3 (new) against baseline lead-3 (baseline)" in done.out


def test_compare_and_leaderboard_use_the_same_labels(folders):
    done = sumbench("compare", folders / "baseline", folders / "current", folders / "candidate",
                    "--permutations", "200", "--paired-bs", "100")
    assert done.code == 0, done.err
    assert "differences against lead-3 (baseline)" in done.out
    assert "lead-3 (current)" in done.out and "lead-2 " in done.out
    board = sumbench("leaderboard", folders / "baseline", folders / "current",
                     folders / "candidate", "--permutations", "200")
    assert board.code == 0, board.err
    assert "lead-3 (baseline)" in board.out and "lead-3 (current)" in board.out


def test_a_study_gate_refusal_says_which_folder_is_which(folders):
    studies = folders / "studies"
    refused = sumbench("check", studies / "new", "--baseline", studies / "auto")
    line = one_error_line(refused, "refusing to compare", "'lsum' differs")
    assert "M0 (auto/M0) has auto, M0 (new/M0) has newline" in line
    same = sumbench("check", studies / "new", "--baseline", studies / "base",
                    "--permutations", "200", "--paired-bs", "100")
    assert same.code == 0, same.err
    assert "sumbench check: M0 (new/M0) against baseline M0 (base/M0)" in same.out
    assert "sumbench check: M1 (new/M1) against baseline M1 (base/M1)" in same.out
    mixed = sumbench("check", studies / "new", "--baseline", studies / "base" / "M0")
    one_error_line(mixed, f"the run {studies / 'new'} is a study",
                   f"the baseline {studies / 'base' / 'M0'} is a run", "a study against a study")


def test_errors_about_one_run_name_its_folder(folders):
    missing = sumbench("check", folders / "candidate", "--baseline", folders / "baseline",
                       "--metrics", "rouge9")
    one_error_line(missing, f"no such measure in run 'lead-3' ({folders / 'baseline'})")

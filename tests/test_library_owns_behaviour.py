"""Issue 19, "Library, not CLI, owns behaviour": what ``sumbench score --system-field``
and ``sumbench check STUDY --baseline STUDY`` do is reachable from the Python API with the
same results; one resolver decides run, run folder or study; argparse lives only in the
commands; the GitHub annotation format keeps hostile text on one command."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sumbench
from cli_util import one_error_line, sumbench as cli
from sumbench.common.errors import UsageError
from sumbench.eval.gate import GateResult, StudyGateResult
from sumbench.eval.runs.resolve import resolve, resolve_runs
from sumbench.eval.runs.study import Study

ROOT = Path(__file__).resolve().parents[1]
DOCS = {"d1": ("The mayor opened the new bridge on Monday. Traffic moved at once.",
               "The mayor opened the bridge.\nTraffic moved."),
        "d2": ("Heavy rain flooded the valley overnight. Schools closed early.",
               "Rain flooded the valley.\nSchools closed."),
        "d3": ("The team won the final. Fans cheered in the square.",
               "The team won.\nFans cheered.")}
PREDICTIONS = {"alpha": {"d1": "The mayor opened the bridge.", "d2": "Rain fell.",
                         "d3": "The team won the final."},
               "beta": {"d1": "Traffic moved at once.", "d2": "Schools closed early today.",
                        "d3": "Fans cheered."}}


@pytest.fixture()
def long_file(tmp_path: Path) -> tuple[Path, Path]:
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps({"id": d, "article": a, "highlights": h}) + "\n"
                            for d, (a, h) in DOCS.items()))
    preds = tmp_path / "long.jsonl"
    preds.write_text("".join(json.dumps({"id": d, "group": "g", "system": s, "prediction": p}) + "\n"
                             for s, by_doc in PREDICTIONS.items() for d, p in by_doc.items()))
    return refs, preds


def test_score_with_system_field_writes_what_the_cli_writes(long_file, tmp_path) -> None:
    refs, preds = long_file
    out = tmp_path / "cli"
    done = cli("score", "-p", preds, "-r", refs, "--system-field", "group",
               "--system-field", "system", "-o", out)
    assert done.code == 0, done.err
    runs = sumbench.score(sumbench.load_references(str(refs)), str(preds),
                          system_field=["group", "system"])
    assert [r.name for r in runs] == ["g/alpha", "g/beta"]
    sumbench.save_study(runs, tmp_path / "api")
    for name in ("study.json", *(f"{folder}/{f}" for folder in ("g_alpha", "g_beta")
                                 for f in ("results.json", "per_example.jsonl"))):
        assert (tmp_path / "api" / name).read_bytes() == (out / name).read_bytes(), name


def test_score_with_system_field_refuses_summaries_and_a_single_name(long_file) -> None:
    refs, preds = long_file
    references = sumbench.load_references(str(refs))
    with pytest.raises(UsageError, match="long predictions file"):
        sumbench.score(references, ["a", "b", "c"], system_field="system")
    with pytest.raises(UsageError, match="single run"):
        sumbench.score(references, str(preds), name="x", system_field="system")
    one = sumbench.score(references, [PREDICTIONS["alpha"][d] for d in DOCS])
    assert one.name == "predictions" and len(one.ids) == 3


def test_check_a_study_against_a_study_in_the_api_as_the_cli_does(tmp_path) -> None:
    base, current = tmp_path / "base", tmp_path / "current"
    for folder, systems in ((base, ("lead-3", "lead-2")), (current, ("lead-3", "lead-2"))):
        assert cli("run", "-s", systems[0], "-s", systems[1], "--limit", "6", "-o", folder).code == 0
    gate = sumbench.check(current, base)
    assert isinstance(gate, StudyGateResult) and gate.passed
    assert [Path(r.current).name for r in gate.results] == ["lead-3", "lead-2"]
    shown = cli("check", current, "--baseline", base, "--format", "json")
    assert shown.code == 0 and json.loads(shown.out) == json.loads(json.dumps(gate.to_dict()))
    single = sumbench.check(current / "lead-3", base / "lead-3")
    assert isinstance(single, GateResult) and single.passed
    with pytest.raises(UsageError, match="a study against a study"):
        sumbench.check(current, base / "lead-3")
    mixed = cli("check", current / "lead-3", "--baseline", base)
    assert mixed.code == 2 and "a study against a study" in one_error_line(mixed)


def test_one_resolver_for_runs_run_folders_and_studies(tmp_path) -> None:
    study = tmp_path / "study"
    assert cli("run", "-s", "lead-3", "-s", "lead-1", "--limit", "3", "-o", study).code == 0
    found = resolve(study)
    assert isinstance(found, Study) and resolve(found) is found
    run = resolve(study / "lead-1")
    assert resolve(run) is run
    assert [r.name for r in resolve_runs([study, run])] == ["lead-3", "lead-1", "lead-1"]
    assert [r.name for r in sumbench.load_runs([study])] == ["lead-3", "lead-1"]


def test_argparse_is_imported_only_by_the_commands() -> None:
    allowed = {ROOT / "eval" / "cli.py"}
    offenders = []
    for root in ("sumbench", "eval", "summarize"):
        for path in (ROOT / root).rglob("*.py"):
            if path in allowed or (ROOT / "eval" / "commands") in path.parents:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(n == "argparse" or n.startswith("argparse.") for n in names):
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@settings(max_examples=40, deadline=None)
@given(title=st.text(), message=st.text())
def test_an_annotation_is_one_workflow_command_whatever_the_text(title: str, message: str) -> None:
    from sumbench.eval.report.annotations import annotation

    line = annotation("error", title, message)
    assert "\n" not in line and "\r" not in line and line.startswith("::error title=")
    head, separator, body = line[len("::error title="):].partition("::")
    assert separator and "," not in head and ":" not in head  # no forged property or end

    def unescape(text: str) -> str:
        for code, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(code, char)
        return text

    assert unescape(head) == title and unescape(body) == message

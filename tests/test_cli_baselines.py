"""``--baselines``, ``--diagnostics`` and the oracle through the real CLI (issue 6)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_util import sumbench
from sumbench.eval.diagnostics import DIAGNOSTIC_FIELDS


def test_baselines_side_by_side_and_run_folders(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    result = sumbench("run", "--baselines", "-s", "textrank", "-o", out)
    assert result.code == 0, result.err
    rows = {line.split()[0]: line for line in result.out.splitlines()
            if line.split() and line.split()[0] in ("textrank", "lead-3", "oracle")}
    assert set(rows) == {"textrank", "lead-3", "oracle"}
    # a study folder: one run folder per system and the index
    assert sorted(p.name for p in out.iterdir()) == ["lead-3", "oracle", "study.json", "textrank"]
    scores = {name: json.loads((out / name / "results.json").read_text())["metrics"]["rouge"]["scores"]
              for name in ("lead-3", "oracle")}
    for rouge_type in ("rouge1", "rouge2"):
        assert scores["oracle"][rouge_type]["fmeasure"]["mid"] >= \
            scores["lead-3"][rouge_type]["fmeasure"]["mid"]
    oracle = json.loads((out / "oracle" / "results.json").read_text())
    assert oracle["summarizer"]["name"] == oracle["name"] == "oracle"


def test_diagnostics_in_console_json_and_per_example(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = sumbench("run", "--diagnostics", "--limit", "3", "-o", out)
    assert result.code == 0, result.err
    for _, label in DIAGNOSTIC_FIELDS:
        assert label in result.out
    results = json.loads((out / "results.json").read_text())
    means = results["diagnostics"]["mean"]
    assert [k for k, _ in DIAGNOSTIC_FIELDS] == list(means)
    assert means["coverage"] == 1.0 and means["lead3_overlap"] == 1.0  # lead-3 is copied text
    rows = [json.loads(l) for l in (out / "per_example.jsonl").read_text().splitlines()]
    assert rows[0]["diagnostics"]["summary_sentences"] == 3
    assert rows[0]["diagnostics"]["novel_1grams"] == 0.0


def test_no_diagnostics_unless_asked(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert sumbench("run", "--limit", "2", "-o", out).code == 0
    assert "diagnostics" not in json.loads((out / "results.json").read_text())


def test_score_with_diagnostics(tmp_path: Path) -> None:
    refs = tmp_path / "r.jsonl"
    refs.write_text(json.dumps({"id": "a", "article": "The cat sat on the mat. It purred.",
                                "highlights": "A cat sat."}) + "\n")
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": "a", "prediction": "The cat sat on the mat."}) + "\n")
    result = sumbench("score", "-p", preds, "-r", refs, "--diagnostics", "--format", "json")
    assert result.code == 0, result.err
    means = json.loads(result.out)["diagnostics"]["mean"]
    assert means["coverage"] == 1.0
    assert means["density"] == 6.0  # one fragment of 6 tokens: 6^2 / 6


def test_run_with_baseline_gates_in_one_step(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline"
    assert sumbench("run", "-o", baseline).code == 0
    same = sumbench("run", "--baseline", baseline, "--junit", tmp_path / "same.xml")
    assert same.code == 0, same.err
    assert "PASSED" in same.out
    worse = sumbench("run", "-s", "lead-1", "--baseline", baseline)
    assert worse.code == 1
    assert "FAIL  rouge1" in worse.out and "dropped by more than 0.5 points" in worse.out
    missing = sumbench("run", "--baseline", tmp_path / "nope", "-o", tmp_path / "out")
    assert missing.code == 2 and "not a run folder" in missing.err
    assert not (tmp_path / "out").exists()
    assert sumbench("run", "--junit", tmp_path / "x.xml").code == 2


def test_diagnostics_reach_the_reports(tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert sumbench("run", "--diagnostics", "--limit", "3", "-o", run).code == 0
    for fmt in ("md", "html"):
        output = tmp_path / f"report.{fmt}"
        assert sumbench("report", run, "--format", fmt, "--output", output).code == 0
        text = output.read_text()
        assert "extractive fragment coverage" in text and "100.0%" in text


def test_baselines_write_all_their_run_folders_or_none(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    (out / "lead-3").mkdir(parents=True)
    (out / "lead-3" / "results.json").write_text("an earlier run")
    (out / "oracle").write_text("a file where the oracle's folder would go")
    result = sumbench("run", "--baselines", "-s", "textrank", "--limit", "3", "-o", out)
    assert result.code == 2, result
    assert "Traceback" not in result.err
    assert "the study folder exists and is not empty" in result.err
    assert sorted(p.name for p in out.iterdir()) == ["lead-3", "oracle"]  # no textrank/
    assert [p.name for p in (out / "lead-3").iterdir()] == ["results.json"]
    assert (out / "lead-3" / "results.json").read_text() == "an earlier run"
    assert sumbench("run", "--baselines", "-o", "").code == 2  # an empty name stays an error


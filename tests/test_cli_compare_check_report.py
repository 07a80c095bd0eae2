"""``sumbench compare``, ``check`` and ``report`` through the real entry point.

Run folders come from ``sumbench run`` on the bundled fixtures (lead-3 and lead-1, which
lead-3 beats clearly), plus lead-1 on the first 10 examples (a different reference set).
Most calls go through :func:`sumbench.eval.cli.main` in-process; one goes through the installed
``sumbench`` script in a subprocess.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sumbench.eval.cli import main

SCRIPT = Path(sys.executable).parent / "sumbench"


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("runs")
    folders = {"lead3": root / "lead3", "lead1": root / "lead1", "short": root / "short"}
    for args in (["-o", str(folders["lead3"])],
                 ["-s", "lead-1", "-o", str(folders["lead1"])],
                 ["-s", "lead-1", "--limit", "10", "-o", str(folders["short"])]):
        assert main(["run", "--bootstrap-samples", "200", *args]) == 0
    return folders


def sumbench(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_compare_prints_differences_intervals_and_p_values(runs, capsys):
    code, out, err = sumbench(capsys, "compare", runs["lead3"], runs["lead1"])
    assert code == 0, err
    assert "against lead-3" in out
    assert "p (paired bs)" in out and "p (approx. rand.)" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line.startswith("rouge") and "lead-1" in line.split()[1:2]}
    assert set(rows) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    # metric system score baseline difference [low, high] p_bs p_ar w/t/l
    diff = float(rows["rouge1"][4])
    low, high = float(rows["rouge1"][5].strip("[,")), float(rows["rouge1"][6].strip("]"))
    assert diff < 0 and low <= diff <= high
    assert 0 < float(rows["rouge1"][7]) <= 1 and 0 < float(rows["rouge1"][8]) <= 1
    assert "|paired-bs:1000|ar:10000|cmp-seed:12345|cmp-ci:95" in out
    code, again, _ = sumbench(capsys, "compare", runs["lead3"], runs["lead1"])
    assert again == out
    _, other_seed, _ = sumbench(capsys, "compare", runs["lead3"], runs["lead1"], "--seed", "7")
    assert other_seed != out and "cmp-seed:7" in other_seed


def test_compare_json_and_columns(runs, capsys):
    code, out, _ = sumbench(capsys, "compare", runs["lead3"], runs["lead1"], "--format", "json",
                            "--columns", "p,r", "--metrics", "rouge2", "--permutations", "500")
    data = json.loads(out)
    assert code == 0 and [c["label"] for c in data["comparisons"]] == ["rouge2/P", "rouge2/R"]
    # lead-1 is shorter: more precise, less complete
    assert data["comparisons"][0]["difference"] > 0 > data["comparisons"][1]["difference"]


def test_compare_refuses_different_reference_sets_unless_forced(runs, capsys):
    code, out, err = sumbench(capsys, "compare", runs["lead3"], runs["short"])
    assert code == 2 and out == ""
    assert "reference sets differ" in err and "(19 examples)" in err and "(10 examples)" in err
    assert "--force" in err
    code, out, err = sumbench(capsys, "compare", runs["lead3"], runs["short"], "--force")
    assert code == 0 and "on 10 examples" in out
    assert "warning: forced: reference sets differ" in err


def test_compare_usage_errors(runs, capsys, tmp_path):
    assert sumbench(capsys, "compare", runs["lead3"])[0] == 2
    code, _, err = sumbench(capsys, "compare", runs["lead3"], tmp_path / "missing")
    assert code == 2 and "not a run folder" in err
    assert sumbench(capsys, "compare", runs["lead3"], runs["lead1"], "--columns", "x")[0] == 2


def test_check_same_run_passes(runs, capsys, tmp_path):
    junit = tmp_path / "out" / "junit.xml"
    code, out, err = sumbench(capsys, "check", runs["lead3"], "--baseline", runs["lead3"],
                              "--junit", junit)
    assert code == 0, err
    assert "PASSED" in out
    root = ET.parse(junit).getroot()
    assert [c.get("name") for c in root.iter("testcase")] == ["rouge1", "rouge2", "rougeLsum"]
    assert root.get("failures") == "0"


def test_check_worse_run_fails_with_reasons(runs, capsys, tmp_path):
    junit, markdown = tmp_path / "junit.xml", tmp_path / "gate.md"
    code, out, err = sumbench(capsys, "check", runs["lead1"], "--baseline", runs["lead3"],
                              "--junit", junit, "--markdown", markdown,
                              "--metrics", "rouge1,rouge2,rougeLsum")
    assert code == 1, err
    assert "FAIL  rouge1 F 45.03 -> 42.43 (-2.61 points): dropped by more than 0.5 points" in out
    root = ET.parse(junit).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == ["rouge1", "rouge2", "rougeLsum"]
    assert all(c.find("failure") is not None for c in cases.values())
    assert markdown.read_text().startswith("### ❌ sumbench check: 3 of 3 gated measures regressed")


def test_check_flags_and_config_file(runs, capsys, tmp_path):
    baseline = tmp_path / "benchmarks" / "baseline"
    shutil.copytree(runs["lead3"], baseline)
    (baseline.parent / "sumbench-gate.json").write_text('{"metrics": ["rouge2"], "max_drop": 5}')
    # rouge2 drops 2.2 points, not significantly: the committed gate passes it ...
    code, out, _ = sumbench(capsys, "check", runs["lead1"], "--baseline", baseline)
    assert code == 0 and "rouge2 F" in out and "rouge1 F" not in out
    # ... a stricter flag overrides the file
    code, out, _ = sumbench(capsys, "check", runs["lead1"], "--baseline", baseline,
                            "--max-drop", "1", "--alpha", "off", "--format", "json")
    assert code == 1 and json.loads(out)["config"] == {
        "metrics": ["rouge2"], "max_drop": 1.0, "alpha": None, "test": "permutation",
        "bootstrap_samples": 1000, "permutations": 10000, "seed": 12345}
    (baseline.parent / "sumbench-gate.json").write_text('{"metric": ["rouge2"]}')
    code, _, err = sumbench(capsys, "check", runs["lead1"], "--baseline", baseline)
    assert code == 2 and "unknown key(s) metric" in err


def test_check_missing_or_corrupt_baseline(runs, capsys, tmp_path):
    code, _, err = sumbench(capsys, "check", runs["lead3"], "--baseline", tmp_path / "nope")
    assert code == 2 and "baseline run folder does not exist" in err
    corrupt = tmp_path / "corrupt"
    shutil.copytree(runs["lead3"], corrupt)
    (corrupt / "results.json").write_text('{"schema_version": 1, "signature": ')
    code, _, err = sumbench(capsys, "check", runs["lead3"], "--baseline", corrupt)
    assert code == 2 and "corrupt results.json" in err
    (corrupt / "results.json").unlink()
    code, _, err = sumbench(capsys, "check", runs["lead3"], "--baseline", corrupt)
    assert code == 2 and "no such file" in err
    code, _, err = sumbench(capsys, "check", runs["lead3"], "--baseline", runs["short"])
    assert code == 2 and "reference sets differ" in err


def test_check_github_annotations(runs, capsys, tmp_path, monkeypatch):
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = sumbench(capsys, "check", runs["lead1"], "--baseline", runs["lead3"],
                            "--max-drop", "6")
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("::")]
    assert lines[0].startswith("::notice title=sumbench%3A rouge1 ok::rouge1 F 45.03 -> 42.43")
    assert lines[2].startswith("::error title=sumbench%3A rougeLsum regressed::rougeLsum F")
    assert "sumbench check: 1 of 3 gated measures regressed" in summary.read_text()
    code, out, _ = sumbench(capsys, "check", runs["lead1"], "--baseline", tmp_path / "nope")
    assert code == 2 and out.startswith("::error title=sumbench check could not run::")
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert "::" not in sumbench(capsys, "check", runs["lead3"], "--baseline", runs["lead3"])[1]


def test_report_markdown_and_html(runs, capsys, tmp_path):
    code, out, _ = sumbench(capsys, "report", runs["lead3"], runs["lead1"], "--format", "md",
                            "--permutations", "500")
    assert code == 0 and out.startswith("# sumbench report") and "## Comparison" in out
    pytest.importorskip("matplotlib")
    page = tmp_path / "report.html"
    code, _, err = sumbench(capsys, "report", runs["lead3"], runs["lead1"], "-o", page, "-k", "2",
                            "--permutations", "500")
    assert code == 0, err
    html = page.read_text()
    # two runs, -k 2: the two examples they disagree most on, each card with both
    assert html.startswith("<!DOCTYPE html>") and html.count('<div class="card">') == 2
    assert sumbench(capsys, "report", runs["lead3"], runs["short"], "-o", page)[0] == 2
    assert sumbench(capsys, "report", runs["lead3"], "-o", page, "--rank-by", "rouge7")[0] == 2


@pytest.mark.skipif(not SCRIPT.exists(), reason="the sumbench console script is not installed")
def test_installed_script_exit_codes(runs):
    def run(*args):
        return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                              timeout=120)

    first = run("compare", runs["lead3"], runs["lead1"], "--permutations", "2000")
    second = run("compare", runs["lead3"], runs["lead1"], "--permutations", "2000")
    assert first.returncode == 0 and first.stdout == second.stdout
    assert run("check", runs["lead1"], "--baseline", runs["lead3"]).returncode == 1
    assert run("compare", runs["lead3"], runs["short"]).returncode == 2


def test_gate_options_and_publish_for_an_in_memory_run(runs, capsys, tmp_path):
    # What `sumbench run ... --baseline B` does: the gate flags on another parser, a run
    # that was never saved, and the same outputs as `check`.
    import argparse
    from dataclasses import replace

    from sumbench.eval.commands import check
    from sumbench.eval.compare import as_run
    from sumbench.eval.gate import check_against_baseline

    parser = argparse.ArgumentParser()
    check.add_gate_options(parser)
    args = parser.parse_args(["--gate-metrics", "rouge1,rougeLsum", "--max-drop", "6",
                              "--junit", str(tmp_path / "j.xml")])
    config, path = check.gate_config(args, runs["lead3"])
    assert path is None and config.metrics == ("rouge1", "rougeLsum") and config.max_drop == 6
    in_memory = replace(as_run(runs["lead1"]), path=None)
    result = check_against_baseline(in_memory, runs["lead3"], config)
    assert check.publish(result, args) == 1
    out = capsys.readouterr().out
    assert "PASS  rouge1" in out and "FAIL  rougeLsum" in out
    assert ET.parse(tmp_path / "j.xml").getroot().get("failures") == "1"


def test_a_name_with_a_newline_keeps_each_table_row_on_one_line(tmp_path, capsys) -> None:
    import numpy as np
    from fake_runs import write_run

    f = np.linspace(0.2, 0.6, 12)
    a = write_run(tmp_path / "a", "line one\nline two", {"rouge1": f})
    b = write_run(tmp_path / "b", "plain", {"rouge1": f[::-1].copy()})
    for command in (["compare", str(a), str(b)], ["leaderboard", str(a), str(b)]):
        code, out, _ = sumbench(capsys, *command)
        assert code == 0
        assert "line one\\u000aline two" in out
        assert not any(line.startswith("line two") for line in out.splitlines())


def test_baseline_system_through_the_cli(runs):
    """``--baseline-system`` picks the system the report compares against; an unknown
    name is exit 2 naming the known systems; the default (the first run) is said."""
    from cli_util import one_error_line, sumbench as cli

    fast = ["--permutations", "300", "--paired-bs", "100", "--format", "md"]
    default = cli("report", runs["lead3"], runs["lead1"], *fast)
    assert default.code == 0, default.err
    assert ("Differences against **lead-3** (the baseline: the first run given, unless "
            "--baseline-system names another)") in default.out
    chosen = cli("report", runs["lead3"], runs["lead1"], *fast, "--baseline-system", "lead-1")
    assert chosen.code == 0, chosen.err
    assert "Differences against **lead-1**" in chosen.out
    rows = [line for line in chosen.out.splitlines() if line.startswith("| rouge1 | ")]
    assert rows and all(line.startswith("| rouge1 | lead-3 |") for line in rows)
    assert "| vs lead-1 |" in chosen.out  # the leaderboard's column against it too
    import sumbench as api
    from sumbench.eval.compare import CompareSettings

    assert api.report([runs["lead3"], runs["lead1"]], "md", baseline_system="lead-1",
                      settings=CompareSettings(bootstrap_samples=100, permutations=300)) \
        == chosen.out  # the API does what the CLI does
    one_error_line(cli("report", runs["lead3"], runs["lead1"], *fast, "--baseline-system", "M0"),
                   "--baseline-system 'M0': no such system", "known: lead-3, lead-1")
    one_error_line(cli("report", runs["lead3"], *fast, "--baseline-system", "lead-3"),
                   "--baseline-system applies to a report of several runs only")
    compared = cli("compare", runs["lead3"], runs["lead1"], "--baseline-system", "lead-1",
                   "--permutations", "300", "--paired-bs", "100")
    assert compared.code == 0 and "against lead-1" in compared.out
    one_error_line(cli("compare", runs["lead3"], runs["lead1"], "--all-pairs",
                       "--baseline-system", "lead-1"), "does not apply with --all-pairs")

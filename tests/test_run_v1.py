"""Version-1 run folders (sumbench 0.1, committed in tests/data/v1_runs/ with the outputs
0.1 printed for them) load in compare, check and report with identical numbers, and gate
a run of this version without --force (issue 10, acceptance 5 and 7)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from cli_util import sumbench
from sumbench.eval.runs import load_run

V1 = Path(__file__).resolve().parent / "data" / "v1_runs"


def test_loads_as_one_metric_with_todays_signature_form():
    run = load_run(V1 / "lead3")
    assert run.schema_version == 1 and run.sumbench_version == "0.1.0" and run.examples is None
    assert list(run.metrics) == ["rouge"] and run.name == "lead-3" and len(run) == 19
    assert str(run.metrics["rouge"].signature) == (
        "metric:rouge|impl:rouge-score-0.1.2|tok:default|stem:porter|lsum:newline|refs:max|"
        "bs:1000|seed:12345|ci:95|sumbench:0.1.0")
    assert run.diagnostics is not None and run.diagnostics_mean is not None
    perl = load_run(V1 / "lead3_155").metrics["rouge155"]
    # -c and -r now live in the ci and bs fields only.
    assert "flags:-a -m -n 2 exc=wordnet" in str(perl.signature)


def test_compare_gives_the_numbers_version_1_gave():
    done = sumbench("compare", V1 / "lead3", V1 / "lead1", "--format", "json")
    assert done.code == 0, done.err
    new = json.loads(done.out)["comparisons"]
    old = json.loads((V1 / "cmp.json").read_text())["comparisons"]
    assert len(new) == len(old) == 4
    for a, b in zip(old, new):
        assert (a["rouge_type"], a["baseline"], a["system"]) == (b["measure"], b["baseline"], b["system"])
        for key in ("baseline_mean", "system_mean", "difference", "interval", "bootstrap_p",
                    "permutation_p", "wins", "ties", "losses"):
            assert a[key] == b[key], key


def test_check_gives_the_verdicts_version_1_gave():
    done = sumbench("check", V1 / "lead1", "--baseline", V1 / "lead3", "--format", "json")
    assert done.code == 1, done.err  # a regression, as in version 1
    new = json.loads(done.out)["outcomes"]
    old = json.loads((V1 / "check.json").read_text())["outcomes"]
    assert [o["metric"] for o in new] == [o["metric"] for o in old] == ["rouge1", "rouge2", "rougeLsum"]
    for a, b in zip(old, new):
        for key in ("passed", "reason", "baseline_mean", "current_mean", "difference_points",
                    "interval_points", "bootstrap_p", "permutation_p", "wins", "ties", "losses"):
            assert a[key] == b[key], key


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and re.search(r"\d\.\d\d", line)]


def test_report_shows_the_rows_version_1_showed(tmp_path):
    done = sumbench("report", V1 / "lead3", V1 / "lead1")
    assert done.code == 0, done.err
    old_rows = [r for r in table_rows((V1 / "report.md").read_text())]
    assert len(old_rows) >= 8 + 4  # scores, comparison (and diagnostics)
    assert set(old_rows) <= set(table_rows(done.out))
    html = sumbench("report", V1 / "lead3", V1 / "lead1", "--format", "html", "-o", tmp_path / "r.html")
    assert html.code == 0, html.err
    page = (tmp_path / "r.html").read_text()
    assert "articles and references not shown: this run folder (schema version 1)" in page
    assert "45.03" in page and "[42.55, 47.45]" in page


def test_a_version_difference_alone_passes_the_gate_with_a_note(tmp_path):
    current = tmp_path / "now"
    assert sumbench("run", "-o", current).code == 0
    done = sumbench("check", current, "--baseline", V1 / "lead3")
    assert done.code == 0, done.out + done.err
    assert "note: rouge signature field 'sumbench' differs" in done.out
    assert "0.1.0" in done.out and "cannot change the per-example scores" in done.out
    # And both ways round, with compare too.
    assert sumbench("check", V1 / "lead3", "--baseline", current).code == 0
    assert sumbench("compare", V1 / "lead3", current).code == 0


def test_a_setting_that_changes_numbers_still_blocks(tmp_path):
    current = tmp_path / "nostem"
    assert sumbench("run", "--no-stemmer", "-o", current).code == 0
    done = sumbench("check", current, "--baseline", V1 / "lead3")
    assert done.code == 2 and "'stem' differs" in done.err and "--force" in done.err
    assert sumbench("check", current, "--baseline", V1 / "lead3", "--force").code in (0, 1)


@pytest.mark.parametrize("flags", [None, "-c 95 -r 1000 -n 2 -m -a", "-a -m -n2 -r 500"])
def test_rouge155_runs_gate_against_themselves_and_version_1(tmp_path, flags):
    assert sumbench("check", V1 / "lead3_155", "--baseline", V1 / "lead3_155").code == 0
    run = tmp_path / "perl"
    extra = [] if flags is None else [f"--rouge155-flags={flags}"]
    assert sumbench("run", "--metrics", "rouge155", *extra, "-o", run).code == 0
    same = sumbench("check", run, "--baseline", run)
    assert same.code == 0 and "PASS  rougeL" in same.out
    against_v1 = sumbench("check", run, "--baseline", V1 / "lead3_155")
    assert against_v1.code == 0, against_v1.err  # bs differs at most: a note


def test_folders_are_never_rewritten():
    before = {p: p.read_bytes() for p in V1.rglob("*") if p.is_file()}
    copy = V1.parent / "_never_written"
    assert not copy.exists()
    sumbench("report", V1 / "lead3")
    assert before == {p: p.read_bytes() for p in V1.rglob("*") if p.is_file()}
    shutil.rmtree(copy, ignore_errors=True)

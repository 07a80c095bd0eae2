"""Tests for sumbench.eval.report.markdown, with a golden file guarding the whole output.

The golden file ``tests/golden/report.md`` is compared byte for byte.  After an intended
change of the Markdown output, regenerate it and review the diff:

    SUMBENCH_REGENERATE_GOLDEN=1 pytest tests/test_report_markdown.py

(the test then rewrites the file and skips, so a regeneration never passes silently).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sumbench.eval.compare import CompareSettings, compare_runs
from sumbench.eval.gate import GateConfig, check_runs
from sumbench.eval.report.escape.markdown import escape_markdown
from sumbench.eval.report.markdown import gate_markdown, report_markdown
from sumbench.eval.runs.folder import load_run
from fake_runs import synthetic_f, write_run

GOLDEN = Path(__file__).resolve().parent / "golden" / "report.md"
REGENERATE = os.environ.get("SUMBENCH_REGENERATE_GOLDEN") == "1"


def build_report(tmp_path: Path) -> str:
    """A report of three fixed runs, their comparison and a failing gate."""
    base = write_run(tmp_path / "baseline-run", "lead-3", synthetic_f(40, seed=1),
                     diagnostics={"mean": {"novel_bigrams": 0.0, "compression": 4.5}})
    better = write_run(tmp_path / "candidate-run", "bart|large <v2>",
                       synthetic_f(40, seed=2, shift=0.02),
                       diagnostics={"mean": {"novel_bigrams": 0.3125, "length_words": 61}})
    worse = write_run(tmp_path / "worse-run", "lead-1", synthetic_f(40, seed=3, shift=-0.04))
    runs = [load_run(p) for p in (base, better, worse)]
    settings = CompareSettings(bootstrap_samples=500, permutations=2000, seed=1)
    comparison = compare_runs(runs, settings)
    gate = check_runs(runs[2], runs[0], GateConfig(bootstrap_samples=500, permutations=2000))
    return report_markdown(runs, comparison, title="Weekly benchmark") + "\n" + gate_markdown(gate)


def test_golden_report(tmp_path):
    text = build_report(tmp_path)
    if REGENERATE:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"regenerated {GOLDEN}; review the diff and commit it")
    assert GOLDEN.is_file(), f"{GOLDEN} is missing: run with SUMBENCH_REGENERATE_GOLDEN=1"
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_report_is_deterministic_across_folders(tmp_path):
    assert build_report(tmp_path / "one") == build_report(tmp_path / "two")


def test_golden_content_reads_right():
    # Guard the golden file itself against a careless regeneration.
    if not GOLDEN.is_file():
        pytest.skip("golden file not generated yet")
    text = GOLDEN.read_text(encoding="utf-8")
    assert text.startswith("# Weekly benchmark\n")
    for heading in ("## Runs", "## Scores", "## Comparison", "## Diagnostics (means)",
                    "### ❌ sumbench check"):
        assert f"\n{heading}" in text
    assert "bart\\|large &lt;v2&gt;" in text or "bart\\|large &lt;v2>" in text
    assert "<v2>" not in text and "/tmp" not in text
    assert "| novel\\_bigrams | 0.00 | 0.31 | n/a |" in text


def test_cell_escapes_markdown_and_html():
    cell = escape_markdown
    assert cell("a|b") == "a\\|b"
    assert cell("<script>x</script>") == "&lt;script>x&lt;/script>"
    assert cell("**x** _y_ [l](u) `c`") == "\\*\\*x\\*\\* \\_y\\_ \\[l\\](u) \\`c\\`"
    assert cell("two\nlines") == "two lines"
    assert cell("a\\|b ~~s~~ $x$") == "a\\\\\\|b \\~\\~s\\~\\~ \\$x\\$"
    assert escape_markdown("a`b", code=True) == "``a`b``"
    assert escape_markdown("a``b`", code=True) == "``` a``b` ```"
    assert escape_markdown("a|b", code=True) == "`a|b`"
    assert escape_markdown("a|b", code=True, in_table=True) == "`a\\|b`"


def test_single_run_report_has_no_comparison(tmp_path):
    run = load_run(write_run(tmp_path / "r", "solo", synthetic_f(5, seed=1)))
    text = report_markdown([run])
    assert "## Comparison" not in text and "## Diagnostics" not in text
    assert "| solo | rouge1 |" in text


def test_passing_gate_summary(tmp_path):
    run = load_run(write_run(tmp_path / "r", "solo", synthetic_f(5, seed=1)))
    text = gate_markdown(check_runs(run, run, GateConfig(permutations=100, bootstrap_samples=100)))
    assert text.startswith("### ✅ sumbench check passed (3 gated measures)")
    assert "Reasons:" not in text

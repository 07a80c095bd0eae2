"""The README's Python API section runs (issue 19, acceptance 4): each ``python`` block
of the section, as a script in a fresh folder, through this environment's sumbench."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def api_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_section_shows_long_files_and_study_checks() -> None:
    blocks = api_blocks()
    assert len(blocks) >= 3
    assert any("system_field=" in b for b in blocks)
    assert any("sumbench.check(" in b and "runs/baseline" in b for b in blocks)


@pytest.mark.parametrize("number", range(len(api_blocks())))
def test_each_python_block_of_the_api_section_runs(number: int, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(api_blocks()[number], encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    block = api_blocks()[number]
    if "system_field=" in block:  # one run per system of the long file, saved as a study
        import sumbench

        study = sumbench.load_runs([tmp_path / "runs" / "systems"])
        assert [run.name for run in study] == ["lead-1", "lead-2"]
        assert study[0].summarizer["settings"]["system_fields"] == ["system"]
    if "runs/baseline" in block:  # identical studies pass the gate
        assert done.stdout.startswith("True [") and "'runs/current/lead-3', True" in done.stdout

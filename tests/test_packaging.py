"""Packaging: one import name, ``sumbench`` (issue 10, acceptance 6).

The client's folders ``eval/``, ``summarize/`` and ``fixtures/`` install as
``sumbench.eval``, ``sumbench.summarize`` and ``sumbench.fixtures`` (``package-dir`` in
pyproject.toml), so an installed sumbench adds no generic top-level name and works from a
project that has its own ``eval/`` and ``summarize/`` packages.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from cli_util import copy_checkout

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def folder_of(package: str) -> Path:
    """The folder that ``package-dir`` maps a package name to."""
    mapping = SETUPTOOLS["package-dir"]
    best = max((name for name in mapping if package == name or package.startswith(name + ".")),
               key=len)
    rest = package[len(best):].lstrip(".")
    return ROOT / mapping[best] / Path(*rest.split(".")) if rest else ROOT / mapping[best]


def test_every_package_folder_is_listed_and_every_listed_one_exists():
    listed = set(SETUPTOOLS["packages"])
    found = set()
    for top, name in (("sumbench", "sumbench"), ("eval", "sumbench.eval"),
                      ("summarize", "sumbench.summarize"), ("fixtures", "sumbench.fixtures")):
        for init in (ROOT / top).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / top)
            found.add(".".join([name, *relative.parts]))
    # Folders of data only (the judge's prompts) are listed with their files as data.
    data_only = {p for p in listed if not (folder_of(p) / "__init__.py").exists()}
    for package in data_only:
        assert package in SETUPTOOLS["package-data"] and folder_of(package).is_dir(), package
    assert found == listed - data_only


def test_console_script_and_no_other_top_level_name():
    assert PYPROJECT["project"]["scripts"] == {"sumbench": "sumbench.__main__:main"}
    assert all(p == "sumbench" or p.startswith("sumbench.") for p in SETUPTOOLS["packages"])


def readme_python_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README's Python API section has no python code block"
    return match.group(1)


@pytest.mark.slow
def test_readme_example_runs_in_a_fresh_venv_beside_own_eval_and_summarize(tmp_path):
    """A non-editable install into a fresh venv, run from a folder holding its own
    ``eval`` and ``summarize`` packages (the venv sees this environment's dependencies
    through a .pth line, so nothing is downloaded but the build backend)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    outer = [sysconfig.get_paths()["purelib"]] + [p for p in sys.path if p.endswith("-packages")]
    (Path(site) / "outer_env.pth").write_text("".join(f"{p}\n" for p in dict.fromkeys(outer)))
    source = copy_checkout(tmp_path / "source")
    built = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert not (Path(site) / "eval").exists() and not (Path(site) / "summarize").exists()
    for rubric in ("coherence", "consistency", "fluency", "relevance"):  # package data
        assert (Path(site) / "sumbench/eval/metrics/judge/prompts" / f"{rubric}.txt").is_file()
    project = tmp_path / "project"
    for name in ("eval", "summarize"):
        (project / name).mkdir(parents=True)
        (project / name / "__init__.py").write_text(f"MINE = {name!r}\n")
    (project / "example.py").write_text(
        "import eval, summarize\nassert eval.MINE == 'eval' and summarize.MINE == 'summarize'\n"
        + readme_python_example() + "\nprint('example ran')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(python), "example.py"], cwd=project, capture_output=True,
                          text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert "example ran" in done.stdout
    assert (project / "runs" / "lead3" / "references.jsonl").is_file()
    cli = subprocess.run([str(venv / "bin" / "sumbench"), "run", "--limit", "2"], cwd=project,
                         capture_output=True, text=True, timeout=600, env=env)
    assert cli.returncode == 0, cli.stderr
    assert "lead-3 on the bundled fixtures (2 examples)" in cli.stdout

"""mypy on an installed, non-editable copy of sumbench (issue 19, acceptance 2).

``eval/`` and ``summarize/`` are ``sumbench.eval`` and ``sumbench.summarize`` only through
``package-dir``, so mypy reads what ``pip install`` puts in place: a copy of the sources
installed with ``pip install --no-deps --target``.  Two checks, one configuration
(``[tool.mypy]`` in pyproject.toml):

- every import resolves: no import error anywhere, sumbench's own modules and the
  third-party packages alike (a run with the same configuration but no module's errors
  ignored, of which only the import errors count);
- the configured run passes: 0 errors on the public API modules (``sumbench``,
  ``sumbench.api``, ``sumbench.common.*``, ``sumbench.eval.metrics.base``,
  ``sumbench.summarize.base``, ``sumbench.eval.runs.run``).

The cache lives in ``.mypy_cache/`` of the checkout (ignored by git), so runs after the
first take seconds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cli_util import copy_checkout

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
PUBLIC = ("sumbench", "sumbench.api", "sumbench.common.*", "sumbench.eval.metrics.base",
          "sumbench.summarize.base", "sumbench.eval.runs.run")
IMPORT_ERROR = re.compile(r"error: .*\[(import|import-not-found|import-untyped)\]$")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A non-editable install of a copy of the checkout (the build writes beside it)."""
    base = tmp_path_factory.mktemp("mypy")
    source = copy_checkout(base / "source")
    target = base / "site"
    built = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                            "--target", str(target), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert (target / "sumbench" / "eval" / "metrics" / "base.py").is_file()
    return target


def mypy(installed: Path, config: Path, cache: Path = ROOT / ".mypy_cache") -> subprocess.CompletedProcess:
    """``mypy -p sumbench`` run beside the installed copy, so it finds that one (not the
    checkout's editable install)."""
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config),
                           "--cache-dir", str(cache), "--no-error-summary",
                           "-p", "sumbench"],
                          cwd=installed, capture_output=True, text=True, timeout=900)


def test_the_public_modules_are_checked_and_the_rest_followed():
    ignored = [o["module"] for o in CONFIG["overrides"] if o.get("ignore_errors")]
    public = [o for o in CONFIG["overrides"] if o.get("ignore_errors") is False]
    assert ignored == [["sumbench.eval.*", "sumbench.summarize.*"]]
    assert len(public) == 1 and sorted(public[0]["module"]) == sorted(PUBLIC)
    assert public[0]["check_untyped_defs"] and public[0]["disallow_untyped_defs"]
    assert not any(o.get("follow_imports") for o in CONFIG["overrides"]
                   if any(m.startswith("sumbench") for m in o["module"]))


def toml_config(overrides: list[dict]) -> str:
    """``[tool.mypy]`` as TOML text (values are strings, booleans and lists of strings)."""
    def value(v):
        return json.dumps(v) if not isinstance(v, bool) else str(v).lower()
    top = {k: v for k, v in CONFIG.items() if k != "overrides"}
    lines = ["[tool.mypy]", *(f"{k} = {value(v)}" for k, v in top.items())]
    for override in overrides:
        lines += ["", "[[tool.mypy.overrides]]", *(f"{k} = {value(v)}" for k, v in override.items())]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_every_import_resolves(installed, tmp_path):
    config = tmp_path / "mypy.toml"
    config.write_text(toml_config([o for o in CONFIG["overrides"] if "ignore_errors" not in o]))
    done = mypy(installed, config)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2: mypy itself failed
    unresolved = [line for line in done.stdout.splitlines() if IMPORT_ERROR.search(line)]
    assert not unresolved, "\n".join(unresolved)


def test_an_unresolved_import_is_seen(tmp_path):
    """What the import check looks for is what mypy prints for a module it cannot find."""
    package = tmp_path / "sumbench"
    package.mkdir()
    (package / "__init__.py").write_text("from .gone import thing\n", encoding="utf-8")
    config = tmp_path / "mypy.toml"
    config.write_text(toml_config([]))
    done = mypy(tmp_path, config, tmp_path / "cache")
    assert done.returncode == 1
    assert [line for line in done.stdout.splitlines() if IMPORT_ERROR.search(line)] == [
        'sumbench/__init__.py:1: error: Cannot find implementation or library stub for module '
        'named "sumbench.gone"  [import-not-found]'], done.stdout


@pytest.mark.slow
def test_mypy_passes_on_the_public_api(installed):
    done = mypy(installed, ROOT / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr

"""Running the real ``sumbench`` console script in a subprocess, for CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SUMBENCH = Path(sys.executable).with_name("sumbench")


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def sumbench(*args: str, cwd: Path | None = None, env: dict | None = None) -> Result:
    """Run ``sumbench ARGS`` and capture its exit status, stdout and stderr."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    done = subprocess.run([str(SUMBENCH), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=600)
    return Result(done.returncode, done.stdout, done.stderr)


def one_error_line(result: Result, *fragments: str) -> str:
    """The one ``sumbench: error:`` line of a clean exit-2 failure (no traceback), which
    names each fragment."""
    assert result.code == 2, result
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("sumbench: error:")]
    assert len(errors) == 1, result.err
    for fragment in fragments:
        assert fragment in errors[0], (fragment, errors[0])
    return errors[0]


def copy_checkout(destination: Path) -> Path:
    """A copy of what ``pip install`` builds from (the build writes build/ beside the
    sources, so tests install from a copy, never from the checkout)."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    destination.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(root / name, destination / name)
    for name in ("sumbench", "eval", "summarize", "fixtures"):
        shutil.copytree(root / name, destination / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return destination

"""API ergonomics (issue 20): ``Interval`` reads as rouge-score's ``AggregateScore``
(``.low``/``.mid``/``.high``) and as the dict ``results.json`` holds; ``dir(sumbench)``
lists the public API only; a folder named ``sumbench/`` shadowing the package gives an
error that says so, through the real entry points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import sumbench
from cli_util import SUMBENCH


def test_interval_reads_as_attributes_keys_and_the_stored_dict(tmp_path: Path) -> None:
    refs = sumbench.load_references(limit=4)
    run = sumbench.score(refs, [e.article[:200] for e in refs.examples],
                         metrics=[sumbench.get_metric("rouge", {"rouge_types": "rouge1"})])
    interval = run.metrics["rouge"].scores["rouge1"]["fmeasure"]
    assert isinstance(interval, sumbench.Interval)
    assert interval.low <= interval.mid <= interval.high
    assert [interval["low"], interval["mid"], interval["high"]] == \
        [interval.low, interval.mid, interval.high]
    run.save(tmp_path / "run")
    stored = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    assert stored["metrics"]["rouge"]["scores"]["rouge1"]["fmeasure"] == interval.as_dict()
    assert list(interval.as_dict()) == ["low", "mid", "high"]
    with pytest.raises(KeyError, match="low, mid and high"):
        interval["median"]


def test_dir_lists_the_public_api_only() -> None:
    import sumbench.api

    assert sorted(sumbench.__all__) == sorted(sumbench.api.__all__)
    assert dir(sumbench) == sorted([*sumbench.__all__, "__version__"])
    assert not {"importlib", "annotations", "Any"} & set(dir(sumbench))
    assert all(callable(getattr(sumbench, name)) for name in sumbench.__all__)


def _shadowed_by_an_empty_folder(cwd: Path) -> bool:
    """Whether ``import sumbench`` from ``cwd`` gets the empty folder (an editable
    install, as the README's set-up makes; a regular install wins over it)."""
    done = subprocess.run([sys.executable, "-c", "import sumbench; print(sumbench.__file__)"],
                          cwd=cwd, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout.strip() == "None"


@pytest.mark.parametrize("how", ["console script", "python -m", "import sumbench.eval"])
def test_a_shadowing_sumbench_folder_is_named(tmp_path: Path, how: str) -> None:
    (tmp_path / "sumbench").mkdir()
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = {"console script": [str(SUMBENCH), "--version"],
               "python -m": [sys.executable, "-m", "sumbench", "--version"],
               "import sumbench.eval": [sys.executable, "-c", "import sumbench.eval"]}[how]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    if not _shadowed_by_an_empty_folder(tmp_path):  # a regular install: the package wins
        assert done.returncode == 0, done.stderr
        return
    message = f"the folder {tmp_path / 'sumbench'} shadows the sumbench package"
    if how == "import sumbench.eval":
        assert done.returncode == 1 and "ShadowedPackageError" in done.stderr
        assert message in done.stderr.splitlines()[-1]
    else:
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines() == [f"sumbench: error: {message}: Python imported it "
                                             "as an empty namespace package (no "
                                             "__init__.py), so none of sumbench's names exist; "
                                             "run from another directory, or rename that "
                                             "folder, or remove it from sys.path / PYTHONPATH"]

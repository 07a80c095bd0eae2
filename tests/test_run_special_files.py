"""Files that are not regular files in a run or study folder (issue 18): a FIFO, a socket,
a folder, or a symbolic link out of the folder as ``results.json``, a JSONL file or
``study.json`` is refused before anything opens it -- one line naming the file, exit 2
-- where a FIFO used to hang compare, check and report.  Each command runs in a
subprocess with a timeout, so a regression fails instead of hanging the suite."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from cli_util import SUMBENCH
from fake_runs import make_run, synthetic_f, write_run
from sumbench.eval.runs.study import write_study

TIMEOUT = 60


def run_cli(*args) -> tuple[int, str]:
    try:
        done = subprocess.run([str(SUMBENCH), *map(str, args)], capture_output=True, text=True,
                              timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"sumbench {' '.join(map(str, args))} hung (a special file was opened)")
    return done.returncode, done.stderr


def assert_refused(args: list, named: Path, kind: str = "") -> None:
    code, err = run_cli(*args)
    lines = err.strip().splitlines()
    assert code == 2, (args, code, err[-400:])
    assert len(lines) == 1 and lines[0].startswith("sumbench: error: "), lines
    assert str(named) in lines[0] and kind in lines[0] and "Traceback" not in err


@pytest.fixture
def runs(tmp_path) -> tuple[Path, Path]:
    f = synthetic_f(4, seed=1, types=("rouge1",))
    return (write_run(tmp_path / "good", "good", f),
            write_run(tmp_path / "bad", "bad", synthetic_f(4, seed=2, types=("rouge1",))))


def commands(bad: Path, good: Path, out: Path) -> list[list]:
    return [["compare", good, bad], ["check", bad, "--baseline", good],
            ["check", good, "--baseline", bad], ["report", bad, "--format", "md", "-o", out / "r.md"]]


@pytest.mark.parametrize("name", ["predictions.jsonl", "results.json", "per_example.jsonl",
                                  "references.jsonl"])
def test_a_fifo_is_refused_not_opened(runs, tmp_path, name):
    good, bad = runs
    (bad / name).unlink()
    os.mkfifo(bad / name)
    for args in commands(bad, good, tmp_path / "out"):
        assert_refused(args, bad / name, "FIFO")
    assert not (tmp_path / "out").exists()


def test_a_socket_and_a_folder_are_refused(runs):
    good, bad = runs
    (bad / "results.json").unlink()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(bad / "results.json"))
        assert_refused(["check", bad, "--baseline", good], bad / "results.json", "socket")
    finally:
        server.close()
    (bad / "results.json").unlink()
    (bad / "results.json").mkdir()
    assert_refused(["check", bad, "--baseline", good], bad / "results.json", "folder")


def test_links_out_of_the_folder_are_refused_links_inside_are_read(runs, tmp_path):
    good, bad = runs
    # a link to a valid file outside: refused for where it points, not for what it holds
    shutil.copy(bad / "predictions.jsonl", tmp_path / "outside.jsonl")
    (bad / "predictions.jsonl").unlink()
    (bad / "predictions.jsonl").symlink_to(tmp_path / "outside.jsonl")
    assert_refused(["check", bad, "--baseline", good], bad / "predictions.jsonl", "symbolic link")
    (bad / "predictions.jsonl").unlink()
    (bad / "predictions.jsonl").symlink_to("/dev/null")
    assert_refused(["check", bad, "--baseline", good], bad / "predictions.jsonl", "symbolic link")
    # a link inside the folder to a FIFO inside it: still a FIFO
    (bad / "predictions.jsonl").unlink()
    os.mkfifo(bad / ".fifo")
    (bad / "predictions.jsonl").symlink_to(".fifo")
    assert_refused(["check", bad, "--baseline", good], bad / "predictions.jsonl", "FIFO")
    # a link inside the folder to a regular file inside it is read
    (bad / "predictions.jsonl").unlink()
    shutil.copy(tmp_path / "outside.jsonl", bad / ".predictions.jsonl")
    (bad / "predictions.jsonl").symlink_to(".predictions.jsonl")
    code, err = run_cli("compare", good, bad)
    assert code == 0, err


@pytest.fixture
def study(tmp_path) -> Path:
    runs = [make_run(n, synthetic_f(4, seed=k + 1, types=("rouge1",)))
            for k, n in enumerate(("one", "two"))]
    return write_study(runs, tmp_path / "study")


def test_a_fifo_study_json_is_refused(study, tmp_path):
    (study / "study.json").unlink()
    os.mkfifo(study / "study.json")
    for args in (["compare", study], ["leaderboard", study],
                 ["report", study, "--format", "md", "-o", tmp_path / "r.md"]):
        assert_refused(args, study / "study.json", "FIFO")


def test_a_run_folder_linked_out_of_the_study_is_refused(study, tmp_path):
    shutil.move(study / "two", tmp_path / "two-elsewhere")
    (study / "two").symlink_to(tmp_path / "two-elsewhere")
    assert_refused(["compare", study], study / "two", "symbolic link")

"""What is at an output path (issue 18): only a new path or a regular file is replaced;
a character device or FIFO is written in place; a socket, a folder where a file is
expected, a dangling link or a link to a file elsewhere is one line, exit 2, and stays as
it was; `/`, the current folder and a foreign non-empty folder are refused as run
folders; the long names of a study's systems make valid folder names."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from cli_util import sumbench

RUN_FILES = ["per_example.jsonl", "predictions.jsonl", "references.jsonl", "results.json"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("runs")
    made = {}
    for name, summarizer in (("lead3", "lead-3"), ("lead1", "lead-1")):
        assert sumbench("run", "-s", summarizer, "--limit", "5", "-o", folder / name).code == 0
        made[name] = folder / name
    return made


def writers(runs: dict[str, Path]) -> dict[str, list]:
    """Each command that writes one output file, without its path."""
    return {"report": ["report", runs["lead3"], runs["lead1"], "-o"],
            "leaderboard": ["leaderboard", runs["lead3"], runs["lead1"],
                            "--permutations", "100", "-o"],
            "check --junit": ["check", runs["lead1"], "--baseline", runs["lead3"], "--junit"]}


def one_error(done, *words: str) -> None:
    assert done.code == 2, done.err
    assert done.err.startswith("sumbench: error: ") and done.err.count("\n") == 1, done.err
    assert "Traceback" not in done.err
    for word in words:
        assert word in done.err, (word, done.err)


@pytest.mark.parametrize("command", ["report", "leaderboard", "check --junit"])
def test_dev_null_stays_a_character_device(runs, command):
    if os.geteuid() != 0:
        pytest.skip("only root could replace /dev/null: as another user the test cannot fail")
    before = os.stat("/dev/null")
    done = sumbench(*writers(runs)[command], "/dev/null")
    assert done.code in (0, 1), done.err  # check exits 1 on its regression
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino


@pytest.mark.parametrize("command", ["report", "leaderboard", "check --junit"])
def test_dev_full_is_one_error(runs, command):
    one_error(sumbench(*writers(runs)[command], "/dev/full"), "/dev/full",
              "No space left on device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_dev_stdout_writes_to_stdout(runs):
    done = sumbench(*writers(runs)["report"], "/dev/stdout")
    assert done.code == 0, done.err
    assert done.out.startswith("# sumbench report")


def test_a_fifo_is_written_in_place(runs, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = sumbench(*writers(runs)["report"], fifo)
    reader.join(timeout=60)
    assert done.code == 0, done.err
    assert got and got[0].decode().startswith("# sumbench report")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_socket_is_refused_and_kept(runs, tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        for command, args in writers(runs).items():
            one_error(sumbench(*args, path), str(path), "socket")
            assert stat.S_ISSOCK(os.lstat(path).st_mode), command
    finally:
        server.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sock"]


def test_a_folder_where_a_file_is_expected(runs, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    for args in writers(runs).values():
        done = sumbench(*args, folder)
        one_error(done, f"{folder}: is a folder")
        assert f"{tmp_path}:" not in done.err  # the path itself, not its parent
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_a_dangling_link_is_a_clear_error(runs, tmp_path):
    link = tmp_path / "out.md"
    link.symlink_to(tmp_path / "missing" / "target.md")
    done = sumbench(*writers(runs)["report"], link)
    one_error(done, str(link), "symbolic link", "does not exist")
    assert "File exists" not in done.err
    assert link.is_symlink() and not (tmp_path / "missing").exists()


def test_a_link_to_a_file_elsewhere_is_refused(runs, tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("precious")
    link = tmp_path / "out.md"
    link.symlink_to(elsewhere)
    one_error(sumbench(*writers(runs)["report"], link), str(link), "symbolic link")
    assert link.is_symlink() and elsewhere.read_text() == "precious"


@pytest.mark.parametrize("command", ["run", "score", "stream", "study"])
@pytest.mark.parametrize("where, words", [("/", "root folder"), (".", "current folder")])
def test_root_and_current_folder_are_not_run_folders(runs, tmp_path, command, where, words):
    (tmp_path / "keep.txt").write_text("mine")
    preds, refs = runs["lead3"] / "predictions.jsonl", runs["lead3"] / "references.jsonl"
    args = {"run": ["run", "-s", "lead-1", "--limit", "2"],
            "score": ["score", "-p", preds, "-r", refs],
            "stream": ["score", "--stream", "-p", preds, "-r", refs],
            "study": ["run", "-s", "lead-1,lead-3", "--limit", "2"]}[command]
    before = set(os.listdir("/"))
    try:
        one_error(sumbench(*args, "-o", where, cwd=tmp_path), words)
        assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
        assert set(os.listdir("/")) == before
    finally:  # a regression must not leave run files in / of the machine running the tests
        for name in set(RUN_FILES) - before:
            Path("/", name).unlink(missing_ok=True)


def test_a_foreign_non_empty_folder_is_refused_and_a_run_folder_rewritten(runs, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("mine")
    one_error(sumbench("run", "-s", "lead-1", "--limit", "2", "-o", folder), str(folder),
              "not an empty folder")
    assert [p.name for p in folder.iterdir()] == ["todo.txt"]
    again = tmp_path / "again"
    for summarizer in ("lead-1", "lead-3"):
        assert sumbench("run", "-s", summarizer, "--limit", "2", "-o", again).code == 0
    assert json.loads((again / "results.json").read_text())["summarizer"]["name"] == "lead-3"


def test_a_run_folder_over_a_file_or_a_dangling_link(runs, tmp_path):
    target = tmp_path / "file"
    target.write_text("mine")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    preds, refs = runs["lead3"] / "predictions.jsonl", runs["lead3"] / "references.jsonl"
    for args in (["run", "-s", "lead-1", "--limit", "2"], ["score", "--stream", "-p", preds,
                                                           "-r", refs]):
        one_error(sumbench(*args, "-o", target), str(target), "not a folder")
        one_error(sumbench(*args, "-o", link), str(link), "does not exist")
    assert target.read_text() == "mine" and link.is_symlink() and not link.exists()


def long_format(runs, tmp_path: Path, systems: list[str]) -> Path:
    records = [json.loads(line) for line in
               (runs["lead3"] / "predictions.jsonl").read_text().splitlines()]
    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "system": s, "prediction": r["prediction"]})
                            + "\n" for s in systems for r in records))
    return path


def test_system_field_onto_an_existing_file(runs, tmp_path):
    long = long_format(runs, tmp_path, ["a", "b"])
    target = tmp_path / "existing"
    target.write_text("mine")
    done = sumbench("score", "--system-field", "system", "-p", long,
                    "-r", runs["lead3"] / "references.jsonl", "-o", target)
    one_error(done, str(target), "not a folder")
    assert target.read_text() == "mine"


def test_a_5000_character_system_name_makes_a_valid_study(runs, tmp_path):
    long = long_format(runs, tmp_path, ["s" * 5000, "short"])
    out = tmp_path / "study"
    done = sumbench("score", "--system-field", "system", "-p", long,
                    "-r", runs["lead3"] / "references.jsonl", "-o", out)
    assert done.code == 0, done.err[-500:]
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 2 and all(len(f) <= 80 for f in folders)
    assert sumbench("report", out, "-o", tmp_path / "r.md").code == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_too_long_output_name_names_the_users_path(runs, tmp_path):
    name = "n" * 300
    done = sumbench(*writers(runs)["report"], tmp_path / name)
    one_error(done, "too long")
    assert name in done.err and ".tmp" not in done.err
    study = sumbench("score", "--system-field", "system", "-p", long_format(runs, tmp_path, ["a"]),
                     "-r", runs["lead3"] / "references.jsonl", "-o", tmp_path / name)
    one_error(study, "too long")
    assert ".tmp" not in study.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.jsonl"]

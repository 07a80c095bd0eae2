"""Output files are whole or absent (issue 11): reports, leaderboards, JUnit and Markdown
are written to a temporary file and renamed; on a full disk nothing truncated is left;
run folders get the usual permissions; a gate file cannot ask for unbounded work."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from cli_util import sumbench


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("runs")
    made = {}
    for name, summarizer in (("lead3", "lead-3"), ("lead1", "lead-1")):
        assert sumbench("run", "-s", summarizer, "-o", folder / name).code == 0
        made[name] = folder / name
    return made


def test_run_folder_files_have_the_usual_permissions(runs):
    mask = os.umask(0)
    os.umask(mask)
    for path in runs["lead3"].iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path


@pytest.fixture()
def small_disk(tmp_path):
    """A 256 KiB tmpfs, or a skip saying why it cannot be mounted here."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill the disk but for about ``leave`` bytes."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    (disk / "filler").write_bytes(b"x" * max(0, free - leave))


def test_a_full_disk_leaves_no_truncated_file(runs, small_disk):
    html = small_disk / "report.html"
    fill(small_disk, 32 * 1024)  # less room than the report with its plots needs
    done = sumbench("report", runs["lead3"], runs["lead1"], "--format", "html", "-o", html)
    assert done.code == 2 and "cannot write" in done.err and "Traceback" not in done.err
    (small_disk / "filler").unlink()
    fill(small_disk, 1024)
    for args, name in ((["report", runs["lead3"], runs["lead1"], "-o"], "report.md"),
                       (["check", runs["lead1"], "--baseline", runs["lead3"], "--junit"], "gate.xml"),
                       (["check", runs["lead1"], "--baseline", runs["lead3"], "--markdown"], "gate.md"),
                       (["leaderboard", runs["lead3"], runs["lead1"], "--permutations", "100", "-o"],
                        "board.txt")):
        done = sumbench(*args, small_disk / name)
        assert done.code == 2 and "cannot write" in done.err, (name, done.err)
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]
    run = sumbench("run", "-o", small_disk / "run")
    assert run.code == 2 and not (small_disk / "run").exists()


def test_a_streamed_run_on_a_full_disk_is_one_error_and_leaves_nothing(runs, small_disk):
    # score --stream appends chunk by chunk through the same staged files as every other
    # output: a full disk mid-way is exit 2, one line, and no file left in the folder.
    fill(small_disk, 16 * 1024)  # room for the first lines, not for the folder
    out = small_disk / "streamed"
    done = sumbench("score", "--stream", "-p", runs["lead3"] / "predictions.jsonl",
                    "-r", runs["lead3"] / "references.jsonl", "-o", out)
    assert done.code == 2, done.err
    assert done.err.count("\n") == 1 and "cannot write" in done.err and "Traceback" not in done.err
    assert not out.exists()
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_reports_replace_an_old_file_whole(runs, tmp_path):
    target = tmp_path / "r.md"
    target.write_text("old")
    assert sumbench("report", runs["lead3"], "-o", target).code == 0
    assert target.read_text().startswith("# sumbench report")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]


@pytest.mark.parametrize("key, value", [("permutations", 10**9), ("bootstrap_samples", 10**8),
                                        ("permutations", 0)])
def test_a_gate_file_cannot_ask_for_unbounded_work(runs, tmp_path, key, value):
    (runs["lead3"].parent / "sumbench-gate.json").write_text(json.dumps({key: value}))
    try:
        done = sumbench("check", runs["lead1"], "--baseline", runs["lead3"])
    finally:
        (runs["lead3"].parent / "sumbench-gate.json").unlink()
    assert done.code == 2 and key in done.err and "sumbench-gate.json" in done.err
    assert ("between 1 and" if value else "positive integer") in done.err

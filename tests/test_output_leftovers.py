"""Nothing left behind (issue 18): ``score --stream`` creates no folder that it does not
complete -- on an input error, on Ctrl-C, on a full disk -- and the temporary
``.NAME.PID.tmp`` files of a process killed outright are removed by the next write of
the same names into the same folder (those of a live process are kept)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cli_util import SUMBENCH, sumbench
from test_output_files import fill, small_disk  # noqa: F401  (the tmpfs fixture)

RUN_FILES = ["per_example.jsonl", "predictions.jsonl", "references.jsonl", "results.json"]


def generated(folder: Path, count: int) -> tuple[Path, Path]:
    refs, preds = folder / "refs.jsonl", folder / "preds.jsonl"
    with refs.open("w") as r, preds.open("w") as p:
        for i in range(count):
            r.write(json.dumps({"id": f"x{i}", "article": "An article.",
                                "highlights": f"The council closed bridge {i}.\nRepairs."}) + "\n")
            p.write(json.dumps({"id": f"x{i}", "prediction": f"The bridge {i} closed."}) + "\n")
    return refs, preds


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def start_stream(refs: Path, preds: Path, out: Path) -> subprocess.Popen:
    """A streamed run, once its temporary files exist in ``out``."""
    child = subprocess.Popen([str(SUMBENCH), "score", "--stream", "-p", str(preds), "-r",
                              str(refs), "-o", str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out.is_dir() and any(out.glob(f".*.{child.pid}.tmp"))):
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the streamed run never started writing"
        time.sleep(0.05)
    time.sleep(1.0)  # a few chunks in
    assert child.poll() is None, "the input is too small to interrupt the run"
    return child


def test_ctrl_c_mid_stream_leaves_no_folder(tmp_path):
    refs, preds = generated(tmp_path, 300_000)
    out = tmp_path / "out"
    child = start_stream(refs, preds, out)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130, err
    assert "Traceback" not in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_after_sigkill_the_next_run_removes_the_stale_temporary_files(tmp_path):
    refs, preds = generated(tmp_path, 300_000)
    out = tmp_path / "out"
    child = start_stream(refs, preds, out)
    child.kill()
    child.communicate(timeout=60)
    stale = sorted(p.name for p in out.iterdir())
    assert stale == sorted(f".{name}.{child.pid}.tmp" for name in RUN_FILES)
    small = tmp_path / "small"
    small.mkdir()
    small_refs, small_preds = generated(small, 20)
    done = sumbench("score", "--stream", "-p", small_preds, "-r", small_refs, "-o", out)
    assert done.code == 0, done.err
    assert sorted(p.name for p in out.iterdir()) == RUN_FILES


def test_stale_temporary_files_of_dead_processes_only_are_removed(tmp_path):
    refs, preds = generated(tmp_path, 10)
    run = tmp_path / "run"
    assert sumbench("score", "-p", preds, "-r", refs, "-o", run).code == 0
    dead, alive = dead_pid(), os.getpid()
    planted = {
        tmp_path / f".report.md.{dead}.tmp": False,       # removed: dead, the name written
        tmp_path / f".report.md.{alive}.tmp": True,       # kept: a live process's
        tmp_path / f".other.md.{dead}.tmp": True,         # kept: not a name being written
        tmp_path / f".report.md.{dead}.tmp.bak": True,    # kept: not sumbench's pattern
        tmp_path / f"report.md.{dead}.tmp": True,         # kept: not sumbench's pattern
    }
    for path in planted:
        path.write_text("x")
    assert sumbench("report", run, "-o", tmp_path / "report.md").code == 0
    for path, kept in planted.items():
        assert path.exists() == kept, path
    stale_folder = tmp_path / f".study.{dead}.tmp"
    (stale_folder / "a").mkdir(parents=True)
    long = tmp_path / "long.jsonl"
    long.write_text("".join(json.dumps({**json.loads(line), "system": s}) + "\n"
                            for s in ("a", "b") for line in preds.read_text().splitlines()))
    done = sumbench("score", "--system-field", "system", "-p", long, "-r", refs,
                    "-o", tmp_path / "study")
    assert done.code == 0, done.err
    assert not stale_folder.exists() and (tmp_path / "study" / "study.json").is_file()


@pytest.mark.parametrize("case", ["out of order", "missing prediction", "bad record",
                                  "no records"])
def test_an_input_error_mid_stream_leaves_no_folder(tmp_path, case):
    refs, preds = generated(tmp_path, 25)
    lines = preds.read_text().splitlines(True)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join({"out of order": lines[:12] + [lines[13], lines[12]] + lines[14:],
                            "missing prediction": lines[:20],
                            "bad record": lines[:15] + ["[1, 2]\n"] + lines[16:],
                            "no records": []}[case]))
    if case == "no records":
        refs.write_text("")
    out = tmp_path / "a" / "b" / "out"
    done = sumbench("score", "--stream", "-p", bad, "-r", refs, "-o", out)
    assert done.code == 2 and done.err.count("\n") == 1, done.err
    assert not (tmp_path / "a").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_an_existing_empty_folder_stays(tmp_path):
    refs, preds = generated(tmp_path, 5)
    out = tmp_path / "out"
    out.mkdir()
    done = sumbench("score", "--stream", "-p", preds, "-r", refs, "-o", out,
                    "--metrics", "rouge", "--reference-field", "nope")
    assert done.code == 2, done.err
    assert out.is_dir() and not any(out.iterdir())


def test_a_full_disk_mid_stream_leaves_no_folder(tmp_path, small_disk):  # noqa: F811
    refs, preds = generated(tmp_path, 2000)
    fill(small_disk, 16 * 1024)
    out = small_disk / "streamed"
    done = sumbench("score", "--stream", "-p", preds, "-r", refs, "-o", out)
    assert done.code == 2 and "No space left on device" in done.err, done.err
    assert done.err.count("\n") == 1
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_a_full_disk_leaves_no_folder_an_output_file_needed(tmp_path, small_disk):  # noqa: F811
    refs, preds = generated(tmp_path, 40)
    run = tmp_path / "run"
    assert sumbench("score", "-p", preds, "-r", refs, "-o", run).code == 0
    fill(small_disk, 0)
    for args in (["report", run, "-o", small_disk / "a" / "b" / "report.html",
                  "--format", "html"],
                 ["run", "-s", "lead-1", "--limit", "3", "-o", small_disk / "c" / "run"]):
        done = sumbench(*args)
        assert done.code == 2 and done.err.count("\n") == 1, done.err
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]

"""``--overwrite`` (issue 20): an existing run or study folder that sumbench wrote is
replaced -- written whole beside it, then swapped in -- and nothing else ever is: not
another folder, a file, a link or a device; a failure leaves the old folder as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import sumbench
from cli_util import one_error_line, sumbench as cli
from sumbench.common.errors import InputError, SumbenchError
from sumbench.eval.runs import replace
from sumbench.eval.runs.study import is_study, load_study

QUICK = ("--limit", "2", "--bootstrap-samples", "10")


def run_folder(path: Path, *args: str) -> Path:
    done = cli("run", *QUICK, *args, "-o", path)
    assert done.code == 0, done.err
    return path


def study_folder(path: Path, *args: str) -> Path:
    return run_folder(path, "-s", "lead-1", "-s", "lead-2", *args)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(".")]


def test_a_study_folder_is_replaced_only_with_overwrite(tmp_path: Path) -> None:
    study = study_folder(tmp_path / "study")
    before = snapshot(study)
    refused = cli("run", *QUICK, "-s", "lead-1", "-s", "lead-3", "-o", study)
    assert "--overwrite" in one_error_line(refused, str(study), "exists and is not empty")
    assert snapshot(study) == before
    done = cli("run", *QUICK, "-s", "lead-1", "-s", "lead-3", "-o", study, "--overwrite")
    assert done.code == 0, done.err
    assert [r.name for r in load_study(study).runs] == ["lead-1", "lead-3"]
    assert sorted(os.listdir(study)) == ["lead-1", "lead-3", "study.json"]
    assert leftovers(tmp_path) == []


def test_a_run_folder_replaces_a_study_folder_and_the_other_way(tmp_path: Path) -> None:
    target = study_folder(tmp_path / "out")
    refused = cli("run", *QUICK, "-o", target)
    assert "--overwrite" in one_error_line(refused, str(target), "not an empty folder or a run folder")
    run_folder(target, "--overwrite")
    assert not is_study(target) and sumbench.load_run(target).name == "lead-3"
    study_folder(target, "--overwrite")
    assert [r.name for r in load_study(target).runs] == ["lead-1", "lead-2"]
    assert leftovers(tmp_path) == []


def test_a_streamed_run_replaces_a_study_folder(tmp_path: Path) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps({"id": f"x{k}", "article": "A b c.", "highlights": "B c."})
                            + "\n" for k in range(3)))
    preds = tmp_path / "p.jsonl"
    preds.write_text("".join(json.dumps({"id": f"x{k}", "prediction": "b c"}) + "\n"
                             for k in range(3)))
    target = study_folder(tmp_path / "out")
    done = cli("score", "--stream", "-r", refs, "-p", preds, "-o", target, "--overwrite")
    assert done.code == 0, done.err
    assert sorted(os.listdir(target)) == sorted(["results.json", "references.jsonl",
                                                 "predictions.jsonl", "per_example.jsonl"])
    assert len(sumbench.load_run(target)) == 3
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("make, fragment", [
    (lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine")), "neither results.json nor study.json"),
    (lambda p: (study_folder(p), (p / "notes.txt").write_text("mine")), "'notes.txt', which study.json does not list"),
    (lambda p: (run_folder(p), (p / "notes.txt").write_text("mine")), "it holds 'notes.txt'"),
    (lambda p: (study_folder(p), (p / "lead-1" / "x.png").write_text("mine")), "lead-1: it holds 'x.png'"),
    (lambda p: (run_folder(p), (p / "results.json").write_text("[]")), "not a sumbench results file"),
    (lambda p: p.write_text("a file"), "is a regular file, not a folder"),
])
def test_overwrite_refuses_anything_sumbench_did_not_write(tmp_path: Path, make, fragment) -> None:
    target = tmp_path / "out"
    make(target)
    before = snapshot(target) if target.is_dir() else target.read_bytes()
    for args in (("-s", "lead-1", "-s", "lead-2"), ()):  # a study, then a run folder
        one_error_line(cli("run", *QUICK, *args, "-o", target, "--overwrite"), str(target), fragment)
        assert (snapshot(target) if target.is_dir() else target.read_bytes()) == before


def test_overwrite_refuses_links_devices_and_the_current_folder(tmp_path: Path) -> None:
    study = study_folder(tmp_path / "study")
    link = tmp_path / "link"
    link.symlink_to(study)
    one_error_line(cli("run", *QUICK, "-s", "lead-1", "-s", "lead-3", "-o", link, "--overwrite"),
                   str(link), "symbolic link")
    assert [r.name for r in load_study(study).runs] == ["lead-1", "lead-2"] and link.is_symlink()
    one_error_line(cli("run", *QUICK, "-o", "/dev/null", "--overwrite"), "/dev/null", "not a folder")
    one_error_line(cli("run", *QUICK, "-o", "..", "--overwrite", cwd=study / "lead-1"),
                   "holds the current folder")
    one_error_line(cli("run", *QUICK, "--overwrite"), "--overwrite", "--output-dir")
    assert [r.name for r in load_study(study).runs] == ["lead-1", "lead-2"]


def test_the_api_overwrites_and_a_failure_leaves_the_old_study(tmp_path: Path, monkeypatch) -> None:
    refs = sumbench.load_references(limit=2)
    runs = [sumbench.run(refs, name, metrics=[sumbench.get_metric("rouge", bootstrap=sumbench.BootstrapSettings(samples=10))])
            for name in ("lead-1", "lead-2")]
    study = sumbench.save_study(runs, tmp_path / "study")
    with pytest.raises(SumbenchError, match="not empty.*overwrite=True"):
        sumbench.save_study(runs[::-1], study)
    before = snapshot(study)

    from sumbench.eval.runs import folder

    def full_disk(directory, contents):
        raise InputError(f"{directory}: cannot write: No space left on device")

    monkeypatch.setattr(folder, "write_files", full_disk)
    with pytest.raises(InputError, match=f"{study}: cannot write the study"):
        sumbench.save_study(runs[::-1], study, overwrite=True)
    assert snapshot(study) == before and leftovers(tmp_path) == []
    monkeypatch.undo()
    monkeypatch.setattr(replace, "_exchange", lambda first, second: False)  # no renameat2
    sumbench.save_study(runs[::-1], study, overwrite=True)
    assert [r.name for r in load_study(study).runs] == ["lead-2", "lead-1"]
    assert leftovers(tmp_path) == []
    runs[0].save(study, overwrite=True)  # a run folder over the study
    assert sumbench.load_run(study).name == "lead-1" and not is_study(study)

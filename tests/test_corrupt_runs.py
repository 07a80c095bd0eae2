"""A corrupt run folder never reads as a regression (issue 11, acceptance 1): a matrix of
corruptions of a real run folder x compare, check (as the run and as the baseline) and
report (Markdown and HTML).  Every call exits 2 with one line on stderr, no traceback,
and leaves no output file.  The matrix runs through ``sumbench.eval.cli.main`` in this
process (the function the console script calls); a sample also runs through the console
script itself.

Since schema version 3 the content digests in results.json refuse most of these edits
first; so each corruption runs twice, once as made and once with the digests recomputed
afterwards (:func:`fake_runs.redigest`, a forger's move), which reaches the specific
check behind the digest.  The few edits that only the digest can see (a changed
prediction, two swapped values) run as made only.  Files that are not regular files
(a FIFO, a folder, a link out of the folder) are refused before anything opens them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

import pytest

from cli_util import sumbench as console
from fake_runs import redigest
from sumbench.eval.cli import main

Corruption = Callable[[Path], None]


def edit_json(name: str, change: Callable[[dict], object]) -> Corruption:
    def corrupt(folder: Path) -> None:
        data = json.loads((folder / name).read_text())
        replaced = change(data)
        (folder / name).write_text(json.dumps(data if replaced is None else replaced))
    return corrupt


def edit_lines(name: str, change: Callable[[list[str]], list[str]]) -> Corruption:
    def corrupt(folder: Path) -> None:
        lines = (folder / name).read_text().splitlines()
        (folder / name).write_text("\n".join(change(lines)) + "\n")
    return corrupt


def edit_row(name: str, index: int, change: Callable[[dict], object]) -> Corruption:
    def rewrite(lines: list[str]) -> list[str]:
        row = json.loads(lines[index])
        replaced = change(row)
        lines[index] = json.dumps(row if replaced is None else replaced)
        return lines
    return edit_lines(name, rewrite)


def write(name: str, content: str | bytes) -> Corruption:
    def corrupt(folder: Path) -> None:
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    return corrupt


def delete(name: str) -> Corruption:
    return lambda folder: (folder / name).unlink()


def drop(data: dict, key: str) -> None:
    """Remove ``key`` (returning None: :func:`edit_json` keeps the edited object)."""
    del data[key]


def rouge(data: dict) -> dict:
    return data["metrics"]["rouge"]


def first_score(row: dict) -> dict:
    return row["scores"]["rouge"]["rouge1"]


def every_value(line: str, value: float) -> str:
    row = json.loads(line)
    for components in row["scores"]["rouge"].values():
        components.update((k, value) for k in components)
    return json.dumps(row)


def swap_first(lines: list[str]) -> list[str]:
    """The rouge1 F of the first two examples swapped (the mean is kept)."""
    rows = [json.loads(line) for line in lines[:2]]
    a, b = (first_score(r) for r in rows)
    assert a["fmeasure"] != b["fmeasure"]
    a["fmeasure"], b["fmeasure"] = b["fmeasure"], a["fmeasure"]
    return [json.dumps(r) for r in rows] + lines[2:]


DEEP = "[" * 100000 + "]" * 100000
CORRUPTIONS: dict[str, Corruption] = {
    "results not JSON": write("results.json", "{not json"),
    "results empty": write("results.json", ""),
    "results a list": write("results.json", "[1, 2]"),
    "results not UTF-8": write("results.json", b'{"schema_version": 2, "name": "\xff\xfe"}'),
    "results nested too deeply": write("results.json", '{"schema_version": 2, "name": ' + DEEP + "}"),
    "results integer too long": write("results.json", '{"schema_version": 2' + "0" * 5000 + "}"),
    "schema_version a string": edit_json("results.json", lambda d: d.update(schema_version="2")),
    "schema_version unknown": edit_json("results.json", lambda d: d.update(schema_version=99)),
    "schema_version a boolean": edit_json("results.json", lambda d: d.update(schema_version=True)),
    "schema_version missing": edit_json("results.json", lambda d: drop(d, "schema_version")),
    "name missing": edit_json("results.json", lambda d: drop(d, "name")),
    "name a list": edit_json("results.json", lambda d: d.update(name=["x"])),
    "metrics a list": edit_json("results.json", lambda d: d.update(metrics=[])),
    "metrics empty": edit_json("results.json", lambda d: d.update(metrics={})),
    "signature a number": edit_json("results.json", lambda d: rouge(d).update(signature=3)),
    "signature garbage": edit_json("results.json", lambda d: rouge(d).update(signature="garbage")),
    "signature of another metric": edit_json(
        "results.json", lambda d: rouge(d).update(signature=rouge(d)["signature"].replace(
            "metric:rouge|", "metric:bleu|"))),
    "info missing": edit_json("results.json", lambda d: drop(rouge(d), "info")),
    "info scale a string": edit_json("results.json", lambda d: rouge(d)["info"].update(scale="100")),
    "interval NaN": write("results.json", "PLACEHOLDER"),  # filled in by the fixture
    "interval reversed": edit_json("results.json", lambda d: rouge(d)["scores"]["rouge1"]["fmeasure"].update(
        low=0.9, high=0.1)),
    "interval out of range": edit_json("results.json", lambda d: rouge(d)["scores"]["rouge1"]["fmeasure"].update(
        high=2.5)),
    "examples a string": edit_json("results.json", lambda d: d["reference_set"].update(examples="19")),
    "fingerprint missing": edit_json("results.json", lambda d: drop(d["reference_set"], "fingerprint")),
    "counts disagree": edit_json("results.json", lambda d: d["counts"].update(examples=7)),
    "warnings not a list": edit_json("results.json", lambda d: d.update(warnings={"a": 1})),
    "per_example missing": delete("per_example.jsonl"),
    "per_example line not JSON": edit_lines("per_example.jsonl", lambda ls: ls[:3] + ["{oops"] + ls[4:]),
    "per_example NaN": edit_row("per_example.jsonl", 2, lambda r: first_score(r).update(fmeasure=float("nan"))),
    "per_example a string": edit_row("per_example.jsonl", 2, lambda r: first_score(r).update(fmeasure="0.5")),
    "per_example out of range": edit_row("per_example.jsonl", 2, lambda r: first_score(r).update(recall=1.5)),
    "per_example infinite": edit_row("per_example.jsonl", 2, lambda r: first_score(r).update(recall=float("inf"))),
    "per_example line lost": edit_lines("per_example.jsonl", lambda ls: ls[:-1]),
    "per_example lines lost from both": edit_lines("per_example.jsonl", lambda ls: ls[3:]),
    "per_example duplicate line": edit_lines("per_example.jsonl", lambda ls: ls + [ls[0]]),
    "per_example extra line": edit_lines("per_example.jsonl", lambda ls: ls + [ls[0].replace('"id": "', '"id": "x')]),
    "per_example line a list": edit_lines("per_example.jsonl", lambda ls: ls[:1] + ["[1, 2]"] + ls[2:]),
    "per_example metric missing": edit_row("per_example.jsonl", 1, lambda r: r.update(scores={})),
    "per_example values edited": edit_row("per_example.jsonl", 0, lambda r: first_score(r).update(fmeasure=0.0)),
    "per_example id an object": edit_row("per_example.jsonl", 0, lambda r: r.update(id={"a": 1})),
    "per_example nested too deeply": edit_lines("per_example.jsonl", lambda ls: ls[:1] + [DEEP] + ls[2:]),
    "predictions line lost": edit_lines("predictions.jsonl", lambda ls: ls[:-1]),
    "prediction key missing": edit_row("predictions.jsonl", 1, lambda r: drop(r, "prediction")),
    "prediction a number": edit_row("predictions.jsonl", 1, lambda r: r.update(prediction=7)),
    "predictions duplicate id": edit_lines("predictions.jsonl", lambda ls: ls[:-1] + [ls[0]]),
    "references missing": delete("references.jsonl"),
    "references a string": edit_row("references.jsonl", 0, lambda r: r.update(references="x")),
    "references edited": edit_row("references.jsonl", 0, lambda r: r.update(references=[["Changed."]])),
    "references reordered": edit_lines("references.jsonl", lambda ls: ls[::-1]),
    "digests missing": edit_json("results.json", lambda d: drop(d, "digests")),
    "digest malformed": edit_json("results.json", lambda d: d["digests"].update(
        {"predictions.jsonl": "md5:0"})),
    "aggregation method changed": edit_json("results.json", lambda d: rouge(d).update(
        aggregation={"method": "none"})),
    "every value 1.0, method changed": lambda folder: (
        edit_lines("per_example.jsonl", lambda ls: [every_value(l, 1.0) for l in ls])(folder),
        edit_json("results.json", lambda d: rouge(d).update(aggregation={"method": "own"}))(folder)),
    "every value 1.0, no method": lambda folder: (
        edit_lines("per_example.jsonl", lambda ls: [every_value(l, 1.0) for l in ls])(folder),
        edit_json("results.json", lambda d: drop(rouge(d), "aggregation"))(folder)),
    "references a folder": lambda folder: ((folder / "references.jsonl").unlink(),
                                           (folder / "references.jsonl").mkdir()),
    "predictions a link out of the folder": lambda folder: (
        shutil.copy(folder / "predictions.jsonl", folder.parent / "elsewhere.jsonl"),
        (folder / "predictions.jsonl").unlink(),
        (folder / "predictions.jsonl").symlink_to(folder.parent / "elsewhere.jsonl")),
    # Only the digest sees these (the values are still valid and keep the mean):
    "prediction edited": edit_row("predictions.jsonl", 1, lambda r: r.update(prediction="Other.")),
    "per_example values swapped": edit_lines("per_example.jsonl", lambda ls: swap_first(ls)),
}
# As made only: the digest is all that sees the first two; redigesting repairs the third.
DIGEST_ONLY = {"prediction edited", "per_example values swapped", "digest malformed"}
COMMANDS = {
    "compare": lambda bad, good, out: ["compare", good, bad],
    "check as run": lambda bad, good, out: ["check", bad, "--baseline", good, "--junit", out / "j.xml"],
    "check as baseline": lambda bad, good, out: ["check", good, "--baseline", bad, "--markdown", out / "g.md"],
    "report md": lambda bad, good, out: ["report", bad, "--format", "md", "-o", out / "r.md"],
    "report html": lambda bad, good, out: ["report", good, bad, "--format", "html", "-o", out / "r.html"],
}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("good") / "run"
    assert main(["run", "--limit", "19", "-o", str(folder)]) == 0
    return folder


def corrupted(good: Path, tmp_path: Path, name: str, redigested: bool = False) -> Path:
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    if name == "interval NaN":
        text = (good / "results.json").read_text()
        mid = json.loads(text)["metrics"]["rouge"]["scores"]["rouge1"]["fmeasure"]["mid"]
        (bad / "results.json").write_text(text.replace(f'"mid": {mid}', '"mid": NaN', 1))
    else:
        CORRUPTIONS[name](bad)
    if redigested:
        redigest(bad)
    return bad


def test_the_matrix_is_large_enough():
    assert len(CORRUPTIONS) >= 30 and len(COMMANDS) == 5


def test_a_redigested_copy_of_the_good_folder_reads(good, tmp_path):
    """The forger's move on an unchanged folder changes nothing: so what the redigested
    matrix refuses, the check behind the digest refused."""
    copy = tmp_path / "copy"
    shutil.copytree(good, copy)
    redigest(copy)
    assert main(["check", str(copy), "--baseline", str(good)]) == 0


CASES = [(name, False) for name in CORRUPTIONS] + \
    [(name, True) for name in CORRUPTIONS if name not in DIGEST_ONLY]


@pytest.mark.parametrize("name,redigested", CASES,
                         ids=[f"{n}{' (redigested)' if r else ''}" for n, r in CASES])
def test_every_command_refuses_with_one_line_and_exit_2(name, redigested, good, tmp_path, capsys):
    bad = corrupted(good, tmp_path, name, redigested)
    for command, argv in COMMANDS.items():
        out = tmp_path / f"out-{command.replace(' ', '-')}"
        capsys.readouterr()
        code = main([str(a) for a in argv(bad, good, out)])
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        assert code == 2, (name, command, captured.err[-600:])
        assert len(lines) == 1 and lines[0].startswith("sumbench: error: "), (name, command, lines)
        assert "Traceback" not in captured.err
        assert not out.exists() or not any(out.iterdir()), (name, command)


@pytest.mark.parametrize("name", ["schema_version a string", "per_example NaN",
                                  "per_example lines lost from both", "results nested too deeply"])
def test_through_the_console_script(name, good, tmp_path):
    bad = corrupted(good, tmp_path, name)
    for argv in (["check", bad, "--baseline", good], ["check", good, "--baseline", bad]):
        done = console(*argv)
        assert done.code == 2 and done.err.count("\n") == 1 and "Traceback" not in done.err

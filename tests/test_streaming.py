"""``sumbench score --stream`` (issue 15): chunk by chunk, the same run folder, byte for
byte, as scoring everything at once -- notices included -- and the refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sumbench
from cli_util import sumbench as cli
from sumbench.eval.data import FieldMap
from sumbench.eval.metrics import build_metrics
from sumbench.eval.streaming import stream_run

TEXTS = [
    ("The council voted on Tuesday to close the bridge.\nRepairs will take a year.",
     "The council closed the bridge.\nRepairs take a year."),
    ("Le président a réformé la sécurité sociale française.", "Le président a parlé."),
    ("", "An empty prediction."),
    ("One sentence here. Another one there.", "A reference. With two sentences."),
    ("🙂 🙂 🙂", "Emoji only."),
    ("Scientists found a bright blue frog in the valley.", "A blue frog was found."),
]


@pytest.fixture()
def files(tmp_path) -> tuple[Path, Path]:
    refs, preds = tmp_path / "refs.jsonl", tmp_path / "preds.jsonl"
    rows = [TEXTS[i % len(TEXTS)] for i in range(23)]
    refs.write_text("".join(json.dumps({"id": f"x{i}", "article": "An article.",
                                        "highlights": r}) + "\n" for i, (_, r) in enumerate(rows)))
    preds.write_text("".join(json.dumps({"id": f"x{i}", "prediction": p}) + "\n"
                             for i, (p, _) in enumerate(rows)))
    return refs, preds


@pytest.mark.parametrize("chunk", [1, 4, 1000])
def test_the_folder_is_byte_for_byte_the_in_memory_one(files, tmp_path, chunk):
    refs, preds = files
    metrics = build_metrics(["rouge", "rouge155"], {})
    streamed = stream_run(str(refs), None, FieldMap(), preds, metrics, tmp_path / "s", "preds",
                          chunk=chunk, progress=False)
    whole = tmp_path / "whole"
    assert cli("score", "-p", preds, "-r", refs, "--metrics", "rouge,rouge155", "-o", whole).code == 0
    for name in ("results.json", "references.jsonl", "predictions.jsonl", "per_example.jsonl"):
        assert (tmp_path / "s" / name).read_bytes() == (whole / name).read_bytes(), name
    codes = {n.code for n in streamed.all_notices()}
    assert {"empty-prediction", "non-ascii-dropped", "lsum-no-newline", "no-tokens"} <= codes
    assert sumbench.load_run(tmp_path / "s") == sumbench.load_run(whole)


def test_through_the_cli_and_refusals(files, tmp_path):
    refs, preds = files
    done = cli("score", "--stream", "-p", preds, "-r", refs, "-o", tmp_path / "run")
    assert done.code == 0, done.err
    assert "rouge1" in done.out and (tmp_path / "run" / "per_example.jsonl").is_file()
    for extra, words in ((["--diagnostics"], "--diagnostics cannot be combined"),
                         (["--system-field", "s"], "--system-field cannot be combined")):
        bad = cli("score", "--stream", "-p", preds, "-r", refs, "-o", tmp_path / "x", *extra)
        assert bad.code == 2 and words in bad.err
    assert cli("score", "--stream", "-p", preds, "-r", refs).code == 2  # no -o
    shuffled = tmp_path / "shuffled.jsonl"
    lines = preds.read_text().splitlines()
    shuffled.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n")
    out = tmp_path / "never"
    wrong = cli("score", "--stream", "-p", shuffled, "-r", refs, "-o", out)
    assert wrong.code == 2 and "reference set's order" in wrong.err
    assert not out.exists()  # the folder appears only when complete


@pytest.mark.parametrize("record, words", [
    ({"id": 1.0, "prediction": "x"}, "must be a string or an integer"),
    ({"id": True, "prediction": "x"}, "must be a string or an integer"),
    ({"id": "x0"}, "missing field 'prediction'"),
    (["x0", "text"], "expected a JSON object"),
])
def test_a_streamed_predictions_file_is_checked_as_the_whole_one_is(files, tmp_path, record, words):
    refs, preds = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(record) + "\n" + "".join(preds.read_text().splitlines(True)[1:]))
    for extra in ([], ["--stream"]):
        out = tmp_path / f"out{len(extra)}"
        done = cli("score", *extra, "-p", bad, "-r", refs, "-o", out)
        assert done.code == 2 and f"{bad}:1: " in done.err and words in done.err, done.err
        assert not out.exists()  # the folder appears only when complete

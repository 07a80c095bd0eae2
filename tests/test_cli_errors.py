"""Bad input through the real ``sumbench`` entry point: exit 2, one clear line, no
traceback, no partial output files (issue 2, acceptance 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_util import one_error_line, sumbench


def write_refs(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def refs(tmp_path: Path) -> Path:
    return write_refs(tmp_path / "refs.jsonl", [
        {"id": "a", "article": "Alpha one. Alpha two. Alpha three.", "highlights": "Alpha one."},
        {"id": "b", "article": "Beta one. Beta two.", "highlights": "Beta two."},
    ])



def test_missing_references_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = sumbench("run", "--references", tmp_path / "nope.jsonl", "-o", out)
    one_error_line(result, "nope.jsonl", "no such file")
    assert not out.exists()


def test_unreadable_file(tmp_path: Path) -> None:
    # Permissions do not stop root (CI runs as root), so make the read fail another way:
    # a folder whose name says it is a JSONL file.
    path = tmp_path / "r.jsonl"
    path.mkdir()
    result = sumbench("run", "--references", path)
    one_error_line(result, "r.jsonl", "is a directory")


def test_directory_instead_of_predictions_file(refs: Path, tmp_path: Path) -> None:
    result = sumbench("score", "-p", tmp_path, "-r", refs)
    one_error_line(result, str(tmp_path), "directory")


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "article": "A.", "highlights": "H."}\n{"id": "b", "article": \n')
    result = sumbench("run", "--references", path, "-o", tmp_path / "out")
    one_error_line(result, "bad.jsonl:2", "malformed JSON")
    assert not (tmp_path / "out").exists()


def test_malformed_predictions_json(refs: Path, tmp_path: Path) -> None:
    preds = tmp_path / "p.jsonl"
    preds.write_text('{"id": "a", "prediction": "x"}\n{"id": "b" "prediction": "y"}\n')
    one_error_line(sumbench("score", "-p", preds, "-r", refs), "p.jsonl:2", "malformed JSON")


def test_missing_field_lists_fields(tmp_path: Path) -> None:
    path = write_refs(tmp_path / "r.jsonl", [{"id": "a", "body": "B.", "highlights": "H."}])
    result = sumbench("run", "--references", path)
    one_error_line(result, "r.jsonl:1", "article", "fields present: id, body, highlights")


def test_named_field_that_does_not_exist(tmp_path: Path) -> None:
    path = write_refs(tmp_path / "r.jsonl", [{"id": "a", "article": "B.", "highlights": "H."}])
    result = sumbench("run", "--references", path, "--reference-field", "gist")
    one_error_line(result, "no reference field 'gist'", "fields present: id, article, highlights")


def test_missing_field_in_a_later_record(tmp_path: Path) -> None:
    path = write_refs(tmp_path / "r.jsonl", [{"id": "a", "article": "B.", "highlights": "H."},
                                             {"id": "b", "article": "C."}])
    one_error_line(sumbench("run", "-r", path), "r.jsonl:2", "missing field 'highlights'")


def test_empty_article(tmp_path: Path) -> None:
    path = write_refs(tmp_path / "r.jsonl", [{"id": "a", "article": "A.", "highlights": "H."},
                                             {"id": "b", "article": "  ", "highlights": "H."}])
    one_error_line(sumbench("run", "-r", path), "r.jsonl:2", "empty article")


def test_empty_prediction_scores_zero_and_warns(refs: Path, tmp_path: Path) -> None:
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": "a", "prediction": "Alpha one."}) + "\n"
                     + json.dumps({"id": "b", "prediction": ""}) + "\n")
    out = tmp_path / "out"
    result = sumbench("score", "-p", preds, "-r", refs, "-o", out)
    assert result.code == 0, result.err
    assert "1 empty prediction(s) scored 0: b" in result.err
    rows = [json.loads(line) for line in (out / "per_example.jsonl").read_text().splitlines()]
    assert rows[1]["scores"]["rouge"]["rouge1"] == {"precision": 0.0, "recall": 0.0, "fmeasure": 0.0}
    assert rows[0]["scores"]["rouge"]["rouge1"]["fmeasure"] == 1.0
    results = json.loads((out / "results.json").read_text())
    assert results["counts"]["empty_predictions"] == 1
    assert results["warnings"][0]["code"] == "empty-prediction"


def test_mismatched_ids_listed(refs: Path, tmp_path: Path) -> None:
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": "a", "prediction": "x"}) + "\n"
                     + json.dumps({"id": "zz", "prediction": "y"}) + "\n")
    out = tmp_path / "out"
    result = sumbench("score", "-p", preds, "-r", refs, "-o", out)
    one_error_line(result, "1 missing id(s): 'b'", "1 extra id(s): 'zz'")
    assert not out.exists()


def test_text_predictions_with_wrong_line_count(refs: Path, tmp_path: Path) -> None:
    preds = tmp_path / "p.txt"
    preds.write_text("only one line\n")
    one_error_line(sumbench("score", "-p", preds, "-r", refs), "1 lines", "2 examples")


def test_duplicate_reference_ids(tmp_path: Path) -> None:
    path = write_refs(tmp_path / "r.jsonl", [{"id": "a", "article": "A.", "highlights": "H."},
                                             {"id": "a", "article": "B.", "highlights": "H."}])
    one_error_line(sumbench("run", "-r", path), "duplicate ids: 'a'")


def test_duplicate_prediction_ids(refs: Path, tmp_path: Path) -> None:
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": "a", "prediction": "x"}) + "\n"
                     + json.dumps({"id": "a", "prediction": "y"}) + "\n")
    one_error_line(sumbench("score", "-p", preds, "-r", refs), "p.jsonl:2", "duplicate id 'a'")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id": "a", "article": "A.", "highlights": "H."}\n'
                     b'{"id": "b", "article": "Caf\xe9.", "highlights": "H."}\n')
    one_error_line(sumbench("run", "-r", path), "latin1.jsonl:2", "not valid UTF-8", "0xe9")


def test_non_utf8_predictions(refs: Path, tmp_path: Path) -> None:
    preds = tmp_path / "p.txt"
    preds.write_bytes(b"fine\nna\xefve\n")
    one_error_line(sumbench("score", "-p", preds, "-r", refs), "p.txt:2", "not valid UTF-8")


def test_unknown_summarizer() -> None:
    one_error_line(sumbench("run", "--summarizer", "magic-9000"), "unknown summarizer")


def test_bad_option_value_is_a_usage_error() -> None:
    result = sumbench("run", "--limit", "0")
    assert result.code == 2 and "positive integer" in result.err and "Traceback" not in result.err


def test_unknown_rouge_type() -> None:
    one_error_line(sumbench("run", "--rouge-types", "rouge1,rougeX"), "rougeX")


def test_existing_run_folder_untouched_on_error(refs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert sumbench("run", "-r", refs, "-o", out).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    assert sumbench("run", "-r", bad, "-o", out).code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

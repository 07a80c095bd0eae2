"""``sumbench score --limit N`` and ``--sample N --seed S`` (issue 20): the examples
``run`` keeps with the same options, recorded the same way, for every way ``score``
reads predictions (a predictions file, a long file, the reference file itself)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_util import one_error_line, sumbench

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda".split()


def write_inputs(tmp_path: Path, count: int = 12) -> tuple[Path, Path, Path]:
    """References, one system's predictions, and a long file of two systems."""
    refs, preds, long = tmp_path / "refs.jsonl", tmp_path / "sys.jsonl", tmp_path / "long.jsonl"
    ref_rows, pred_rows, long_rows = [], [], []
    for k in range(count):
        article = " ".join(WORDS[(k + j) % len(WORDS)] for j in range(8)) + "."
        reference = " ".join(WORDS[(2 * k + j) % len(WORDS)] for j in range(5)) + "."
        ref_rows.append({"id": f"x{k}", "article": article, "highlights": reference})
        pred_rows.append({"id": f"x{k}", "prediction": " ".join(WORDS[(3 * k + j) % len(WORDS)]
                                                                for j in range(4))})
        for system in ("s1", "s2"):
            long_rows.append({"id": f"x{k}", "article": article, "highlights": reference,
                              "system": system, "output": pred_rows[-1]["prediction"] + system,
                              "prediction": pred_rows[-1]["prediction"] + system})
    for path, rows in ((refs, ref_rows), (preds, pred_rows), (long, long_rows)):
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return refs, preds, long


def results(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def ids(folder: Path) -> list[str]:
    return [json.loads(line)["id"] for line in
            (folder / "references.jsonl").read_text(encoding="utf-8").splitlines()]


def test_score_selects_the_examples_run_selects(tmp_path: Path) -> None:
    refs, preds, _ = write_inputs(tmp_path)
    for selection in (["--limit", "5"], ["--sample", "4", "--seed", "7"],
                      ["--sample", "6", "--seed", "7", "--limit", "3"]):
        ran = sumbench("run", "-r", refs, *selection, "-o", tmp_path / "ran")
        scored = sumbench("score", "-r", refs, "-p", preds, *selection, "-o", tmp_path / "scored")
        assert ran.code == 0 and scored.code == 0, (ran.err, scored.err)
        assert ids(tmp_path / "scored") == ids(tmp_path / "ran")
        a, b = results(tmp_path / "ran"), results(tmp_path / "scored")
        assert b["reference_set"]["selection"] == a["reference_set"]["selection"]
        assert b["reference_set"]["fingerprint"] == a["reference_set"]["fingerprint"]
        assert b["counts"]["examples"] == len(ids(tmp_path / "ran"))
        # the predictions of the examples kept, scored as a file holding only those
        kept = set(ids(tmp_path / "ran"))
        lines = [line for line in preds.read_text().splitlines() if json.loads(line)["id"] in kept]
        (tmp_path / "kept.jsonl").write_text("\n".join(lines) + "\n")
        subset = tmp_path / "subset.jsonl"
        subset.write_text("".join(line + "\n" for line in refs.read_text().splitlines()
                                  if json.loads(line)["id"] in kept))
        seed = selection[selection.index("--seed"):][:2] if "--seed" in selection else []
        alone = sumbench("score", "-r", subset, "-p", tmp_path / "kept.jsonl", *seed,
                         "--format", "json")  # --seed also seeds the bootstrap
        assert alone.code == 0, alone.err
        assert json.loads(alone.out)["metrics"]["rouge"]["scores"] == b["metrics"]["rouge"]["scores"]


def test_long_files_are_selected_too(tmp_path: Path) -> None:
    refs, _, long = write_inputs(tmp_path)
    in_file = sumbench("score", "-r", long, "--prediction-field", "output", "--system-field",
                       "system", "--sample", "5", "--seed", "3", "-o", tmp_path / "study")
    assert in_file.code == 0, in_file.err
    ran = sumbench("run", "-r", refs, "--sample", "5", "--seed", "3", "-o", tmp_path / "ran")
    assert ran.code == 0, ran.err
    for system in ("s1", "s2"):
        assert ids(tmp_path / "study" / system) == ids(tmp_path / "ran")
        assert results(tmp_path / "study" / system)["reference_set"]["selection"] == \
            {"limit": None, "sample": 5, "seed": 3}
    separate = sumbench("score", "-r", refs, "-p", long, "--system-field", "system",
                        "--limit", "4", "-o", tmp_path / "separate")
    assert separate.code == 0, separate.err
    assert ids(tmp_path / "separate" / "s1") == ["x0", "x1", "x2", "x3"]


def test_the_limit_is_refused_where_it_cannot_apply(tmp_path: Path) -> None:
    refs, preds, _ = write_inputs(tmp_path)
    one_error_line(sumbench("score", "--stream", "-r", refs, "-p", preds, "--limit", "2",
                            "-o", tmp_path / "out"), "--limit cannot be combined with --stream")
    first = sumbench("score", "-r", refs, "-p", preds, "--limit", "6", "-o", tmp_path / "six")
    assert first.code == 0, first.err
    # scoring a run folder again against its stored (already selected) reference set
    one_error_line(sumbench("score", "-p", tmp_path / "six", "--limit", "2"),
                   "already a selection", "--references")
    one_error_line(sumbench("score", "-r", refs, "-p", preds, "--limit", "0"), "--limit")


def test_reference_file_options_without_a_reference_file_are_refused(tmp_path: Path) -> None:
    """Scoring run folders again takes their stored references: an option that reads a
    reference file would be ignored, so it is a usage error."""
    refs, preds, _ = write_inputs(tmp_path)
    assert sumbench("score", "-r", refs, "-p", preds, "-o", tmp_path / "run").code == 0
    for flag in (["--multi-reference"], ["--reference-sentences"], ["--id-field", "id"]):
        one_error_line(sumbench("score", "-p", tmp_path / "run", *flag),
                       flag[0], "run folders", "--references")
    again = sumbench("score", "-p", tmp_path / "run")
    assert again.code == 0, again.err

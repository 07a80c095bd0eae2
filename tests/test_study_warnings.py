"""A study's warnings (issue 20, acceptance 2): a 16-system study prints each distinct
warning once, with the systems it concerns, where it used to print each per system;
each run folder still stores its own warnings."""

from __future__ import annotations

import json
from pathlib import Path

from cli_util import sumbench
from sumbench.eval.notices import Notice, StudyNotice, study_notices

SYSTEMS = [f"M{k}" for k in range(16)]
ACCENTED = {"M2", "M9", "M14"}          # 3 of 16: named
EMPTY = {"M1", "M4", "M6", "M8", "M10", "M12", "M15"}  # 7 of 16: counted
DOCS = {"d1": ("The council met on Friday. It approved the budget. Taxes stay flat.",
               "The council approved the budget. Taxes stay flat."),
        "d2": ("A storm hit the coast overnight. Roads closed. Power failed in the town.",
               "A storm closed roads. Power failed.")}


def prediction(system: str, doc: str) -> str:
    if system in EMPTY and doc == "d2":
        return ""
    if system in ACCENTED:
        return "Le conseil a adopté le budget. Les impôts été évités à Zürich, Göteborg."
    return f"The council approved the budget. Taxes stay flat ({system})."


def long_file(path: Path) -> Path:
    """One row per document and system, the references repeated (SummEval's shape)."""
    path.write_text("".join(
        json.dumps({"doc_id": doc, "text": article, "reference": reference,
                    "model_id": system, "decoded": prediction(system, doc)}) + "\n"
        for system in SYSTEMS for doc, (article, reference) in DOCS.items()))
    return path


def test_a_16_system_study_prints_each_warning_once(tmp_path):
    out = tmp_path / "study"
    done = sumbench("score", "-r", long_file(tmp_path / "long.jsonl"), "--id-field", "doc_id",
                    "--article-field", "text", "--reference-field", "reference",
                    "--prediction-field", "decoded", "--system-field", "model_id", "-o", out)
    assert done.code == 0, done.err
    warnings = [l for l in done.err.splitlines() if l.startswith("sumbench: warning:")]
    assert len(warnings) == len(set(warnings)) == 3, done.err
    newline, empty, accents = warnings  # in order of first appearance: M0, M1, M2
    assert "rougeLsum needs one sentence per line" in newline
    assert newline.endswith("(in 16 of 16 systems)")
    assert "keeps only ASCII letters" in accents
    assert accents.endswith("(in 3 of 16 systems: M2, M9, M14)")
    assert "1 empty prediction(s) scored 0: d2" in empty
    assert empty.endswith("(in 7 of 16 systems)")
    assert "[M" not in done.err and "16 systems on" in done.out
    # each run folder keeps its own warnings
    stored = {s: {w["code"] for w in json.loads((out / s / "results.json").read_text())["warnings"]}
              for s in SYSTEMS}
    assert stored["M1"] == {"empty-prediction"} and stored["M0"] == set()
    rouge = {s: {w["code"] for w in json.loads((out / s / "results.json").read_text())
                 ["metrics"]["rouge"]["warnings"]} for s in SYSTEMS}
    assert rouge["M2"] == {"lsum-no-newline", "non-ascii-dropped"}
    assert rouge["M0"] == {"lsum-no-newline"}


def test_several_summarisers_share_their_warnings(tmp_path):
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps({"id": d, "article": a, "highlights": h}) + "\n"
                            for d, (a, h) in DOCS.items()))
    done = sumbench("run", "-s", "lead-2", "-s", "lead-3", "-r", refs)
    assert done.code == 0, done.err
    warnings = [l for l in done.err.splitlines() if l.startswith("sumbench: warning:")]
    assert len(warnings) == 1 and warnings[0].endswith("(in 2 of 2 systems)"), done.err


def notice(code: str, message: str) -> Notice:
    return Notice(code, message, ("d1",))


def test_study_notices_merge_equal_warnings_in_order_of_appearance():
    lsum, empty = notice("lsum-no-newline", "no newlines"), notice("empty-prediction", "empty: d1")
    other_empty = notice("empty-prediction", "empty: d2")
    merged = study_notices([("a", [lsum]), ("b", [empty, lsum]), ("c", [other_empty, lsum]),
                            ("d", [])])
    assert merged == [StudyNotice("lsum-no-newline", "no newlines", ("a", "b", "c"), 4),
                      StudyNotice("empty-prediction", "empty: d1", ("b",), 4),
                      StudyNotice("empty-prediction", "empty: d2", ("c",), 4)]
    assert [n.systems_text() for n in merged] == ["in 3 of 4 systems: a, b, c",
                                                   "in 1 of 4 systems: b", "in 1 of 4 systems: c"]
    assert study_notices([("a", [lsum, lsum])])[0].systems == ("a",)


def test_few_systems_are_named_many_counted_and_names_escaped():
    names = tuple(f"s{k}" for k in range(6))
    assert StudyNotice("c", "m", names[:5], 16).systems_text() == \
        "in 5 of 16 systems: s0, s1, s2, s3, s4"
    assert StudyNotice("c", "m", names, 16).systems_text() == "in 6 of 16 systems"
    assert StudyNotice("c", "m", names[:2], 2).systems_text() == "in 2 of 2 systems"
    assert StudyNotice("c", "m", ("bad\x1b[2Jname\nx",), 3).systems_text() == \
        "in 1 of 3 systems: bad\\u001b[2Jname\\u000ax"


def test_a_study_of_version_2_run_folders_warns_once(tmp_path):
    from fake_runs import make_run, synthetic_f
    from sumbench.eval.runs.digest import json_digest
    from sumbench.eval.runs.study import write_study

    names = [f"s{k}" for k in range(7)]
    study = write_study([make_run(n, synthetic_f(4, seed=k + 1, types=("rouge1",)))
                         for k, n in enumerate(names)], tmp_path / "study")
    index = json.loads((study / "study.json").read_text())
    for entry in index["runs"]:
        results_file = study / entry["folder"] / "results.json"
        results = json.loads(results_file.read_text())
        results["schema_version"] = 2
        del results["digests"]
        results_file.write_text(json.dumps(results, indent=2))
        entry["results"] = json_digest(results)
    (study / "study.json").write_text(json.dumps(index, indent=2))
    done = sumbench("compare", study, "--permutations", "100", "--paired-bs", "100")
    assert done.code == 0, done.err
    lines = done.err.strip().splitlines()
    assert len(lines) == 1, done.err
    assert lines[0] == (f"sumbench: warning: {study}: 7 of 7 run folders are version 2 (no "
                        "content digests); their integrity is not checked; score them again "
                        "to write version 3")
    alone = sumbench("compare", study / "s0", study / "s1", "--permutations", "100",
                     "--paired-bs", "100")
    assert alone.code == 0 and alone.err.count("a version-2 run folder") == 2, alone.err

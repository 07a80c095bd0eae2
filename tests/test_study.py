"""Many systems at once (issue 12): several systems' predictions in one file (in the
reference file, or a long predictions file with a system column), several predictions
files or run folders, and several summarisers, each written as a study folder that
every command reads; REALSumm's 25 systems scored in one command equal 25 single runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sumbench
from cli_util import sumbench as cli
from shared_data import REALSUMM, require
from sumbench.eval.runs.digest import json_digest
from sumbench.eval.runs.study import load_study

DOCS = {"d1": ("The mayor opened the new bridge on Monday. Traffic moved at once.",
               "The mayor opened the bridge.\nTraffic moved."),
        "d2": ("Heavy rain flooded the valley overnight. Schools closed early.",
               "Rain flooded the valley.\nSchools closed.")}
PREDICTIONS = {"alpha": {"d1": "The mayor opened the bridge.", "d2": "Rain fell."},
               "beta": {"d1": "Traffic moved at once.", "d2": "Schools closed early today."}}


def long_reference_file(path: Path, changes: dict | None = None) -> Path:
    rows = []
    for system, by_doc in PREDICTIONS.items():
        for doc, (article, highlights) in DOCS.items():
            row = {"doc": doc, "article": article, "highlights": highlights, "model": system,
                   "summary_text": by_doc[doc]}
            row.update((changes or {}).get((doc, system), {}))
            rows.append(row)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_predictions_in_the_reference_file_make_a_study(tmp_path):
    refs = long_reference_file(tmp_path / "long.jsonl")
    out = tmp_path / "study"
    done = cli("score", "-r", refs, "--id-field", "doc", "--prediction-field", "summary_text",
               "--system-field", "model", "-o", out)
    assert done.code == 0, done.err
    study = load_study(out)
    assert [r.name for r in study.runs] == ["alpha", "beta"]
    assert all(len(r) == 2 and r.examples[0].article == DOCS["d1"][0] for r in study.runs)
    entry = json.loads((out / "study.json").read_text())["runs"][1]
    assert entry == {"name": "beta", "folder": "beta", "fingerprint": study.runs[1].fingerprint,
                     "results": json_digest(json.loads((out / "beta" / "results.json").read_text()))}
    # the same as scoring each system's file alone
    for system, by_doc in PREDICTIONS.items():
        alone = tmp_path / f"{system}.jsonl"
        alone.write_text("".join(json.dumps({"id": d, "prediction": p}) + "\n" for d, p in by_doc.items()))
        single = tmp_path / f"single-{system}"
        plain = tmp_path / "plain.jsonl"
        plain.write_text("".join(json.dumps({"id": d, "article": a, "highlights": h}) + "\n"
                                 for d, (a, h) in DOCS.items()))
        assert cli("score", "-p", alone, "-r", plain, "-o", single).code == 0
        mine = next(r for r in study.runs if r.name == system)
        assert sumbench.load_run(single).metrics["rouge"].scores == mine.metrics["rouge"].scores
    # every command takes the study
    assert cli("compare", out).code == 0
    assert cli("leaderboard", out, "--permutations", "200").code == 0
    assert cli("report", out).code == 0


def test_a_document_whose_rows_disagree_is_named(tmp_path):
    refs = long_reference_file(tmp_path / "long.jsonl",
                               {("d2", "beta"): {"highlights": "Something else."}})
    done = cli("score", "-r", refs, "--id-field", "doc", "--prediction-field", "summary_text",
               "--system-field", "model")
    assert done.code == 2 and "document 'd2' has another references" in done.err
    assert "long.jsonl:4" in done.err
    no_system = cli("score", "-r", long_reference_file(tmp_path / "l2.jsonl"), "--id-field",
                    "doc", "--prediction-field", "summary_text")
    assert no_system.code == 2 and "several systems need --system-field" in no_system.err


def test_a_long_predictions_file_with_a_system_column(tmp_path):
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps({"id": d, "article": a, "highlights": h}) + "\n"
                            for d, (a, h) in DOCS.items()))
    preds = tmp_path / "preds.csv"
    preds.write_text("id,system,prediction\n" + "".join(
        f"{d},{s},\"{p}\"\n" for s, by_doc in PREDICTIONS.items() for d, p in by_doc.items()))
    done = cli("score", "-p", preds, "--system-field", "system", "-r", refs, "-o", tmp_path / "s",
               "--format", "json")
    assert done.code == 0, done.err
    assert list(json.loads(done.out)["runs"]) == ["alpha", "beta"]
    preds.write_text("id,system,prediction\nd1,alpha,x\nd1,beta,y\n")
    missing = cli("score", "-p", preds, "--system-field", "system", "-r", refs)
    assert missing.code == 2 and "system 'alpha' does not match" in missing.err and "'d2'" in missing.err


def test_several_files_and_run_folders_rescored(tmp_path):
    refs = sumbench.load_references(limit=4)
    for name, summarizer in (("lead", "lead-3"), ("short", "lead-1")):
        sumbench.run(refs, summarizer, name=name).save(tmp_path / name)
    out = tmp_path / "both"
    done = cli("score", "-p", tmp_path / "lead", "-p", tmp_path / "short", "--metrics",
               "rouge,rouge155", "-o", out)
    assert done.code == 0, done.err  # no --references: the run folders carry theirs
    study = load_study(out)
    assert [r.name for r in study.runs] == ["lead", "short"]
    assert set(study.runs[0].metrics) == {"rouge", "rouge155"}
    assert study.runs[0].predictions == sumbench.load_run(tmp_path / "lead").predictions
    assert cli("score", "-p", tmp_path / "lead", "-p", tmp_path / "short", "--name", "x").code == 2


def test_several_summarisers_in_one_run(tmp_path):
    out = tmp_path / "study"
    done = cli("run", "-s", "lead-3", "-s", "textrank", "--limit", "3", "-o", out)
    assert done.code == 0, done.err
    assert [r.name for r in load_study(out).runs] == ["lead-3", "textrank"]
    assert "2 systems on the bundled fixtures (3 examples)" in done.out
    again = cli("run", "-s", "lead-3", "-s", "textrank", "--limit", "3", "-o", out)
    assert again.code == 2 and "exists and is not empty" in again.err


@pytest.mark.slow
def test_realsumm_as_one_study_equals_25_single_runs(tmp_path):
    rows = [json.loads(l) for l in require(REALSUMM).read_text().splitlines() if l]
    out = tmp_path / "study"
    done = cli("score", "-r", REALSUMM, "--id-field", "doc_id", "--reference-field", "ref_summ_doc",
               "--prediction-field", "system_summary", "--system-field", "group",
               "--system-field", "system", "-o", out)
    assert done.code == 0, done.err
    study = load_study(out)
    assert len(study.runs) == 25 and all(len(r) == 20 for r in study.runs)
    references = tmp_path / "refs.jsonl"
    firsts = {}
    for row in rows:
        firsts.setdefault(row["doc_id"], row)
    references.write_text("".join(
        json.dumps({"id": str(d), "article": "(not distributed)", "highlights": r["ref_summ_doc"]})
        + "\n" for d, r in firsts.items()))
    for run in study.runs:
        group, system = run.name.split("/", 1)
        preds = tmp_path / "p.jsonl"
        preds.write_text("".join(json.dumps({"id": str(r["doc_id"]), "prediction": r["system_summary"]})
                                 + "\n" for r in rows if (r["group"], r["system"]) == (group, system)))
        single = cli("score", "-p", preds, "-r", references, "--format", "json")
        assert single.code == 0, single.err
        scores = json.loads(single.out)["metrics"]["rouge"]["scores"]
        mine = run.metrics["rouge"].scores
        for measure, components in scores.items():
            for component, interval in components.items():
                assert interval["mid"] == mine[measure][component].mid, (run.name, measure)


def test_check_gates_a_study_system_by_system(tmp_path):
    base, current = tmp_path / "base", tmp_path / "current"
    assert cli("run", "-s", "lead-3", "-s", "lead-2", "--limit", "6", "-o", base).code == 0
    assert cli("run", "-s", "lead-3", "-s", "lead-2", "--limit", "6", "-o", current).code == 0
    same = cli("check", current, "--baseline", base, "--junit", tmp_path / "j.xml")
    assert same.code == 0, same.err
    assert same.out.count("PASSED") == 2 and (tmp_path / "j.xml").read_text().count("<testsuite ") == 2
    worse = tmp_path / "worse"
    assert cli("run", "-s", "lead-1", "-s", "lead-2", "--limit", "6", "--name", "x", "-o", worse).code == 2
    mixed = cli("check", current, "--baseline", base / "lead-3")
    assert mixed.code == 2 and "a study against a study" in mixed.err

"""Run folders stand on their own (issue 10, acceptance 4): after the reference file is
gone, report, compare and check work from the folder and show the articles and
references as used -- a renamed article field and a seeded sample included."""

from __future__ import annotations

import json
from html import unescape

import sumbench
from cli_util import sumbench as cli
from sumbench.eval.runs import load_run

ARTICLES = {
    f"n{i}": (f"Story {i} opened with a council vote on the old bridge number {i}. "
              f"Repairs will take {i + 1} months. Buses will run in the meantime.",
              [f"The council voted on bridge {i}.", f"Repairs take {i + 1} months."])
    for i in range(6)
}


def write_references(path):
    path.write_text("".join(json.dumps({"key": k, "body": a, "highlights": h}) + "\n"
                            for k, (a, h) in ARTICLES.items()))


def test_report_compare_and_check_after_the_reference_file_is_gone(tmp_path):
    refs = tmp_path / "refs.jsonl"
    write_references(refs)
    common = ["-r", refs, "--article-field", "body", "--id-field", "key", "--sample", "4",
              "--seed", "0"]
    for name, summarizer in (("a", "lead-1"), ("b", "lead-2")):
        done = cli("run", "-s", summarizer, *common, "-o", tmp_path / name)
        assert done.code == 0, done.err
    refs.unlink()
    results = json.loads((tmp_path / "a" / "results.json").read_text())
    assert results["reference_set"]["fields"]["article"] == "body"
    assert results["reference_set"]["selection"] == {"limit": None, "sample": 4, "seed": 0}
    report = cli("report", tmp_path / "a", tmp_path / "b", "--format", "html", "-o", tmp_path / "r.html")
    assert report.code == 0, report.err
    page = unescape((tmp_path / "r.html").read_text())
    assert "not shown" not in page
    stored = [json.loads(l) for l in (tmp_path / "a" / "references.jsonl").read_text().splitlines()]
    assert len(stored) == 4
    for row in stored:
        article, highlights = ARTICLES[row["id"]]
        assert row["article"] == article and row["references"] == [highlights]
        assert article in page and highlights[1] in page
    assert cli("compare", tmp_path / "a", tmp_path / "b").code == 0
    assert cli("check", tmp_path / "b", "--baseline", tmp_path / "a").code in (0, 1)
    assert cli("check", tmp_path / "a", "--baseline", tmp_path / "a").code == 0


def test_a_fresh_run_and_its_folder_are_the_same_value(tmp_path):
    refs = sumbench.load_references(limit=3)
    run = sumbench.run(refs, "lead-3", metrics=["rouge", "rouge155"], diagnostics=True)
    loaded = load_run(run.save(tmp_path / "run"))
    assert loaded == run and loaded.examples == run.examples
    assert loaded.path == tmp_path / "run" and run.path is None
    for name, result in run.metrics.items():
        other = loaded.metrics[name]
        assert other.signature == result.signature and other.scores == result.scores
        assert other.info == result.info and dict(other.settings) == dict(result.settings)
        for measure, components in result.columns.items():
            for component, values in components.items():
                assert other.columns[measure][component].tolist() == values.tolist()
    assert loaded.diagnostics == run.diagnostics
    assert loaded.diagnostics_mean == run.diagnostics_mean


def test_references_that_do_not_match_the_scores_are_refused(tmp_path):
    folder = sumbench.run(sumbench.load_references(limit=2), "lead-1").save(tmp_path / "run")
    lines = (folder / "references.jsonl").read_text().splitlines()
    (folder / "references.jsonl").write_text("\n".join(reversed(lines)) + "\n")
    done = cli("compare", folder, folder)
    assert done.code == 2 and "references.jsonl" in done.err and "Traceback" not in done.err

"""Run folders stand on their own (issue 10, acceptance 4): after the reference file is
gone, report, compare and check work from the folder and show the articles and
references as used -- a renamed article field and a seeded sample included."""

from __future__ import annotations

import json
import re
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

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
    common = ["-r", refs, "--article-field", "body", "--id-field", "key", "--reference-sentences",
              "--sample", "4", "--seed", "0"]
    for name, summarizer in (("a", "lead-1"), ("b", "lead-2")):
        done = cli("run", "-s", summarizer, *common, "-o", tmp_path / name)
        assert done.code == 0, done.err
    refs.unlink()
    results = json.loads((tmp_path / "a" / "results.json").read_text())
    assert results["reference_set"]["fields"]["article"] == "body"
    assert results["reference_set"]["selection"] == {"limit": None, "sample": 4, "seed": 0}
    report = cli("report", tmp_path / "a", tmp_path / "b", "--format", "html", "--examples", "4",
                 "-o", tmp_path / "r.html")
    assert report.code == 0, report.err
    page = unescape(re.sub(r"<[^>]+>", "", (tmp_path / "r.html").read_text()))  # text only
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


# per_example.jsonl is written from the score matrix at once (issue 15); it must be byte
# for byte the file the record-by-record writer makes, whatever the names and values.
_NAMES = st.text(min_size=1, max_size=6).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF
                                                                    for c in t))
_FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 5).flatmap(lambda n: st.tuples(
    st.lists(_NAMES, min_size=n, max_size=n),
    st.dictionaries(_NAMES, st.dictionaries(_NAMES, st.dictionaries(
        _NAMES, st.lists(_FLOATS, min_size=n, max_size=n), max_size=3), max_size=3),
        max_size=3))))
def test_the_per_example_file_is_the_records_written_one_by_one(case) -> None:
    import numpy as np
    import orjson

    from sumbench.eval.runs.folder import per_example_jsonl

    ids, values = case
    scores = {name: {m: {c: np.array(v, dtype=np.float64) for c, v in comps.items()}
                     for m, comps in measures.items()} for name, measures in values.items()}
    expected = b"".join(orjson.dumps({"id": i, "scores": {
        name: {m: {c: float(v[k]) for c, v in comps.items()} for m, comps in measures.items()}
        for name, measures in scores.items()}}) + b"\n" for k, i in enumerate(ids))
    assert per_example_jsonl(ids, scores) == expected


def test_interval_bounds_off_the_range_by_rounding_load(tmp_path) -> None:
    """A bootstrap bound from values at 0 can come out as -1.4e-17; the folder sumbench
    wrote must still load (a real miss of the range is still refused: corrupt-run matrix)."""
    from dataclasses import replace as _replace

    import numpy as _np

    from fake_runs import make_run as _make_run
    from sumbench.eval.runs.folder import load_run as _load_run
    from sumbench.eval.stats.interval import Interval as _Interval

    run = _make_run("zeros", {"rouge1": _np.zeros(5)})
    result = run.metrics["rouge"]
    scores = {m: {c: _Interval(-1.3877787807814457e-17, 0.0, 0.0) for c in comps}
              for m, comps in result.scores.items()}
    run = _replace(run, metrics={"rouge": _replace(result, scores=scores)})
    run.save(tmp_path / "zeros")
    loaded = _load_run(tmp_path / "zeros")
    assert loaded.metrics["rouge"].scores["rouge1"]["fmeasure"].low == -1.3877787807814457e-17

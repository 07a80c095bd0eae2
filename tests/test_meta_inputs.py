"""Meta-evaluation inputs (issue 13): judgment readers (SummEval's annotation file,
REALSumm rows, generic JSONL/JSON/CSV), metric tables from runs, and the alignment rules
for degenerate data -- every exclusion reported, every impossible case a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fake_runs import make_run
from sumbench.common.errors import InputError, UsageError
from sumbench.eval.meta.align import align
from sumbench.eval.meta.evaluate import MetaSettings, meta_evaluate
from sumbench.eval.meta.fields import FieldSpec
from sumbench.eval.meta.formats import read_tables
from sumbench.eval.meta.runs import tables_from_runs
from sumbench.eval.meta.table import ScoreTable

DIMENSIONS = ("coherence", "consistency", "fluency", "relevance")


def summeval_file(path: Path, systems: int = 4, docs: int = 3, seed: int = 0) -> Path:
    """A file of the shape of SummEval's model_annotations.aligned.paired.jsonl: one
    object per summary with id, model_id, decoded, references, expert_annotations (3
    annotators) and turker_annotations (5), each a list of the four 1-5 ratings."""
    rng = np.random.default_rng(seed)
    with path.open("w") as out:
        for d in range(docs):
            for s in range(systems):
                def ratings(k: int) -> list[dict]:
                    return [{dim: int(rng.integers(1, 6)) for dim in DIMENSIONS} for _ in range(k)]
                out.write(json.dumps({
                    "id": f"dm-test-{d:040x}", "model_id": f"M{s}", "decoded": "a summary .",
                    "references": ["a reference ."], "filepath": "cnndm/dailymail/stories/x.story",
                    "expert_annotations": ratings(3), "turker_annotations": ratings(5)}) + "\n")
    return path


def test_summeval_layout_is_detected_and_annotators_are_averaged(tmp_path: Path) -> None:
    path = summeval_file(tmp_path / "model_annotations.aligned.paired.jsonl")
    tables, layout = read_tables(path, [])
    assert layout.format == "summeval" and (layout.doc_field, layout.system_fields) == ("id", ("model_id",))
    assert [t.name for t in tables] == list(DIMENSIONS)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for table, dim in zip(tables, DIMENSIONS):
        for record in records:
            want = np.mean([a[dim] for a in record["expert_annotations"]])
            assert table.values[(record["model_id"], record["id"])] == pytest.approx(want)
    crowd, _ = read_tables(path, [FieldSpec.parse("crowd=turker_annotations.relevance")])
    record = records[5]
    assert crowd[0].values[(record["model_id"], record["id"])] == pytest.approx(
        np.mean([a["relevance"] for a in record["turker_annotations"]]))


def realsumm_rows(path: Path, with_group: bool = True) -> Path:
    rows = []
    for doc in range(3):
        for group, system in (("abs", "bart_out"), ("ext", "bart_out"), ("ext", "lead")):
            row = {"doc_id": doc, "group": group, "system": system,
                   "litepyramid_recall": (doc + len(system) + (group == "abs")) / 10,
                   "rouge155_scores": {"rouge_1_recall": doc / 7 + len(group) / 3}}
            if not with_group:
                del row["group"]
            rows.append(row)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_realsumm_keys_include_the_group(tmp_path: Path) -> None:
    path = realsumm_rows(tmp_path / "realsumm.jsonl")
    tables, layout = read_tables(path, [])
    assert layout.format == "realsumm"
    assert set(tables[0].systems) == {"abs/bart_out", "ext/bart_out", "ext/lead"}
    assert tables[0].values[("abs/bart_out", "2")] == pytest.approx(1.1)
    with pytest.raises(InputError, match=r"realsumm.jsonl:2: a second record for system "
                                         r"'bart_out' on input '0'.*group,system"):
        read_tables(path, [FieldSpec.parse("litepyramid_recall")], system_fields=["system"])


def test_generic_rows_csv_json(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("doc,sys,score,note\nd1,A,3,x\nd1,B,,y\nd2,A,4.5,z\n")
    tables, layout = read_tables(tmp_path / "h.csv", [FieldSpec.parse("q=score")],
                                 doc_field="doc", system_fields=["sys"])
    assert layout.format == "rows"
    assert dict(tables[0].values) == {("A", "d1"): 3.0, ("A", "d2"): 4.5}  # empty = missing
    (tmp_path / "h.json").write_text(json.dumps([{"doc_id": 1, "system": "A", "s": [1, 2, None]}]))
    tables, _ = read_tables(tmp_path / "h.json", [FieldSpec.parse("s")])
    assert dict(tables[0].values) == {("A", "1"): 1.5}


@pytest.mark.parametrize("content,field,message", [
    ('{"doc_id": 1, "system": "A", "s": "good"}\n', "s", r"h.jsonl:1: field 's' is 'good', not a number"),
    ('{"doc_id": 1, "system": "A", "s": 1}\n', "t", r"no record has the field 't'"),
    ('{"doc_id": 1, "s": 1}\n', "s", r"h.jsonl:1: no field 'system'.*--system-field"),
    ('{"doc_id": 1, "system": "A", "s": true}\n', "s", r"not a number"),
    ('[1, 2]\n', "s", r"h.jsonl:1: expected an object"),
    ('{"doc_id": 1, "system": "A", "s": 1\n', "s", r"h.jsonl:1: malformed JSON"),
])
def test_bad_files_name_file_and_line(tmp_path: Path, content: str, field: str, message: str) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_tables(path, [FieldSpec.parse(field)])


def test_rows_format_needs_named_judgments(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text('{"doc_id": 1, "system": "A", "s": 1}\n')
    with pytest.raises(UsageError, match="name the judgments"):
        read_tables(path, [])
    with pytest.raises(UsageError, match="LABEL=PATH"):
        FieldSpec.parse("a=")


def table(name: str, values: dict) -> ScoreTable:
    return ScoreTable(name, values, source="test")


def grid(systems: int, docs: int, seed: int, skip: set = frozenset()) -> dict:
    rng = np.random.default_rng(seed)
    return {(f"S{s}", f"d{d}"): float(rng.normal()) for s in range(systems) for d in range(docs)
            if (f"S{s}", f"d{d}") not in skip}


def test_missing_judgments_exclude_their_input_and_say_so() -> None:
    metric = table("m", grid(4, 5, 0))
    human = table("h", grid(5, 6, 1, skip={("S2", "d3")}))  # one unjudged summary
    data = align([metric], [human])
    assert data.systems == ("S0", "S1", "S2", "S3") and data.inputs == ("d0", "d1", "d2", "d4")
    assert any("1 of 5 input(s) left out" in n and "'d3'" in n and "h for 'S2'" in n
               for n in data.notes)
    assert any("judged system(s) without metric scores left out: 'S4'" in n for n in data.notes)
    assert any("1 judged input(s) without metric scores left out: 'd5'" in n for n in data.notes)


@pytest.mark.parametrize("metric,human,message", [
    (grid(4, 3, 0), {(f"X{s}", f"d{d}"): 1.0 + s for s in range(4) for d in range(3)},
     "no system has both metric scores and judgments: the scores name 'S0'.*the judgments name 'X0'"),
    (grid(4, 3, 0), {(f"S{s}", f"e{d}"): 1.0 + s for s in range(4) for d in range(3)},
     "no input has both metric scores and judgments"),
    (grid(2, 3, 0), grid(2, 3, 1), "2 system\\(s\\) have both scores and judgments.*at least 3"),
    ({k: 0.5 for k in grid(4, 3, 0)}, grid(4, 3, 1), "m is 0.5 on every one of the 12 summaries"),
    (grid(4, 3, 0), {k: 3.0 for k in grid(4, 3, 1)}, "h is 3 on every one"),
])
def test_degenerate_data_is_a_clear_error(metric: dict, human: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        meta_evaluate([table("m", metric)], [table("h", human)], MetaSettings(resampling=None))


def test_constant_inputs_are_left_out_of_the_summary_level_and_reported() -> None:
    human = grid(5, 4, 1)
    for s in range(5):
        human[(f"S{s}", "d2")] = 4.0  # every system judged the same on d2
    result = meta_evaluate([table("m", grid(5, 4, 0))], [table("h", human)],
                           MetaSettings(resampling=None))
    summary = result.find("m", "h", "summary", "kendall")
    assert (summary.used, summary.of) == (3, 4)
    assert any("average fewer than all 4 inputs" in n for n in result.notes)
    assert all(np.isfinite(c.value) for c in result.correlations)


def test_system_level_undefined_is_an_error() -> None:
    metric = grid(3, 2, 0)
    metric.update({("S0", "d0"): 1.0, ("S0", "d1"): 0.0, ("S1", "d0"): 0.0, ("S1", "d1"): 1.0,
                   ("S2", "d0"): 0.5, ("S2", "d1"): 0.5})  # every system's mean is 0.5
    with pytest.raises(InputError, match="system-level pearson correlation of m with h is undefined"):
        meta_evaluate([table("m", metric)], [table("h", grid(3, 2, 1))],
                      MetaSettings(resampling=None, coefficients=("pearson",)))


def test_tables_from_runs_one_run_per_system() -> None:
    runs = [make_run(f"sys{k}", {"rouge1": np.linspace(0, 1, 4) * (k + 1) / 4,
                                 "rouge2": np.linspace(0, 1, 4)[::-1] / (k + 1)}) for k in range(3)]
    tables = tables_from_runs(runs, ["rouge1"], ["r", "f"])
    assert [t.name for t in tables] == ["rouge1/R", "rouge1/F"]
    assert tables[0].values[("sys2", "ex001")] == pytest.approx(runs[2].values(
        runs[2].resolve("rouge1"), "recall")[1])
    assert tables[0].metric == "rouge" and tables[0].signature.startswith("metric:rouge|")
    assert len(tables_from_runs(runs)) == 2 * 3
    with pytest.raises(InputError, match="'sys0' is used twice"):
        tables_from_runs([runs[0], runs[0]])


def test_runs_with_different_metric_settings_are_refused() -> None:
    from fake_runs import signature

    runs = [make_run("a", {"rouge1": np.linspace(0, 1, 4)}),
            make_run("b", {"rouge1": np.linspace(0, 1, 4)}, signature=signature(stem="none"))]
    with pytest.raises(InputError, match="'stem' is porter in 'a' but none in 'b'"):
        tables_from_runs(runs)


def test_api_meta_on_runs_and_a_summeval_file(tmp_path: Path) -> None:
    """sumbench.meta with in-memory runs (one per SummEval system) equals scipy on the
    file's averaged expert ratings, at the system and summary levels."""
    import sumbench
    from scipy import stats

    path = summeval_file(tmp_path / "model_annotations.aligned.paired.jsonl", systems=5, docs=6)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    docs = list(dict.fromkeys(r["id"] for r in records))
    rng = np.random.default_rng(3)
    runs = [make_run(f"M{s}", {"rouge1": rng.uniform(0, 1, size=6)}, ids=tuple(docs))
            for s in range(5)]
    result = sumbench.meta(runs, human=path, judgments=["coherence=expert_annotations.coherence"],
                           components=["f"], settings=sumbench.MetaSettings(resampling=None))
    assert result.metrics == ("rouge1/F",) and result.judgments == ("coherence",)
    human = {(r["model_id"], r["id"]): np.mean([a["coherence"] for a in r["expert_annotations"]])
             for r in records}
    X = np.array([run.values(run.resolve("rouge1"), "fmeasure") for run in runs])
    Z = np.array([[human[(f"M{s}", d)] for d in docs] for s in range(5)])
    got = result.find("rouge1/F", "coherence", "system", "kendall").value
    assert got == pytest.approx(stats.kendalltau(X.mean(axis=1), Z.mean(axis=1))[0], abs=1e-12)
    per_doc = [stats.pearsonr(X[:, j], Z[:, j])[0] for j in range(6)]
    got = result.find("rouge1/F", "coherence", "summary", "pearson").value
    assert got == pytest.approx(np.nanmean(per_doc), abs=1e-12)

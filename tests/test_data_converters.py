"""The converters of ``tests/data/`` (issue 20): each turns a public release into the file
the exactness tests read from ``../shared/data``.

Each is run through its command line on a small slice written here in the release's real
structure (REALSumm's ``scores_dicts/*.pkl`` with numpy float scalars as the release
pickled them, ``selected_docs_for_human_eval/*/*/ref.txt``; SummEval's ``test_util.py``;
SummEval's annotation lines and BARTScore's ``SUM/SummEval/data.pkl``; the dummy zips
in the history of huggingface/datasets, as a git repository), with made-up text; the
annotations' output is read by sumbench's meta-evaluation reader and by the
long-format ``sumbench score`` path. The restricted unpickler is shown refusing an ``os.system`` pickle,
and a copy of the tests without ``../shared`` shows every data skip naming its converter.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import json
import math
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from cli_util import sumbench
from shared_data import CONVERTERS, read_realsumm, t_sentences

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FIELDS = ["doc_id", "group", "system", "system_summary", "ref_summ_doc", "ref_summ_system",
          "litepyramid_recall", "rouge155_scores", "other_metric_scores"]


def converter(script: str, *args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(DATA / script), *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def one_error(done: subprocess.CompletedProcess, script: str, *fragments: str) -> str:
    assert done.returncode == 2, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{script}: error: "), done.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def safe_pickle():
    spec = importlib.util.spec_from_file_location("safe_pickle", DATA / "safe_pickle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Hostile:
    """Unpickling this runs ``os.system`` -- unless the unpickler refuses it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


# ---------------------------------------------------------------- the restricted unpickler

def test_a_pickle_that_calls_os_system_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "abs.pkl"
    path.write_bytes(pickle.dumps({0: {"scores": Hostile(marker)}}, protocol=3))
    with pytest.raises(pickle.UnpicklingError, match=r"refused (posix|os|nt)\.system"):
        safe_pickle().load_plain_pickle(path)
    assert not marker.exists()
    pickle.loads(path.read_bytes())  # the same bytes through plain pickle do run it
    assert marker.exists()


@pytest.mark.parametrize("value", [eval, np.array([0.5]), np.int64(3), np.float16(0.5),
                                   {1, 2}, frozenset({1}), bytearray(b"x")])
def test_anything_but_plain_data_and_float_scalars_is_refused(tmp_path: Path, value) -> None:
    path = tmp_path / "x.pkl"
    path.write_bytes(pickle.dumps({"value": value}, protocol=3))
    with pytest.raises(pickle.UnpicklingError):
        safe_pickle().load_plain_pickle(path)


@pytest.mark.parametrize("protocol", [3, 4, 5])  # REALSumm: 3; 2 needs _codecs.encode
def test_plain_containers_numbers_strings_and_numpy_floats_are_read(tmp_path: Path, protocol: int) -> None:
    data = {"a": [1, -2.5, "x\u00e9", None, True, (1, "b")], 7: {"f8": np.float64(0.1),
                                                                "f4": np.float32(0.3),
                                                                "big": np.float64(-1e300)}}
    path = tmp_path / "x.pkl"
    path.write_bytes(pickle.dumps(data, protocol=protocol))
    got = safe_pickle().load_plain_pickle(path)
    assert got == {"a": [1, -2.5, "x\u00e9", None, True, (1, "b")],
                   7: {"f8": 0.1, "f4": float(np.float32(0.3)), "big": -1e300}}
    assert all(type(v) is float for v in got[7].values())


def test_a_list_that_contains_itself_is_read(tmp_path: Path) -> None:
    loop: list = [1.5]
    loop.append(loop)
    path = tmp_path / "x.pkl"
    path.write_bytes(pickle.dumps({"loop": loop}, protocol=3))
    got = safe_pickle().load_plain_pickle(path)["loop"]
    assert got[0] == 1.5 and got[1] is got


# ---------------------------------------------------------------- REALSumm

ABS = ["t5_out_base", "bart_out", "fast_abs_rl_out_rerank", "presumm_out_abs"]
EXT = ["pnbert_out_bert_tf_pn", "bart_out", "neusumm_out"]  # neusumm's folder is under abs/
FOLDERS = {"abs": ["t5", "bart", "fast_abs_rl", "presumm", "neusumm"], "ext": ["pnbert", "bart"]}
WORDS = "kite lantern meadow pebble harbour violin orchard comet ladder walnut".split()


def made_up(rng: random.Random, sentences: int) -> str:
    return "  ".join(f"<t> {' '.join(rng.choice(WORDS) for _ in range(6))} . </t>"
                     for _ in range(sentences))


def as_release_pickle(data: dict) -> bytes:
    """Protocol 3 with numpy 1.x's module name, as REALSumm's scores_dicts were written."""
    return pickle.dumps(data, protocol=3).replace(b"numpy._core.multiarray", b"numpy.core.multiarray")


def realsumm_slice(source: Path, docs: int = 22) -> dict:
    """A REALSumm-shaped release; returns what the converter should read from it."""
    rng = random.Random(20)
    for group, folders in FOLDERS.items():
        for folder in folders:
            path = source / "selected_docs_for_human_eval" / group / folder / "ref.txt"
            path.parent.mkdir(parents=True)
            path.write_text("\n".join(f"<t> {group} {folder} reference {d} . </t>" for d in range(100)),
                            encoding="utf-8")
    (source / "scores_dicts").mkdir()
    expected = {}
    for group, systems in (("abs", ABS), ("ext", EXT)):
        release = {}
        for doc_id in rng.sample(range(docs), docs):  # keys in no particular order
            summaries = {}
            for system in systems:
                scores = {"rouge_2_precision": rng.random(), "js-2": -rng.random(),
                          "mover_score": np.float64(rng.random()), "rouge_1_f_score": rng.random(),
                          "litepyramid_recall": rng.choice([0.0, 0.5, 1 / 3]),
                          "bert_precision_score": np.float32(rng.random()), "rouge_l_recall": 0.5}
                summaries[f"{system}.txt"] = {"system_summary": made_up(rng, 3), "scores": scores}
                expected[doc_id, group, system] = scores
            release[doc_id] = {"doc_id": doc_id, "ref_summ": made_up(rng, 2),
                               "system_summaries": summaries}
            expected[doc_id, group] = release[doc_id]["ref_summ"]
        (source / "scores_dicts" / f"{group}.pkl").write_bytes(as_release_pickle(release))
    return expected


def test_realsumm_converter_writes_what_the_tests_read(tmp_path: Path) -> None:
    expected = realsumm_slice(tmp_path / "REALSumm")
    out = tmp_path / "shared" / "data" / "realsumm_dev.jsonl"
    done = converter("build_realsumm.py", "--source", tmp_path / "REALSumm", "--out", out)
    assert done.returncode == 0, done.stderr
    rows = read_realsumm(out)
    assert [(r["doc_id"], r["group"], r["system"]) for r in rows] == [
        (d, g, s) for d in range(20) for g, systems in (("abs", ABS), ("ext", EXT)) for s in sorted(systems)]
    assert len({r["key"] for r in rows}) == len(rows) == 20 * 7
    for row in rows:
        assert list(row) == [*FIELDS, "key"]
        scores = expected[row["doc_id"], row["group"], row["system"]]
        assert row["litepyramid_recall"] == scores["litepyramid_recall"]
        assert list(row["rouge155_scores"].items()) == [
            (k, v) for k, v in scores.items() if k.startswith("rouge_")]
        assert row["other_metric_scores"] == {"js-2": scores["js-2"], "mover_score": float(scores["mover_score"]),
                                              "bert_precision_score": float(scores["bert_precision_score"])}
        assert row["ref_summ_doc"] == expected[row["doc_id"], row["group"]]
        folder = row["system"].split("_out")[0]
        folder_group = "abs" if folder in FOLDERS["abs"] else "ext"  # abs/ first, as REALSumm scored them
        assert row["ref_summ_system"] == f"<t> {folder_group} {folder} reference {row['doc_id']} . </t>"
        assert len(t_sentences(row["system_summary"])) == 3 and len(t_sentences(row["ref_summ_doc"])) == 2
    raw = out.read_text(encoding="utf-8")
    assert raw.endswith("\n") and raw.count("\n") == len(rows)


def test_realsumm_converter_refuses_a_hostile_pickle_and_writes_nothing(tmp_path: Path) -> None:
    realsumm_slice(tmp_path / "REALSumm")
    marker = tmp_path / "ran"
    (tmp_path / "REALSumm" / "scores_dicts" / "ext.pkl").write_bytes(
        pickle.dumps({0: Hostile(marker)}, protocol=3))
    out = tmp_path / "realsumm_dev.jsonl"
    done = converter("build_realsumm.py", "--source", tmp_path / "REALSumm", "--out", out)
    one_error(done, "build_realsumm.py", "ext.pkl", "system", "refused")
    assert not marker.exists() and not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "REALSumm"]


def test_realsumm_converter_names_what_is_missing(tmp_path: Path) -> None:
    realsumm_slice(tmp_path / "REALSumm", docs=12)
    done = converter("build_realsumm.py", "--source", tmp_path / "REALSumm", "--out", tmp_path / "o.jsonl")
    one_error(done, "build_realsumm.py", "has no document 12")
    done = converter("build_realsumm.py", "--source", tmp_path, "--out", tmp_path / "o.jsonl")
    one_error(done, "build_realsumm.py", "abs.pkl not found", "neulab/REALSumm")
    assert not (tmp_path / "o.jsonl").exists()


# ---------------------------------------------------------------- SummEval

TEST_UTIL = '''# pylint: disable=C0103
import os
os.system("touch {marker}")

EPS = 1e-5

CANDS = [
    "a kite over the meadow",
    "The lantern stood by the harbour, \\"quietly\\".",
]
REFS = [
    "A Kite Above The Meadow",
    "the lantern " "by the harbour",
]
REFS_chrfpp = ["x\\n", "y\\n" "z\\n"]
CAND_R = "the comet passed the orchard . \\n a ladder leaned on the walnut tree ."
REF_R = "a comet over the orchard . \\n the ladder by the walnut ."
rouge_output = {{'rouge_1_recall': 0.5, 'rouge_1_recall_cb': 0.5, 'rouge_su*_f_score_ce': 0.25}}
rouge_output_batch = {{'rouge_1_recall': 0.61, 'rouge_1_recall_cb': 0.4, 'rouge_w_1.2_recall': 0.3}}
rouge_empty = {{'rouge_1_recall': 0.0, 'rouge_1_recall_cb': 0.0}}


def helper():
    return {{"not": "read"}}
'''


def summeval_slice(source: Path, marker: Path, text: str = TEST_UTIL) -> Path:
    path = source / "evaluation" / "summ_eval" / "test_util.py"
    path.parent.mkdir(parents=True)
    path.write_text(text.format(marker=marker), encoding="utf-8")
    return path


def test_summeval_converter_writes_what_the_tests_read_without_running_the_file(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    summeval_slice(tmp_path / "SummEval", marker)
    out = tmp_path / "shared" / "data" / "summeval_rouge155_examples.json"
    done = converter("build_summeval.py", "--source", tmp_path / "SummEval", "--out", out)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == ["source", "rouge155_flags", "note", "single_pair", "batch", "empty"]
    assert data["rouge155_flags"] == "-c 95 -2 -1 -U -r 1000 -n 4 -w 1.2 -a -m"
    assert data["single_pair"] == {
        "prediction": "the comet passed the orchard . \n a ladder leaned on the walnut tree .",
        "reference": "a comet over the orchard . \n the ladder by the walnut .",
        "rouge155": {"rouge_1_recall": 0.5, "rouge_1_recall_cb": 0.5, "rouge_su*_f_score_ce": 0.25}}
    assert data["batch"] == {
        "predictions": ["a kite over the meadow", 'The lantern stood by the harbour, "quietly".'],
        "references": ["A Kite Above The Meadow", "the lantern by the harbour"],
        "rouge155": {"rouge_1_recall": 0.61, "rouge_1_recall_cb": 0.4, "rouge_w_1.2_recall": 0.3}}
    assert data["empty"] == {"rouge155": {"rouge_1_recall": 0.0, "rouge_1_recall_cb": 0.0}}


def test_summeval_converter_refuses_what_is_not_a_literal(tmp_path: Path) -> None:
    text = TEST_UTIL.replace("rouge_empty = {{", "rouge_empty = dict(**{{", 1).replace(
        "'rouge_1_recall_cb': 0.0}}", "'rouge_1_recall_cb': 0.0}})", 1)
    summeval_slice(tmp_path / "SummEval", tmp_path / "ran", text)
    out = tmp_path / "out.json"
    done = converter("build_summeval.py", "--source", tmp_path / "SummEval", "--out", out)
    one_error(done, "build_summeval.py", "test_util.py, line 20", "rouge_empty is not a literal")
    assert not out.exists() and not (tmp_path / "ran").exists()
    done = converter("build_summeval.py", "--source", tmp_path / "nowhere", "--out", out)
    one_error(done, "build_summeval.py", "test_util.py not found", "Yale-LILY/SummEval")


# ---------------------------------------------------------------- SummEval's annotations

ANNOTATIONS = "build_summeval_annotations.py"
SYSTEMS = ["M23", "M2", "M10", "M0"]  # written in no order; numbered order out
DOC_IDS = ["dm-test-0c1", "cnn-test-9f2", "dm-test-07a"]


def annotation_release(rng: random.Random, paired: bool = False) -> list[dict]:
    """Records shaped as SummEval's model_annotations.aligned[.paired].jsonl, made-up text."""
    def sentence(count: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(count)) + " ."

    def ratings(count: int) -> list[dict]:
        return [{d: rng.randint(1, 5) for d in ("coherence", "consistency", "fluency", "relevance")}
                for _ in range(count)]

    references = {doc: [sentence(8) + " " + sentence(5) for _ in range(11)] for doc in DOC_IDS}
    articles = {doc: " ".join(sentence(10) for _ in range(4)) for doc in DOC_IDS}
    records = []
    for doc in DOC_IDS:
        for system in SYSTEMS:
            record = {"id": doc, "decoded": sentence(9) + " " + sentence(6),
                      "expert_annotations": ratings(3), "turker_annotations": ratings(5),
                      "references": references[doc], "model_id": system,
                      "filepath": f"cnndm/{doc}.story", "metric_scores_1": {"rouge": {"x": 0.5}}}
            if paired:
                record["text"] = articles[doc]
            records.append(record)
    rng.shuffle(records)
    return records


def write_records(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def as_bartscore(records: list[dict], with_ref_summs: bool = True) -> dict:
    """The same summaries as BARTScore re-packaged them: experts averaged, no crowd."""
    data: dict = {}
    for record in records:
        document = data.setdefault(record["id"], {
            "src": record.get("text", "made-up source ."), "ref_summ": record["references"][0],
            "sys_summs": {}})
        if with_ref_summs:
            document["ref_summs"] = record["references"]
        experts = record["expert_annotations"]
        scores = {d: np.float64(sum(e[d] for e in experts) / len(experts)) if d == "fluency"
                  else sum(e[d] for e in experts) / len(experts)
                  for d in ("coherence", "consistency", "fluency", "relevance")}
        scores["bart_score_cnn_hypo_ref"] = np.float32(-2.5)  # a metric score: dropped
        document["sys_summs"][record["model_id"]] = {"sys_summ": record["decoded"], "scores": scores}
    return data


def expected_order() -> list[tuple[str, str]]:
    return [(doc, system) for doc in sorted(DOC_IDS) for system in ["M0", "M2", "M10", "M23"]]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("paired", [False, True])
def test_annotations_from_the_release_one_row_per_summary(tmp_path: Path, paired: bool) -> None:
    records = annotation_release(random.Random(5), paired)
    source = write_records(tmp_path / "model_annotations.aligned.jsonl", records)
    out = tmp_path / "shared" / "data" / "summeval_annotations.jsonl"
    done = converter(ANNOTATIONS, "--source", source, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "12 rows (3 documents, 4 systems, from the summeval-release)" in done.stdout
    rows = read_jsonl(out)
    assert [(r["id"], r["model_id"]) for r in rows] == expected_order()
    by_key = {(r["id"], r["model_id"]): r for r in records}
    for row in rows:
        record = by_key[row["id"], row["model_id"]]
        fields = ["id", "model_id", "decoded", "references", *(["text"] if paired else []),
                  "expert_annotations", "turker_annotations", "filepath", "source"]
        assert list(row) == fields
        assert row["source"] == "summeval-release"
        assert {k: row[k] for k in fields[:-1]} == {k: record[k] for k in fields[:-1]}


def test_annotations_from_bartscore_have_its_averaged_experts(tmp_path: Path) -> None:
    records = annotation_release(random.Random(6), paired=True)
    source = tmp_path / "data.pkl"
    source.write_bytes(as_release_pickle(as_bartscore(records)))
    out = tmp_path / "summeval_annotations.jsonl"
    done = converter(ANNOTATIONS, "--source", source, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "from the bartscore-pickle" in done.stdout
    rows = read_jsonl(out)
    assert [(r["id"], r["model_id"]) for r in rows] == expected_order()
    by_key = {(r["id"], r["model_id"]): r for r in records}
    for row in rows:
        record = by_key[row["id"], row["model_id"]]
        assert list(row) == ["id", "model_id", "decoded", "references", "text",
                             "expert_annotations", "source"]
        assert (row["decoded"], row["references"], row["text"], row["source"]) == (
            record["decoded"], record["references"], record["text"], "bartscore-pickle")
        [mean] = row["expert_annotations"]
        for dimension, value in mean.items():
            assert value == pytest.approx(sum(e[dimension] for e in record["expert_annotations"]) / 3)
    # a re-packaging without ref_summs has one reference, its ref_summ
    source.write_bytes(as_release_pickle(as_bartscore(records, with_ref_summs=False)))
    assert converter(ANNOTATIONS, "--source", source, "--out", out).returncode == 0
    assert all(r["references"] == [by_key[r["id"], r["model_id"]]["references"][0]]
               for r in read_jsonl(out))


def test_annotations_converter_refuses_a_hostile_pickle_and_writes_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = tmp_path / "scores.pkl"
    source.write_bytes(pickle.dumps({"dm-test-0c1": {"src": "x", "ref_summ": "y",
                                                     "sys_summs": Hostile(marker)}}, protocol=3))
    out = tmp_path / "out" / "summeval_annotations.jsonl"
    one_error(converter(ANNOTATIONS, "--source", source, "--out", out), ANNOTATIONS,
              "scores.pkl", "refused", "system")
    assert not marker.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("change, fragments", [
    (lambda rs: rs[4].update(references=rs[4]["references"][:10]), ["line 5", "10 references, SummEval has 11"]),
    (lambda rs: rs[2].pop("expert_annotations"), ["line 3", "no field 'expert_annotations'"]),
    (lambda rs: rs[1]["expert_annotations"][2].update(fluency="high"), ["line 2", "fluency 'high'"]),
    (lambda rs: rs[7].update(model_id=""), ["line 8", "model_id is ''"]),
    (lambda rs: rs.append(dict(rs[3])), ["line 13", "a second row for document", "line 4"]),
    (lambda rs: rs[6].update(text="only this row has its article"), ["line 1: no text", "line 7 has one"]),
])
def test_annotations_converter_names_the_line_of_a_bad_release(tmp_path: Path, change, fragments) -> None:
    records = annotation_release(random.Random(7))
    change(records)
    source = write_records(tmp_path / "model_annotations.aligned.jsonl", records)
    out = tmp_path / "summeval_annotations.jsonl"
    one_error(converter(ANNOTATIONS, "--source", source, "--out", out), ANNOTATIONS,
              "model_annotations.aligned.jsonl", *fragments)
    assert not out.exists()


def test_annotations_converter_names_a_bad_pickle_document(tmp_path: Path) -> None:
    data = as_bartscore(annotation_release(random.Random(8)))
    del data["dm-test-07a"]["sys_summs"]["M10"]["sys_summ"]
    source = tmp_path / "data.pkl"
    source.write_bytes(as_release_pickle(data))
    one_error(converter(ANNOTATIONS, "--source", source, "--out", tmp_path / "o.jsonl"),
              ANNOTATIONS, "document 'dm-test-07a', system 'M10'", "sys_summ")
    one_error(converter(ANNOTATIONS, "--source", tmp_path / "nowhere.jsonl", "--out", tmp_path / "o.jsonl"),
              ANNOTATIONS, "nowhere.jsonl not found", "data.pkl")
    assert not (tmp_path / "o.jsonl").exists()


def test_both_sources_give_the_same_judgments_to_sumbench_meta(tmp_path: Path) -> None:
    from sumbench.eval.meta.formats import read_tables

    records = annotation_release(random.Random(9))
    release = write_records(tmp_path / "model_annotations.aligned.jsonl", records)
    pickled = tmp_path / "data.pkl"
    pickled.write_bytes(as_release_pickle(as_bartscore(records)))
    judgments = {}
    for name, source in (("release", release), ("bartscore", pickled)):
        out = tmp_path / f"{name}.jsonl"
        assert converter(ANNOTATIONS, "--source", source, "--out", out).returncode == 0
        tables, layout = read_tables(out, [])
        assert (layout.format, layout.doc_field, layout.system_fields) == ("summeval", "id", ("model_id",))
        judgments[name] = {table.name: table for table in tables}
    assert list(judgments["release"]) == ["coherence", "consistency", "fluency", "relevance"]
    for dimension, table in judgments["release"].items():
        for (system, doc), value in table.values.items():
            experts = next(r["expert_annotations"] for r in records
                           if (r["model_id"], r["id"]) == (system, doc))
            assert value == pytest.approx(sum(e[dimension] for e in experts) / 3)
            assert judgments["bartscore"][dimension].values[system, doc] == pytest.approx(value)
        assert len(table.values) == 12


def oracle_rouge1_f(rows: list[dict]) -> str:
    """ROUGE-1 F in points, the best over the references, by rouge-score itself."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    values = [scorer.score_multi(r["references"], r["decoded"])["rouge1"].fmeasure for r in rows]
    return f"{100 * math.fsum(values) / len(values):.2f}"


def test_the_long_format_score_path_reads_the_output(tmp_path: Path) -> None:
    records = annotation_release(random.Random(10), paired=True)
    out = tmp_path / "summeval_annotations.jsonl"
    source = write_records(tmp_path / "model_annotations.aligned.paired.jsonl", records)
    assert converter(ANNOTATIONS, "--source", source, "--out", out).returncode == 0
    result = sumbench("score", "-r", out, "--id-field", "id", "--prediction-field", "decoded",
                      "--system-field", "model_id", "--multi-reference", "--metrics", "rouge",
                      "--rouge-types", "rouge1", "--bootstrap-samples", "1", "-o", tmp_path / "study")
    assert result.code == 0, result.err
    assert "4 systems on" in result.out and "(3 examples)" in result.out
    rows = read_jsonl(out)
    for system in SYSTEMS:
        line = next(l for l in result.out.splitlines() if l.split()[:1] == [system])
        assert line.split()[1] == oracle_rouge1_f([r for r in rows if r["model_id"] == system])
        saved = json.loads((tmp_path / "study" / system / "results.json").read_text())
        assert saved["counts"]["multi_reference_examples"] == 3


def test_the_summeval_m23_check_on_a_made_up_file(tmp_path: Path) -> None:
    """tests/data/check_summeval_m23.py (run by hand on the real release) on a converted
    made-up release: issue 20's command, M23's rows only, M23's ROUGE-1 F as rouge-score
    gives it, and not M0's."""
    sys.path.insert(0, str(ROOT / "tests" / "data"))
    try:
        import check_summeval_m23 as check
    finally:
        sys.path.pop(0)
    records = annotation_release(random.Random(11))
    out = tmp_path / "summeval_annotations.jsonl"
    source = write_records(tmp_path / "model_annotations.aligned.jsonl", records)
    assert converter(ANNOTATIONS, "--source", source, "--out", out).returncode == 0
    expected = oracle_rouge1_f([r for r in read_jsonl(out) if r["model_id"] == "M23"])
    assert expected != oracle_rouge1_f([r for r in read_jsonl(out) if r["model_id"] == "M0"])
    (tmp_path / "scratch").mkdir()
    assert check.rouge1_f(out, "M23", tmp_path / "scratch") == expected


# ---------------------------------------------------------------- the multilingual pairs

MLING = "build_mling.py"


def build_mling():
    sys.path.insert(0, str(DATA))
    try:
        import build_mling as module
    finally:
        sys.path.pop(0)
    return module


def zip_of(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("dummy_data/", b"")
        for name, data in members.items():
            archive.writestr(f"dummy_data/{name}", data)
    return buffer.getvalue()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t",
                           *args], capture_output=True, text=True, check=True).stdout.strip()


def commit_files(repo: Path, files: dict[str, bytes]) -> str:
    for path, data in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_bytes(data)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "dummy data")
    return git(repo, "rev-parse", "HEAD")


def mlsum_line(text: str, summary: str, title: str) -> str:
    return json.dumps({"text": text, "summary": summary, "url": "u", "title": title,
                       "topic": "t", "date": "d"}) + "\n"


# made-up text in the releases' shapes: a wiki_lingua pickle, GEM's line files, MLSUM's
# JSON lines (then, a commit later, cut down to a placeholder) and ThaiSum's CSV
WIKI = {"https://ar.example/kite": {
    "section one": {"summary": "Fly the kite. Hold the string. ",
                    "document": "Ok. Fly the kite on a windy day near the meadow. Then hold it.",
                    "english_url": "e", "english_section_name": "s"},
    "section two": {"summary": "Fold the lantern.",
                    "document": "Step 2. Fold the lantern twice and glue it. Dry it overnight.",
                    "english_url": "e", "english_section_name": "s"}}}
GEM_SRC = "Mix 1.5 cups of pebble flour, then stir gently! Serve warm.\nComet soup is easy to make at home.\n"
GEM_TGT = "Mix and stir.\nMake comet soup.\n"
MLSUM_DE = (mlsum_line("Der Drachen fliegt hoch über der Wiese. Alle schauen zu.", " Drachen fliegt. ",
                       "  Drachen über der Wiese ")
            + mlsum_line("Die Laterne leuchtet im Garten hell. Es ist Nacht.", "Laterne leuchtet.", "Licht"))
THAI = ("title,body,summary,type,tags,url\n"
        "หัวข้อ ข่าว,ก ขข คคค งงงง จจจจจ ฉฉฉฉฉฉ ชชชชชชช ซซซซซซซซ ฌฌฌฌฌฌฌฌฌ ญญญญญญญญญญ ฎฎฎ,สรุป ข่าว,t,g,u\n")


def mling_release(tmp_path: Path):
    """A git repository whose history holds the made-up zips at the real paths: the
    converter's SOURCES for them, pointed at its two commits, and the selection."""
    module = build_mling()
    repo = tmp_path / "datasets"
    repo.mkdir()
    git(repo, "init", "-q")
    keys = ["wiki_lingua/arabic", "gem/wiki_lingua_arabic_ar", "mlsum/de", "thaisum"]
    paths = {key: module.SOURCES[key].path for key in keys}
    first = commit_files(repo, {
        paths["wiki_lingua/arabic"]: zip_of({"uc%3Fexport%3Ddownload%26id%3Dx":
                                             pickle.dumps(WIKI, protocol=3)}),
        paths["gem/wiki_lingua_arabic_ar"]: zip_of({"arabic.zip/arabic/train.src.ar": GEM_SRC,
                                                    "arabic.zip/arabic/train.tgt.ar": GEM_TGT,
                                                    "arabic.zip/arabic/train.tgt.en": "english\n"}),
        paths["mlsum/de"]: zip_of({"de_train.jsonl": MLSUM_DE}),
        paths["thaisum"]: zip_of({"data.zip/data/train.csv": THAI}),
    })
    later = commit_files(repo, {paths["mlsum/de"]: zip_of(
        {"de_test.zip/de_test.jsonl": mlsum_line("This is a text", "A text", "A sample")})})
    sources = {key: dataclasses.replace(module.SOURCES[key], commit=first) for key in keys}
    sources["mlsum/de@later"] = dataclasses.replace(module.SOURCES["mlsum/de"], commit=later)
    d = module.digest
    selection = [
        "# a comment",
        f"ar wiki_lingua/arabic {d('Fly the kite. Hold the string.')} {d('Fold the lantern.')}",
        f"ar gem/wiki_lingua_arabic_ar {d('Make comet soup.')} {d('Fly the kite. Hold the string.')}",
        f"ar gem/wiki_lingua_arabic_ar {d('Mix and stir.')} {d('Fold the lantern.')}",
        f"de mlsum/de {d('Drachen fliegt.')}",
        f"th thaisum {d('สรุป ข่าว')}",
        f"de mlsum/de {d('Laterne leuchtet.')} {d('A text')}",
    ]
    return module, repo, sources, selection, first


def test_mling_converter_builds_the_pairs_from_the_history_of_a_made_up_release(tmp_path: Path) -> None:
    module, repo, sources, selection, first = mling_release(tmp_path)
    rows = module.build(repo, selection, sources)
    d = module.digest
    assert [r["id"] for r in rows] == [
        f"ar-{d('Fly the kite. Hold the string.')}-lead1", f"ar-{d('Fly the kite. Hold the string.')}-other",
        f"ar-{d('Make comet soup.')}-lead1", f"ar-{d('Make comet soup.')}-other",
        f"ar-{d('Mix and stir.')}-lead1", f"ar-{d('Mix and stir.')}-other",
        f"de-{d('Drachen fliegt.')}-lead1", f"de-{d('Drachen fliegt.')}-title",
        f"th-{d('สรุป ข่าว')}-lead1", f"th-{d('สรุป ข่าว')}-title",
        f"de-{d('Laterne leuchtet.')}-lead1", f"de-{d('Laterne leuchtet.')}-other"]
    assert [r["prediction"] for r in rows] == [
        "Fly the kite on a windy day near the meadow.",  # "Ok." is a fragment: passed over
        "Fold the lantern.",
        "Comet soup is easy to make at home.", "Fly the kite. Hold the string.",
        "Mix 1.5 cups of pebble flour, then stir gently!", "Fold the lantern.",  # no split in 1.5
        "Der Drachen fliegt hoch über der Wiese.", "Drachen über der Wiese",
        "ก ขข คคค งงงง จจจจจ ฉฉฉฉฉฉ ชชชชชชช ซซซซซซซซ",  # Thai: the first 40+ characters (43)
        "หัวข้อ ข่าว",
        "Die Laterne leuchtet im Garten hell.", "A text"]  # from the later, cut-down zip
    assert [r["prediction_kind"].split()[0] for r in rows] == [
        "lead1_sentence_of_article", "reference_summary_of_a_different_example"] * 3 + [
        "lead1_sentence_of_article", "human_headline_of_same_article"] * 2 + [
        "lead1_sentence_of_article", "reference_summary_of_a_different_example"]
    assert rows[0]["reference"] == "Fly the kite. Hold the string."  # stripped
    assert rows[0]["article"] == WIKI["https://ar.example/kite"]["section one"]["document"]
    assert rows[2]["article"] == "Comet soup is easy to make at home."
    assert rows[0]["source"] == (f"huggingface/datasets:{sources['wiki_lingua/arabic'].path}"
                                 f"!dummy_data/uc%3Fexport%3Ddownload%26id%3Dx@{first}")
    assert rows[2]["source"].endswith(f"!dummy_data/arabic.zip/arabic/train.tgt.ar@{first}")
    assert [r["dataset"] for r in rows[::2]] == [
        "WikiLingua (HF wiki_lingua dummy)", "WikiLingua (GEM dummy)", "WikiLingua (GEM dummy)",
        "MLSUM (HF/GEM dummy)", "ThaiSum (HF dummy)", "MLSUM (HF/GEM dummy)"]
    assert all(list(r) == ["lang", "id", "reference", "prediction", "prediction_kind", "article",
                           "source", "dataset"] for r in rows)
    out = tmp_path / "shared" / "data" / "mling_dev.jsonl"
    module.write_jsonl(rows, out)
    text = out.read_text(encoding="utf-8")
    assert "ข่าว" in text and text.count("\n") == 12 and [json.loads(l) for l in text.splitlines()] == rows


@pytest.mark.parametrize("article, lang, lead", [
    ("短句。这是一个足够长的中文句子用于测试。后面的句子。", "zh", "这是一个足够长的中文句子用于测试。"),
    ("Team 1. League starts today in the town. Next one.", "tr", "Team 1. League starts today in the town."),
    (". A line that starts with a stray full stop. More.", "it", ". A line that starts with a stray full stop."),
    ("यह एक बनाया हुआ लंबा वाक्य है। दूसरा।", "hi", "यह एक बनाया हुआ लंबा वाक्य है।"),
    ("  No sentence mark at all here  ", "en", "No sentence mark at all here"),
])
def test_mling_lead_sentence(article: str, lang: str, lead: str) -> None:
    assert build_mling().lead_sentence(article, lang) == lead


def test_mling_converter_refuses_a_hostile_pickle(tmp_path: Path) -> None:
    module, repo, sources, selection, _ = mling_release(tmp_path)
    marker = tmp_path / "ran"
    path = sources["wiki_lingua/arabic"].path
    hostile = commit_files(repo, {path: zip_of({"x": pickle.dumps({"u": Hostile(marker)}, protocol=3)})})
    sources["wiki_lingua/arabic"] = dataclasses.replace(sources["wiki_lingua/arabic"], commit=hostile)
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        module.build(repo, selection, sources)
    assert not marker.exists()


@pytest.mark.parametrize("line, fragment", [
    ("ar wiki_lingua/arabic 0123456789 0123456789", "no summary with digest 0123456789"),
    ("de mlsum/de {title} 0123456789", "0 de summaries with digest 0123456789"),
    ("ar gem/wiki_lingua_arabic_ar {gem}", "gem/wiki_lingua_arabic_ar has no headlines"),
    ("de wiki_lingua/arabic {gem}", "line 1: not 'lang source digest [other digest]'"),
])
def test_mling_converter_names_what_does_not_match(tmp_path: Path, line: str, fragment: str) -> None:
    module, repo, sources, _, _ = mling_release(tmp_path)
    line = line.format(title=module.digest("Drachen fliegt."), gem=module.digest("Mix and stir."))
    with pytest.raises(module.ReleaseError, match=re.escape(fragment)):
        module.build(repo, [line], sources)


def test_mling_selection_names_136_examples_in_19_languages() -> None:
    module = build_mling()
    entries = module.read_selection(module.SELECTION.read_text(encoding="utf-8").splitlines(), module.SOURCES)
    assert len(entries) == 136 and len({lang for lang, *_ in entries}) == 19
    assert len({(lang, digest) for lang, _, digest, _ in entries}) == 136
    for lang, key, digest, other in entries:  # a headline where the source has one
        headlines = module.SOURCES[key].read is module.read_mlsum or key in ("thaisum", "pn_summary")
        assert (other is None) == headlines, (key, digest)


def test_mling_converter_needs_the_history(tmp_path: Path) -> None:
    shallow = tmp_path / "datasets"
    shallow.mkdir()
    git(shallow, "init", "-q")
    out = tmp_path / "out" / "mling_dev.jsonl"
    one_error(converter(MLING, "--source", shallow, "--out", out), MLING,
              "no datasets/", "full clone of huggingface/datasets")
    one_error(converter(MLING, "--source", tmp_path / "nowhere", "--out", out), MLING, "nowhere is not a folder")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- skips in a clone

# One test per place the shared data is read (a skip in a fixture, in a test, in a helper).
SHARED_DATA_TESTS = [
    "tests/test_score_realsumm.py", "tests/test_rouge155_summeval.py",
    "tests/test_rouge_exact.py::test_realsumm_two_references",
    "tests/test_multilingual_rouge.py::test_every_development_pair_equals_the_reference_scorer",
    "tests/test_study.py::test_realsumm_as_one_study_equals_25_single_runs",
    "tests/test_cli_meta.py::test_runs_that_do_not_match_the_judgments",
    "tests/test_cli_meta.py::test_sumbench_rouge_runs_give_their_own_rows",
]


def test_in_a_clone_without_shared_every_data_skip_names_its_converter(tmp_path: Path) -> None:
    clone = tmp_path / "clone"  # tmp_path/shared does not exist
    clone.mkdir()
    shutil.copy(ROOT / "pyproject.toml", clone)
    shutil.copytree(ROOT / "tests", clone / "tests",
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           *SHARED_DATA_TESTS], cwd=clone, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    reasons = re.findall(r"^SKIPPED \[\d+\] [^:]+:\d+: (.*)$", done.stdout, re.M)
    summary = done.stdout.strip().splitlines()[-1]
    assert reasons and re.match(r"\d+ skipped(, \d+ warnings?)? in ", summary), done.stdout[-3000:]
    for reason in reasons:
        assert re.fullmatch(r"\.\./shared/data/(\S+) not found: build it from .* with `python "
                            r"tests/data/build_\w+\.py --source <[^<>]+> --out "
                            r"\.\./shared/data/\1` \(README: Tests that need data\)", reason), reason
    named = {name for name, (script, *_) in CONVERTERS.items()
             if any(f"tests/data/{script} " in r for r in reasons)}
    assert named == set(CONVERTERS)


def test_every_read_of_shared_data_goes_through_require() -> None:
    """So the end-to-end check above speaks for every test: no test builds a
    ../shared/data path or skips for it on its own."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name in {"shared_data.py", Path(__file__).name}:
            continue
        text = path.read_text(encoding="utf-8")
        for name in CONVERTERS:
            assert not re.search(rf"""["']{re.escape(name)}["']""", text), (
                f"{path.name} builds a path to {name}: use shared_data's constant and require()")
        assert not re.search(r"""SHARED\s*/\s*["']data""", text), path.name
        assert "shared folder is not beside" not in text, path.name


def test_converters_are_documented_with_their_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Tests that need data" in readme
    for name, (script, _, _, repository) in CONVERTERS.items():
        command = f"python tests/data/{script} --source"
        assert command in (DATA / script).read_text(encoding="utf-8")
        assert command in readme and f"../shared/data/{name}" in readme
        assert f"https://github.com/{repository}" in readme

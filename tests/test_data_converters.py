"""The converters of ``tests/data/`` (issue 20): each turns a public release into the file
the exactness tests read from ``../shared/data``.

Each is run through its command line on a small slice written here in the release's real
structure (REALSumm's ``scores_dicts/*.pkl`` with numpy float scalars as the release
pickled them, ``selected_docs_for_human_eval/*/*/ref.txt``; SummEval's ``test_util.py``),
with made-up text. The restricted unpickler is shown refusing an ``os.system`` pickle,
and a copy of the tests without ``../shared`` shows every data skip naming its converter.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from shared_data import CONVERTERS, NO_CONVERTER, read_realsumm, t_sentences

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
        if any(f"../shared/data/{name} not found: it is " in reason for name in NO_CONVERTER):
            continue  # no public converter: the reason says where the file comes from
        assert re.fullmatch(r"\.\./shared/data/(\S+) not found: build it from .* with `python "
                            r"tests/data/build_\w+\.py --source <clone of \S+> --out "
                            r"\.\./shared/data/\1` \(README: Tests that need data\)", reason), reason
    named = {name for name, (script, _, _) in CONVERTERS.items() if any(script in r for r in reasons)}
    assert named == set(CONVERTERS)


def test_every_read_of_shared_data_goes_through_require() -> None:
    """So the end-to-end check above speaks for every test: no test builds a
    ../shared/data path or skips for it on its own."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name in {"shared_data.py", Path(__file__).name}:
            continue
        text = path.read_text(encoding="utf-8")
        for name in [*CONVERTERS, *NO_CONVERTER]:
            assert not re.search(rf"""["']{re.escape(name)}["']""", text), (
                f"{path.name} builds a path to {name}: use shared_data's constant and require()")
        assert not re.search(r"""SHARED\s*/\s*["']data""", text), path.name
        assert "shared folder is not beside" not in text, path.name


def test_converters_are_documented_with_their_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Tests that need data" in readme
    for name, (script, _, repository) in CONVERTERS.items():
        command = f"python tests/data/{script} --source"
        assert command in (DATA / script).read_text(encoding="utf-8")
        assert command in readme and f"../shared/data/{name}" in readme
        assert f"https://github.com/{repository}" in readme

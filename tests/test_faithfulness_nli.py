"""``faithfulness-nli`` (SummaC-ZS, issue 14): label mapping by name, premises and
windows, cuts, and the score against a matrix computed here by hand -- each pair through
the tiny NLI model directly with transformers, then max over premises and mean over
summary sentences.  The tiny model's labels are neutral/ENTAILMENT/Contradiction, an
order no checkpoint uses, so a metric that assumed positions would fail these tests.
Also: hub names offline, no torch at import, and the CLI end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from cli_util import sumbench

from sumbench.eval.data.records import Example
from sumbench.common.errors import InputError, OfflineError
from sumbench.eval.metrics import build_metrics
from sumbench.eval.metrics.faithfulness.nli import label_indices
from sumbench.eval.metrics.faithfulness.premises import pack_windows, summary_sentences

SENTENCES = [
    "The council voted to make all buses free.",        # 9 word-level tokens
    "The mayor said the plan starts in June.",          # 9
    "Critics said the total cost is too high.",         # 9
    "Riders welcomed the news on a sunny Monday.",      # 9
    "Officials expect more than two thousand riders every day once the free service "
    "begins across the whole county next summer and they plan to add more routes later.",
]
SUMMARY = "The council voted for free buses.\nThe plan starts in June."  # 7 and 6 tokens
ARTICLE = " ".join(SENTENCES)


def example(i: int, article: str) -> Example:
    return Example(id=f"x{i}", article=article, references=(("unused reference.",),))


def hand_scores(folder, premises, hypotheses, max_length=None, strategy="only_first"):
    """entailment - contradiction for every (premise, hypothesis), one pair at a time."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    matrix = np.zeros((len(premises), len(hypotheses)))
    for p, premise in enumerate(premises):
        for h, hypothesis in enumerate(hypotheses):
            kwargs = {"truncation": strategy, "max_length": max_length} if max_length else {}
            encoded = tokenizer(premise, hypothesis, return_tensors="pt", **kwargs)
            with torch.no_grad():
                probabilities = torch.softmax(model(**encoded).logits[0], dim=-1)
            matrix[p, h] = float(probabilities[1] - probabilities[2])  # ENTAILMENT, Contradiction
    return matrix


def metric(folder, **options):
    found = build_metrics(["faithfulness-nli"], {"nli_model": str(folder), **options})[0]
    found.progress = False
    return found


# -- labels ----------------------------------------------------------------------------
def test_labels_are_found_by_name_never_by_position() -> None:
    assert label_indices({0: "neutral", 1: "ENTAILMENT", 2: "Contradiction"}, "m") == (1, 2)
    assert label_indices({"0": "CONTRADICTION", "1": "NEUTRAL", "2": "ENTAILMENT"}, "m") == (2, 0)
    assert label_indices({0: "SUPPORTS", 1: "REFUTES", 2: "NOT ENOUGH INFO"}, "m") == (0, 1)
    assert label_indices({0: "entailment", 1: "not_entailment", 2: "contradiction"}, "m") == (0, 2)
    with pytest.raises(InputError, match=r"m: config.id2label \(0=LABEL_0, 1=LABEL_1, "
                                         r"2=LABEL_2\) names no entailment label"):
        label_indices({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, "m")
    with pytest.raises(InputError, match="names no contradiction label"):
        label_indices({0: "entailment", 1: "not_entailment"}, "m")
    with pytest.raises(InputError, match="more than one entailment"):
        label_indices({0: "entailment", 1: "supports", 2: "contradiction"}, "m")


def test_model_without_named_labels_is_refused(tmp_path) -> None:
    pytest.importorskip("transformers")
    from tiny_models import build_nli

    folder = build_nli(tmp_path / "unnamed", labels={0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    with pytest.raises(InputError, match="names no entailment label"):
        metric(folder).score([example(0, ARTICLE)], [SUMMARY])


# -- premises --------------------------------------------------------------------------
def test_windows_pack_consecutive_sentences_greedily() -> None:
    words = lambda text: len(text.split())  # noqa: E731
    sentences = ["a b", "c d e", "f", "g h i j k l", "m n"]
    windows = pack_windows(sentences, words, budget=5)
    assert [(w.text, w.first, w.last) for w in windows] == [
        ("a b c d e", 0, 1), ("f", 2, 2), ("g h i j k l", 3, 3), ("m n", 4, 4)]
    assert [w.text for w in pack_windows(sentences, words, budget=100)] == [" ".join(sentences)]
    assert [w.text for w in pack_windows(sentences, words, budget=0)] == sentences
    assert pack_windows([], words, budget=5) == []
    assert summary_sentences("One line without stop\nSecond line. Third one.") == [
        "One line without stop", "Second line.", "Third one."]


# -- the score against the hand-computed matrix ----------------------------------------
def test_sentence_premises_match_the_hand_computed_matrix(tiny_nli) -> None:
    articles = [ARTICLE, " ".join(SENTENCES[2:4])]
    summaries = [SUMMARY, "Riders welcomed the news.\nCritics said the cost is too high.\nOk"]
    scored = metric(tiny_nli).score([example(i, a) for i, a in enumerate(articles)], summaries)
    values = scored.columns["faithfulness"]["score"]
    hypotheses = [summary_sentences(s) for s in summaries]
    by_hand = [hand_scores(tiny_nli, SENTENCES, hypotheses[0]),
               hand_scores(tiny_nli, SENTENCES[2:4], hypotheses[1])]
    expected = [m.max(axis=0).mean() for m in by_hand]
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-6)
    # The positions a metric might assume (entailment 0 or 2, contradiction 2 or 0)
    # give other numbers: the test can tell a wrong mapping from the right one.
    assert not np.allclose(expected, [0.0, 0.0], atol=1e-3)
    assert scored.details["labels"] == {"entailment": [1, "ENTAILMENT"],
                                        "contradiction": [2, "Contradiction"]}
    assert scored.details["premise_count"] == 7 and scored.details["pairs"] == 5 * 2 + 2 * 3
    assert scored.details["premises_cut"] == 0 and scored.notices == ()
    assert all(-1 <= v <= 1 for v in values)


def test_windows_and_cuts_match_the_hand_computed_matrix(tiny_nli) -> None:
    # 3 special tokens + the longest summary sentence (7) + two 9-token sentences = 28:
    # windows are sentences 1-2, 3-4, and sentence 5 alone (30 tokens), which is cut.
    scored = metric(tiny_nli, nli_premises="window", nli_max_length=28).score(
        [example(0, ARTICLE)], [SUMMARY])
    premises = [" ".join(SENTENCES[0:2]), " ".join(SENTENCES[2:4]), SENTENCES[4]]
    by_hand = hand_scores(tiny_nli, premises, summary_sentences(SUMMARY), max_length=28)
    assert scored.columns["faithfulness"]["score"][0] == pytest.approx(
        by_hand.max(axis=0).mean(), abs=1e-6)
    details = scored.details
    assert details["windows"] == 3 and details["premises_cut"] == 1
    assert details["hypotheses_cut"] == 0 and details["max_length"] == 28
    [notice] = scored.notices
    assert notice.code == "nli-premises-cut" and notice.ids == ("x0",)
    assert "1 premise(s) in 1 example(s)" in notice.message and "28 tokens" in notice.message


def test_a_summary_sentence_longer_than_the_input_is_cut_and_counted(tiny_nli) -> None:
    long_sentence = SENTENCES[4]  # 30 tokens; with 3 specials it cannot fit in 20
    scored = metric(tiny_nli, nli_max_length=20).score([example(0, SENTENCES[0])],
                                                       [long_sentence])
    by_hand = hand_scores(tiny_nli, [SENTENCES[0]], [long_sentence], max_length=20,
                          strategy="longest_first")
    assert scored.columns["faithfulness"]["score"][0] == pytest.approx(by_hand[0, 0], abs=1e-6)
    assert scored.details["hypotheses_cut"] == 1 and scored.details["premises_cut"] == 1
    assert {n.code for n in scored.notices} == {"nli-premises-cut", "nli-hypotheses-cut"}


def test_batching_and_an_empty_summary(tiny_nli) -> None:
    examples = [example(i, ARTICLE) for i in range(3)]
    summaries = [SUMMARY, "", SENTENCES[1]]
    one = metric(tiny_nli, nli_batch_size=1).score(examples, summaries)
    many = metric(tiny_nli, nli_batch_size=64).score(examples, summaries)
    np.testing.assert_allclose(one.columns["faithfulness"]["score"],
                               many.columns["faithfulness"]["score"], atol=1e-6)
    assert one.columns["faithfulness"]["score"][1] == 0.0  # SummaC: nothing to check, 0


# -- failing fast, importing light -----------------------------------------------------
def test_hub_name_offline_fails_fast(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(OfflineError, match="cannot reach the Hugging Face hub"):
        build_metrics(["faithfulness-nli"], {"nli_model": "acme/not-here"})
    done = sumbench("score", "-p", "x.jsonl", "-r", "fixtures", "--metrics", "faithfulness-nli",
                    env={"HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "hub")})
    assert done.code == 2 and "--nli-model: hf:tals/albert-xlarge-vitaminc-mnli: cannot reach " \
        "the Hugging Face hub" in done.err
    assert "Traceback" not in done.err


def test_metric_modules_import_neither_torch_nor_transformers() -> None:
    modules = ", ".join(f"sumbench.eval.metrics.{m}" for m in (
        "faithfulness.metric", "faithfulness.nli", "faithfulness.premises", "judge.metric",
        "judge.calls", "judge.ratings", "judge.rubrics"))
    code = (f"import sys; import {modules}, sumbench.eval.cli, sumbench.summarize.hf; "
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


# -- the CLI ---------------------------------------------------------------------------
@pytest.mark.slow
def test_cli_run_score_compare_check_report(tiny_nli, tmp_path) -> None:
    common = ["--metrics", "rouge,faithfulness-nli", "--nli-model", tiny_nli,
              "--nli-premises", "window", "--bootstrap-samples", "200"]
    done = sumbench("run", "-s", "lead-1", "--baselines", "--limit", "4", *common,
                    "-o", tmp_path / "runs")
    assert done.code == 0, done.err
    lead3, lead1 = tmp_path / "runs" / "lead-3", tmp_path / "runs" / "lead-1"
    results = json.loads((lead3 / "results.json").read_text())
    faithful = results["metrics"]["faithfulness-nli"]
    assert faithful["signature"].startswith(
        "metric:faithfulness-nli|impl:summac-zs|weights:sha256:")
    assert "|premises:window|maxlen:model|dtype:float32|split:sentencex-" in faithful["signature"]
    assert faithful["info"]["range"] == [-1.0, 1.0] and faithful["details"]["windows"] >= 4
    rows = [json.loads(line)["scores"]["faithfulness-nli"]["faithfulness"]["score"]
            for line in (lead3 / "per_example.jsonl").open()]
    assert len(rows) == 4 and all(-1 <= r <= 1 for r in rows)

    scored = sumbench("score", "-p", lead3 / "predictions.jsonl",
                      "-r", lead3 / "references.jsonl", *common, "-o", tmp_path / "again")
    assert scored.code == 0, scored.err
    assert "faithfulness" in scored.out
    # the table names the unit; stderr (a pipe, not a terminal) has plain progress lines
    assert "faithfulness-nli (points, -100 to 100)" in scored.out
    assert "\r" not in scored.err and "loaded the NLI model" in scored.err
    assert re.search(r"^faithfulness-nli .*: \d+/\d+ pairs in \d+:\d\d ", scored.err, re.M), \
        scored.err
    again = json.loads((tmp_path / "again" / "results.json").read_text())
    assert again["metrics"]["faithfulness-nli"]["scores"] == faithful["scores"]

    compared = sumbench("compare", lead3, lead1)
    assert compared.code == 0, compared.err
    assert any(line.startswith("faithfulness") for line in compared.out.splitlines())
    checked = sumbench("check", lead3, "--baseline", lead3)
    assert checked.code == 0, checked.err
    assert "faithfulness" in checked.out
    reported = sumbench("report", lead3, lead1, "-o", tmp_path / "report.html")
    assert reported.code == 0, reported.err
    assert "faithfulness" in (tmp_path / "report.html").read_text()

"""Tests for eval.oracle: the greedy ROUGE-1 + ROUGE-2 extractive oracle.

The independent reference is a slow greedy search written here that scores every
candidate selection with rouge-score's own ``RougeScorer`` on the joined text; the
oracle must choose exactly the same sentences.  Reference sets are the bundled fixtures
and seeded generated ones (pseudo-words; references paraphrase random article sentences).
"""

from __future__ import annotations

import numpy as np
import pytest
from rouge_score import rouge_scorer

from sumbench.eval.data import load_reference_set
from sumbench.eval.oracle import OracleSummarizer
from sumbench.eval.data.records import Example
from sumbench.eval.metrics.rouge.engine import RougeConfig
from sumbench.eval.metrics.base import BootstrapSettings
from sumbench.eval.metrics.rouge.metric import RougeMetric, RougeMetricConfig
from sumbench.eval.pipeline import score_metric
from sumbench.summarize.base import get_summarizer
from sumbench.common.sentences import split_sentences

TYPES = ("rouge1", "rouge2")


@pytest.fixture(scope="module")
def fixtures() -> tuple[Example, ...]:
    return load_reference_set("fixtures").examples


def generated_set(seed: int, n: int = 20, lead_bias: float = 0.0, refs: int = 1,
                  max_sentences: int = 30, vocab_size: int = 400) -> list[Example]:
    """Articles of pseudo-word sentences; each reference paraphrases 2-4 article
    sentences (words dropped and replaced), drawn from the lead with ``lead_bias``.
    A small ``vocab_size`` makes bigrams across sentence boundaries match often."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnoprstuvw"))
    vocab = ["".join(rng.choice(letters, rng.integers(4, 9))) for _ in range(vocab_size)]
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()

    def sentence() -> list[str]:
        return [vocab[i] for i in rng.choice(len(vocab), rng.integers(6, 22), p=weights)]

    def paraphrase(words: list[str]) -> str:
        kept = [w if rng.random() > 0.2 else vocab[rng.integers(len(vocab))]
                for w in words if rng.random() > 0.3]
        return " ".join(kept or words[:1]).capitalize() + "."

    examples = []
    for e in range(n):
        body = [sentence() for _ in range(rng.integers(5, max_sentences))]
        article = " ".join(" ".join(s).capitalize() + "." for s in body)
        references = []
        for _ in range(refs):
            k = int(rng.integers(2, 5))
            if rng.random() < lead_bias:
                picked = range(min(k, len(body)))
            else:
                picked = sorted(rng.choice(len(body), min(k, len(body)), replace=False))
            references.append(tuple(paraphrase(body[i]) for i in picked))
        examples.append(Example(id=f"g{seed}-{e}", article=article, references=tuple(references)))
    return examples


def slow_greedy(sentences: list[str], references: list[str], use_stemmer: bool = True,
                multi_ref: str = "max", cap: int | None = None) -> list[int]:
    """The greedy oracle written out, every candidate scored by rouge-score itself."""
    scorer = rouge_scorer.RougeScorer(list(TYPES), use_stemmer=use_stemmer)

    def objective(text: str) -> float:
        if multi_ref == "max":
            scores = scorer.score_multi(references, text)
            return sum(scores[t].fmeasure for t in TYPES)
        per_ref = [scorer.score(r, text) for r in references]
        return sum(np.mean([s[t].fmeasure for s in per_ref]) for t in TYPES)

    chosen: list[int] = []
    best = 0.0
    while cap is None or len(chosen) < cap:
        pick = None
        for i in range(len(sentences)):
            if i in chosen:
                continue
            value = objective("\n".join(sentences[j] for j in sorted(chosen + [i])))
            if value > best:
                best, pick = value, i
        if pick is None:
            break
        chosen.append(pick)
    return sorted(chosen)


def corpus_means(examples, predictions) -> dict[str, float]:
    metric = RougeMetric(RougeMetricConfig(rouge=RougeConfig(rouge_types=TYPES)),
                         BootstrapSettings(10))
    scored = score_metric(metric, examples, predictions)
    return {t: scored.scores[t]["fmeasure"].mid for t in TYPES}


# ------------------------------------------------------------------ acceptance


@pytest.mark.parametrize("source", ["fixtures", "random", "random-multi", "lead-biased"])
def test_oracle_at_least_lead3_on_corpus_means(source, fixtures):
    examples = {
        "fixtures": lambda: list(fixtures),
        "random": lambda: generated_set(1),
        "random-multi": lambda: generated_set(2, refs=3),
        "lead-biased": lambda: generated_set(3, lead_bias=0.7),
    }[source]()
    oracle = OracleSummarizer().summarize_examples(examples)
    lead = get_summarizer("lead-3").summarize([e.article for e in examples])
    oracle_means = corpus_means(examples, oracle)
    lead_means = corpus_means(examples, lead)
    for t in TYPES:
        assert oracle_means[t] >= lead_means[t], (t, oracle_means, lead_means)


def test_oracle_equals_slow_greedy_on_fixtures(fixtures):
    oracle = OracleSummarizer()
    for example in fixtures[:8]:
        sentences = split_sentences(example.article)
        expected = slow_greedy(sentences, example.reference_texts())
        assert oracle.select(example.article, example.reference_texts()) == expected, example.id


@pytest.mark.parametrize("use_stemmer, multi_ref, refs, vocab_size", [
    (True, "max", 1, 400), (False, "max", 1, 400), (True, "max", 3, 400),
    (True, "mean", 3, 400), (True, "max", 1, 12), (True, "mean", 2, 12)])
def test_oracle_equals_slow_greedy_on_generated(use_stemmer, multi_ref, refs, vocab_size):
    oracle = OracleSummarizer(rouge=RougeConfig(use_stemmer=use_stemmer, multi_ref=multi_ref))
    for example in generated_set(10 + refs, n=6, refs=refs, max_sentences=14,
                                 vocab_size=vocab_size):
        sentences = split_sentences(example.article)
        expected = slow_greedy(sentences, example.reference_texts(), use_stemmer, multi_ref)
        assert oracle.select(example.article, example.reference_texts()) == expected


@pytest.mark.parametrize("seed, vocab_size, refs, multi_ref", [
    (40, 400, 1, "max"), (41, 12, 1, "max"), (42, 12, 3, "max"), (43, 12, 3, "mean")])
def test_running_objective_equals_rouge_score_in_any_insertion_order(seed, vocab_size,
                                                                     refs, multi_ref):
    """Sentences added in random order (so often between two chosen ones): after every
    addition the tracked ROUGE-1 F + ROUGE-2 F is rouge-score's on the joined text."""
    rng = np.random.default_rng(seed)
    oracle = OracleSummarizer(rouge=RougeConfig(multi_ref=multi_ref))
    scorer = rouge_scorer.RougeScorer(list(TYPES), use_stemmer=True)
    for example in generated_set(seed, n=4, refs=refs, max_sentences=12,
                                 vocab_size=vocab_size):
        sentences = split_sentences(example.article)
        sentences[2:2] = ["", "--"]  # sentences without tokens, between others
        references = example.reference_texts()
        search = oracle.search(sentences, references)
        added: list[int] = []
        for index in rng.permutation(len(sentences)):
            added.append(int(index))
            text = "\n".join(sentences[i] for i in sorted(added))
            if multi_ref == "max":
                scores = scorer.score_multi(references, text)
                expected = sum(scores[t].fmeasure for t in TYPES)
            else:
                per_ref = [scorer.score(r, text) for r in references]
                expected = sum(np.mean([s[t].fmeasure for s in per_ref]) for t in TYPES)
            assert search.add(int(index)) == pytest.approx(expected, abs=1e-12)


def test_cap_matches_slow_greedy_with_cap():
    for example in generated_set(20, n=5, max_sentences=14):
        sentences = split_sentences(example.article)
        refs = example.reference_texts()
        for k in (1, 2):
            chosen = OracleSummarizer(f"oracle-{k}").select(example.article, refs)
            assert chosen == slow_greedy(sentences, refs, cap=k)
            assert len(chosen) <= k


# ------------------------------------------------------------------ behaviour


def test_output_in_article_order_and_boundary_bigram_counts():
    """Sentences 0 and 2 together rebuild the reference, bigram 'beta gamma' included."""
    article = "Alpha beta. Something else entirely. Gamma delta."
    summary = OracleSummarizer().summarize_with_references(
        [article], [["alpha beta gamma delta"]])[0]
    assert summary == "Alpha beta.\nGamma delta."
    example = Example(id="x", article=article, references=(("alpha beta gamma delta",),))
    means = corpus_means([example], [summary])
    assert means == {"rouge1": 1.0, "rouge2": 1.0}


def test_ties_go_to_the_earlier_sentence():
    oracle = OracleSummarizer()
    assert oracle.select("Alpha beta. Gamma. Alpha beta.", ["alpha beta"]) == [0]


def test_nothing_to_gain_gives_empty_summary():
    oracle = OracleSummarizer()
    article = "The cat sat. The dog ran."
    summaries = oracle.summarize_with_references([article, article], [["zebra quokka"], [""]])
    assert summaries == ["", ""]


def test_irrelevant_extra_reference_changes_nothing_under_max():
    """A reference sharing no token scores F = 0 everywhere, so max ignores it."""
    oracle = OracleSummarizer()
    for example in generated_set(30, n=5):
        refs = example.reference_texts()
        assert (oracle.select(example.article, refs)
                == oracle.select(example.article, refs + ["zzzz qqqq xxxx"]))


def test_summarize_examples_uses_every_reference(fixtures):
    oracle = OracleSummarizer()
    examples = list(fixtures[:3])
    assert oracle.summarize_examples(examples) == oracle.summarize_with_references(
        [e.article for e in examples], [e.reference_texts() for e in examples])


def test_shapes_are_checked():
    oracle = OracleSummarizer()
    with pytest.raises(ValueError):
        oracle.summarize_with_references(["a. b."], [])
    with pytest.raises(TypeError):
        oracle.summarize_with_references(["a. b."], ["one reference as a bare string"])


@pytest.mark.parametrize("name", ["oracle-0", "oracle3", "lead-3"])
def test_bad_names(name):
    with pytest.raises(ValueError):
        OracleSummarizer(name)


def test_settings_and_name():
    oracle = OracleSummarizer("oracle-3", rouge=RougeConfig(use_stemmer=False))
    assert oracle.name == "oracle-3"
    settings = oracle.settings()
    assert settings["max_sentences"] == 3 and settings["use_stemmer"] is False
    assert OracleSummarizer().settings()["max_sentences"] is None

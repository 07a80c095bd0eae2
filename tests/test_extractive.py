"""Tests for summarize.extractive: Random-k, TextRank and LexRank.

Hand-worked similarity values (written as literals), PageRank against an exact linear
solve, determinism, seeding and article-order output on the bundled fixtures.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sumbench.eval.data import load_reference_set
from sumbench.summarize.base import find_entry, get_summarizer, UnknownSummarizerError
from sumbench.summarize.extractive import (
    LexRank,
    RandomK,
    TextRank,
    lexrank_adjacency,
    pagerank,
    textrank_similarity,
    top_k,
    words,
)
from sumbench.common.sentences import split_sentences

NAMES = ("random-3", "textrank", "textrank-5", "lexrank", "lexrank-2")


@pytest.fixture(scope="module")
def articles() -> list[str]:
    return [e.article for e in load_reference_set("fixtures").examples]


def sentence_indices(article: str, summary: str) -> list[int]:
    """Position in the article of each summary line (each line is an article sentence)."""
    sentences = split_sentences(article)
    return [sentences.index(line) for line in summary.split("\n")]


# ------------------------------------------------------------------ registry / names


@pytest.mark.parametrize("name, cls, k", [
    ("random-3", RandomK, 3), ("random-1", RandomK, 1), ("textrank", TextRank, 3),
    ("textrank-5", TextRank, 5), ("lexrank", LexRank, 3), ("lexrank-2", LexRank, 2),
])
def test_registry_builds_each_name(name, cls, k):
    summarizer = get_summarizer(name)
    assert isinstance(summarizer, cls)
    assert summarizer.name == name
    assert summarizer.k == k
    assert summarizer.settings()["k"] == k


@pytest.mark.parametrize("name", ["random", "textrank-", "lexrank3", "random-x"])
def test_malformed_names_are_unknown(name):
    with pytest.raises(UnknownSummarizerError):
        find_entry(name)


@pytest.mark.parametrize("name", ["random-0", "textrank-0", "lexrank-0"])
def test_k_zero_is_rejected(name):
    with pytest.raises(ValueError):
        get_summarizer(name)


def test_lexrank_threshold_option_is_validated_and_recorded():
    assert get_summarizer("lexrank", {"threshold": 0.3}).settings()["threshold"] == 0.3
    with pytest.raises(ValueError):
        get_summarizer("lexrank", {"threshold": 1.5})


# ------------------------------------------------------------------ all extractive


@pytest.mark.parametrize("name", NAMES)
def test_outputs_are_article_sentences_in_article_order(name, articles):
    summarizer = get_summarizer(name)
    for article, summary in zip(articles, summarizer.summarize(articles)):
        indices = sentence_indices(article, summary)
        assert indices == sorted(set(indices))
        assert len(indices) == min(summarizer.k, len(split_sentences(article)))


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_and_batch_invariant(name, articles):
    first = get_summarizer(name).summarize(articles)
    again = get_summarizer(name).summarize(articles)
    reversed_batch = get_summarizer(name).summarize(articles[::-1])[::-1]
    one_by_one = [get_summarizer(name).summarize([a])[0] for a in articles]
    assert first == again == reversed_batch == one_by_one


@pytest.mark.parametrize("name", NAMES)
def test_short_and_empty_articles(name):
    summarizer = get_summarizer(name)
    short = "Only one sentence here."
    assert summarizer.summarize([short, ""]) == [short, ""]


def test_random_same_seed_identical_other_seed_differs(articles):
    a = get_summarizer("random-3", {"generation_seed": 7}).summarize(articles)
    b = get_summarizer("random-3", {"generation_seed": 7}).summarize(articles)
    c = get_summarizer("random-3", {"generation_seed": 8}).summarize(articles)
    default = get_summarizer("random-3").summarize(articles)
    assert a == b
    assert a != c
    assert default == get_summarizer("random-3", {"generation_seed": 12345}).summarize(articles)
    assert get_summarizer("random-3", {"generation_seed": 8}).settings()["seed"] == 8


def test_random_draws_are_spread_over_the_article():
    """Over many seeds every sentence of a 6-sentence article gets picked."""
    article = " ".join(f"Sentence number {w} is here." for w in
                       ["one", "two", "three", "four", "five", "six"])
    picked = set()
    for seed in range(40):
        summary = get_summarizer("random-2", {"generation_seed": seed}).summarize([article])[0]
        picked.update(sentence_indices(article, summary))
    assert picked == {0, 1, 2, 3, 4, 5}


# ------------------------------------------------------------------ pieces


def test_words_lowercase_and_drop_punctuation():
    assert words("The U.S. economy's 3rd-quarter_growth!") == [
        "the", "u", "s", "economy", "s", "3rd", "quarter", "growth"]


def test_textrank_similarity_hand_worked():
    sim = textrank_similarity([["a", "b", "c"], ["a", "b", "d", "b"], ["e"]])
    # |{a, b}| / (log 3 + log 4); a one-word sentence shares nothing here.
    assert sim[0, 1] == pytest.approx(2 / (math.log(3) + math.log(4)))
    assert sim[1, 0] == sim[0, 1]
    assert sim[0, 2] == 0.0 and sim[2, 1] == 0.0
    assert np.all(np.diag(sim) == 0.0)
    # two one-word sentences: denominator log 1 + log 1 = 0 -> similarity 0
    assert textrank_similarity([["x"], ["x"]])[0, 1] == 0.0


def test_lexrank_adjacency_hand_worked():
    sentences = [["x", "y"], ["x", "z"], ["w"]]
    # idf(x) = log(3/2), idf(y) = idf(z) = log 3; cos(0, 1) = idf_x^2 / (idf_x^2 + idf_y^2)
    cosine = math.log(1.5) ** 2 / (math.log(1.5) ** 2 + math.log(3) ** 2)
    assert 0.119 < cosine < 0.120
    assert lexrank_adjacency(sentences, 0.1).tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 1]]
    assert lexrank_adjacency(sentences, 0.2).tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    # a word in every sentence weighs nothing: such a sentence has no edges at all
    assert lexrank_adjacency([["the"], ["the", "cat"]], 0.1).tolist() == [[0, 0], [0, 1]]


def test_pagerank_matches_exact_solution():
    rng = np.random.default_rng(3)
    sim = rng.random((7, 7))
    sim = sim + sim.T
    sim[2, :] = 0.0
    sim[:, 2] = 0.0  # an isolated node: its row jumps uniformly
    scores = pagerank(sim)
    n, d = 7, 0.85
    sums = sim.sum(axis=1, keepdims=True)
    m = np.where(sums > 0, sim / np.where(sums > 0, sums, 1), 1 / n)
    exact = np.linalg.solve(np.eye(n) - d * m.T, np.full(n, (1 - d) / n))
    assert scores == pytest.approx(exact, abs=1e-10)
    assert scores.sum() == pytest.approx(1.0)


def test_pagerank_star_centre_ranks_first():
    sim = np.zeros((5, 5))
    sim[0, 1:] = sim[1:, 0] = 1.0
    scores = pagerank(sim)
    assert top_k(scores, 1) == [0]
    assert scores[1] == pytest.approx(scores[4])


def test_top_k_ties_go_to_earlier_sentence():
    assert top_k(np.array([0.2, 0.5, 0.2, 0.5, 0.1]), 3) == [1, 3, 0]


def test_graph_methods_pick_the_hub_sentence():
    """The sentence sharing words with most others ranks first; the off-topic one last."""
    article = ("Tickets for the concert sold out within an hour. "
               "The storm closed the harbour bridge and cancelled the ferries and the concert. "
               "A local bakery won an award. "
               "Ferries stayed in port as the storm hit. "
               "The harbour bridge was shut at noon. "
               "Organisers moved the concert to Sunday.")
    assert len(split_sentences(article)) == 6
    for name in ("textrank-1", "lexrank-1"):
        summary = get_summarizer(name).summarize([article])[0]
        assert sentence_indices(article, summary) == [1], name
    tokenized = [words(s) for s in split_sentences(article)]
    assert int(np.argmin(pagerank(textrank_similarity(tokenized)))) == 2

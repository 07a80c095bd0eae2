"""Tests for eval.diagnostics on hand-worked cases whose answers are literals.

Coverage and density follow Grusky, Naaman & Artzi 2018 (Newsroom); a literal
transcription of the paper's Algorithm 1 is the reference for the fast fragment search.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sumbench.eval.data import load_reference_set
from sumbench.eval.diagnostics import (
    DIAGNOSTIC_FIELDS,
    Diagnostics,
    Fragment,
    aggregate,
    coverage_density,
    diagnose,
    diagnose_all,
    fragments,
    lead3_overlap,
    novel_ngram_rate,
    repeated_trigram_rate,
    tokenize,
)
from sumbench.summarize.base import get_summarizer


def paper_fragments(a: list[str], s: list[str]) -> list[int]:
    """Algorithm 1 of the Newsroom paper, line by line (0-based); fragment lengths."""
    found = []
    i = j = 0
    while i < len(s):
        f: list[str] = []
        while j < len(a):
            if s[i] == a[j]:
                i2, j2 = i, j
                while i2 < len(s) and j2 < len(a) and s[i2] == a[j2]:
                    i2, j2 = i2 + 1, j2 + 1
                if len(f) < i2 - i:
                    f = s[i:i2]
                j = j2
            else:
                j += 1
        i, j = i + max(len(f), 1), 0
        if f:
            found.append(len(f))
    return found


# ------------------------------------------------------------------ coverage / density


def test_summary_copied_whole_has_coverage_one_and_density_its_length():
    article = tokenize("Rain fell on the town all night and the river rose fast.")
    summary = tokenize("the river rose fast")
    assert coverage_density(article, summary) == (1.0, 4.0)


def test_no_shared_words_gives_zero():
    assert coverage_density(tokenize("the cat sat"), tokenize("dogs bark loudly")) == (0.0, 0.0)


def test_fragments_of_three_and_two_in_six_tokens():
    article = tokenize("The cat sat on the mat today.")
    summary = tokenize("The cat sat quickly on the.")
    assert [f.length for f in fragments(article, summary)] == [3, 2]
    coverage, density = coverage_density(article, summary)
    assert coverage == pytest.approx(5 / 6)
    assert density == pytest.approx(13 / 6)


def test_fragments_pick_the_longest_match_for_each_position():
    # "b c d" occurs twice in the article; the longer match "b c d e" (at 5) wins.
    article = ["b", "c", "d", "x", "y", "b", "c", "d", "e"]
    summary = ["a", "b", "c", "d", "e", "c"]
    assert fragments(article, summary) == [Fragment(1, 5, 4), Fragment(5, 1, 1)]
    assert coverage_density(article, summary) == pytest.approx((5 / 6, 17 / 6))


def test_fragment_scan_resumes_after_a_match_as_in_the_paper():
    # Algorithm 1 sets j <- j' after a match, so the match starting at article
    # position 1 ("a a a b", length 4) is never tried: fragments are 3 and 1.
    article, summary = ["a", "a", "a", "a", "b"], ["a", "a", "a", "b"]
    assert [f.length for f in fragments(article, summary)] == [3, 1]
    assert coverage_density(article, summary) == (1.0, 2.5)


def test_empty_summary_is_undefined():
    assert coverage_density(["a"], []) == (None, None)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from("ab"), max_size=25), st.lists(st.sampled_from("abc"), max_size=15))
def test_fragments_equal_the_papers_algorithm(article, summary):
    assert [f.length for f in fragments(article, summary)] == paper_fragments(article, summary)
    for f in fragments(article, summary):
        assert summary[f.summary_start:f.summary_start + f.length] == \
            article[f.article_start:f.article_start + f.length]
    if summary:
        coverage, density = coverage_density(article, summary)
        assert 0.0 <= coverage <= 1.0
        assert coverage <= density <= len(summary) * coverage


# ------------------------------------------------------------------ n-gram rates


def test_novel_ngrams_hand_worked():
    article = tokenize("The cat sat on the mat.")
    parts = [tokenize("The cat ran on the mat.")]
    # unigrams: ran; bigrams: cat ran, ran on; trigrams: 3 of 4; 4-grams: all 3
    assert novel_ngram_rate(article, parts, 1) == pytest.approx(1 / 6)
    assert novel_ngram_rate(article, parts, 2) == pytest.approx(2 / 5)
    assert novel_ngram_rate(article, parts, 3) == pytest.approx(3 / 4)
    assert novel_ngram_rate(article, parts, 4) == 1.0
    assert novel_ngram_rate(article, [["cat"]], 2) is None


def test_novel_ngrams_are_counted_within_summary_sentences():
    article = "The cat sat. It was on the mat."
    reordered = diagnose(article, "It was on the mat.\nThe cat sat.")
    assert reordered.novel_1grams == reordered.novel_2grams == reordered.novel_3grams == 0.0
    assert reordered.novel_4grams == 0.0  # "it was on the" is a 4-gram of the article


def test_repeated_trigrams_hand_worked():
    # the cat sat | cat sat the | sat the cat | the cat sat (repeat): 1 of 4
    assert repeated_trigram_rate([tokenize("the cat sat the cat sat")]) == 0.25
    # across sentences: 2 trigrams, the second repeats the first
    assert repeated_trigram_rate([["the", "cat", "sat"], ["the", "cat", "sat"]]) == 0.5
    assert repeated_trigram_rate([["a", "b", "c", "d"]]) == 0.0
    assert repeated_trigram_rate([["a", "b"], ["c", "d"]]) is None


def test_lead3_overlap_hand_worked():
    article = ("The mayor spoke. Rain fell all day. Schools closed early. "
               "Nobody expected snow.")
    # summary tokens: the mayor expected the snow -> the (clipped to 1), mayor: 2 of 5
    d = diagnose(article, "The mayor expected the snow.")
    assert d.lead3_overlap == pytest.approx(2 / 5)
    assert lead3_overlap(["a", "b"], ["a", "a", "c", "b"]) == 0.5
    assert lead3_overlap(["a"], []) is None


# ------------------------------------------------------------------ diagnose / aggregate


def test_tokenizer_lowercases_and_drops_punctuation():
    assert tokenize("Don't stop! Über_alles 3.5") == [
        "don", "t", "stop", "über", "alles", "3", "5"]


def test_diagnose_counts_and_compression():
    article = "One two three four. Five six seven eight. Nine ten eleven twelve."
    d = diagnose(article, "One two three.\nNine ten eleven twelve.")
    assert (d.article_tokens, d.summary_tokens, d.summary_sentences) == (12, 7, 2)
    assert d.compression == pytest.approx(12 / 7)
    assert d.coverage == 1.0 and d.density == pytest.approx((9 + 16) / 7)
    assert d.lead3_overlap == 1.0
    # a line holding two sentences counts as two
    assert diagnose(article, "One two three. Nine ten eleven.").summary_sentences == 2


def test_empty_summary_fields_are_none():
    d = diagnose("Some article text here.", "")
    assert (d.summary_tokens, d.summary_sentences) == (0, 0)
    assert d.compression is None and d.coverage is None and d.density is None
    assert d.novel_1grams is None and d.repeated_trigrams is None and d.lead3_overlap is None


def test_to_dict_follows_field_order_and_is_json_ready():
    d = diagnose("A b c d. E f g.", "A b c d.")
    assert list(d.to_dict()) == [key for key, _ in DIAGNOSTIC_FIELDS]
    assert {f for f in Diagnostics.__dataclass_fields__} == set(d.to_dict())
    assert len({label for _, label in DIAGNOSTIC_FIELDS}) == len(DIAGNOSTIC_FIELDS)


def test_aggregate_means_ignore_undefined():
    diags = diagnose_all(["The cat sat on the mat.", "The dog ran."],
                         ["The cat sat.", ""])
    means = aggregate([d.to_dict() for d in diags])
    assert means["summary_tokens"] == 1.5  # (3 + 0) / 2
    assert means["compression"] == 2.0  # only the first is defined: 6 / 3
    assert means["coverage"] == 1.0
    assert aggregate([diags[1].to_dict()])["coverage"] is None
    with pytest.raises(ValueError):
        diagnose_all(["a"], [])


def test_lead3_on_fixtures_is_fully_extractive():
    examples = load_reference_set("fixtures").examples
    articles = [e.article for e in examples]
    summaries = get_summarizer("lead-3").summarize(articles)
    for d in diagnose_all(articles, summaries):
        assert d.coverage == 1.0
        assert d.density == d.summary_tokens  # one fragment: the whole summary
        assert d.lead3_overlap == 1.0
        assert (d.novel_1grams, d.novel_2grams, d.novel_3grams, d.novel_4grams) == (0, 0, 0, 0)
        assert d.summary_sentences == 3
        assert d.compression > 1.0
    means = aggregate([d.to_dict() for d in diagnose_all(
        articles, [e.reference_texts()[0] for e in examples])])
    assert 0.0 < means["coverage"] < 1.0 and not math.isnan(means["density"])

"""Property tests: fast ROUGE == rouge-score on generated adversarial pairs, and invariants.

About 5,600 generated pairs are compared with rouge-score (and 3,000 more feed the
invariant tests; counted by wrapping ``score_pairs`` on one run): texts of
many scripts, empty and whitespace-only lines, punctuation only, long texts, tiny
vocabularies (long runs of repeated tokens, where many LCSs tie and rouge-score's choice
matters), stemmer-sensitive words and digits; all four ROUGE types and rouge3, stemming
on and off, one and several references.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rouge_exact import assert_identical, rouge_score_scores

from sumbench.eval.metrics.rouge import engine as rouge
from sumbench.eval.metrics.rouge.engine import RougeConfig
from sumbench.eval.metrics.rouge.fast import score_pairs

TYPES = ("rouge1", "rouge2", "rouge3", "rougeL", "rougeLsum")
FOUR = ("rouge1", "rouge2", "rougeL", "rougeLsum")
SETTINGS = {"deadline": None,
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}

WORDS = ["running", "runs", "ran", "caresses", "caress", "ponies", "happy", "skies", "sky",
         "dying", "generalizations", "relational", "hopping", "the", "The", "THE", "a", "of",
         "1990", "3.14", "12,000", "4th", "x", "y", "yyyy", "it's", "don\u2019t", "U.S.", "!!",
         "--", ".", "\u2014", "caf\u00e9", "M\u00fcller", "na\u00efve", "\u212aelvin", "\u0130stanbul",
         "\u041f\u0440\u0438\u0432\u0435\u0442", "\u6771\u4eac", "\u30bf\u30ef\u30fc",
         "\ud55c\uad6d\uc5b4", "\u0939\u093f\u0928\u094d\u0926\u0940", "\u0645\u0631\u062d\u0628\u0627",
         "\u03a3\u039f\u03a6\u039f\u03a3", "\U0001F600", "a_b", "e\u0301"]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", " \n ", "\n \n", "\t", "\r\n", ", ", "\u00a0", "\u3000",
              "\u2028"]

words_text = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)),
                      max_size=30).map(lambda parts: "".join(w + s for w, s in parts))
tiny_text = st.lists(st.sampled_from(["a", "b", "c", "a a", "b a", "\n", " \n", "\n\n"]),
                     max_size=40).map(" ".join)
raw_text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list("aAbB \n\t.")),
                   max_size=60)
any_text = st.one_of(words_text, tiny_text, raw_text)
long_text = st.lists(st.tuples(st.sampled_from(WORDS[:22]), st.sampled_from(SEPARATORS[:6])),
                     min_size=150, max_size=400).map(lambda parts: "".join(w + s for w, s in parts))


def pairs_of(text, max_size=8):
    return st.lists(st.tuples(text, text), min_size=1, max_size=max_size)


def check(pairs, use_stemmer, types=TYPES, multi_ref="max"):
    predictions = [p for p, _ in pairs]
    references = [r if isinstance(r, list) else [r] for _, r in pairs]
    config = RougeConfig(types, use_stemmer=use_stemmer, multi_ref=multi_ref)
    got = score_pairs(predictions, references, config)
    assert_identical(rouge_score_scores(predictions, references, types, use_stemmer, multi_ref), got)
    return got


@settings(max_examples=300, **SETTINGS)
@given(pairs=pairs_of(words_text), use_stemmer=st.booleans())
def test_words_of_many_scripts(pairs, use_stemmer):
    check(pairs, use_stemmer)


@settings(max_examples=400, **SETTINGS)
@given(pairs=pairs_of(tiny_text), use_stemmer=st.booleans())
def test_repeated_tokens_and_ties(pairs, use_stemmer):
    check(pairs, use_stemmer)


@settings(max_examples=300, **SETTINGS)
@given(pairs=pairs_of(raw_text), use_stemmer=st.booleans())
def test_arbitrary_unicode(pairs, use_stemmer):
    check(pairs, use_stemmer)


@settings(max_examples=25, **SETTINGS)
@given(pairs=pairs_of(long_text, 2), use_stemmer=st.booleans())
def test_long_texts(pairs, use_stemmer):
    check(pairs, use_stemmer, FOUR)


@settings(max_examples=200, **SETTINGS)
@given(pairs=st.lists(st.tuples(any_text, st.lists(any_text, min_size=1, max_size=4)),
                      min_size=1, max_size=6),
       use_stemmer=st.booleans(), multi_ref=st.sampled_from(["max", "mean"]))
def test_several_references(pairs, use_stemmer, multi_ref):
    check(pairs, use_stemmer, FOUR, multi_ref)


@settings(max_examples=150, **SETTINGS)
@given(pairs=st.lists(st.tuples(any_text, st.lists(any_text, min_size=1, max_size=3)),
                      min_size=1, max_size=6),
       use_stemmer=st.booleans(), multi_ref=st.sampled_from(["max", "mean"]))
def test_unicode_tokenizer_matches_reference_backend(pairs, use_stemmer, multi_ref):
    predictions = [p for p, _ in pairs]
    references = [r for _, r in pairs]
    config = RougeConfig(FOUR, use_stemmer=use_stemmer, tokenizer="unicode", multi_ref=multi_ref)
    assert_identical(rouge.score_pairs(predictions, references, config, backend="reference"),
                     score_pairs(predictions, references, config))


# ---------------------------------------------------------------- invariants

@settings(max_examples=200, **SETTINGS)
@given(pairs=pairs_of(any_text), use_stemmer=st.booleans())
def test_scores_are_between_0_and_1(pairs, use_stemmer):
    got = score_pairs([p for p, _ in pairs], [[r] for _, r in pairs], RougeConfig(TYPES, use_stemmer))
    for values in got.values():
        assert np.all((values >= 0) & (values <= 1))


@settings(max_examples=200, **SETTINGS)
@given(texts=st.lists(any_text, min_size=1, max_size=6), use_stemmer=st.booleans())
def test_identical_texts_score_one(texts, use_stemmer):
    from sumbench.eval.metrics.rouge.tokenizers import get_tokenizer

    got = score_pairs(texts, [[t] for t in texts], RougeConfig(TYPES, use_stemmer))
    tokenizer = get_tokenizer("default", use_stemmer)
    for i, text in enumerate(texts):
        n_tokens = len(tokenizer.tokenize(text))
        for rouge_type, values in got.items():
            n = int(rouge_type[5:]) if rouge_type[5:].isdigit() else 1
            assert values[i, 2] == (1.0 if n_tokens >= n else 0.0), (rouge_type, text)


@settings(max_examples=200, **SETTINGS)
@given(pairs=pairs_of(any_text), use_stemmer=st.booleans())
def test_swapping_prediction_and_reference_swaps_precision_and_recall(pairs, use_stemmer):
    config = RougeConfig(("rouge1", "rouge2", "rougeL"), use_stemmer)
    forward = score_pairs([p for p, _ in pairs], [[r] for _, r in pairs], config)
    backward = score_pairs([r for _, r in pairs], [[p] for p, _ in pairs], config)
    for t in config.rouge_types:
        assert np.array_equal(forward[t][:, [1, 0, 2]], backward[t])

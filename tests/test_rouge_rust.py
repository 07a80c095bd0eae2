"""The optional compiled accelerator (``rust`` backend, rouge-score-rs) equals rouge-score
exactly on the same cases as the pure-Python backend: rouge-score's own situations,
REALSumm's 500 real summaries, generated adversarial pairs, one and several references,
stemming on and off (the 11,490-pair workload is in test_rouge_exact's slow test)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_rouge_exact import (FOUR, MANY, assert_identical, realsumm, rouge_score_scores,
                              synthetic_corpus)
from test_rouge_properties import (SETTINGS, long_text, pairs_of, raw_text, tiny_text,
                                   words_text)

from sumbench.eval.metrics.rouge import engine as rouge, rust as rouge_rust
from sumbench.common.errors import UsageError
from sumbench.eval.metrics.rouge.engine import RougeConfig

pytestmark = pytest.mark.skipif(not rouge_rust.available(),
                                reason="rouge-score-rs is not installed (pip install 'sumbench[fast]')")


def check(predictions, references, types=FOUR, use_stemmer=True, multi_ref="max"):
    config = RougeConfig(tuple(types), use_stemmer=use_stemmer, multi_ref=multi_ref)
    got = rouge_rust.score_pairs(predictions, references, config)
    assert_identical(rouge_score_scores(predictions, references, types, use_stemmer, multi_ref),
                     got)


@pytest.mark.parametrize("use_stemmer", [True, False])
def test_rouge_score_situations(use_stemmer):
    predictions = ["testing one two", "testing", "", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5",
                   "The quick brown dog jumps on the log.", "testing\n\ntesting one", " \n "]
    references = [["testing"], ["testing one two"], ["anything"],
                  ["w1 w2 w3 w4 w5"], ["The quick brown fox jumps over the lazy dog"],
                  [""], ["testing one"]]
    check(predictions, references, MANY, use_stemmer)


@pytest.mark.parametrize("use_stemmer", [True, False])
def test_realsumm_single_reference(use_stemmer):
    predictions, references, _ = realsumm()
    check(predictions, [[r] for r in references], FOUR, use_stemmer)


@pytest.mark.parametrize("multi_ref", ["max", "mean"])
def test_realsumm_two_references(multi_ref):
    predictions, by_system, by_doc = realsumm()
    check(predictions, [list(pair) for pair in zip(by_doc, by_system)], FOUR, True, multi_ref)


@pytest.mark.parametrize("multi_ref", ["max", "mean"])
def test_synthetic_corpus_equals_fast_backend(multi_ref):
    predictions, references = synthetic_corpus(300, seed=11)
    references = [refs + [predictions[i][::-1]] for i, refs in enumerate(references)]
    config = RougeConfig(MANY, multi_ref=multi_ref)
    assert_identical(rouge.score_pairs(predictions, references, config, backend="fast"),
                     rouge.score_pairs(predictions, references, config, backend="rust"))


@settings(max_examples=300, **SETTINGS)
@given(pairs=pairs_of(st.one_of(words_text, tiny_text, raw_text)), use_stemmer=st.booleans(),
       multi_ref=st.sampled_from(["max", "mean"]), extra=st.booleans())
def test_adversarial_pairs(pairs, use_stemmer, multi_ref, extra):
    predictions = [p for p, _ in pairs]
    references = [[r, p + " " + r] if extra else [r] for p, r in pairs]
    check(predictions, references, FOUR + ("rouge3",), use_stemmer, multi_ref)


@settings(max_examples=20, **SETTINGS)
@given(pairs=pairs_of(long_text, 2), use_stemmer=st.booleans())
def test_long_texts(pairs, use_stemmer):
    check([p for p, _ in pairs], [[r] for _, r in pairs], FOUR, use_stemmer)


def test_auto_prefers_rust_for_the_default_tokenizer_only(monkeypatch):
    calls = []
    real = rouge_rust.score_pairs
    monkeypatch.setattr(rouge_rust, "score_pairs",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    predictions, references = synthetic_corpus(20, seed=2)
    rouge.score_pairs(predictions, references, RougeConfig(FOUR))
    assert calls == [1]
    rouge.score_pairs(predictions, references, RougeConfig(FOUR, tokenizer="unicode"))
    assert calls == [1]


def test_unicode_tokenizer_is_refused():
    with pytest.raises(UsageError, match="default tokenizer only"):
        rouge_rust.score_pairs(["a"], [["a"]], RougeConfig(FOUR, tokenizer="unicode"))

"""``score_rouge155`` and the tokenizer: pinned behaviours of the script and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sumbench.eval.metrics.rouge155 import parse_flags, score_rouge155
from sumbench.eval.metrics.rouge155.text import Tokenizer, perl_fields


def tokenizer(**kw) -> Tokenizer:
    args = {"stem": False, "remove_stopwords": False, "word_limit": None, "byte_limit": None}
    args.update(kw)
    return Tokenizer(**args)


def test_tokens_are_ascii_alphanumeric_runs_of_the_utf8_bytes():
    out = tokenizer().tokenize("Café naïve well-known U.S. 1,000 it\u2019s\n\nA&B <b>x</b>")
    assert out.tokens == ["caf", "na", "ve", "well", "known", "u", "s", "1", "000", "it", "s",
                          "a", "b", "b", "x", "b"]
    assert out.sentences == [out.tokens[:11], out.tokens[11:]]  # the empty line is skipped


def test_stopwords_go_before_stemming():
    out = tokenizer(stem=True, remove_stopwords=True).tokenize("Thanks for thanking the zebras")
    assert out.tokens == ["thank", "zebra"]  # "thanks" is a stopword, "thanking" is not


def test_perl_split_fields():
    assert perl_fields(" a b") == ["", "a", "b"]
    assert perl_fields("a\u00a0b\tc ") == ["a\u00a0b", "c"]  # no-break space is not \s on bytes
    assert perl_fields("   ") == []


def test_word_limit_counts_a_leading_blank_as_a_word():
    assert tokenizer(word_limit=2).tokenize(" a b\nc d").tokens == ["a"]
    assert tokenizer(word_limit=3).tokenize("a well-known\ncat sat").tokens == ["a", "well", "known", "cat"]


def test_byte_limit_and_the_sentence_readers_bug():
    out = tokenizer(byte_limit=8).tokenize("aa bb\ncc dd\nee ff")
    assert out.tokens == ["aa", "bb", "cc"]  # 5 + 3 bytes, newlines not counted
    assert out.sentences == [["aa", "bb"], ["cc", "dd"], ["ee", "ff"]]  # every line < 8 bytes kept
    out = tokenizer(byte_limit=4).tokenize("aa bb\ncc dd")
    assert out.tokens == ["aa", "b"] and out.sentences == [["aa", "b"]]


def test_rouge_w_of_a_perfect_match_is_not_one():
    """The script's ROUGE-W divides by f(sum of f(sentence length)): R = (f(n)/f(f(n)))**(1/w)."""
    config = parse_flags("-w 1.2 -x")
    text = "a b c d e f"
    p, r, _ = score_rouge155([text], [[text]], config)["rougeW-1.2"][0]
    assert r == round((6 ** 1.2 / (6 ** 1.2) ** 1.2) ** (1 / 1.2), 5) == 0.69883
    assert p == 1.0


def test_empty_texts_score_zero():
    config = parse_flags("-n 2 -w 1.2 -2 4 -U")
    scores = score_rouge155(["", "a b", ""], [[""], [""], ["a b"]], config)
    for key, values in scores.items():
        assert values.shape == (3, 3) and not values.any(), key


def test_input_validation():
    config = parse_flags("-n 1")
    with pytest.raises(ValueError, match="2 predictions but 1"):
        score_rouge155(["a", "b"], [["a"]], config)
    with pytest.raises(ValueError, match="non-empty list"):
        score_rouge155(["a"], ["a"], config)
    with pytest.raises(ValueError, match="non-empty list"):
        score_rouge155(["a"], [[]], config)


words = st.sampled_from(["the", "cat", "cats", "sat", "sitting", "on", "mat", "mats", "a", "dog", "ran", "running", "well-known", "1990", "Better"])
sentence = st.lists(words, max_size=12).map(" ".join)
summary = st.lists(sentence, max_size=4).map("\n".join)
SYMMETRIC = parse_flags("-n 3 -m -2 4 -U")


@settings(max_examples=150, deadline=None)
@given(summary, summary)
def test_swapping_prediction_and_reference_swaps_p_and_r(a, b):
    ab = score_rouge155([a], [[b]], SYMMETRIC)
    ba = score_rouge155([b], [[a]], SYMMETRIC)
    for key in ab:
        if key != "rougeL":  # union-LCS is not symmetric
            np.testing.assert_array_equal(ab[key][0], ba[key][0][[1, 0, 2]], err_msg=key)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(summary, summary, summary), min_size=1, max_size=5), st.sampled_from("AB"))
def test_batch_and_duplicate_references_change_nothing(triples, formula):
    config = parse_flags(f"-n 2 -m -w 1.2 -2 -1 -u -f {formula}")
    predictions = [t[0] for t in triples]
    references = [[t[1], t[2]] for t in triples]
    batch = score_rouge155(predictions, references, config)
    for i, (prediction, refs) in enumerate(zip(predictions, references)):
        alone = score_rouge155([prediction], [refs], config)
        for key in batch:
            np.testing.assert_array_equal(batch[key][i], alone[key][0])
    single = score_rouge155(predictions, [[r[0]] for r in references], config)
    doubled = score_rouge155(predictions, [[r[0], r[0]] for r in references], config)
    for key in single:
        np.testing.assert_array_equal(single[key], doubled[key], err_msg=key)


@settings(max_examples=80, deadline=None)
@given(summary, summary)
def test_scores_are_probabilities_and_identity_is_perfect(a, b):
    config = parse_flags("-n 2 -m -2 4 -u")
    scores = score_rouge155([a, a], [[b], [a]], config)
    for key, values in scores.items():
        assert ((values >= 0) & (values <= 1)).all(), key
        if len(tokenizer(stem=True).tokenize(a).tokens) > 2:
            assert values[1].tolist() == [1.0, 1.0, 1.0], key

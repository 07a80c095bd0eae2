"""Tokenizers: ``default`` is rouge-score's tokenisation exactly; ``unicode`` keeps every script."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.stem import porter
from rouge_score import rouge_scorer
from rouge_score import tokenize as rs_tokenize

from sumbench.eval.metrics.rouge import stemming
from sumbench.eval.metrics.rouge.tokenizers import (
    TOKENIZERS,
    DefaultTokenizer,
    UnicodeTokenizer,
    get_tokenizer,
)

STEMMER = porter.PorterStemmer()

TRICKY = [
    "",
    "\n",
    " \n \n",
    "one Two three",
    "one\n Two \nthree",
    "the friends had a meeting",
    "Running caresses ponies ties caress cats feed agreed plastered motoring sing",
    "hopping tanned falling hissing fizzed failing filing happy sky skies dying",
    "\u212a\u212aelvin",           # Kelvin sign lowercases to ASCII "k"
    "\u0130stanbul \u0130I",       # dotted capital I lowercases to "i" + combining dot
    "\u201cquoted\u201d don\u2019t it's 3.14 1,000 x_y a-b",
    "caf\u00e9 na\u00efve M\u00fcller S\u00e3o Dvo\u0159\u00e1k",
    "\u6771\u4eac\u30bf\u30ef\u30fc \ud55c\uad6d\uc5b4 \u0939\u093f\u0928\u094d\u0926\u0940 \u0645\u0631\u062d\u0628\u0627",
    "tab\tseparated\rcarriage\r\nwindows\x0bvertical\x0cform\x1cfile",
    "\u03a3\u039f\u03a6\u039f\u03a3 \u03a3\u03a3\nA\u03a3\n\u03a3A",  # final sigma contexts
    "emoji \U0001F600 and \U0001D400 math bold",
    "\ud800 lone surrogate",
    "aaaa yyyy syzygy generalizations relational conditional",
]

texts = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(
    list("abcAB \n\t\r.,'-_0129\u00e9\u212a\u0130\u03a3\u6771\u30bf\ud55c\u0939\u093f")), max_size=80)
words = st.sampled_from(["running", "caresses", "the", "a", "ponies", "generalization",
                         "happy", "sky", "Running", "RUNS", "x", "123", "4.5", "caf\u00e9",
                         "\u6771\u4eac", "\u0939\u093f\u0928\u094d\u0926\u0940", "\u212a"])
separators = st.sampled_from([" ", "\n", "  ", " \n ", "\t", ", ", "\u00a0", "\u3000", "\n\n"])
sentences = st.lists(st.tuples(words, separators), max_size=25).map(
    lambda parts: "".join(w + s for w, s in parts))


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("use_stemmer", [False, True])
def test_default_matches_rouge_score_on_tricky_texts(text, use_stemmer):
    expected = rs_tokenize.tokenize(text, STEMMER if use_stemmer else None)
    assert DefaultTokenizer(use_stemmer).tokenize(text) == expected


@settings(max_examples=300, deadline=None)
@given(text=texts | sentences, use_stemmer=st.booleans())
def test_default_matches_rouge_score(text, use_stemmer):
    expected = rs_tokenize.tokenize(text, STEMMER if use_stemmer else None)
    tokenizer = get_tokenizer("default", use_stemmer)
    assert tokenizer.tokenize(text) == expected
    # rouge-score tokenises each "\n" line on its own for rougeLsum
    assert tokenizer.tokenize_lines(text) == [
        rs_tokenize.tokenize(line, STEMMER if use_stemmer else None) for line in text.split("\n")]


@settings(max_examples=300, deadline=None)
@given(text=texts | sentences, use_stemmer=st.booleans())
def test_unicode_lines_concatenate_to_text(text, use_stemmer):
    tokenizer = get_tokenizer("unicode", use_stemmer)
    lines = tokenizer.tokenize_lines(text)
    assert lines == [tokenizer.tokenize(line) for line in text.split("\n")]
    assert [t for line in lines for t in line] == tokenizer.tokenize(text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=80), use_stemmer=st.booleans())
def test_unicode_equals_default_on_ascii(text, use_stemmer):
    assert get_tokenizer("unicode", use_stemmer).tokenize(text) == \
        get_tokenizer("default", use_stemmer).tokenize(text)


def test_unicode_tokens():
    tokenizer = UnicodeTokenizer(use_stemmer=True)
    text = ("Hello W\u00f6rld running caresses \u6771\u4eac\u30bf\u30ef\u30fc \ud55c\uad6d\uc5b4 "
            "\u0939\u093f\u0928\u094d\u0926\u0940 l\u00e4ufts x_y \u0663\u0664 \u00bd "
            "\u0627\u0644\u0639\u0631\u0628\u064a\u0629")
    assert tokenizer.tokenize(text) == [
        "hello", "w\u00f6rld", "run", "caress",                    # ASCII tokens stemmed
        "\u6771", "\u4eac", "\u30bf", "\u30ef", "\u30fc",        # CJK / kana: one per character
        "\ud55c", "\uad6d", "\uc5b4",                             # Hangul: one per syllable
        "\u0939\u093f\u0928\u094d\u0926\u0940",                   # Devanagari kept with its marks
        "l\u00e4ufts", "x", "y", "\u0663\u0664", "\u00bd",         # not stemmed; "_" separates
        "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    ]
    assert UnicodeTokenizer(use_stemmer=False).tokenize("Running CAF\u00c9") == ["running", "caf\u00e9"]


def test_token_characters_are_never_whitespace():
    # tokenize_lines joins tokens with spaces and splits on whitespace
    assert not [cp for cp in range(sys.maxunicode + 1)
                if unicodedata.category(chr(cp))[0] in "LMN" and chr(cp).isspace()]


@pytest.mark.parametrize("name", sorted(TOKENIZERS))
def test_tokenizers_plug_into_rouge_scorer(name):
    tokenizer = get_tokenizer(name, True)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeLsum"], tokenizer=tokenizer)
    scores = scorer.score("The cats were running.\nDogs ran.", "A cat runs.\nThe dogs ran.")
    assert scores["rouge1"].fmeasure == rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True).score(
        "The cats were running.\nDogs ran.", "A cat runs.\nThe dogs ran.")["rouge1"].fmeasure


def test_unknown_tokenizer():
    with pytest.raises(ValueError, match="unknown tokenizer 'nope'; known: default, unicode"):
        get_tokenizer("nope", False)


def test_invalid_stems_are_dropped_like_rouge_score(monkeypatch):
    """rouge-score drops a stem that is not [a-z0-9]+; real Porter stems never are, so
    force one to check the filtering path."""
    fake = {"walking": "", "talking": "ta-lk"}
    monkeypatch.setattr(stemming, "porter_stem", lambda word: fake.get(word, word))
    for cls, cache in ((DefaultTokenizer, stemming.AsciiWordCache(True)),
                       (UnicodeTokenizer, stemming.AnyScriptStemCache())):
        tokenizer = cls(use_stemmer=True)
        tokenizer._cache = cache
        tokenizer._lookup = cache.__getitem__
        assert tokenizer.tokenize("we were walking\nand talking fast") == ["we", "were", "and", "fast"]
        assert tokenizer.tokenize_lines("we were walking\nand talking fast") == [
            ["we", "were"], ["and", "fast"]]
        assert cache.dropped


def _suffix_free_words():
    """Words of the benchmark vocabulary (when wordfreq is installed) and generated words."""
    import random

    words = set()
    try:
        import wordfreq

        for lang in ("en", "fr", "de", "es", "it", "nl", "pt"):
            words.update(w for w in wordfreq.top_n_list(lang, 50000) if w.isascii() and w.isalnum())
    except ImportError:
        pass
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789yyyeeaio"
    words.update("".join(rng.choice(letters) for _ in range(rng.randint(4, 12))) for _ in range(30000))
    return sorted(w for w in words if len(w) > 3 and not w.endswith(stemming.PORTER_SUFFIXES))


def test_words_without_porter_suffix_are_their_own_stem():
    """The shortcut in eval.stemming: nltk leaves such words unchanged, so it is not called."""
    words = _suffix_free_words()
    assert len(words) > 10000
    assert [w for w in words if STEMMER.stem(w) != w] == []
    assert all(w.endswith(stemming.PORTER_SUFFIXES) for w in STEMMER.pool)


@settings(max_examples=300, deadline=None)
@given(stem=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10),
       suffix=st.sampled_from(stemming.PORTER_SUFFIXES + ("", "y", "yy", "ly", "ness", "ement")))
def test_cached_final_tokens_equal_nltk(stem, suffix):
    word = stem + suffix
    expected = STEMMER.stem(word) if len(word) > 3 else word
    assert stemming.AsciiWordCache(True)[word.encode()] == expected


def test_full_memo_starts_again_without_changing_tokens(monkeypatch):
    monkeypatch.setattr(stemming, "MAX_ENTRIES", 5)
    text = "Running dogs were running past seven caresses and ponies in 1990, running."
    for name in TOKENIZERS:
        expected = get_tokenizer(name, True).tokenize(text)
        stemming.clear_caches()
        assert get_tokenizer(name, True).tokenize(text) == expected
        assert max(len(stemming.STEMMED_ASCII), len(stemming.STEMMED_ANY_SCRIPT)) <= 5

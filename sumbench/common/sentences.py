"""Offline sentence segmentation.

Uses ``sentencex`` (Wikimedia's rule-based, multilingual segmenter, a compiled wheel from
PyPI): no model download, unlike NLTK's punkt.  Lead-k, the extractive baselines and the
``auto`` ROUGE-Lsum split all use this one function so that they agree.

The language (an ISO 639 code: ``en``, ``hi``, ``zh``...; the summarisers' ``--language``)
chooses sentencex's rules: its abbreviations, and the terminators of its script (``。``
for Chinese and Japanese, ``।`` for Hindi, Bengali and Nepali, ``။`` for Burmese, ``።``
for Amharic, ``۔`` for Urdu...).  sentencex knows no sentence end in the scripts of
:data:`UNSPLIT_LANGUAGES` (Thai and Lao mark sentences with a space, Khmer's ``។`` and
Tibetan's ``།`` are not among its terminators): there only blank lines end a sentence.
A code sentencex does not know falls back to its default (English) rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n+")
_SPACE = re.compile(r"\s+")
# A segment that starts with a dash continues the previous one: news datelines such as
# "WENATCHEE, Wash. — Two nights of frost..." end in an abbreviation the segmenter takes
# for a sentence end.
_CONTINUATION = ("\u2014", "\u2013", "-")


# Languages whose sentences sentencex 1.0 does not split (checked in tests/test_baselines.py).
UNSPLIT_LANGUAGES = {"th": "Thai", "lo": "Lao", "km": "Khmer", "bo": "Tibetan",
                     "dz": "Dzongkha"}
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")


def check_language(code: str) -> str:
    """``code`` if it is a lowercase ISO 639 code (``en``, ``hi``, ``zh``, ``zh-hans``);
    ``ValueError`` otherwise (the summarisers turn it into a usage error)."""
    if not isinstance(code, str) or not _LANGUAGE_CODE.fullmatch(code):
        raise ValueError(f"--language takes a lowercase ISO 639 code such as en, hi or zh, "
                         f"got {code!r}")
    return code


@lru_cache(maxsize=8)
def _segmenter(language: str) -> Callable[[str], list[str]]:
    import sentencex

    def segment(text: str) -> list[str]:
        return list(sentencex.segment(language, text))

    return segment


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split ``text`` into sentences, whitespace normalised, empty ones dropped.

    Paragraph breaks (blank lines) always end a sentence; inside a paragraph the
    rule-based segmenter decides, except that a segment starting with a dash is joined
    to the one before it (a dateline such as "WENATCHEE, Wash. — ...").
    """
    segment = _segmenter(language)
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = _SPACE.sub(" ", paragraph).strip()
        if not paragraph:
            continue
        merged: list[str] = []
        for sentence in segment(paragraph):
            sentence = sentence.strip()
            if not sentence:
                continue
            if merged and sentence.startswith(_CONTINUATION):
                merged[-1] = f"{merged[-1]} {sentence}"
            else:
                merged.append(sentence)
        sentences.extend(merged)
    return sentences

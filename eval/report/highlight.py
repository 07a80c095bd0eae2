"""Shared words between two texts, for the HTML report's example cards: a reading aid,
metric-neutral on purpose (no metric's tokenizer, no stemming), so that the report shows
what runs store and never re-scores anything.

Words are lowercased letter/digit runs.  :func:`highlight` marks, in one text, the words
it shares with another: ``<mark class="bi">`` for words in a shared bigram,
``<mark class="uni">`` for other shared words (not stop words or single characters);
:func:`shared_words` counts those words, so a card can put first the reference that
shares the most with the prediction.
"""

from __future__ import annotations

import re

from .escape.html import escape_html

_WORD = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(
    "a an and are as at be by for from has have he her his in is it its of on or said "
    "she that the their they this to was were will with".split())


def words(text: str) -> list[str]:
    """The lowercased letter/digit runs of ``text``."""
    return [w.lower() for w in _WORD.findall(text)]


def _kinds(text_words: list[str], other: str) -> list[str]:
    """For each word of the text: ``"bi"``, ``"uni"`` or ``""`` (see module doc)."""
    other_words = words(other)
    unigrams = set(other_words)
    bigrams = set(zip(other_words, other_words[1:]))
    kind = [""] * len(text_words)
    for i, word in enumerate(text_words):
        if word in unigrams and word not in _STOPWORDS and len(word) > 1:
            kind[i] = "uni"
    for i in range(len(text_words) - 1):
        if (text_words[i], text_words[i + 1]) in bigrams:
            kind[i] = kind[i + 1] = "bi"
    return kind


def shared_words(text: str, other: str) -> int:
    """How many words of ``text`` :func:`highlight` marks against ``other``."""
    return sum(1 for k in _kinds(words(text), other) if k)


def _joinable(gap: str) -> bool:
    return not gap.strip() or (len(gap) <= 2 and not any(c.isspace() for c in gap))


def highlight(text: str, other: str) -> str:
    """``text`` escaped, with words it shares with ``other`` in ``<mark>`` (see module doc)."""
    matches = list(_WORD.finditer(text))
    kind = _kinds([m.group().lower() for m in matches], other)
    out, position, i = [], 0, 0
    while i < len(matches):
        j = i
        # One mark for a run of same-kind words separated by spaces or by one or two
        # characters inside a word or number ("four-day", "4.9", "city's").
        while (kind[i] and j + 1 < len(matches) and kind[j + 1] == kind[i]
               and _joinable(text[matches[j].end():matches[j + 1].start()])):
            j += 1
        out.append(escape_html(text[position:matches[i].start()]))
        inner = escape_html(text[matches[i].start():matches[j].end()])
        out.append(f'<mark class="{kind[i]}">{inner}</mark>' if kind[i] else inner)
        position = matches[j].end()
        i = j + 1
    out.append(escape_html(text[position:]))
    return "".join(out)

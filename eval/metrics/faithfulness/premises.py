"""What the NLI model reads: the summary's sentences (hypotheses) and the article's
sentences or windows (premises), for SummaC-ZS (Laban et al. 2022, "SummaC: Re-Visiting
NLI-based Models for Inconsistency Detection in Summarization", section 3).

SummaC's zero-shot model pairs every sentence of the document with every sentence of
the summary (its "sentence" granularity).  ``window`` premises join consecutive article
sentences, greedily, into the longest windows that still fit the NLI model's input next
to the longest summary sentence: fewer, longer premises, so that a fact stated across
two sentences can be read together.  Either way the whole article is read; nothing is
dropped.  Sentences come from :func:`sumbench.common.sentences.split_sentences` (SummaC
used NLTK's punkt and dropped sentences of 10 characters or fewer; this keeps them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sumbench.common.sentences import split_sentences

SENTENCE, WINDOW = "sentence", "window"
PREMISE_KINDS = (SENTENCE, WINDOW)


@dataclass(frozen=True)
class Window:
    """Article sentences ``first..last`` (inclusive) joined by spaces."""

    text: str
    first: int
    last: int


def article_sentences(article: str, language: str = "en") -> list[str]:
    return split_sentences(article, language)


def summary_sentences(summary: str, language: str = "en") -> list[str]:
    """Each line split on its own (summaries are one sentence per line; a line without
    a final full stop never merges with the next)."""
    return [s for line in summary.splitlines() for s in split_sentences(line, language)]


def pack_windows(sentences: Sequence[str], count_tokens: Callable[[str], int],
                 budget: int) -> list[Window]:
    """Consecutive sentences joined greedily while the window's token count stays within
    ``budget``; a sentence longer than ``budget`` on its own is a window of its own (the
    model will cut it, and that is counted)."""
    windows: list[Window] = []
    start = 0
    while start < len(sentences):
        text, end = sentences[start], start + 1
        while end < len(sentences):
            candidate = f"{text} {sentences[end]}"
            if count_tokens(candidate) > budget:
                break
            text, end = candidate, end + 1
        windows.append(Window(text, start, end - 1))
        start = end
    return windows

"""What a summary is made of: length, compression, extractiveness, novelty, repetition.

Per example (:func:`diagnose`, a frozen :class:`Diagnostics`) and as corpus means
(:func:`aggregate`).  No ROUGE here: these describe a summary against its own article.

Tokens are ``[^\\W_]+`` runs of the lowercased text (letters and digits of any script,
punctuation dropped, no stemming): ``"Don't stop!"`` -> ``don, t, stop``.  A summary's
sentences are its non-empty lines, each further split by
:func:`sumbench.common.sentences.split_sentences` (sumbench's summarisers write one sentence
per line; a prediction made elsewhere may not).

Fields (key: definition; ``None`` where the denominator is zero, e.g. an empty summary):

* ``article_tokens``, ``summary_tokens``, ``summary_sentences``: counts.
* ``compression``: article tokens / summary tokens (Grusky, Naaman & Artzi 2018,
  "Newsroom", section 4.2).
* ``coverage`` and ``density``: from the extractive fragments ``F(A, S)`` of the
  summary in the article, Newsroom's greedy Algorithm 1: at each summary position take
  the longest run of tokens matching the article from there (article positions are
  scanned left to right and the scan resumes after each match, as in the paper), then
  jump past it.  ``coverage = sum |f| / |S|`` (share of summary tokens inside copied
  fragments), ``density = sum |f|^2 / |S|`` (average length of the fragment each
  token lies in).  A summary copied whole from the article has coverage 1 and density
  ``|S|``.  The token sequences are the whole texts (fragments may cross sentences).
* ``novel_1grams`` .. ``novel_4grams``: the share of the summary's n-gram occurrences
  that are not n-grams of the article (See et al. 2017, "Get To The Point", section 7.2).
  Summary n-grams are taken within each summary sentence, so an extractive summary
  that reorders article sentences has none; article n-grams are taken over the whole
  article token sequence.
* ``repeated_trigrams``: the share of the summary's trigram occurrences (within
  sentences) that repeat an earlier trigram of the same summary -- what trigram
  blocking (Paulus et al. 2018) forbids.
* ``lead3_overlap``: the share of summary tokens found in the article's first three
  sentences, counts clipped: ``sum_w min(c_S(w), c_L3(w)) / |S|`` (the ROUGE-1
  precision of the summary against Lead-3 with this tokeniser).  Lead-3 itself scores 1.

:func:`aggregate` gives the mean of each field over the examples where it is defined,
``None`` when it is defined nowhere.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import Mapping, Sequence

from sumbench.common.sentences import split_sentences

_WORD = re.compile(r"[^\W_]+")

# (key, label) in display order; keys are the fields of Diagnostics.
DIAGNOSTIC_FIELDS: tuple[tuple[str, str], ...] = (
    ("article_tokens", "article length (tokens)"),
    ("summary_tokens", "summary length (tokens)"),
    ("summary_sentences", "summary length (sentences)"),
    ("compression", "compression (article / summary tokens)"),
    ("coverage", "extractive fragment coverage"),
    ("density", "extractive fragment density"),
    ("novel_1grams", "novel unigrams"),
    ("novel_2grams", "novel bigrams"),
    ("novel_3grams", "novel trigrams"),
    ("novel_4grams", "novel 4-grams"),
    ("repeated_trigrams", "repeated trigrams"),
    ("lead3_overlap", "tokens found in lead-3"),
)
# Fields that are fractions in [0, 1] (shown as percentages); the others are counts/ratios.
PERCENT_FIELDS = frozenset({"coverage", "novel_1grams", "novel_2grams", "novel_3grams",
                            "novel_4grams", "repeated_trigrams", "lead3_overlap"})
_LABELS = dict(DIAGNOSTIC_FIELDS)


def diagnostic_label(key: str) -> str:
    """The human label of a diagnostic (the key itself for unknown keys)."""
    return _LABELS.get(key, key)


def format_diagnostic(key: str, value: float | None) -> str:
    """A diagnostic value for display: fractions as percentages, others with 2 decimals."""
    if value is None:
        return "n/a"
    return f"{100 * value:.1f}%" if key in PERCENT_FIELDS else f"{value:.2f}"


def tokenize(text: str) -> list[str]:
    """The diagnostics' tokens: lowercased ``[^\\W_]+`` runs."""
    return _WORD.findall(text.lower())


def summary_sentences(summary: str, language: str = "en") -> list[str]:
    """Non-empty lines, each split further by the sentence splitter."""
    out: list[str] = []
    for line in summary.split("\n"):
        if line.strip():
            out.extend(split_sentences(line, language))
    return out


@dataclass(frozen=True)
class Fragment:
    """A run of ``length`` summary tokens copied from the article."""

    summary_start: int
    article_start: int
    length: int


def fragments(article: Sequence[str], summary: Sequence[str]) -> list[Fragment]:
    """Newsroom's greedy extractive fragments F(A, S) (Grusky et al. 2018, Algorithm 1)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for j, token in enumerate(article):
        positions[token].append(j)
    found: list[Fragment] = []
    i = 0
    while i < len(summary):
        best = Fragment(i, -1, 0)
        resume = 0
        for j in positions.get(summary[i], ()):
            if j < resume:
                continue
            length = 0
            while (i + length < len(summary) and j + length < len(article)
                   and summary[i + length] == article[j + length]):
                length += 1
            if length > best.length:
                best = Fragment(i, j, length)
            resume = j + length
        if best.length:
            found.append(best)
        i += max(best.length, 1)
    return found


def coverage_density(article: Sequence[str],
                     summary: Sequence[str]) -> tuple[float | None, float | None]:
    """Newsroom coverage and density of ``summary`` tokens in ``article`` tokens."""
    if not summary:
        return None, None
    lengths = [f.length for f in fragments(article, summary)]
    return sum(lengths) / len(summary), sum(n * n for n in lengths) / len(summary)


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def novel_ngram_rate(article: Sequence[str], summary_parts: Sequence[Sequence[str]],
                     n: int) -> float | None:
    """Share of the n-grams of ``summary_parts`` (each a sentence) absent from ``article``."""
    seen = set(ngrams(article, n))
    grams = [g for part in summary_parts for g in ngrams(part, n)]
    if not grams:
        return None
    return sum(1 for g in grams if g not in seen) / len(grams)


def repeated_trigram_rate(summary_parts: Sequence[Sequence[str]]) -> float | None:
    """Share of trigram occurrences that repeat an earlier one of the same summary."""
    grams = [g for part in summary_parts for g in ngrams(part, 3)]
    if not grams:
        return None
    return (len(grams) - len(set(grams))) / len(grams)


def lead3_overlap(lead3: Sequence[str], summary: Sequence[str]) -> float | None:
    """Clipped share of ``summary`` tokens that occur in the ``lead3`` tokens."""
    if not summary:
        return None
    available = Counter(lead3)
    return sum(min(c, available[w]) for w, c in Counter(summary).items()) / len(summary)


@dataclass(frozen=True)
class Diagnostics:
    """The diagnostics of one summary (see the module docstring for definitions)."""

    article_tokens: int
    summary_tokens: int
    summary_sentences: int
    compression: float | None
    coverage: float | None
    density: float | None
    novel_1grams: float | None
    novel_2grams: float | None
    novel_3grams: float | None
    novel_4grams: float | None
    repeated_trigrams: float | None
    lead3_overlap: float | None

    def to_dict(self) -> dict[str, float | int | None]:
        values = asdict(self)
        return {key: values[key] for key, _ in DIAGNOSTIC_FIELDS}


def diagnose(article: str, summary: str, language: str = "en") -> Diagnostics:
    """All diagnostics of ``summary`` against its ``article``."""
    article_tokens = tokenize(article)
    summary_tokens = tokenize(summary)
    sentences = summary_sentences(summary, language)
    parts = [tokenize(s) for s in sentences]
    lead3 = tokenize(" ".join(split_sentences(article, language)[:3]))
    coverage, density = coverage_density(article_tokens, summary_tokens)
    novel = [novel_ngram_rate(article_tokens, parts, n) for n in (1, 2, 3, 4)]
    return Diagnostics(
        article_tokens=len(article_tokens),
        summary_tokens=len(summary_tokens),
        summary_sentences=len(sentences),
        compression=len(article_tokens) / len(summary_tokens) if summary_tokens else None,
        coverage=coverage,
        density=density,
        novel_1grams=novel[0],
        novel_2grams=novel[1],
        novel_3grams=novel[2],
        novel_4grams=novel[3],
        repeated_trigrams=repeated_trigram_rate(parts),
        lead3_overlap=lead3_overlap(lead3, summary_tokens),
    )


def diagnose_all(articles: Sequence[str], summaries: Sequence[str],
                 language: str = "en") -> list[Diagnostics]:
    """:func:`diagnose` for each aligned (article, summary) pair."""
    if len(articles) != len(summaries):
        raise ValueError(f"{len(summaries)} summaries for {len(articles)} articles")
    return [diagnose(a, s, language) for a, s in zip(articles, summaries)]


def aggregate(diagnostics: Sequence[Mapping[str, float | int | None]]) -> dict[str, float | None]:
    """Mean of every field over the examples where it is defined (``None`` if nowhere);
    ``diagnostics`` are :meth:`Diagnostics.to_dict` values."""
    out: dict[str, float | None] = {}
    for key, _ in DIAGNOSTIC_FIELDS:
        values = [d.get(key) for d in diagnostics]
        defined = [float(v) for v in values if v is not None and not math.isnan(v)]
        out[key] = sum(defined) / len(defined) if defined else None
    return out

"""Extractive reference points that need no model: Random-k, TextRank and LexRank.

Each summariser picks ``k`` sentences of the article (default 3) and writes them in
ARTICLE ORDER, one per line; an article with at most ``k`` sentences is returned whole.
Sentences come from :func:`sumbench.common.sentences.split_sentences`, the splitter Lead-k
uses, so the baselines differ only in which sentences they choose.  Every choice depends
only on the article and the options, never on the other articles of the batch.

* ``random-k`` -- ``k`` sentences drawn uniformly without replacement.  The generator
  is ``numpy.random.default_rng([seed, h])`` with ``h`` the first 8 bytes of the
  SHA-256 of the article, so an article gets the same sentences whatever batch, order,
  ``--limit`` or ``--sample`` it comes in.  Option ``seed`` (default 12345).
* ``textrank`` / ``textrank-k`` -- TextRank (Mihalcea & Tarau 2004, "TextRank: Bringing
  Order into Texts", section 4): sentences are nodes of an undirected weighted graph
  with similarity ``|common words| / (log|S_i| + log|S_j|)``, where ``|S|`` counts the
  sentence's word tokens and common words are distinct; the similarity is 0 when the
  denominator is not positive (two one-word sentences).
* ``lexrank`` / ``lexrank-k`` -- LexRank with a threshold (Erkan & Radev 2004, "LexRank:
  Graph-based Lexical Centrality as Salience in Text Summarization", section 3.2):
  idf-modified cosine between term-frequency vectors, an edge wherever the cosine is at
  least ``threshold`` (option, default 0.1; the diagonal is included as in the paper),
  rows normalised by degree.  The idf is computed over the article's own sentences,
  ``idf(w) = log(N / df(w))``: a word found in every sentence weighs nothing.

Both graph methods rank sentences by PageRank (Brin & Page 1998), computed by power
iteration of ``p = (1 - d) / N + d * M^T p`` with ``d = 0.85`` (LexRank's jump
probability 0.15), ``M`` the row-normalised similarity matrix; a row without edges
jumps uniformly.  Iteration stops when the L1 change is below 1e-12 (at most 1000
steps).  Ties (scores equal to 12 decimals) go to the earlier sentence.

Words are ``[^\\W_]+`` runs of the lowercased text (letters and digits of any script);
there is no stemming and no stop-word list.  With ``--language`` one of the languages
written without spaces between words (:data:`UNSPACED_LANGUAGES`: Chinese, Japanese,
Thai, Lao, Khmer, Burmese, Tibetan, Dzongkha) a run is a clause, not a word, so the graph
methods compare single characters instead (the settings say ``"tokens": "characters"``).
Sentences are split in the ``--language`` given (:mod:`sumbench.common.sentences` says
which scripts sentencex does not split).
"""

from __future__ import annotations

import hashlib
import re
from typing import Sequence

import numpy as np

from sumbench.common.sentences import check_language, split_sentences

from sumbench.common.errors import SummarizerOptionError

DEFAULT_K = 3
DEFAULT_SEED = 12345
DEFAULT_THRESHOLD = 0.1
DAMPING = 0.85
_TOLERANCE = 1e-12
_MAX_ITERATIONS = 1000
_WORD = re.compile(r"[^\W_]+")


# Languages written without spaces between words: the graph methods compare characters.
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "dz"})


def compares_characters(language: str) -> bool:
    """Whether the graph methods compare characters for ``language`` (``zh``, ``zh-hans``...)."""
    return language.split("-")[0] in UNSPACED_LANGUAGES


def words(sentence: str, language: str = "en") -> list[str]:
    """The lowercased word tokens the graph methods compare; for a language written
    without spaces (:data:`UNSPACED_LANGUAGES`) each letter or digit is a token, since a
    run of letters there is a whole clause."""
    runs = _WORD.findall(sentence.lower())
    if compares_characters(language):
        return [ch for run in runs for ch in run]
    return runs


def _parse_k(name: str, family: str, required: bool) -> int:
    pattern = rf"{family}-(\d+)" if required else rf"{family}(?:-(\d+))?"
    match = re.fullmatch(pattern, name)
    if not match:
        raise SummarizerOptionError(f"expected a name like {family}-3, got {name!r}")
    k = int(match.group(1)) if match.group(1) is not None else DEFAULT_K
    if k < 1:
        raise SummarizerOptionError(f"{family} needs k >= 1, got {name!r}")
    return k


def in_article_order(sentences: Sequence[str], chosen: Sequence[int]) -> str:
    """The chosen sentences, sorted by position in the article, one per line."""
    return "\n".join(sentences[i] for i in sorted(chosen))


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` highest scores; ties go to the lower index."""
    order = np.lexsort((np.arange(len(scores)), -np.round(scores, 12)))
    return [int(i) for i in order[:k]]


def pagerank(similarity: np.ndarray, damping: float = DAMPING) -> np.ndarray:
    """Stationary scores of the random walk on a non-negative similarity matrix."""
    n = similarity.shape[0]
    if n == 0:
        return np.zeros(0)
    sums = similarity.sum(axis=1, keepdims=True)
    transition = np.where(sums > 0, similarity / np.where(sums > 0, sums, 1.0), 1.0 / n)
    scores = np.full(n, 1.0 / n)
    for _ in range(_MAX_ITERATIONS):
        updated = (1.0 - damping) / n + damping * (transition.T @ scores)
        change = np.abs(updated - scores).sum()
        scores = updated
        if change < _TOLERANCE:
            break
    return scores


def textrank_similarity(tokenized: Sequence[Sequence[str]]) -> np.ndarray:
    """Mihalcea & Tarau's overlap similarity, zero on the diagonal."""
    vocabulary = {w: i for i, w in enumerate(sorted({w for s in tokenized for w in s}))}
    n = len(tokenized)
    present = np.zeros((n, len(vocabulary)))
    for row, sentence in enumerate(tokenized):
        present[row, [vocabulary[w] for w in set(sentence)]] = 1.0
    common = present @ present.T
    logs = np.log(np.maximum([len(s) for s in tokenized], 1).astype(float))
    denominator = logs[:, None] + logs[None, :]
    positive = denominator > 0
    similarity = np.where(positive, common / np.where(positive, denominator, 1.0), 0.0)
    np.fill_diagonal(similarity, 0.0)
    return similarity


def lexrank_adjacency(tokenized: Sequence[Sequence[str]], threshold: float) -> np.ndarray:
    """Erkan & Radev's thresholded idf-modified-cosine graph (0/1 entries)."""
    vocabulary = {w: i for i, w in enumerate(sorted({w for s in tokenized for w in s}))}
    n = len(tokenized)
    tf = np.zeros((n, len(vocabulary)))
    for row, sentence in enumerate(tokenized):
        for w in sentence:
            tf[row, vocabulary[w]] += 1.0
    df = (tf > 0).sum(axis=0)
    idf = np.log(n / np.maximum(df, 1))
    weighted = tf * idf
    norms = np.linalg.norm(weighted, axis=1)
    unit = weighted / np.where(norms > 0, norms, 1.0)[:, None]
    cosine = unit @ unit.T
    return (cosine >= threshold).astype(float) * (norms[:, None] > 0) * (norms[None, :] > 0)


class _Extractive:
    """Shared plumbing: sentence splitting and article-order output."""

    family = ""
    OPTION_FAMILIES: tuple[str, ...] = ("extractive",)

    def __init__(self, name: str, options: dict, k: int) -> None:
        self._name = name
        self.k = k
        try:
            self.language = check_language(options.get("language", "en"))
        except ValueError as exc:
            raise SummarizerOptionError(str(exc)) from None

    @property
    def name(self) -> str:
        return self._name

    def settings(self) -> dict:
        return {"k": self.k, "sentence_splitter": "sentencex", "language": self.language}

    def token_settings(self) -> dict:
        """What the graph methods compare, where it is not words (a language without spaces)."""
        return {"tokens": "characters"} if compares_characters(self.language) else {}

    def choose(self, article: str, sentences: list[str]) -> list[int]:
        raise NotImplementedError

    def summarize(self, articles: Sequence[str]) -> list[str]:
        out = []
        for article in articles:
            sentences = split_sentences(article, self.language)
            if len(sentences) <= self.k:
                out.append("\n".join(sentences))
            else:
                out.append(in_article_order(sentences, self.choose(article, sentences)))
        return out


class RandomK(_Extractive):
    """``k`` sentences drawn with a generator seeded by ``generation_seed`` and the article."""

    OPTION_FAMILIES = ("extractive", "random-k")

    def __init__(self, name: str, options: dict) -> None:
        super().__init__(name, options, _parse_k(name, "random", required=True))
        self.seed = int(options.get("generation_seed", DEFAULT_SEED))

    def settings(self) -> dict:
        return {**super().settings(), "seed": self.seed,
                "generator": "numpy default_rng([seed, sha256(article)[:8]])"}

    def choose(self, article: str, sentences: list[str]) -> list[int]:
        digest = int.from_bytes(hashlib.sha256(article.encode("utf-8")).digest()[:8], "big")
        rng = np.random.default_rng([self.seed, digest])
        return [int(i) for i in rng.choice(len(sentences), size=self.k, replace=False)]


class TextRank(_Extractive):
    """The ``k`` sentences of highest TextRank score."""

    def __init__(self, name: str, options: dict) -> None:
        super().__init__(name, options, _parse_k(name, "textrank", required=False))

    def settings(self) -> dict:
        return {**super().settings(), "similarity": "word overlap / (log|Si| + log|Sj|)",
                "damping": DAMPING, **self.token_settings()}

    def choose(self, article: str, sentences: list[str]) -> list[int]:
        similarity = textrank_similarity([words(s, self.language) for s in sentences])
        return top_k(pagerank(similarity), self.k)


class LexRank(_Extractive):
    """The ``k`` sentences of highest LexRank (threshold) score."""

    OPTION_FAMILIES = ("extractive", "lexrank")

    def __init__(self, name: str, options: dict) -> None:
        super().__init__(name, options, _parse_k(name, "lexrank", required=False))
        self.threshold = float(options.get("threshold", DEFAULT_THRESHOLD))
        if not 0.0 <= self.threshold <= 1.0:
            raise SummarizerOptionError(f"lexrank threshold must be in [0, 1], got {self.threshold}")

    def settings(self) -> dict:
        return {**super().settings(), "threshold": self.threshold,
                "idf": "log(N/df) over the article's sentences", "damping": DAMPING,
                **self.token_settings()}

    def choose(self, article: str, sentences: list[str]) -> list[int]:
        adjacency = lexrank_adjacency([words(s, self.language) for s in sentences], self.threshold)
        return top_k(pagerank(adjacency), self.k)

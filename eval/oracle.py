"""The greedy extractive oracle: the usual upper bound for extractive summarisers.

Follows the procedure of Nallapati, Zhai & Zhou 2017 ("SummaRuNNer", section 4) as used
for labels and oracle scores by Liu & Lapata 2019 ("Text Summarization with Pretrained
Encoders", BertSum's ``greedy_selection``): start from the empty summary and repeatedly
add the article sentence that most increases ROUGE-1 F + ROUGE-2 F against the
reference; stop as soon as no remaining sentence increases it.  There is no length cap
by default (Nallapati et al.); ``max_sentences`` (names ``oracle-k``) adds BertSum's cap
(it uses 3).  Ties go to the earlier sentence.  The output lists the chosen sentences
in ARTICLE ORDER, one per line; it is empty when no sentence scores above zero.

Differences from BertSum, on purpose: the scores are the project's ROUGE semantics
(:mod:`sumbench.eval.metrics.rouge.tokenizers`: rouge-score tokenisation, Porter stemming unless turned off,
clipped n-gram counts rather than n-gram sets), and every candidate is scored as the
text the scorer will see -- the selection joined in article order, so a bigram across
two chosen sentences counts exactly as rouge-score counts it.  The final choice
therefore scores, under :func:`sumbench.eval.metrics.rouge.engine.score_pairs`, exactly the objective the greedy
search maximised.

Several references: for each ROUGE type the F is the best over the references
(``multi_ref="max"``, as ``RougeScorer.score_multi``) or their mean (``"mean"``),
the same rule scoring applies.

Speed: per-sentence n-gram counts are computed once; adding a candidate changes only
its own n-grams and the one or two bigrams at its boundaries, so each candidate costs
O(its length) rather than a rescoring of the whole selection.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Sequence

from .data.records import Example
from ..summarize.base import RegistryEntry
from sumbench.common.errors import SummarizerOptionError
# The oracle maximises ROUGE itself (the objective is ROUGE-1 F + ROUGE-2 F with the
# scorer's own tokenisation, stemming and multi-reference rule), so it is one of the two
# modules outside eval/metrics/ allowed to import a metric family (with runs/v1.py).
from .metrics.rouge.engine import MULTI_REF_RULES, RougeConfig
from .metrics.rouge.tokenizers import get_tokenizer
from sumbench.common.sentences import split_sentences

ORACLE_PATTERN = r"oracle(?:-(\d+))?"
# How 'sumbench list' shows it beside summarize/'s registry (the pipeline builds it).
ORACLE_ENTRY = RegistryEntry(ORACLE_PATTERN, "sumbench.eval.oracle:OracleSummarizer",
                             "greedy extractive oracle: ROUGE-1 F + ROUGE-2 F against the "
                             "references (the extractive upper bound)", "oracle, oracle-k")


def _bigrams(tokens: Sequence[str]) -> Counter:
    return Counter(zip(tokens, tokens[1:]))


class ReferenceNgrams:
    """One reference's unigram and bigram counts and its clipped overlap so far."""

    def __init__(self, tokens: list[str]) -> None:
        self.counts = (Counter((t,) for t in tokens), _bigrams(tokens))
        self.totals = (len(tokens), max(len(tokens) - 1, 0))
        self.overlap = [0, 0]

    def gain(self, order: int, current: dict, change: dict) -> int:
        """How much the clipped overlap of n-gram ``order`` grows under ``change``."""
        ref = self.counts[order]
        delta = 0
        for gram, diff in change.items():
            limit = ref.get(gram, 0)
            if limit:
                have = current.get(gram, 0)
                delta += min(have + diff, limit) - min(have, limit)
        return delta


def _fmeasure(overlap: int, predicted: int, reference: int) -> float:
    """rouge-score's F: 2PR/(P+R), 0 when either is 0."""
    precision = overlap / predicted if predicted else 0.0
    recall = overlap / reference if reference else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


class GreedySearch:
    """A selection of one article's sentences, its running objective and the greedy search.

    ``add(i)`` puts sentence ``i`` in and returns ROUGE-1 F + ROUGE-2 F of the selection
    joined in article order; ``run`` is the greedy search from the empty selection.
    Only n-grams some reference has can change an overlap, so each sentence keeps just
    those (with its full counts for the totals); the selection's counts likewise.
    """

    def __init__(self, sentence_tokens: list[list[str]], references: list[ReferenceNgrams],
                 multi_ref: str) -> None:
        self.tokens = sentence_tokens
        self.references = references
        self.multi_ref = multi_ref
        known = (set().union(*(r.counts[0] for r in references)),
                 set().union(*(r.counts[1] for r in references)))
        self.known = known
        self.unigrams = [{g: c for g, c in Counter((t,) for t in s).items() if g in known[0]}
                         for s in sentence_tokens]
        self.bigrams = [{g: c for g, c in _bigrams(s).items() if g in known[1]}
                        for s in sentence_tokens]
        self.sizes = [(len(s), max(len(s) - 1, 0)) for s in sentence_tokens]
        self.chosen: list[int] = []
        self.current: tuple[dict, dict] = ({}, {})
        self.totals = [0, 0]

    def _neighbours(self, index: int) -> tuple[int | None, int | None]:
        """The nearest chosen sentences with tokens before and after ``index``."""
        before = [i for i in self.chosen if i < index and self.tokens[i]]
        after = [i for i in self.chosen if i > index and self.tokens[i]]
        return (max(before) if before else None, min(after) if after else None)

    def _changes(self, index: int) -> tuple[dict, dict, int, int]:
        """The unigram and bigram count changes (of the n-grams some reference has) if
        sentence ``index`` joins the selection, and the changes of the two totals."""
        unigram_total, bigram_total = self.sizes[index]
        bigram_change = self.bigrams[index]
        words = self.tokens[index]
        if words and self.chosen:
            before, after = self._neighbours(index)
            joins = []
            if before is not None:
                joins.append(((self.tokens[before][-1], words[0]), 1))
            if after is not None:
                joins.append(((words[-1], self.tokens[after][0]), 1))
            if before is not None and after is not None:
                joins.append(((self.tokens[before][-1], self.tokens[after][0]), -1))
            if joins:
                bigram_change = dict(bigram_change)
                for gram, diff in joins:
                    bigram_total += diff
                    if gram in self.known[1]:
                        bigram_change[gram] = bigram_change.get(gram, 0) + diff
        return self.unigrams[index], bigram_change, unigram_total, bigram_total

    def _combine(self, values: list[float]) -> float:
        if not values:
            return 0.0
        return max(values) if self.multi_ref == "max" else sum(values) / len(values)

    def _objective(self, changes: tuple[dict, dict, int, int]) -> tuple[float, list[list[int]]]:
        """ROUGE-1 F + ROUGE-2 F after ``changes``, and each reference's new overlaps."""
        unigrams, bigrams, unigram_total, bigram_total = changes
        totals = (self.totals[0] + unigram_total, self.totals[1] + bigram_total)
        overlaps, scores = [], ([], [])
        for ref in self.references:
            new = [ref.overlap[0] + ref.gain(0, self.current[0], unigrams),
                   ref.overlap[1] + ref.gain(1, self.current[1], bigrams)]
            overlaps.append(new)
            scores[0].append(_fmeasure(new[0], totals[0], ref.totals[0]))
            scores[1].append(_fmeasure(new[1], totals[1], ref.totals[1]))
        return self._combine(scores[0]) + self._combine(scores[1]), overlaps

    def add(self, index: int) -> float:
        """Put sentence ``index`` into the selection; returns the new objective."""
        if index in self.chosen:
            raise ValueError(f"sentence {index} is already selected")
        changes = self._changes(index)
        value, overlaps = self._objective(changes)
        for n in (0, 1):
            current = self.current[n]
            for gram, diff in changes[n].items():
                current[gram] = current.get(gram, 0) + diff
            self.totals[n] += changes[2 + n]
        for ref, new in zip(self.references, overlaps):
            ref.overlap = new
        self.chosen.append(index)
        return value

    def run(self, max_sentences: int | None) -> list[int]:
        """Greedy search from the empty selection; the chosen indices in article order."""
        best = 0.0
        while max_sentences is None or len(self.chosen) < max_sentences:
            pick = None
            for index in range(len(self.tokens)):
                if index not in self.chosen:
                    value, _ = self._objective(self._changes(index))
                    if value > best:
                        best, pick = value, index
            if pick is None:
                break
            self.add(pick)
        return sorted(self.chosen)


class OracleSummarizer:
    """The greedy ROUGE-1 + ROUGE-2 oracle; it reads the references, so it lives in eval/."""

    OPTION_FAMILIES = ("extractive",)

    def __init__(self, name: str = "oracle", rouge: RougeConfig = RougeConfig(),
                 language: str = "en") -> None:
        match = re.fullmatch(ORACLE_PATTERN, name)
        if not match:
            raise SummarizerOptionError(f"expected 'oracle' or 'oracle-k', got {name!r}")
        self.max_sentences = int(match.group(1)) if match.group(1) else None
        if self.max_sentences is not None and self.max_sentences < 1:
            raise SummarizerOptionError(f"oracle-k needs k >= 1, got {name!r}")
        if rouge.multi_ref not in MULTI_REF_RULES:
            raise SummarizerOptionError(f"multi-reference rule must be one of {MULTI_REF_RULES}")
        self._name = name
        self.rouge = rouge
        self.language = language
        self._tokenizer = get_tokenizer(rouge.tokenizer, rouge.use_stemmer)

    @classmethod
    def for_metrics(cls, name: str, metrics: Sequence[Any], language: str = "en") -> "OracleSummarizer":
        """The oracle ``name`` with the ``rouge`` metric's settings when ``metrics`` has it,
        else rouge-score's defaults."""
        rouge = next((m.config.rouge for m in metrics if m.name == "rouge"), RougeConfig())
        return cls(name, rouge=rouge, language=language)

    @property
    def name(self) -> str:
        return self._name

    def settings(self) -> dict:
        return {"objective": "rouge1 F + rouge2 F", "search": "greedy, stop when no gain",
                "max_sentences": self.max_sentences, "use_stemmer": self.rouge.use_stemmer,
                "tokenizer": self.rouge.tokenizer, "multi_reference": self.rouge.multi_ref,
                "sentence_splitter": "sentencex", "language": self.language}

    def select(self, article: str, references: Sequence[str]) -> list[int]:
        """Indices (article order) of the chosen sentences of ``split_sentences(article)``."""
        sentences = split_sentences(article, self.language)
        return self._select(sentences, references)

    def search(self, sentences: Sequence[str], references: Sequence[str]) -> GreedySearch:
        """An empty selection over ``sentences`` against the reference texts."""
        if isinstance(references, str):
            raise TypeError("references must be a list of reference texts, not one string")
        tokens = [self._tokenizer.tokenize(s) for s in sentences]
        refs = [ReferenceNgrams(self._tokenizer.tokenize(r)) for r in references]
        return GreedySearch(tokens, refs, self.rouge.multi_ref)

    def _select(self, sentences: list[str], references: Sequence[str]) -> list[int]:
        return self.search(sentences, references).run(self.max_sentences)

    def summarize_with_references(self, articles: Sequence[str],
                                  references: Sequence[Sequence[str]]) -> list[str]:
        """One oracle summary per article.

        ``references[i]`` is the list of reference texts of article ``i`` (each text one
        sentence per line, as :meth:`Example.reference_texts` gives them), not a list
        of sentences of one reference.
        """
        if len(articles) != len(references):
            raise ValueError(f"{len(articles)} articles but {len(references)} reference lists")
        out = []
        for article, refs in zip(articles, references):
            sentences = split_sentences(article, self.language)
            out.append("\n".join(sentences[i] for i in self._select(sentences, refs)))
        return out

    def summarize_examples(self, examples: Sequence[Example]) -> list[str]:
        """One oracle summary per example, against all of its references."""
        return self.summarize_with_references([e.article for e in examples],
                                              [e.reference_texts() for e in examples])

"""ROUGE-1.5.5 scores in pure Python: per summary, and the corpus lines the script prints.

``score_rouge155(predictions, references, config)`` returns, per metric key of
``config.rouge_types`` (``rouge1`` .. ``rougeN``, ``rougeL``, ``rougeW-<w>``,
``rougeS<d>`` / ``rougeSU<d>`` with ``*`` for an unlimited distance), an ``(n, 3)`` array
of precision, recall and F: the numbers ``ROUGE-1.5.5.pl -d`` prints per evaluation.
Like the script, P and R are rounded to 5 decimals and F is computed from the rounded
values (then rounded); the script's corpus statistics use these rounded numbers too.
``corpus_scores`` turns them into the script's corpus "Average" lines with their
bootstrap intervals (:mod:`sumbench.eval.metrics.rouge155.bootstrap`).

Several references per summary (Lin 2004, section 2.1; the script's ``-f``):
``A`` pools them (hits, reference counts and the summary's own count are summed over the
references before dividing), ``B`` keeps, per metric, the reference with the highest
recall (the first one on a tie; recall rounded to 5 decimals for ROUGE-N/S, unrounded
for L/W, as the script compares them). F = P R / ((1 - alpha) P + alpha R), or 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from .bootstrap import average_and_interval, resample_means
from .flags import Rouge155Config
from .measures import (
    clipped_hits,
    lcs_union_stats,
    ngram_counts,
    skip_bigram_counts,
    wlcs_union_stats,
)
from .text import Tokenizer
from ...stats.interval import Interval

Stats = tuple[float, float, float, float]  # hit, model count, peer count, -f B key


def _best_key_ngram(hit: float, count: float) -> float:
    # The script ranks references for ``-f B`` by recall formatted with "%07.5f".
    return round(hit / count, 5) if count else 0.0


@dataclass(frozen=True)
class Rouge155Average:
    """One metric's corpus line: average and interval of recall, precision and F."""

    precision: Interval
    recall: Interval
    fmeasure: Interval

    def to_dict(self) -> dict[str, dict[str, float]]:
        return asdict(self)


def _prf(hit: float, model: float, peer: float, alpha: float, weight: float | None) -> tuple[float, float, float]:
    recall = hit / model if model > 0 else 0.0
    precision = hit / peer if peer > 0 else 0.0
    if weight is not None:
        recall = recall ** (1.0 / weight)
        precision = precision ** (1.0 / weight)
    # The script formats P and R with "%7.5f" and computes F from the formatted numbers.
    recall = round(recall, 5)
    precision = round(precision, 5)
    denom = (1 - alpha) * precision + alpha * recall
    f = precision * recall / denom if denom > 0 else 0.0
    return precision, recall, round(f, 5)


class _Example:
    """The statistics of one prediction against each of its references."""

    def __init__(self, config: Rouge155Config, tokenizer: Tokenizer, prediction: str) -> None:
        self.config = config
        self.tokenizer = tokenizer
        self.peer = tokenizer.tokenize(prediction)
        self.ngrams = [ngram_counts(self.peer.tokens, n) for n in range(1, config.max_n + 1)]
        self.skips: list[tuple[bool, Counter]] = []
        if config.skip_distance is not None:
            variants = ([False] if config.skip_plain else []) + ([True] if config.skip_unigrams else [])
            self.skips = [(u, skip_bigram_counts(self.peer.tokens, config.skip_distance, u)) for u in variants]

    def against(self, reference: str) -> list[Stats]:
        """Per metric of ``config.rouge_types``: (hit, model count, peer count, -f B key)."""
        config = self.config
        peer = self.peer
        model = self.tokenizer.tokenize(reference)
        stats: list[Stats] = []
        for n, peer_counts in enumerate(self.ngrams, start=1):
            model_counts = ngram_counts(model.tokens, n)
            hit = clipped_hits(peer_counts, model_counts)
            count = sum(model_counts.values())
            stats.append((hit, count, sum(peer_counts.values()), _best_key_ngram(hit, count)))
        if config.rouge_l:
            hit, base = lcs_union_stats(peer.sentences, model.sentences, peer.tokens, model.tokens)
            stats.append((hit, base, len(peer.tokens), hit / base if base else 0.0))
        if config.wlcs_weight is not None:
            w = config.wlcs_weight
            hit, base = wlcs_union_stats(peer.sentences, model.sentences, peer.tokens, model.tokens, w)
            # The script divides by ``base`` unguarded here and dies when it is 0.
            key = (hit / base) ** (1.0 / w) if base else 0.0
            stats.append((hit, base ** w, len(peer.tokens) ** w, key))
        for unigrams, peer_counts in self.skips:
            model_counts = skip_bigram_counts(model.tokens, config.skip_distance, unigrams)
            hit = clipped_hits(peer_counts, model_counts)
            count = sum(model_counts.values())
            stats.append((hit, count, sum(peer_counts.values()), _best_key_ngram(hit, count)))
        return stats


def _combine(per_ref: list[list[Stats]], config: Rouge155Config) -> list[tuple[float, float, float]]:
    weights: list[float | None] = [None] * len(config.rouge_types)
    if config.wlcs_weight is not None:
        weights[config.max_n + int(config.rouge_l)] = config.wlcs_weight
    out = []
    for m, weight in enumerate(weights):
        if config.scoring_formula == "A":
            hit = sum(ref[m][0] for ref in per_ref)
            model = sum(ref[m][1] for ref in per_ref)
            peer = sum(ref[m][2] for ref in per_ref)
        else:
            best = per_ref[0][m]
            for ref in per_ref[1:]:
                if ref[m][3] > best[3]:
                    best = ref[m]
            hit, model, peer = best[0], best[1], best[2]
        out.append(_prf(hit, model, peer, config.alpha, weight))
    return out


def score_rouge155(
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    config: Rouge155Config,
) -> dict[str, np.ndarray]:
    """Per-summary ROUGE-1.5.5 scores: ``{metric key: (n, 3) precision, recall, F}``.

    ``predictions[i]`` has one sentence per line; ``references[i]`` is a non-empty list
    of such texts. Equal to ``ROUGE-1.5.5.pl -d`` with the flags ``config`` was parsed
    from, at the script's 5 printed decimals.
    """
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} reference lists")
    types = config.rouge_types
    out = np.zeros((len(types), len(predictions), 3))
    tokenizer = Tokenizer(config.stem, config.remove_stopwords, config.word_limit,
                          config.byte_limit, config.exceptions)
    for i, (prediction, refs) in enumerate(zip(predictions, references)):
        if isinstance(refs, str) or len(refs) == 0:
            raise ValueError(f"references[{i}] must be a non-empty list of texts")
        example = _Example(config, tokenizer, prediction)
        per_ref = [example.against(ref) for ref in refs]
        out[:, i, :] = _combine(per_ref, config)
    return {t: out[k] for k, t in enumerate(types)}


def corpus_scores(scores: Mapping[str, np.ndarray], config: Rouge155Config) -> dict[str, Rouge155Average]:
    """The script's corpus lines from :func:`score_rouge155`'s output.

    ``mid`` is the script's "Average" (the mean of its ``config.resamples`` bootstrap
    resample means, not the plain mean), ``low``/``high`` its ``config.confidence``%
    interval; all three equal the script's output at its 5 printed decimals.
    """
    keys = list(scores)
    if not keys:
        return {}
    stacked = np.concatenate([np.asarray(scores[k], dtype=np.float64)[:, [1, 0, 2]] for k in keys], axis=1)
    resampled = resample_means(stacked, config.resamples)
    out = {}
    for m, key in enumerate(keys):
        recall, precision, fmeasure = (
            Interval(*average_and_interval(resampled[:, 3 * m + c], config.confidence)) for c in range(3)
        )
        out[key] = Rouge155Average(precision=precision, recall=recall, fmeasure=fmeasure)
    return out

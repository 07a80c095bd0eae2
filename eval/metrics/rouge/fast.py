"""The ``fast`` ROUGE backend: rouge-score 0.1.2's numbers, bit for bit, much faster.

It follows ``rouge_score/rouge_scorer.py`` (Lin 2004, "ROUGE: A Package for Automatic
Evaluation of Summaries"; rouge-score equals ``ROUGE-1.5.5.pl -e data -n 2 -a``, plus
``-m`` with stemming) and reaches the same integer counts, then applies the same IEEE
float operations, so results compare equal with ``==``:

* each text is tokenised once; the tokens of its lines (for rougeLsum) come from the
  same pass (``tokenize_lines``) and the Porter stemmer is memoised per word;
* a reference is held as position masks (token -> int with bit i set where it occurs),
  and each prediction token is looked up there once;
* rougeN: overlap ``sum(min(#g in pred, #g in ref))`` over n-grams ``g``, the reference
  count being the popcount of ``masks[g0] & masks[g1] >> 1 & ...``;
  ``precision = overlap / max(#pred n-grams, 1)``, ``recall = overlap / max(#ref, 1)``;
* rougeL: bit-parallel LCS length (:mod:`sumbench.eval.metrics.rouge.lcs`);
* rougeLsum: the union, per reference line, of rouge-score's own choice of LCS with each
  prediction line (:func:`sumbench.eval.metrics.rouge.lcs.lcs_bits_from_columns`), hits clipped by token
  counts;
* ``F = 2 * P * R / (P + R)`` (0 when ``P + R == 0``), as ``scoring.fmeasure``; the
  divisions run vectorised at the end (float64 division and multiplication are
  correctly rounded in NumPy as in Python, so the values are the same).

Several references: ``max`` is ``RougeScorer.score_multi`` (per type, the reference with
the largest F, the first on ties); ``mean`` is ``np.mean`` of the per-reference
(P, R, F) rows, as :mod:`sumbench.eval.metrics.rouge.reference` does.  ``processes > 1`` scores contiguous
chunks in worker processes (:mod:`sumbench.eval.metrics.rouge.parallel`); the results are identical.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Sequence
from functools import reduce
from itertools import chain, compress, pairwise, repeat
from operator import eq, or_

import numpy as np

from .lcs import lcs_bits_from_columns, lcs_length_from_columns, position_masks
from .engine import MULTI_REF_RULES, RougeConfig
from .tokenizers import Tokenizer, get_tokenizer

_NGRAM_TYPE = re.compile(r"rouge([1-9])")
ROUGE_L = 0
ROUGE_LSUM = -1


def parse_rouge_types(rouge_types: Sequence[str]) -> list[int]:
    """Per type: n >= 1 for rougeN, :data:`ROUGE_L` (0), :data:`ROUGE_LSUM` (-1)."""
    kinds = []
    for rouge_type in rouge_types:
        if rouge_type == "rougeL":
            kinds.append(ROUGE_L)
        elif rouge_type == "rougeLsum":
            kinds.append(ROUGE_LSUM)
        else:
            match = _NGRAM_TYPE.fullmatch(rouge_type)
            if match is None:
                raise ValueError(f"invalid ROUGE type {rouge_type!r}; "
                                 "valid: rouge1 ... rouge9, rougeL, rougeLsum")
            kinds.append(int(match.group(1)))
    return kinds


def _ngram_counts(tokens: list[str], n: int) -> Counter:
    return Counter(tokens) if n == 1 else Counter(zip(*(tokens[i:] for i in range(n))))


class _Reference:
    """A reference text: its tokens, their position masks, and its lines for rougeLsum.

    ``lsum`` is the reference rougeLsum reads: itself when the tokens are the
    concatenation of the lines' tokens, else (a tokenizer with ``separate_lines``, such
    as multilingual ROUGE's) a reference built from the lines alone."""

    __slots__ = ("lines", "lsum", "masks", "tokens")

    def __init__(self, text: str, tokenizer: Tokenizer, need_lsum: bool) -> None:
        if getattr(tokenizer, "separate_lines", False):
            self._build([tokenizer.tokenize(text)], False)
            self.lsum = _Reference.from_lines(tokenizer.tokenize_lines(text)) if need_lsum else None
        else:
            self._build(tokenizer.tokenize_lines(text), need_lsum)
            self.lsum = self

    @classmethod
    def from_lines(cls, lines: list[list[str]]) -> _Reference:
        ref = cls.__new__(cls)
        ref._build(lines, True)
        ref.lsum = ref
        return ref

    def _build(self, lines: list[list[str]], need_lsum: bool) -> None:
        tokens = lines[0] if len(lines) == 1 else list(chain.from_iterable(lines))
        self.tokens = tokens
        self.masks = position_masks(tokens)  # bit i of masks[t] <=> tokens[i] == t
        self.lines = None
        if need_lsum:
            # (offset in tokens, length, tokens) of each line with tokens: lines without
            # tokens add no LCS and no counts to rouge-score's rougeLsum, and a text with
            # only such lines has no tokens, which rouge-score scores 0 like an empty one
            self.lines = []
            offset = 0
            for line in lines:
                if line:
                    self.lines.append((offset, len(line), line))
                    offset += len(line)


class _Prediction:
    """A prediction text: its tokens, the n-gram counts needed, and its lines (``lsum``:
    as for :class:`_Reference`)."""

    __slots__ = ("lsum", "ngrams", "spans", "tokens")

    def __init__(self, text: str, tokenizer: Tokenizer, orders: Sequence[int],
                 need_lsum: bool = True) -> None:
        if getattr(tokenizer, "separate_lines", False):
            self._build([tokenizer.tokenize(text)], orders)
            self.lsum = (_Prediction.from_lines(tokenizer.tokenize_lines(text))
                         if need_lsum else None)
        else:
            self._build(tokenizer.tokenize_lines(text), orders)
            self.lsum = self

    @classmethod
    def from_lines(cls, lines: list[list[str]]) -> _Prediction:
        pred = cls.__new__(cls)
        pred._build(lines, (1,))
        pred.lsum = pred
        return pred

    def _build(self, lines: list[list[str]], orders: Sequence[int]) -> None:
        self.tokens = lines[0] if len(lines) == 1 else list(chain.from_iterable(lines))
        self.ngrams = {n: _ngram_counts(self.tokens, n) for n in orders}
        self.spans = []  # (offset in tokens, length) of each line with tokens
        offset = 0
        for line in lines:
            if line:
                self.spans.append((offset, len(line)))
                offset += len(line)


def _unigram_overlap(ref: _Reference, pred: _Prediction) -> int:
    """``sum(min(#t in ref, #t in pred))`` over tokens ``t`` (ref counts are popcounts)."""
    get = ref.masks.get
    total = 0
    for token, count in pred.ngrams[1].items():
        m = get(token)
        if m:
            found = m.bit_count()
            total += count if count < found else found
    return total


def _bigram_overlap(in_ref: list, tokens: list) -> int:
    """``sum(min(#g in ref, #g in pred))`` over bigrams ``g``.

    ``in_ref[j]`` is the reference mask of ``tokens[j]`` (None if absent); the reference
    occurrences of ``(tokens[j], tokens[j+1])`` are the bits of
    ``in_ref[j] & in_ref[j+1] >> 1``.  Each prediction occurrence counts while fewer than
    that many copies were counted.
    """
    total = 0
    used: dict = {}
    for j, (m, following) in enumerate(pairwise(in_ref)):
        if m and following:
            found = m & (following >> 1)
            if found:
                gram = (tokens[j], tokens[j + 1])
                count = used.get(gram, 0)
                if count < found.bit_count():
                    used[gram] = count + 1
                    total += 1
    return total


def _ngram_overlap(ref: _Reference, pred: _Prediction, n: int) -> int:
    """``sum(min(#g in ref, #g in pred))`` over n-grams ``g`` for n >= 3: ``g`` starts at
    reference position i iff bit i of ``masks[g[0]] & masks[g[1]] >> 1 & ...`` is set."""
    get = ref.masks.get
    total = 0
    for gram, count in pred.ngrams[n].items():
        m = get(gram[0])
        for k in range(1, n):
            if not m:
                break
            other = get(gram[k])
            m = m & (other >> k) if other else 0
        if m:
            found = m.bit_count()
            total += count if count < found else found
    return total


def _lsum_hits(ref: _Reference, pred: _Prediction, in_ref: list) -> int:
    """rouge-score's ``_summary_level_lcs`` hit count.

    Per reference line: the union of the LCS index sets with every prediction line.  Each
    union token is a hit while both texts still have an unused copy, which totals
    ``min(#union copies, #prediction copies)`` per token (a union never holds more copies
    than the reference has).  ``in_ref`` holds the whole-reference mask of each
    prediction token; a reference line's rows are a bit range of those.  Shortcuts
    (exact): an LCS uses only rows whose token the two lines share, so a line pair whose
    shared rows are already in the union, or are a single row, needs no LCS.
    """
    ref_lines = ref.lines
    unions = [0] * len(ref_lines)
    fulls = [(1 << size) - 1 for _, size, _ in ref_lines]
    for start, length in pred.spans:
        line = in_ref[start:start + length]
        ms = list(filter(None, line))
        if not ms:
            continue
        columns = list(zip(compress(range(length), line), ms))
        shared = reduce(or_, ms)
        for b, (offset, size, _) in enumerate(ref_lines):
            full = fulls[b]
            rows = (shared >> offset) & full
            union = unions[b]
            if not rows & ~union:
                continue
            if not rows & (rows - 1):
                unions[b] = union | rows
                continue
            line_columns = [(j, x) for j, m in columns if (x := (m >> offset) & full)]
            unions[b] = union | lcs_bits_from_columns(line_columns, size, length)
    union_tokens: list[str] = []
    for (_, _, line), union, full in zip(ref_lines, unions, fulls):
        if union == full:
            union_tokens.extend(line)
        elif union:
            # bin() lists the bits from the highest; reversed, character i is bit i
            union_tokens.extend(compress(line, map(eq, bin(union)[:1:-1], repeat("1"))))
    pred_counts = pred.ngrams[1]
    total = 0
    for token, count in Counter(union_tokens).items():
        available = pred_counts[token]
        total += count if count < available else available
    return total


def _counts(kinds: Sequence[int], ref: _Reference, pred: _Prediction) -> list[tuple[int, int, int]]:
    """Per type ``(hits, precision denominator, recall denominator)``, denominators >= 1."""
    out = []
    n_pred = len(pred.tokens)
    n_ref = len(ref.tokens)
    in_ref = None
    for n in kinds:
        if n == ROUGE_LSUM and ref.lsum is not ref:  # lines tokenised apart (multilingual)
            lref, lpred = ref.lsum, pred.lsum
            if not lref.tokens or not lpred.tokens:
                out.append((0, 1, 1))
            else:
                lsum_in_ref = list(map(lref.masks.get, lpred.tokens))
                out.append((_lsum_hits(lref, lpred, lsum_in_ref), len(lpred.tokens),
                            len(lref.tokens)))
            continue
        if n == 1:
            out.append((_unigram_overlap(ref, pred), max(n_pred, 1), max(n_ref, 1)))
            continue
        if n > 2:
            out.append((_ngram_overlap(ref, pred, n), max(n_pred - n + 1, 1), max(n_ref - n + 1, 1)))
            continue
        if n != 2 and (not n_pred or not n_ref):
            out.append((0, 1, 1))  # rouge-score returns (0, 0, 0) here
            continue
        if in_ref is None:  # each prediction token's reference mask, for the types below
            in_ref = list(map(ref.masks.get, pred.tokens))
        if n == 2:
            out.append((_bigram_overlap(in_ref, pred.tokens), max(n_pred - 1, 1), max(n_ref - 1, 1)))
        elif n == ROUGE_L:
            out.append((lcs_length_from_columns(filter(None, in_ref), n_ref), n_pred, n_ref))
        else:
            out.append((_lsum_hits(ref, pred, in_ref), n_pred, n_ref))
    return out


def _f(hits: int, d_pred: int, d_ref: int) -> tuple[float, float, float]:
    precision = hits / d_pred
    recall = hits / d_ref
    if precision + recall > 0:
        return precision, recall, 2 * precision * recall / (precision + recall)
    return precision, recall, 0.0


def _prf_arrays(hits: np.ndarray, d_pred: np.ndarray, d_ref: np.ndarray) -> np.ndarray:
    """:func:`_f` vectorised: the same operations in the same order, so the same values."""
    precision = hits / d_pred
    recall = hits / d_ref
    total = precision + recall
    fmeasure = np.zeros_like(total)
    positive = total > 0
    fmeasure[positive] = 2 * precision[positive] * recall[positive] / total[positive]
    return np.stack([precision, recall, fmeasure], axis=1)


def tokenizer_for(config: RougeConfig) -> Tokenizer:
    """The tokenizer of ``config``: multilingual ROUGE's pipeline when a language is set."""
    if config.language:
        from .multilingual import MultilingualTokenizer

        return MultilingualTokenizer(config.language, config.use_stemmer)
    return get_tokenizer(config.tokenizer, config.use_stemmer)


def score_serial(predictions: Sequence[str], references: Sequence[Sequence[str]],
                 config: RougeConfig) -> dict[str, np.ndarray]:
    """:func:`score_pairs` in this process."""
    kinds = parse_rouge_types(config.rouge_types)
    if config.multi_ref not in MULTI_REF_RULES:
        raise ValueError(f"multi-reference rule must be one of {MULTI_REF_RULES}")
    tokenizer = tokenizer_for(config)
    need_lsum = ROUGE_LSUM in kinds
    # prediction n-gram counts: unigrams for rouge1 and rougeLsum's clipping, n >= 3 for
    # rougeN (bigrams are counted from the token masks)
    orders = sorted({n for n in kinds if n != 2 and n > 0} | ({1} if need_lsum else set()))
    use_mean = config.multi_ref == "mean"
    n_types = len(kinds)
    counts = array("q")  # per pair, per type: hits, precision and recall denominators
    means: dict[int, list[np.ndarray]] = {}  # pair index -> per-type rows ("mean" rule)

    for index, (prediction, refs) in enumerate(zip(predictions, references)):
        if isinstance(refs, str) or len(refs) == 0:
            raise ValueError("each references entry must be a non-empty list of texts")
        pred = _Prediction(prediction, tokenizer, orders, need_lsum)
        per_ref = [_counts(kinds, _Reference(r, tokenizer, need_lsum), pred) for r in refs]
        if len(per_ref) == 1:
            chosen = per_ref[0]
        elif use_mean:
            means[index] = [np.mean([_f(*row[t]) for row in per_ref], axis=0)
                            for t in range(n_types)]
            chosen = [(0, 1, 1)] * n_types
        else:  # max: the first reference with the largest F, like np.argmax
            chosen = []
            for t in range(n_types):
                best = per_ref[0][t]
                best_f = _f(*best)[2]
                for row in per_ref[1:]:
                    f = _f(*row[t])[2]
                    if f > best_f:
                        best, best_f = row[t], f
                chosen.append(best)
        counts.extend(chain.from_iterable(chosen))

    table = np.frombuffer(counts, dtype=np.int64) if counts else np.zeros(0, dtype=np.int64)
    table = table.reshape(-1, n_types, 3)
    out = {}
    for t, name in enumerate(config.rouge_types):
        scores = _prf_arrays(table[:, t, 0], table[:, t, 1], table[:, t, 2])
        for index, rows in means.items():
            scores[index] = rows[t]
        out[name] = scores
    return out


def score_pairs(predictions: Sequence[str], references: Sequence[Sequence[str]],
                config: RougeConfig, processes: int = 1) -> dict[str, np.ndarray]:
    """See :func:`sumbench.eval.metrics.rouge.engine.score_pairs`; ``processes > 1`` scores chunks in parallel."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    if processes < 1:
        raise ValueError(f"processes must be >= 1, got {processes}")
    if processes > 1:
        from .parallel import score_parallel

        return score_parallel(predictions, references, config, processes)
    return score_serial(predictions, references, config)

"""BERTScore for predictions against one or more references each: tokens, weights,
embeddings and greedy matching (:mod:`.tokens`, :mod:`.idf`, :mod:`.matching`) put
together the way ``bert_score.score`` 0.3.13 puts them together:

- with several references, each of P, R and F is the maximum over the references on
  its own (so F need not be the harmonic mean of the P and R shown);
- a prediction or reference with no token besides the special ones scores P = R = F = 0
  (bert-score: "Empty candidate/reference sentence detected; setting raw BERTScores
  to 0");
- the rescaling, when asked for, follows the maximum.

Where bert-score would return NaN (with IDF, a non-empty text whose every word piece is
in every reference weighs 0 in total), sumbench scores 0 and reports the examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from sumbench.common.progress import Progress

from .baseline import Baseline
from .encoder import Encoder
from .idf import IdfTable, token_weights
from .matching import embed_texts, greedy_match
from .tokens import encode_texts, marker_ids, special_ids


@dataclass(frozen=True)
class BertScores:
    """Per-example P, R, F1 (float64 copies of the float32 values) and what was found on
    the way: examples whose prediction or some reference was cut at ``limit`` tokens,
    and examples scored 0 because a text had no weight."""

    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    limit: int | None
    truncated_predictions: tuple[int, ...]
    truncated_references: tuple[int, ...]
    zero_weight: tuple[int, ...]
    texts_embedded: int


def score_texts(encoder: Encoder, predictions: Sequence[str],
                references: Sequence[Sequence[str]], idf: bool, batch_size: int,
                baseline: Baseline | None = None, progress: bool = True) -> BertScores:
    """BERTScore of ``predictions[i]`` against the references ``references[i]``."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} examples")
    if any(len(refs) == 0 for refs in references):
        raise ValueError("every example needs at least one reference")
    tokenizer = encoder.tokenizer
    limit = encoder.limit
    texts = list(dict.fromkeys([*predictions, *(r for refs in references for r in refs)]))
    index = {t: k for k, t in enumerate(texts)}
    encoded = encode_texts(tokenizer, texts, limit)
    specials, markers = special_ids(tokenizer), marker_ids(tokenizer)
    flat_refs = [r for refs in references for r in refs]
    table = (IdfTable.from_references([encoded.ids[index[r]] for r in flat_refs])
             if idf else None)
    weights = [token_weights(ids, table, markers) for ids in encoded.ids]
    empty = [not any(t not in specials for t in ids) for ids in encoded.ids]

    with Progress("bertscore: embedding", len(texts), "texts", enabled=progress) as bar:
        embeddings = embed_texts(encoder, encoded.ids, batch_size, bar)

    owner = [i for i, refs in enumerate(references) for _ in refs]
    hyp = [index[predictions[i]] for i in owner]
    ref = [index[r] for r in flat_refs]
    pairs = greedy_match([embeddings[k] for k in hyp], [weights[k] for k in hyp],
                         [embeddings[k] for k in ref], [weights[k] for k in ref],
                         encoder.device, batch_size)
    either_empty = np.array([empty[h] or empty[r] for h, r in zip(hyp, ref)], dtype=bool)
    pairs[either_empty] = 0.0
    no_weight = np.isnan(pairs).any(axis=1)
    pairs[np.isnan(pairs)] = 0.0

    count = len(predictions)
    best = np.full((count, 3), -np.inf, dtype=np.float32)
    np.maximum.at(best, np.array(owner, dtype=np.intp), pairs)
    precision, recall, f1 = best[:, 0], best[:, 1], best[:, 2]
    if baseline is not None:
        precision, recall, f1 = baseline.rescale(precision, recall, f1)
    truncated = encoded.truncated
    return BertScores(
        precision=precision.astype(np.float64), recall=recall.astype(np.float64),
        f1=f1.astype(np.float64), limit=limit,
        truncated_predictions=tuple(i for i, p in enumerate(predictions)
                                    if truncated[index[p]]),
        truncated_references=tuple(sorted({owner[k] for k, r in enumerate(ref)
                                           if truncated[r]})),
        zero_weight=tuple(sorted({owner[k] for k in np.flatnonzero(no_weight)})),
        texts_embedded=len(texts))

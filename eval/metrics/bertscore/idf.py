"""Token weights of BERTScore (Zhang et al. 2020, section 3, "Importance Weighting").

With IDF, a word piece ``w`` weighs ``idf(w) = log((M + 1) / (c(w) + 1))`` where ``M`` is
the number of reference texts and ``c(w)`` the number of them that contain ``w`` (the
paper's Eq. 4 with bert-score's plus-one smoothing; a word piece no reference contains
weighs ``log(M + 1)``).  The references are every reference of every example, repeats
included, as bert-score counts the list it is given; the ids are those of
:mod:`.tokens` (special tokens and the length cut included), so [CLS] and [SEP], present
in every reference, weigh 0.  Predictions are weighted with the references' table.

Without IDF every word piece weighs 1 except [CLS] and [SEP], which weigh 0.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np


@dataclass(frozen=True)
class IdfTable:
    """Document frequencies of word pieces over ``documents`` reference texts."""

    documents: int
    counts: dict[int, int]

    @classmethod
    def from_references(cls, references: Sequence[Sequence[int]]) -> "IdfTable":
        counts: Counter[int] = Counter()
        for ids in references:
            counts.update(set(ids))
        return cls(len(references), dict(counts))

    def idf(self, token: int) -> float:
        return math.log((self.documents + 1) / (self.counts.get(token, 0) + 1))


def token_weights(ids: Iterable[int], idf: IdfTable | None,
                  markers: frozenset[int]) -> np.ndarray:
    """The weight of each token of one text (float32, as bert-score pads them)."""
    if idf is None:
        return np.array([0.0 if t in markers else 1.0 for t in ids], dtype=np.float32)
    return np.array([idf.idf(t) for t in ids], dtype=np.float32)

"""Score predictions against a reference set: per-example ROUGE, corpus means with seeded
bootstrap intervals, notices and the signature, as one :class:`ScoredRun`.

This is the scoring half of the pipeline (``eval.run`` adds summarisation and run
folders); the ROUGE semantics and their intervals come from :mod:`sumbench.eval.implementations`
(rouge-score: percentile bootstrap intervals of the mean, Efron & Tibshirani 1993, with
a seeded ``numpy.random.Generator``; the point estimate is the plain mean).
``aggregate_scores`` is re-exported from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from sumbench.eval.implementations import IMPLEMENTATIONS, Rouge155Semantics
from sumbench.eval.implementations import aggregate_scores  # noqa: F401 (re-exported)
from sumbench.eval.metrics.rouge.lsum import LSUM_SPLITS, prepare_for_lsum
from sumbench.eval.notices import Notice, collect_notices
from sumbench.eval.data.records import Example
from sumbench.eval.metrics.rouge.engine import DEFAULT_BACKEND, RougeConfig
from sumbench.eval.scores import Interval
from sumbench.eval.signature import Signature


ROUGE_IMPLS = tuple(IMPLEMENTATIONS)
ROUGE155_DEFAULT_FLAGS = Rouge155Semantics.DEFAULT_FLAGS


@dataclass(frozen=True)
class ScoringConfig:
    """How to score: ROUGE settings, Lsum split, bootstrap, backend and processes.

    ``impl`` chooses the semantics (:data:`sumbench.eval.implementations.IMPLEMENTATIONS`):
    ``rouge-score`` (default; ``rouge``, ``bootstrap_*``, ``seed`` and ``confidence``
    apply) or ``rouge155`` (the original Perl script's, with its own options in
    ``rouge155_flags`` and its own resampling for the intervals).
    """

    rouge: RougeConfig = RougeConfig()
    lsum_split: str = "newline"
    bootstrap_samples: int = 1000
    seed: int = 12345
    confidence: float = 0.95
    backend: str = DEFAULT_BACKEND
    processes: int = 1
    impl: str = "rouge-score"
    rouge155_flags: str = ROUGE155_DEFAULT_FLAGS
    rouge155_exceptions: str = "wordnet"

    @property
    def implementation(self):
        """The :mod:`sumbench.eval.implementations` entry named by ``impl``."""
        try:
            return IMPLEMENTATIONS[self.impl]
        except KeyError:
            raise ValueError(f"unknown ROUGE implementation {self.impl!r}; known: "
                             f"{', '.join(IMPLEMENTATIONS)}") from None

    def check(self) -> None:
        """Raise a usage error now for settings that would fail later (e.g. bad flags)."""
        self.implementation.check(self)

    def signature(self) -> Signature:
        return self.implementation.signature(self)

    def to_dict(self) -> dict:
        """The settings that determine the numbers (processes and backend do not)."""
        return self.implementation.settings(self)


@dataclass(frozen=True)
class ScoredRun:
    """Per-example scores, their aggregate and everything needed to report them."""

    ids: tuple[str, ...]
    predictions: tuple[str, ...]
    per_example: dict[str, np.ndarray] = field(compare=False)
    aggregate: dict[str, dict[str, Interval]]
    signature: Signature
    config: ScoringConfig
    notices: tuple[Notice, ...]
    counts: dict[str, int]

    @property
    def rouge_types(self) -> tuple[str, ...]:
        return tuple(self.per_example)


def score_predictions(examples: Sequence[Example], predictions: Sequence[str],
                      config: ScoringConfig = ScoringConfig()) -> ScoredRun:
    """Score ``predictions[i]`` against ``examples[i].references``."""
    if len(examples) != len(predictions):
        raise ValueError(f"{len(predictions)} predictions for {len(examples)} examples")
    if not examples:
        raise ValueError("nothing to score: the reference set is empty")
    if config.lsum_split not in LSUM_SPLITS:
        raise ValueError(f"unknown Lsum split {config.lsum_split!r}")
    implementation = config.implementation
    ids = tuple(e.id for e in examples)
    uses_lsum = implementation.needs_sentence_lines(config)
    split = config.lsum_split if uses_lsum else "newline"
    prepared_predictions = [prepare_for_lsum(p, split) for p in predictions]
    prepared_references = [[prepare_for_lsum(r, split) for r in e.reference_texts()]
                           for e in examples]
    notices = collect_notices(ids, prepared_predictions, prepared_references,
                              implementation.tokenizer(config),
                              lsum_checked=uses_lsum and split == "newline")
    per_example, aggregate = implementation.score(prepared_predictions, prepared_references,
                                                  config)
    counts = {
        "examples": len(examples),
        "references": sum(len(e.references) for e in examples),
        "empty_predictions": sum(1 for p in predictions if not p.strip()),
        "multi_reference_examples": sum(1 for e in examples if len(e.references) > 1),
    }
    return ScoredRun(ids=ids, predictions=tuple(predictions), per_example=per_example,
                     aggregate=aggregate, signature=config.signature(), config=config,
                     notices=tuple(notices), counts=counts)

"""Score predictions against a reference set: per-example ROUGE, corpus means with seeded
bootstrap intervals, notices and the signature, as one :class:`ScoredRun`.

This is the scoring half of the pipeline (``eval.run`` adds summarisation and run
folders).  Intervals are percentile bootstrap intervals of the mean (Efron & Tibshirani
1993) with a seeded ``numpy.random.Generator``; the point estimate is the plain mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from eval.lsum import LSUM_SPLITS, prepare_for_lsum
from eval.notices import Notice, collect_notices
from eval.records import Example
from eval.rouge import DEFAULT_BACKEND, RougeConfig, score_pairs
from eval.scores import COLUMNS, Interval
from eval.signature import Signature, rouge_score_version
from eval.stats import bootstrap_interval


@dataclass(frozen=True)
class ScoringConfig:
    """How to score: ROUGE settings, Lsum split, bootstrap, backend and processes."""

    rouge: RougeConfig = RougeConfig()
    lsum_split: str = "newline"
    bootstrap_samples: int = 1000
    seed: int = 12345
    confidence: float = 0.95
    backend: str = DEFAULT_BACKEND
    processes: int = 1

    def signature(self) -> Signature:
        return Signature(
            impl=f"rouge-score-{rouge_score_version()}",
            tokenizer=self.rouge.tokenizer,
            stemmer="porter" if self.rouge.use_stemmer else "none",
            lsum_split=self.lsum_split,
            multi_ref=self.rouge.multi_ref,
            bootstrap_samples=self.bootstrap_samples,
            seed=self.seed,
            confidence=self.confidence,
        )

    def to_dict(self) -> dict:
        """The settings that determine the numbers (processes and backend do not)."""
        return {
            "rouge_types": list(self.rouge.rouge_types),
            "use_stemmer": self.rouge.use_stemmer,
            "tokenizer": self.rouge.tokenizer,
            "multi_reference": self.rouge.multi_ref,
            "lsum_split": self.lsum_split,
            "bootstrap_samples": self.bootstrap_samples,
            "seed": self.seed,
            "confidence": self.confidence,
        }


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


def aggregate_scores(per_example: dict[str, np.ndarray], samples: int, seed: int,
                     confidence: float) -> dict[str, dict[str, Interval]]:
    """Mean and bootstrap interval for every type and column; one set of resamples for all."""
    types = list(per_example)
    matrix = np.concatenate([per_example[t] for t in types], axis=1)
    low, mid, high = bootstrap_interval(matrix, n_samples=samples, seed=seed,
                                        confidence=confidence)
    out: dict[str, dict[str, Interval]] = {}
    for ti, rouge_type in enumerate(types):
        out[rouge_type] = {
            column: Interval(float(low[3 * ti + ci]), float(mid[3 * ti + ci]),
                             float(high[3 * ti + ci]))
            for ci, column in enumerate(COLUMNS)
        }
    return out


def score_predictions(examples: Sequence[Example], predictions: Sequence[str],
                      config: ScoringConfig = ScoringConfig()) -> ScoredRun:
    """Score ``predictions[i]`` against ``examples[i].references``."""
    if len(examples) != len(predictions):
        raise ValueError(f"{len(predictions)} predictions for {len(examples)} examples")
    if not examples:
        raise ValueError("nothing to score: the reference set is empty")
    if config.lsum_split not in LSUM_SPLITS:
        raise ValueError(f"unknown Lsum split {config.lsum_split!r}")
    ids = tuple(e.id for e in examples)
    uses_lsum = "rougeLsum" in config.rouge.rouge_types
    split = config.lsum_split if uses_lsum else "newline"
    prepared_predictions = [prepare_for_lsum(p, split) for p in predictions]
    prepared_references = [[prepare_for_lsum(r, split) for r in e.reference_texts()]
                           for e in examples]
    notices = collect_notices(ids, prepared_predictions, prepared_references,
                              config.rouge.tokenizer,
                              lsum_checked=uses_lsum and split == "newline")
    per_example = score_pairs(prepared_predictions, prepared_references, config.rouge,
                              processes=config.processes, backend=config.backend)
    aggregate = aggregate_scores(per_example, config.bootstrap_samples, config.seed,
                                 config.confidence)
    counts = {
        "examples": len(examples),
        "references": sum(len(e.references) for e in examples),
        "empty_predictions": sum(1 for p in predictions if not p.strip()),
        "multi_reference_examples": sum(1 for e in examples if len(e.references) > 1),
    }
    return ScoredRun(ids=ids, predictions=tuple(predictions), per_example=per_example,
                     aggregate=aggregate, signature=config.signature(), config=config,
                     notices=tuple(notices), counts=counts)

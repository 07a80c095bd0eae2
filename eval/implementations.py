"""ROUGE implementations (semantics), looked up by name in :data:`IMPLEMENTATIONS`.

* ``rouge-score``: google-research rouge-score 0.1.2's numbers (through any backend of
  :mod:`sumbench.eval.metrics.rouge.engine`), corpus means with seeded percentile-bootstrap intervals (Efron &
  Tibshirani 1993) from one set of resamples for every type and column;
* ``rouge155``: the original ROUGE-1.5.5 Perl script's numbers (:mod:`sumbench.eval.metrics.rouge155`),
  with the script's own options, corpus averages and resampled intervals.

Each implementation says how to sign, describe and score a
:class:`~sumbench.eval.scoring.ScoringConfig`; a new one is one class plus one registry line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from sumbench.eval.metrics.rouge.engine import score_pairs
from sumbench.eval.scores import COLUMNS, Interval
from sumbench.eval.signature import Signature, rouge_score_version
from sumbench.eval.stats.resampling import bootstrap_interval

if TYPE_CHECKING:
    from sumbench.eval.scoring import ScoringConfig

PerExample = dict[str, np.ndarray]
Aggregate = dict[str, dict[str, Interval]]


def aggregate_scores(per_example: PerExample, samples: int, seed: int,
                     confidence: float) -> Aggregate:
    """Mean and bootstrap interval for every type and column; one set of resamples for all."""
    types = list(per_example)
    matrix = np.concatenate([per_example[t] for t in types], axis=1)
    low, mid, high = bootstrap_interval(matrix, n_samples=samples, seed=seed,
                                        confidence=confidence)
    out: Aggregate = {}
    for ti, rouge_type in enumerate(types):
        out[rouge_type] = {
            column: Interval(float(low[3 * ti + ci]), float(mid[3 * ti + ci]),
                             float(high[3 * ti + ci]))
            for ci, column in enumerate(COLUMNS)
        }
    return out


class RougeScoreSemantics:
    """rouge-score 0.1.2 (the default)."""

    def check(self, config: ScoringConfig) -> None:
        """Nothing beyond what :class:`~sumbench.eval.metrics.rouge.engine.RougeConfig` validates when scoring."""

    def needs_sentence_lines(self, config: ScoringConfig) -> bool:
        return "rougeLsum" in config.rouge.rouge_types

    def tokenizer(self, config: ScoringConfig) -> str:
        return config.rouge.tokenizer

    def signature(self, config: ScoringConfig) -> Signature:
        return Signature(
            impl=f"rouge-score-{rouge_score_version()}", tokenizer=config.rouge.tokenizer,
            stemmer="porter" if config.rouge.use_stemmer else "none",
            lsum_split=config.lsum_split, multi_ref=config.rouge.multi_ref,
            bootstrap_samples=config.bootstrap_samples, seed=config.seed,
            confidence=config.confidence)

    def settings(self, config: ScoringConfig) -> dict:
        return {
            "impl": config.impl,
            "rouge_types": list(config.rouge.rouge_types),
            "use_stemmer": config.rouge.use_stemmer,
            "tokenizer": config.rouge.tokenizer,
            "multi_reference": config.rouge.multi_ref,
            "lsum_split": config.lsum_split,
            "bootstrap_samples": config.bootstrap_samples,
            "seed": config.seed,
            "confidence": config.confidence,
        }

    def score(self, predictions: Sequence[str], references: Sequence[Sequence[str]],
              config: ScoringConfig) -> tuple[PerExample, Aggregate]:
        per_example = score_pairs(predictions, references, config.rouge,
                                  processes=config.processes, backend=config.backend)
        return per_example, aggregate_scores(per_example, config.bootstrap_samples,
                                             config.seed, config.confidence)


class Rouge155Semantics:
    """ROUGE-1.5.5, reproduced exactly (``--rouge-impl rouge155``)."""

    DEFAULT_FLAGS = "-c 95 -r 1000 -n 2 -m -a"

    @staticmethod
    def options(config: ScoringConfig):
        """The parsed Perl flags (a usage error for bad ones)."""
        from sumbench.eval.metrics.rouge155 import parse_flags

        return parse_flags(config.rouge155_flags, config.rouge155_exceptions)

    def check(self, config: ScoringConfig) -> None:
        self.options(config)

    def needs_sentence_lines(self, config: ScoringConfig) -> bool:
        return True  # its ROUGE-L is summary-level, over the lines of a text

    def tokenizer(self, config: ScoringConfig) -> str:
        return "rouge155"

    def signature(self, config: ScoringConfig) -> Signature:
        perl = self.options(config)
        return Signature(
            impl="rouge155-1.5.5", tokenizer="rouge155",
            stemmer="porter155" if perl.stem else "none", lsum_split=config.lsum_split,
            multi_ref=f"-f {perl.scoring_formula}", bootstrap_samples=perl.resamples,
            seed="perl-srand", confidence=perl.confidence / 100,
            flags=f"{' '.join(config.rouge155_flags.split())} exc={perl.exceptions}")

    def settings(self, config: ScoringConfig) -> dict:
        perl = self.options(config)
        return {"impl": config.impl, "rouge155_flags": " ".join(config.rouge155_flags.split()),
                "rouge155_exceptions": perl.exceptions,
                "rouge_types": list(perl.rouge_types), "lsum_split": config.lsum_split}

    def score(self, predictions: Sequence[str], references: Sequence[Sequence[str]],
              config: ScoringConfig) -> tuple[PerExample, Aggregate]:
        from sumbench.eval.metrics.rouge155 import corpus_scores, score_rouge155

        perl = self.options(config)
        per_example = score_rouge155(list(predictions), [list(r) for r in references], perl)
        aggregate = {t: {"precision": a.precision, "recall": a.recall, "fmeasure": a.fmeasure}
                     for t, a in corpus_scores(per_example, perl).items()}
        return per_example, aggregate


IMPLEMENTATIONS = {
    "rouge-score": RougeScoreSemantics(),
    "rouge155": Rouge155Semantics(),
}

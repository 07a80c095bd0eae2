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


ROUGE_IMPLS = ("rouge-score", "rouge155")
ROUGE155_DEFAULT_FLAGS = "-c 95 -r 1000 -n 2 -m -a"


@dataclass(frozen=True)
class ScoringConfig:
    """How to score: ROUGE settings, Lsum split, bootstrap, backend and processes.

    ``impl`` chooses the semantics: ``rouge-score`` (default; ``rouge``, ``bootstrap_*``,
    ``seed`` and ``confidence`` apply) or ``rouge155`` (the original Perl script's, with
    its own options in ``rouge155_flags`` and its own resampling for the intervals).
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

    def rouge155_config(self):
        """The parsed ROUGE-1.5.5 options (raises a usage error for bad flags)."""
        from eval.rouge155 import parse_flags

        return parse_flags(self.rouge155_flags, self.rouge155_exceptions)

    def signature(self) -> Signature:
        if self.impl == "rouge155":
            perl = self.rouge155_config()
            return Signature(
                impl="rouge155-1.5.5", tokenizer="rouge155",
                stemmer="porter155" if perl.stem else "none", lsum_split=self.lsum_split,
                multi_ref=f"-f {perl.scoring_formula}", bootstrap_samples=perl.resamples,
                seed="perl-srand", confidence=perl.confidence / 100,
                flags=f"{' '.join(self.rouge155_flags.split())} exc={perl.exceptions}")
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
        if self.impl == "rouge155":
            perl = self.rouge155_config()
            return {"impl": self.impl, "rouge155_flags": " ".join(self.rouge155_flags.split()),
                    "rouge155_exceptions": perl.exceptions,
                    "rouge_types": list(perl.rouge_types), "lsum_split": self.lsum_split}
        return {
            "impl": self.impl,
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


def _score_rouge155(predictions: list[str], references: list[list[str]],
                    config: ScoringConfig) -> tuple[dict[str, np.ndarray],
                                                    dict[str, dict[str, Interval]]]:
    """Per-example scores and the script's corpus averages with its own intervals."""
    from eval.rouge155 import corpus_scores, score_rouge155

    perl = config.rouge155_config()
    per_example = score_rouge155(predictions, references, perl)
    corpus = corpus_scores(per_example, perl)
    aggregate = {t: {"precision": a.precision, "recall": a.recall, "fmeasure": a.fmeasure}
                 for t, a in corpus.items()}
    return per_example, aggregate


def score_predictions(examples: Sequence[Example], predictions: Sequence[str],
                      config: ScoringConfig = ScoringConfig()) -> ScoredRun:
    """Score ``predictions[i]`` against ``examples[i].references``."""
    if len(examples) != len(predictions):
        raise ValueError(f"{len(predictions)} predictions for {len(examples)} examples")
    if not examples:
        raise ValueError("nothing to score: the reference set is empty")
    if config.lsum_split not in LSUM_SPLITS:
        raise ValueError(f"unknown Lsum split {config.lsum_split!r}")
    if config.impl not in ROUGE_IMPLS:
        raise ValueError(f"unknown ROUGE implementation {config.impl!r}")
    ids = tuple(e.id for e in examples)
    # rouge155's ROUGE-L is summary-level: it needs sentences on lines as rougeLsum does.
    uses_lsum = "rougeLsum" in config.rouge.rouge_types or config.impl == "rouge155"
    split = config.lsum_split if uses_lsum else "newline"
    prepared_predictions = [prepare_for_lsum(p, split) for p in predictions]
    prepared_references = [[prepare_for_lsum(r, split) for r in e.reference_texts()]
                           for e in examples]
    notices = collect_notices(ids, prepared_predictions, prepared_references,
                              "rouge155" if config.impl == "rouge155" else config.rouge.tokenizer,
                              lsum_checked=uses_lsum and split == "newline")
    if config.impl == "rouge155":
        per_example, aggregate = _score_rouge155(prepared_predictions, prepared_references,
                                                 config)
    else:
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

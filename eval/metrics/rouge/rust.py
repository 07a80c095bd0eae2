"""The ``rust`` ROUGE backend: the optional compiled accelerator ``rouge-score-rs``.

``rouge-score-rs`` (PyPI, Apache-2.0; the ``rougers`` crate) is an independent Rust
implementation of rouge-score 0.1.2 that reproduces its floats bit for bit, NLTK's
Porter stemmer and the summary-level rougeLsum included; its ``score_batch`` scores
pairs on all cores (``RAYON_NUM_THREADS`` limits them).  sumbench keeps the
multi-reference rules here, so ``max`` and ``mean`` mean exactly what they mean in the
``fast`` and ``reference`` backends; ``tests/test_rouge_rust.py`` proves the numbers
identical to rouge-score.  Install it with ``pip install 'sumbench[fast]'``.

``auto`` (the default backend) uses this one when the package is installed and the
tokenizer is rouge-score's own, and the pure-Python ``fast`` backend otherwise.
"""

from __future__ import annotations

import importlib.util
from typing import Sequence

import numpy as np

from sumbench.common.errors import UsageError
from .engine import MULTI_REF_RULES, RougeConfig

PACKAGE = "rouge_score_rs"


def available() -> bool:
    """Whether ``rouge-score-rs`` is installed."""
    return importlib.util.find_spec(PACKAGE) is not None


def _per_reference(predictions: Sequence[str], references: Sequence[Sequence[str]],
                   config: RougeConfig) -> tuple[np.ndarray, list[int]]:
    """Scores of every (prediction, reference) pair: array (pairs, types, 3), offsets."""
    from rouge_score_rs import rouge_scorer

    flat_predictions: list[str] = []
    flat_references: list[str] = []
    offsets = [0]
    for prediction, refs in zip(predictions, references):
        if isinstance(refs, str) or len(refs) == 0:
            raise ValueError("each references entry must be a non-empty list of texts")
        flat_predictions.extend([prediction] * len(refs))
        flat_references.extend(refs)
        offsets.append(len(flat_references))
    scorer = rouge_scorer.RougeScorer(list(config.rouge_types), use_stemmer=config.use_stemmer)
    results = scorer.score_batch(flat_references, flat_predictions) if flat_references else []
    table = np.array([[result[t] for t in config.rouge_types] for result in results],
                     dtype=float).reshape(len(results), len(config.rouge_types), 3)
    return table, offsets


def score_pairs(predictions: Sequence[str], references: Sequence[Sequence[str]],
                config: RougeConfig, processes: int = 1) -> dict[str, np.ndarray]:
    """See :func:`sumbench.eval.metrics.rouge.engine.score_pairs`; the Rust side uses its own thread pool."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    if config.multi_ref not in MULTI_REF_RULES:
        raise ValueError(f"multi-reference rule must be one of {MULTI_REF_RULES}")
    if config.tokenizer != "default":
        raise UsageError(f"the rust backend implements rouge-score's default tokenizer only, "
                         f"not {config.tokenizer!r}; use --backend fast")
    if not available():
        raise UsageError("the rust backend needs the rouge-score-rs package: "
                         "pip install 'sumbench[fast]'")
    table, offsets = _per_reference(predictions, references, config)
    starts = np.asarray(offsets[:-1], dtype=np.intp)
    several = np.flatnonzero(np.diff(offsets) > 1)
    out = {}
    for t, name in enumerate(config.rouge_types):
        scores = table[starts, t, :] if len(starts) else np.zeros((0, 3))
        for index in several:
            per_ref = table[offsets[index]:offsets[index + 1], t, :]
            if config.multi_ref == "mean":
                scores[index] = np.mean([tuple(r) for r in per_ref], axis=0)
            else:  # max: score_multi's np.argmax over F, the first on ties
                scores[index] = per_ref[int(np.argmax(per_ref[:, 2]))]
        out[name] = scores
    return out


def score_pairs_auto(predictions: Sequence[str], references: Sequence[Sequence[str]],
                     config: RougeConfig, processes: int = 1) -> dict[str, np.ndarray]:
    """``rust`` when it is installed and applies, else the pure-Python ``fast`` backend."""
    if config.tokenizer == "default" and available():
        return score_pairs(predictions, references, config, processes)
    from . import fast as rouge_fast

    return rouge_fast.score_pairs(predictions, references, config, processes)

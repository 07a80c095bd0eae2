"""The reference backend: google-research ``rouge-score`` 0.1.2 called directly.

Slow (pure-Python DP per pair) but it *is* the definition; the fast backend is tested
against it.  ``max`` over references is exactly ``RougeScorer.score_multi``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from rouge_score import rouge_scorer

from .engine import RougeConfig
from .tokenizers import get_tokenizer


def score_pairs(
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    config: RougeConfig,
    processes: int = 1,
) -> dict[str, np.ndarray]:
    """See :func:`sumbench.eval.metrics.rouge.engine.score_pairs`; ``processes`` is ignored here."""
    scorer = rouge_scorer.RougeScorer(
        list(config.rouge_types),
        use_stemmer=config.use_stemmer,
        tokenizer=get_tokenizer(config.tokenizer, config.use_stemmer),
    )
    out = {t: np.zeros((len(predictions), 3)) for t in config.rouge_types}
    for i, (prediction, refs) in enumerate(zip(predictions, references)):
        if config.multi_ref == "max":
            scores = scorer.score_multi(list(refs), prediction)
            for t in config.rouge_types:
                out[t][i] = tuple(scores[t])
        else:
            per_ref = [scorer.score(r, prediction) for r in refs]
            for t in config.rouge_types:
                out[t][i] = np.mean([tuple(s[t]) for s in per_ref], axis=0)
    return out

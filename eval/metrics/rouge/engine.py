"""ROUGE scoring with google-research ``rouge-score`` semantics, by backend.

``score_pairs`` is the one entry point: predictions and references in, one ``(n, 3)``
array (precision, recall, F) per ROUGE type out.  Backends are looked up by name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

MULTI_REF_RULES = ("max", "mean")
DEFAULT_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


@dataclass(frozen=True)
class RougeConfig:
    """Everything that determines a ROUGE number (all of it goes into the signature)."""

    rouge_types: tuple[str, ...] = DEFAULT_TYPES
    use_stemmer: bool = True
    tokenizer: str = "default"
    multi_ref: str = "max"


# backend name -> "module:function" with the signature of score_pairs (minus backend).
BACKENDS: dict[str, str] = {
    "reference": "sumbench.eval.metrics.rouge.reference:score_pairs",
    "fast": "sumbench.eval.metrics.rouge.fast:score_pairs",
    "rust": "sumbench.eval.metrics.rouge.rust:score_pairs",
    "auto": "sumbench.eval.metrics.rouge.rust:score_pairs_auto",
}
DEFAULT_BACKEND = "auto"


def score_pairs(
    predictions: Sequence[str],
    references: Sequence[Sequence[str]],
    config: RougeConfig,
    processes: int = 1,
    backend: str = DEFAULT_BACKEND,
) -> dict[str, np.ndarray]:
    """Score each prediction against its references.

    ``predictions[i]`` is a text whose sentences are separated by ``"\\n"``;
    ``references[i]`` is a non-empty list of such texts.  Returns, for each ROUGE type
    of ``config``, a float64 array of shape ``(n, 3)``: precision, recall, F-measure.
    """
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    if config.multi_ref not in MULTI_REF_RULES:
        raise ValueError(f"multi-reference rule must be one of {MULTI_REF_RULES}")
    try:
        target = BACKENDS[backend]
    except KeyError:
        raise ValueError(f"unknown ROUGE backend {backend!r}; known: {', '.join(BACKENDS)}") from None
    module_name, _, func_name = target.partition(":")
    func = getattr(importlib.import_module(module_name), func_name)
    return func(predictions, references, config, processes)

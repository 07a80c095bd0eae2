"""ROUGE scoring with google-research ``rouge-score`` semantics, by backend.

``score_pairs`` is the one entry point: predictions and references in, one ``(n, 3)``
array (precision, recall, F) per ROUGE type out.  Backends are looked up by name in
:data:`BACKENDS` through :class:`sumbench.common.registry.Registry`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from sumbench.common.registry import Registry

MULTI_REF_RULES = ("max", "mean")
DEFAULT_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


@dataclass(frozen=True)
class RougeConfig:
    """Everything that determines a ROUGE number (all of it goes into the signature)."""

    rouge_types: tuple[str, ...] = DEFAULT_TYPES
    use_stemmer: bool = True
    tokenizer: str = "default"
    multi_ref: str = "max"
    language: str = ""  # multilingual ROUGE's language code (fast engine); "" = none


# backend name -> "module:function" with the signature of score_pairs (minus backend).
BACKENDS: dict[str, str] = {
    "reference": "sumbench.eval.metrics.rouge.reference:score_pairs",
    "fast": "sumbench.eval.metrics.rouge.fast:score_pairs",
    "rust": "sumbench.eval.metrics.rouge.rust:score_pairs",
    "auto": "sumbench.eval.metrics.rouge.rust:score_pairs_auto",
}
DEFAULT_BACKEND = "auto"
# one Registry (sumbench/common/registry.py): a backend's module is imported when used
BACKEND_REGISTRY: Registry[Callable[..., dict[str, np.ndarray]]] = Registry(
    "ROUGE backend", BACKENDS, error=ValueError)


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
    if config.language:  # multilingual ROUGE: only the fast engine has its tokenizer
        if backend not in ("auto", "fast"):
            raise ValueError(f"multilingual ROUGE runs on the fast backend, not {backend!r}")
        backend = "fast"
    func = BACKEND_REGISTRY.get(backend)
    return func(predictions, references, config, processes)

"""The three levels at which a metric is correlated with human judgments (Deutsch, Dror &
Roth 2021, "A Statistical Analysis of Summarization Evaluation Metrics using Resampling
Methods", TACL, sec. 2), and REALSumm's filtered summary level.

The data are two score matrices of the same shape, ``X`` (the metric) and ``Z`` (the
human judgment), with one row per system and one column per input (document):
``X[i, j]`` scores system ``i``'s summary of input ``j``.  Any leading axes are a batch
(resamples), so every function here takes ``(..., m, n)`` arrays.

* **system** level: correlate the systems' mean scores over the inputs (m values).
* **summary** level: for each input, correlate the m systems' scores; average those n
  correlations.  An input whose correlation is undefined (the metric or the judgment is
  the same for every system on it) cannot enter the average: it is left out and counted
  (``used``), as in Deutsch et al.'s own code; when no input is left the value is NaN.
* **global** level: correlate all m x n pairs pooled.

**REALSumm's filter** (:class:`SummaryFilter`): Bhandari et al. (2020, "Re-evaluating
Evaluation in Text Summarization", EMNLP; their ``analysis/utils.py``) average only the
inputs whose per-input correlation has a two-sided p-value (scipy's) of at most 0.05.
This is not the standard definition -- it keeps the inputs that agree most and so
raises the number -- and is offered only to reproduce their tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .correlation import coefficient, p_values

LEVELS = ("system", "summary", "global")
LEVEL_HELP = {
    "system": "correlation of the systems' mean scores",
    "summary": "per input, correlation across systems; mean over inputs",
    "global": "correlation of all (system, input) pairs pooled",
}


@dataclass(frozen=True)
class SummaryFilter:
    """REALSumm's summary level: only inputs whose correlation has ``p <= max_p``."""

    max_p: float = 0.05

    def __post_init__(self) -> None:
        if not 0.0 < self.max_p <= 1.0:
            raise ValueError(f"the summary-level filter's p must be in (0, 1], got {self.max_p}")

    @property
    def label(self) -> str:
        return f"p<={self.max_p:g}"


@dataclass(frozen=True)
class LevelValue:
    """Correlations at one level (shape: the batch) and how many units each used:
    systems (system level), inputs averaged (summary level) or pairs (global level)."""

    value: np.ndarray
    used: np.ndarray


def _matrices(X: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.broadcast_arrays(np.asarray(X, dtype=np.float64), np.asarray(Z, dtype=np.float64))
    if a.ndim < 2:
        raise ValueError(f"score matrices must be (systems, inputs), got shape {a.shape}")
    return a, b


def system_level(X: np.ndarray, Z: np.ndarray, name: str) -> LevelValue:
    X, Z = _matrices(X, Z)
    value = coefficient(name)(X.mean(axis=-1), Z.mean(axis=-1))
    return LevelValue(value, np.full(value.shape, X.shape[-2]))


def per_input(X: np.ndarray, Z: np.ndarray, name: str) -> np.ndarray:
    """The correlation across systems on each input: shape ``(..., n)``."""
    X, Z = _matrices(X, Z)
    return coefficient(name)(np.swapaxes(X, -1, -2), np.swapaxes(Z, -1, -2))


def per_input_p(X: np.ndarray, Z: np.ndarray, name: str) -> np.ndarray:
    """scipy's two-sided p-value of each input's correlation: shape ``(..., n)``."""
    X, Z = _matrices(X, Z)
    return p_values(name, np.swapaxes(X, -1, -2), np.swapaxes(Z, -1, -2))


def summary_level(X: np.ndarray, Z: np.ndarray, name: str,
                  summary_filter: SummaryFilter | None = None) -> LevelValue:
    r = per_input(X, Z, name)
    keep = np.isfinite(r)
    if summary_filter is not None:
        with np.errstate(invalid="ignore"):
            keep &= per_input_p(X, Z, name) <= summary_filter.max_p
    used = keep.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(keep, r, 0.0).sum(axis=-1) / used
    return LevelValue(np.where(used > 0, value, np.nan), used)


def global_level(X: np.ndarray, Z: np.ndarray, name: str) -> LevelValue:
    X, Z = _matrices(X, Z)
    flat = X.shape[:-2] + (X.shape[-2] * X.shape[-1],)
    value = coefficient(name)(X.reshape(flat), Z.reshape(flat))
    return LevelValue(value, np.full(value.shape, flat[-1]))


def correlate(level: str, X: np.ndarray, Z: np.ndarray, name: str,
              summary_filter: SummaryFilter | None = None) -> LevelValue:
    """The ``name`` correlation (``pearson``, ``spearman``, ``kendall``) of ``X`` and ``Z``
    at ``level``; the filter applies to the summary level only."""
    if level == "summary":
        return summary_level(X, Z, name, summary_filter)
    if level == "system":
        return system_level(X, Z, name)
    if level == "global":
        return global_level(X, Z, name)
    raise ValueError(f"unknown level {level!r}; known: {', '.join(LEVELS)}")

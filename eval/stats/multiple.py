"""Multiple-comparison corrections: Holm's step-down method and Benjamini-Hochberg.

Holm (1979), "A Simple Sequentially Rejective Multiple Test Procedure", Scandinavian
Journal of Statistics 6(2): with ``m`` p-values sorted ascending, ``p_(1) <= ... <=
p_(m)``, the adjusted values are ``p~_(k) = max_{j <= k} min(1, (m - j + 1) p_(j))``.
Rejecting where ``p~ < alpha`` controls the family-wise error rate at ``alpha`` under any
dependence between the tests, and is uniformly more powerful than Bonferroni.  Ties keep
their input order (a stable sort), which cannot change any adjusted value.

Benjamini & Hochberg (1995), "Controlling the False Discovery Rate: A Practical and
Powerful Approach to Multiple Testing", JRSS B 57(1): ``p~_(k) = min_{j >= k} min(1,
m p_(j) / j)``; rejecting where ``p~ < alpha`` controls the false discovery rate at
``alpha`` for independent or positively dependent tests.  ``none`` leaves the p-values as
they are.  :data:`CORRECTIONS` finds them by name.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def _checked(p_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p_values, dtype=np.float64)
    flat = p.ravel()
    if np.isnan(flat).any() or (flat < 0).any() or (flat > 1).any():
        raise ValueError("p-values must lie in [0, 1]")
    return p, flat


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values, in the input's order (any shape; NaN is refused)."""
    p, flat = _checked(p_values)
    m = flat.size
    if m == 0:
        return p.copy()
    order = np.argsort(flat, kind="stable")
    scaled = (m - np.arange(m)) * flat[order]
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate(scaled))
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted.reshape(p.shape)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg-adjusted p-values, in the input's order (any shape)."""
    p, flat = _checked(p_values)
    m = flat.size
    if m == 0:
        return p.copy()
    order = np.argsort(flat, kind="stable")
    scaled = flat[order] * m / np.arange(1, m + 1)
    adjusted_sorted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted.reshape(p.shape)


def unadjusted(p_values: np.ndarray) -> np.ndarray:
    """The p-values as given (checked and copied)."""
    return _checked(p_values)[0].copy()


CORRECTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "holm": holm, "bh": benjamini_hochberg, "none": unadjusted}
# how each is named where numbers are printed
CORRECTION_LABELS = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "uncorrected"}

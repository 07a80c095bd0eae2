"""Multiple-comparison correction: Holm's step-down method.

Holm (1979), "A Simple Sequentially Rejective Multiple Test Procedure", Scandinavian
Journal of Statistics 6(2): with ``m`` p-values sorted ascending, ``p_(1) <= ... <=
p_(m)``, the adjusted values are ``p~_(k) = max_{j <= k} min(1, (m - j + 1) p_(j))``.
Rejecting where ``p~ < alpha`` controls the family-wise error rate at ``alpha`` under any
dependence between the tests, and is uniformly more powerful than Bonferroni.  Ties keep
their input order (a stable sort), which cannot change any adjusted value.
"""

from __future__ import annotations

import numpy as np


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values, in the input's order (any shape; NaN is refused)."""
    p = np.asarray(p_values, dtype=np.float64)
    flat = p.ravel()
    if np.isnan(flat).any() or (flat < 0).any() or (flat > 1).any():
        raise ValueError("p-values must lie in [0, 1]")
    m = flat.size
    if m == 0:
        return p.copy()
    order = np.argsort(flat, kind="stable")
    scaled = (m - np.arange(m)) * flat[order]
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate(scaled))
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted.reshape(p.shape)

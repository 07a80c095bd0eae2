"""The corpus averages and confidence intervals ROUGE-1.5.5 prints (``-c``, ``-r``).

The script's corpus "Average" is not the plain mean of the per-summary scores: it is the
mean of ``r`` bootstrap resample means (Efron & Tibshirani 1993), and the interval is
read off the sorted resample means. What makes it reproducible (established by running
the script, see ``tests/test_rouge155_bootstrap.py``):

* resample ``i`` (``i = 0 .. r-1``) reseeds Perl's generator with ``i`` and draws its
  ``n`` indices as ``int(rand(n))``. Perl (>= 5.20 on every platform; older builds
  where the C library has it) uses the 48-bit ``drand48`` generator, which is
  reproduced here exactly, so the resamples are the script's own;
* a resample's value is the sum of the drawn scores, in draw order, divided by ``n``;
  recall, precision and F are resampled with the same indices and sorted separately;
* the printed average is the sum of the sorted resample values divided by ``r``;
* with ``delta = r * ((100 - c) / 2) / 100``, both bounds interpolate between two
  neighbouring sorted values with the *same* weight, the fractional part of
  ``r - delta - 1``: the lower bound between positions ``int(delta)`` and
  ``int(delta) + 1``, the upper between ``int(r - delta - 1)`` and the next. Positions
  past the end read as 0 and negative ones count from the end, as Perl arrays do.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

_MULT = 0x5DEECE66D
_ADD = 0xB
_MASK = (1 << 48) - 1
_CHUNK_CELLS = 2_000_000  # drawn values held at once


def _jump_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``a_k, c_k`` with ``x_k = (a_k * x_0 + c_k) mod 2**48`` for ``k = 1 .. n``."""
    mult = np.empty(n, dtype=np.uint64)
    add = np.empty(n, dtype=np.uint64)
    a, c = 1, 0
    for k in range(n):
        a = (a * _MULT) & _MASK
        c = (c * _MULT + _ADD) & _MASK
        mult[k] = a
        add[k] = c
    return mult, add


def resample_indices(n: int, resamples: int, rows: int = 256) -> Iterator[np.ndarray]:
    """The script's bootstrap draws in chunks: column ``i`` of a chunk is one resample."""
    mult, add = _jump_tables(n)
    for start in range(0, resamples, rows):
        seeds = np.arange(start, min(resamples, start + rows), dtype=np.uint64)
        x0 = (seeds << np.uint64(16)) | np.uint64(0x330E)
        with np.errstate(over="ignore"):
            state = (mult[:, None] * x0[None, :] + add[:, None]) & np.uint64(_MASK)
        uniform = state.astype(np.float64) * 2.0 ** -48
        yield (uniform * n).astype(np.int64)  # (n, rows)


def resample_means(values: np.ndarray, resamples: int) -> np.ndarray:
    """``(resamples, k)`` resample means of the ``(n, k)`` per-summary ``values``."""
    n, k = values.shape
    if n == 0:
        return np.zeros((resamples, k))
    rows = max(1, _CHUNK_CELLS // (n * k))
    out = []
    for idx in resample_indices(n, resamples, rows):
        # (n, rows, k); summing over the leading axis adds the draws one after the
        # other, in draw order, as the script does (no pairwise summation).
        total = values[idx].sum(axis=0)
        out.append(total / n)
    return np.concatenate(out, axis=0)


def _perl_item(sorted_values: np.ndarray, index: int) -> float:
    size = len(sorted_values)
    return float(sorted_values[index]) if -size <= index < size else 0.0


def average_and_interval(resampled: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """``(low, average, high)`` of one column of resample means, as the script prints."""
    ranked = np.sort(resampled)
    r = len(ranked)
    average = float(np.cumsum(ranked)[-1]) / r
    delta = r * ((100 - confidence) / 2.0) / 100.0
    upper_a = int(r - delta - 1)
    ratio = r - delta - 1 - upper_a
    lower_a = int(delta)
    low_a, low_b = _perl_item(ranked, lower_a), _perl_item(ranked, lower_a + 1)
    up_a, up_b = _perl_item(ranked, upper_a), _perl_item(ranked, upper_a + 1)
    return low_a + (low_b - low_a) * ratio, average, up_a + (up_b - up_a) * ratio

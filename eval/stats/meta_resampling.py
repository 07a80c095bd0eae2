"""Resampling for meta-evaluation: bootstrap intervals of a metric's correlation with
human judgments, and the permutation test of whether two metrics correlate differently.

Both follow Deutsch, Dror & Roth (2021, "A Statistical Analysis of Summarization
Evaluation Metrics using Resampling Methods", TACL), on score matrices with one row per
system and one column per input (:mod:`sumbench.eval.stats.correlation_levels`):

* **Bootstrap** (their BOOT-SYSTEMS, BOOT-INPUTS, BOOT-BOTH): each resample draws the
  systems, the inputs, or both, with replacement, and keeps the sub-matrix at their
  intersection (with repeats); the interval is the percentile interval of the
  resampled correlations.  Resampling both is the default, as the paper recommends: it
  is the only one whose interval reflects that new systems *and* new inputs would give a
  different correlation.
* **Permutation test** (their PERM-SYSTEMS, PERM-INPUTS, PERM-BOTH): under the null
  hypothesis that metrics A and B correlate equally with the humans, A's and B's scores
  are exchangeable; each permutation swaps them on every (system, input) cell
  independently with probability 1/2 (both, the default), on whole systems, or on whole
  inputs.  Both matrices are first standardised (z-scores over all cells), as in the
  paper, so that swapping makes sense for metrics on different scales; this changes no
  correlation.  The statistic is ``r(A) - r(B)`` and the two-sided p-value is
  ``(1 + #{|d*| >= |d|}) / (1 + N)`` over the N permutations (the observed assignment
  counted once, as :func:`sumbench.eval.stats.resampling.permutation_test` does; the paper
  divides by N without the +1), with differences within 1e-12 of ``|d|`` counted as ties.

A resample or permutation whose correlation is undefined (a constant vector: e.g. every
drawn system the same one) is left out, and the number left out is reported with the
result; it never becomes a silent NaN.

Draws, exactly (the tests rebuild them in a plain loop):

* bootstrap: ``rng = numpy.random.default_rng(seed)``; systems first,
  ``rows = rng.integers(0, m, size=(N, m))`` when systems are resampled, then
  ``cols = rng.integers(0, n, size=(N, n))`` when inputs are; resample ``b`` is
  ``X[rows[b]][:, cols[b]]``.  The draws depend only on ``(m, n, method, N, seed)``, so
  every metric, judgment, level and coefficient sees the same resamples.
* permutation: ``rng.integers(0, 2, size=(N, m, n), dtype=bool)`` for both,
  ``(N, m, 1)`` for systems, ``(N, 1, n)`` for inputs; ``True`` swaps.

The resampled matrices are built and correlated in chunks of resamples, each chunk as
one batch (:mod:`sumbench.eval.stats.correlation` works on batches).
:func:`permutation_test` takes any statistic and is the reference loop;
:mod:`sumbench.eval.stats.meta_permutation` computes the same test for every judgment,
level and coefficient of a pair of metrics at once, much faster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

RESAMPLING = ("systems", "inputs", "both")
# X, Z of shape (..., m, n) -> one correlation per batch element
Statistic = Callable[[np.ndarray, np.ndarray], np.ndarray]

_CHUNK_CELLS = 1 << 20  # resampled cells per chunk
TIE = 1e-12  # differences this close to the observed one count as ties


def _check(method: str, samples: int, seed: int) -> None:
    if method not in RESAMPLING:
        raise ValueError(f"unknown resampling {method!r}; known: {', '.join(RESAMPLING)}")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise ValueError(f"samples must be a positive integer, got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


@dataclass(frozen=True)
class BootstrapDraws:
    """Which systems (``rows``, shape ``(N, m)``) and inputs (``cols``, ``(N, n)``) each
    resample keeps; ``None`` keeps all of them, in order."""

    rows: np.ndarray | None
    cols: np.ndarray | None
    samples: int

    def take(self, matrix: np.ndarray, start: int, stop: int) -> np.ndarray:
        """Resamples ``start:stop`` of an ``(m, n)`` matrix: shape ``(stop - start, m, n)``."""
        m, n = matrix.shape
        rows = self.rows[start:stop] if self.rows is not None else \
            np.broadcast_to(np.arange(m), (stop - start, m))
        cols = self.cols[start:stop] if self.cols is not None else \
            np.broadcast_to(np.arange(n), (stop - start, n))
        return matrix[rows[:, :, None], cols[:, None, :]]


def bootstrap_draws(m: int, n: int, method: str = "both", samples: int = 1000,
                    seed: int = 12345) -> BootstrapDraws:
    """The resamples of an ``m x n`` matrix (draws as in the module docstring)."""
    _check(method, samples, seed)
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, m, size=(samples, m)) if method in ("systems", "both") else None
    cols = rng.integers(0, n, size=(samples, n)) if method in ("inputs", "both") else None
    return BootstrapDraws(rows, cols, int(samples))


def _chunk(m: int, n: int) -> int:
    return max(1, _CHUNK_CELLS // (m * n))


def bootstrap_samples(X: np.ndarray, Z: np.ndarray, statistic: Statistic,
                      draws: BootstrapDraws) -> np.ndarray:
    """The statistic on every resample of ``(X, Z)`` (shape ``(N,)``, NaN where undefined)."""
    X, Z = np.asarray(X, dtype=np.float64), np.asarray(Z, dtype=np.float64)
    if X.shape != Z.shape or X.ndim != 2:
        raise ValueError(f"X and Z must be (systems, inputs) of one shape: {X.shape}, {Z.shape}")
    out = np.empty(draws.samples)
    step = _chunk(*X.shape)
    for start in range(0, draws.samples, step):
        stop = min(draws.samples, start + step)
        out[start:stop] = statistic(draws.take(X, start, stop), draws.take(Z, start, stop))
    return out


@dataclass(frozen=True)
class ResampledInterval:
    """A percentile interval from resamples; ``undefined`` of the ``samples`` resamples
    had no correlation and were left out (``low``/``high`` are None when all were)."""

    low: float | None
    high: float | None
    samples: int
    undefined: int

    def to_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "samples": self.samples,
                "undefined": self.undefined}


def percentile_interval(samples: np.ndarray, confidence: float) -> ResampledInterval:
    """The ``(1 - confidence) / 2`` and ``1 - (1 - confidence) / 2`` percentiles (numpy's
    linear interpolation) of the defined resamples."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    samples = np.asarray(samples, dtype=np.float64)
    defined = samples[np.isfinite(samples)]
    undefined = int(samples.size - defined.size)
    if defined.size == 0:
        return ResampledInterval(None, None, int(samples.size), undefined)
    tail = (1.0 - confidence) / 2.0
    low, high = np.percentile(defined, [100.0 * tail, 100.0 * (1.0 - tail)])
    return ResampledInterval(float(low), float(high), int(samples.size), undefined)


def permutation_masks(m: int, n: int, method: str = "both", samples: int = 1000,
                      seed: int = 12345) -> np.ndarray:
    """Which cells each permutation swaps (draws as in the module docstring)."""
    _check(method, samples, seed)
    shape = {"both": (samples, m, n), "systems": (samples, m, 1), "inputs": (samples, 1, n)}
    return np.random.default_rng(seed).integers(0, 2, size=shape[method], dtype=bool)


def standardise(matrix: np.ndarray) -> np.ndarray:
    """z-scores over all cells (population standard deviation); a constant matrix is an
    error, since no correlation with it exists."""
    matrix = np.asarray(matrix, dtype=np.float64)
    spread = matrix.std()
    if spread == 0:
        raise ValueError("cannot standardise a constant score matrix")
    return (matrix - matrix.mean()) / spread


@dataclass(frozen=True)
class PermutationOutcome:
    """The permutation test of ``r(A) - r(B)``: the observed difference, its two-sided
    p-value, and how many of the ``samples`` permutations were undefined (left out)."""

    difference: float
    p_value: float
    samples: int
    undefined: int


def permutation_test(X: np.ndarray, Y: np.ndarray, Z: np.ndarray, statistic: Statistic,
                     method: str = "both", samples: int = 1000,
                     seed: int = 12345) -> PermutationOutcome:
    """Is metric ``X``'s correlation with ``Z`` different from metric ``Y``'s?  (See the
    module docstring; raises ``ValueError`` when the observed difference is undefined.)"""
    X, Y = standardise(X), standardise(Y)
    Z = np.asarray(Z, dtype=np.float64)
    if not X.shape == Y.shape == Z.shape or X.ndim != 2:
        raise ValueError(f"X, Y and Z must be (systems, inputs) of one shape: "
                         f"{X.shape}, {Y.shape}, {Z.shape}")
    observed = float(statistic(X, Z) - statistic(Y, Z))
    if not np.isfinite(observed):
        raise ValueError("the observed difference of correlations is undefined")
    masks = permutation_masks(*X.shape, method=method, samples=samples, seed=seed)
    hits = defined = 0
    step = _chunk(*X.shape)
    for start in range(0, samples, step):
        swap = masks[start:start + step]
        x_p, y_p = np.where(swap, Y, X), np.where(swap, X, Y)
        d = statistic(x_p, Z) - statistic(y_p, Z)
        finite = np.isfinite(d)
        defined += int(np.count_nonzero(finite))
        hits += int(np.count_nonzero(np.abs(d[finite]) >= abs(observed) - TIE))
    p_value = (1.0 + hits) / (1.0 + defined)
    return PermutationOutcome(observed, float(p_value), int(samples), int(samples - defined))

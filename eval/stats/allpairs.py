"""Every pair of systems at once: the paired bootstrap and approximate randomisation of
:mod:`~sumbench.eval.stats.resampling`, for all ``S (S - 1) / 2`` pairs in one pass.

Both tests are linear in the per-example scores, which is what makes one pass enough:

* paired bootstrap (Koehn 2004): a resample's mean difference of systems ``i`` and ``j``
  is the difference of their resampled means, so one matrix of resample counts times the
  ``(n, S)`` score matrix gives every system's resampled means, and each pair's
  resampled differences are differences of two columns;
* approximate randomisation (Noreen 1989): swapping example ``k`` flips the sign of
  ``x_jk - x_ik``, so a permutation's swapped sum for the pair is the swapped sum of
  ``x_j`` minus that of ``x_i``; one byte-table look-up per system (as
  :func:`~sumbench.eval.stats.resampling.permutation_test` does per pair) serves every
  pair.

The draws are exactly those the pairwise functions make with the same ``(n, samples,
seed)``: every pair sees the same resamples and the same swaps, so pair ``(i, j)`` here
gives :func:`paired_bootstrap` and :func:`permutation_test` of ``(x_i, x_j)`` -- the same
p-values (the tie rule absorbs the rounding of a different summation order) and
intervals equal to about 1e-15.  Pairs are ordered ``(0, 1), (0, 2), ..., (1, 2), ...``;
differences are ``mean(x_j) - mean(x_i)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .resampling import (
    _TIE_RTOL,
    _as_matrix,
    _check_confidence,
    _check_count,
    _check_seed,
    _percentiles,
    _resampled_deviations,
)

# Elements of the (rows, bytes, systems) look-up materialised per chunk of permutations.
_GATHER_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class AllPairs:
    """Per pair ``k`` (systems ``first[k] < second[k]``): the difference of means, its
    paired bootstrap interval, both tests' two-sided p-values and win/tie/loss counts of
    ``second`` against ``first``."""

    first: np.ndarray
    second: np.ndarray
    difference: np.ndarray
    low: np.ndarray
    high: np.ndarray
    bootstrap_p: np.ndarray
    permutation_p: np.ndarray
    wins: np.ndarray
    ties: np.ndarray
    losses: np.ndarray


def pair_indices(systems: int) -> tuple[np.ndarray, np.ndarray]:
    """``(first, second)``: every pair ``i < j`` in row-major order."""
    first, second = np.triu_indices(systems, k=1)
    return first.astype(np.int64), second.astype(np.int64)


def _bootstrap(matrix: np.ndarray, first: np.ndarray, second: np.ndarray, n_samples: int,
               seed: int, confidence: float, differences: np.ndarray,
               per_example: np.ndarray, tolerance: np.ndarray):
    constant = np.ptp(per_example, axis=0) == 0
    deviations = np.zeros((n_samples, first.size))
    if not constant.all():
        system_dev = _resampled_deviations(matrix - matrix.mean(axis=0), n_samples, seed)
        deviations = system_dev[:, second] - system_dev[:, first]
        deviations[:, constant] = 0.0
    dev_low, dev_high = _percentiles(deviations, confidence)
    extreme = np.abs(deviations) >= np.abs(differences) - tolerance
    p = (1.0 + np.count_nonzero(extreme, axis=0)) / (1.0 + n_samples)
    return differences + dev_low, differences + dev_high, p


def _permutation(matrix: np.ndarray, first: np.ndarray, second: np.ndarray,
                 n_permutations: int, seed: int, differences: np.ndarray,
                 per_example: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    n, systems = matrix.shape
    n_bytes = -(-n // 8)
    n_words = -(-n // 64)
    padded = np.zeros((8 * n_bytes, systems))
    padded[:n] = matrix
    bits = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(np.float64)
    # tables[j * 256 + v, s]: sum of system s's scores on examples 8j..8j+7 set in byte v.
    tables = np.einsum("jbs,vb->jvs", padded.reshape(n_bytes, 8, systems), bits)
    tables = tables.reshape(n_bytes * 256, systems)
    offsets = 256 * np.arange(n_bytes)
    totals = per_example.sum(axis=0)
    threshold = np.abs(differences) - tolerance
    rng = np.random.default_rng(seed)
    rows_per_chunk = max(1, _GATHER_ELEMENTS // (n_bytes * systems))
    hits = np.zeros(first.size, dtype=np.int64)
    for start in range(0, n_permutations, rows_per_chunk):
        rows = min(rows_per_chunk, n_permutations - start)
        words = rng.integers(0, 2**64, size=(rows, n_words), dtype=np.uint64)
        swaps = words.astype("<u8").view(np.uint8).reshape(rows, 8 * n_words)[:, :n_bytes]
        flipped = tables[swaps + offsets].sum(axis=1)  # (rows, systems)
        pair_flipped = flipped[:, second] - flipped[:, first]
        stats = np.abs(totals - 2.0 * pair_flipped) / n
        hits += np.count_nonzero(stats >= threshold, axis=0)
    return (1.0 + hits) / (1.0 + n_permutations)


def all_pairs(values: np.ndarray, n_samples: int = 1000, n_permutations: int = 10000,
              seed: int = 12345, confidence: float = 0.95) -> AllPairs:
    """Both paired tests for every pair of the columns of ``values`` (``(n, S)``, one
    column per system, rows aligned by example); see the module docstring."""
    n_samples = _check_count(n_samples, "n_samples")
    n_permutations = _check_count(n_permutations, "n_permutations")
    seed = _check_seed(seed)
    confidence = _check_confidence(confidence)
    matrix = _as_matrix(values)
    if matrix.shape[1] < 2:
        raise ValueError("all pairs need at least two systems")
    first, second = pair_indices(matrix.shape[1])
    means = np.ascontiguousarray(matrix.T).mean(axis=1)
    differences = means[second] - means[first]
    per_example = matrix[:, second] - matrix[:, first]
    tolerance = _TIE_RTOL * np.abs(per_example).mean(axis=0)
    low, high, bootstrap_p = _bootstrap(matrix, first, second, n_samples, seed, confidence,
                                        differences, per_example, tolerance)
    permutation_p = _permutation(matrix, first, second, n_permutations, seed, differences,
                                 per_example, tolerance)
    wins = np.count_nonzero(per_example > 0, axis=0)
    losses = np.count_nonzero(per_example < 0, axis=0)
    return AllPairs(first=first, second=second, difference=differences, low=low, high=high,
                    bootstrap_p=bootstrap_p, permutation_p=permutation_p, wins=wins,
                    ties=matrix.shape[0] - wins - losses, losses=losses)


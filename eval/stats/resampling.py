"""Seeded, vectorised statistics over per-example scores: bootstrap intervals and paired tests.

Everything random comes from ``numpy.random.default_rng(seed)`` (never NumPy's global
state), so one seed always gives the same numbers.  Four tools:

* :func:`bootstrap_interval` -- percentile bootstrap confidence interval of the mean of
  each column (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13).  It
  matches ``rouge_score.scoring.BootstrapAggregator`` in method (resample the examples
  with replacement, take ``np.percentile`` with its default linear interpolation of the
  resampled means) but reports the plain mean of the data as ``mid`` and is vectorised.
* :func:`paired_bootstrap` -- paired bootstrap resampling for the difference of two
  systems scored on the same examples (Koehn 2004, "Statistical Significance Tests for
  Machine Translation Evaluation", EMNLP), with a null-centred two-sided p-value
  (Efron & Tibshirani 1993, sec. 16.4).
* :func:`permutation_test` -- paired approximate randomisation (Noreen 1989, *Computer
  Intensive Methods for Testing Hypotheses*; Riezler & Maxwell 2005, "On Some Pitfalls in
  Automatic Evaluation and Significance Testing for MT").
* :func:`win_tie_loss` -- per-example counts.

sacrebleu's ``paired_bs`` and ``paired_ar`` tests are the model for the two paired tests
(one seeded generator, all resamples drawn as one matrix, +1-smoothed p-values); the
p-value definitions here are stated precisely in each docstring and differ from
sacrebleu's in the details noted there.

Resampling draws, exactly (so that other code, and the tests, can reproduce them):

* bootstrap (both :func:`bootstrap_interval` and :func:`paired_bootstrap`):
  ``rng.integers(0, n, size=(n_samples, n))``; row ``r`` lists the examples of resample
  ``r``.  (They are drawn as ``np.int32`` for speed; NumPy's generator yields the same
  values for ``np.int32`` and the default ``np.int64`` whenever ``n < 2**31``.)  The draws
  depend only on ``(n, n_samples, seed)``, never on the number of columns, so the same
  resamples apply to every column and every metric, however the scores were produced.
* approximate randomisation: ``rng.integers(0, 2**64, size=(n_permutations, ceil(n/64)),
  dtype=np.uint64)``; bit ``i % 64`` (least significant first) of word ``i // 64`` in row
  ``r`` set means that permutation ``r`` swaps example ``i``'s two values.

Both are drawn in chunks of rows to bound memory; the generator yields the same stream
whichever way the rows are split, so chunking never changes the draws (at most the
rounding of a matrix product).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .interval import Interval

# Most array elements (index draws or table look-ups) materialised per chunk: small
# enough to stay in cache and to keep each matrix product too small for BLAS to start
# threads (which, on a busy machine, made 4x larger chunks up to 4x slower, measured),
# large enough to amortise the Python loop.
_CHUNK_ELEMENTS = 1 << 16
# Resampled statistics within this fraction of mean(|d|) of the observed one count as ties.
_TIE_RTOL = 1e-9


@dataclass(frozen=True)
class PairedBootstrapResult:
    """Paired bootstrap comparison of system ``b`` against system ``a``."""

    difference: float
    interval: Interval
    p_value: float
    n_samples: int
    seed: int


@dataclass(frozen=True)
class PermutationResult:
    """Paired approximate-randomisation test of system ``b`` against system ``a``."""

    difference: float
    p_value: float
    n_permutations: int
    seed: int


# ---------------------------------------------------------------------------- checks


def _as_matrix(values: np.ndarray, name: str = "values") -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (n,) or (n, k), got {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: need at least one example")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def _as_pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    arrs = []
    for name, x in (("a", a), ("b", b)):
        arr = np.asarray(x, dtype=np.float64)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one score per example, shape (n,), got {arr.shape}")
        arrs.append(arr)
    a_arr, b_arr = arrs
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"a and b must be paired: a has {a_arr.size} examples, b has {b_arr.size}")
    _as_matrix(a_arr, "a")
    _as_matrix(b_arr, "b")
    return a_arr, b_arr


def _check_count(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def _check_confidence(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    return float(confidence)


# ------------------------------------------------------------------------- resampling


def _resampled_deviations(centred: np.ndarray, n_samples: int,
                          seed: int | np.random.Generator) -> np.ndarray:
    """Mean of each column over each bootstrap resample, minus the data mean.

    ``centred`` is the data minus its column means, shape ``(n, k)``; returns shape
    ``(n_samples, k)``.  ``seed`` may be a generator to draw from (the stratified
    bootstrap of :mod:`~sumbench.eval.stats.stratified` passes one to every group).  Each chunk of index rows becomes a matrix of how often each
    example was drawn (``np.bincount`` on row-offset indices), and one matrix product
    then gives every resample's mean of every column at once.
    """
    n, k = centred.shape
    rng = np.random.default_rng(seed)
    dtype = np.int32 if n <= np.iinfo(np.int32).max else np.int64
    rows_per_chunk = max(1, _CHUNK_ELEMENTS // n)
    out = np.empty((n_samples, k), dtype=np.float64)
    for start in range(0, n_samples, rows_per_chunk):
        rows = min(rows_per_chunk, n_samples - start)
        idx = rng.integers(0, n, size=(rows, n), dtype=dtype)
        flat = (idx + (np.arange(rows, dtype=np.int64) * n)[:, None]).ravel()
        counts = np.bincount(flat, minlength=rows * n).reshape(rows, n)
        out[start : start + rows] = (counts.astype(np.float64) @ centred) / n
    return out


def _percentiles(samples: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1.0 - confidence) / 2.0
    low, high = np.percentile(samples, [100.0 * tail, 100.0 * (1.0 - tail)], axis=0)
    return low, high


def bootstrap_interval(
    values: np.ndarray,
    n_samples: int = 1000,
    seed: int = 12345,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Percentile bootstrap confidence interval of the mean of each column.

    ``values`` has one row per example and one column per quantity, shape ``(n, k)``
    (``(n,)`` is one column).  The rows are resampled with replacement ``n_samples``
    times (draws as in the module docstring); ``low`` and ``high`` are the
    ``(1 - confidence) / 2`` and ``1 - (1 - confidence) / 2`` percentiles of the
    resampled column means (``np.percentile``, linear interpolation -- the method of
    ``rouge_score.scoring.BootstrapAggregator``), and ``mid`` is the plain column mean of
    ``values`` (not the bootstrap median), bit for bit ``np.mean(values[:, j])``.  Every
    column sees the same resamples, so column ``j`` of an ``(n, k)`` call matches the
    call on ``values[:, j]`` alone up to floating-point rounding (the matrix product
    may sum in a different order; differences are around 1e-16).  A column whose values
    are all equal, and so every column when ``n == 1``, gets ``low == mid == high``.  The
    percentile interval need not contain ``mid`` for tiny, very skewed samples.

    Returns ``(low, mid, high)``, each of shape ``(k,)`` (shape ``()`` for 1-D input).
    Raises ``ValueError`` for empty or non-finite input or bad parameters.
    """
    n_samples = _check_count(n_samples, "n_samples")
    seed = _check_seed(seed)
    confidence = _check_confidence(confidence)
    matrix = _as_matrix(values)
    # Each column's mean summed exactly as np.mean(values[:, j]) sums it, so mid does not
    # depend on which other columns came along.
    mid = np.ascontiguousarray(matrix.T).mean(axis=1)
    constant = np.ptp(matrix, axis=0) == 0
    if np.all(constant):
        low, high = mid.copy(), mid.copy()
    else:
        deviations = _resampled_deviations(matrix - mid, n_samples, seed)
        dev_low, dev_high = _percentiles(deviations, confidence)
        low = np.where(constant, mid, mid + dev_low)
        high = np.where(constant, mid, mid + dev_high)
    if np.ndim(values) == 1:
        return np.asarray(low[0]), np.asarray(mid[0]), np.asarray(high[0])
    return low, mid, high


def to_intervals(low: np.ndarray, mid: np.ndarray, high: np.ndarray) -> list[Interval]:
    """One :class:`~sumbench.eval.scores.Interval` per column of :func:`bootstrap_interval`'s output."""
    lows, mids, highs = (np.ravel(np.asarray(x, dtype=np.float64)) for x in (low, mid, high))
    if not lows.shape == mids.shape == highs.shape:
        raise ValueError(f"low, mid, high differ in size: {lows.size}, {mids.size}, {highs.size}")
    return [Interval(float(lo), float(m), float(hi)) for lo, m, hi in zip(lows, mids, highs)]


# ---------------------------------------------------------------------- paired tests


def _tie_tolerance(differences: np.ndarray) -> float:
    return _TIE_RTOL * float(np.mean(np.abs(differences)))


def paired_bootstrap(
    a: np.ndarray,
    b: np.ndarray,
    n_samples: int = 1000,
    seed: int = 12345,
    confidence: float = 0.95,
) -> PairedBootstrapResult:
    """Paired bootstrap test of ``mean(b) - mean(a)`` over the same ``n`` examples.

    ``a[i]`` and ``b[i]`` are the two systems' scores on example ``i`` (shape ``(n,)``).
    The examples are resampled with replacement ``n_samples`` times, with exactly the
    draws :func:`bootstrap_interval` makes for the same ``(n, n_samples, seed)``, and
    each resample ``r`` gives a mean difference ``d*_r``.  With ``d`` the observed
    difference:

    * ``interval``: ``low``/``high`` are percentiles of the ``d*_r`` as in
      :func:`bootstrap_interval`; ``mid`` is ``d``.
    * ``p_value`` (two-sided, null hypothesis "no difference"): the resampled
      differences are shifted to be centred on zero, which makes them a draw from the
      null distribution (Efron & Tibshirani 1993, sec. 16.4), and
      ``p = (1 + #{r : |d*_r - d| >= |d|}) / (1 + n_samples)``.  The +1 (the observed
      data counted as one resample) keeps ``p > 0`` and the test's size at most its
      nominal level.  ``|d*_r - d|`` within ``1e-9 * mean(|b - a|)`` of ``|d|`` counts as
      equal, so rounding never decides a tie.

    Unlike sacrebleu's ``paired_bs`` (which centres the *absolute* resampled differences
    and counts strict exceedances), this centres the signed differences and counts ties,
    so ``p`` is 1 when ``d == 0``.  When every example has the same difference (always so
    when ``n == 1``) the bootstrap sees no spread, and a non-zero ``d`` gets the smallest
    possible ``p``, ``1 / (1 + n_samples)``; prefer :func:`permutation_test` for tiny
    ``n``.
    """
    n_samples = _check_count(n_samples, "n_samples")
    seed = _check_seed(seed)
    confidence = _check_confidence(confidence)
    a_arr, b_arr = _as_pair(a, b)
    per_example = b_arr - a_arr
    difference = float(np.mean(b_arr) - np.mean(a_arr))
    if np.ptp(per_example) == 0:
        deviations = np.zeros(n_samples)
    else:
        centred = (per_example - per_example.mean())[:, None]
        deviations = _resampled_deviations(centred, n_samples, seed)[:, 0]
    dev_low, dev_high = _percentiles(deviations, confidence)
    extreme = np.abs(deviations) >= abs(difference) - _tie_tolerance(per_example)
    p_value = (1.0 + np.count_nonzero(extreme)) / (1.0 + n_samples)
    interval = Interval(difference + float(dev_low), difference, difference + float(dev_high))
    return PairedBootstrapResult(difference, interval, float(p_value), n_samples, seed)


def permutation_test(
    a: np.ndarray,
    b: np.ndarray,
    n_permutations: int = 10000,
    seed: int = 12345,
) -> PermutationResult:
    """Paired approximate randomisation test of ``mean(b) - mean(a)``.

    Under the null hypothesis the two systems are exchangeable on every example, so each
    permutation swaps each pair ``(a[i], b[i])`` with probability 1/2 (which flips the
    sign of ``b[i] - a[i]``; draws as in the module docstring).  The statistic is the
    absolute mean difference ``t = |mean(b) - mean(a)|`` and, with ``t*_r`` its value in
    permutation ``r``, ``p = (1 + #{r : t*_r >= t}) / (1 + n_permutations)`` (Noreen 1989;
    the +1 counts the observed assignment).  Values within ``1e-9 * mean(|b - a|)`` of
    ``t`` count as ties, and ties count as at least as extreme, so a system compared
    with itself gets ``p == 1`` (sacrebleu's ``paired_ar`` counts strict exceedances).

    Each permutation's sum of flipped differences is looked up, one byte (eight
    examples) at a time, in a table of the 256 possible partial sums per byte, which
    avoids building an ``n_permutations x n`` matrix of signs.
    """
    n_permutations = _check_count(n_permutations, "n_permutations")
    seed = _check_seed(seed)
    a_arr, b_arr = _as_pair(a, b)
    per_example = b_arr - a_arr
    n = per_example.size
    difference = float(np.mean(b_arr) - np.mean(a_arr))
    threshold = abs(difference) - _tie_tolerance(per_example)

    n_bytes = -(-n // 8)
    n_words = -(-n // 64)
    padded = np.zeros(8 * n_bytes)
    padded[:n] = per_example
    bits = (np.arange(256)[:, None] >> np.arange(8)) & 1
    # table[j, v]: sum of the examples 8j..8j+7 whose bit is set in byte value v.
    table = (padded.reshape(n_bytes, 8) @ bits.T.astype(np.float64)).ravel()
    offsets = 256 * np.arange(n_bytes)
    total = float(per_example.sum())

    rng = np.random.default_rng(seed)
    rows_per_chunk = max(1, _CHUNK_ELEMENTS // n_bytes)
    hits = 0
    for start in range(0, n_permutations, rows_per_chunk):
        rows = min(rows_per_chunk, n_permutations - start)
        words = rng.integers(0, 2**64, size=(rows, n_words), dtype=np.uint64)
        swaps = words.astype("<u8").view(np.uint8).reshape(rows, 8 * n_words)[:, :n_bytes]
        flipped = table[swaps + offsets].sum(axis=1)
        stats = np.abs(total - 2.0 * flipped) / n
        hits += int(np.count_nonzero(stats >= threshold))
    p_value = (1.0 + hits) / (1.0 + n_permutations)
    return PermutationResult(difference, float(p_value), n_permutations, seed)


def win_tie_loss(a: np.ndarray, b: np.ndarray, tolerance: float = 0.0) -> tuple[int, int, int]:
    """Count examples where ``b`` beats ``a``, ties with it, and loses to it.

    ``b[i] - a[i] > tolerance`` is a win, ``< -tolerance`` a loss, anything else a tie.
    """
    if not tolerance >= 0.0:
        raise ValueError(f"tolerance must be >= 0, got {tolerance!r}")
    a_arr, b_arr = _as_pair(a, b)
    per_example = b_arr - a_arr
    wins = int(np.count_nonzero(per_example > tolerance))
    losses = int(np.count_nonzero(per_example < -tolerance))
    return wins, per_example.size - wins - losses, losses

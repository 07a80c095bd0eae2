"""Tests for eval.stats against independent computations.

Slow reference loops written here reproduce the documented draws one resample at a
time; exhaustive enumeration of all 2**n sign flips gives exact permutation p-values;
scipy.stats (test-only dependency) gives independent bootstrap and permutation results.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import sumbench.eval.stats.resampling as stats_mod
from sumbench.eval.stats.interval import Interval
from sumbench.eval.stats.resampling import (
    PairedBootstrapResult,
    PermutationResult,
    bootstrap_interval,
    paired_bootstrap,
    permutation_test,
    to_intervals,
    win_tie_loss,
)

scipy_stats = pytest.importorskip("scipy.stats")

# --------------------------------------------------------------------- references


def slow_bootstrap_means(values: np.ndarray, n_samples: int, seed: int) -> np.ndarray:
    """Resampled column means, one resample at a time, from the documented draws."""
    values = values.reshape(len(values), -1)
    n = len(values)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_samples, n))  # default int64, as documented
    return np.array([values[row].mean(axis=0) for row in idx])


def linear_percentile(samples: np.ndarray, q: float) -> float:
    """The 'linear' percentile written out (position (B - 1) * q in the sorted samples)."""
    s = np.sort(samples)
    pos = (len(s) - 1) * q
    lo = int(np.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return float(s[lo] + (pos - lo) * (s[hi] - s[lo]))


def slow_permutation_hits(d: np.ndarray, n_permutations: int, seed: int) -> int:
    """#{|mean of sign-flipped d| >= |mean d|}, flips decoded bit by bit from the draws."""
    n = len(d)
    rng = np.random.default_rng(seed)
    words = rng.integers(0, 2**64, size=(n_permutations, -(-n // 64)), dtype=np.uint64)
    observed = abs(d.mean())
    hits = 0
    for row in words:
        signs = np.array([-1.0 if (int(row[i // 64]) >> (i % 64)) & 1 else 1.0 for i in range(n)])
        if abs(np.mean(signs * d)) >= observed - 1e-12:
            hits += 1
    return hits


def exact_permutation_p(d: np.ndarray) -> float:
    """Exact two-sided p over all 2**n sign flips (ties count as extreme)."""
    observed = abs(d.mean())
    flips = np.array(list(itertools.product((1.0, -1.0), repeat=len(d))))
    stats = np.abs(flips @ d) / len(d)
    return float(np.mean(stats >= observed - 1e-12))


# ------------------------------------------------------------- bootstrap_interval


def test_bootstrap_matches_slow_loop_with_same_draws():
    values = np.random.default_rng(1).random((137, 4))
    low, mid, high = bootstrap_interval(values, n_samples=300, seed=7, confidence=0.9)
    means = slow_bootstrap_means(values, 300, 7)
    np.testing.assert_allclose(low, np.percentile(means, 5.0, axis=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(high, np.percentile(means, 95.0, axis=0), rtol=0, atol=1e-12)
    for j in range(4):
        assert low[j] == pytest.approx(linear_percentile(means[:, j], 0.05), abs=1e-12)
        assert high[j] == pytest.approx(linear_percentile(means[:, j], 0.95), abs=1e-12)
    np.testing.assert_array_equal(mid, [np.mean(values[:, j]) for j in range(4)])


def test_bootstrap_mid_is_plain_mean_not_bootstrap_median():
    values = np.random.default_rng(2).exponential(size=(50, 3))
    low, mid, high = bootstrap_interval(values, n_samples=200)
    for j in range(3):
        assert mid[j] == np.mean(values[:, j])
    np.testing.assert_allclose(mid, np.mean(values, axis=0), rtol=1e-15)
    medians = np.median(slow_bootstrap_means(values, 200, 12345), axis=0)
    assert not np.array_equal(mid, medians)
    assert np.all(low < mid) and np.all(mid < high)


def test_bootstrap_close_to_scipy_percentile_bootstrap():
    x = np.random.default_rng(3).exponential(size=2000)
    low, mid, high = bootstrap_interval(x, n_samples=5000, seed=1)
    ref = scipy_stats.bootstrap(
        (x,), np.mean, method="percentile", n_resamples=5000, confidence_level=0.95,
        rng=np.random.default_rng(99),
    ).confidence_interval
    se = x.std(ddof=1) / np.sqrt(len(x))
    # Monte Carlo error of each endpoint is about 0.04 SE per run; allow 0.25 SE.
    assert abs(float(low) - ref.low) < 0.25 * se
    assert abs(float(high) - ref.high) < 0.25 * se
    # and both are near the normal-theory interval
    assert abs(float(low) - (mid - 1.96 * se)) < 0.3 * se
    assert abs(float(high) - (mid + 1.96 * se)) < 0.3 * se


def test_bootstrap_same_seed_identical_different_seed_differs():
    values = np.random.default_rng(4).random((80, 3))
    first = bootstrap_interval(values, seed=5)
    again = bootstrap_interval(values, seed=5)
    other = bootstrap_interval(values, seed=6)
    for x, y in zip(first, again):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(first[0], other[0])
    assert not np.array_equal(first[2], other[2])
    np.testing.assert_array_equal(first[1], other[1])


def test_bootstrap_columns_independent_of_k():
    values = np.random.default_rng(5).random((311, 6))
    low, mid, high = bootstrap_interval(values, n_samples=500, seed=3)
    for j in range(6):
        lo_j, mid_j, hi_j = bootstrap_interval(values[:, j], n_samples=500, seed=3)
        assert mid_j.shape == () and mid_j == mid[j]
        # same draws; the matrix product may round differently
        assert lo_j == pytest.approx(low[j], abs=1e-14)
        assert hi_j == pytest.approx(high[j], abs=1e-14)
    # and a subset of columns gives the same as the full call
    sub = bootstrap_interval(values[:, [4, 1]], n_samples=500, seed=3)
    np.testing.assert_allclose(sub[0], low[[4, 1]], rtol=0, atol=1e-14)


def test_bootstrap_chunking_does_not_change_draws(monkeypatch):
    values = np.random.default_rng(6).random((97, 2))
    whole = bootstrap_interval(values, n_samples=250, seed=8)
    monkeypatch.setattr(stats_mod, "_CHUNK_ELEMENTS", 300)  # 3 resamples per chunk
    chunked = bootstrap_interval(values, n_samples=250, seed=8)
    for x, y in zip(whole, chunked):
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-14)


def test_bootstrap_uses_no_global_random_state():
    values = np.random.default_rng(7).random((40, 2))
    np.random.seed(0)
    first = bootstrap_interval(values)
    state = np.random.get_state()
    np.random.seed(1)
    second = bootstrap_interval(values)
    np.random.seed(0)
    bootstrap_interval(values)
    np.testing.assert_array_equal(first[0], second[0])
    assert np.array_equal(np.random.get_state()[1], state[1])


def test_bootstrap_single_example_and_constant_column():
    low, mid, high = bootstrap_interval(np.array([[0.3, 0.7]]))
    np.testing.assert_array_equal(low, [0.3, 0.7])
    np.testing.assert_array_equal(mid, low)
    np.testing.assert_array_equal(high, low)
    values = np.column_stack([np.full(25, 0.1), np.linspace(0, 1, 25)])
    low, mid, high = bootstrap_interval(values)
    assert low[0] == mid[0] == high[0] == np.mean(values[:, 0])
    assert low[1] < mid[1] < high[1]


@pytest.mark.parametrize(
    "values, message",
    [
        (np.zeros((0, 3)), "empty"),
        (np.zeros(0), "empty"),
        (np.zeros((2, 2, 2)), "shape"),
        (np.array([0.1, np.nan]), "NaN"),
        (np.array([0.1, np.inf]), "NaN"),
    ],
)
def test_bootstrap_rejects_bad_values(values, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_interval(values)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": 2.5}, "n_samples"),
        ({"seed": -1}, "seed"),
        ({"seed": None}, "seed"),
        ({"confidence": 1.0}, "confidence"),
        ({"confidence": 0.0}, "confidence"),
    ],
)
def test_bootstrap_rejects_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_interval(np.arange(5.0), **kwargs)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 3)),
           elements=st.floats(-1e3, 1e3, allow_nan=False)),
    st.integers(0, 2**32),
)
def test_bootstrap_interval_properties(values, seed):
    low, mid, high = bootstrap_interval(values, n_samples=50, seed=seed)
    assert low.shape == mid.shape == high.shape == (values.shape[1],)
    slack = 1e-9 * (1.0 + np.abs(values).max())
    assert np.all(low <= high + slack)
    assert np.all(values.min(axis=0) - slack <= low)
    assert np.all(high <= values.max(axis=0) + slack)
    np.testing.assert_array_equal(mid, [np.mean(values[:, j]) for j in range(values.shape[1])])


def test_to_intervals():
    low, mid, high = np.array([0.1, 0.2]), np.array([0.15, 0.25]), np.array([0.2, 0.3])
    assert to_intervals(low, mid, high) == [Interval(0.1, 0.15, 0.2), Interval(0.2, 0.25, 0.3)]
    one = to_intervals(*bootstrap_interval(np.array([1.0, 2.0, 3.0])))
    assert len(one) == 1 and one[0].mid == 2.0 and isinstance(one[0].low, float)
    with pytest.raises(ValueError, match="differ"):
        to_intervals(low, mid, high[:1])


# -------------------------------------------------------------- paired_bootstrap


def test_paired_bootstrap_matches_slow_loop():
    rng = np.random.default_rng(10)
    a = rng.random(90)
    b = a + rng.normal(0.02, 0.1, 90)
    result = paired_bootstrap(a, b, n_samples=400, seed=4)
    assert isinstance(result, PairedBootstrapResult)
    assert result.difference == np.mean(b) - np.mean(a)
    resampled = slow_bootstrap_means(b - a, 400, 4)[:, 0]
    d = result.difference
    expected_p = (1 + np.sum(np.abs(resampled - d) >= abs(d))) / 401
    assert result.p_value == pytest.approx(expected_p, abs=1e-15)
    assert result.interval.mid == d
    assert result.interval.low == pytest.approx(np.percentile(resampled, 2.5), abs=1e-12)
    assert result.interval.high == pytest.approx(np.percentile(resampled, 97.5), abs=1e-12)
    assert (result.n_samples, result.seed) == (400, 4)


def test_paired_bootstrap_uses_the_same_resamples_as_bootstrap_interval():
    rng = np.random.default_rng(11)
    a, b = rng.random(120), rng.random(120)
    result = paired_bootstrap(a, b, seed=21)
    low, _, high = bootstrap_interval(b - a, seed=21)
    assert result.interval.low == pytest.approx(float(low), abs=1e-14)
    assert result.interval.high == pytest.approx(float(high), abs=1e-14)


def test_paired_bootstrap_large_effect():
    rng = np.random.default_rng(12)
    a = rng.uniform(0.2, 0.5, 200)
    b = a + 0.1 + rng.normal(0, 0.02, 200)
    result = paired_bootstrap(a, b)
    assert result.p_value < 0.01
    assert 0 < result.interval.low < result.difference < result.interval.high
    swapped = paired_bootstrap(b, a)
    assert swapped.difference == pytest.approx(-result.difference, abs=1e-15)
    assert swapped.p_value == result.p_value
    assert swapped.interval.high < 0


def test_paired_bootstrap_identical_systems():
    a = np.random.default_rng(13).random(30)
    result = paired_bootstrap(a, a.copy())
    assert result.difference == 0.0
    assert result.p_value == 1.0
    assert result.interval == Interval(0.0, 0.0, 0.0)


def test_paired_bootstrap_constant_difference_gets_minimum_p():
    a = np.arange(8) / 8  # dyadic, so every b - a is exactly 0.25
    result = paired_bootstrap(a, a + 0.25, n_samples=99)
    assert result.p_value == pytest.approx(1 / 100)
    assert result.interval.low == result.interval.mid == result.interval.high


# -------------------------------------------------------------- permutation_test


def test_permutation_matches_slow_loop_across_word_boundaries():
    rng = np.random.default_rng(20)
    a = rng.random(150)  # 150 examples: three 64-bit words, last one partly used
    b = a + rng.normal(0.01, 0.1, 150)
    result = permutation_test(a, b, n_permutations=300, seed=9)
    hits = slow_permutation_hits(b - a, 300, 9)
    assert result.p_value == (1 + hits) / 301
    assert isinstance(result, PermutationResult)
    assert (result.n_permutations, result.seed) == (300, 9)


def test_permutation_chunking_does_not_change_result(monkeypatch):
    rng = np.random.default_rng(21)
    a, b = rng.random(70), rng.random(70)
    whole = permutation_test(a, b, n_permutations=500, seed=2)
    monkeypatch.setattr(stats_mod, "_CHUNK_ELEMENTS", 20)  # 2 permutations per chunk
    assert permutation_test(a, b, n_permutations=500, seed=2) == whole


@pytest.mark.parametrize("n, seed", [(4, 0), (6, 1), (8, 2), (10, 3), (10, 4)])
def test_permutation_close_to_exact_enumeration_and_scipy(n, seed):
    rng = np.random.default_rng(100 + seed)
    a = rng.random(n)
    b = a + rng.normal(0.15, 0.2, n)
    exact = exact_permutation_p(b - a)
    ref = scipy_stats.permutation_test(
        (a, b), lambda x, y, axis: np.mean(y - x, axis=axis), permutation_type="samples",
        alternative="two-sided", n_resamples=np.inf, vectorized=True,
    )
    assert ref.pvalue == pytest.approx(exact, abs=1e-12)
    n_perm = 20000
    result = permutation_test(a, b, n_permutations=n_perm, seed=seed)
    mc_error = np.sqrt(exact * (1 - exact) / n_perm)
    assert abs(result.p_value - exact) <= 4 * mc_error + 1 / (n_perm + 1)


@pytest.mark.parametrize(
    "d, exact",
    [
        ([1.0, 2.0, 4.0], 0.25),  # only all-plus and all-minus reach |mean| = 7/3
        ([1.0, 1.0], 0.5),  # sums 2, 0, 0, -2
        ([1.0, 3.0], 0.5),  # sums 4, 2, -2, -4
        ([0.5], 1.0),  # one example: flipping it keeps |mean|
        ([0.0, 0.0, 0.0], 1.0),  # no difference at all
        ([1.0, -1.0, 2.0, -2.0], 1.0),  # observed mean 0
    ],
)
def test_permutation_hand_worked(d, exact):
    d = np.array(d)
    assert exact_permutation_p(d) == exact
    result = permutation_test(np.zeros_like(d), d, n_permutations=4000)
    assert result.difference == pytest.approx(d.mean())
    if exact == 1.0:
        assert result.p_value == 1.0
    else:
        assert abs(result.p_value - exact) < 4 * np.sqrt(exact * (1 - exact) / 4000)


def test_permutation_ties_are_not_decided_by_rounding():
    # 0.1 + 0.2 style values whose flipped sums equal the observed one only in exact arithmetic
    a = np.array([0.0, 0.0, 0.0])
    b = np.array([0.1, 0.2, 0.3])
    result = permutation_test(a, b, n_permutations=2000, seed=1)
    # |0.1 + 0.2 - 0.3| = 0 != 0.6; extreme are only +++ and ---: p = 1/4
    assert abs(result.p_value - 0.25) < 4 * np.sqrt(0.25 * 0.75 / 2000)
    same = np.array([0.1, 0.2, 0.7])
    assert permutation_test(same, same + 0.0).p_value == 1.0


def test_permutation_symmetric_in_a_and_b():
    rng = np.random.default_rng(22)
    a, b = rng.random(50), rng.random(50)
    ab, ba = permutation_test(a, b), permutation_test(b, a)
    assert ab.p_value == ba.p_value
    assert ab.difference == pytest.approx(-ba.difference, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, n, elements=st.floats(0, 1)),
            arrays(np.float64, n, elements=st.floats(0, 1)),
        )
    ),
    st.integers(0, 1000),
)
def test_p_values_in_range(pair, seed):
    a, b = pair
    perm = permutation_test(a, b, n_permutations=200, seed=seed)
    boot = paired_bootstrap(a, b, n_samples=200, seed=seed)
    for p in (perm.p_value, boot.p_value):
        assert 1 / 201 <= p <= 1.0
    assert boot.interval.low <= boot.interval.high


# --------------------------------------------------------- calibration and power


def test_false_positive_rate_under_no_effect():
    """200 datasets with a and b i.i.d.: both tests reject at 0.05 about 5% of the time."""
    n_datasets = 200
    boot_rejections = perm_rejections = 0
    for i in range(n_datasets):
        rng = np.random.default_rng(1000 + i)
        a = np.clip(rng.normal(0.35, 0.12, 100), 0, 1)
        b = np.clip(rng.normal(0.35, 0.12, 100), 0, 1)
        boot_rejections += paired_bootstrap(a, b, n_samples=1000, seed=i).p_value < 0.05
        perm_rejections += permutation_test(a, b, n_permutations=2000, seed=i).p_value < 0.05
    assert 0.01 <= boot_rejections / n_datasets <= 0.10
    assert 0.01 <= perm_rejections / n_datasets <= 0.10


def test_both_tests_detect_a_moderate_effect():
    rejections = 0
    for i in range(20):
        rng = np.random.default_rng(2000 + i)
        a = rng.uniform(0.2, 0.5, 200)
        b = a + 0.03 + rng.normal(0, 0.1, 200)  # effect of about 4 standard errors
        boot = paired_bootstrap(a, b, seed=i).p_value
        perm = permutation_test(a, b, n_permutations=2000, seed=i).p_value
        rejections += (boot < 0.05) and (perm < 0.05)
    assert rejections >= 17


# ------------------------------------------------------------------ win_tie_loss


def test_win_tie_loss_hand_worked():
    a = np.array([0.1, 0.5, 0.3, 0.3, 0.9])
    b = np.array([0.2, 0.4, 0.3, 0.35, 0.9])
    assert win_tie_loss(a, b) == (2, 2, 1)
    assert win_tie_loss(b, a) == (1, 2, 2)
    assert win_tie_loss(a, b, tolerance=0.06) == (1, 3, 1)
    assert win_tie_loss(a, b, tolerance=0.5) == (0, 5, 0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30).flatmap(
    lambda n: st.tuples(arrays(np.float64, n, elements=st.floats(0, 1)),
                        arrays(np.float64, n, elements=st.floats(0, 1)))))
def test_win_tie_loss_properties(pair):
    a, b = pair
    wins, ties, losses = win_tie_loss(a, b)
    assert wins + ties + losses == len(a)
    assert win_tie_loss(b, a) == (losses, ties, wins)
    assert win_tie_loss(a, a) == (0, len(a), 0)


# -------------------------------------------------------------------- validation


@pytest.mark.parametrize("func", [paired_bootstrap, permutation_test, win_tie_loss])
@pytest.mark.parametrize(
    "a, b, message",
    [
        (np.zeros(3), np.zeros(4), "paired"),
        (np.zeros(0), np.zeros(0), "empty"),
        (np.zeros((3, 1)), np.zeros((3, 1)), "shape"),
        (np.array([0.1, np.nan]), np.zeros(2), "NaN"),
    ],
)
def test_paired_functions_reject_bad_input(func, a, b, message):
    with pytest.raises(ValueError, match=message):
        func(a, b)


def test_bad_test_parameters():
    x = np.arange(4.0)
    with pytest.raises(ValueError, match="n_permutations"):
        permutation_test(x, x, n_permutations=0)
    with pytest.raises(ValueError, match="seed"):
        permutation_test(x, x, seed=True)
    with pytest.raises(ValueError, match="confidence"):
        paired_bootstrap(x, x, confidence=95)
    with pytest.raises(ValueError, match="tolerance"):
        win_tie_loss(x, x, tolerance=-0.1)
    with pytest.raises(ValueError, match="tolerance"):
        win_tie_loss(x, x, tolerance=float("nan"))


def test_results_are_frozen():
    result = permutation_test(np.zeros(3), np.ones(3), n_permutations=10)
    with pytest.raises(AttributeError):
        result.p_value = 0.0  # type: ignore[misc]

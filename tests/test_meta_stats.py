"""Meta-evaluation statistics (issue 13): correlations equal scipy.stats on the same
vectors at every level; the vectorised bootstrap and permutation test equal plain loops
over the same draws; the permutation test's size is its nominal level."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sumbench.eval.stats.correlation import (average_ranks, kendall, p_values, pearson,
                                             spearman)
from sumbench.eval.stats.correlation_levels import SummaryFilter, correlate
from sumbench.eval.stats.meta_resampling import (bootstrap_draws, bootstrap_samples,
                                                 percentile_interval, permutation_masks,
                                                 permutation_test, standardise)

SCIPY = {"pearson": stats.pearsonr, "spearman": stats.spearmanr, "kendall": stats.kendalltau}
OURS = {"pearson": pearson, "spearman": spearman, "kendall": kendall}


def scipy_r(name: str, x: np.ndarray, y: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(SCIPY[name](x, y)[0])


def scipy_level(level: str, X: np.ndarray, Z: np.ndarray, name: str,
                max_p: float | None = None) -> float:
    """The slow oracle: scipy called on each vector the level correlates."""
    if level == "system":
        return scipy_r(name, X.mean(axis=1), Z.mean(axis=1))
    if level == "global":
        return scipy_r(name, X.ravel(), Z.ravel())
    kept = []
    for j in range(X.shape[1]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r, p = SCIPY[name](X[:, j], Z[:, j])
        if np.isfinite(r) and (max_p is None or p <= max_p):
            kept.append(r)
    return float(np.mean(kept)) if kept else float("nan")


def vectors(rng: np.random.Generator, k: int, kind: int) -> tuple[np.ndarray, np.ndarray]:
    if kind == 0:
        return rng.normal(size=k), rng.normal(size=k)
    if kind == 1:  # heavy ties
        return rng.integers(0, 4, size=k).astype(float), rng.integers(0, 3, size=k).astype(float)
    x = rng.integers(0, 50, size=k).astype(float)  # correlated, some ties
    return x, x + rng.integers(0, 3, size=k)


@pytest.mark.parametrize("name", ["pearson", "spearman", "kendall"])
def test_coefficients_equal_scipy(name: str) -> None:
    rng = np.random.default_rng(7)
    for trial in range(150):
        k = int(rng.choice([2, 3, 5, 16, 33, 34, 64, 65, 100, 257, 1000]))
        x, y = vectors(rng, k, trial % 3)
        want, got = scipy_r(name, x, y), float(OURS[name](x, y))
        if np.isnan(want):
            assert np.isnan(got)
        else:
            assert got == pytest.approx(want, abs=1e-12)


@pytest.mark.parametrize("name", ["pearson", "spearman", "kendall"])
def test_p_values_equal_scipy(name: str) -> None:
    rng = np.random.default_rng(8)
    for trial in range(120):
        k = int(rng.choice([3, 4, 8, 20, 25, 33, 34, 70, 300]))
        x, y = vectors(rng, k, trial % 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = float(SCIPY[name](x, y)[1])
        got = float(p_values(name, x, y))
        if np.isnan(want):
            assert np.isnan(got)
        elif want < 1e-6:  # a perfect correlation: r = 1 - 1e-16 or 1 decides the digits
            assert got < 1e-6
        else:
            assert got == pytest.approx(want, rel=1e-9)


def test_batched_equals_one_at_a_time() -> None:
    rng = np.random.default_rng(9)
    for k in (12, 90):
        x = rng.integers(0, 5, size=(4, 3, k)).astype(float)
        y = rng.normal(size=(3, k)).round(1)  # broadcast against x
        for name, f in OURS.items():
            batch = f(x, y)
            for i in range(4):
                for j in range(3):
                    assert batch[i, j] == pytest.approx(scipy_r(name, x[i, j], y[j]), abs=1e-12)
    assert np.array_equal(average_ranks(x), stats.rankdata(x, axis=-1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=2, max_size=150))
def test_kendall_any_ties(pairs: list[tuple[int, int]]) -> None:
    x, y = (np.array(v, dtype=float) for v in zip(*pairs))
    want, got = scipy_r("kendall", x, y), float(kendall(x, y))
    assert (np.isnan(want) and np.isnan(got)) or got == pytest.approx(want, abs=1e-12)


def matrices(seed: int, m: int = 7, n: int = 9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Metric A, metric B and a human judgment with ties (ratings on a 1-5 scale)."""
    rng = np.random.default_rng(seed)
    Z = rng.integers(1, 6, size=(m, n)).astype(float)
    X = Z + rng.normal(0, 1.5, size=(m, n))
    Y = np.round(Z + rng.normal(0, 2.5, size=(m, n)), 1)
    return X, Y, Z


@pytest.mark.parametrize("level", ["system", "summary", "global"])
@pytest.mark.parametrize("name", ["pearson", "spearman", "kendall"])
def test_levels_equal_scipy(level: str, name: str) -> None:
    for seed in range(5):
        X, _, Z = matrices(seed, m=25, n=12)
        Z[:, 3] = 2.0  # a constant input: undefined there, left out of the summary level
        got = correlate(level, X, Z, name)
        assert float(got.value) == pytest.approx(scipy_level(level, X, Z, name), abs=1e-12)
        assert int(got.used) == {"system": 25, "summary": 11, "global": 300}[level]


@pytest.mark.parametrize("name", ["pearson", "spearman", "kendall"])
def test_summary_filter_equals_scipy_p_values(name: str) -> None:
    for seed in range(4):
        _, X, Z = matrices(seed, m=25, n=30)  # the noisier metric: some inputs p > 0.05
        got = correlate("summary", X, Z, name, SummaryFilter(0.05))
        assert float(got.value) == pytest.approx(scipy_level("summary", X, Z, name, 0.05),
                                                 abs=1e-12)
        assert 0 < int(got.used) < 30


@pytest.mark.parametrize("method", ["systems", "inputs", "both"])
@pytest.mark.parametrize("level", ["system", "summary", "global"])
def test_bootstrap_equals_a_plain_loop(method: str, level: str) -> None:
    X, _, Z = matrices(1, m=6, n=8)
    draws = bootstrap_draws(6, 8, method, samples=60, seed=3)
    rng = np.random.default_rng(3)  # the same draws, made again by hand
    rows = rng.integers(0, 6, size=(60, 6)) if method != "inputs" else None
    cols = rng.integers(0, 8, size=(60, 8)) if method != "systems" else None
    for name in ("pearson", "spearman", "kendall"):
        fast = bootstrap_samples(X, Z, lambda a, b: correlate(level, a, b, name).value, draws)
        slow = []
        for b in range(60):
            r = rows[b] if rows is not None else np.arange(6)
            c = cols[b] if cols is not None else np.arange(8)
            slow.append(scipy_level(level, X[r][:, c], Z[r][:, c], name))
        slow = np.array(slow)
        assert np.array_equal(np.isnan(fast), np.isnan(slow))
        assert np.allclose(fast[np.isfinite(fast)], slow[np.isfinite(slow)], atol=1e-12, rtol=0)
        interval = percentile_interval(fast, 0.9)
        defined = slow[np.isfinite(slow)]
        assert interval.undefined == 60 - defined.size
        assert interval.low == pytest.approx(np.percentile(defined, 5), abs=1e-12)
        assert interval.high == pytest.approx(np.percentile(defined, 95), abs=1e-12)


@pytest.mark.parametrize("method", ["inputs", "both"])
def test_filtered_summary_level_bootstrap_equals_a_plain_loop(method: str) -> None:
    """REALSumm's filter is applied inside every resample (scipy's p-values there too)."""
    _, X, Z = matrices(6, m=8, n=10)
    draws = bootstrap_draws(8, 10, method, samples=40, seed=5)
    for name in ("pearson", "kendall"):
        fast = bootstrap_samples(
            X, Z, lambda a, b: correlate("summary", a, b, name, SummaryFilter(0.1)).value, draws)
        for b in range(40):
            x, z = draws.take(X, b, b + 1)[0], draws.take(Z, b, b + 1)[0]
            slow = scipy_level("summary", x, z, name, 0.1)
            assert (np.isnan(fast[b]) and np.isnan(slow)) or fast[b] == pytest.approx(slow, abs=1e-12)


def test_bootstrap_reports_undefined_resamples() -> None:
    X, _, Z = matrices(2, m=3, n=4)
    draws = bootstrap_draws(3, 4, "systems", samples=300, seed=0)
    values = bootstrap_samples(X, Z, lambda a, b: correlate("system", a, b, "pearson").value,
                               draws)
    same_system = np.array([len(set(r)) == 1 for r in draws.rows])
    assert same_system.any()
    assert np.array_equal(np.isnan(values), same_system)
    assert percentile_interval(values, 0.95).undefined == int(same_system.sum())


@pytest.mark.parametrize("method", ["systems", "inputs", "both"])
@pytest.mark.parametrize("level", ["system", "summary", "global"])
def test_permutation_test_equals_a_plain_loop(method: str, level: str) -> None:
    X, Y, Z = matrices(4, m=6, n=8)
    name = "kendall" if level != "system" else "pearson"
    result = permutation_test(X, Y, Z, lambda a, b: correlate(level, a, b, name).value,
                              method=method, samples=150, seed=11)
    masks = np.random.default_rng(11).integers(
        0, 2, size={"both": (150, 6, 8), "systems": (150, 6, 1), "inputs": (150, 1, 8)}[method],
        dtype=bool)
    assert np.array_equal(masks, permutation_masks(6, 8, method, 150, 11))
    Xs, Ys = ((A - A.mean()) / A.std() for A in (X, Y))
    assert np.allclose(Xs, standardise(X))
    observed = scipy_level(level, X, Z, name) - scipy_level(level, Y, Z, name)
    assert result.difference == pytest.approx(observed, abs=1e-12)
    hits = defined = 0
    for b in range(150):
        swap = np.broadcast_to(masks[b], X.shape)
        xp, yp = np.where(swap, Ys, Xs), np.where(swap, Xs, Ys)
        d = scipy_level(level, xp, Z, name) - scipy_level(level, yp, Z, name)
        if np.isfinite(d):
            defined += 1
            hits += abs(d) >= abs(observed) - 1e-12
    assert result.undefined == 150 - defined
    assert result.p_value == pytest.approx((1 + hits) / (1 + defined), abs=1e-15)


def test_identical_metrics_have_p_one() -> None:
    X, _, Z = matrices(5)
    result = permutation_test(X, X * 3 + 1, Z, lambda a, b: correlate("global", a, b,
                                                                      "kendall").value)
    assert result.difference == pytest.approx(0, abs=1e-12)
    assert result.p_value == 1.0


@pytest.mark.parametrize("level,name", [("summary", "pearson"), ("global", "kendall")])
def test_permutation_test_size_is_nominal(level: str, name: str) -> None:
    """Under the null (A and B the same noisy copy of the humans, cell by cell), p <= 0.05
    must happen in 5% of data sets.  With 199 permutations the +1 p-value is exact:
    P(p <= 0.05) = 10/200 when every permutation's statistic is distinct.  400 data sets
    give a Monte Carlo standard error of 0.011; the test allows 3 of them."""
    rng = np.random.default_rng(2024)
    sets, rejections = 400, 0
    for k in range(sets):
        Z = rng.normal(size=(5, 6))
        X = Z + rng.normal(size=(5, 6))
        Y = Z + rng.normal(size=(5, 6))
        p = permutation_test(X, Y, Z, lambda a, b: correlate(level, a, b, name).value,
                             samples=199, seed=k).p_value
        rejections += p <= 0.05
    rate = rejections / sets
    assert abs(rate - 0.05) <= 3 * np.sqrt(0.05 * 0.95 / sets), rate

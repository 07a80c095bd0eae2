"""All pairs of systems in one pass, and Holm's correction (issue 12, acceptance 2):
the vectorised tests equal the pairwise ones pair by pair (p-values exactly), and Holm's
adjusted p-values equal a slow reference implementation of the procedure."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sumbench.eval.stats.allpairs import all_pairs, pair_indices
from sumbench.eval.stats.multiple import holm
from sumbench.eval.stats.resampling import paired_bootstrap, permutation_test, win_tie_loss


def slow_holm(p: list[float]) -> list[float]:
    """Holm (1979) step by step: walk the p-values from the smallest, multiply the k-th by
    (m - k + 1), keep the running maximum, cap at 1."""
    m = len(p)
    order = sorted(range(m), key=lambda i: (p[i], i))
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order, start=1):
        running = max(running, min(1.0, (m - rank + 1) * p[i]))
        adjusted[i] = running
    return adjusted


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=0, max_size=40))
def test_holm_equals_the_slow_procedure(p):
    assert holm(np.array(p)).tolist() == slow_holm(p)


def test_holm_hand_worked_and_checks():
    # m = 4: 0.01*4 = 0.04, 0.02*3 = 0.06, max(0.06, 0.03*2) = 0.06, max(0.06, 0.5) = 0.5
    assert holm(np.array([0.03, 0.01, 0.5, 0.02])).tolist() == pytest.approx([0.06, 0.04, 0.5, 0.06])
    assert holm(np.array([0.9, 0.8])).tolist() == [1.0, 1.0]  # 2 x 0.8 capped at 1
    assert holm(np.array([0.9, 0.3])).tolist() == [0.9, 0.6]
    with pytest.raises(ValueError):
        holm(np.array([0.1, np.nan]))


def assert_equal_to_pairwise(matrix: np.ndarray, samples: int, permutations: int, seed: int):
    tests = all_pairs(matrix, samples, permutations, seed)
    pairs = list(itertools.combinations(range(matrix.shape[1]), 2))
    assert list(zip(tests.first.tolist(), tests.second.tolist())) == pairs
    for k, (i, j) in enumerate(pairs):
        a, b = matrix[:, i], matrix[:, j]
        boot = paired_bootstrap(a, b, samples, seed)
        perm = permutation_test(a, b, permutations, seed)
        assert tests.bootstrap_p[k] == boot.p_value and tests.permutation_p[k] == perm.p_value
        assert tests.difference[k] == boot.difference
        assert tests.low[k] == pytest.approx(boot.interval.low, abs=1e-12)
        assert tests.high[k] == pytest.approx(boot.interval.high, abs=1e-12)
        assert (tests.wins[k], tests.ties[k], tests.losses[k]) == win_tie_loss(a, b)


@pytest.mark.parametrize("n, systems", [(1, 2), (7, 3), (64, 4), (65, 5), (300, 6)])
def test_equal_to_the_pairwise_tests(n, systems):
    rng = np.random.default_rng(n)
    matrix = rng.uniform(0, 1, (n, systems))
    matrix[:, 1] = matrix[:, 0] + 0.02   # a constant difference: a collapsed interval
    if systems > 2:
        matrix[:, 2] = matrix[:, 0]      # identical systems: p = 1
    assert_equal_to_pairwise(matrix, 400, 900, seed=n)


@settings(max_examples=25, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=9),
                  elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, 1 / 3])),
       st.integers(0, 2**31))
def test_equal_to_the_pairwise_tests_on_ties_and_repeats(matrix, seed):
    assert_equal_to_pairwise(matrix, 50, 120, seed)


def test_pair_order_and_refusals():
    assert [tuple(x) for x in zip(*pair_indices(4))] == \
        [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    with pytest.raises(ValueError):
        all_pairs(np.zeros((5, 1)))
    with pytest.raises(ValueError):
        all_pairs(np.full((5, 3), np.nan))

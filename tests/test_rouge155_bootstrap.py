"""The script's corpus averages and bootstrap intervals (``-c``, ``-r``), reproduced exactly."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_rouge155_support import oracle_or_skip

from sumbench.eval.metrics.rouge155 import corpus_scores, parse_flags, score_rouge155
from sumbench.eval.metrics.rouge155.bootstrap import (
    average_and_interval,
    resample_indices,
    resample_means,
)


def test_draws_are_perls():
    """Resample i reseeds Perl's drand48 with i and draws int(rand(n)); Perl >= 5.20."""
    try:
        out = subprocess.run(
            ["perl", "-e", 'for $s (0..4) { srand($s); print join(" ", map { int(rand(13)) } 1..13), "\\n" }'],
            capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("perl is not available")
    theirs = [[int(x) for x in line.split()] for line in out.splitlines()]
    ours = np.concatenate(list(resample_indices(13, 5, rows=2)), axis=1).T.tolist()
    assert ours == theirs


def test_chunking_does_not_change_the_draws():
    whole = next(resample_indices(50, 40, rows=40))
    parts = np.concatenate(list(resample_indices(50, 40, rows=7)), axis=1)
    np.testing.assert_array_equal(whole, parts)


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1), st.integers(2, 60), st.floats(0, 100))
def test_constant_scores_give_a_degenerate_interval(value, resamples, confidence):
    resampled = resample_means(np.full((9, 1), value), resamples)[:, 0]
    low, mid, high = average_and_interval(resampled, confidence)
    assert low == pytest.approx(value) and mid == pytest.approx(value) and high == pytest.approx(value)


# Seven summaries with recall 1, 1/2, ..., 1/7 (a one-word prediction against 1..7 words).
PREDICTIONS = ["a"] * 7
REFERENCES = [["a" + " x" * k] for k in range(7)]


@pytest.mark.parametrize("resamples, confidence", [(1, 95), (2, 95), (3, 50), (10, 95), (37, 90), (250, 80),
                                                   (999, 95), (1000, 100), (1000, 0), (1000, 99.9)])
def test_interval_edge_cases_match_perl(resamples, confidence):
    """Interpolation weights, positions past either end, float rounding of the positions."""
    flags = f"-n 1 -x -r {resamples} -c {confidence}"
    perl = oracle_or_skip().run(PREDICTIONS, REFERENCES, flags).corpus["rouge1"]
    config = parse_flags(flags)
    line = corpus_scores(score_rouge155(PREDICTIONS, REFERENCES, config), config)["rouge1"]
    ours = [[round(i.low, 5), round(i.mid, 5), round(i.high, 5)] for i in (line.precision, line.recall, line.fmeasure)]
    np.testing.assert_array_equal(np.array(ours), perl)


def test_average_is_the_resample_mean_not_the_plain_mean():
    config = parse_flags("-n 1 -x")
    scores = score_rouge155(PREDICTIONS, REFERENCES, config)
    line = corpus_scores(scores, config)["rouge1"]
    plain = scores["rouge1"][:, 1].mean()
    assert abs(line.recall.mid - plain) > 1e-4  # 0.37087 (the script) vs 0.37041
    assert round(line.recall.mid, 5) == 0.37087


def test_empty_corpus():
    config = parse_flags("-n 1")
    assert corpus_scores(score_rouge155([], [], config), config)["rouge1"].recall.mid == 0.0

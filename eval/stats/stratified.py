"""Means by group (one group per language) with intervals, and the macro average over the
groups with its interval: the numbers of XL-Sum-style multilingual tables (Hasan et al.
2021, "XL-Sum: Large-Scale Multilingual Abstractive Summarization for 44 Languages",
Findings of ACL; one row per language, and the average over languages).

* **Each group's interval** is exactly :func:`~sumbench.eval.stats.resampling.bootstrap_interval`
  on that group's rows alone, with the same ``(n_samples, seed, confidence)``: the
  numbers a run of that language alone would show.
* **The macro average** is the unweighted mean of the group means (each language counts
  once, whatever its size).  Its interval comes from a **stratified bootstrap**
  (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, sec. 6.9 on stratified
  samples; Davison & Hinkley 1997, sec. 3.7): each resample draws, within every group,
  as many rows as the group has, with replacement, and averages the groups' resampled
  means.  Groups stay independent and keep their sizes, which is what the macro average
  assumes.  The per-group intervals cannot simply be reused: two groups of equal size
  would get the same index draws from the same seed, which would couple them.

Draws of the macro interval, exactly (the tests' slow loop repeats them): one generator
``numpy.random.default_rng(seed)``; the groups in sorted order of their labels; for
each group, ``rng.integers(0, n_g, size=(n_samples, n_g))`` (in row chunks, which yield
the same stream), row ``r`` listing the rows of group ``g`` in resample ``r`` (positions
among that group's rows, in their original order).  The percentiles are taken of the
resampled macro averages as :func:`bootstrap_interval` takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .interval import Interval
from .resampling import (
    _as_matrix,
    _check_confidence,
    _check_count,
    _check_seed,
    _percentiles,
    _resampled_deviations,
    bootstrap_interval,
)


@dataclass(frozen=True)
class GroupedIntervals:
    """Per group (sorted labels) and per column: the mean with its interval; the macro
    average over the groups with its stratified-bootstrap interval."""

    groups: tuple[str, ...]
    counts: tuple[int, ...]
    by_group: tuple[tuple[Interval, ...], ...]  # [group][column]
    macro: tuple[Interval, ...]  # [column]


def grouped_intervals(values: np.ndarray, groups: Sequence[str], n_samples: int = 1000,
                      seed: int = 12345, confidence: float = 0.95) -> GroupedIntervals:
    """Means and intervals of each column of ``values`` (shape ``(n,)`` or ``(n, k)``) per
    group, where ``groups[i]`` labels row ``i``, and the macro average over the groups
    (see the module docstring).  Raises ``ValueError`` for bad input."""
    n_samples = _check_count(n_samples, "n_samples")
    seed = _check_seed(seed)
    confidence = _check_confidence(confidence)
    matrix = _as_matrix(values)
    labels = [str(g) for g in groups]
    if len(labels) != matrix.shape[0]:
        raise ValueError(f"{len(labels)} group labels for {matrix.shape[0]} rows")
    names = sorted(set(labels))
    position = {name: g for g, name in enumerate(names)}
    members: list[list[int]] = [[] for _ in names]
    for i, lab in enumerate(labels):
        members[position[lab]].append(i)
    rows_of = [np.asarray(rows, dtype=np.intp) for rows in members]
    by_group = []
    means = np.empty((len(names), matrix.shape[1]))
    for g, rows in enumerate(rows_of):
        low, mid, high = bootstrap_interval(matrix[rows], n_samples, seed, confidence)
        by_group.append(tuple(Interval(float(lo), float(m), float(hi))
                              for lo, m, hi in zip(low, mid, high)))
        means[g] = mid
    macro_mid = means.mean(axis=0)
    rng = np.random.default_rng(seed)
    deviations = np.zeros((n_samples, matrix.shape[1]))
    for g, rows in enumerate(rows_of):
        part = matrix[rows]
        # The group's resampled means minus its mean; every group draws from ``rng``,
        # in order, so the groups' resamples are independent.
        deviations += _resampled_deviations(part - means[g], n_samples, rng)
    dev_low, dev_high = _percentiles(deviations / len(names), confidence)
    macro = tuple(Interval(float(m + lo), float(m), float(m + hi))
                  for lo, m, hi in zip(dev_low, macro_mid, dev_high))
    return GroupedIntervals(groups=tuple(names), counts=tuple(len(r) for r in rows_of),
                            by_group=tuple(by_group), macro=macro)

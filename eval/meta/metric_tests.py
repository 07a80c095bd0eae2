"""Tests between metrics in a meta-evaluation: is metric A's correlation with a judgment
different from metric B's?  One permutation test per pair of metrics, judgment, level
and coefficient (Deutsch, Dror & Roth 2021; :mod:`sumbench.eval.stats.meta_permutation`),
then one multiple-comparison correction over the whole family of tests
(:mod:`sumbench.eval.stats.multiple`: Holm by default, Benjamini-Hochberg, or none).

**How many permutations.**  A permutation p-value is at least ``1 / (N + 1)``; with
``m`` tests at level ``alpha`` no correction can reject anything unless that falls below
``alpha / m`` (Holm's and Benjamini-Hochberg's first threshold).  The default is the
smallest ``N`` whose smallest p is ``alpha / (5 m)`` -- ``N = ceil(5 m / alpha) - 1``,
at least 999 and at most 100,000 -- so a decisive difference rejects even when a few
chance permutations reach it (108 tests at 0.05: 10,799 permutations, smallest p
9.3e-05).  A count given explicitly whose smallest p is not below ``alpha`` is a usage
error (no test could reject); one not below ``alpha / m`` gives a note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Sequence

import numpy as np

from sumbench.common.errors import UsageError
from ..stats.multiple import CORRECTION_LABELS, CORRECTIONS

FACTOR = 5  # the default count's smallest p is alpha / (FACTOR * m)
MIN_PERMUTATIONS = 999
MAX_PERMUTATIONS = 100_000


def default_permutations(tests: int, alpha: float) -> int:
    """The default permutation count for ``tests`` tests at ``alpha`` (module docstring)."""
    wanted = math.ceil(FACTOR * tests / alpha - 1e-9) - 1
    return int(min(MAX_PERMUTATIONS, max(MIN_PERMUTATIONS, wanted)))


@dataclass(frozen=True)
class MetricTest:
    """Permutation test: is ``r(a) - r(b)`` (``difference``) different from 0?
    ``p_value`` is the permutation p; ``p_adjusted`` the corrected one over the family;
    ``rejected``: ``p_adjusted < alpha``."""

    a: str
    b: str
    judgment: str
    level: str
    coefficient: str
    difference: float
    p_value: float
    samples: int
    undefined: int
    p_adjusted: float
    rejected: bool

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "judgment": self.judgment, "level": self.level,
                "coefficient": self.coefficient, "difference": self.difference,
                "p_value": self.p_value, "p_adjusted": self.p_adjusted,
                "rejected": self.rejected, "samples": self.samples,
                "undefined": self.undefined}


@dataclass(frozen=True)
class TestFamily:
    """The family of tests: its size, correction, level, the permutation count used
    (``chosen``: by default from the size) and the smallest p it can report."""

    size: int
    correction: str
    alpha: float
    permutations: int
    chosen: bool
    metrics: tuple[str, ...]

    @property
    def smallest_p(self) -> float:
        return 1.0 / (self.permutations + 1)

    def describe(self) -> str:
        how = "chosen from the number of tests" if self.chosen else "as given"
        correction = CORRECTION_LABELS[self.correction]
        return (f"{self.size} tests, {correction}-corrected at alpha {self.alpha:g}; "
                f"{self.permutations:,} permutations ({how}), smallest reportable p "
                f"{self.smallest_p:.2g} (first threshold alpha/m = {self.alpha / self.size:.2g})")

    def to_dict(self) -> dict[str, Any]:
        return {"size": self.size, "correction": self.correction, "alpha": self.alpha,
                "permutations": self.permutations, "permutations_chosen": self.chosen,
                "smallest_p": self.smallest_p, "metrics": list(self.metrics)}


def test_pairs(tests: str | Sequence[str] | None, metrics: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs of metrics to test: ``"all"`` or the named ones (every pair of them)."""
    if tests is None:
        return []
    chosen = list(metrics) if tests == "all" else list((tests,) if isinstance(tests, str)
                                                       else tests)
    for name in chosen:
        if name not in metrics:
            raise UsageError(f"tests: no metric {name!r} (metrics: {', '.join(metrics)})")
    if len(set(chosen)) < 2:
        raise UsageError("tests compare metrics in pairs: name at least two metrics (or all)")
    return list(combinations(dict.fromkeys(chosen), 2))


def plan(size: int, correction: str, alpha: float, permutations: int | None,
         metrics: Sequence[str]) -> tuple[TestFamily, list[str]]:
    """The family of ``size`` tests and its notes; a usage error when ``permutations``
    cannot reach ``alpha`` at all."""
    count = default_permutations(size, alpha) if permutations is None else permutations
    family = TestFamily(size, correction, alpha, count, permutations is None, tuple(metrics))
    notes = []
    if family.smallest_p >= alpha:
        raise UsageError(f"--permutations {count}: the smallest p is 1/{count + 1} = "
                         f"{family.smallest_p:.3g}, not below alpha {alpha:g}, so no test "
                         f"could reject; use at least {default_permutations(size, alpha)} "
                         "(the default for these tests)")
    threshold = alpha / size if correction != "none" else alpha
    if family.smallest_p >= threshold:
        notes.append(f"with {count:,} permutations the smallest p is {family.smallest_p:.2g}, "
                     f"not below alpha/m = {threshold:.2g}: {CORRECTION_LABELS[correction]}'s "
                     f"first step cannot reject; the default for {size} tests is "
                     f"{default_permutations(size, alpha):,}")
    elif count == MAX_PERMUTATIONS and permutations is None and \
            family.smallest_p * FACTOR * size > alpha:
        notes.append(f"{size} tests: the permutation count is capped at {count:,}; the "
                     f"smallest p ({family.smallest_p:.2g}) is close to alpha/m")
    return family, notes


def correct(raw: Sequence[tuple], family: TestFamily) -> list[MetricTest]:
    """``raw``: (a, b, judgment, level, coefficient, PermutationOutcome) for every test of
    the family; the tests with their corrected p-values."""
    p = np.array([outcome.p_value for *_, outcome in raw], dtype=np.float64)
    adjusted = CORRECTIONS[family.correction](p) if p.size else p
    return [MetricTest(a, b, judgment, level, name, o.difference, o.p_value, o.samples,
                       o.undefined, float(q), bool(q < family.alpha))
            for (a, b, judgment, level, name, o), q in zip(raw, adjusted)]

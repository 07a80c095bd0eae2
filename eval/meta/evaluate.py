"""Meta-evaluation: how well does each metric agree with human judgments?

For every metric, judgment, level (system, summary, global) and coefficient (Pearson,
Spearman, Kendall tau-b) this gives the correlation, its bootstrap confidence interval
(systems, inputs or both resampled; both by default) and, for the pairs of metrics
asked for, the permutation test of whether their correlations differ, corrected for
multiple comparisons over the family of tests (:mod:`sumbench.eval.meta.metric_tests`)
-- the statistics
of Deutsch, Dror & Roth (2021), implemented in :mod:`sumbench.eval.stats.correlation`,
:mod:`~sumbench.eval.stats.correlation_levels` and
:mod:`~sumbench.eval.stats.meta_resampling`.  The data are aligned first
(:mod:`sumbench.eval.meta.align`, every exclusion reported).

Every result carries the meta-evaluation's signature, e.g.
``levels:system,summary,global|corr:pearson,spearman,kendall-b|summary:standard|resample:both|bs:1000|ci:95|seed:12345|test:none|sumbench:0.2.0``,
and the signatures of the metrics that came from runs.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from typing import Any, Sequence, Union

from sumbench.common.errors import InputError, UsageError
from .align import Aligned, align
from .metric_tests import MetricTest, TestFamily, correct, plan, test_pairs
from .table import ScoreTable
from ..stats.correlation import COEFFICIENTS
from ..stats.correlation_levels import LEVELS, SummaryFilter, correlate
from ..stats.meta_permutation import permutation_tests
from ..stats.meta_resampling import (RESAMPLING, ResampledInterval, bootstrap_draws,
                                     bootstrap_samples, percentile_interval, permutation_test)
from ..stats.multiple import CORRECTIONS

Tests = Union[None, str, Sequence[str]]


def _tuple(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class MetaSettings:
    """What to compute.  ``resampling`` ``None``: no intervals.  ``tests``: ``None`` (no
    tests), ``"all"`` (every pair of metrics) or metric labels (every pair of them).
    ``summary_filter``: REALSumm's filtered summary level instead of the standard one.
    ``permutations`` ``None``: chosen from the number of tests (see
    :mod:`sumbench.eval.meta.metric_tests`); ``correction``: ``holm``, ``bh`` or ``none``
    over all tests, rejecting at ``alpha``."""

    levels: tuple[str, ...] = LEVELS
    coefficients: tuple[str, ...] = ("pearson", "spearman", "kendall")
    resampling: str | None = "both"
    samples: int = 1000
    confidence: float = 0.95
    seed: int = 12345
    tests: Tests = None
    permutation: str = "both"
    permutations: int | None = None
    summary_filter: SummaryFilter | None = None
    correction: str = "holm"
    alpha: float = 0.05

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", _tuple(self.levels))
        object.__setattr__(self, "coefficients", _tuple(self.coefficients))
        if self.tests is not None and not isinstance(self.tests, str):
            object.__setattr__(self, "tests", tuple(self.tests))
        for kind, given, known in (("level", self.levels, LEVELS),
                                   ("correlation", self.coefficients, tuple(COEFFICIENTS))):
            if not given:
                raise UsageError(f"name at least one {kind} ({', '.join(known)})")
            for name in given:
                if name not in known:
                    raise UsageError(f"unknown {kind} {name!r}; known: {', '.join(known)}")
        for name, value, known in (("resampling", self.resampling, RESAMPLING + (None,)),
                                   ("permutation", self.permutation, RESAMPLING)):
            if value not in known:
                raise UsageError(f"unknown {name} {value!r}; known: "
                                 f"{', '.join(k or 'none' for k in known)}")
        for name, value in (("samples", self.samples), ("permutations", self.permutations)):
            if value is None and name == "permutations":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise UsageError(f"{name} must be a positive integer, got {value!r}")
        if self.correction not in CORRECTIONS:
            raise UsageError(f"unknown correction {self.correction!r}; known: "
                             f"{', '.join(CORRECTIONS)}")
        if isinstance(self.alpha, bool) or not isinstance(self.alpha, (int, float)) or \
                not 0 < self.alpha < 1:
            raise UsageError(f"alpha must be in (0, 1), got {self.alpha!r}")
        if not 0 < self.confidence < 1:
            raise UsageError(f"confidence must be in (0, 1), got {self.confidence!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise UsageError(f"seed must be a non-negative integer, got {self.seed!r}")
        if self.summary_filter is not None and "summary" not in self.levels:
            raise UsageError("the summary-level filter applies to the summary level, which "
                             "is not among the levels")
        if self.summary_filter is not None and importlib.util.find_spec("scipy") is None:
            raise UsageError("the summary-level filter needs scipy for its p-values (they "
                             "are scipy's): pip install 'sumbench[meta]'")

    def signature(self, permutations: int | None = None) -> str:
        """The signature; ``permutations``: the count used when it was chosen from the
        number of tests (``perms:auto`` otherwise)."""
        from sumbench import __version__

        corr = ",".join("kendall-b" if c == "kendall" else c for c in self.coefficients)
        fields = [("levels", ",".join(self.levels)), ("corr", corr)]
        if "summary" in self.levels:
            fields.append(("summary", f"realsumm-{self.summary_filter.label}"
                           if self.summary_filter else "standard"))
        if self.resampling is None:
            fields.append(("resample", "none"))
        else:
            fields += [("resample", self.resampling), ("bs", str(self.samples)),
                       ("ci", f"{self.confidence * 100:g}"), ("seed", str(self.seed))]
        if self.tests is None:
            fields.append(("test", "none"))
        else:
            count = self.permutations if self.permutations is not None else permutations
            fields += [("test", f"perm-{self.permutation}"),
                       ("perms", str(count) if count is not None else "auto"),
                       ("adjust", self.correction), ("alpha", f"{self.alpha:g}")]
            if self.resampling is None:
                fields.append(("seed", str(self.seed)))
        fields.append(("sumbench", __version__))
        return "|".join(f"{k}:{v}" for k, v in fields)

    def to_dict(self) -> dict[str, Any]:
        return {"levels": list(self.levels), "coefficients": list(self.coefficients),
                "kendall_variant": "b", "resampling": self.resampling, "samples": self.samples,
                "confidence": self.confidence, "seed": self.seed,
                "tests": self.tests if self.tests is None or isinstance(self.tests, str)
                else list(self.tests),
                "permutation": self.permutation, "permutations": self.permutations,
                "correction": self.correction, "alpha": self.alpha,
                "summary_filter": self.summary_filter.label if self.summary_filter else None}


@dataclass(frozen=True)
class Correlation:
    """One metric's correlation with one judgment at one level, with its interval.
    ``used`` counts systems (system level), inputs averaged (summary level) or pairs
    (global level); ``of`` is how many there were."""

    metric: str
    judgment: str
    level: str
    coefficient: str
    value: float
    used: int
    of: int
    interval: ResampledInterval | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "judgment": self.judgment, "level": self.level,
                "coefficient": self.coefficient, "value": self.value, "used": self.used,
                "of": self.of, "interval": self.interval.to_dict() if self.interval else None}


@dataclass(frozen=True)
class MetaResult:
    """Everything ``sumbench meta`` prints."""

    settings: MetaSettings
    systems: tuple[str, ...]
    inputs: tuple[str, ...]
    metrics: tuple[str, ...]
    judgments: tuple[str, ...]
    correlations: tuple[Correlation, ...]
    tests: tuple[MetricTest, ...]
    signature: str
    sources: dict[str, str] = field(default_factory=dict)
    metric_signatures: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    test_family: TestFamily | None = None

    def find(self, metric: str, judgment: str, level: str, coefficient: str) -> Correlation:
        for c in self.correlations:
            if (c.metric, c.judgment, c.level, c.coefficient) == (metric, judgment, level,
                                                                 coefficient):
                return c
        raise KeyError((metric, judgment, level, coefficient))

    def to_dict(self) -> dict[str, Any]:
        return {"signature": self.signature, "settings": self.settings.to_dict(),
                "systems": list(self.systems), "inputs": list(self.inputs),
                "metrics": list(self.metrics), "judgments": list(self.judgments),
                "sources": dict(self.sources), "metric_signatures": dict(self.metric_signatures),
                "correlations": [c.to_dict() for c in self.correlations],
                "tests": [t.to_dict() for t in self.tests],
                "test_family": self.test_family.to_dict() if self.test_family else None,
                "notes": list(self.notes)}


def _statistic(level: str, name: str, summary_filter: SummaryFilter | None):
    return lambda X, Z: correlate(level, X, Z, name, summary_filter).value


def _undefined(level: str, metric: str, judgment: str, name: str,
               summary_filter: SummaryFilter | None) -> InputError:
    why = {"system": "the systems' mean scores are all equal for one of them",
           "summary": "on every input the metric or the judgment is the same for all systems",
           "global": "one of them is constant"}[level]
    if level == "summary" and summary_filter is not None:
        why = f"no input's correlation has {summary_filter.label} (REALSumm's filter)"
    return InputError(f"the {level}-level {name} correlation of {metric} with {judgment} is "
                      f"undefined: {why}")


@dataclass(frozen=True)
class Evaluation:
    """What :func:`evaluate_aligned` finds: correlations, tests, their family (None
    without tests) and notes about the tests."""

    correlations: list[Correlation]
    tests: list[MetricTest]
    family: TestFamily | None
    notes: list[str]


def _plan_tests(data: Aligned, settings: MetaSettings
                ) -> tuple[list[tuple[str, str]], TestFamily | None, list[str]]:
    pairs = test_pairs(settings.tests, list(data.metrics))
    if not pairs:
        return pairs, None, []
    size = len(pairs) * len(data.judgments) * len(settings.levels) * len(settings.coefficients)
    tested = tuple(dict.fromkeys(name for pair in pairs for name in pair))
    family, notes = plan(size, settings.correction, settings.alpha, settings.permutations,
                         tested)
    return pairs, family, notes


def _run_tests(data: Aligned, settings: MetaSettings, pairs: Sequence[tuple[str, str]],
               family: TestFamily) -> list[MetricTest]:
    """Every pair's tests; batched (all judgments, levels and coefficients of a pair at
    once) except under REALSumm's filter, which takes the reference loop."""
    judgments = list(data.judgments)
    raw = []
    for a, b in pairs:
        X, Y = data.metrics[a], data.metrics[b]
        if settings.summary_filter is None:
            outcomes = permutation_tests(X, Y, [data.judgments[j] for j in judgments],
                                         settings.levels, settings.coefficients,
                                         settings.permutation, family.permutations,
                                         settings.seed)
        else:
            outcomes = {(k, level, name): permutation_test(
                X, Y, data.judgments[j], _statistic(level, name, settings.summary_filter),
                settings.permutation, family.permutations, settings.seed)
                for k, j in enumerate(judgments) for level in settings.levels
                for name in settings.coefficients}
        for k, judgment in enumerate(judgments):
            for level in settings.levels:
                for name in settings.coefficients:
                    raw.append((a, b, judgment, level, name, outcomes[(k, level, name)]))
    return correct(raw, family)


def evaluate_aligned(data: Aligned, settings: MetaSettings) -> Evaluation:
    """The correlations (with intervals) and tests for aligned matrices."""
    pairs, family, test_notes = _plan_tests(data, settings)  # usage errors before any work
    m, n = len(data.systems), len(data.inputs)
    draws = (bootstrap_draws(m, n, settings.resampling, settings.samples, settings.seed)
             if settings.resampling else None)
    of = {"system": m, "summary": n, "global": m * n}
    correlations = []
    for judgment, Z in data.judgments.items():
        for level in settings.levels:
            for name in settings.coefficients:
                statistic = _statistic(level, name, settings.summary_filter)
                for metric, X in data.metrics.items():
                    point = correlate(level, X, Z, name, settings.summary_filter)
                    value = float(point.value)
                    if value != value:  # NaN
                        raise _undefined(level, metric, judgment, name, settings.summary_filter)
                    interval = None
                    if draws is not None:
                        interval = percentile_interval(bootstrap_samples(X, Z, statistic, draws),
                                                       settings.confidence)
                    correlations.append(Correlation(metric, judgment, level, name, value,
                                                    int(point.used), of[level], interval))
    tests = _run_tests(data, settings, pairs, family) if family is not None else []
    return Evaluation(correlations, tests, family, test_notes)


def _resampling_notes(correlations: Sequence[Correlation]) -> list[str]:
    notes = []
    for c in correlations:
        if c.interval is not None and c.interval.undefined:
            state = ("no interval" if c.interval.low is None
                     else "the interval uses the rest")
            notes.append(f"{c.metric} vs {c.judgment}, {c.level} level, {c.coefficient}: "
                         f"{c.interval.undefined} of {c.interval.samples} resamples had no "
                         f"correlation (a constant vector); {state}")
    return notes


def meta_evaluate(metrics: Sequence[ScoreTable], judgments: Sequence[ScoreTable],
                  settings: MetaSettings = MetaSettings(),
                  sources: dict[str, str] | None = None) -> MetaResult:
    """Correlate every metric table with every judgment table (see the module docstring)."""
    data = align(metrics, judgments)
    found = evaluate_aligned(data, settings)
    correlations, tests = found.correlations, found.tests
    notes = list(data.notes) + found.notes
    short = [c for c in correlations if c.level == "summary" and c.used < c.of]
    if short and settings.summary_filter is None:
        notes.append(f"summary level: {len(short)} correlation(s) average fewer than all "
                     f"{len(data.inputs)} inputs, leaving out inputs where the metric or the "
                     "judgment is the same for every system (see 'used')")
    notes += _resampling_notes(correlations)
    all_sources = {t.name: t.source for t in (*metrics, *judgments)}
    all_sources.update(sources or {})
    signatures = {t.metric: t.signature for t in metrics if t.metric and t.signature}
    return MetaResult(settings=settings, systems=data.systems, inputs=data.inputs,
                      metrics=tuple(data.metrics), judgments=tuple(data.judgments),
                      correlations=tuple(correlations), tests=tuple(tests),
                      signature=settings.signature(
                          found.family.permutations if found.family else None),
                      sources=all_sources, metric_signatures=signatures, notes=tuple(notes),
                      test_family=found.family)


def meta_evaluate_runs(runs: Sequence, judgments: Sequence[ScoreTable],
                       settings: MetaSettings = MetaSettings(),
                       measures: Sequence[str] | None = None,
                       components: Sequence[str] = ("all",),
                       extra_metrics: Sequence[ScoreTable] = (),
                       sources: dict[str, str] | None = None) -> MetaResult:
    """:func:`meta_evaluate` with metric tables made from ``runs`` (one per system;
    :func:`sumbench.eval.meta.runs.tables_from_runs`), plus any ``extra_metrics``."""
    from .runs import tables_from_runs

    tables = tables_from_runs(runs, measures, components) if runs else []
    return meta_evaluate([*tables, *extra_metrics], judgments, settings, sources)

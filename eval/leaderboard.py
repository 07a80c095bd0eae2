"""Leaderboards: many systems on one reference set, ranked, with the question "which
differences are real?" answered by significance clusters.

Systems are ranked by the mean of one measure's headline component (``rank_by``).
Every pair of systems is tested on it (:func:`sumbench.eval.stats.allpairs.all_pairs`:
paired bootstrap and approximate randomisation, as ``compare``), and the p-values of the
chosen test (approximate randomisation by default; ``both`` takes the larger of the two)
are corrected for the ``S (S - 1) / 2`` comparisons by Holm's method
(:mod:`sumbench.eval.stats.multiple`).  A pair differs significantly when its adjusted
p-value is below ``alpha``.

**Clusters**, as the WMT news-translation rankings form them (Bojar et al. 2013 onwards;
Kocmi et al. 2022): in rank order, a cluster ends after position ``k`` exactly when every
system ranked at or above ``k`` is significantly better than every system below it.
Systems in one cluster are not separated by the tests; any two systems in different
clusters are.  Each system's **rank range** ``[1 + #significantly better, S -
#significantly worse]`` says where it may truly stand.  The **win rate** of a system is
the mean, over the other systems, of the share of examples on which it scores higher
(ties count half); it counts the ranking measure's headline component, which
:attr:`Leaderboard.win_rate_measure` names (e.g. ``rouge1 F``) and every format shows.

With a **baseline** (``LeaderboardSettings.baseline``, ``--baseline-system``) each entry
also carries its difference from that system on the ranking measure, with the pair's
Holm-adjusted p-value (:class:`Versus`); without one, no system is singled out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np

from .baseline import baseline_index
from .compare import (
    RunLike,
    aligned_rows,
    as_run,
    check_comparable,
    unique_names,
)
from sumbench.common.errors import InputError, UsageError
from .runs.run import MeasureRef, Run, label, shared_measures
from .stats import Interval
from .stats.allpairs import all_pairs
from .stats.multiple import holm

TESTS = ("permutation", "bootstrap", "both")


@dataclass(frozen=True)
class LeaderboardSettings:
    """What ranks the systems, which measures the table shows, and the tests' settings."""

    rank_by: str | None = None  # None: the first shared measure
    measures: tuple[str, ...] | None = None  # None: every measure the runs share
    alpha: float = 0.05
    test: str = "permutation"
    bootstrap_samples: int = 1000
    permutations: int = 10000
    seed: int = 12345
    confidence: float = 0.95
    baseline: str | None = None  # None: no "vs baseline" column

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise UsageError(f"--alpha must be in (0, 1), got {self.alpha}")
        if self.test not in TESTS:
            raise UsageError(f"--test must be one of {', '.join(TESTS)}, got {self.test!r}")

    def signature_suffix(self) -> str:
        return (f"paired-bs:{self.bootstrap_samples}|ar:{self.permutations}|cmp-seed:{self.seed}"
                f"|cmp-ci:{self.confidence * 100:g}|test:{self.test}|holm|alpha:{self.alpha:g}")


@dataclass(frozen=True)
class Versus:
    """A system against the baseline on the ranking measure: ``difference`` is its mean
    minus the baseline's (display units); the pair's Holm-adjusted p-value."""

    difference: float
    adjusted_p: float
    significant: bool


@dataclass(frozen=True)
class Entry:
    """One system's row: its position, cluster, rank range, means and win rate."""

    name: str
    position: int
    cluster: int
    rank_range: tuple[int, int]
    scores: dict[str, Interval]  # measure label -> headline interval (display units)
    win_rate: float
    better_than: int
    worse_than: int
    versus_baseline: Versus | None = None  # None: no baseline, or this is the baseline

    def to_dict(self) -> dict:
        out = asdict(self)
        out["rank_range"] = list(self.rank_range)
        out["scores"] = {k: v.to_dict() for k, v in self.scores.items()}
        return out


@dataclass(frozen=True)
class PairTest:
    """``better`` against ``worse`` on the ranking measure (display units)."""

    better: str
    worse: str
    difference: float
    interval: Interval
    bootstrap_p: float
    permutation_p: float
    adjusted_p: float
    significant: bool
    wins: int
    ties: int
    losses: int

    def to_dict(self) -> dict:
        out = asdict(self)
        out["interval"] = self.interval.to_dict()
        return out


@dataclass(frozen=True)
class Leaderboard:
    """Systems ranked by ``rank_by`` with clusters; ``measures`` label the table's columns."""

    entries: tuple[Entry, ...]
    pairs: tuple[PairTest, ...]
    rank_by: str
    measures: tuple[str, ...]
    component: str
    scale: float
    settings: LeaderboardSettings
    signatures: dict[str, str]
    examples: int
    notes: tuple[str, ...] = ()
    runs: tuple[Run, ...] = field(default=(), compare=False, repr=False)
    baseline: str | None = None

    @property
    def win_rate_measure(self) -> str:
        """What the win rate counts: the ranking measure's headline, e.g. ``rouge1 F``."""
        return f"{self.rank_by} {self.component}"

    @property
    def clusters(self) -> list[list[str]]:
        out: list[list[str]] = []
        for entry in self.entries:
            if entry.cluster > len(out):
                out.append([])
            out[-1].append(entry.name)
        return out

    def to_dict(self) -> dict:
        return {"rank_by": self.rank_by, "component": self.component, "scale": self.scale,
                "measures": list(self.measures), "examples": self.examples,
                "win_rate_measure": self.win_rate_measure, "baseline": self.baseline,
                "settings": asdict(self.settings) | {"measures": list(self.measures)},
                "signatures": dict(self.signatures),
                "entries": [e.to_dict() for e in self.entries],
                "clusters": self.clusters, "pairs": [p.to_dict() for p in self.pairs],
                "notes": list(self.notes)}


def clusters_from(significant_better: np.ndarray) -> list[int]:
    """Cluster numbers (from 1) for systems in rank order, given ``significant_better[a,
    b]``: the system at position ``a`` is significantly better than the one at ``b``."""
    count = significant_better.shape[0]
    numbers, current = [], 1
    for k in range(count):
        numbers.append(current)
        if k + 1 < count and significant_better[: k + 1, k + 1:].all():
            current += 1
    return numbers


def _headline(run: Run, ref: MeasureRef) -> Interval:
    result = run.metrics[ref.metric]
    return result.scores[ref.measure][result.headline(ref.measure)].scaled(result.info.scale)


def build_leaderboard(runs: Sequence[RunLike],
                      settings: LeaderboardSettings = LeaderboardSettings(),
                      force: bool = False) -> Leaderboard:
    """Rank ``runs`` (at least two) with significance clusters; see the module docstring."""
    data = [as_run(r) for r in runs]
    if len(data) < 2:
        raise InputError("a leaderboard needs at least two runs")
    names = unique_names(data)
    baseline = names[baseline_index(data, settings.baseline)] if settings.baseline is not None else None
    measures = shared_measures(data, settings.measures)
    rank_ref = shared_measures(data, (settings.rank_by,))[0] if settings.rank_by else measures[0]
    if rank_ref not in measures:
        measures = [rank_ref, *measures]
    notes = check_comparable(data, names, measures, force)
    rows, align_notes = aligned_rows(data, names, force)
    notes += align_notes
    result = data[0].metrics[rank_ref.metric]
    component = result.headline(rank_ref.measure)
    scale = result.info.scale
    higher = result.info.higher_is_better
    matrix = np.stack([run.metrics[rank_ref.metric].columns[rank_ref.measure][component][idx]
                       for run, idx in zip(data, rows)], axis=1)
    sign = 1.0 if higher else -1.0
    order = sorted(range(len(data)), key=lambda s: (-sign * matrix[:, s].mean(), names[s]))
    ordered = matrix[:, order]
    tests = all_pairs(ordered, settings.bootstrap_samples, settings.permutations, settings.seed,
                      settings.confidence)
    raw = {"permutation": tests.permutation_p, "bootstrap": tests.bootstrap_p,
           "both": np.maximum(tests.permutation_p, tests.bootstrap_p)}[settings.test]
    adjusted = holm(raw)
    count = len(data)
    better = np.zeros((count, count), dtype=bool)  # better[a, b]: position a beats b
    pairs = []
    for k, (a, b) in enumerate(zip(tests.first, tests.second)):
        # difference = mean(b) - mean(a); in rank order a is at least as good as b.
        significant = bool(adjusted[k] < settings.alpha and tests.difference[k] != 0)
        if significant:
            if sign * tests.difference[k] < 0:
                better[a, b] = True
            else:
                better[b, a] = True
        pairs.append(PairTest(
            better=names[order[a]], worse=names[order[b]],
            difference=float(-scale * tests.difference[k]),
            interval=Interval(float(-scale * tests.high[k]), float(-scale * tests.difference[k]),
                              float(-scale * tests.low[k])),
            bootstrap_p=float(tests.bootstrap_p[k]), permutation_p=float(tests.permutation_p[k]),
            adjusted_p=float(adjusted[k]), significant=significant,
            wins=int(tests.losses[k]), ties=int(tests.ties[k]), losses=int(tests.wins[k])))
    n = ordered.shape[0]
    share = np.zeros((count, count))
    for k, (a, b) in enumerate(zip(tests.first, tests.second)):
        b_share = (tests.wins[k] + 0.5 * tests.ties[k]) / n
        share[b, a], share[a, b] = (b_share, 1 - b_share) if higher else (1 - b_share, b_share)
    cluster_numbers = clusters_from(better)
    versus = _versus_baseline(pairs, baseline)
    labels = [label(ref, data[0].measure_refs()) for ref in measures]
    entries = []
    for position, s in enumerate(order):
        entries.append(Entry(
            name=names[s], position=position + 1, cluster=cluster_numbers[position],
            rank_range=(1 + int(better[:, position].sum()), count - int(better[position].sum())),
            scores={lab: _headline(data[s], ref) for lab, ref in zip(labels, measures)},
            win_rate=float(share[position].sum() / (count - 1)),
            better_than=int(better[position].sum()), worse_than=int(better[:, position].sum()),
            versus_baseline=versus.get(names[s])))
    signatures = {m: f"{data[0].metrics[m].signature}|{settings.signature_suffix()}"
                  for m in dict.fromkeys(ref.metric for ref in measures)}
    return Leaderboard(entries=tuple(entries), pairs=tuple(pairs),
                       rank_by=label(rank_ref, data[0].measure_refs()), measures=tuple(labels),
                       component=result.info.label(component), scale=scale, settings=settings,
                       signatures=signatures, examples=n, notes=tuple(notes), runs=tuple(data),
                       baseline=baseline)


def _versus_baseline(pairs: Sequence[PairTest], baseline: str | None) -> dict[str, Versus]:
    """Each system's :class:`Versus` from its pair with ``baseline`` (none for itself)."""
    out = {}
    for p in pairs:
        if baseline in (p.better, p.worse):
            other, sign = (p.worse, -1.0) if p.better == baseline else (p.better, 1.0)
            out[other] = Versus(sign * p.difference, p.adjusted_p, p.significant)
    return out

"""Pairwise comparison of runs: each system against the first, measure by measure.

For every compared measure (its headline component by default -- ROUGE's F -- or the
components asked for) and every system ``b`` against the first run ``a`` this reports the
difference of means ``mean(b) - mean(a)`` with its paired bootstrap interval and
p-value (Koehn 2004, "Statistical Significance Tests for Machine Translation
Evaluation"), the paired approximate-randomisation p-value (Noreen 1989; Riezler &
Maxwell 2005) and win/tie/loss counts over examples.  With ``all_pairs`` every pair of
runs is compared instead (:mod:`sumbench.eval.stats.allpairs`, one vectorised pass), and
each test's p-values are also given Holm-corrected over the pairs of each measure and
component (:mod:`sumbench.eval.stats.multiple`); the uncorrected p-values of a pair are
those a two-run comparison of it gives.  sacrebleu's ``compare`` mode
(``paired_bs`` / ``paired_ar``) is the model; the statistics live in
:mod:`sumbench.eval.stats`.  Nothing here knows a metric: measures, components and
scales come from the runs.

Runs are compared only when they were scored on the same reference set (same
fingerprint) and each compared metric was computed the same way (no difference in a
signature field that can change a number, :data:`~sumbench.eval.signature.NOTE_FIELDS`);
otherwise :class:`~sumbench.common.errors.InputError` names every difference, unless
``force=True``, in which case the differences become notes and the runs are paired on
the ids they share.  Differences in note fields (sumbench's version, interval
settings) are always notes.  The comparison's settings are appended to each metric's
signature, e.g. ``...|paired-bs:1000|ar:10000|cmp-seed:12345|cmp-ci:95``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np

from sumbench.common.errors import InputError, UsageError
from .runs.labels import error_label, run_labels
from .runs.resolve import RunSource, resolve_run
from .runs.run import MeasureRef, Run, label, shared_measures
from .stats import Interval, paired_bootstrap, permutation_test, win_tie_loss

HEADLINE = "headline"
RunLike = RunSource  # a Run or a run folder


def as_run(run: RunLike) -> Run:
    """A :class:`Run` from a run folder path or itself
    (:func:`sumbench.eval.runs.resolve.resolve_run`)."""
    return resolve_run(run)


@dataclass(frozen=True)
class CompareSettings:
    """How to compare: which measures and components, how many resamples, seed, level.

    ``measures`` ``None`` means every measure all runs share; ``components`` are
    component names (``precision``), their labels (``P``) or ``headline`` (F for ROUGE).
    """

    measures: tuple[str, ...] | None = None
    components: tuple[str, ...] = (HEADLINE,)
    bootstrap_samples: int = 1000
    permutations: int = 10000
    seed: int = 12345
    confidence: float = 0.95
    all_pairs: bool = False

    def signature_suffix(self) -> str:
        return (f"paired-bs:{self.bootstrap_samples}|ar:{self.permutations}"
                f"|cmp-seed:{self.seed}|cmp-ci:{self.confidence * 100:g}"
                + ("|all-pairs|holm" if self.all_pairs else ""))


@dataclass(frozen=True)
class MetricComparison:
    """System ``system`` against ``baseline`` on one component of one measure; values on
    the metric's own scale (fractions for ROUGE), ``scale`` turns them into points."""

    metric: str
    measure: str
    component: str
    label: str
    component_label: str
    baseline: str
    system: str
    baseline_mean: float
    system_mean: float
    difference: float
    interval: Interval
    bootstrap_p: float
    permutation_p: float
    wins: int
    ties: int
    losses: int
    scale: float = 100.0
    bootstrap_p_holm: float | None = None  # all-pairs comparisons only
    permutation_p_holm: float | None = None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["interval"] = self.interval.to_dict()
        return out


@dataclass(frozen=True)
class Comparison:
    """Every system against the first run, on every compared measure."""

    names: tuple[str, ...]
    runs: tuple[Run, ...] = field(compare=False, repr=False)
    measures: tuple[MeasureRef, ...]
    metrics: tuple[MetricComparison, ...]
    signatures: dict[str, str]
    settings: CompareSettings
    examples: int
    notes: tuple[str, ...] = ()

    @property
    def paths(self) -> tuple[str | None, ...]:
        return tuple(str(r.path) if r.path else None for r in self.runs)

    @property
    def signature(self) -> str:
        """The comparison signature (one line per compared metric, joined by newlines)."""
        return "\n".join(self.signatures.values())

    def find(self, system: str, measure: str, component: str | None = None) -> MetricComparison:
        for m in self.metrics:
            if m.system == system and measure in (m.measure, f"{m.metric}:{m.measure}") \
                    and (component is None or m.component == component):
                return m
        raise KeyError((system, measure, component))

    def labels(self) -> list[str]:
        """The compared measures as the first run names them (qualified if ambiguous)."""
        among = self.runs[0].measure_refs()
        return [label(ref, among) for ref in self.measures]

    def to_dict(self) -> dict:
        from .runs.folder import metric_dict

        return {
            "signatures": dict(self.signatures),
            "settings": {**asdict(self.settings), "measures": self.labels(),
                         "components": list(self.settings.components)},
            "runs": [{"name": n, "path": str(r.path) if r.path else None,
                      "metrics": {m: {k: v for k, v in metric_dict(r.metrics[m]).items()
                                      if k in ("signature", "scores")}
                                  for m in dict.fromkeys(ref.metric for ref in self.measures)}}
                     for n, r in zip(self.names, self.runs)],
            "examples": self.examples,
            "comparisons": [m.to_dict() for m in self.metrics],
            "notes": list(self.notes),
        }


def unique_names(runs: Sequence[Run]) -> tuple[str, ...]:
    """The runs' labels in tables and messages (:func:`~sumbench.eval.runs.labels.run_labels`:
    the name, with the end of the folder's path where two runs share a name)."""
    return run_labels(runs)


def incompatibilities(a: Run, b: Run, a_name: str, b_name: str,
                      metrics: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(blocking, notes)``: differences between two runs as sentences.  Blocking: the
    reference sets, or a signature field of a compared metric that can change a number."""
    blocking, notes = [], []
    if a.fingerprint != b.fingerprint:
        blocking.append(f"reference sets differ: {a_name} has {a.fingerprint} "
                        f"({len(a.ids)} examples), {b_name} has {b.fingerprint} "
                        f"({len(b.ids)} examples)")
    for metric in metrics:
        mine, theirs = a.metrics[metric].signature, b.metrics[metric].signature
        for key, (x, y) in mine.blocking_differences(theirs).items():
            blocking.append(f"{metric} signature field '{key}' differs: {a_name} has {x}, "
                            f"{b_name} has {y}")
        for key, (x, y) in mine.note_differences(theirs).items():
            notes.append(f"{metric} signature field '{key}' differs ({a_name} has {x}, "
                         f"{b_name} has {y}); it cannot change the per-example scores")
    return blocking, notes


def aligned_rows(runs: Sequence[Run], names: Sequence[str], force: bool) -> tuple[list[np.ndarray], list[str]]:
    """Row indices of each run on the ids all runs share (in the first run's order)."""
    notes: list[str] = []
    shared = set(runs[0].ids)
    for run in runs[1:]:
        shared &= set(run.ids)
    order = [i for i in runs[0].ids if i in shared]
    if not order:
        raise InputError("the runs share no example ids; nothing to compare")
    for run, name in zip(runs, names):
        if len(set(run.ids)) != len(run.ids):
            raise InputError(f"run {error_label(run)}: duplicate example ids in "
                             "per_example.jsonl")
        if len(run.ids) != len(order):
            if not force:
                raise InputError(f"run {error_label(run)} has {len(run.ids)} examples but only "
                                 f"{len(order)} "
                                 "are shared by all runs; use --force to compare those")
            notes.append(f"{name}: compared on {len(order)} of its {len(run.ids)} examples")
    rows = []
    for run in runs:
        position = {example_id: k for k, example_id in enumerate(run.ids)}
        rows.append(np.array([position[i] for i in order], dtype=np.int64))
    return rows, notes


def component_names(run: Run, ref: MeasureRef, requested: Sequence[str]) -> list[str]:
    """The components of ``ref`` that ``requested`` names (``headline``, a name or a label)."""
    result = run.metrics[ref.metric]
    components = list(result.columns[ref.measure])
    out = []
    for text in requested:
        if text == HEADLINE:
            out.append(result.headline(ref.measure))
            continue
        match = [c for c in components
                 if text.lower() in (c.lower(), result.info.label(c).lower())]
        if not match:
            raise UsageError(f"{ref.measure} has no component {text!r} (it has: "
                             f"{', '.join(f'{c} ({result.info.label(c)})' for c in components)})")
        out.append(match[0])
    return list(dict.fromkeys(out))


def check_comparable(runs: Sequence[Run], names: Sequence[str], measures: Sequence[MeasureRef],
                     force: bool) -> list[str]:
    """Notes (and, when forced, the blocking differences as notes); raises otherwise."""
    metrics = list(dict.fromkeys(ref.metric for ref in measures))
    blocking, notes = [], []
    for run, name in zip(runs[1:], names[1:]):
        hard, soft = incompatibilities(runs[0], run, names[0], name, metrics)
        blocking += hard
        notes += soft
    if blocking and not force:
        raise InputError("refusing to compare: " + "; ".join(blocking)
                         + " (use --force to compare anyway)")
    return [f"forced: {b}" for b in blocking] + notes


def _pairwise(data: Sequence[Run], names: Sequence[str], rows: Sequence[np.ndarray],
              ref: MeasureRef, component: str, shown: str, label_of: str,
              settings: CompareSettings) -> list[MetricComparison]:
    """Every run against the first on one column."""
    result = data[0].metrics[ref.metric]
    a = result.columns[ref.measure][component][rows[0]]
    out = []
    for run, name, idx in zip(data[1:], names[1:], rows[1:]):
        b = run.metrics[ref.metric].columns[ref.measure][component][idx]
        boot = paired_bootstrap(a, b, n_samples=settings.bootstrap_samples,
                                seed=settings.seed, confidence=settings.confidence)
        perm = permutation_test(a, b, n_permutations=settings.permutations, seed=settings.seed)
        wins, ties, losses = win_tie_loss(a, b)
        out.append(MetricComparison(
            metric=ref.metric, measure=ref.measure, component=component, label=shown,
            component_label=label_of, baseline=names[0], system=name,
            baseline_mean=float(np.mean(a)), system_mean=float(np.mean(b)),
            difference=boot.difference, interval=boot.interval, bootstrap_p=boot.p_value,
            permutation_p=perm.p_value, wins=wins, ties=ties, losses=losses,
            scale=result.info.scale))
    return out


def _all_pairs(data: Sequence[Run], names: Sequence[str], rows: Sequence[np.ndarray],
               ref: MeasureRef, component: str, shown: str, label_of: str,
               settings: CompareSettings) -> list[MetricComparison]:
    """Every pair of runs on one column, in one pass, with Holm-corrected p-values."""
    from .stats.allpairs import all_pairs
    from .stats.multiple import holm

    matrix = np.stack([run.metrics[ref.metric].columns[ref.measure][component][idx]
                       for run, idx in zip(data, rows)], axis=1)
    tests = all_pairs(matrix, settings.bootstrap_samples, settings.permutations, settings.seed,
                      settings.confidence)
    boot_holm, perm_holm = holm(tests.bootstrap_p), holm(tests.permutation_p)
    means = [float(np.mean(matrix[:, s])) for s in range(matrix.shape[1])]
    scale = data[0].metrics[ref.metric].info.scale
    return [MetricComparison(
        metric=ref.metric, measure=ref.measure, component=component, label=shown,
        component_label=label_of, baseline=names[i], system=names[j],
        baseline_mean=means[i], system_mean=means[j], difference=float(tests.difference[k]),
        interval=Interval(float(tests.low[k]), float(tests.difference[k]), float(tests.high[k])),
        bootstrap_p=float(tests.bootstrap_p[k]), permutation_p=float(tests.permutation_p[k]),
        wins=int(tests.wins[k]), ties=int(tests.ties[k]), losses=int(tests.losses[k]),
        scale=scale, bootstrap_p_holm=float(boot_holm[k]), permutation_p_holm=float(perm_holm[k]))
        for k, (i, j) in enumerate(zip(tests.first, tests.second))]


def compare_runs(runs: Sequence[RunLike], settings: CompareSettings = CompareSettings(),
                 force: bool = False) -> Comparison:
    """Compare every run against ``runs[0]`` (or, with ``settings.all_pairs``, every pair);
    see the module docstring for the rules."""
    data = [as_run(r) for r in runs]
    if len(data) < 2:
        raise InputError("compare needs at least two runs")
    if not settings.components:
        raise UsageError("name at least one component to compare")
    names = unique_names(data)
    measures = shared_measures(data, settings.measures)
    notes = check_comparable(data, names, measures, force)
    rows, align_notes = aligned_rows(data, names, force)
    notes += align_notes
    comparisons = []
    among = data[0].measure_refs()
    engine = _all_pairs if settings.all_pairs else _pairwise
    for ref in measures:
        result = data[0].metrics[ref.metric]
        text = label(ref, among)
        for component in component_names(data[0], ref, settings.components):
            shown = text if component == result.headline(ref.measure) else \
                f"{text}/{result.info.label(component)}"
            comparisons += engine(data, names, rows, ref, component, shown,
                                  result.info.label(component), settings)
    signatures = {m: f"{data[0].metrics[m].signature}|{settings.signature_suffix()}"
                  for m in dict.fromkeys(ref.metric for ref in measures)}
    return Comparison(names=names, runs=tuple(data), measures=tuple(measures),
                      metrics=tuple(comparisons), signatures=signatures, settings=settings,
                      examples=len(rows[0]), notes=tuple(notes))

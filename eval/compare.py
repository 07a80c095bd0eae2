"""Pairwise comparison of saved runs: each system against the first, metric by metric.

For every metric (a ROUGE type and a column: F by default, P and R on request) and every
system ``b`` against the first run ``a`` this reports the difference of means
``mean(b) - mean(a)`` with its paired bootstrap interval and p-value (Koehn 2004,
"Statistical Significance Tests for Machine Translation Evaluation"), the paired
approximate-randomisation p-value (Noreen 1989; Riezler & Maxwell 2005) and win/tie/loss
counts over examples.  sacrebleu's ``compare`` mode (``paired_bs`` / ``paired_ar``) is the
model; the statistics themselves live in :mod:`sumbench.eval.stats.resampling`.

Runs are compared only when they were scored on the same reference set (same
fingerprint) with the same scoring settings (same signature, see
:data:`INTERVAL_ONLY_FIELDS` for the fields that do not count); otherwise
:class:`~sumbench.eval.errors.InputError` names every difference, unless ``force=True``, in which
case the differences are kept in :attr:`Comparison.notes` and the runs are paired on the
ids they share.  The comparison's own settings are appended to the runs' signature, e.g.
``...|paired-bs:1000|ar:10000|cmp-seed:12345|cmp-ci:95``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence, Union

import numpy as np

from sumbench.eval.errors import InputError
from sumbench.eval.runs.folder import SavedRun
from sumbench.eval.scores import COLUMNS, Interval
from sumbench.eval.scoring import ScoredRun
from sumbench.eval.signature import Signature
from sumbench.eval.stats.resampling import paired_bootstrap, permutation_test, win_tie_loss

# Signature fields that only change the runs' own confidence intervals, never a
# per-example score: runs that differ only here are compared without --force.
INTERVAL_ONLY_FIELDS = ("bs", "seed", "ci")
COLUMN_ABBREVIATIONS = {"precision": "P", "recall": "R", "fmeasure": "F"}


@dataclass(frozen=True)
class RunData:
    """What a comparison needs from a run, whether saved in a folder or still in memory."""

    name: str
    ids: tuple[str, ...]
    per_example: dict[str, np.ndarray] = field(compare=False)
    signature: Signature
    fingerprint: str
    scores: dict[str, dict[str, Interval]] = field(default_factory=dict, compare=False)
    path: str | None = None

    @classmethod
    def from_saved(cls, run: SavedRun) -> "RunData":
        """From :func:`sumbench.eval.runs.folder.load_run`; missing keys raise :class:`InputError`."""
        where = run.path / "results.json"
        try:
            signature = Signature.parse(run.results["signature"])
            fingerprint = str(run.results["reference_set"]["fingerprint"])
            name = str(run.results["config"]["summarizer"]["name"])
            scores = {t: {c: Interval(**run.results["scores"][t][c]) for c in COLUMNS}
                      for t in run.results.get("scores", {})}
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{where}: corrupt results.json "
                             f"({type(exc).__name__}: {exc})") from None
        return cls(name=name, ids=run.ids, per_example=run.per_example, signature=signature,
                   fingerprint=fingerprint, scores=scores, path=str(run.path))

    @classmethod
    def from_scored(cls, scored: ScoredRun, fingerprint: str, name: str) -> "RunData":
        """From an in-memory :class:`sumbench.eval.scoring.ScoredRun` (e.g. ``Evaluation.scored``)."""
        return cls(name=name, ids=tuple(scored.ids), per_example=dict(scored.per_example),
                   signature=scored.signature, fingerprint=fingerprint,
                   scores=dict(scored.aggregate), path=None)


RunLike = Union[RunData, SavedRun, str, Path]


def as_run_data(run: RunLike) -> RunData:
    """A :class:`RunData` from a run folder path, a :class:`SavedRun` or itself."""
    if isinstance(run, RunData):
        return run
    if isinstance(run, (str, Path)):
        from sumbench.eval.runs.folder import load_run

        run = load_run(run)
    return RunData.from_saved(run)


@dataclass(frozen=True)
class CompareSettings:
    """How to compare: which metrics, how many resamples, which seed and level."""

    rouge_types: tuple[str, ...] | None = None  # None: every type all runs have
    columns: tuple[str, ...] = ("fmeasure",)
    bootstrap_samples: int = 1000
    permutations: int = 10000
    seed: int = 12345
    confidence: float = 0.95

    def signature_suffix(self) -> str:
        return (f"paired-bs:{self.bootstrap_samples}|ar:{self.permutations}"
                f"|cmp-seed:{self.seed}|cmp-ci:{self.confidence * 100:g}")


@dataclass(frozen=True)
class MetricComparison:
    """System ``system`` against ``baseline`` on one metric; scores on the 0..1 scale."""

    rouge_type: str
    column: str
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

    @property
    def metric(self) -> str:
        """``rouge1`` for F, ``rouge1/P`` and ``rouge1/R`` for the others."""
        if self.column == "fmeasure":
            return self.rouge_type
        return f"{self.rouge_type}/{COLUMN_ABBREVIATIONS[self.column]}"

    def to_dict(self) -> dict:
        out = asdict(self)
        out["metric"] = self.metric
        out["interval"] = self.interval.to_dict()
        return out


@dataclass(frozen=True)
class Comparison:
    """Every system against the first run, on every requested metric."""

    names: tuple[str, ...]
    paths: tuple[str | None, ...]
    scores: tuple[dict[str, dict[str, Interval]], ...] = field(compare=False)
    run_signatures: tuple[Signature, ...]
    metrics: tuple[MetricComparison, ...]
    signature: str
    settings: CompareSettings
    examples: int
    notes: tuple[str, ...] = ()

    def find(self, system: str, rouge_type: str, column: str = "fmeasure") -> MetricComparison:
        for m in self.metrics:
            if (m.system, m.rouge_type, m.column) == (system, rouge_type, column):
                return m
        raise KeyError((system, rouge_type, column))

    def to_dict(self) -> dict:
        return {
            "signature": self.signature,
            "settings": {**asdict(self.settings),
                         "rouge_types": list(self.rouge_types),
                         "columns": list(self.settings.columns)},
            "runs": [{"name": n, "path": p, "signature": str(g),
                      "scores": {t: {c: i.to_dict() for c, i in s[t].items()} for t in s}}
                     for n, p, g, s in zip(self.names, self.paths, self.run_signatures,
                                           self.scores)],
            "examples": self.examples,
            "comparisons": [m.to_dict() for m in self.metrics],
            "notes": list(self.notes),
        }

    @property
    def rouge_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.rouge_type for m in self.metrics))


def unique_names(runs: Sequence[RunData]) -> tuple[str, ...]:
    """Summariser names, with the folder name added where two runs share a name."""
    names = [r.name for r in runs]
    out = []
    for i, run in enumerate(runs):
        label = run.name
        if names.count(run.name) > 1:
            label = f"{run.name} ({Path(run.path).name if run.path else f'#{i + 1}'})"
        out.append(label)
    if len(set(out)) < len(out):
        out = [f"{label} #{i + 1}" for i, label in enumerate(out)]
    return tuple(out)


def incompatibilities(a: RunData, b: RunData, a_name: str, b_name: str) -> tuple[list[str], list[str]]:
    """``(blocking, informational)`` differences between two runs, as sentences."""
    blocking, info = [], []
    if a.fingerprint != b.fingerprint:
        blocking.append(f"reference sets differ: {a_name} has {a.fingerprint} "
                        f"({len(a.ids)} examples), {b_name} has {b.fingerprint} "
                        f"({len(b.ids)} examples)")
    for key, (mine, theirs) in a.signature.differences(b.signature).items():
        sentence = f"signature field '{key}' differs: {a_name} has {mine}, {b_name} has {theirs}"
        (info if key in INTERVAL_ONLY_FIELDS else blocking).append(sentence)
    return blocking, info


def _aligned_rows(runs: Sequence[RunData], names: Sequence[str], force: bool) -> tuple[list[np.ndarray], list[str]]:
    """Row indices of each run on the ids all runs share (in the first run's order)."""
    first = runs[0]
    notes: list[str] = []
    shared = set(first.ids)
    for run in runs[1:]:
        shared &= set(run.ids)
    order = [i for i in first.ids if i in shared]
    if not order:
        raise InputError("the runs share no example ids; nothing to compare")
    for run, name in zip(runs, names):
        if len(set(run.ids)) != len(run.ids):
            raise InputError(f"{name}: duplicate example ids in per_example.jsonl")
        if len(run.ids) != len(order):
            if not force:
                raise InputError(f"{name} has {len(run.ids)} examples but only {len(order)} "
                                 "are shared by all runs; use --force to compare those")
            notes.append(f"{name}: compared on {len(order)} of its {len(run.ids)} examples")
    rows = []
    for run in runs:
        position = {example_id: k for k, example_id in enumerate(run.ids)}
        rows.append(np.array([position[i] for i in order], dtype=np.int64))
    return rows, notes


def _rouge_types(runs: Sequence[RunData], names: Sequence[str],
                 requested: tuple[str, ...] | None) -> tuple[str, ...]:
    common = [t for t in runs[0].per_example if all(t in r.per_example for r in runs)]
    if requested is None:
        if not common:
            raise InputError("the runs have no ROUGE type in common")
        return tuple(common)
    for rouge_type in requested:
        missing = [n for r, n in zip(runs, names) if rouge_type not in r.per_example]
        if missing:
            raise InputError(f"{rouge_type} is not in the run(s) {', '.join(missing)}; "
                             f"they have: {', '.join(common) or '(nothing in common)'}")
    return tuple(requested)


def compare_runs(runs: Sequence[RunLike], settings: CompareSettings = CompareSettings(),
                 force: bool = False) -> Comparison:
    """Compare every run against ``runs[0]``; see the module docstring for the rules."""
    data = [as_run_data(r) for r in runs]
    if len(data) < 2:
        raise InputError("compare needs at least two runs")
    bad_columns = [c for c in settings.columns if c not in COLUMNS]
    if bad_columns or not settings.columns:
        raise InputError(f"unknown column(s) {', '.join(bad_columns) or '(none)'}; "
                         f"use {', '.join(COLUMNS)}")
    names = unique_names(data)
    blocking, notes = [], []
    for run, name in zip(data[1:], names[1:]):
        hard, soft = incompatibilities(data[0], run, names[0], name)
        blocking += hard
        notes += soft
    if blocking and not force:
        raise InputError("refusing to compare: " + "; ".join(blocking)
                         + " (use --force to compare anyway)")
    notes = [f"forced: {b}" for b in blocking] + notes
    rows, align_notes = _aligned_rows(data, names, force)
    notes += align_notes
    rouge_types = _rouge_types(data, names, settings.rouge_types)
    metrics = []
    for rouge_type in rouge_types:
        for column in settings.columns:
            j = COLUMNS.index(column)
            a = data[0].per_example[rouge_type][rows[0], j]
            for run, name, idx in zip(data[1:], names[1:], rows[1:]):
                b = run.per_example[rouge_type][idx, j]
                boot = paired_bootstrap(a, b, n_samples=settings.bootstrap_samples,
                                        seed=settings.seed, confidence=settings.confidence)
                perm = permutation_test(a, b, n_permutations=settings.permutations,
                                        seed=settings.seed)
                wins, ties, losses = win_tie_loss(a, b)
                metrics.append(MetricComparison(
                    rouge_type=rouge_type, column=column, baseline=names[0], system=name,
                    baseline_mean=float(np.mean(a)), system_mean=float(np.mean(b)),
                    difference=boot.difference, interval=boot.interval,
                    bootstrap_p=boot.p_value, permutation_p=perm.p_value,
                    wins=wins, ties=ties, losses=losses))
    signature = f"{data[0].signature}|{settings.signature_suffix()}"
    return Comparison(names=names, paths=tuple(r.path for r in data),
                      scores=tuple(r.scores for r in data),
                      run_signatures=tuple(r.signature for r in data), metrics=tuple(metrics),
                      signature=signature, settings=settings, examples=len(rows[0]),
                      notes=tuple(notes))

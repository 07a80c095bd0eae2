"""The regression gate: did the current run get worse than a committed baseline run?

For each gated measure (by default the ones each metric of the run chooses: ROUGE's
rouge1, rouge2 and rougeLsum; the gate looks at the measure's headline component, F for
ROUGE) the current run is compared with the baseline on the same examples
(:func:`sumbench.eval.compare.compare_runs`), and the measure fails when

* the drop in its mean, in points (the metric's display scale: F x 100 for ROUGE; raw
  units for a metric shown unscaled), exceeds ``max_drop``, or
* the drop is statistically significant: the difference is negative and the p-value of
  the chosen paired test (approximate randomisation by default, or the paired
  bootstrap, or ``both`` -- each must be below ``alpha``) is below ``alpha``.

This is the "is the difference real?" question of Koehn (2004) and Riezler & Maxwell
(2005) asked in one direction, as a CI job needs it; sacrebleu's paired tests are the
model.  With many examples a tiny drop can be significant: set ``alpha`` to ``null``
(``None``) in the config to gate on ``max_drop`` alone, or ``max_drop`` to ``null`` to
gate on significance alone.

A gate can be committed beside the baseline: ``sumbench-gate.json`` (or
``sumbench-gate.toml``) in the baseline run folder or its parent, e.g.
``{"metrics": ["rouge1", "rouge2", "rougeLsum"], "max_drop": 0.5, "alpha": 0.05}``.
Command-line flags override it (:func:`resolve_config`).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .compare import CompareSettings, MetricComparison, RunLike, compare_runs
from sumbench.common.errors import InputError, UsageError
from .runs.labels import error_label
from .runs.resolve import Source, is_study_source, resolve, resolve_run
from .runs.run import Run
from .runs.study import Study
from .stats.interval import Interval

CONFIG_NAMES = ("sumbench-gate.json", "sumbench-gate.toml")
# Upper bounds for resampling counts, so that a gate file cannot ask for hours of work.
MAX_BOOTSTRAP_SAMPLES = 100_000
MAX_PERMUTATIONS = 1_000_000
TESTS = ("permutation", "bootstrap", "both")


@dataclass(frozen=True)
class GateConfig:
    """What is gated and how strictly; ``max_drop`` in points, ``None`` turns a rule off.
    ``metrics`` ``None``: the measures the current run's metrics gate by default."""

    metrics: tuple[str, ...] | None = None
    max_drop: float | None = 0.5
    alpha: float | None = 0.05
    test: str = "permutation"
    bootstrap_samples: int = 1000
    permutations: int = 10000
    seed: int = 12345

    def __post_init__(self) -> None:
        if self.metrics is not None and not self.metrics:
            raise InputError("gate: no metrics to gate")
        if self.max_drop is not None and not (math.isfinite(self.max_drop) and self.max_drop >= 0):
            raise InputError(f"gate: max_drop must be a number >= 0 (points), got {self.max_drop!r}")
        if self.alpha is not None and not 0 < self.alpha < 1:
            raise InputError(f"gate: alpha must be in (0, 1), got {self.alpha!r}")
        if self.test not in TESTS:
            raise InputError(f"gate: test must be one of {', '.join(TESTS)}, got {self.test!r}")
        if self.max_drop is None and self.alpha is None:
            raise InputError("gate: max_drop and alpha are both off; nothing would ever fail")
        for name, limit in (("bootstrap_samples", MAX_BOOTSTRAP_SAMPLES),
                            ("permutations", MAX_PERMUTATIONS)):
            if not 1 <= getattr(self, name) <= limit:
                raise InputError(f"gate: {name} must be between 1 and {limit:,}, got "
                                 f"{getattr(self, name)!r}")

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["metrics"] = list(self.metrics) if self.metrics is not None else None
        return out

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any], where: str = "gate config") -> "GateConfig":
        """From a config file's content; unknown keys and wrong types are input errors."""
        if not isinstance(mapping, dict):
            raise InputError(f"{where}: expected an object/table of settings")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                             f"known: {', '.join(sorted(known))}")
        values: dict[str, Any] = {}
        for key, value in mapping.items():
            values[key] = _checked_value(key, value, where)
        try:
            return cls(**values)
        except InputError as exc:
            raise InputError(f"{where}: {str(exc).removeprefix('gate: ')}") from None


def _checked_value(key: str, value: Any, where: str) -> Any:
    if key == "metrics":
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{where}: metrics must be a list of measure names")
        return tuple(value)
    if key in ("max_drop", "alpha"):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{where}: {key} must be a number or null, got {value!r}")
        return float(value)
    if key == "test":
        if not isinstance(value, str):
            raise InputError(f"{where}: test must be a string")
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if key == "seed" else 1):
        raise InputError(f"{where}: {key} must be a {'non-negative' if key == 'seed' else 'positive'} "
                         f"integer, got {value!r}")
    return value


def find_config_file(baseline_dir: str | Path) -> Path | None:
    """``sumbench-gate.json``/``.toml`` in the baseline folder, else in its parent."""
    base = Path(baseline_dir)
    for folder in (base, base.parent):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def read_config_file(path: str | Path) -> GateConfig:
    """Parse a gate config file (JSON, or TOML when the name ends in ``.toml``)."""
    from .data.textio import read_text

    path = Path(path)
    text = read_text(path)
    if path.suffix == ".toml":
        try:
            import tomllib
        except ImportError:  # Python 3.10: the standard library has no TOML reader
            raise UsageError(f"{path}: reading a TOML gate config needs Python 3.11 or "
                             "later; give the same settings as JSON") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: malformed TOML: {exc}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    return GateConfig.from_mapping(data, str(path))


def resolve_config(baseline_dir: str | Path, config_file: str | Path | None = None,
                   metrics: tuple[str, ...] | None = None, max_drop: float | None = None,
                   alpha: float | None = None, test: str | None = None,
                   seed: int | None = None) -> tuple[GateConfig, Path | None]:
    """The gate to apply: defaults, then the config file, then explicit overrides.

    ``config_file`` None means "look beside the baseline" (:func:`find_config_file`).
    Returns the config and the file it came from (None when defaults were used).
    """
    path = Path(config_file) if config_file is not None else find_config_file(baseline_dir)
    config = read_config_file(path) if path is not None else GateConfig()
    overrides = {"metrics": metrics, "max_drop": max_drop, "alpha": alpha, "test": test,
                 "seed": seed}
    return replace(config, **{k: v for k, v in overrides.items() if v is not None}), path


@dataclass(frozen=True)
class MetricOutcome:
    """One gated metric: the numbers, the verdict and why (differences in points)."""

    metric: str
    passed: bool
    reason: str
    baseline_mean: float
    current_mean: float
    difference_points: float
    interval_points: Interval
    bootstrap_p: float
    permutation_p: float
    wins: int
    ties: int
    losses: int
    scale: float = 100.0
    component: str = "F"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["interval_points"] = self.interval_points.to_dict()
        return out


@dataclass(frozen=True)
class GateResult:
    """The verdict for every gated metric, with what was compared: ``baseline`` and
    ``current`` are the runs' folders (their names when held in memory), the labels how
    every output names them (:func:`~sumbench.eval.runs.labels.run_labels`: the run
    name, with the end of the folder's path when both runs have one name)."""

    outcomes: tuple[MetricOutcome, ...]
    config: GateConfig
    baseline: str
    current: str
    signature: str
    examples: int
    baseline_label: str
    current_label: str
    config_file: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    @property
    def failures(self) -> tuple[MetricOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "baseline": self.baseline, "current": self.current,
                "baseline_label": self.baseline_label, "current_label": self.current_label,
                "signature": self.signature, "examples": self.examples,
                "config": self.config.to_dict(), "config_file": self.config_file,
                "outcomes": [o.to_dict() for o in self.outcomes], "notes": list(self.notes)}


@dataclass(frozen=True)
class StudyGateResult:
    """The gate for a study against a baseline study: one :class:`GateResult` per
    system of the current study, against the baseline system of its name."""

    results: tuple[GateResult, ...]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "systems": [r.to_dict() for r in self.results]}


def _p_value(m: MetricComparison, test: str) -> float:
    if test == "permutation":
        return m.permutation_p
    if test == "bootstrap":
        return m.bootstrap_p
    return max(m.permutation_p, m.bootstrap_p)  # "both": each must be below alpha


def judge(m: MetricComparison, config: GateConfig) -> MetricOutcome:
    """Apply the gate's two rules to one measure's comparison (current = system)."""
    scale = m.scale
    delta = scale * m.difference
    p = _p_value(m, config.test)
    test_name = {"permutation": "approximate randomisation", "bootstrap": "paired bootstrap",
                 "both": "both paired tests"}[config.test]
    change = (f"{m.label} {m.component_label} {scale * m.baseline_mean:.2f} -> "
              f"{scale * m.system_mean:.2f} ({delta:+.2f} points)")
    reasons = []
    if config.max_drop is not None and -delta > config.max_drop:
        reasons.append(f"dropped by more than {config.max_drop:g} points")
    if config.alpha is not None and delta < 0 and p < config.alpha:
        reasons.append(f"a significant drop ({test_name} p = {p:.4f} < alpha = {config.alpha:g})")
    if reasons:
        reason = f"{change}: " + " and ".join(reasons)
    elif delta >= 0:
        reason = f"{change}: no drop"
    else:
        limits = []
        if config.max_drop is not None:
            limits.append(f"drop {-delta:.2f} <= {config.max_drop:g} points")
        if config.alpha is not None:
            limits.append(f"not significant, p = {p:.4f} >= {config.alpha:g}")
        reason = f"{change}: within the gate ({'; '.join(limits)})"
    return MetricOutcome(metric=m.label, passed=not reasons, reason=reason,
                         baseline_mean=m.baseline_mean, current_mean=m.system_mean,
                         difference_points=delta, interval_points=m.interval.scaled(scale),
                         bootstrap_p=m.bootstrap_p, permutation_p=m.permutation_p,
                         wins=m.wins, ties=m.ties, losses=m.losses, scale=scale,
                         component=m.component_label)


def gated_measures(current: Run, baseline: Run, config: GateConfig) -> tuple[str, ...]:
    """The measures to gate: the config's, else the current run's defaults (those the
    baseline has too, so that a gate on a run with an extra metric still runs)."""
    if config.metrics is not None:
        return tuple(config.metrics)
    refs = [ref for ref in current.default_gate()
            if ref.metric in baseline.metrics and ref.measure in baseline.metrics[ref.metric].columns]
    if not refs:
        raise InputError(f"the current run {error_label(current)} and the baseline "
                         f"{error_label(baseline)} have no gated measure in common (the current "
                         f"run gates: {', '.join(map(str, current.default_gate()))})")
    return tuple(str(ref) for ref in refs)


def check_runs(current: RunLike, baseline: RunLike, config: GateConfig = GateConfig(),
               force: bool = False, config_file: str | None = None) -> GateResult:
    """Gate ``current`` against ``baseline`` (run folders or :class:`Run` values)."""
    base = resolve_run(baseline)
    cur = resolve_run(current)
    settings = CompareSettings(measures=gated_measures(cur, base, config),
                               bootstrap_samples=config.bootstrap_samples,
                               permutations=config.permutations, seed=config.seed)
    comparison = compare_runs([base, cur], settings, force=force)
    outcomes = tuple(judge(m, config) for m in comparison.metrics)
    return GateResult(outcomes=outcomes, config=config,
                      baseline=str(base.path) if base.path else base.name,
                      current=str(cur.path) if cur.path else cur.name,
                      signature=comparison.signature, examples=comparison.examples,
                      baseline_label=comparison.names[0], current_label=comparison.names[1],
                      config_file=config_file, notes=comparison.notes)


def check_studies(current: Source, baseline: Source, config: GateConfig = GateConfig(),
                  force: bool = False, config_file: str | None = None) -> StudyGateResult:
    """Each system of the ``current`` study against the ``baseline`` study's system of
    its name (studies or study folders)."""
    if not (is_study_source(current) and is_study_source(baseline)):
        kinds = " and ".join(f"{what} {_source_text(source)} is a "
                             f"{'study' if is_study_source(source) else 'run'}"
                             for what, source in (("the run", current), ("the baseline", baseline)))
        raise UsageError(f"{kinds}: check a study against a study (each system against the "
                         "baseline system of its name), or a run folder against a run folder")
    base_study = resolve(baseline)
    assert isinstance(base_study, Study)
    by_name = {r.name: r for r in base_study.runs}
    current_study = resolve(current)
    assert isinstance(current_study, Study)
    missing = [r.name for r in current_study.runs if r.name not in by_name]
    if missing:
        where = baseline if not isinstance(baseline, Study) else (baseline.path or "baseline study")
        raise InputError(f"{where}: no baseline run for {', '.join(map(repr, missing))} "
                         f"(it has {', '.join(map(repr, by_name))})")
    return StudyGateResult(tuple(check_runs(run, by_name[run.name], config, force=force,
                                            config_file=config_file)
                                 for run in current_study.runs))


def _source_text(source: Source) -> str:
    """What the user gave: a folder, or a run's or study's label."""
    if isinstance(source, Run):
        return error_label(source)
    if isinstance(source, Study):
        return str(source.path) if source.path is not None else "(in memory)"
    return str(source)


def check(current: Source, baseline: Source, config: GateConfig = GateConfig(),
          force: bool = False, config_file: str | None = None) -> GateResult | StudyGateResult:
    """The gate as ``sumbench check`` runs it, with ``config`` already resolved: a run
    (or run folder) against a baseline run (or folder), or a study against a study
    (:func:`check_studies`).  A missing baseline folder is an :class:`InputError`."""
    if is_study_source(current) or is_study_source(baseline):
        return check_studies(current, baseline, config, force=force, config_file=config_file)
    cur = resolve_run(current)  # type: ignore[arg-type]  # not a study: a run or a path
    if not isinstance(baseline, Run) and not Path(baseline).exists():  # type: ignore[arg-type]
        raise InputError(f"{baseline}: baseline run folder does not exist")
    return check_runs(cur, baseline, config, force=force,  # type: ignore[arg-type]
                      config_file=config_file)


def check_against_baseline(current: RunLike, baseline_dir: str | Path,
                           config: GateConfig | None = None, force: bool = False) -> GateResult:
    """The gate for a run against a baseline run folder.

    ``current`` is a run folder path or a :class:`Run`.  With ``config`` None the gate is
    read from ``sumbench-gate.json``/``.toml`` beside the baseline, else the defaults.  A
    missing or corrupt baseline raises :class:`InputError` (exit 2 on the command line).
    """
    baseline_dir = Path(baseline_dir)
    if not baseline_dir.exists():
        raise InputError(f"{baseline_dir}: baseline run folder does not exist")
    config_file = None
    if config is None:
        config, found = resolve_config(baseline_dir)
        config_file = str(found) if found else None
    return check_runs(current, resolve_run(baseline_dir), config, force=force,
                      config_file=config_file)

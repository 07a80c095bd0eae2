"""The metric plug-in interface: :class:`Metric`, what it returns (:class:`MetricScores`)
and how its numbers are presented (:class:`MetricInfo`).

A metric is a small class in the manner of sacrebleu's ``metrics/base.py``: it is built
from its own frozen config, which is built from its own options (:data:`Metric.options`,
rows of :class:`~sumbench.common.options.Option`); it signs its numbers
(:meth:`Metric.signature`, every setting that can change them); and it scores a list of
examples and their predictions into named per-example columns.  A column is a
*measure* and a *component*: ROUGE's ``rouge1`` measure has the components
``precision``, ``recall`` and ``fmeasure``; a metric with one number per measure uses one
component.  The measure's *headline* component is the one tables, comparisons and the
gate use unless told otherwise.

Aggregation is the seeded percentile bootstrap of the mean (one set of resamples for
every column of the metric) unless the metric defines its own, as ROUGE-1.5.5 does
with the Perl script's resampling.  Adding a metric is one subclass plus one line in
:data:`sumbench.eval.metrics.METRICS` (or an entry point in the ``sumbench.metrics``
group, for a metric that lives in another package).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, Sequence

import numpy as np

from sumbench.common.options import Option
from ..data.records import Example
from ..notices import Notice
from ..signature import Signature
from ..stats.interval import Interval

# measure -> component -> one float per example
Columns = dict[str, dict[str, np.ndarray]]
Scores = dict[str, dict[str, Interval]]

BOOTSTRAP_OPTIONS = (
    Option("bootstrap_samples", "int", 1000, "bootstrap resamples for the intervals",
           minimum=1),
    Option("confidence", "float", 0.95, "confidence level of the intervals", minimum=1e-9),
)


@dataclass(frozen=True)
class BootstrapSettings:
    """The seeded percentile bootstrap of the mean that aggregates most metrics."""

    samples: int = 1000
    seed: int = 12345
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if self.samples < 1:
            raise ValueError(f"bootstrap samples must be >= 1, got {self.samples}")
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence must be in (0, 1), got {self.confidence}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")

    def signature_fields(self) -> list[tuple[str, str]]:
        return [("bs", str(self.samples)), ("seed", str(self.seed)),
                ("ci", f"{self.confidence * 100:g}")]


@dataclass(frozen=True)
class MetricInfo:
    """How a metric's numbers read, stored with them so that no later command needs the
    metric's code: component labels (``{"fmeasure": "F"}``), the headline component,
    the display scale (100 shows fractions as points), the range every value must lie
    in (``None`` = unbounded), the measures a regression gate checks by default,
    whether higher values are better (leaderboards rank by it), and the ``unit`` every
    table names beside the metric: what a shown number is (``"points"`` for fractions
    x 100, ``"1 to 5"`` for a rating scale); empty = :func:`default_unit`."""

    headline: str
    labels: Mapping[str, str] = field(default_factory=dict)
    scale: float = 100.0
    low: float | None = 0.0
    high: float | None = 1.0
    gate: tuple[str, ...] = ()
    higher_is_better: bool = True
    unit: str = ""

    def label(self, component: str) -> str:
        return self.labels.get(component, component)

    def unit_text(self) -> str:
        """The unit tables show: the declared one, else :func:`default_unit`."""
        return self.unit or default_unit(self.scale, self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        return {"headline": self.headline, "labels": dict(self.labels), "scale": self.scale,
                "range": [self.low, self.high], "gate": list(self.gate),
                "higher_is_better": self.higher_is_better, "unit": self.unit}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "MetricInfo":
        low, high = data.get("range", [None, None])
        return cls(headline=str(data["headline"]), labels=dict(data.get("labels", {})),
                   scale=float(data.get("scale", 1.0)), low=low, high=high,
                   gate=tuple(data.get("gate", ())),
                   higher_is_better=bool(data.get("higher_is_better", True)),
                   unit=str(data.get("unit", "")))


def default_unit(scale: float, low: float | None, high: float | None) -> str:
    """The unit of a metric that declares none (a run folder written before units, a
    plug-in): ``points`` for fractions shown x 100, else the range as shown
    (``1 to 5``), else ``raw``."""
    if scale == 100.0:
        return "points"
    if low is not None and high is not None:
        return f"{scale * low:g} to {scale * high:g}"
    return "raw"


@dataclass(frozen=True)
class MetricScores:
    """What :meth:`Metric.score` returns: the per-example columns, the warnings it found
    and, optionally, facts about the scoring worth recording (e.g. windows used)."""

    columns: Columns
    notices: tuple[Notice, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)


def headline_component(components: Sequence[str], headline: str) -> str:
    """The component a measure is read by: ``headline`` if it has it, else its first."""
    return headline if headline in components else components[0]


class Metric:
    """Base class of metrics (see the module docstring).

    Subclasses set the class attributes, define ``config_from_options`` (their frozen
    config from their own option values), ``signature_fields``, ``settings`` and
    ``score``; they may override ``aggregate``.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    options: ClassVar[tuple[Option, ...]] = ()
    uses_bootstrap: ClassVar[bool] = True  # False: the metric aggregates its own way
    # True: scoring chunks of examples and joining the columns gives the same numbers
    # as scoring all at once (no corpus-level statistic such as an IDF); the metric can
    # then score a predictions file of any size (sumbench score --stream).
    streamable: ClassVar[bool] = False
    version: ClassVar[str] = ""  # engine name and version, as it appears in the signature

    def __init__(self, config: Any = None, bootstrap: BootstrapSettings = BootstrapSettings()) -> None:
        self.config = config if config is not None else self.config_from_options({})
        self.bootstrap = bootstrap

    # -- construction ------------------------------------------------------------------
    @classmethod
    def config_from_options(cls, values: Mapping[str, Any]) -> Any:
        """The frozen config for option values keyed by :attr:`Option.name` (absent =
        default); raises ``ValueError`` (a usage error on the command line) on bad values."""
        raise NotImplementedError

    @classmethod
    def option_values(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """Every declared option's value, parsed from ``values`` where given (not None),
        else its default; a name this metric does not declare is a ``ValueError``."""
        declared = {o.name: o for o in cls.options}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise ValueError(f"{cls.name}: unknown option(s) {', '.join(unknown)}")
        return {name: option.parse(values[name]) if values.get(name) is not None
                else option.default for name, option in declared.items()}

    @classmethod
    def from_options(cls, values: Mapping[str, Any],
                     bootstrap: BootstrapSettings = BootstrapSettings()) -> "Metric":
        return cls(cls.config_from_options(values), bootstrap)

    # -- description -------------------------------------------------------------------
    def signature_fields(self) -> list[tuple[str, str]]:
        """``(key, value)`` pairs: everything that can change a number, the engine first."""
        raise NotImplementedError

    def signature(self) -> Signature:
        fields = list(self.signature_fields())
        if self.uses_bootstrap:
            fields += self.bootstrap.signature_fields()
        return Signature.build(self.name, fields)

    def settings(self) -> dict[str, Any]:
        """The config as JSON (``results.json``)."""
        raise NotImplementedError

    def info(self) -> MetricInfo:
        """How the numbers read (override for other scales, labels or gates)."""
        return MetricInfo(headline="fmeasure", labels={"precision": "P", "recall": "R",
                                                       "fmeasure": "F"}, unit="points")

    # -- work --------------------------------------------------------------------------
    def score(self, examples: Sequence[Example], predictions: Sequence[str]) -> MetricScores:
        """Per-example columns for ``predictions[i]`` against ``examples[i]``."""
        raise NotImplementedError

    def aggregate(self, columns: Columns) -> Scores:
        """Mean and seeded percentile-bootstrap interval of every column, from one set of
        resamples for all of them (:func:`bootstrap_columns`)."""
        return bootstrap_columns(columns, self.bootstrap)

    def notices(self, examples: Sequence[Example], predictions: Sequence[str],
                total: int) -> tuple[Notice, ...]:
        """The notices :meth:`score` gives, for ``examples`` out of ``total`` scored
        (a streamable metric's notices must depend on each example alone, so that they
        can be computed again on the examples that any chunk flagged)."""
        return ()


def bootstrap_columns(columns: Columns, settings: BootstrapSettings) -> Scores:
    """Mean and bootstrap interval of every column; the columns are resampled together
    in the order given (measures, then components), as one matrix."""
    from ..stats.resampling import bootstrap_interval

    keys = [(m, c) for m, components in columns.items() for c in components]
    matrix = np.stack([columns[m][c] for m, c in keys], axis=1)
    low, mid, high = bootstrap_interval(matrix, n_samples=settings.samples,
                                        seed=settings.seed, confidence=settings.confidence)
    out: Scores = {}
    for k, (measure, component) in enumerate(keys):
        out.setdefault(measure, {})[component] = Interval(float(low[k]), float(mid[k]),
                                                          float(high[k]))
    return out

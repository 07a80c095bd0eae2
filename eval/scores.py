"""Result values: :class:`Score` (precision, recall, F) and :class:`Interval` (low, mid, high).

Per-example scores travel as NumPy arrays of shape ``(n, 3)`` whose columns are
precision, recall and F-measure (:data:`COLUMNS`), one array per ROUGE type; these
dataclasses are what aggregation hands to reports and JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

COLUMNS = ("precision", "recall", "fmeasure")


@dataclass(frozen=True)
class Score:
    """Precision, recall and F-measure of one ROUGE type."""

    precision: float
    recall: float
    fmeasure: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class Interval:
    """A point estimate (``mid``, the plain mean) with a confidence interval."""

    low: float
    mid: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def points(value: float) -> str:
    """A score in [0, 1] as ROUGE points (x 100, two decimals), as papers report it."""
    return f"{100 * value:.2f}"

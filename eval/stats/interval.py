"""The result type of every aggregation: :class:`Interval`, a point estimate with a
confidence interval (a seeded bootstrap interval of the mean, or a metric's own, such
as ROUGE-1.5.5's resampled corpus average)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Interval:
    """A point estimate (``mid``, usually the plain mean) with a confidence interval."""

    low: float
    mid: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    def scaled(self, factor: float) -> "Interval":
        """The same interval in other units (e.g. ``100`` for points)."""
        return Interval(factor * self.low, factor * self.mid, factor * self.high)

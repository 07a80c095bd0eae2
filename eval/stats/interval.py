"""The result type of every aggregation: :class:`Interval`, a point estimate with a
confidence interval (a seeded bootstrap interval of the mean, or a metric's own, such
as ROUGE-1.5.5's resampled corpus average).

It reads as rouge-score's ``AggregateScore`` does (``.low``, ``.mid``, ``.high``), and
also as the dict ``results.json`` stores (``interval["mid"]``, :meth:`Interval.as_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass

KEYS = ("low", "mid", "high")


@dataclass(frozen=True)
class Interval:
    """A point estimate (``mid``, usually the plain mean) with a confidence interval
    (``low``, ``high``); ``interval["mid"]`` and :meth:`as_dict` read it as the dict
    ``results.json`` holds."""

    low: float
    mid: float
    high: float

    def as_dict(self) -> dict[str, float]:
        """``{"low": ..., "mid": ..., "high": ...}``, as stored in ``results.json``."""
        return {"low": self.low, "mid": self.mid, "high": self.high}

    def to_dict(self) -> dict[str, float]:
        """The same as :meth:`as_dict` (the name the run-folder writers use)."""
        return self.as_dict()

    def __getitem__(self, key: str) -> float:
        if key not in KEYS:
            raise KeyError(f"an Interval has the keys low, mid and high, not {key!r}")
        return float(getattr(self, key))

    def scaled(self, factor: float) -> "Interval":
        """The same interval in other units (e.g. ``100`` for points)."""
        return Interval(factor * self.low, factor * self.mid, factor * self.high)

"""From a judge's raw answer to one rating, as G-Eval (Liu et al. 2023, "G-Eval: NLG
Evaluation using GPT-4 with Better Human Alignment", section 2.3) defines it.

* **Probabilities** (the paper's score): ``sum_i p(r_i) * r_i`` over the ratings ``r_i``
  of the rubric, with the probabilities of the rating tokens renormalised to sum to 1.
  The share of the first-token probability that fell on rating tokens at all (``mass``)
  is kept: a judge that mostly wants to say something else is an unreliable judge.
* **Samples** (what the paper did with GPT-4, which gave no probabilities: 20 samples):
  the mean of the ratings read from ``n`` sampled answers.  A rating is the first number
  in an answer (as G-Eval's scripts read it) when it lies in the rubric's range; answers
  without one are counted and left out.

Both report the spread: the standard deviation of the rating distribution (weighted by
the renormalised probabilities) or of the sampled ratings.  An answer with no usable
rating at all (no probability on any rating token, no sample with a rating) has
``value`` ``None``; the metric scores it as the rubric's lowest rating and says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Rating:
    """One example's rating on one rubric."""

    value: float | None
    spread: float
    mass: float | None = None  # probabilities: the share on rating tokens
    samples: int = 0           # samples: answers given
    parsed: int = 0            # samples: answers that held a rating


def _spread(values: Sequence[float], weights: Sequence[float], mean: float) -> float:
    return math.sqrt(max(0.0, sum(w * (v - mean) ** 2 for v, w in zip(values, weights))))


def from_probabilities(probabilities: Mapping[str, float], low: int, high: int) -> Rating:
    """The probability-weighted rating over ``low..high`` (keys are the ratings as text)."""
    ratings = list(range(low, high + 1))
    raw = [max(0.0, float(probabilities.get(str(r), 0.0))) for r in ratings]
    mass = sum(raw)
    if mass <= 0 or not math.isfinite(mass):
        return Rating(None, 0.0, mass=0.0)
    weights = [p / mass for p in raw]
    mean = sum(w * r for w, r in zip(weights, ratings))
    mean = min(float(high), max(float(low), mean))  # rounding must not leave the range
    return Rating(mean, _spread(ratings, weights, mean), mass=min(1.0, mass))


def read_rating(text: str, low: int, high: int) -> float | None:
    """The first number in ``text`` if it lies in ``low..high``, else ``None``."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    value = float(match.group(0))
    return value if low <= value <= high else None


def from_samples(texts: Sequence[str], low: int, high: int) -> Rating:
    """The mean of the ratings read from sampled answers."""
    values = [v for v in (read_rating(t, low, high) for t in texts) if v is not None]
    if not values:
        return Rating(None, 0.0, samples=len(texts), parsed=0)
    mean = sum(values) / len(values)
    weights = [1.0 / len(values)] * len(values)
    return Rating(mean, _spread(values, weights, mean), samples=len(texts), parsed=len(values))

"""Baseline rescaling of BERTScore (Zhang et al. 2020, section 3, "Baseline Rescaling"):
``(x - b) / (1 - b)`` per component, with ``b`` the score of random sentence pairs, so
that scores spread over a readable range (they can then be negative).

The baselines come from a file in the format of the ``bert-score`` package's
``rescale_baseline/<lang>/<model>.tsv`` files: comma-separated (despite the suffix), a
header ``LAYER,P,R,F`` and one row per layer, the row at position ``layer`` (counting
from 0 after the header) holding that layer's baselines.  bert-score picks the row by
position; sumbench does too, and also requires that row's ``LAYER`` value to be the
layer, so that a file with missing rows is an error rather than the wrong baseline.
The arithmetic is float32, as bert-score's.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sumbench.common.errors import InputError

HEADER = ("LAYER", "P", "R", "F")


@dataclass(frozen=True)
class Baseline:
    """One layer's baselines for precision, recall and F1, and the file they came from."""

    path: str
    layer: int
    precision: float
    recall: float
    f1: float

    def signature_value(self) -> str:
        """The three baselines as written (what changes the numbers), e.g.
        ``P0.8312,R0.8310,F0.8309``."""
        return f"P{self.precision!r},R{self.recall!r},F{self.f1!r}"

    def to_dict(self) -> dict:
        return {"file": self.path, "layer": self.layer, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}

    def rescale(self, precision: np.ndarray, recall: np.ndarray,
                f1: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x - b) / (1 - b)`` for each component, in float32."""
        one = np.float32(1.0)
        out = []
        for values, base in ((precision, self.precision), (recall, self.recall),
                             (f1, self.f1)):
            b = np.float32(base)
            out.append((np.asarray(values, dtype=np.float32) - b) / (one - b))
        return out[0], out[1], out[2]


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: not a number: {text!r}") from None
    if not np.isfinite(value):
        raise InputError(f"{where}: not a finite number: {text!r}")
    return value


def read_baseline(path: str | Path, layer: int) -> Baseline:
    """The baselines of ``layer`` in the bert-score baseline file ``path``.

    Raises :class:`InputError` naming the file (and line) when it cannot be read, has
    the wrong header, has no row for the layer, or holds a baseline of 1 or more (the
    rescaling would divide by zero or flip the scores).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot read the BERTScore baseline file: "
                         f"{getattr(exc, 'strerror', None) or exc}") from None
    rows = [r for r in csv.reader(text.splitlines())]
    if not rows or tuple(c.strip().upper() for c in rows[0]) != HEADER:
        raise InputError(f"{file}:1: a BERTScore baseline file starts with the header "
                         f"{','.join(HEADER)} (bert-score's rescale_baseline format)")
    data = rows[1:]
    if layer >= len(data):
        raise InputError(f"{file}: no baseline for layer {layer} (the file has rows for "
                         f"{len(data)} layer(s))")
    row = data[layer]
    where = f"{file}:{layer + 2}"
    if len(row) != len(HEADER):
        raise InputError(f"{where}: expected {len(HEADER)} comma-separated values, got "
                         f"{len(row)}")
    if _number(row[0], where) != layer:
        raise InputError(f"{where}: this row is for layer {row[0].strip()}, expected layer "
                         f"{layer} (row {layer} after the header)")
    values = [_number(c, where) for c in row[1:]]
    if any(v >= 1 for v in values):
        raise InputError(f"{where}: a baseline must be below 1, got {row[1:]}")
    return Baseline(str(file), layer, *values)

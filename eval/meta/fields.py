"""Numbers from records by dotted paths: ``rouge155_scores.rouge_1_recall``,
``expert_annotations.coherence``.

A path walks nested objects one key at a time.  Where it meets a list, the rest of the
path is applied to every element, so ``expert_annotations.coherence`` on SummEval's
``{"expert_annotations": [{"coherence": 2, ...}, {"coherence": 3, ...}, ...]}`` yields
every annotator's rating; **a field that holds several numbers (a list of annotators'
ratings) is averaged** into the summary's one judgment.  A field that is absent, ``null``,
an empty string or NaN is a missing value (the meta-evaluation reports and excludes it);
anything else that is not a number is an error naming the file and line.

A field is given as ``PATH`` or ``LABEL=PATH`` (``coherence=expert_annotations.coherence``);
the label names it in tables, and defaults to the path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sumbench.common.errors import InputError, UsageError

LARGEST = 1e150  # |value| above this overflows float64 sums of squares (1e300 and up)

ABSENT = object()  # the path does not exist in this record


@dataclass(frozen=True)
class FieldSpec:
    """A labelled dotted path."""

    label: str
    path: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, option: str = "field") -> "FieldSpec":
        label, sep, path = text.partition("=")
        if not sep:
            label, path = text, text
        label, path = label.strip(), path.strip()
        parts = tuple(path.split("."))
        if not label or not path or any(not p for p in parts):
            raise UsageError(f"{option}: expected PATH or LABEL=PATH (dotted, e.g. "
                             f"rouge155_scores.rouge_1_recall), got {text!r}")
        return cls(label, parts)

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    def __str__(self) -> str:
        return self.label if self.label == self.dotted else f"{self.label}={self.dotted}"


def _walk(value: Any, path: tuple[str, ...]) -> Any:
    if not path:
        return value
    if isinstance(value, list):
        items = [_walk(item, path) for item in value]
        return [item for item in items if item is not ABSENT] or ABSENT
    if isinstance(value, dict):
        return _walk(value[path[0]], path[1:]) if path[0] in value else ABSENT
    return ABSENT


def _number(value: Any, spec: FieldSpec, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InputError(f"{where}: field {spec.dotted!r} is {value!r}, not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise InputError(f"{where}: field {spec.dotted!r} is {value!r}, not a number") from None
    else:
        raise InputError(f"{where}: field {spec.dotted!r} holds {type(value).__name__} "
                         f"{str(value)[:60]!r}, not a number")
    if math.isinf(number):
        raise InputError(f"{where}: field {spec.dotted!r} is infinite")
    if abs(number) > LARGEST:
        raise InputError(f"{where}: field {spec.dotted!r} is {number:g}: values beyond "
                         f"±{LARGEST:g} overflow the sums of squares of a correlation; "
                         "rescale them")
    return None if math.isnan(number) else number


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [v for item in value for v in _flatten(item)]
    return [value]


def extract(record: Any, spec: FieldSpec, where: str) -> float | None | object:
    """The number at ``spec``'s path in ``record``: the mean when it holds several;
    ``None`` when missing; :data:`ABSENT` when the path is not there at all."""
    value = _walk(record, spec.path)
    if value is ABSENT:
        return ABSENT
    numbers = [n for n in (_number(v, spec, where) for v in _flatten(value)) if n is not None]
    return math.fsum(numbers) / len(numbers) if numbers else None

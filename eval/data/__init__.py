"""Reference sets: load any supported format into a :class:`ReferenceSet` of examples.

``load_reference_set`` detects the format (or takes ``fmt``), applies ``--limit`` /
``--sample``, checks ids are unique and computes the fingerprint (a SHA-256 of ids and
reference texts) that later commands use to refuse comparing runs on different data.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from .fields import FieldMap
from .registry import READERS, detect_format, get_reader
from sumbench.common.errors import InputError, UsageError
from .records import Example

__all__ = ["FieldMap", "Fingerprint", "ReferenceSet", "READERS", "default_reference_spec",
           "fingerprint", "iter_examples", "load_reference_set", "reads_records", "select",
           "selected_positions"]


@dataclass(frozen=True)
class ReferenceSet:
    """The examples of one reference set, where they came from, how they were read
    (``fields``) and selected (``selection``: ``limit``, ``sample`` and its ``seed``)."""

    spec: str
    format: str
    examples: tuple[Example, ...]
    fingerprint: str
    fields: FieldMap = FieldMap()
    selection: dict[str, Any] = field(default_factory=dict, compare=False)

    def fields_dict(self) -> dict[str, Any]:
        return asdict(self.fields)

    def __len__(self) -> int:
        return len(self.examples)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.examples]


def default_reference_spec() -> str:
    """The bundled fixtures folder (``fixtures/``, installed as ``sumbench.fixtures``)."""
    import sumbench.fixtures

    path = Path(sumbench.fixtures.__file__).resolve().parent
    if not any(path.glob("*.txt")):
        raise UsageError(f"the bundled fixtures are missing from {path}; pass --references")
    return str(path)


class Fingerprint:
    """A reference set's fingerprint, one example at a time (``score --stream`` adds them as
    chunks come): SHA-256 over each example's id and reference sentences as a JSON line,
    order-sensitive."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, example: Example) -> None:
        self._digest.update(json.dumps([example.id, example.references], ensure_ascii=False).encode())
        self._digest.update(b"\n")

    def value(self) -> str:
        return "sha256:" + self._digest.hexdigest()


def fingerprint(examples: tuple[Example, ...] | list[Example]) -> str:
    """The :class:`Fingerprint` of ``examples``."""
    whole = Fingerprint()
    for example in examples:
        whole.add(example)
    return whole.value()


def _check_unique(examples: list[Example], spec: str) -> None:
    counts = Counter(e.id for e in examples)
    duplicated = [i for i, c in counts.items() if c > 1]
    if duplicated:
        shown = ", ".join(repr(i) for i in duplicated[:10])
        more = f" and {len(duplicated) - 10} more" if len(duplicated) > 10 else ""
        raise InputError(f"{spec}: duplicate ids: {shown}{more}")


def reads_records(fmt: str) -> bool:
    """Whether the reader of ``fmt`` reads record by record (JSONL, JSON, CSV, TSV,
    Parquet), so that :func:`iter_examples` can give its examples one at a time."""
    return hasattr(get_reader(fmt), "records")


def iter_examples(spec: str, fmt: str, fields: FieldMap = FieldMap()) -> Iterator[Example]:
    """The examples of a record-reading format (:func:`reads_records`), one at a time, as
    :func:`load_reference_set` reads them (no selection, no uniqueness check)."""
    from .tabular import iter_examples_from_records

    return iter_examples_from_records(get_reader(fmt).records(spec), Path(spec), fields)


def load_reference_set(spec: str | None = None, fmt: str | None = None,
                       fields: FieldMap = FieldMap(), limit: int | None = None,
                       sample: int | None = None, seed: int = 12345,
                       reader_settings: Mapping[str, Any] | None = None) -> ReferenceSet:
    """Read ``spec`` (a path, a folder or ``hf:name``), then apply ``sample`` and ``limit``.

    ``sample`` draws that many examples without replacement with a seeded generator and
    keeps them in file order; ``limit`` then keeps the first ``limit``.
    ``reader_settings`` are options of the reader (``max_member_bytes`` of ``story``...);
    one the reader does not declare is a :class:`UsageError`.
    """
    spec = spec or default_reference_spec()
    fmt = fmt or detect_format(spec)
    examples = get_reader(fmt, reader_settings).read(spec, fields)
    _check_unique(examples, spec)
    whole = ReferenceSet(spec=spec, format=fmt, examples=tuple(examples), fingerprint="",
                         fields=fields)
    return select(whole, limit, sample, seed)[0]


def selected_positions(count: int, limit: int | None, sample: int | None,
                       seed: int) -> list[int]:
    """The positions among ``count`` examples that ``sample`` then ``limit`` keep (see
    :func:`load_reference_set`), in file order."""
    positions = list(range(count))
    if sample is not None:
        if sample < 1:
            raise UsageError("--sample must be at least 1")
        if sample < count:
            import numpy as np

            chosen = np.sort(np.random.default_rng(seed).choice(count, sample, replace=False))
            positions = [int(i) for i in chosen]
    if limit is not None:
        if limit < 1:
            raise UsageError("--limit must be at least 1")
        positions = positions[:limit]
    return positions


def select(references: ReferenceSet, limit: int | None = None, sample: int | None = None,
           seed: int = 12345) -> tuple[ReferenceSet, list[int]]:
    """``references`` with ``sample`` then ``limit`` applied (its fingerprint and
    ``selection`` those of the examples kept), and the positions kept -- what ``run``
    summarises and ``score`` scores (the predictions at those positions)."""
    positions = selected_positions(len(references.examples), limit, sample, seed)
    kept = tuple(references.examples[i] for i in positions)
    selection = {"limit": limit, "sample": sample, "seed": seed if sample is not None else None}
    return ReferenceSet(spec=references.spec, format=references.format, examples=kept,
                        fingerprint=fingerprint(kept), fields=references.fields,
                        selection=selection), positions

"""Reading predictions made elsewhere, and matching them to the reference set.

Two formats: JSONL with ``id`` and ``prediction`` (a string, sentences separated by
newlines, or a list of sentences), detected by the ``.jsonl`` suffix or a first
character ``{``; or plain text with one summary per line, aligned with the references,
sentences separated by ``<n>`` (the convention of See et al.'s and PEGASUS' outputs)
or by a literal backslash-n.  Ids follow the reference readers' rules (strings, or
integers written in decimal; anything else names the line), and so does text (no lone
surrogates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .data.fields import check_text, id_text, sentence_lines
from .data.tabular import iter_jsonl
from .data.textio import read_text
from sumbench.common.errors import InputError

SENTENCE_MARKERS = ("<n>", "\\n")


def _from_text_line(line: str) -> str:
    for marker in SENTENCE_MARKERS:
        line = line.replace(marker, "\n")
    return "\n".join(s.strip() for s in line.split("\n") if s.strip())


def prediction_value(value: object, where: str) -> str:
    """A prediction field's value as one text, one sentence per line (a list of sentences,
    or a string with newlines or in ``<t> ... </t>`` markup)."""
    if isinstance(value, str):
        text = "\n".join(s.strip() for s in sentence_lines(value) if s.strip())
        return check_text(text, where, "'prediction'")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = "\n".join(s.strip() for s in value if s.strip())
        return check_text(text, where, "'prediction'")
    raise InputError(f"{where}: 'prediction' must be a string or a list of strings, "
                     f"got {type(value).__name__}")


def prediction_record(record: object, where: str) -> tuple[str, str]:
    """``(id, prediction text)`` of one JSONL predictions record, checked."""
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'prediction'")
    missing = [k for k in ("id", "prediction") if k not in record]
    if missing:
        raise InputError(f"{where}: missing field {missing[0]!r}; fields present: "
                         f"{', '.join(record) or '(none)'}")
    return id_text(record["id"], where, "id"), prediction_value(record["prediction"], where)


def iter_predictions(path: str | Path) -> Iterator[tuple[str, str, str]]:
    """``(where, id, text)`` for each line of a JSONL predictions file, one at a time,
    checked as :func:`read_predictions` checks them (``score --stream`` reads so)."""
    for where, record in iter_jsonl(Path(path)):
        yield (where, *prediction_record(record, where))


def _read_jsonl(path: Path) -> dict[str, str]:
    predictions: dict[str, str] = {}
    for where, example_id, text in iter_predictions(path):
        if example_id in predictions:
            raise InputError(f"{where}: duplicate id {example_id!r}")
        predictions[example_id] = text
    if not predictions:
        raise InputError(f"{path}: no predictions")
    return predictions


def _read_lines(path: Path, ids: list[str]) -> dict[str, str]:
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(ids):
        raise InputError(f"{path}: {len(lines)} lines but the reference set has {len(ids)} "
                         "examples; a text predictions file needs one line per example, in order")
    return {example_id: _from_text_line(line) for example_id, line in zip(ids, lines)}


def _is_jsonl(path: Path) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return True
    if path.suffix.lower() in (".txt", ".pred", ".hypo", ".out"):
        return False
    head = read_text(path).lstrip()[:1]
    return head == "{"


def read_predictions(path: str | Path, ids: list[str]) -> list[str]:
    """Predictions in the order of ``ids``; mismatched ids are an :class:`InputError`."""
    path = Path(path)
    by_id = _read_jsonl(path) if _is_jsonl(path) else _read_lines(path, ids)
    missing = [i for i in ids if i not in by_id]
    known = set(ids)
    extra = [i for i in by_id if i not in known]
    if missing or extra:
        parts = []
        for label, values in (("missing", missing), ("extra", extra)):
            if values:
                shown = ", ".join(repr(v) for v in values[:10])
                more = f" (+{len(values) - 10} more)" if len(values) > 10 else ""
                parts.append(f"{len(values)} {label} id(s): {shown}{more}")
        raise InputError(f"{path}: predictions do not match the references: " + "; ".join(parts))
    return [by_id[i] for i in ids]

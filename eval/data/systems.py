"""Several systems' predictions in one file: the long format of released system outputs
(one row per document and system, as REALSumm and SummEval distribute theirs).

Two layouts, both read through the tabular readers' records (JSONL, JSON, CSV, TSV,
Parquet):

* predictions stored **in the reference file** (``--prediction-field``): each row holds a
  document's article and references and one system's prediction; a document's rows
  repeat the same article and references (they are read once, and an error names the id
  when they differ);
* a **long predictions file** (``--system-field`` with ``--predictions``): rows of id,
  system and prediction, matched against a separate reference set.

The system of a row is the value of ``--system-field`` (several fields are joined with
``/``, e.g. REALSumm's ``group/system``, whose ``bart_out`` appears in both groups); with
no system field the file holds one system.  Every system must have exactly one
prediction for every document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from . import FieldMap, ReferenceSet, fingerprint
from .fields import (
    ARTICLE_CANDIDATES,
    ID_CANDIDATES,
    REFERENCE_CANDIDATES,
    language_value,
    list_meaning,
    parse_references,
)
from .records import Example
from .registry import detect_format, get_reader
from sumbench.common.errors import InputError, UsageError
from ..predictions import prediction_value

Systems = dict[str, list[str]]


def _records(spec: str, fmt: str | None, role: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    fmt = fmt or detect_format(spec)
    reader = get_reader(fmt)
    if not hasattr(reader, "records"):
        raise UsageError(f"{role} with several systems must be a JSONL, JSON, CSV, TSV or "
                         f"Parquet file, not {fmt}")
    for where, record in reader.records(spec):
        if not isinstance(record, Mapping):
            raise InputError(f"{where}: expected an object, got {type(record).__name__}")
        yield where, record


def _field(record: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in record:
        raise InputError(f"{where}: missing field {name!r}; fields present: "
                         f"{', '.join(map(str, record))}")
    return record[name]


def _choose(wanted: str | None, candidates: tuple[str, ...], record: Mapping[str, Any],
            flag: str, where: str, required: bool = True) -> str | None:
    if wanted is not None:
        _field(record, wanted, where)
        return wanted
    for name in candidates:
        if name in record:
            return name
    if required:
        raise InputError(f"{where}: cannot find the field for {flag} (looked for "
                         f"{', '.join(candidates)}); fields present: {', '.join(map(str, record))}")
    return None


def _system(record: Mapping[str, Any], fields: Sequence[str], default: str, where: str) -> str:
    if not fields:
        return default
    parts = []
    for name in fields:
        value = _field(record, name, where)
        if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value).strip() == "":
            raise InputError(f"{where}: system field {name!r} must be a non-empty string or "
                             f"integer, got {value!r}")
        parts.append(str(value).strip())
    return "/".join(parts)


def _example_id(record: Mapping[str, Any], field: str, where: str) -> str:
    value = _field(record, field, where)
    if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value).strip() == "":
        raise InputError(f"{where}: id field {field!r} must be a non-empty string or integer, "
                         f"got {value!r}")
    return str(value)


def _complete(systems: dict[str, dict[str, str]], ids: list[str], source: str) -> Systems:
    """Each system's predictions in the order of ``ids``; every one must be there."""
    out: Systems = {}
    known = set(ids)
    for system, by_id in systems.items():
        missing = [i for i in ids if i not in by_id]
        extra = [i for i in by_id if i not in known]
        if missing or extra:
            parts = [f"{len(v)} {label} id(s): {', '.join(map(repr, v[:5]))}"
                     + (f" (+{len(v) - 5} more)" if len(v) > 5 else "")
                     for label, v in (("missing", missing), ("extra", extra)) if v]
            raise InputError(f"{source}: system {system!r} does not match the documents: "
                             + "; ".join(parts))
        out[system] = [by_id[i] for i in ids]
    return out


def read_references_with_predictions(spec: str, fmt: str | None, fields: FieldMap,
                                     prediction_field: str, system_fields: Sequence[str],
                                     ) -> tuple[ReferenceSet, Systems]:
    """A reference set and each system's predictions, all from one long file.

    A document's rows must repeat its article and references; a file with no article
    field (REALSumm's) gives examples with empty articles.  The system of a file without
    ``system_fields`` is named after the prediction field.
    """
    examples: dict[str, tuple[Example, str]] = {}
    systems: dict[str, dict[str, str]] = {}
    resolved = None
    lists: str | None = None  # what a list of strings in the reference field is
    for where, record in _records(spec, fmt, "a reference file"):
        if resolved is None:
            resolved = (
                _choose(fields.id, ID_CANDIDATES, record, "--id-field", where),
                _choose(fields.article, ARTICLE_CANDIDATES, record, "--article-field", where,
                        required=False),
                _choose(fields.reference, REFERENCE_CANDIDATES, record, "--reference-field", where))
            lists = list_meaning(fields, str(resolved[2]))
        id_field, article_field, reference_field = resolved
        example_id = _example_id(record, id_field, where)
        article = _field(record, article_field, where) if article_field else ""
        if not isinstance(article, str):
            raise InputError(f"{where}: field {article_field!r} must be a string")
        references = parse_references(_field(record, reference_field, where), lists, where,
                                      reference_field)
        language = (language_value(_field(record, fields.language, where), where,
                                   fields.language) if fields.language is not None else None)
        example = Example(id=example_id, article=article, references=references, source=spec,
                          language=language)
        if example_id in examples:
            first, first_where = examples[example_id]
            if ((first.article, first.references, first.language)
                    != (example.article, example.references, example.language)):
                what = ("article" if first.article != example.article else "references"
                        if first.references != example.references else "language")
                raise InputError(f"{where}: document {example_id!r} has another {what} than in "
                                 f"its first row ({first_where}); a document's rows must repeat "
                                 "the same article and references")
        else:
            examples[example_id] = (example, where)
        system = _system(record, system_fields, prediction_field, where)
        predictions = systems.setdefault(system, {})
        if example_id in predictions:
            raise InputError(f"{where}: a second prediction of system {system!r} for document "
                             f"{example_id!r}" + ("" if system_fields else
                                                  "; several systems need --system-field"))
        predictions[example_id] = prediction_value(_field(record, prediction_field, where), where)
    if not examples:
        raise InputError(f"{spec}: no records")
    ordered = tuple(e for e, _ in examples.values())
    references = ReferenceSet(spec=spec, format=fmt or detect_format(spec), examples=ordered,
                              fingerprint=fingerprint(ordered), fields=fields,
                              selection={"limit": None, "sample": None, "seed": None})
    return references, _complete(systems, [e.id for e in ordered], spec)


def read_long_predictions(path: str | Path, ids: Sequence[str], system_fields: Sequence[str],
                          prediction_field: str = "prediction", id_field: str = "id",
                          fmt: str | None = None) -> Systems:
    """Each system's predictions from a long predictions file, in the order of ``ids``."""
    systems: dict[str, dict[str, str]] = {}
    for where, record in _records(str(path), fmt, "a predictions file"):
        example_id = _example_id(record, id_field, where)
        system = _system(record, system_fields, Path(path).stem, where)
        predictions = systems.setdefault(system, {})
        if example_id in predictions:
            raise InputError(f"{where}: a second prediction of system {system!r} for {example_id!r}")
        predictions[example_id] = prediction_value(_field(record, prediction_field, where), where)
    if not systems:
        raise InputError(f"{path}: no predictions")
    return _complete(systems, list(ids), str(path))

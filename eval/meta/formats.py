"""Human-judgment (and score) files: which fields name the summary's system and input,
and which judgments a known release holds.  One :class:`JudgmentFormat` per layout in
:data:`FORMATS`; the format is named (``--human-format``) or detected from the first
record's fields.

* ``summeval`` -- SummEval's ``model_annotations.aligned.paired.jsonl`` (Fabbri et al.
  2021, "SummEval: Re-evaluating Summarization Evaluation", TACL): one JSON object per
  summary (16 systems x 100 CNN/DailyMail documents) with ``id`` (the document),
  ``model_id`` (the system, ``M0``..``M23``), ``expert_annotations`` and
  ``turker_annotations``, each a list of ``{"coherence", "consistency", "fluency",
  "relevance"}`` ratings (1-5), one per annotator (3 experts, 5 crowd workers).
  Judgments default to the experts' four dimensions, each the mean of the annotators
  (``coherence=expert_annotations.coherence`` ...); ``turker_annotations.relevance`` and
  the like can be named.  The shape is the one described in SummEval's README and read by
  its ``data_processing`` scripts; other fields (``decoded``, ``references``, ``filepath``,
  ``metric_scores_*``) are ignored unless named.
* ``realsumm`` -- REALSumm's rows (Bhandari et al. 2020, as in ``../shared/data``):
  ``doc_id``, ``group`` (abs|ext), ``system``, ``litepyramid_recall``.  The system is named
  ``group/system`` (``abs/bart_out``): REALSumm's ``bart_out`` appears in both groups
  (the ``abs`` copy holds extractive summaries, an upstream bug), so the system name
  alone does not identify a summary.  Judgment defaults to ``litepyramid_recall``.
* ``rows`` -- any file with one record per summary: the input in ``--doc-field``
  (default ``doc_id``), the system in ``--system-field`` (default ``system``; several
  fields comma-separated are joined with ``/``), judgments named with ``--judgment``.

A new layout is one :class:`JudgmentFormat` line in :data:`FORMATS` (looked up through
:class:`sumbench.common.registry.Registry`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from sumbench.common.registry import Registry
from sumbench.common.errors import InputError, UsageError
from .fields import ABSENT, FieldSpec, extract
from .rows import read_rows
from .table import Key, ScoreTable

SUMMEVAL_DIMENSIONS = ("coherence", "consistency", "fluency", "relevance")


@dataclass(frozen=True)
class JudgmentFormat:
    """A layout: the default input and system fields, the default judgments, and the
    fields whose presence in the first record identifies it (empty: never detected)."""

    name: str
    description: str
    doc_field: str
    system_fields: tuple[str, ...]
    judgments: tuple[FieldSpec, ...] = ()
    detect: tuple[str, ...] = ()


FORMATS: dict[str, JudgmentFormat] = {f.name: f for f in (
    JudgmentFormat("summeval", "SummEval's model_annotations.aligned.paired.jsonl", "id",
                   ("model_id",),
                   tuple(FieldSpec(d, ("expert_annotations", d)) for d in SUMMEVAL_DIMENSIONS),
                   detect=("id", "model_id", "expert_annotations")),
    JudgmentFormat("realsumm", "REALSumm rows (doc_id, group, system, litepyramid_recall)",
                   "doc_id", ("group", "system"),
                   (FieldSpec("litepyramid_recall", ("litepyramid_recall",)),),
                   detect=("doc_id", "group", "system", "litepyramid_recall")),
    JudgmentFormat("rows", "one record per summary; name the fields", "doc_id", ("system",)),
)}


# one Registry (sumbench/common/registry.py): the lookup and its unknown-name error
FORMAT_REGISTRY: Registry[JudgmentFormat] = Registry("judgment format", FORMATS,
                                                     error=UsageError, check_name=True)


def get_format(name: str) -> JudgmentFormat:
    """The layout registered as ``name`` (a usage error listing the known ones)."""
    return FORMAT_REGISTRY.get(name)


def detect_format(record: dict) -> JudgmentFormat:
    """The first format whose identifying fields the record has, else ``rows``."""
    for layout in FORMATS.values():
        if layout.detect and all(f in record for f in layout.detect):
            return layout
    return FORMATS["rows"]


@dataclass(frozen=True)
class FileLayout:
    """How one file was read: its format and the fields actually used."""

    path: str
    format: str
    doc_field: str
    system_fields: tuple[str, ...]

    def describe(self) -> str:
        return (f"{Path(self.path).name} (format {self.format}; input: {self.doc_field}; "
                f"system: {'/'.join(self.system_fields)})")


def _key_part(record: dict, name: str, where: str) -> str:
    if name not in record:
        raise InputError(f"{where}: no field {name!r} (fields present: {', '.join(record)}); "
                         "name the fields with --doc-field / --system-field")
    value = record[name]
    if value is None or isinstance(value, (list, dict)) or str(value).strip() == "":
        raise InputError(f"{where}: field {name!r} is {value!r}; it must name the summary")
    return str(value)


def read_tables(path: str | Path, fields: Sequence[FieldSpec], fmt: str | None = None,
                doc_field: str | None = None, system_fields: Sequence[str] | None = None,
                role: str = "judgment") -> tuple[list[ScoreTable], FileLayout]:
    """One table per field of ``path`` (the format's defaults when ``fields`` is empty).

    Every record must name its summary (input and system); two records naming the same
    summary are an error (e.g. REALSumm read without ``group``).  A field missing from
    every record is an error (a typo, most likely); missing from some records, it is a
    missing value, left for the alignment to report.
    """
    rows = read_rows(path)
    layout = get_format(fmt) if fmt else detect_format(rows[0][1])
    fields = tuple(fields) or layout.judgments
    if not fields:
        raise UsageError(f"{path}: name the {role}s to read (format {layout.name} has no "
                         f"default): --{'judgment' if role == 'judgment' else 'metric-field'} "
                         "FIELD")
    labels = [f.label for f in fields]
    if len(set(labels)) != len(labels):
        raise UsageError(f"two {role}s are both labelled {next(l for l in labels if labels.count(l) > 1)!r}")
    doc = doc_field or layout.doc_field
    systems = tuple(system_fields) if system_fields else layout.system_fields
    values: list[dict[Key, float]] = [{} for _ in fields]
    present = [False] * len(fields)
    seen: dict[Key, str] = {}
    for where, record in rows:
        key = ("/".join(_key_part(record, s, where) for s in systems),
               _key_part(record, doc, where))
        if key in seen:
            raise InputError(f"{where}: a second record for system {key[0]!r} on input "
                             f"{key[1]!r} (the first is at {seen[key]}); if two groups share "
                             "a system name, add the group to --system-field (e.g. group,system)")
        seen[key] = where
        for k, spec in enumerate(fields):
            value: Any = extract(record, spec, where)
            if value is ABSENT:
                continue
            present[k] = True
            if value is not None:
                values[k][key] = value
    for spec, found in zip(fields, present):
        if not found:
            raise InputError(f"{path}: no record has the field {spec.dotted!r} (fields of the "
                             f"first record: {', '.join(rows[0][1])})")
    used = FileLayout(str(path), layout.name, doc, systems)
    tables = [ScoreTable(spec.label, table, source=f"{Path(path).name}: {spec.dotted}")
              for spec, table in zip(fields, values)]
    return tables, used

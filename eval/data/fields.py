"""Which fields of a record hold the id, the article and the reference(s).

Defaults recognise the common summarisation data sets: CNN/DailyMail (``article``,
``highlights``), XSum (``document``, ``summary``) and generic ``text``/``summary``.
A reference value may be one string whose sentences are newline-separated, or a list.
One rule says what a list is, on every path that reads references (the readers through
:func:`make_example`, the long format of :mod:`sumbench.eval.data.systems`), in
:func:`list_meaning`: a list of lists is several references, each given as its
sentences; a list of strings is several references in a field named ``references`` or
``summaries`` (:data:`MULTI_REFERENCE_FIELDS`) or with ``--multi-reference``, the
sentences of one reference with ``--reference-sentences`` (arXiv's and PubMed's
abstracts are stored so; the flag overrides the field name), and refused in any other
field: read the wrong way, a list silently gives other numbers.  A string in pyrouge's
sentence markup, ``<t> First. </t> <t> Second. </t>`` (REALSumm's and SummEval's released
files), is split on the tags instead (:func:`sentence_lines`).
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from typing import Any, Mapping

from sumbench.common.errors import InputError, UsageError
from .records import Example

ARTICLE_CANDIDATES = ("article", "document", "text", "source")
REFERENCE_CANDIDATES = ("highlights", "summary", "references", "reference", "summaries", "target")
ID_CANDIDATES = ("id", "doc_id", "example_id", "guid")
MULTI_REFERENCE_FIELDS = ("references", "summaries")
LIST_FLAGS = "--multi-reference (several references) or --reference-sentences (the sentences of one reference)"
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_NAMES = {dict: "an object", list: "an array", tuple: "an array", bool: "a boolean",
               type(None): "null"}


@dataclass(frozen=True)
class FieldMap:
    """User-chosen field names; ``None`` means "pick from the defaults".  What a list of
    strings in the reference field is: ``multi_reference`` (several references) or
    ``reference_sentences`` (one reference as its sentences); see :func:`list_meaning`."""

    article: str | None = None
    reference: str | None = None
    id: str | None = None
    multi_reference: bool = False
    reference_sentences: bool = False
    language: str | None = None  # the field holding each example's language (no default)


@dataclass(frozen=True)
class ResolvedFields:
    """The field names actually used for one file, and what a list of strings in the
    reference field is (:func:`list_meaning`)."""

    article: str
    reference: str
    id: str | None
    lists: str | None
    language: str | None = None


def _pick(wanted: str | None, candidates: tuple[str, ...], available: list[str],
          role: str, where: str) -> str | None:
    if wanted is not None:
        if wanted not in available:
            raise InputError(
                f"{where}: no {role} field {wanted!r}; fields present: {', '.join(available)}")
        return wanted
    for name in candidates:
        if name in available:
            return name
    return None


def resolve_fields(fields: FieldMap, available: list[str], where: str) -> ResolvedFields:
    """Choose the article, reference and id fields among ``available``."""
    article = _pick(fields.article, ARTICLE_CANDIDATES, available, "article", where)
    reference = _pick(fields.reference, REFERENCE_CANDIDATES, available, "reference", where)
    if article is None or reference is None:
        role, flag, cands = (("article", "--article-field", ARTICLE_CANDIDATES) if article is None
                             else ("reference", "--reference-field", REFERENCE_CANDIDATES))
        raise InputError(
            f"{where}: cannot find the {role} field (looked for {', '.join(cands)}); "
            f"fields present: {', '.join(available)}; choose one with {flag}")
    id_field = _pick(fields.id, ID_CANDIDATES, available, "id", where)
    language = _pick(fields.language, (), available, "language", where)
    return ResolvedFields(article, reference, id_field, list_meaning(fields, reference),
                          language)


def list_meaning(fields: FieldMap, reference_field: str) -> str | None:
    """What a list of strings in ``reference_field`` is: ``"references"`` (several),
    ``"sentences"`` (one reference as its sentences) or ``None`` (not said: refused by
    :func:`parse_references`).  The one rule of every path that reads references."""
    if fields.multi_reference and fields.reference_sentences:
        raise UsageError("--multi-reference and --reference-sentences say opposite things "
                         "about a list of strings; give one")
    if fields.reference_sentences:
        return "sentences"
    if fields.multi_reference or reference_field in MULTI_REFERENCE_FIELDS:
        return "references"
    return None


_TAG = re.compile(r"\s*</?t>\s*")


def sentence_lines(text: str) -> list[str]:
    """The sentences of ``text``: when it is in pyrouge's markup (it starts with ``<t>``),
    the pieces between the tags -- a last sentence cut off before its ``</t>`` (as in some
    released outputs) included; else its lines."""
    if text.startswith("<t>") or (text[:1].isspace() and text.lstrip().startswith("<t>")):
        return [piece for piece in _TAG.split(text) if piece.strip()]
    return text.split("\n")


def check_text(value: str, where: str, what: str) -> str:
    """``value`` if it is valid Unicode text; a lone surrogate (JSON's ``"\\ud800"``
    escape can make one) cannot be written as UTF-8 and is an :class:`InputError`."""
    if value.isascii():  # the common case, in C: no surrogate
        return value
    match = _SURROGATE.search(value)
    if match:
        raise InputError(f"{where}: {what} holds a lone surrogate (\\u{ord(match.group()):04x}), "
                         "which is not valid Unicode text")
    return value


def _described(value: Any) -> str:
    name = _JSON_NAMES.get(type(value))
    if name is not None:
        return f"{name} ({str(value).lower()})" if isinstance(value, bool) else name
    if isinstance(value, float):
        return f"a floating-point number ({value!r})"
    return type(value).__name__


def id_text(raw: Any, where: str, field: str) -> str:
    """An example id as text: strings as they are, integers in decimal.  Anything else
    (objects, arrays, booleans, floats, NaN) is an :class:`InputError` naming ``where``:
    ``1.0`` or ``true`` would silently become ids that no other file spells the same."""
    if raw is None:
        raise InputError(f"{where}: missing id in field {field!r}")
    if isinstance(raw, numbers.Integral) and not isinstance(raw, bool):
        return str(int(raw))
    if not isinstance(raw, str):
        raise InputError(f"{where}: the id in field {field!r} must be a string or an "
                         f"integer, got {_described(raw)}")
    if not raw.strip():
        raise InputError(f"{where}: missing id in field {field!r}")
    return check_text(raw, where, f"the id in field {field!r}")


def _sentences(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        lines = sentence_lines(value)
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        lines = list(value)
    else:
        raise InputError(f"{where}: a reference must be a string or a list of strings, "
                         f"got {type(value).__name__}")
    sentences = tuple(filter(None, [" ".join(line.split()) for line in lines]))
    for sentence in sentences:
        if not sentence.isascii():
            check_text(sentence, where, "a reference")
    return sentences


def parse_references(value: Any, lists: str | None, where: str,
                     field: str = "reference") -> tuple[tuple[str, ...], ...]:
    """Turn a reference field value into a tuple of references (each a tuple of
    sentences); ``lists`` says what a list of strings is (:func:`list_meaning`: several
    ``"references"``, one reference's ``"sentences"``, or ``None``: an
    :class:`InputError` naming ``field`` and both flags)."""
    if isinstance(value, str):  # the common case: one reference, one text
        refs: tuple[tuple[str, ...], ...] = (_sentences(value, where),)
        if not refs[0]:
            raise InputError(f"{where}: empty reference summary")
        return refs
    if hasattr(value, "tolist"):  # numpy / arrow arrays from Parquet
        value = value.tolist()
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (list, tuple)) for v in value):
        refs = tuple(_sentences(v, where) for v in value)
    elif isinstance(value, (list, tuple)) and value and lists is None:
        raise InputError(f"{where}: field {field!r} holds a list; say what it is: {LIST_FLAGS} "
                         "(only a field named references or summaries holds several by default)")
    elif lists == "references" and isinstance(value, (list, tuple)):
        refs = tuple(_sentences(v, where) for v in value)
    else:
        refs = (_sentences(value, where),)
    if not refs or any(not r for r in refs):
        raise InputError(f"{where}: empty reference summary")
    return refs


def make_example(record: Mapping[str, Any], fields: ResolvedFields, index: int,
                 where: str, source: str | None = None) -> Example:
    """Build an :class:`Example` from one record, with errors naming ``where``."""
    article = record.get(fields.article)
    if not isinstance(article, str):
        raise InputError(f"{where}: field {fields.article!r} must be a string, "
                         f"got {type(article).__name__}")
    if not article.strip():
        raise InputError(f"{where}: empty article")
    check_text(article, where, f"field {fields.article!r}")
    if fields.id is not None:
        example_id = id_text(record.get(fields.id), where, fields.id)
    else:
        example_id = str(index)
    references = parse_references(record.get(fields.reference), fields.lists, where,
                                  fields.reference)
    title = record.get("title") if isinstance(record.get("title"), str) else None
    if title is not None:
        check_text(title, where, "field 'title'")
    language = (language_value(record.get(fields.language), where, fields.language)
                if fields.language is not None else None)
    return Example(id=example_id, article=article, references=references,
                   title=title, source=source, language=language)


def language_value(value: Any, where: str, field_name: str) -> str:
    """An example's language (``--language-field``): a non-empty string such as ``ja``."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: field {field_name!r} (--language-field) must be a "
                         f"non-empty string such as 'ja', got {value!r:.40}")
    return value.strip()

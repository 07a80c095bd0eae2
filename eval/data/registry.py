"""Reference-set readers looked up by name, or detected from the path.

Adding a format is one reader class (``name``, ``suffixes``, ``read(spec, fields)``, and
optionally ``detect_directory(path)`` and ``options``, a tuple of
:class:`~sumbench.common.options.Option` rows that the class takes as a ``settings``
mapping when built) plus one line in :data:`READERS` (looked up through
:class:`sumbench.common.registry.Registry`).  An option given for a reader
that does not declare it is a usage error, never silently ignored.
"""

from __future__ import annotations

from pathlib import Path

from typing import Any, Mapping

from sumbench.common.options import Option, OptionError
from sumbench.common.registry import Registry
from sumbench.common.errors import InputError, UsageError

# name -> "module:Class"; order matters for folder detection.
READERS: dict[str, str] = {
    "jsonl": "sumbench.eval.data.tabular:JsonlReader",
    "json": "sumbench.eval.data.tabular:JsonReader",
    "csv": "sumbench.eval.data.tabular:CsvReader",
    "tsv": "sumbench.eval.data.tabular:TsvReader",
    "parquet": "sumbench.eval.data.tabular:ParquetReader",
    "hf": "sumbench.eval.data.hf:HfDatasetReader",
    "story": "sumbench.eval.data.story:StoryReader",
    "plaintext": "sumbench.eval.data.plaintext:PlainTextReader",
}
# one Registry (sumbench/common/registry.py): lazy targets and the unknown-name error
READER_REGISTRY: Registry[type] = Registry("reference format", READERS, error=InputError)


def reader_class(name: str) -> type:
    """The class registered as ``name``."""
    return READER_REGISTRY.get(name)


def reader_options() -> dict[str, tuple[Option, list[str]]]:
    """Every reader option by name, with the readers that declare it."""
    found: dict[str, tuple[Option, list[str]]] = {}
    for name in READERS:
        for option in getattr(reader_class(name), "options", ()):
            found.setdefault(option.name, (option, []))[1].append(name)
    return found


def get_reader(name: str, settings: Mapping[str, Any] | None = None):
    """An instance of the reader registered as ``name``, built with ``settings`` (the
    reader options given; each must be one the reader declares)."""
    cls = reader_class(name)
    declared = {o.name: o for o in getattr(cls, "options", ())}
    given = {k: v for k, v in (settings or {}).items() if v is not None}
    for key, value in given.items():
        if key not in declared:
            owners = reader_options().get(key, (None, []))[1]
            flag = "--" + key.replace("_", "-")
            raise UsageError(f"{flag} does not apply to the {name} reader"
                             + (f"; it is an option of the {', '.join(owners)} reader"
                                if owners else ""))
        try:
            given[key] = declared[key].parse(value)
        except OptionError as exc:
            raise UsageError(str(exc)) from None
    return cls(given) if declared else cls()


def detect_format(spec: str) -> str:
    """The reader name for ``spec``, from its ``hf:`` prefix, suffix or folder contents."""
    try:
        return _detect_format(spec)
    except OSError as exc:  # a folder on the way that cannot be read
        where = exc.filename or spec
        raise InputError(f"{where}: cannot read: {exc.strerror or exc}") from None


def _detect_format(spec: str) -> str:
    if spec.startswith("hf:"):
        return "hf"
    path = Path(spec)
    base, sep, _split = spec.rpartition(":")
    if sep and Path(base).is_dir() and reader_class("hf").detect_directory(Path(base)):
        return "hf"  # a save_to_disk folder with a split: "folder:test"
    lower = path.name.lower()
    for name in READERS:
        if any(lower.endswith(suffix) for suffix in reader_class(name).suffixes):
            return name
    if path.is_dir():
        for name in READERS:
            detect = getattr(reader_class(name), "detect_directory", None)
            if detect is not None and detect(path):
                return name
        raise InputError(f"{path}: cannot tell the format of this folder (expected .txt "
                         f"articles, .story files or a save_to_disk dataset); pass --references-format")
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    raise InputError(f"{path}: cannot tell the format from the name; pass --references-format "
                     f"({', '.join(READERS)})")

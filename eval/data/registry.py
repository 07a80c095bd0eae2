"""Reference-set readers looked up by name, or detected from the path.

Adding a format is one reader class (``name``, ``suffixes``, ``read(spec, fields)``, and
optionally ``detect_directory(path)``) plus one line in :data:`READERS`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from sumbench.eval.errors import InputError

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


def get_reader(name: str):
    """An instance of the reader registered as ``name``."""
    try:
        target = READERS[name]
    except KeyError:
        raise InputError(f"unknown reference format {name!r}; known: {', '.join(READERS)}") from None
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)()


def detect_format(spec: str) -> str:
    """The reader name for ``spec``, from its ``hf:`` prefix, suffix or folder contents."""
    if spec.startswith("hf:"):
        return "hf"
    path = Path(spec)
    base, sep, _split = spec.rpartition(":")
    if sep and Path(base).is_dir() and get_reader("hf").detect_directory(Path(base)):
        return "hf"  # a save_to_disk folder with a split: "folder:test"
    lower = path.name.lower()
    for name in READERS:
        if any(lower.endswith(suffix) for suffix in get_reader(name).suffixes):
            return name
    if path.is_dir():
        for name in READERS:
            reader = get_reader(name)
            detect = getattr(reader, "detect_directory", None)
            if detect is not None and detect(path):
                return name
        raise InputError(f"{path}: cannot tell the format of this folder (expected .txt "
                         f"articles, .story files or a save_to_disk dataset); pass --references-format")
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    raise InputError(f"{path}: cannot tell the format from the name; pass --references-format "
                     f"({', '.join(READERS)})")

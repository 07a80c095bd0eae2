"""Writing a converter's output file whole or not at all, shared by the converters in
``tests/data/``: the text goes to a temporary file beside ``out``, renamed over it when
complete; a regular file at ``out`` is replaced, anything else is refused."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(out: Path, text: str, error: type[Exception]) -> None:
    """Write ``text`` to ``out`` (UTF-8) whole or not at all; ``error`` (the converter's
    own error type) when ``out`` exists and is not a regular file."""
    if out.exists() and not out.is_file():
        raise error(f"{out} exists and is not a regular file")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, out)
    except BaseException:
        os.unlink(temporary)
        raise

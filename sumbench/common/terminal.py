"""Text that is safe to print on a terminal: no control sequences from untrusted data.

Ids, file names, server messages and model output can hold ANSI escape sequences
(``ESC [ ... m``; the 8-bit CSI ``U+009B``), carriage returns that overwrite what was
printed, NULs, lone surrogates (which cannot even be encoded) and the bidirectional
overrides of "Trojan Source" (Boucher & Anderson 2021, CVE-2021-42574).  Printed as they
are, they can hide or forge lines of a log or a warning.

:func:`escape_controls` writes each such character as ``\\uXXXX``: readable, and still
valid inside a JSON string (where ``\\uXXXX`` means the same character), so the same
filter can guard ``--format json`` output.  :class:`SafeStream` applies it to everything
written to ``sys.stdout`` / ``sys.stderr`` by the CLI (tab and newline pass, since tables
need them; a newline *inside* an id is escaped where the id is formatted, with
``newlines=True``).  Progress bars, which need ``\\r``, write to :func:`progress_stream`.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

# C0 controls but tab and newline, DEL, C1 controls, bidi marks, embeddings, overrides
# and isolates, the line and paragraph separators, the byte-order mark, lone surrogates
# and the non-characters U+FFFE/U+FFFF.
_OTHERS = ("\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
           "\ud800-\udfff\ufeff\ufffe\uffff")
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]")
_UNSAFE_OR_NEWLINE = re.compile(f"[\x00-\x1f{_OTHERS}]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str, newlines: bool = False) -> str:
    """``text`` with terminal control characters written as ``\\uXXXX``; with
    ``newlines=True`` also tab and newline (for a value printed inside one line)."""
    pattern = _UNSAFE_OR_NEWLINE if newlines else _UNSAFE
    return pattern.sub(_escaped, text)


class SafeStream:
    """A text stream that escapes control characters in everything written to it and
    delegates everything else to the stream it wraps (``raw``)."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(escape_controls(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def progress_stream() -> TextIO:
    """Where progress bars write: stderr itself, not its escaping wrapper (a bar redraws
    its line with ``\\r``; what it shows is formatted by sumbench, never raw input)."""
    stream = sys.stderr
    return stream.raw if isinstance(stream, SafeStream) else stream

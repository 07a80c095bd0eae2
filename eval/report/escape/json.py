"""JSON (RFC 8259): data written so that every reader gets it back, and nothing shows.

:func:`json.dumps` escapes ``"``, ``\\`` and the C0 controls inside strings; with
``ensure_ascii=False`` it leaves lone surrogates (which no UTF-8 file can hold), DEL, C1
controls and bidirectional overrides as they are.  Those are then written as ``\\uXXXX``
(as on the terminal): in a JSON string that escape *is* the same character (RFC 8259
section 7), so a reader gets the value unchanged, and a file or a terminal gets only
visible ASCII for it.
"""

from __future__ import annotations

import json

from sumbench.common.terminal import escape_controls


def escape_json(data: object) -> str:
    """``data`` as indented JSON text (UTF-8 safe, no control character raw)."""
    return escape_controls(json.dumps(data, indent=2, ensure_ascii=False))

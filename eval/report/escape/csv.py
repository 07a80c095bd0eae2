"""CSV cells safe to open in a spreadsheet: no formula from data.

Follows OWASP's "CSV Injection" advice: a *text* cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``, which spreadsheets read as
"this is text".  Numbers stay numbers: an ``int``/``float`` value, or text that is a
plain decimal number (``-0.125000``, ``3e-05``), is written as it is.  Control characters
other than tab and newline (which a quoted CSV field holds) and lone surrogates, which
no UTF-8 file can hold, become ``\\uXXXX`` as on the terminal.  Quoting is
:mod:`csv`'s.
"""

from __future__ import annotations

import re

from sumbench.common.terminal import escape_controls

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def escape_csv(value: object) -> object:
    """``value`` as one CSV cell: numbers unchanged, text defused (see module doc)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if _NUMBER.fullmatch(text):
        return text
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return escape_controls(text)

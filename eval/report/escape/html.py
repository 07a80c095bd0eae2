"""HTML: text from data as text, never markup.

:func:`html.escape` with ``quote=True`` (``& < > " '``), which is safe in element
content and in quoted attribute values (HTML Living Standard, 13.1.2.6 and 13.1.2.3).
Before that, line ends are normalised to ``\\n`` (as an HTML parser does) and the other
control characters, bidirectional overrides ("Trojan Source") and lone surrogates, which
no UTF-8 page can hold, become ``\\uXXXX`` as on the terminal; tabs and newlines stay,
since predictions and articles are shown with their lines.
"""

from __future__ import annotations

import html
import re

from sumbench.common.terminal import escape_controls

_BREAKS = re.compile(r"\r\n?")


def escape_html(text: object) -> str:
    """``text`` as HTML that shows it literally (element content or quoted attribute)."""
    return html.escape(escape_controls(_BREAKS.sub("\n", str(text))), quote=True)

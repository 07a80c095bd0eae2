"""Markdown (GitHub-flavoured, https://github.github.com/gfm/): text from data made
plain, as table-cell text or as an inline code span.

Text: control characters become ``\\uXXXX`` (line breaks a space, so a cell stays on its
row); then every ASCII punctuation character Markdown or GitHub gives a meaning inside
a line -- ``\\ | * _ [ ] ` ~ $`` (``$`` starts GitHub's math) -- gets a backslash (GFM
section 2.4), and ``<`` / ``&`` become entities, so no HTML, link with a hidden target,
emphasis, math or extra column comes from data (``>``, ``#`` and list markers only mean
something at the start of a line, where data never goes; GitHub may still show a bare
``https://`` or ``www.`` address as a link to exactly that address).  Code spans: a fence longer than any run of
backticks in the text (GFM section 6.1), padded when the text starts or ends with a
backtick (or is empty); inside a table a ``|`` is written ``\\|`` (GFM section 4.10:
the table splits on pipes before code spans are read).
"""

from __future__ import annotations

import re

from sumbench.common.terminal import escape_controls

_ESCAPES = {"\\": "\\\\", "|": "\\|", "<": "&lt;", "&": "&amp;", "`": "\\`", "*": "\\*",
            "_": "\\_", "[": "\\[", "]": "\\]", "~": "\\~", "$": "\\$"}
_BREAKS = re.compile(r"\r\n|[\r\n]")


def escape_markdown(text: object, code: bool = False, in_table: bool = False) -> str:
    """``text`` as Markdown that shows it literally on one line: escaped text, or with
    ``code=True`` a whole code span (``in_table=True`` for one inside a table cell)."""
    line = escape_controls(_BREAKS.sub(" ", str(text)), newlines=True)
    if not code:
        return "".join(_ESCAPES.get(ch, ch) for ch in line)
    longest = max((len(run) for run in re.findall("`+", line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if not line or line.startswith("`") or line.endswith("`") else ""
    if in_table:
        line = line.replace("|", "\\|")
    return f"{fence}{pad}{line}{pad}{fence}"

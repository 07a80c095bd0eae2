"""LaTeX: text from data made inert, in a table cell or in a ``%`` comment line.

Follows the LaTeX kernel's list of special characters (Lamport, *LaTeX: A Document
Preparation System*, 2nd ed., sect. 2.2.1: ``# $ % & ~ _ ^ \\ { }``), each written as the
command that prints it; ``< > |`` too, since the default OT1 encoding prints other glyphs
for them.  Control characters, line and paragraph separators, bidirectional overrides
and lone surrogates are first written as ``\\uXXXX`` (as on the terminal), so the text
stays on one line: TeX ends a line at LF *or* CR, and a line break in a ``%`` comment
would turn the rest of a name into live LaTeX (``\\input{/etc/passwd}``).  Inside a
comment only that matters (TeX discards everything after ``%`` up to the line's end),
so ``comment=True`` keeps the other characters readable.  Characters beyond ASCII are
kept: a paper's own font setup decides how (and whether) they print.
"""

from __future__ import annotations

from sumbench.common.terminal import escape_controls

SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
            "|": r"\textbar{}"}


def escape_latex(text: object, comment: bool = False) -> str:
    """``text`` as one line of LaTeX that prints it (``comment=True``: as the rest of a
    ``%`` comment line, which prints nothing and must only stay one line)."""
    line = escape_controls(str(text), newlines=True)
    if comment:
        return line
    return "".join(SPECIALS.get(ch, ch) for ch in line)

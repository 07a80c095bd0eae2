"""Plot labels: text from data drawn literally by matplotlib.

Matplotlib reads text between two ``$`` as mathtext (its TeX subset), where a name like
``$\\input{x}$`` stops the drawing with a parse error; ``\\$`` draws a dollar sign
(matplotlib's "Writing mathematical expressions").  Control characters and lone
surrogates become ``\\uXXXX`` as on the terminal.
"""

from __future__ import annotations

from sumbench.common.terminal import escape_controls


def escape_mathtext(text: object) -> str:
    """``text`` as a matplotlib label that is drawn as it is, on one line."""
    return escape_controls(str(text), newlines=True).replace("$", r"\$")

"""Compiling sumbench's LaTeX tables in the tests: what they need and a minimal document.

The leaderboard's table uses booktabs rules, so a test needs ``pdflatex`` *and*
``booktabs.sty`` (Debian: ``texlive-latex-base`` and ``texlive-latex-recommended``, which
``.ci/install-test-deps`` installs); it is skipped, saying which is missing, only where
they are not installed.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

PREAMBLE = "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n"
END = "\\end{document}\n"


def _missing() -> str | None:
    if shutil.which("pdflatex") is None:
        return "pdflatex is not installed (Debian package texlive-latex-base)"
    kpsewhich = shutil.which("kpsewhich")
    found = kpsewhich and subprocess.run([kpsewhich, "booktabs.sty"], capture_output=True,
                                         text=True, timeout=60).stdout.strip()
    if not found:
        return "booktabs.sty is not installed (Debian package texlive-latex-recommended)"
    return None


MISSING = _missing()
needs_latex = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def document(table: str) -> str:
    """``table`` in the smallest document that compiles it."""
    return PREAMBLE + table + END

"""Preparing texts for ROUGE-Lsum, and the warning when it would silently equal ROUGE-L.

``rouge-score`` computes ROUGE-Lsum over sentences separated by ``"\\n"``; a text with no
newline is one sentence, so Lsum collapses to ROUGE-L without a word.  Modes:

* ``newline`` (default): texts are used as they are (references are one bullet per line,
  sumbench's summarisers write one sentence per line);
* ``auto``: a text with no newline is split with the offline sentence splitter;
* ``none``: newlines are removed, so ROUGE-Lsum is ROUGE-L on purpose.
"""

from __future__ import annotations

from typing import Sequence

from sumbench.common.options import Option
from sumbench.common.sentences import split_sentences

LSUM_SPLITS = ("newline", "auto", "none")
# Shared by the two ROUGE metrics: both read texts one sentence per line.
LSUM_SPLIT_OPTION = Option(
    "lsum_split", "str", "newline", "sentence split before the summary-level ROUGE-L "
    "(rougeLsum; rouge155's ROUGE-L): newline = as given, auto = split texts that have no "
    "newline, none = one line", choices=LSUM_SPLITS)


def prepare_for_lsum(text: str, mode: str) -> str:
    """``text`` with sentences separated by newlines according to ``mode``."""
    if mode == "newline":
        return text
    if mode == "auto":
        return text if "\n" in text.strip() else "\n".join(split_sentences(text))
    if mode == "none":
        return " ".join(text.split("\n"))
    raise ValueError(f"unknown Lsum split {mode!r}; known: {', '.join(LSUM_SPLITS)}")


def unsplit_multi_sentence(texts: Sequence[str]) -> list[int]:
    """Indices of texts that hold no newline yet several sentences by the splitter."""
    flagged = []
    for i, text in enumerate(texts):
        stripped = text.strip()
        if stripped and "\n" not in stripped and len(split_sentences(stripped)) > 1:
            flagged.append(i)
    return flagged

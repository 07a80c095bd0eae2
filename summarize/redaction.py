"""Keeping an API key out of error messages and answers.

Servers echo keys in their own ways; :func:`redact` masks every trace of a key in an
error message (pieces of it and case-changed copies included), :func:`redact_answer`
only whole copies in a model's answer, before it reaches the cache, a run folder or the
terminal.  The OpenAI backend builds its messages from the status code and the server's
message with :func:`redact` applied.
"""

from __future__ import annotations

import re

__all__ = ["REDACT_PIECE", "redact", "redact_answer"]


REDACT_PIECE = 6  # characters of a key that are never shown together


def redact(text: str, secret: str | None) -> str:
    """``text`` with every trace of ``secret`` (an API key) replaced by ``***``.

    Servers echo keys in their own ways: whole, cut ("sk-abc...xyz12"), upper- or
    lower-cased.  Every run of characters in which each :data:`REDACT_PIECE`-character
    window is a piece of the key, in any letter case, is masked (a shorter key: the key
    itself, in any case); a few characters of a key, as servers show them, stay.
    """
    if not secret:
        return text
    width = min(REDACT_PIECE, len(secret))
    key = secret.casefold()
    pieces = {key[i:i + width] for i in range(len(key) - width + 1)}
    folded = text.casefold()
    if len(folded) != len(text):  # casefold changed lengths (e.g. "ß"): fall back to lower()
        folded = text.lower()
        if len(folded) != len(text):
            return text.replace(secret, "***")
    masked = [False] * len(text)
    for i in range(len(text) - width + 1):
        if folded[i:i + width] in pieces:
            masked[i:i + width] = [True] * width
    out: list[str] = []
    for char, hidden in zip(text, masked):
        if not hidden:
            out.append(char)
        elif not out or out[-1] != "***":
            out.append("***")
    return "".join(out)


def redact_answer(text: str, secret: str | None) -> str:
    """A model's answer with every whole copy of ``secret`` (an API key), in any letter
    case, replaced by ``***``, before it reaches the cache, a run folder or the terminal.

    Unlike :func:`redact` (for error messages) pieces of the key are left alone, so that
    an answer is never changed by a coincidence of a few letters; a key shorter than
    :data:`REDACT_PIECE` characters (a placeholder such as ``EMPTY``) is masked only where
    it is the whole answer, so that ordinary words are never masked.
    """
    if not secret:
        return text
    if text.strip().casefold() == secret.casefold():
        return "***"
    if len(secret) < REDACT_PIECE:
        return text
    return re.sub(re.escape(secret), "***", text, flags=re.IGNORECASE)

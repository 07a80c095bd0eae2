"""Errors raised by the model summarisers, with messages meant for the user.

Everything here derives from :class:`SummarizerError`.  Bad options derive from
``ValueError`` too, so callers that already turn ``ValueError`` into a usage error (the
run pipeline does) need nothing more.  Messages never contain an API key: the OpenAI
backend builds them from the status code and the server's message with the key removed
(:func:`redact`, which also masks pieces of the key and case-changed copies).
"""

from __future__ import annotations

import re


class SummarizerError(Exception):
    """Base class: a summariser cannot do what it was asked; the message says why."""


class SummarizerOptionError(SummarizerError, ValueError):
    """An option has a wrong type or value, or does not apply to this summariser."""


class ModelLoadError(SummarizerError):
    """A model, tokenizer or GGUF file cannot be found or loaded."""


class HubOfflineError(ModelLoadError):
    """A hub model was asked for, the hub cannot be reached and it is not cached."""


class CacheError(SummarizerError):
    """The generation cache folder or file cannot be opened or written."""


class ApiError(SummarizerError):
    """An OpenAI-compatible server answered with an error (``status`` is the HTTP code,
    0 for a network failure or timeout)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class ApiAuthError(ApiError):
    """401/403: the key is missing, wrong or not allowed to use the model."""


class ApiNotFoundError(ApiError):
    """404: wrong base URL or unknown model."""


class ApiRetriesExhausted(ApiError):
    """429, 5xx or timeouts went on after every retry."""


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


class NoProbabilitiesError(ApiError):
    """The server answered without the token probabilities (``logprobs``) asked for."""

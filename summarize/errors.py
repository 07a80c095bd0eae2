"""Errors raised by the model summarisers, kept for import compatibility.

The classes live in :mod:`sumbench.common.errors` (one family with one root,
:class:`~sumbench.common.errors.SumbenchError`); the key-masking helpers in
:mod:`sumbench.summarize.redaction`.  Both are re-exported here so that existing imports
keep working.
"""

from __future__ import annotations

from sumbench.common.errors import (
    ApiAuthError,
    ApiError,
    ApiNotFoundError,
    ApiRetriesExhausted,
    CacheError,
    ModelLoadError,
    NoProbabilitiesError,
    OfflineError,
    SummarizerError,
    SummarizerOptionError,
)

from .redaction import REDACT_PIECE, redact, redact_answer

HubOfflineError = OfflineError  # one class: an unreachable hub, for models and data sets

__all__ = ["ApiAuthError", "ApiError", "ApiNotFoundError", "ApiRetriesExhausted",
           "CacheError", "HubOfflineError", "ModelLoadError", "NoProbabilitiesError",
           "OfflineError", "REDACT_PIECE", "SummarizerError", "SummarizerOptionError",
           "redact", "redact_answer"]

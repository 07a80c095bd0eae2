"""Errors that the CLI turns into one clear line and exit status 2, kept for import
compatibility.

The classes live in :mod:`sumbench.common.errors`: one family with one root,
:class:`~sumbench.common.errors.SumbenchError`, whose ``exit_code`` the CLI returns.
Everything a user can get wrong (a missing file, malformed JSON, a field that does not
exist, ids that do not match) raises :class:`InputError` with a message naming the file
and, where there is one, the line.  Bugs raise anything else and keep their traceback.
"""

from __future__ import annotations

from sumbench.common.errors import InputError, OfflineError, SumbenchError, UsageError

__all__ = ["InputError", "OfflineError", "SumbenchError", "UsageError"]

"""Errors that the CLI turns into one clear line and exit status 2.

Everything a user can get wrong (a missing file, malformed JSON, a field that does not
exist, ids that do not match) raises :class:`InputError` with a message naming the file
and, where there is one, the line.  Bugs raise anything else and keep their traceback.
"""

from __future__ import annotations


class SumbenchError(Exception):
    """Base class of the errors sumbench reports to the user without a traceback."""

    exit_code: int = 2


class InputError(SumbenchError):
    """Bad input: a file, a field, an id or a value that the user supplied."""


class UsageError(SumbenchError):
    """Bad combination of options."""


class OfflineError(SumbenchError):
    """A hub resource was asked for and cannot be reached from here."""

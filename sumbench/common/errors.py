"""The one family of errors that sumbench reports to the user without a traceback.

Every error a user can cause derives from :class:`SumbenchError` and carries its exit
status (``exit_code``, 2: bad input or usage; exit 1 is kept for the gate's "regression"
and 3 for crashes).  The CLI catches the root once and prints one ``sumbench: error:``
line; bugs raise anything else and keep their traceback.  The family follows the
one-root exception design of ``requests`` (``RequestException``) and ``click``
(``ClickException`` with its ``exit_code``)::

    SumbenchError
    ├── UsageError                  bad option or combination of options
    │   └── SummarizerOptionError   (also a ValueError and a SummarizerError)
    ├── InputError                  a file, field, id or value the user supplied
    │   ├── ModelError              a model cannot be found, loaded or run
    │   │   └── ModelLoadError      (also a SummarizerError)
    │   ├── ServerError             a server answered with an error, or not at all
    │   │   └── ApiError            (also a SummarizerError; ApiAuthError, ...)
    │   └── CacheError              the generation cache cannot be read or written
    │                               (also a SummarizerError)
    ├── OfflineError                a hub resource cannot be reached from here
    └── SummarizerError             raised by a summariser (a category, see above)

A layer that knows more context (which option named the model) adds it with
:meth:`SumbenchError.reworded` or :func:`rewording`, which keep the class and so the exit
status: errors are never translated from one class to another.
Nothing here imports from ``eval/`` or ``summarize/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["SumbenchError", "UsageError", "InputError", "ModelError", "ServerError",
           "CacheError", "OfflineError", "SummarizerError", "SummarizerOptionError",
           "ModelLoadError", "ApiError", "ApiAuthError", "ApiNotFoundError",
           "ApiRetriesExhausted", "NoProbabilitiesError", "rewording"]


class SumbenchError(Exception):
    """Root of the errors sumbench reports to the user without a traceback."""

    exit_code: int = 2

    def reworded(self, message: str) -> SumbenchError:
        """This error (same class, attributes and exit status) with ``message``: for a
        caller that adds context, such as the option that named a model."""
        other = type(self).__new__(type(self))  # no __init__: its signature may differ
        other.__dict__.update(self.__dict__)
        other.args = (message,)
        return other


class UsageError(SumbenchError):
    """Bad option, or bad combination of options."""


class InputError(SumbenchError):
    """Bad input: a file, a field, an id or a value that the user supplied."""


class ModelError(InputError):
    """A model (a checkpoint, a GGUF file, a hub id) cannot be found, loaded or run."""


class ServerError(InputError):
    """A server answered with an error, or did not answer as it should."""


class OfflineError(SumbenchError):
    """A hub resource (model or dataset) was asked for, the hub cannot be reached from
    here and the resource is not in the local cache."""


class SummarizerError(SumbenchError):
    """Raised by a summariser: it cannot do what it was asked; the message says why.

    A category: the concrete errors below are also usage, model or server errors.
    """


class SummarizerOptionError(UsageError, SummarizerError, ValueError):
    """An option has a wrong type or value, or does not apply to this summariser.

    Also a ``ValueError``, so that callers treating ``ValueError`` as bad input need
    nothing more."""


class ModelLoadError(ModelError, SummarizerError):
    """A model, tokenizer or GGUF file cannot be found or loaded."""


class CacheError(InputError, SummarizerError):
    """The generation cache folder or file cannot be opened or written."""


class ApiError(ServerError, SummarizerError):
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


class NoProbabilitiesError(ApiError):
    """The server answered without the token probabilities (``logprobs``) asked for."""


@contextmanager
def rewording(message: Callable[[SumbenchError], str],
              only: type[SumbenchError] | tuple[type[SumbenchError], ...] = SumbenchError
              ) -> Iterator[None]:
    """Errors of class ``only`` raised inside come out with the message ``message(error)``
    (:meth:`SumbenchError.reworded`: same class, same exit status)."""
    try:
        yield
    except only as exc:
        raise exc.reworded(message(exc)) from None

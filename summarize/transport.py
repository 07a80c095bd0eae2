"""One HTTP POST with a deadline for the whole request, no redirects and bounded reads.

What ``urllib.request.urlopen`` does not give, and an API client needs:

* **A deadline.**  ``urlopen``'s ``timeout`` bounds each socket operation, so a server
  that sends one byte a second never times out.  Here a timer shuts the request's socket
  down when ``timeout`` seconds have passed since the request started, whatever phase
  it is in; the blocked read returns and :class:`DeadlineExceeded` is raised.
* **No redirects.**  ``urllib`` follows 301/302/303 by re-sending every header,
  ``Authorization`` included, to whatever host and port ``Location`` names (and turns the
  POST into a body-less GET).  Here no redirect is followed: :class:`Redirected` carries
  the status and the target, and the caller says what to do.
* **Bounded reads.**  A response body larger than :data:`MAX_RESPONSE_BYTES` (an error
  body: :data:`MAX_ERROR_BYTES`) is not read into memory.
* **One error type per cause**: :class:`HttpStatus` (the server answered with an error
  status), :class:`TransportError` (refused, reset, TLS failure, a malformed status line,
  a body cut short), :class:`DeadlineExceeded`, :class:`Redirected`; all of them
  :class:`~sumbench.common.errors.ServerError`, in sumbench's one error family.

Proxies from the environment (``https_proxy``...) still apply: the opener is urllib's,
with its connection classes and redirect handler replaced.
"""

from __future__ import annotations

import functools
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import Message

from sumbench.common.errors import ServerError

MAX_RESPONSE_BYTES = 32 << 20
MAX_ERROR_BYTES = 64 << 10


class DeadlineExceeded(ServerError):
    """The request did not finish within its deadline."""


class Redirected(ServerError):
    """The server answered with a redirect, which is not followed."""

    def __init__(self, code: int, location: str | None) -> None:
        super().__init__(f"HTTP {code} redirect")
        self.code = code
        self.location = location


class HttpStatus(ServerError):
    """The server answered with an error status; ``body`` holds at most
    :data:`MAX_ERROR_BYTES` of its body."""

    def __init__(self, code: int, headers: Message | None, body: bytes) -> None:
        super().__init__(f"HTTP {code}")
        self.code = code
        self.headers = headers
        self.body = body


class TransportError(ServerError):
    """The exchange failed below HTTP: no connection, a reset, a malformed answer."""


class _Deadline:
    """Shuts down the request's socket when ``seconds`` have passed."""

    def __init__(self, seconds: float) -> None:
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.001, self.expires - time.monotonic())

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shutdown()

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


class _DeadlineHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, deadline: _Deadline, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = self._deadline.remaining()  # each connect step within the deadline
        super().connect()
        self._deadline.attach(self.sock)


class _DeadlineHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, deadline: _Deadline, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        self.timeout = self._deadline.remaining()
        super().connect()
        self._deadline.attach(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req):
        return self.do_open(functools.partial(_DeadlineHTTPConnection, deadline=self._deadline),
                            req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def https_open(self, req):
        return self.do_open(functools.partial(_DeadlineHTTPSConnection, deadline=self._deadline),
                            req, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Every 3xx reaches the caller as an ``HTTPError`` (its ``Location`` unparsed: a
    malformed one must not raise from inside urllib)."""

    def http_error_302(self, req, fp, code, msg, headers):
        return None

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _read_at_most(response, limit: int, deadline: _Deadline) -> bytes:
    """The whole body, at most ``limit`` bytes; a body shorter than its Content-Length
    (``read(n)`` returns what came before the connection closed) is an error."""
    data = response.read(limit + 1)
    if deadline.expired:
        raise TimeoutError
    if len(data) > limit:
        raise TransportError(f"broken answer: larger than {limit} bytes")
    missing = getattr(response, "length", None)
    if missing:
        raise TransportError(f"broken answer: the body ended after {len(data)} bytes, "
                             f"{missing} short of its Content-Length")
    return data


def _describe(exc: BaseException) -> str:
    """``cannot connect: ...`` (urllib wraps errors of connecting and sending in a
    ``URLError``) or ``broken answer: ...`` (reset, malformed or cut short)."""
    what = "broken answer"
    if isinstance(exc, urllib.error.URLError):
        what = "cannot connect"
        if isinstance(exc.reason, BaseException):
            exc = exc.reason
    name = type(exc).__name__
    text = str(exc).strip()
    detail = f"{name}: {text.splitlines()[0]}" if text and text != name else name
    return f"{what}: {detail}"


def post(url: str, data: bytes, headers: Mapping[str, str], timeout: float) -> bytes:
    """POST ``data`` to ``url`` and return the body of a 2xx answer, all within
    ``timeout`` seconds; raises the errors above (``timeout`` exceeded, whatever the
    phase: :class:`DeadlineExceeded`)."""
    deadline = _Deadline(timeout)
    opener = urllib.request.build_opener(_HTTPHandler(deadline), _HTTPSHandler(deadline),
                                         _NoRedirects())
    request = urllib.request.Request(url, data=data, headers=dict(headers), method="POST")
    try:
        try:
            with opener.open(request, timeout=deadline.remaining()) as response:
                return _read_at_most(response, MAX_RESPONSE_BYTES, deadline)
        except urllib.error.HTTPError as exc:
            with exc:
                if 300 <= exc.code < 400:
                    location = exc.headers.get("Location") if exc.headers else None
                    raise Redirected(exc.code, location) from None
                try:
                    body = exc.read(MAX_ERROR_BYTES)
                except (OSError, http.client.HTTPException):
                    body = b""
                raise HttpStatus(exc.code, exc.headers, body) from None
    except (Redirected, HttpStatus):
        raise
    except (OSError, http.client.HTTPException, TransportError, ValueError) as exc:
        if deadline.expired or isinstance(exc, TimeoutError) or isinstance(
                getattr(exc, "reason", None), TimeoutError):
            raise DeadlineExceeded(f"no answer within {timeout:g} s") from None
        if isinstance(exc, TransportError):
            raise
        raise TransportError(_describe(exc)) from None
    finally:
        deadline.cancel()

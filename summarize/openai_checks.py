"""The ``openai:`` back-end's checks that need no request: the server address
(``--base-url``: http(s), no user-info, query or fragment), the API key (an HTTP header
must be able to carry it), the address as errors and settings may show it (no
user-info, query or fragment: a key can hide there), origins (a redirect to another
origin must not receive the key) and ``Retry-After`` (RFC 9110, section 10.2.3: seconds
or an HTTP date).  Messages never repeat the URL or the key.
"""

from __future__ import annotations

import math
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from sumbench.common.errors import SummarizerOptionError


def public_url(url: str) -> str:
    """``url`` without user:password, query or fragment (a key can hide there)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        port = None
    if port:
        host += f":{port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("", "(unreadable)", None)
    return (parts.scheme.lower(), (parts.hostname or "").lower(),
            port or {"http": 80, "https": 443}.get(parts.scheme.lower()))


def check_base_url(url: str) -> str:
    """``url`` without a trailing slash, or :class:`SummarizerOptionError` (the message
    never repeats the URL: it may hold a password)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise SummarizerOptionError("--base-url must start with http:// or https://")
    if parts.username is not None or parts.password is not None:
        raise SummarizerOptionError(
            "--base-url must not hold a user name or password (user:password@host): "
            "put the key in the environment variable named by --api-key-env")
    if parts.query or parts.fragment:
        raise SummarizerOptionError("--base-url must not have a query (?...) or a fragment "
                                    "(#...): give the server address up to /v1")
    try:
        parts.port
    except ValueError:
        raise SummarizerOptionError("--base-url has an invalid port") from None
    if not parts.hostname:
        raise SummarizerOptionError("--base-url has no host name")
    return url.rstrip("/")


def retry_after_seconds(value: str | None) -> float | None:
    """The delay a ``Retry-After`` header asks for (seconds or an HTTP date); ``None``
    when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def check_key(key: str | None, variable: str) -> str | None:
    """``key`` if an HTTP header can carry it; a key with a newline, another control
    character or a character outside ASCII is refused at once (never echoed), instead of
    failing every request as a broken exchange."""
    if key is None:
        return None
    for char in key:
        if ord(char) < 0x20 or ord(char) == 0x7F:
            raise SummarizerOptionError(
                f"${variable}: the API key holds a newline or another control character; "
                "export the key alone, on one line")
        if ord(char) > 0x7E:
            raise SummarizerOptionError(f"${variable}: the API key holds a character "
                                        "outside ASCII, which an HTTP header cannot carry")
    return key

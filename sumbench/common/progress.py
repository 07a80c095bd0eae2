"""sumbench's one progress line, for the long steps: generation, judging, NLI scoring,
BERTScore encoding, and model loading.

On a terminal it is one line redrawn in place with ``\\r`` (at most ten times a second)::

    generating with hf:./model: 37/100 examples, 2.1/s, ETA 0:29

When stderr is not a terminal (a log file, CI) it never writes ``\\r``: it prints plain
lines, the first when the first item is done, then at most one every
:data:`PLAIN_INTERVAL_S` seconds, and a last one when the step ends (only that one when
the first update finishes the step), so a redirected stderr holds a few readable lines,
never one huge line of redraws.  A step that fails prints no last line (its error is
the line that matters), and nothing at all when it failed before its first item.  The format follows tqdm's (count, rate, ETA); the
code is sumbench's own, and third-party bars (transformers, huggingface_hub) are turned
off where models load (:func:`sumbench.common.checkpoint.quiet_loading`).

Progress goes to :func:`sumbench.common.terminal.progress_stream` (stderr without the
escaping wrapper: the line needs ``\\r``); the text is escaped here instead, since a
model's name comes from the user.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from types import TracebackType
from typing import Callable, Iterator, TextIO

from .terminal import escape_controls, progress_stream

PLAIN_INTERVAL_S = 15.0  # at most one plain line this often (stderr not a terminal)
TERMINAL_INTERVAL_S = 0.1  # at most this many redraws of the terminal line


def clock_text(seconds: float) -> str:
    """``0:29``, ``12:05``, ``1:02:03``."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or minimal stream
        return False


class Progress:
    """Progress of one step over ``total`` items (see the module docstring); use it as a
    context manager, call :meth:`update` as items finish, :meth:`note` to show a
    passing remark (a retry's wait) on the line."""

    def __init__(self, what: str, total: int | None, unit: str = "examples",
                 stream: TextIO | None = None, enabled: bool = True,
                 clock: Callable[[], float] = time.monotonic,
                 interval_s: float | None = None) -> None:
        self.what = escape_controls(what, newlines=True)
        self.total = total
        self.unit = unit
        self.stream = stream if stream is not None else progress_stream()
        self.enabled = enabled and (total is None or total > 0)  # None: not known ahead
        self.terminal = _is_terminal(self.stream)
        self.clock = clock
        self.interval_s = interval_s if interval_s is not None else (
            TERMINAL_INTERVAL_S if self.terminal else PLAIN_INTERVAL_S)
        self.done = 0
        self.started = clock()
        self._shown_at: float | None = None
        self._width = 0
        self._note = ""

    # -- reporting ---------------------------------------------------------------------
    def update(self, n: int = 1) -> None:
        """``n`` more items are done."""
        self.done += n
        if not self.enabled or (not self.terminal and self.total is not None
                                and self.done >= self.total):
            return  # (the last plain line is close()'s)
        now = self.clock()
        if self._shown_at is None or now - self._shown_at >= self.interval_s:
            self._show(self._status(now), now)

    def note(self, text: str) -> None:
        """Show ``text`` after the counts until the next item is done (on a terminal);
        a plain line of its own otherwise."""
        if not self.enabled:
            return
        text = escape_controls(text, newlines=True)
        if self.terminal:
            self._note = text
            now = self.clock()
            self._show(self._status(now), now)
        else:
            self._write(f"{self.what}: {text}\n")

    def close(self, succeeded: bool = True) -> None:
        """End the step: the final line when it succeeded (on a terminal the line is
        finished with a newline, or cleared when it failed)."""
        if not self.enabled:
            return
        self.enabled = False
        if succeeded and self.done:
            elapsed = self.clock() - self.started
            rate = self.done / elapsed if elapsed > 0 else 0.0
            line = (f"{self.what}: {self._count()} {self.unit} in "
                    f"{clock_text(elapsed)} ({rate:.1f}/s)")
            self._write(f"\r{line.ljust(self._width)}\n" if self.terminal else f"{line}\n")
        elif self.terminal and self._width:
            self._write("\r" + " " * self._width + "\r")

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close(succeeded=kind is None)

    # -- the line ----------------------------------------------------------------------
    def _status(self, now: float) -> str:
        elapsed = now - self.started
        text = f"{self.what}: {self._count()} {self.unit}"
        if self.done and elapsed > 0:
            rate = self.done / elapsed
            text += f", {rate:.1f}/s"
            if self.total is not None:
                text += f", ETA {clock_text((self.total - self.done) / rate)}"
        if self._note and self.terminal:
            text += f" ({self._note})"
            self._note = ""
        return text

    def _count(self) -> str:
        return f"{self.done}/{self.total}" if self.total is not None else str(self.done)

    def _show(self, line: str, now: float) -> None:
        self._shown_at = now
        if self.terminal:
            self._write("\r" + line.ljust(self._width))
            self._width = max(self._width, len(line))
        else:
            self._write(line + "\n")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # stderr closed or full: progress is not worth a failure
            self.enabled = False


@contextmanager
def loading(what: str, stream: TextIO | None = None,
            enabled: bool = True) -> Iterator[None]:
    """Around a model load: on a terminal ``loading WHAT ...`` while it runs; once it
    succeeded, one line ``loaded WHAT in 2.3 s`` (a load that fails prints nothing, so
    its error stays the only line)."""
    out = stream if stream is not None else progress_stream()
    terminal = enabled and _is_terminal(out)
    what = escape_controls(what, newlines=True)
    started = time.monotonic()
    shown = f"loading {what} ..."
    if terminal:
        _quiet_write(out, shown)
    try:
        yield
    except BaseException:
        if terminal:
            _quiet_write(out, "\r" + " " * len(shown) + "\r")
        raise
    if enabled:
        line = f"loaded {what} in {time.monotonic() - started:.1f} s"
        _quiet_write(out, ("\r" + line.ljust(len(shown)) if terminal else line) + "\n")


def _quiet_write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass


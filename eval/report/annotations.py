"""GitHub Actions workflow commands (``::error title=...::message``) for the gate.

The one escaping function of this format is :func:`annotation`: GitHub's workflow-command
rules (``%``, CR and LF encoded in the message; ``:`` and ``,`` too in a property), so
a run name or reason from a file cannot end the command or forge another.  Follows
GitHub's documented "workflow commands" syntax, as ``actions/toolkit``'s ``core`` does.
"""

from __future__ import annotations

from typing import Sequence

from ..gate import GateResult


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, title: str, message: str) -> str:
    """A GitHub Actions workflow command (``::error title=...::message``), escaped."""
    return f"::{level} title={_escape_property(title)}::{_escape_data(message)}"


def gate_annotations(results: Sequence[GateResult]) -> list[str]:
    """One ``::notice`` per gated measure that passed and one ``::error`` per measure
    that regressed; with several systems each title names its run."""
    several = len(results) > 1
    lines = []
    for r in results:
        prefix = f"{r.current_label}: " if several else ""
        for o in r.outcomes:
            if o.passed:
                lines.append(annotation("notice", f"sumbench: {prefix}{o.metric} ok", o.reason))
            else:
                lines.append(annotation("error", f"sumbench: {prefix}{o.metric} regressed",
                                        o.reason))
    return lines

"""Declared options: one table row per option, turned into command-line flags and checked
values in one place.

Metrics and summarisers each declare the options they own as :class:`Option` rows
(``name`` is the key in the options mapping, the flag is ``--name-with-dashes``).  The
CLI (:func:`sumbench.eval.commands.options.add_option`; argparse stays in the commands)
adds every row as a flag whose default is ``None``, so that "not given" can be told
from "given"; an option given while none of its owners is in use is then a usage error,
never silently ignored (:func:`sumbench.eval.metrics.build_metrics`,
:func:`sumbench.summarize.base.get_summarizer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sumbench.common.errors import UsageError

ENVIRONMENT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class OptionError(UsageError, ValueError):
    """An option value has the wrong type or is out of range."""


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.lower() in ("1", "true", "yes", "on")
    raise ValueError(value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    return int(value)


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value)


def _to_str(value: Any) -> str:
    if not isinstance(value, (str, bytes)) and not hasattr(value, "__fspath__"):
        raise ValueError(value)
    return str(value)


def _to_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        raise ValueError(value)
    return tuple(v for v in items if v)


def _to_environment_name(value: Any) -> str:
    if not isinstance(value, str) or not ENVIRONMENT_NAME.fullmatch(value):
        raise ValueError(value)
    return value


_CONVERTERS: dict[str, Any] = {"int": _to_int, "float": _to_float, "str": _to_str,
                               "path": _to_str, "bool": _to_bool, "list": _to_list,
                               "envvar": _to_environment_name}


@dataclass(frozen=True)
class Option:
    """One option: its key, type (``int``, ``float``, ``str``, ``path``, ``bool``,
    ``list``: comma-separated names, or ``envvar``: the name of an environment variable,
    ``[A-Za-z_][A-Za-z0-9_]*``), default, help text and limits.  ``deprecated``: old
    names of the option, still accepted for one release with a warning (as keys, and as
    flags ``--old-name``)."""

    name: str
    type: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    metavar: str = ""
    deprecated: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def deprecated_flags(self) -> tuple[str, ...]:
        return tuple("--" + name.replace("_", "-") for name in self.deprecated)

    def parse(self, value: Any) -> Any:
        """``value`` converted to this option's type and checked (:class:`OptionError`)."""
        if value is None:
            return None
        try:
            converted = _CONVERTERS[self.type](value)
        except (TypeError, ValueError):
            if self.type == "envvar":  # the value may be the secret itself: never echo it
                raise OptionError(f"{self.flag}: expected the name of an environment variable "
                                  "(letters, digits and '_', not starting with a digit); "
                                  "export the key and give the variable's name") from None
            raise OptionError(f"{self.flag}: expected {self.type}, got {value!r}") from None
        if self.type == "list":
            bad = [v for v in converted if self.choices and v not in self.choices]
            if bad or not converted:
                raise OptionError(f"{self.flag}: unknown {', '.join(bad) or '(empty list)'}; "
                                  f"use {', '.join(self.choices) or 'one name or more'}")
            return converted
        if self.choices and converted not in self.choices:
            raise OptionError(f"{self.flag}: expected one of {', '.join(self.choices)}, "
                              f"got {value!r}")
        if self.minimum is not None and converted < self.minimum:
            raise OptionError(f"{self.flag}: must be >= {self.minimum:g}, got {value!r}")
        return converted


def given_options(namespace: object, options: tuple[Option, ...] | list[Option]) -> dict[str, Any]:
    """The options of ``options`` set on ``namespace`` (parsed command-line arguments),
    leaving out those that were not given (``None``)."""
    return {o.name: getattr(namespace, o.name) for o in options
            if getattr(namespace, o.name, None) is not None}

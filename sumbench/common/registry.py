"""One registry type for every table that finds something by name.

A :class:`Registry` maps a name to a lazy ``"module:object"`` target (or to the object
itself), so listing the names imports nothing; the target's module is imported on the
first :meth:`Registry.get` of that name.  This follows lm-evaluation-harness' registry
pattern (``lm_eval/api/registry.py`` and the ``"module:Class"`` strings of its model
table): one lookup, one unknown-name error that lists what exists, one load error that
names the target.  A registry may also read an entry-point group (plug-ins installed by
other packages); a built-in name wins a clash.

Names are usually plain keys; a registry built with ``patterns=True`` has regular
expressions as keys, and a name is found by full match (the summarisers' ``lead-\\d+``).

This module imports nothing from ``eval/`` or ``summarize/``: the error raised for an
unknown name is the class each table passes in (``error=``), so each side keeps its own
error family.
"""

from __future__ import annotations

import importlib
import re
from typing import Generic, Iterator, Mapping, TypeVar, Union

from sumbench.common.errors import UsageError

T = TypeVar("T")

__all__ = ["Registry", "RegistryLoadError", "load_target"]


class RegistryLoadError(UsageError, ImportError):
    """A registered ``"module:object"`` target that cannot be imported (the message
    names the target).  A usage error of the one family, and an :class:`ImportError`,
    so code that expects an import to fail still catches it."""


def load_target(target: str) -> object:
    """The object named by ``"module:object"`` (``"module:Outer.inner"`` walks
    attributes); :class:`RegistryLoadError` naming the target if it cannot be loaded."""
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        raise RegistryLoadError(f"{target!r} is not a 'module:object' target")
    try:
        found: object = importlib.import_module(module_name)
        for part in attribute.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as exc:
        raise RegistryLoadError(f"cannot load {target}: {exc}") from exc
    return found


class Registry(Generic[T]):
    """Names -> lazily loaded objects of type ``T``.

    ``kind`` labels the error messages (``"metric"`` gives ``unknown metric 'x'; known:
    rouge, ...``).  ``entries`` maps each built-in name to a ``"module:object"`` string or
    to the object itself; it is read, not copied, when the names are first needed.
    ``group`` is an entry-point group whose entries are added after the built-ins (a
    built-in name wins a clash).  ``error`` is the exception class raised for an unknown
    name; ``load_error`` the one raised when a target cannot be loaded (default:
    :class:`RegistryLoadError`, an :class:`ImportError`), with the message prefixed by
    ``"{kind} {name!r}: "``.  With ``check_name``, a loaded object's ``name`` attribute
    must equal its registered name (a plug-in registered under another name is refused,
    with ``load_error``).  ``patterns=True`` makes the keys regular expressions that a
    name must fully match; ``labels`` says how a key is shown in the list of known names
    (default: the key).
    """

    def __init__(
        self,
        kind: str,
        entries: Mapping[str, Union[str, T]],
        *,
        group: str | None = None,
        error: type[Exception] = LookupError,
        load_error: type[Exception] = RegistryLoadError,
        check_name: bool = False,
        patterns: bool = False,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.group = group
        self.error = error
        self.load_error = load_error
        self.check_name = check_name
        self.patterns = patterns
        self._builtins = entries
        self._labels = labels
        self._plugins: dict[str, str] | None = None

    # -- the names ---------------------------------------------------------------------

    def entries(self) -> dict[str, Union[str, T]]:
        """Every name -> its target: the built-ins, then the entry points (read once)."""
        found: dict[str, Union[str, T]] = dict(self._builtins)
        if self.group is not None:
            if self._plugins is None:
                from importlib.metadata import entry_points

                plugins: dict[str, str] = {}
                for entry in entry_points(group=self.group):
                    plugins.setdefault(entry.name, entry.value)
                self._plugins = plugins
            for name, target in self._plugins.items():
                found.setdefault(name, target)
        return found

    def names(self) -> list[str]:
        """Every registered name (keys, or patterns), built-ins first; imports nothing."""
        return list(self.entries())

    def known(self) -> str:
        """The names as the unknown-name error lists them."""
        labels = self._labels or {}
        return ", ".join(labels.get(name, name) for name in self.entries())

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.entries())

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        if self.patterns:
            return self._match(name) is not None
        return name in self.entries()

    def key(self, name: str) -> str:
        """The registered key for ``name`` (itself, or the pattern it matches); the
        unknown-name error (``error``) listing what exists otherwise."""
        found = self._match(name) if self.patterns else (name if name in self.entries() else None)
        if found is None:
            raise self.error(f"unknown {self.kind} {name!r}; known: {self.known()}")
        return found

    def _match(self, name: str) -> str | None:
        for pattern in self.entries():
            if re.fullmatch(pattern, name):
                return pattern
        return None

    def target(self, name: str) -> Union[str, T]:
        """What ``name`` is registered as (a ``"module:object"`` string or an object)."""
        return self.entries()[self.key(name)]

    # -- the objects -------------------------------------------------------------------

    def get(self, name: str) -> T:
        """The object registered as ``name``, its module imported on first use (Python
        keeps the module; the attribute is read on each call, so a patched module is seen)."""
        target = self.entries()[self.key(name)]
        if isinstance(target, str):
            try:
                loaded = load_target(target)
            except RegistryLoadError as exc:
                raise self.load_error(f"{self.kind} {name!r}: {exc}") from exc.__cause__
        else:
            loaded = target
        if self.check_name and getattr(loaded, "name", None) != name:
            raise self.load_error(f"{self.kind} {name!r}: {target} is named "
                                  f"{getattr(loaded, 'name', None)!r}")
        return loaded  # type: ignore[return-value]

    def clear(self) -> None:
        """Forget the entry points read (they are read again when next needed)."""
        self._plugins = None

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {self.names()!r})"

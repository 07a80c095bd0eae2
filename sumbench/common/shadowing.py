"""Detecting a folder that shadows the installed ``sumbench`` package.

A folder named ``sumbench`` without an ``__init__.py`` (a clone of the repository, or
any other folder of that name) in the current directory, or anywhere on ``sys.path``
before an editable install's import hook, is imported by Python as an empty *namespace
package* (PEP 420): ``import sumbench`` then succeeds, and ``sumbench.run`` fails with a
bare ``AttributeError``.  sumbench's own ``__init__.py`` never runs in that case, but its
submodules are still found through the editable install's hook, so the entry points
(``sumbench`` and ``python -m sumbench``, both :mod:`sumbench.__main__`) and
``sumbench.eval`` call :func:`shadowing_problem` first and say what happened.
"""

from __future__ import annotations

import sys

from .errors import UsageError


def shadowing_problem() -> str | None:
    """What shadows the ``sumbench`` package, in words; ``None`` when the imported
    ``sumbench`` is the real package (it has an ``__init__.py``)."""
    package = sys.modules.get("sumbench")
    if package is None or getattr(package, "__file__", None) is not None:
        return None
    folders = list(dict.fromkeys(str(p) for p in getattr(package, "__path__", [])))
    where = (f"the folder {folders[0]}" if len(folders) == 1
             else f"the folders {', '.join(folders)}" if folders else "a folder on sys.path")
    return (f"{where} shadows the sumbench package: Python imported it as an "
            "empty namespace package (no __init__.py), so none of sumbench's names "
            "exist; run from another directory, or rename that folder, or remove it from "
            "sys.path / PYTHONPATH")


class ShadowedPackageError(UsageError, ImportError):
    """Raised when ``sumbench.eval`` is imported while a namespace package shadows
    ``sumbench`` (see :func:`shadowing_problem`): a usage error of sumbench's one family,
    and an ``ImportError`` to code that guards the import."""


def check_not_shadowed() -> None:
    """Raise :class:`ShadowedPackageError` if a folder shadows the package."""
    problem = shadowing_problem()
    if problem is not None:
        raise ShadowedPackageError(f"sumbench: {problem}")

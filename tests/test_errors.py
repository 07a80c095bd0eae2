"""One error family (issue 19): every exception sumbench defines derives from the one root
in ``sumbench/common/errors.py``, carries its exit status, and reaches the CLI as one
line; ``sumbench/common/`` imports nothing from ``eval/`` or ``summarize/``."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import sumbench
import sumbench.eval
import sumbench.summarize
from cli_util import one_error_line, sumbench as run_sumbench
from sumbench.common import errors
from sumbench.common.errors import SumbenchError

ROOT = Path(__file__).resolve().parents[1]
COMMON = Path(sumbench.__file__).resolve().parent / "common"


def sumbench_modules() -> list[str]:
    """Every module of the installed package, ``eval`` and ``summarize`` included (with
    ``package-dir`` they are not below ``sumbench/`` in an editable install)."""
    names: set[str] = set()
    for package in (sumbench, sumbench.eval, sumbench.summarize):
        names.add(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            names.add(info.name)
    return sorted(names)


def exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined (not only imported) in a sumbench module; a module
    whose optional dependency is not installed is left out."""
    found: dict[str, type[BaseException]] = {}
    for name in sumbench_modules():
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional extra (torch, transformers...) not installed
            continue
        for obj in vars(module).values():
            if (inspect.isclass(obj) and issubclass(obj, BaseException)
                    and obj.__module__ == module.__name__):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def outside_family(classes: dict[str, type[BaseException]]) -> list[str]:
    return sorted(name for name, cls in classes.items() if not issubclass(cls, SumbenchError))


def test_every_sumbench_exception_derives_from_the_one_root() -> None:
    classes = exception_classes()
    # the walk reaches every layer, or the test could not fail
    modules = {cls.__module__ for cls in classes.values()}
    assert {"sumbench.common.errors", "sumbench.summarize.transport",
            "sumbench.summarize.base"} <= modules, modules
    assert outside_family(classes) == []
    roots = {cls for cls in classes.values()
             if not any(issubclass(base, SumbenchError) for base in cls.__bases__)}
    assert roots == {SumbenchError}


def test_the_family_check_can_fail() -> None:
    class Stray(Exception):
        pass

    class Fine(errors.UsageError, ValueError):
        pass

    assert outside_family({"x.Stray": Stray, "x.Fine": Fine}) == ["x.Stray"]


def test_exit_status_and_kinds() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        if inspect.isclass(cls):
            assert cls.exit_code == 2, name
    eval_errors = summarize_errors = errors  # one module holds the whole family
    from sumbench.summarize.base import UnknownSummarizerError
    from sumbench.summarize.transport import HttpStatus, TransportError

    assert not (Path(__file__).resolve().parents[1] / "eval" / "errors.py").exists()
    assert not (Path(__file__).resolve().parents[1] / "summarize" / "errors.py").exists()
    assert issubclass(summarize_errors.ModelLoadError, errors.ModelError)
    assert issubclass(errors.ModelError, eval_errors.InputError)
    assert issubclass(summarize_errors.ApiError, errors.ServerError)
    assert issubclass(TransportError, errors.ServerError)
    assert issubclass(HttpStatus, errors.ServerError)
    assert issubclass(summarize_errors.SummarizerOptionError, eval_errors.UsageError)
    assert issubclass(summarize_errors.SummarizerOptionError, ValueError)
    assert issubclass(UnknownSummarizerError, eval_errors.UsageError)
    assert summarize_errors.SummarizerError.__mro__[1] is eval_errors.SumbenchError


def test_reworded_keeps_class_attributes_and_exit_status() -> None:
    from sumbench.summarize.transport import HttpStatus

    error = errors.ApiAuthError("HTTP 401: bad key", status=401)
    again = error.reworded("judge: HTTP 401: bad key")
    assert type(again) is errors.ApiAuthError and again.status == 401
    assert str(again) == "judge: HTTP 401: bad key" and str(error) == "HTTP 401: bad key"
    status = HttpStatus(503, None, b"busy").reworded("x")  # __init__ of its own
    assert (type(status), status.code, status.body, str(status)) == (HttpStatus, 503, b"busy", "x")
    with pytest.raises(errors.OfflineError, match="^--m: hf:a: offline$"):
        with errors.rewording(lambda exc: f"--m: {exc}"):
            raise errors.OfflineError("hf:a: offline")
    with pytest.raises(errors.InputError, match="^untouched$"):  # not of the class named
        with errors.rewording(lambda exc: f"--m: {exc}", errors.SummarizerError):
            raise errors.InputError("untouched")


def _imported_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def test_common_imports_nothing_from_eval_or_summarize() -> None:
    files = sorted(COMMON.glob("*.py"))
    assert COMMON / "errors.py" in files
    for path in files:
        for name in _imported_names(path):
            assert not name.startswith(("sumbench.eval", "sumbench.summarize", "..")), \
                (path.name, name)
    # and at run time: importing every common module loads neither layer
    code = ("import sys, importlib, pkgutil, sumbench.common as c\n"
            "for m in pkgutil.iter_modules(c.__path__): importlib.import_module('sumbench.common.' + m.name)\n"
            "print(sorted(n for n in sys.modules if n.startswith(('sumbench.eval', 'sumbench.summarize'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout


@pytest.mark.parametrize(("summarizer", "message"), [
    ("lead-0", "summarizer 'lead-0': lead-k needs k >= 1, got 'lead-0'"),
    ("oracle-0", "summarizer 'oracle-0': oracle-k needs k >= 1, got 'oracle-0'"),
    ("lexrank-0", "summarizer 'lexrank-0': lexrank needs k >= 1, got 'lexrank-0'"),
    ("hf:/nonexistent/sumbench-model", "summarizer 'hf:/nonexistent/sumbench-model': "
                                       "hf:/nonexistent/sumbench-model: no such file"),
])
def test_summarizer_errors_reach_the_cli_as_one_line(tmp_path: Path, summarizer: str,
                                                     message: str) -> None:
    """Summariser errors are caught by the CLI as the root: no translation on the way."""
    out = tmp_path / "out"
    result = run_sumbench("run", "--summarizer", summarizer, "--limit", "2", "-o", out)
    line = one_error_line(result, message)
    assert line.startswith(f"sumbench: error: {message}")
    assert not out.exists()

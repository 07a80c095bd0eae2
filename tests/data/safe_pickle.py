"""Reading a released pickle without running it: a restricted unpickler for the converters.

A pickle is a small program: ``pickle.load`` calls whatever callable its GLOBAL /
STACK_GLOBAL opcodes name, so a hostile ``scores.pkl`` could run ``os.system``. Plain
containers, numbers and strings have opcodes of their own and need no callable at all,
so ``load_plain_pickle`` admits none -- with one narrow exception that REALSumm's
``scores_dicts/*.pkl`` need: a numpy float scalar (``numpy.float64`` / ``numpy.float32``),
pickled as ``numpy.core.multiarray.scalar(numpy.dtype("f8"), <8 bytes>)``. Even for
those two names numpy's own callables are never handed out: find_class returns the
stand-ins below, which only decode a little- or big-endian IEEE float from its bytes
with ``struct`` and return a Python ``float``. Everything else (``os.system``,
``builtins.eval``, other dtypes, numpy arrays, any class) is refused with
``pickle.UnpicklingError``, and what comes back is checked to be plain data.

Follows the "Restricting Globals" recipe of the Python documentation (``pickle`` module).
"""

from __future__ import annotations

import io
import pickle
import struct
from pathlib import Path
from typing import Any

# numpy 1.x pickles name numpy.core.multiarray, numpy 2.x numpy._core.multiarray.
_SCALAR = {("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}
_DTYPE = ("numpy", "dtype")
_FLOAT_CODES = {"f8": "d", "f4": "f"}  # numpy dtype name -> struct format
_BYTE_ORDERS = {"<": "<", ">": ">"}
_PLAIN = (dict, list, tuple, str, int, float, bool, type(None))


class _FloatDType:
    """Stand-in for ``numpy.dtype(name, align, copy)`` admitting only f8 and f4."""

    def __init__(self, name: object, align: object = False, copy: object = False) -> None:
        if name not in _FLOAT_CODES:
            raise pickle.UnpicklingError(f"numpy dtype {name!r} refused (only f8 and f4 are read)")
        self.code = _FLOAT_CODES[str(name)]
        self.order = ""

    def __setstate__(self, state: object) -> None:
        # numpy's dtype state: (version, byte order, subarray, names, fields, ...).
        if not (isinstance(state, tuple) and len(state) >= 2 and state[1] in _BYTE_ORDERS):
            raise pickle.UnpicklingError(f"numpy dtype state {state!r} refused")
        self.order = _BYTE_ORDERS[state[1]]


def _float_scalar(dtype: object, data: object) -> float:
    """Stand-in for ``numpy.core.multiarray.scalar``: a float from its bytes, nothing else."""
    if not isinstance(dtype, _FloatDType) or not dtype.order or not isinstance(data, bytes):
        raise pickle.UnpicklingError("numpy scalar refused: only f8/f4 floats given as bytes are read")
    fmt = dtype.order + dtype.code
    if len(data) != struct.calcsize(fmt):
        raise pickle.UnpicklingError(f"numpy scalar of {len(data)} bytes refused")
    return float(struct.unpack(fmt, data)[0])


class PlainUnpickler(pickle.Unpickler):
    """An unpickler whose find_class hands out nothing but the two float stand-ins."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SCALAR:
            return _float_scalar
        if (module, name) == _DTYPE:
            return _FloatDType
        raise pickle.UnpicklingError(
            f"refused {module}.{name}: only plain containers, numbers, strings and numpy "
            "float scalars are read")


def _check_plain(value: object) -> None:
    stack, seen = [value], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:  # a pickle can make a list that contains itself
            continue
        seen.add(id(item))
        if not isinstance(item, _PLAIN):
            raise pickle.UnpicklingError(f"refused a {type(item).__name__} in the pickle's data")
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def loads_plain_pickle(data: bytes) -> Any:
    """The data in the pickle ``data`` (bytes, e.g. a zip member), refused as
    :func:`load_plain_pickle` refuses it."""
    value = PlainUnpickler(io.BytesIO(data)).load()
    _check_plain(value)
    return value


def load_plain_pickle(path: Path) -> Any:
    """The data in the pickle at ``path``; ``pickle.UnpicklingError`` for anything that
    is not plain data (the pickle's code is never run)."""
    with open(path, "rb") as handle:
        data = PlainUnpickler(handle).load()
    _check_plain(data)
    return data

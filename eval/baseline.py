"""The baseline system of a comparison: which run the others are compared against.

``compare`` and ``report`` compare every system with one run, the **baseline**.  By
default it is the first run given (a study's first system, as ``study.json`` lists
them); ``--baseline-system NAME`` (``baseline=`` in the API) chooses another by the name
the tables show (:func:`sumbench.eval.compare.unique_names`: the run name, with the
folder added where two runs share a name) or by its plain run name when that is
unique.  The chosen run is moved to the front, so every later step sees "the first
run" as before, and the reports say which system is the baseline and why.  An unknown
name is a usage error that lists the known names (the first :data:`SHOWN` of them when
there are more).
"""

from __future__ import annotations

from typing import Sequence

from sumbench.common.errors import UsageError
from .compare import RunLike, as_run, unique_names
from .runs.run import Run

SHOWN = 12


def known_names(names: Sequence[str], shown: int = SHOWN) -> str:
    """``names`` as a comma-separated list, shortened to ``shown`` names and a count."""
    listed = ", ".join(names[:shown])
    rest = len(names) - shown
    return listed + (f" and {rest} more" if rest > 0 else "")


def baseline_index(runs: Sequence[Run], name: str) -> int:
    """The position of the run called ``name`` (shown name, or unique run name)."""
    shown = unique_names(runs)
    if name in shown:
        return shown.index(name)
    plain = [k for k, run in enumerate(runs) if run.name == name]
    if len(plain) == 1:
        return plain[0]
    if plain:
        raise UsageError(f"--baseline-system {name!r}: {len(plain)} runs have that name; "
                         f"name one as the tables do: {known_names([shown[k] for k in plain])}")
    raise UsageError(f"--baseline-system {name!r}: no such system among the {len(runs)} "
                     f"runs (known: {known_names(shown)})")


def with_baseline_first(runs: Sequence[RunLike], name: str | None) -> list[Run]:
    """``runs`` with the baseline ``name`` moved to the front (``None``: unchanged)."""
    data = [as_run(r) for r in runs]
    if name is None:
        return data
    k = baseline_index(data, name)
    return [data[k], *data[:k], *data[k + 1:]]

"""The console tables: one block per metric of a run (a row per measure with each
component's mean and the headline's interval, then the metric's signature, as sacrebleu
prints its signature), side-by-side runs, diagnostics and warnings.  Text from data goes
through :func:`sumbench.common.terminal.escape_controls` (tables through ``grid``), so a
name or signature stays on its line and cannot forge one."""

from __future__ import annotations

from typing import Mapping, Sequence

from sumbench.common.terminal import escape_controls
from ..notices import Notice
from .tables import grid, metric_table, side_by_side_rows
from ..runs.run import Run


def score_table(run: Run, title: str) -> str:
    """The tables of one run, a signature under each metric's."""
    lines = [escape_controls(title, newlines=True)]
    for result in run.metrics.values():
        header, rows = metric_table(result)
        lines += [""] + grid(header, rows, right=set(range(1, len(header))))
        lines += ["", f"signature: {escape_controls(str(result.signature), newlines=True)}"]
    return "\n".join(lines)


def notice_lines(notices: Sequence[Notice]) -> list[str]:
    """Warnings as lines for stderr."""
    return [f"sumbench: warning: {escape_controls(n.message, newlines=True)}" for n in notices]


def diagnostics_table(columns: Mapping[str, Mapping[str, float | None]]) -> str:
    """Aggregated summary diagnostics (means over examples), one column per system."""
    from ..diagnostics import DIAGNOSTIC_FIELDS, format_diagnostic

    width = max(len(label) for _, label in DIAGNOSTIC_FIELDS)
    names = [escape_controls(name, newlines=True) for name in columns]
    cell = max(9, *(len(n) for n in names))
    lines = [f"{'diagnostics (mean over examples)':<{width}}  "
             + " ".join(f"{name:>{cell}}" for name in names)]
    for key, label in DIAGNOSTIC_FIELDS:
        cells = " ".join(f"{format_diagnostic(key, means.get(key)):>{cell}}"
                         for means in columns.values())
        lines.append(f"{label:<{width}}  {cells}")
    return "\n".join(lines)


def side_by_side(runs: Sequence[Run], names: Sequence[str]) -> str:
    """The headline mean and interval of every measure, one row per run, then the
    signatures (runs scored by ``run --baselines`` share them)."""
    measures = runs[0].measure_refs()
    header, rows = side_by_side_rows(runs, names, measures)
    lines = ["mean (points) with confidence interval", ""]
    lines += grid(header, rows, right=set(range(1, len(header))))
    lines.append("")
    lines += [f"signature: {escape_controls(str(result.signature), newlines=True)}"
              for result in runs[0].metrics.values()]
    return "\n".join(lines)

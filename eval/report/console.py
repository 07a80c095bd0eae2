"""The console tables: one block per metric of a run (a row per measure with each
component's mean and the headline's interval, then the metric's signature, as sacrebleu
prints its signature), side-by-side runs, diagnostics and warnings.  Text from data goes
through :func:`sumbench.common.terminal.escape_controls` (tables through ``grid``), so a
name or signature stays on its line and cannot forge one."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from sumbench.common.terminal import escape_controls
from ..notices import Notice, study_notices
from .by_language import language_text
from .tables import grid, metric_table, side_by_side_rows, units_line
from ..runs.run import Run


def score_table(run: Run, title: str) -> str:
    """The tables of one run, a signature under each metric's, then the per-language
    tables when its examples carry languages (:mod:`~sumbench.eval.report.by_language`)."""
    lines = [escape_controls(title, newlines=True)]
    for result in run.metrics.values():
        header, rows = metric_table(result)
        lines += [""] + grid(header, rows, right=set(range(1, len(header))))
        lines += ["", f"signature: {escape_controls(str(result.signature), newlines=True)}"]
    lines += language_text(run)
    return "\n".join(lines)


def notice_lines(notices: Sequence[Notice]) -> list[str]:
    """Warnings as lines for stderr."""
    return [f"sumbench: warning: {escape_controls(n.message, newlines=True)}" for n in notices]


def study_notice_lines(runs: Sequence[Run]) -> list[str]:
    """A study's warnings as lines for stderr: each distinct one once, with the systems
    it concerns (``(in 16 of 16 systems)``, ``(in 2 of 16 systems: M3, M7)``)."""
    return [f"sumbench: warning: {escape_controls(n.message, newlines=True)} "
            f"({n.systems_text()})"
            for n in study_notices([(run.name, run.all_notices()) for run in runs])]


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
    units = escape_controls(units_line(runs), newlines=True)  # units are read from files
    lines = [f"mean with confidence interval ({units})", ""]
    lines += grid(header, rows, right=set(range(1, len(header))))
    lines.append("")
    lines += [f"signature: {escape_controls(str(result.signature), newlines=True)}"
              for result in runs[0].metrics.values()]
    return "\n".join(lines)


def run_text(run: Run, title: str, folder: str | Path | None = None) -> str:
    """What ``sumbench run``/``score`` print for one run: its tables under ``title``
    (names from files: escaped), the diagnostics when computed, and the run folder."""
    parts = [score_table(run, escape_controls(title, newlines=True))]
    if run.diagnostics_mean is not None:
        parts += ["", diagnostics_table({run.name: run.diagnostics_mean})]
    if folder:
        parts.append(f"run folder: {folder}")
    return "\n".join(parts)


def study_text(runs: Sequence[Run], described: str, diagnostics: bool = False,
               folder: str | Path | None = None) -> str:
    """What ``sumbench run``/``score`` print for several systems on one reference set:
    their headline means side by side, the diagnostics, and the study folder."""
    parts = [f"{len(runs)} systems on {described}\n", side_by_side(runs, [r.name for r in runs])]
    if diagnostics:
        parts += ["", diagnostics_table({run.name: run.diagnostics_mean or {} for run in runs})]
    if folder:
        parts.append(f"study folder: {folder} (study.json and one run folder per system)")
    return "\n".join(parts)


def verdict_text(result) -> str:
    """A gate verdict (:class:`~sumbench.eval.gate.GateResult`): one line per gated
    measure, notes, the tally and the signature; every value stays on its line."""
    safe = escape_controls
    lines = [safe(f"sumbench check: {result.current_label} against baseline "
                  f"{result.baseline_label} ({result.examples} examples)", newlines=True)]
    for o in result.outcomes:
        lines.append(f"  {'PASS' if o.passed else 'FAIL'}  {safe(o.reason, newlines=True)}")
    for note in result.notes:
        lines.append(f"  note: {safe(note, newlines=True)}")
    failed, total = len(result.failures), len(result.outcomes)
    lines.append(f"FAILED: {failed} of {total} gated measures regressed" if failed
                 else f"PASSED: no regression in {total} gated measure{'s' if total != 1 else ''}")
    lines += [f"signature: {s}" for s in result.signature.split("\n")]
    return "\n".join(lines)

"""The numbers every presentation shows, as rows of strings: one table per metric of a
run (its measures, each component's mean and the headline's interval), and one row per
run of headline means side by side.  Console, Markdown and HTML lay these rows out;
none of them knows a metric.

Values are shown on the metric's display scale (``MetricInfo.scale``: ROUGE's fractions
x 100, as papers report them) with two decimals, and every table names that scale's unit
beside the metric (``MetricInfo.unit_text()``: ``rouge (points)``, ``judge (1 to 5)``).
"""

from __future__ import annotations

from typing import Sequence

from ..runs.run import MeasureRef, MetricResult, Run, label
from ..stats.interval import Interval


def number(value: float, scale: float) -> str:
    """A value on its display scale, two decimals (``0.4503`` at scale 100 -> ``45.03``)."""
    return f"{scale * value:.2f}"


def interval_text(interval: Interval, scale: float, signed: bool = False) -> str:
    fmt = "{:+.2f}" if signed else "{:.2f}"
    return f"[{fmt.format(scale * interval.low)}, {fmt.format(scale * interval.high)}]"


def confidence_label(result: MetricResult) -> str:
    """``95% CI`` (the metric's own level), or ``CI`` when its signature has none."""
    level = result.signature.confidence
    return f"{level * 100:g}% CI" if level is not None else "CI"


def components_of(result: MetricResult) -> list[str]:
    """Every component of the metric's measures, in order of first appearance."""
    return list(dict.fromkeys(c for comps in result.columns.values() for c in comps))


def metric_title(result: MetricResult) -> str:
    """The metric's name with the unit of its numbers: ``rouge (points)``."""
    return f"{result.name} ({result.info.unit_text()})"


def units_line(runs: Sequence[Run]) -> str:
    """The unit of each metric of ``runs``, for tables mixing metrics:
    ``rouge: points; judge: 1 to 5``."""
    units = {name: result.info.unit_text() for run in runs
             for name, result in run.metrics.items()}
    return "; ".join(f"{name}: {unit}" for name, unit in units.items())


def metric_table(result: MetricResult, labels: dict[str, str] | None = None) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)`` for one metric: the metric and its unit, then per measure each
    component's mean and the interval of the headline component.  ``labels`` renames
    measures (qualified names)."""
    info = result.info
    components = components_of(result)
    headline = info.label(info.headline) if info.headline in components else "headline"
    header = [metric_title(result)] + [info.label(c) for c in components] + \
        [f"{confidence_label(result)} of {headline}"]
    rows = []
    for measure, comps in result.scores.items():
        cells = [labels.get(measure, measure) if labels else measure]
        cells += [number(comps[c].mid, info.scale) if c in comps else "" for c in components]
        cells.append(interval_text(comps[result.headline(measure)], info.scale))
        rows.append(cells)
    return header, rows


def headline_cell(run: Run, ref: MeasureRef) -> str:
    """``mean [low, high]`` of the measure's headline component."""
    result = run.metrics[ref.metric]
    interval = result.scores[ref.measure][result.headline(ref.measure)]
    return f"{number(interval.mid, result.info.scale)} {interval_text(interval, result.info.scale)}"


def side_by_side_rows(runs: Sequence[Run], names: Sequence[str],
                      measures: Sequence[MeasureRef]) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)``: one row per run, one ``mean [CI]`` cell per measure."""
    header = ["run"] + [label(ref, measures) for ref in measures]
    rows = [[name] + [headline_cell(run, ref) for ref in measures]
            for run, name in zip(runs, names)]
    return header, rows


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int],
         rule: str = "-") -> list[str]:
    """Aligned plain-text columns with a rule under the header; a newline, tab or other
    control character in a cell (a run or system name read from a file) is written as
    ``\\uXXXX``, so that every row stays one line."""
    from sumbench.common.terminal import escape_controls

    table = [[escape_controls(c, newlines=True) for c in r] for r in [header, *rows]]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = []
    for k, row in enumerate(table):
        cells = [c.rjust(w) if i in right else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join(rule * w for w in widths))
    return lines

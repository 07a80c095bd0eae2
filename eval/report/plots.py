"""Plots for the HTML report, as PNG ``data:`` URIs (matplotlib, Agg canvas, no pyplot).

matplotlib is an optional extra (``pip install 'sumbench[report]'``) and is imported
inside each function, through the object-oriented API (``matplotlib.figure.Figure`` on a
``backend_agg.FigureCanvasAgg``), so building a report never changes the caller's
pyplot backend or global state.  PNGs are written without a ``Software`` tag, so the
same data gives the same bytes for a given matplotlib version.

For a few runs (up to :data:`FEW`): score distributions (one histogram panel per measure,
one outline per run), a measure against summary length (scatter, one colour per run) and
the comparison chart (grouped bars of each measure's mean per run, the runs' intervals as
error bars).  For more runs (studies of 16 or 25 systems) colours and legends stop
working, so every figure gives each system its own row, labelled on the axis and sorted
by the ranking measure: a forest plot of each measure's mean and interval, box plots of
the per-example scores, and the mean summary length.  Row height grows with the number
of systems, so no two labels overlap and no legend covers data.
For ``sumbench meta``: the heatmap of correlations (metrics x judgments, a panel
per level).  Every label from data (names, measures, judgments) goes through
:func:`sumbench.eval.report.escape.mathtext.escape_mathtext`: a ``$`` in a name is drawn,
not read as mathtext.
"""

from __future__ import annotations

import base64
import io
import warnings
from typing import Sequence

import numpy as np

from sumbench.common.errors import UsageError
from .escape.mathtext import escape_mathtext as _text
from ..stats.interval import Interval

# Colour-blind-safe palette (Okabe & Ito 2008): one colour per run for up to FEW runs.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FEW = len(PALETTE)
ROW_INCHES = 0.3


def _figure(width: float, height: float):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError("the HTML report draws its plots with matplotlib, which is not "
                         "installed: pip install 'sumbench[report]'") from None
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _data_uri(figure) -> str:
    buffer = io.BytesIO()
    # matplotlib's layout notes are not the user's warnings: a glyph a name needs that the
    # font lacks is drawn as a box, and a crowded figure keeps its default layout
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        warnings.filterwarnings("ignore", message="constrained_layout not applied")
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _style(ax) -> None:
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def score_histograms(names: Sequence[str], scores: Sequence[dict[str, np.ndarray]],
                     measures: Sequence[str], ranges: Sequence[tuple[float, float] | None]) -> str:
    """Histogram of per-example values (display units) per measure, one outline per run;
    ``scores[i][measure]`` is one value per example; ``ranges[k]`` bounds measure ``k``'s
    axis (``None``: the data's range)."""
    columns = 2 if len(measures) > 1 else 1
    rows = -(-len(measures) // columns)
    figure = _figure(9.0, 2.6 * rows + 0.4)
    axes = figure.subplots(rows, columns, squeeze=False)
    for k, (measure, bounds) in enumerate(zip(measures, ranges)):
        ax = axes[k // columns][k % columns]
        if bounds is None:
            values = np.concatenate([s[measure] for s in scores])
            bounds = (float(values.min()), float(values.max()) or 1.0)
            if bounds[0] == bounds[1]:
                bounds = (bounds[0] - 0.5, bounds[1] + 0.5)
        bins = np.linspace(bounds[0], bounds[1], 21)
        for i, (name, per_example) in enumerate(zip(names, scores)):
            values = per_example[measure]
            ax.hist(values, bins=bins, histtype="stepfilled", alpha=0.25, color=_colour(i))
            ax.hist(values, bins=bins, histtype="step", linewidth=1.6, color=_colour(i),
                    label=f"{_text(name)} (mean {values.mean():.1f})")
        ax.set_title(_text(measure), fontsize=11)
        ax.set_xlabel("score (points)")
        ax.set_ylabel("examples")
        ax.set_xlim(*bounds)
        ax.legend(fontsize=8, frameon=False)
        _style(ax)
    for k in range(len(measures), rows * columns):
        axes[k // columns][k % columns].set_visible(False)
    return _data_uri(figure)


def length_scatter(names: Sequence[str], lengths: Sequence[np.ndarray],
                   values: Sequence[np.ndarray], measure: str) -> str:
    """Per-example values of ``measure`` (display units) against the summary's length."""
    figure = _figure(9.0, 4.0)
    ax = figure.subplots()
    for i, (name, x, y) in enumerate(zip(names, lengths, values)):
        ax.scatter(x, np.asarray(y), s=22, alpha=0.75, color=_colour(i),
                   edgecolors="white", linewidths=0.5, label=_text(name))
    ax.set_xlabel("summary length (words)")
    ax.set_ylabel(f"{_text(measure)} (points)")
    ax.set_xlim(left=0)
    ax.legend(fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _style(ax)
    return _data_uri(figure)


def comparison_chart(names: Sequence[str], values: Sequence[Sequence[Interval]],
                     measures: Sequence[str]) -> str:
    """Grouped bars: the mean of each measure for each run (display units), error bars
    from its interval; ``values[i][k]`` is run ``i``'s interval on measure ``k``."""
    figure = _figure(9.0, 3.8)
    ax = figure.subplots()
    x = np.arange(len(measures))
    width = 0.8 / max(1, len(names))
    for i, (name, intervals) in enumerate(zip(names, values)):
        mids = np.array([v.mid for v in intervals])
        errors = np.array([[v.mid - v.low for v in intervals], [v.high - v.mid for v in intervals]])
        offset = (i - (len(names) - 1) / 2) * width
        bars = ax.bar(x + offset, mids, width * 0.92, color=_colour(i), label=_text(name),
                      yerr=np.clip(errors, 0, None), capsize=3,
                      error_kw={"elinewidth": 1, "ecolor": "#333333"})
        ax.bar_label(bars, labels=[f"{m:.1f}" for m in mids], fontsize=8, color="white",
                     label_type="center")
    ax.set_xticks(x, [_text(m) for m in measures])
    ax.set_ylabel("mean (points)")
    ax.set_title("Mean of each measure with its confidence interval", fontsize=11)
    ax.margins(y=0.15)
    ax.legend(fontsize=9, frameon=False, ncols=min(4, len(names)), loc="upper right")
    _style(ax)
    return _data_uri(figure)


def _rows_figure(count: int, panels: int, width: float = 9.0):
    figure = _figure(width, max(2.5, ROW_INCHES * count + 1.2))
    return figure, figure.subplots(1, panels, sharey=True, squeeze=False)[0]


def forest_chart(names: Sequence[str], values: Sequence[Sequence[Interval]],
                 measures: Sequence[str]) -> str:
    """:func:`forest_figure` as a PNG data URI."""
    return _data_uri(forest_figure(names, values, measures))


def forest_figure(names: Sequence[str], values: Sequence[Sequence[Interval]],
                  measures: Sequence[str]):
    """One row per system (in the given order, best first), one panel per measure (at
    most four): the mean (display units) as a dot and its interval as a line."""
    panels = min(len(measures), 4)
    figure, axes = _rows_figure(len(names), panels)
    y = np.arange(len(names))[::-1]
    for k, ax in enumerate(axes):
        mids = np.array([v[k].mid for v in values])
        low = np.array([v[k].low for v in values])
        high = np.array([v[k].high for v in values])
        ax.hlines(y, low, high, color=PALETTE[0], linewidth=1.6)
        ax.plot(mids, y, "o", color=PALETTE[0], markersize=4)
        ax.set_title(_text(measures[k]), fontsize=10)
        ax.set_xlabel("mean (points)")
        _style(ax)
    axes[0].set_yticks(y, [_text(n) for n in names], fontsize=8)
    axes[0].set_ylim(-0.7, len(names) - 0.3)
    return figure


def box_chart(names: Sequence[str], values: Sequence[np.ndarray], measure: str) -> str:
    """One row per system: a box plot of its per-example values (display units)."""
    figure, axes = _rows_figure(len(names), 1)
    ax = axes[0]
    y = np.arange(len(names))[::-1]
    ax.boxplot([np.asarray(v) for v in values], positions=y, vert=False, widths=0.6,
               showfliers=False, medianprops={"color": PALETTE[1]})
    ax.set_yticks(y, [_text(n) for n in names], fontsize=8)
    ax.set_xlabel(f"{_text(measure)} per example (points)")
    _style(ax)
    return _data_uri(figure)


def length_chart(names: Sequence[str], lengths: Sequence[np.ndarray]) -> str:
    """One row per system: its mean summary length in words, with the quartiles."""
    figure, axes = _rows_figure(len(names), 1)
    ax = axes[0]
    y = np.arange(len(names))[::-1]
    means = [float(np.mean(v)) for v in lengths]
    q1 = [float(np.percentile(v, 25)) for v in lengths]
    q3 = [float(np.percentile(v, 75)) for v in lengths]
    ax.barh(y, means, color=PALETTE[4], height=0.6)
    ax.hlines(y, q1, q3, color="#333333", linewidth=1.2)
    ax.set_yticks(y, [_text(n) for n in names], fontsize=8)
    ax.set_xlabel("summary length in words (bar: mean; line: quartiles)")
    _style(ax)
    return _data_uri(figure)


def correlation_heatmap(metrics: Sequence[str], judgments: Sequence[str],
                        panels: Sequence[tuple[str, np.ndarray]], title: str) -> str:
    """Correlations as a diverging heatmap, metrics (rows) x judgments (columns), one
    panel per level; ``panels`` is ``(panel title, values of shape (metrics, judgments))``.
    The colour scale is fixed to [-1, 1] (red negative, blue positive) and every cell
    shows its value."""
    height = 0.9 + 0.32 * len(metrics)
    width = max(4.0, 1.6 + 1.05 * len(judgments) * len(panels) + 1.2 * len(panels))
    figure = _figure(min(width, 14.0), max(2.4, height))
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    image = None
    for k, (ax, (panel, values)) in enumerate(zip(axes, panels)):
        image = ax.imshow(values, cmap="RdBu", vmin=-1.0, vmax=1.0, aspect="auto")
        ax.set_xticks(range(len(judgments)), [_text(j) for j in judgments], rotation=30,
                      ha="right", fontsize=8)
        ax.set_yticks(range(len(metrics)),
                      [_text(m) for m in metrics] if k == 0 else [""] * len(metrics), fontsize=8)
        ax.set_title(_text(panel), fontsize=10)
        for i in range(len(metrics)):
            for j in range(len(judgments)):
                value = values[i, j]
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if abs(value) > 0.6 else "#1f2328")
    if image is not None:
        figure.colorbar(image, ax=list(axes), shrink=0.8, label="correlation")
    figure.suptitle(_text(title), fontsize=11)
    return _data_uri(figure)

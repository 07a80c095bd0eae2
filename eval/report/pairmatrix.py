"""The pairwise significance matrix of a leaderboard: every pair of systems at once.

The all-pairs tests (:func:`sumbench.eval.stats.allpairs.all_pairs`, Holm-corrected in
:func:`sumbench.eval.leaderboard.build_leaderboard`) arranged as a square, systems in
rank order: the cell in row ``r`` and column ``c`` is ``mean(r) - mean(c)`` on the
ranking measure (display units, e.g. ROUGE points) with the pair's Holm-adjusted
p-value, the layout of the significance matrices in the WMT findings papers (Bojar et
al. 2013 onwards).  Columns are headed by rank position, rows by position and name, so
sixteen systems still fit a page.

The same square serves ``compare --all-pairs --format md`` (one per compared measure,
runs in the order given, approximate randomisation's Holm-adjusted p-values at 0.05):
:func:`grid_from_comparison`.

Markdown marks a significant cell in bold.  HTML colours each cell as a heat map, no
script needed: green when the row's system ranks above the column's, red below, darker
for smaller p (``< 0.001``, ``< 0.01``, ``< alpha``), no colour when not significant;
the difference and the p-value are always written in the cell as text, so nothing is
told by colour alone (WCAG 2.1, 1.4.1), and a legend says what the colours mean.  Names
go through the format's one escaping function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..compare import Comparison
from ..leaderboard import Leaderboard
from .escape.html import escape_html
from .escape.markdown import escape_markdown

DASH = "\u2014"
COMPARE_ALPHA = 0.05


@dataclass(frozen=True)
class Cell:
    """Row against column: ``difference`` is the row's mean minus the column's (display
    units); ``above``: the row's system ranks above the column's (it colours the cell)."""

    difference: float
    adjusted_p: float
    significant: bool
    above: bool


@dataclass(frozen=True)
class PairGrid:
    """Every pair of ``names`` (rows and columns in this order) and what a cell means."""

    names: tuple[str, ...]
    cells: dict[tuple[str, str], Cell]
    caption: str


def grid_from_leaderboard(board: Leaderboard) -> PairGrid:
    """The leaderboard's pairs, systems in rank order."""
    test = {"permutation": "approximate randomisation", "bootstrap": "paired bootstrap",
            "both": "both paired tests, the larger p-value"}[board.settings.test]
    cells = {}
    for p in board.pairs:
        cells[(p.better, p.worse)] = Cell(p.difference, p.adjusted_p, p.significant, True)
        cells[(p.worse, p.better)] = Cell(-p.difference, p.adjusted_p, p.significant, False)
    caption = (f"Pairwise significance on {board.win_rate_measure}: each cell is the row's "
               f"mean minus the column's (columns numbered by rank), with the Holm-adjusted "
               f"p-value of {test} over the {len(board.pairs)} pairs; significant when "
               f"below alpha = {board.settings.alpha:g}.")
    return PairGrid(tuple(e.name for e in board.entries), cells, caption)


def grid_from_comparison(comparison: Comparison, shown: str) -> PairGrid:
    """The all-pairs comparison of the column labelled ``shown`` (runs in the order
    given; significant: Holm-adjusted approximate-randomisation p below 0.05)."""
    cells = {}
    pairs = [m for m in comparison.metrics if m.label == shown]
    for m in pairs:
        d = m.scale * m.difference  # system minus baseline
        p = m.permutation_p_holm if m.permutation_p_holm is not None else m.permutation_p
        significant = p < COMPARE_ALPHA and d != 0
        cells[(m.system, m.baseline)] = Cell(d, p, significant, d > 0)
        cells[(m.baseline, m.system)] = Cell(-d, p, significant, d < 0)
    caption = (f"Pairwise significance on {shown}: each cell is the row's mean minus the "
               "column's (columns numbered as the rows), with the Holm-adjusted p-value of "
               f"approximate randomisation over the {len(pairs)} pairs; significant when "
               f"below {COMPARE_ALPHA:g}.")
    return PairGrid(tuple(comparison.names), cells, caption)


def grid_markdown(grid: PairGrid) -> list[str]:
    """The matrix as a GitHub-flavoured Markdown table; significant cells in bold."""
    from .markdown import table

    rows = []
    for k, row in enumerate(grid.names, start=1):
        cells = [f"{k}. {escape_markdown(row)}"]
        for column in grid.names:
            c = grid.cells.get((row, column))
            if c is None:
                cells.append(DASH)
                continue
            value = f"{c.difference:+.2f}"
            cells.append(f"**{value}** ({c.adjusted_p:.4f})" if c.significant
                         else f"{value} ({c.adjusted_p:.4f})")
        rows.append(cells)
    header = ["system", *(str(k) for k in range(1, len(grid.names) + 1))]
    lines = [escape_markdown(grid.caption) + " Bold: significant.", ""]
    return lines + table(header, rows, "l" + "r" * len(grid.names))


def matrix_markdown(board: Leaderboard) -> list[str]:
    """The leaderboard's matrix in Markdown."""
    return grid_markdown(grid_from_leaderboard(board))


def heat_class(cell: Cell) -> str:
    """The cell's CSS class: direction (``up``/``down``) and level 1-3, or ``ns``."""
    if not cell.significant:
        return "ns"
    level = 3 if cell.adjusted_p < 0.001 else 2 if cell.adjusted_p < 0.01 else 1
    return f"{'up' if cell.above else 'down'}{level}"


LEGEND: Sequence[tuple[str, str]] = (
    ("up3", "row above, p < 0.001"), ("up2", "row above, p < 0.01"),
    ("up1", "row above, p < alpha"), ("ns", "not significant"),
    ("down1", "row below, p < alpha"), ("down2", "row below, p < 0.01"),
    ("down3", "row below, p < 0.001"))


def grid_html(grid: PairGrid) -> str:
    """The matrix as an HTML heat map (classes styled by the page's CSS)."""
    head = "<th>system</th>" + "".join(f'<th class="n">{k}</th>'
                                       for k in range(1, len(grid.names) + 1))
    body = []
    for k, row in enumerate(grid.names, start=1):
        cells = [f"<th>{k}. {escape_html(row)}</th>"]
        for column in grid.names:
            c = grid.cells.get((row, column))
            if c is None:
                cells.append(f'<td class="n diag">{DASH}</td>')
                continue
            mark = " *" if c.significant else ""
            cells.append(f'<td class="n {heat_class(c)}">{c.difference:+.2f}{mark}<br>'
                         f"<small>p {c.adjusted_p:.4f}</small></td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    legend = " ".join(f'<span class="key {css}">{escape_html(text)}</span>'
                      for css, text in LEGEND)
    return (f'<h3 id="significance">Pairwise significance</h3><p>{escape_html(grid.caption)} '
            f"* marks a significant cell.</p><p>{legend}</p>"
            f'<div class="wide"><table class="heat"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def matrix_html(board: Leaderboard) -> str:
    """The leaderboard's matrix as an HTML heat map."""
    return grid_html(grid_from_leaderboard(board))

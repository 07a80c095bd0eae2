"""The pairwise significance matrix of a leaderboard: every pair of systems at once.

The all-pairs tests (:func:`sumbench.eval.stats.allpairs.all_pairs`, Holm-corrected in
:func:`sumbench.eval.leaderboard.build_leaderboard`) arranged as a square, systems in
rank order: the cell in row ``r`` and column ``c`` is ``mean(r) - mean(c)`` on the
ranking measure (display units, e.g. ROUGE points) with the pair's Holm-adjusted
p-value, the layout of the significance matrices in the WMT findings papers (Bojar et
al. 2013 onwards).  Columns are headed by rank position, rows by position and name, so
sixteen systems still fit a page.

Markdown marks a significant cell in bold.  HTML colours each cell as a heat map, no
script needed: green when the row's system ranks above the column's, red below, darker
for smaller p (``< 0.001``, ``< 0.01``, ``< alpha``), no colour when not significant;
the difference and the p-value are always written in the cell as text, so nothing is
told by colour alone (WCAG 2.1, 1.4.1), and a legend says what the colours mean.  Names
go through the format's one escaping function.
"""

from __future__ import annotations

from typing import Sequence

from ..leaderboard import Leaderboard, PairTest
from .escape.html import escape_html
from .escape.markdown import escape_markdown

DASH = "\u2014"


def _pair_lookup(board: Leaderboard) -> dict[tuple[str, str], PairTest]:
    return {(p.better, p.worse): p for p in board.pairs}


def cell(board: Leaderboard, row: str, column: str,
         lookup: dict[tuple[str, str], PairTest]) -> tuple[float, PairTest, bool] | None:
    """``(row minus column, the pair, row ranks above)``; ``None`` on the diagonal."""
    if row == column:
        return None
    pair = lookup.get((row, column))
    if pair is not None:
        return pair.difference, pair, True
    pair = lookup[(column, row)]
    return -pair.difference, pair, False


def caption(board: Leaderboard) -> str:
    """What a cell means (plain text; each format escapes it)."""
    test = {"permutation": "approximate randomisation", "bootstrap": "paired bootstrap",
            "both": "both paired tests, the larger p-value"}[board.settings.test]
    return (f"Pairwise significance on {board.win_rate_measure}: each cell is the row's "
            f"mean minus the column's (columns numbered by rank), with the Holm-adjusted "
            f"p-value of {test} over the {len(board.pairs)} pairs; significant when below "
            f"alpha = {board.settings.alpha:g}.")


def matrix_markdown(board: Leaderboard) -> list[str]:
    """The matrix as a GitHub-flavoured Markdown table; significant cells in bold."""
    from .markdown import table

    lookup = _pair_lookup(board)
    names = [e.name for e in board.entries]
    rows = []
    for k, row in enumerate(names, start=1):
        cells = [f"{k}. {escape_markdown(row)}"]
        for column in names:
            found = cell(board, row, column, lookup)
            if found is None:
                cells.append(DASH)
                continue
            difference, pair, _ = found
            value = f"{difference:+.2f}"
            cells.append(f"**{value}** ({pair.adjusted_p:.4f})" if pair.significant
                         else f"{value} ({pair.adjusted_p:.4f})")
        rows.append(cells)
    header = ["system", *(str(k) for k in range(1, len(names) + 1))]
    lines = [escape_markdown(caption(board)) + " Bold: significant.", ""]
    return lines + table(header, rows, "l" + "r" * len(names))


def heat_class(pair: PairTest, above: bool) -> str:
    """The cell's CSS class: direction (``up``/``down``) and level 1-3, or ``ns``."""
    if not pair.significant:
        return "ns"
    level = 3 if pair.adjusted_p < 0.001 else 2 if pair.adjusted_p < 0.01 else 1
    return f"{'up' if above else 'down'}{level}"


LEGEND: Sequence[tuple[str, str]] = (
    ("up3", "row above, p < 0.001"), ("up2", "row above, p < 0.01"),
    ("up1", "row above, p < alpha"), ("ns", "not significant"),
    ("down1", "row below, p < alpha"), ("down2", "row below, p < 0.01"),
    ("down3", "row below, p < 0.001"))


def matrix_html(board: Leaderboard) -> str:
    """The matrix as an HTML heat map (classes styled by the page's CSS)."""
    lookup = _pair_lookup(board)
    names = [e.name for e in board.entries]
    head = "<th>system</th>" + "".join(f'<th class="n">{k}</th>'
                                       for k in range(1, len(names) + 1))
    body = []
    for k, row in enumerate(names, start=1):
        cells = [f"<th>{k}. {escape_html(row)}</th>"]
        for column in names:
            found = cell(board, row, column, lookup)
            if found is None:
                cells.append(f'<td class="n diag">{DASH}</td>')
                continue
            difference, pair, above = found
            css = heat_class(pair, above)
            mark = " *" if pair.significant else ""
            cells.append(f'<td class="n {css}">{difference:+.2f}{mark}<br>'
                         f"<small>p {pair.adjusted_p:.4f}</small></td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    legend = " ".join(f'<span class="key {css}">{escape_html(text)}</span>'
                      for css, text in LEGEND)
    return (f'<h3 id="significance">Pairwise significance</h3><p>{escape_html(caption(board))} '
            f"* marks a significant cell.</p><p>{legend}</p>"
            f'<div class="wide"><table class="heat"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")

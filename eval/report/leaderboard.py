"""A leaderboard in every format: console, Markdown, HTML (a report section), CSV, LaTeX
(a ``tabular`` that drops into a paper) and JSON (``Leaderboard.to_dict``).  Each shows,
per system, its cluster, rank range, the mean and interval of every measure and its win
rate, then how to read a cluster and the signatures.  Every name, measure, signature and
note read from the run folders goes through its format's escaping function
(:mod:`sumbench.eval.report.escape`, :func:`sumbench.common.terminal.escape_controls`)."""

from __future__ import annotations

import csv
import io

from sumbench.common.terminal import escape_controls
from ..leaderboard import Leaderboard
from .escape.csv import escape_csv
from .escape.html import escape_html
from .escape.latex import escape_latex
from .escape.markdown import escape_markdown
from .tables import grid


def how_to_read(board: Leaderboard) -> str:
    """One paragraph saying what a cluster, a rank range and the win rate are."""
    test = {"permutation": "approximate randomisation", "bootstrap": "paired bootstrap",
            "both": "both paired tests (the larger p-value)"}[board.settings.test]
    return (f"Ranked by {board.rank_by} ({board.component}). Every pair of systems is tested "
            f"with {test}, Holm-corrected over the {len(board.pairs)} pairs at alpha = "
            f"{board.settings.alpha:g}. A cluster ends where every system above is "
            "significantly better than every system below (the WMT rule): systems in one "
            "cluster are not separated by the tests. The rank range is where a system may "
            "truly stand: [1 + systems significantly better, N - systems significantly "
            "worse]. Win rate: the share of examples on which a system beats another "
            "(ties count half), averaged over the others.")


def _cells(board: Leaderboard) -> tuple[list[str], list[list[str]]]:
    header = ["cluster", "rank", "system"] + [f"{m} [CI]" for m in board.measures] + ["win rate"]
    rows = []
    for e in board.entries:
        low, high = e.rank_range
        rows.append([str(e.cluster), f"{low}-{high}" if low != high else str(low), e.name]
                    + [f"{e.scores[m].mid:.2f} [{e.scores[m].low:.2f}, {e.scores[m].high:.2f}]"
                       for m in board.measures]
                    + [f"{100 * e.win_rate:.1f}%"])
    return header, rows


def leaderboard_text(board: Leaderboard) -> str:
    header, rows = _cells(board)
    lines = [f"{len(board.entries)} systems on {board.examples} examples, ranked by "
             f"{escape_controls(board.rank_by, newlines=True)}", ""]
    body = grid(header, rows, right={0, 1} | set(range(3, len(header))))
    rule = body[1]
    lines += body[:2]
    for k, line in enumerate(body[2:]):
        if k and board.entries[k].cluster != board.entries[k - 1].cluster:
            lines.append(rule)
        lines.append(line)
    lines += ["", escape_controls(how_to_read(board), newlines=True), ""]
    lines += [f"signature: {escape_controls(s, newlines=True)}" for s in board.signatures.values()]
    return "\n".join(lines)


def leaderboard_markdown(board: Leaderboard) -> list[str]:
    from .markdown import table

    header, rows = _cells(board)
    lines = table([escape_markdown(h) for h in header],
                  [[escape_markdown(c) for c in row] for row in rows],
                  "rrl" + "r" * (len(header) - 3))
    lines += ["", escape_markdown(how_to_read(board)), "", "Leaderboard signatures:", ""]
    lines += [f"- {escape_markdown(s, code=True)}" for s in board.signatures.values()]
    if board.notes:
        lines += [""] + [f"- Note: {escape_markdown(n)}" for n in board.notes]
    return lines


def leaderboard_html(board: Leaderboard) -> str:
    """A table with each interval under its mean, clusters separated by a heavier rule."""
    header = ["cluster", "rank", "system", *board.measures, "win rate"]
    head = "".join(f"<th>{escape_html(h)}</th>" for h in header)
    body = []
    for k, e in enumerate(board.entries):
        style = ' class="cluster-start"' if k and e.cluster != board.entries[k - 1].cluster else ""
        low, high = e.rank_range
        cells = [f'<td class="n">{e.cluster}</td>',
                 f'<td class="n">{low if low == high else f"{low}-{high}"}</td>',
                 f"<td>{escape_html(e.name)}</td>"]
        cells += [f'<td class="n">{e.scores[m].mid:.2f}<br><small>[{e.scores[m].low:.2f}, '
                  f'{e.scores[m].high:.2f}]</small></td>' for m in board.measures]
        cells.append(f'<td class="n">{100 * e.win_rate:.1f}%</td>')
        body.append(f"<tr{style}>{''.join(cells)}</tr>")
    signatures = "".join(f"<p><code>{escape_html(s)}</code></p>" for s in board.signatures.values())
    notes = "".join(f'<p class="note">Note: {escape_html(n)}</p>' for n in board.notes)
    return ('<section id="leaderboard"><h2>Leaderboard</h2><div class="wide">'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
            f"<p>{escape_html(how_to_read(board))}</p>{signatures}{notes}</section>")


def leaderboard_csv(board: Leaderboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    measures = list(board.measures)
    header = (["cluster", "rank_low", "rank_high", "system"]
              + [f"{m}{suffix}" for m in measures for suffix in ("", "_low", "_high")]
              + ["win_rate"])
    writer.writerow([escape_csv(h) for h in header])
    for e in board.entries:
        row = ([e.cluster, *e.rank_range, e.name]
               + [f"{getattr(e.scores[m], part):.6f}" for m in measures
                  for part in ("mid", "low", "high")]
               + [f"{e.win_rate:.6f}"])
        writer.writerow([escape_csv(c) for c in row])
    return out.getvalue()


def leaderboard_latex(board: Leaderboard) -> str:
    """A ``tabular`` (needs no package beyond LaTeX itself), clusters separated by rules;
    the settings and signatures in ``%`` comment lines."""
    columns = "rl" + "r" * len(board.measures) + "r"
    head = " & ".join(["Rank", "System", *(escape_latex(m) for m in board.measures), "Win rate"])
    lines = ["% " + escape_latex(f"sumbench leaderboard: {len(board.entries)} systems, "
                                 f"{board.examples} examples, ranked by {board.rank_by}; "
                                 f"clusters per Holm-corrected {board.settings.test} tests "
                                 f"at alpha {board.settings.alpha:g}", comment=True),
             *("% " + escape_latex(s, comment=True) for s in board.signatures.values()),
             f"\\begin{{tabular}}{{{columns}}}", "\\hline", head + " \\\\", "\\hline"]
    for k, e in enumerate(board.entries):
        if k and e.cluster != board.entries[k - 1].cluster:
            lines.append("\\hline")
        low, high = e.rank_range
        rank = f"{low}--{high}" if low != high else str(low)
        scores = [f"{e.scores[m].mid:.2f}" for m in board.measures]
        lines.append(" & ".join([rank, escape_latex(e.name), *scores,
                                 f"{100 * e.win_rate:.1f}\\%"]) + " \\\\")
    lines += ["\\hline", "\\end{tabular}"]
    return "\n".join(lines) + "\n"

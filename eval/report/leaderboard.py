"""A leaderboard in every format: console, Markdown, HTML (a report section), CSV, LaTeX
(a booktabs ``tabular`` that drops into a paper) and JSON (``Leaderboard.to_dict``).
Each shows, per system, its cluster, rank range, the mean and interval of every measure
and its win rate -- every format names the measure the win rate counts
(:attr:`~sumbench.eval.leaderboard.Leaderboard.win_rate_measure`) -- and, with a
baseline, each system's difference from it; then how to read a cluster and the
signatures.  Markdown and HTML add the pairwise significance matrix
(:mod:`sumbench.eval.report.pairmatrix`; a heat map in HTML).  When every run's examples
carry the same languages, console, Markdown and HTML add the ranking measure per language
and its macro average (:mod:`sumbench.eval.report.by_language`).

The LaTeX table uses the rules of the ``booktabs`` package (``\\toprule``, ``\\midrule``
between clusters, ``\\bottomrule``; Fear, *Publication quality tables in LaTeX*): the
document needs ``\\usepackage{booktabs}``, which a comment line of the table says.
Each mean carries its interval in a smaller size (``45.20 {\\small[44.10, 46.30]}``),
the first column is the cluster.  Every name, measure, signature and
note read from the run folders goes through its format's escaping function
(:mod:`sumbench.eval.report.escape`, :func:`sumbench.common.terminal.escape_controls`)."""

from __future__ import annotations

import csv
import io

from sumbench.common.terminal import escape_controls
from ..leaderboard import Entry, Leaderboard
from .by_language import board_html, board_markdown, board_text
from .escape.csv import escape_csv
from .escape.html import escape_html
from .escape.latex import escape_latex
from .escape.markdown import escape_markdown
from .tables import grid


def _test_name(board: Leaderboard) -> str:
    return {"permutation": "approximate randomisation", "bootstrap": "paired bootstrap",
            "both": "both paired tests (the larger p-value)"}[board.settings.test]


def how_to_read(board: Leaderboard) -> str:
    """One paragraph saying what a cluster, a rank range and the win rate are."""
    text = (f"Ranked by {board.rank_by} ({board.component}). Every pair of systems is tested "
            f"with {_test_name(board)}, Holm-corrected over the {len(board.pairs)} pairs at "
            f"alpha = {board.settings.alpha:g}. A cluster ends where every system above is "
            "significantly better than every system below (the WMT rule): systems in one "
            "cluster are not separated by the tests. The rank range is where a system may "
            "truly stand: [1 + systems significantly better, N - systems significantly "
            f"worse]. Win rate ({board.win_rate_measure}): the share of examples on which a "
            "system's "
            f"{board.win_rate_measure} beats another's (ties count half), averaged over the "
            "others.")
    if board.baseline is not None:
        text += (f" vs {board.baseline}: the system's mean {board.win_rate_measure} minus "
                 f"{board.baseline}'s; * marks a significant difference (Holm-adjusted "
                 f"p < {board.settings.alpha:g}).")
    return text


def win_rate_header(board: Leaderboard) -> str:
    return f"win rate ({board.win_rate_measure})"


def baseline_header(board: Leaderboard) -> str:
    return f"vs {board.baseline}"


def versus_text(entry: Entry) -> str:
    """``+1.23*`` (a significant difference from the baseline), or ``baseline``."""
    v = entry.versus_baseline
    if v is None:
        return "baseline"
    return f"{v.difference:+.2f}{'*' if v.significant else ''}"


def _cells(board: Leaderboard) -> tuple[list[str], list[list[str]]]:
    header = (["cluster", "rank", "system"] + [f"{m} [CI]" for m in board.measures]
              + [win_rate_header(board)]
              + ([baseline_header(board)] if board.baseline is not None else []))
    rows = []
    for e in board.entries:
        low, high = e.rank_range
        rows.append([str(e.cluster), f"{low}-{high}" if low != high else str(low), e.name]
                    + [f"{e.scores[m].mid:.2f} [{e.scores[m].low:.2f}, {e.scores[m].high:.2f}]"
                       for m in board.measures]
                    + [f"{100 * e.win_rate:.1f}%"]
                    + ([versus_text(e)] if board.baseline is not None else []))
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
    lines += board_text(board)
    lines += ["", escape_controls(how_to_read(board), newlines=True), ""]
    lines += [f"signature: {escape_controls(s, newlines=True)}" for s in board.signatures.values()]
    return "\n".join(lines)


def leaderboard_markdown(board: Leaderboard) -> list[str]:
    from .markdown import table
    from .pairmatrix import matrix_markdown

    header, rows = _cells(board)
    lines = table([escape_markdown(h) for h in header],
                  [[escape_markdown(c) for c in row] for row in rows],
                  "rrl" + "r" * (len(header) - 3))
    lines += board_markdown(board)
    lines += ["", escape_markdown(how_to_read(board)), ""]
    lines += matrix_markdown(board)
    lines += ["", "Leaderboard signatures:", ""]
    lines += [f"- {escape_markdown(s, code=True)}" for s in board.signatures.values()]
    if board.notes:
        lines += [""] + [f"- Note: {escape_markdown(n)}" for n in board.notes]
    return lines


def leaderboard_html(board: Leaderboard) -> str:
    """A table with each interval under its mean, clusters separated by a heavier rule,
    then the pairwise significance heat map."""
    from .pairmatrix import matrix_html

    header = (["cluster", "rank", "system", *board.measures, win_rate_header(board)]
              + ([baseline_header(board)] if board.baseline is not None else []))
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
        if board.baseline is not None:
            cells.append(f'<td class="n">{escape_html(versus_text(e))}</td>')
        body.append(f"<tr{style}>{''.join(cells)}</tr>")
    signatures = "".join(f"<p><code>{escape_html(s)}</code></p>" for s in board.signatures.values())
    notes = "".join(f'<p class="note">Note: {escape_html(n)}</p>' for n in board.notes)
    return ('<section id="leaderboard"><h2>Leaderboard</h2><div class="wide">'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
            f"{board_html(board)}<p>{escape_html(how_to_read(board))}</p>{matrix_html(board)}"
            f"{signatures}{notes}</section>")


def leaderboard_csv(board: Leaderboard) -> str:
    """One row per system; ``win_rate_measure`` names what the win rate counts, and with
    a baseline ``vs_baseline`` (points) and its Holm-adjusted p-value follow."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    measures = list(board.measures)
    versus = board.baseline is not None
    header = (["cluster", "rank_low", "rank_high", "system"]
              + [f"{m}{suffix}" for m in measures for suffix in ("", "_low", "_high")]
              + ["win_rate", "win_rate_measure"]
              + (["baseline", "vs_baseline", "vs_baseline_adjusted_p"] if versus else []))
    writer.writerow([escape_csv(h) for h in header])
    for e in board.entries:
        v = e.versus_baseline
        row = ([e.cluster, *e.rank_range, e.name]
               + [f"{getattr(e.scores[m], part):.6f}" for m in measures
                  for part in ("mid", "low", "high")]
               + [f"{e.win_rate:.6f}", board.win_rate_measure]
               + ([board.baseline, f"{v.difference:.6f}" if v else f"{0.0:.6f}",
                   f"{v.adjusted_p:.6f}" if v else ""] if versus else []))
        writer.writerow([escape_csv(c) for c in row])
    return out.getvalue()


def _latex_number(value: float, digits: int = 2) -> str:
    """A number for a table: a true minus sign (``$-$``), not a hyphen."""
    text = f"{value:.{digits}f}"
    return "$-$" + text[1:] if text.startswith("-") else text


def leaderboard_latex(board: Leaderboard) -> str:
    """A booktabs ``tabular`` (``\\usepackage{booktabs}``): the cluster, rank range,
    system, each mean with its interval, the win rate (its measure in the header) and,
    with a baseline, the difference from it; clusters separated by ``\\midrule``; the
    settings and signatures in ``%`` comment lines; a newline after ``\\end{tabular}``."""
    versus = board.baseline is not None
    level = f"{board.settings.confidence * 100:g}"
    columns = "rrl" + "r" * len(board.measures) + "r" + ("r" if versus else "")
    head = (["Cluster", "Rank", "System"]
            + [f"{escape_latex(m)} {{\\small[{level}\\% CI]}}" for m in board.measures]
            + [f"Win rate ({escape_latex(board.win_rate_measure)})"]
            + ([f"vs {escape_latex(board.baseline)}"] if versus else []))
    lines = ["% " + escape_latex(f"sumbench leaderboard: {len(board.entries)} systems, "
                                 f"{board.examples} examples, ranked by {board.rank_by}; "
                                 f"clusters per Holm-corrected {board.settings.test} tests "
                                 f"at alpha {board.settings.alpha:g}; win rate on "
                                 f"{board.win_rate_measure}", comment=True),
             "% needs \\usepackage{booktabs} in the preamble",
             *("% " + escape_latex(s, comment=True) for s in board.signatures.values()),
             f"\\begin{{tabular}}{{{columns}}}", "\\toprule", " & ".join(head) + " \\\\",
             "\\midrule"]
    for k, e in enumerate(board.entries):
        if k and e.cluster != board.entries[k - 1].cluster:
            lines.append("\\midrule")
        low, high = e.rank_range
        rank = f"{low}--{high}" if low != high else str(low)
        scores = [f"{_latex_number(e.scores[m].mid)} {{\\small[{_latex_number(e.scores[m].low)}, "
                  f"{_latex_number(e.scores[m].high)}]}}" for m in board.measures]
        cells = [str(e.cluster), rank, escape_latex(e.name), *scores,
                 f"{100 * e.win_rate:.1f}\\%"]
        if versus:
            v = e.versus_baseline
            cells.append("baseline" if v is None else
                         ("$+$" if v.difference >= 0 else "") + _latex_number(v.difference)
                         + ("$^{*}$" if v.significant else ""))
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"

"""How ``sumbench meta`` shows its results: the console text, a Markdown section and a
self-contained HTML page (with the heatmap of :func:`sumbench.eval.report.plots.correlation_heatmap`).

All three show the same rows (:func:`level_rows`): for each judgment and level, one row
per metric and one cell per coefficient -- the correlation, its bootstrap interval and,
at the summary level when some inputs were left out, ``used/of`` inputs -- then the
permutation tests between metrics as one metric x metric matrix per judgment and level
(:func:`test_matrix`: in the cell of row A and column B, for each coefficient, the sign
of ``r(A) - r(B)`` and the corrected p, ``*`` where it rejects), the notes (every
exclusion), the sources and the signatures.  Correlations are printed with 4 decimals;
the raw and corrected p of every test are in the JSON output.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from sumbench.common.terminal import escape_controls
from ..meta.evaluate import Correlation, MetaResult
from .escape.html import escape_html
from .escape.markdown import escape_markdown as md
from .tables import grid
from ..stats.correlation import COEFFICIENT_LABELS
from ..stats.correlation_levels import LEVEL_HELP
from ..stats.multiple import CORRECTION_LABELS

RESAMPLED = {"both": "systems and inputs", "systems": "systems", "inputs": "inputs"}


def cell(c: Correlation) -> str:
    """``0.4585 [0.3151, 0.5888]``, with ``(14/20)`` when some units were left out."""
    text = f"{c.value:.4f}"
    if c.interval is not None:
        text += (f" [{c.interval.low:.4f}, {c.interval.high:.4f}]" if c.interval.low is not None
                 else " [no interval]")
    if c.used < c.of:
        text += f" ({c.used}/{c.of})"
    return text


def level_title(result: MetaResult, judgment: str, level: str) -> str:
    m, n = len(result.systems), len(result.inputs)
    what = {"system": f"{m} systems' means over {n} inputs",
            "summary": f"per input across {m} systems, mean over {n} inputs"
                       + (f" with p <= {result.settings.summary_filter.max_p:g} (REALSumm's "
                          "filter)" if result.settings.summary_filter else ""),
            "global": f"{m * n} summaries pooled"}[level]
    return f"{judgment}: {level} level ({what})"


def level_rows(result: MetaResult, judgment: str, level: str) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)`` for one judgment at one level."""
    coefficients = result.settings.coefficients
    ci = f" [{result.settings.confidence * 100:g}% CI]" if result.settings.resampling else ""
    header = ["metric"] + [COEFFICIENT_LABELS[c] + ci for c in coefficients]
    rows = [[metric] + [cell(result.find(metric, judgment, level, c)) for c in coefficients]
            for metric in result.metrics]
    return header, rows


def test_cell(difference: float, p_adjusted: float, rejected: bool) -> str:
    """``+0.0001*``: the sign of ``r(row) - r(column)``, the corrected p, ``*`` if rejected."""
    sign = "+" if difference > 0 else "-" if difference < 0 else "="
    return f"{sign}{p_adjusted:.4f}{'*' if rejected else ''}"


def test_matrix(result: MetaResult, judgment: str, level: str
                ) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)``: metric x metric for one judgment and level; the cell of row A
    and column B (A before B) holds one :func:`test_cell` per coefficient."""
    found = {(t.a, t.b, t.coefficient): t for t in result.tests
             if (t.judgment, t.level) == (judgment, level)}
    tested = list(result.test_family.metrics) if result.test_family else []
    header = ["metric"] + tested[1:]
    rows = []
    for i, a in enumerate(tested[:-1]):
        row = [a]
        for b in tested[1:]:
            cells = [found.get((a, b, c)) for c in result.settings.coefficients]
            row.append(" ".join(test_cell(t.difference, t.p_adjusted, t.rejected)
                                for t in cells if t is not None))
        rows.append(row)
    return header, rows


def tests_text(result: MetaResult) -> list[str]:
    """What the test matrices mean, in sentences."""
    family = result.test_family
    if family is None:
        return []
    labels = ", ".join(COEFFICIENT_LABELS[c] for c in result.settings.coefficients)
    return [f"Is metric A's (row) correlation different from metric B's (column)? "
            f"Permutation test ({result.settings.permutation}), two-sided; "
            f"{family.describe()}.",
            f"Each cell: per coefficient ({labels}), the sign of r(A) - r(B) and the "
            f"corrected p; * rejects at alpha {family.alpha:g}; "
            f"{sum(t.rejected for t in result.tests)} of {family.size} tests reject."]


def heading(result: MetaResult) -> str:
    m, n = len(result.systems), len(result.inputs)
    return (f"Meta-evaluation: {len(result.metrics)} metric(s) x {len(result.judgments)} "
            f"judgment(s) on {m} systems x {n} inputs ({m * n} summaries)")


def resampling_text(result: MetaResult) -> str:
    s = result.settings
    parts = []
    if s.resampling:
        parts.append(f"intervals: percentile bootstrap, {s.samples} resamples of the "
                     f"{RESAMPLED[s.resampling]}, seed {s.seed}")
    else:
        parts.append("no intervals")
    if result.test_family is not None:
        parts.append(f"tests: permutation ({s.permutation}), "
                     f"{result.test_family.permutations:,} permutations, two-sided, "
                     f"{CORRECTION_LABELS[result.test_family.correction]}-corrected")
    return "; ".join(parts)


def _line(text: object) -> str:
    """Text from the data as part of one terminal line."""
    return escape_controls(str(text), newlines=True)


def console_text(result: MetaResult) -> str:
    lines = [_line(heading(result)), _line(resampling_text(result))]
    for judgment in result.judgments:
        for level in result.settings.levels:
            header, rows = level_rows(result, judgment, level)
            lines += ["", _line(level_title(result, judgment, level))]
            lines += grid(header, rows, set(range(1, len(header))))
    if result.test_family is not None:
        lines += [""] + [_line(t) for t in tests_text(result)]
        for judgment in result.judgments:
            for level in result.settings.levels:
                header, rows = test_matrix(result, judgment, level)
                lines += ["", _line(f"{judgment}: {level} level, tests")]
                lines += grid(header, rows, set(range(1, len(header))))
    if result.notes:
        lines += ["", "Notes:"] + [f"- {_line(n)}" for n in result.notes]
    lines += ["", "Sources:"] + [f"- {_line(k)}: {_line(v)}" for k, v in result.sources.items()]
    lines += ["", f"signature: {_line(result.signature)}"]
    lines += [f"{_line(metric)} signature: {_line(s)}"
              for metric, s in result.metric_signatures.items()]
    return "\n".join(lines)


def markdown_section(result: MetaResult, depth: int = 2) -> list[str]:
    """The meta-evaluation as Markdown lines, its headings at ``depth``."""
    from .markdown import table

    hashes = "#" * depth
    lines = [f"{hashes} Meta-evaluation", "", md(heading(result)) + ".", md(resampling_text(result))
             + ".", ""]
    for judgment in result.judgments:
        for level in result.settings.levels:
            header, rows = level_rows(result, judgment, level)
            lines += [f"{hashes}# {md(level_title(result, judgment, level))}", ""]
            lines += table([md(h) for h in header], [[md(c) for c in row] for row in rows],
                           "l" + "r" * (len(header) - 1))
            lines.append("")
    if result.test_family is not None:
        lines += [f"{hashes}# Tests between metrics", ""]
        lines += [" ".join(md(t) for t in tests_text(result)), ""]
        for judgment in result.judgments:
            for level in result.settings.levels:
                header, rows = test_matrix(result, judgment, level)
                lines += [f"{hashes}## {md(f'{judgment}: {level} level')}", ""]
                lines += table([md(h) for h in header], [[md(c) for c in row] for row in rows],
                               "l" + "r" * (len(header) - 1)) + [""]
    if result.notes:
        lines += ["Notes:", ""] + [f"- {md(n)}" for n in result.notes] + [""]
    lines += ["Sources:", ""] + [f"- {md(k)}: {md(v)}" for k, v in result.sources.items()]
    lines += ["", "Signatures:", "", f"- meta: {md(result.signature, code=True)}"]
    lines += [f"- {md(m)}: {md(s, code=True)}" for m, s in result.metric_signatures.items()]
    return lines


def markdown_document(result: MetaResult, title: str = "sumbench meta-evaluation") -> str:
    return "\n".join([f"# {md(title)}", ""] + markdown_section(result)) + "\n"


def heatmaps(result: MetaResult) -> list[tuple[str, str]]:
    """One heatmap per coefficient: ``(coefficient label, PNG data URI)``."""
    from . import plots

    out = []
    for c in result.settings.coefficients:
        panels = [(f"{level} level", np.array([[result.find(m, j, level, c).value
                                                 for j in result.judgments]
                                                for m in result.metrics]))
                  for level in result.settings.levels]
        out.append((COEFFICIENT_LABELS[c], plots.correlation_heatmap(
            result.metrics, result.judgments, panels, COEFFICIENT_LABELS[c])))
    return out


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape_html(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="n">{escape_html(c)}</td>' if i else
                                    f"<td>{escape_html(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_document(result: MetaResult, title: str = "sumbench meta-evaluation") -> str:
    """One self-contained page (no network, as the run report): tables, heatmaps, tests,
    notes and signatures; every text from the data escaped."""
    from sumbench import __version__
    from .html import CSP, CSS

    parts = [f"<h1>{escape_html(title)}</h1>", f'<p class="sub">{escape_html(heading(result))}</p>',
             f"<p>{escape_html(resampling_text(result))}.</p>"]
    for label, uri in heatmaps(result):
        parts.append(f'<img alt="Heatmap of {escape_html(label)} by metric and judgment" src="{uri}">')
    for judgment in result.judgments:
        for level in result.settings.levels:
            header, rows = level_rows(result, judgment, level)
            parts.append(f"<h3>{escape_html(level_title(result, judgment, level))}</h3>"
                         f'<p class="sub">{escape_html(LEVEL_HELP[level])}</p>'
                         + _html_table(header, rows))
    if result.test_family is not None:
        parts.append("<h2>Tests between metrics</h2>" + "".join(
            f"<p>{escape_html(t)}</p>" for t in tests_text(result)))
        for judgment in result.judgments:
            for level in result.settings.levels:
                header, rows = test_matrix(result, judgment, level)
                parts.append(f"<h3>{escape_html(f'{judgment}: {level} level, tests')}</h3>"
                             + _html_table(header, rows))
    parts += [f'<p class="note">Note: {escape_html(n)}</p>' for n in result.notes]
    parts.append("<h2>Sources and signatures</h2>" + "".join(
        f"<p>{escape_html(k)}: <code>{escape_html(v)}</code></p>" for k, v in result.sources.items()))
    parts.append(f"<p>meta: <code>{escape_html(result.signature)}</code></p>")
    parts += [f"<p>{escape_html(m)}: <code>{escape_html(s)}</code></p>"
              for m, s in result.metric_signatures.items()]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape_html(title)}</title><style>{CSS}</style></head><body><main>"
            + "".join(parts)
            + f'<p class="sub">Made by sumbench {escape_html(__version__)}.</p></main></body></html>\n')

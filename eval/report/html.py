"""The HTML report: one self-contained file with tables, plots and the best/worst examples.

Nothing is fetched when the page is opened: the CSS is inline, the plots are PNG
``data:`` URIs (:mod:`sumbench.eval.report.plots`) and there is no script.  A
Content-Security-Policy meta tag (``default-src 'none'; img-src data:; style-src
'unsafe-inline'``) makes the browser refuse anything else, and every text that comes
from data -- articles, references, predictions, names, ids, notes -- is escaped with
:func:`sumbench.eval.report.escape.html.escape_html`: model output is untrusted, and a
summary containing ``<script>`` shows as text.

Sections: summary tables and signatures, the leaderboard (with two runs or more, and
its pairwise significance heat map), the comparison chart (and the comparison table:
every system against the baseline, the first run unless ``--baseline-system`` chose
another, :mod:`sumbench.eval.baseline`), score distributions, a measure against summary
length, diagnostics (when the runs have them), and ``k`` example cards
(:mod:`sumbench.eval.report.cards`: one run's best and worst examples, or the examples
on which several systems disagree most) with the n-grams that prediction and reference
share highlighted (:mod:`sumbench.eval.report.highlight`: a metric-neutral reading aid,
not a metric).  Nothing is re-scored: a card shows the values the run stores, and the
examples are ranked by ``rank_by`` or else by the first measure the runs' metrics gate
by default.  With many runs (more than
:data:`~sumbench.eval.report.plots.FEW`) every figure gives each system its own labelled
row, in leaderboard order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from sumbench import __version__
from ..compare import Comparison, unique_names
from ..leaderboard import Leaderboard
from sumbench.common.errors import SumbenchError, UsageError
from .by_language import language_html
from .cards import DEFAULT_EXAMPLES, examples_section
from .escape.html import escape_html
from .highlight import highlight  # noqa: F401  (re-exported: the report's reading aid)
from .tables import interval_text, metric_table, number
from ..runs.run import MeasureRef, Run, label, shared_measures

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 color:#1f2328;margin:0;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 10px;
 border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:16px;margin:22px 0 8px}
.sub{color:#59636e;margin:0 0 12px}nav a{margin-right:14px;color:#0969da;text-decoration:none}
table{border-collapse:collapse;margin:8px 0;font-size:14px}.wide{overflow-x:auto}
td small{color:#59636e;font-size:11px}
th,td{border:1px solid #d0d7de;padding:4px 10px}th{background:#f6f8fa;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr:nth-child(even) td{background:#fafbfc}
tr.cluster-start td{border-top:2px solid #57606a}
code{font:12.5px ui-monospace,"DejaVu Sans Mono",monospace;background:#f6f8fa;
 padding:2px 4px;border-radius:4px;overflow-wrap:anywhere}
img{max-width:100%;height:auto;display:block;margin:8px 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;margin:12px 0}
.card h4{margin:0 0 6px;font-size:14px}.score{font-weight:600}
.label{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#59636e;margin:8px 0 2px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
mark.bi{background:#ffd33d;padding:0 1px}mark.uni{background:#fff5b1;padding:0 1px}
details{margin-top:6px}summary{cursor:pointer;color:#0969da}
.diag{font-size:13px;color:#3d444d;margin:0}.note{color:#9a6700}.good{color:#1a7f37}.bad{color:#cf222e}
table.heat td{min-width:4.5em}table.heat th{white-space:nowrap}
.heat td.up3,.key.up3{background:#1a7f37;color:#fff}.heat td.up2,.key.up2{background:#4ac26b}
.heat td.up1,.key.up1{background:#aceebb}.heat td.down1,.key.down1{background:#ffcecb}
.heat td.down2,.key.down2{background:#ff8182}.heat td.down3,.key.down3{background:#cf222e;color:#fff}
.heat td.diag{background:#eaeef2}.heat td small{color:inherit}
.key{display:inline-block;padding:1px 6px;margin:2px;border:1px solid #d0d7de;font-size:12px}
"""


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    """Header cells are escaped here; row cells must already be HTML."""
    head = "".join(f"<th>{escape_html(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if n else f"<td>{c}</td>"
                                    for c, n in zip(row, numeric)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def summary_section(runs: Sequence[Run], names: Sequence[str]) -> str:
    """The runs, each metric's table (for up to FEW runs; with more, the leaderboard shows
    every system's scores) and the signatures."""
    from .plots import FEW

    shared = len({r.fingerprint for r in runs}) == 1
    header = ["run", "folder", "examples"] + ([] if shared else ["reference set"])
    listing = _table(header, [[escape_html(n), f"<code>{escape_html(Path(r.path).name if r.path else '')}</code>",
                               str(len(r.ids))] + ([] if shared else [f"<code>{escape_html(r.fingerprint)}</code>"])
                              for r, n in zip(runs, names)], [False, False, True, False])
    if shared:
        listing = (f"<p>Reference set <code>{escape_html(runs[0].fingerprint)}</code> "
                   f"({len(runs[0].ids)} examples), shared by every run.</p>") + listing
    tables = []
    for metric in dict.fromkeys(m for r in runs for m in r.metrics):
        if len(runs) > FEW:
            break
        header = []
        rows = []
        title = metric
        for run, name in zip(runs, names):
            if metric not in run.metrics:
                continue
            head, body = metric_table(run.metrics[metric])
            header, title = ["run", "measure"] + head[1:], head[0]
            rows += [[escape_html(name)] + [escape_html(c) for c in row] for row in body]
        tables.append(f"<h3>{escape_html(title)}</h3>"
                      + _table(header, rows, [False, False] + [True] * (len(header) - 2)))
    if len(runs) > FEW:
        tables.append("<p>The leaderboard below shows every system's scores; each run "
                      "folder's <code>results.json</code> holds all of them.</p>")
    signatures = []
    for metric in dict.fromkeys(m for r in runs for m in r.metrics):
        distinct = list(dict.fromkeys(str(r.metrics[metric].signature) for r in runs
                                      if metric in r.metrics))
        if len(distinct) == 1:
            signatures.append(f"<p><code>{escape_html(distinct[0])}</code></p>")
        else:
            signatures += [f"<p>{escape_html(n)}: <code>{escape_html(str(r.metrics[metric].signature))}</code></p>"
                           for r, n in zip(runs, names) if metric in r.metrics]
    return (f'<section id="summary"><h2>Summary</h2>{listing}{"".join(tables)}'
            f"<h3>Signatures</h3>{''.join(signatures)}</section>")


def comparison_section(comparison: Comparison | None, chart: str) -> str:
    from .plots import FEW

    parts = ['<section id="comparison"><h2>Comparison</h2>',
             f'<img alt="Mean of each measure per run with confidence intervals" src="{chart}">']
    if comparison is not None:
        level = f"{comparison.settings.confidence * 100:g}"
        rows = []
        for m in comparison.metrics:
            d = m.scale * m.difference
            tone = "good" if d > 0 else "bad" if d < 0 else ""
            rows.append([escape_html(m.label), escape_html(m.system), number(m.system_mean, m.scale),
                         number(m.baseline_mean, m.scale),
                         f'<span class="{tone}">{d:+.2f}</span>',
                         interval_text(m.interval, m.scale, signed=True),
                         f"{m.bootstrap_p:.4f}", f"{m.permutation_p:.4f}",
                         f"{m.wins} / {m.ties} / {m.losses}"])
        table = _table(["measure", "system", "score", f"{comparison.names[0]} score",
                        "difference", f"{level}% CI", "p (paired bootstrap)",
                        "p (approx. randomisation)", "win / tie / loss"], rows,
                       [False, False] + [True] * 7)
        intro = (f"Each system against <b>{escape_html(comparison.names[0])}</b> (the "
                 "baseline: the first run given, unless --baseline-system names another) on "
                 f"{comparison.examples} examples (points)")
        if len(comparison.names) > FEW:
            parts.append(f"<details><summary>{intro}: {len(rows)} rows</summary>"
                         f'<div class="wide">{table}</div></details>')
        else:
            parts.append(f'<p>{intro}.</p><div class="wide">{table}</div>')
        parts += [f"<p>Comparison signature: <code>{escape_html(s)}</code></p>"
                  for s in comparison.signatures.values()]
        parts += [f'<p class="note">Note: {escape_html(n)}</p>' for n in comparison.notes]
    return "".join(parts) + "</section>"


def diagnostics_section(runs: Sequence[Run], names: Sequence[str]) -> str:
    means = [r.diagnostics_mean or {} for r in runs]
    keys = list(dict.fromkeys(k for m in means for k in m))
    if not keys:
        return ""
    from ..diagnostics import diagnostic_label, format_diagnostic

    rows = [[escape_html(diagnostic_label(k))] + [escape_html(format_diagnostic(k, m.get(k))) for m in means]
            for k in keys]
    return ('<section id="diagnostics"><h2>Diagnostics</h2><p>Means over examples.</p>'
            + _table(["diagnostic", *names], rows, [False] + [True] * len(names))
            + "</section>")


def _rank_measure(runs: Sequence[Run], measures: Sequence[MeasureRef], requested: str | None) -> MeasureRef:
    if requested is not None:
        try:
            return shared_measures(runs, (requested,))[0]
        except SumbenchError as exc:
            raise UsageError(f"--rank-by {requested}: {exc}") from None
    # the first measure the metrics themselves gate by default (stored in the run), so
    # that no metric is named here; else the first measure the runs share
    return next((m for m in runs[0].default_gate() if m in measures), measures[0])


def page(title: str, body: str, subtitle: str = "", nav: str = "") -> str:
    """A whole self-contained document around ``body`` (already HTML)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape_html(title)}</title><style>{CSS}</style></head><body><main>"
            f'<h1>{escape_html(title)}</h1><p class="sub">{subtitle}</p><nav>{nav}</nav>' + body
            + f'<p class="sub">Made by sumbench {escape_html(__version__)}.</p></main></body></html>\n')


def _figures(runs: Sequence[Run], names: Sequence[str], measures: Sequence[MeasureRef],
             labels: Sequence[str], ref: MeasureRef, shown: str,
             order: Sequence[int]) -> tuple[str, str, str]:
    """The comparison chart, the distributions and the length figure (data URIs)."""
    from . import plots

    headline = [[r.metrics[m.metric].scores[m.measure][r.metrics[m.metric].headline(m.measure)]
                 .scaled(r.metrics[m.metric].info.scale) for m in measures] for r in runs]
    per_example = [{lab: r.values(m) * r.metrics[m.metric].info.scale
                    for m, lab in zip(measures, labels)} for r in runs]
    lengths = [np.array([len(p.split()) for p in run.predictions]) for run in runs]
    if len(runs) > plots.FEW:
        sorted_names = [names[s] for s in order]
        return (plots.forest_chart(sorted_names, [headline[s] for s in order], labels),
                plots.box_chart(sorted_names, [per_example[s][shown] for s in order], shown),
                plots.length_chart(sorted_names, [lengths[s] for s in order]))
    infos = [runs[0].metrics[m.metric].info for m in measures]
    ranges = [(i.scale * i.low, i.scale * i.high) if i.low is not None and i.high is not None
              else None for i in infos]
    return (plots.comparison_chart(names, headline, labels),
            plots.score_histograms(names, per_example, labels, ranges),
            plots.length_scatter(names, lengths, [v[shown] for v in per_example], shown))


def render_html(runs: Sequence[Run], comparison: Comparison | None = None,
                k: int = DEFAULT_EXAMPLES,
                rank_by: str | None = None, title: str = "sumbench report",
                leaderboard: Leaderboard | None = None) -> str:
    """The report for ``runs`` (their comparison and leaderboard, if given) as one HTML
    document."""
    from .leaderboard import leaderboard_html

    names = comparison.names if comparison else unique_names(runs)
    measures = shared_measures(runs, None)
    ref = _rank_measure(runs, measures, rank_by)
    among = runs[0].measure_refs()
    shown = label(ref, among)
    labels = [label(m, among) for m in measures]
    order = list(range(len(runs)))
    if leaderboard is not None:
        order = [names.index(e.name) for e in leaderboard.entries]
    chart, distributions, length = _figures(runs, names, measures, labels, ref, shown, order)
    sections = [
        summary_section(runs, names),
        language_html(runs, names),
        leaderboard_html(leaderboard) if leaderboard is not None else "",
        comparison_section(comparison, chart),
        '<section id="distributions"><h2>Score distributions</h2>'
        f'<img alt="Distributions of per-example scores" src="{distributions}"></section>',
        f'<section id="length"><h2>{escape_html(shown)} and summary length</h2>'
        f'<img alt="Scores and summary length" src="{length}"></section>',
        diagnostics_section(runs, names),
        examples_section(runs, names, ref, shown, k),
    ]
    links = [("summary", "Summary"), ("leaderboard", "Leaderboard"), ("comparison", "Comparison"),
             ("distributions", "Distributions"), ("length", "Length"), ("examples", "Examples")]
    if sections[1]:
        links.insert(1, ("languages", "Per language"))
    nav = "".join(f'<a href="#{s}">{text}</a>' for s, text in links
                  if s != "leaderboard" or leaderboard is not None)
    subtitle = (" vs ".join(escape_html(n) for n in names) if len(names) <= 4
                else f"{len(names)} systems") + f" · {len(runs[0].ids)} examples"
    return page(title, "".join(sections), subtitle, nav)

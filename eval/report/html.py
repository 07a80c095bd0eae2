"""The HTML report: one self-contained file with tables, plots and the best/worst examples.

Nothing is fetched when the page is opened: the CSS is inline, the plots are PNG
``data:`` URIs (:mod:`sumbench.eval.report.plots`) and there is no script.  A
Content-Security-Policy meta tag (``default-src 'none'; img-src data:; style-src
'unsafe-inline'``) makes the browser refuse anything else, and every text that comes
from data -- articles, references, predictions, names, ids, notes -- is escaped with
:func:`html.escape`: model output is untrusted, and a summary containing ``<script>``
shows as text.

Sections: summary table and signature, comparison chart (and, with two runs or more,
the comparison table), score distributions, ROUGE against summary length, diagnostics
(when the runs have them), and the ``k`` best and worst examples of each run with the
n-grams that prediction and reference share highlighted: ``<mark class="bi">`` for words
in a shared bigram, ``<mark class="uni">`` for other shared words (not stop words or
single characters).  Matching is on lowercased letter/digit runs, without stemming -- a
reading aid, not the ROUGE computation.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import Sequence

import numpy as np

from sumbench import __version__
from sumbench.eval.compare import Comparison, unique_names
from sumbench.eval.data.records import Example
from sumbench.eval.errors import SumbenchError, UsageError
from sumbench.eval.report.tables import interval_text, metric_table, number
from sumbench.eval.runs.run import MeasureRef, Run, label, shared_measures

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
_WORD = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(
    "a an and are as at be by for from has have he her his in is it its of on or said "
    "she that the their they this to was were will with".split())

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 color:#1f2328;margin:0;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 10px;
 border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:16px;margin:22px 0 8px}
.sub{color:#59636e;margin:0 0 12px}nav a{margin-right:14px;color:#0969da;text-decoration:none}
table{border-collapse:collapse;margin:8px 0;font-size:14px}
th,td{border:1px solid #d0d7de;padding:4px 10px}th{background:#f6f8fa;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr:nth-child(even) td{background:#fafbfc}
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
"""


def _joinable(gap: str) -> bool:
    return not gap.strip() or (len(gap) <= 2 and not any(c.isspace() for c in gap))


def highlight(text: str, other: str) -> str:
    """``text`` escaped, with words it shares with ``other`` in ``<mark>`` (see module doc)."""
    other_words = [w.lower() for w in _WORD.findall(other)]
    unigrams = set(other_words)
    bigrams = set(zip(other_words, other_words[1:]))
    matches = list(_WORD.finditer(text))
    words = [m.group().lower() for m in matches]
    kind = [""] * len(words)
    for i, word in enumerate(words):
        if word in unigrams and word not in _STOPWORDS and len(word) > 1:
            kind[i] = "uni"
    for i in range(len(words) - 1):
        if (words[i], words[i + 1]) in bigrams:
            kind[i] = kind[i + 1] = "bi"
    out, position, i = [], 0, 0
    while i < len(matches):
        j = i
        # One mark for a run of same-kind words separated by spaces or by one or two
        # characters inside a word or number ("four-day", "4.9", "city's").
        while (kind[i] and j + 1 < len(matches) and kind[j + 1] == kind[i]
               and _joinable(text[matches[j].end():matches[j + 1].start()])):
            j += 1
        out.append(escape(text[position:matches[i].start()]))
        inner = escape(text[matches[i].start():matches[j].end()])
        out.append(f'<mark class="{kind[i]}">{inner}</mark>' if kind[i] else inner)
        position = matches[j].end()
        i = j + 1
    out.append(escape(text[position:]))
    return "".join(out)


def reference_examples(run: Run) -> tuple[dict[str, Example] | None, str]:
    """The run's examples by id as its folder stores them, or ``(None, why not)``."""
    if run.examples is None:
        return None, ("articles and references not shown: this run folder (schema version "
                      f"{run.schema_version}) does not store them; score it again with this "
                      "sumbench to keep them")
    return {e.id: e for e in run.examples}, ""


def example_diagnostics(run: Run) -> dict[str, dict]:
    """``id -> {name: value}`` when the run has per-example diagnostics."""
    if run.diagnostics is None:
        return {}
    return {i: dict(d) for i, d in zip(run.ids, run.diagnostics) if d}


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    """Header cells are escaped here; row cells must already be HTML."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if n else f"<td>{c}</td>"
                                    for c, n in zip(row, numeric)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def summary_section(runs: Sequence[Run], names: Sequence[str]) -> str:
    tables = []
    for metric in dict.fromkeys(m for r in runs for m in r.metrics):
        header: list[str] = []
        rows = []
        for run, name in zip(runs, names):
            if metric not in run.metrics:
                continue
            head, body = metric_table(run.metrics[metric])
            header = ["run", "measure"] + head[1:]
            rows += [[escape(name)] + [escape(c) for c in row] for row in body]
        tables.append(f"<h3>{escape(metric)}</h3>"
                      + _table(header, rows, [False, False] + [True] * (len(header) - 2)))
    listing = _table(["run", "folder", "examples", "reference set"],
                     [[escape(n), f"<code>{escape(Path(r.path).name if r.path else '')}</code>",
                       str(len(r.ids)), f"<code>{escape(r.fingerprint)}</code>"]
                      for r, n in zip(runs, names)], [False, False, True, False])
    signatures = []
    for metric in dict.fromkeys(m for r in runs for m in r.metrics):
        distinct = list(dict.fromkeys(str(r.metrics[metric].signature) for r in runs
                                      if metric in r.metrics))
        if len(distinct) == 1:
            signatures.append(f"<p><code>{escape(distinct[0])}</code></p>")
        else:
            signatures += [f"<p>{escape(n)}: <code>{escape(str(r.metrics[metric].signature))}</code></p>"
                           for r, n in zip(runs, names) if metric in r.metrics]
    return (f'<section id="summary"><h2>Summary</h2>{listing}{"".join(tables)}'
            f"<h3>Signatures</h3>{''.join(signatures)}</section>")


def comparison_section(comparison: Comparison | None, chart: str) -> str:
    parts = ['<section id="comparison"><h2>Comparison</h2>',
             f'<img alt="Mean of each measure per run with confidence intervals" src="{chart}">']
    if comparison is not None:
        level = f"{comparison.settings.confidence * 100:g}"
        rows = []
        for m in comparison.metrics:
            d = m.scale * m.difference
            tone = "good" if d > 0 else "bad" if d < 0 else ""
            rows.append([escape(m.label), escape(m.system), number(m.system_mean, m.scale),
                         number(m.baseline_mean, m.scale),
                         f'<span class="{tone}">{d:+.2f}</span>',
                         interval_text(m.interval, m.scale, signed=True),
                         f"{m.bootstrap_p:.4f}", f"{m.permutation_p:.4f}",
                         f"{m.wins} / {m.ties} / {m.losses}"])
        parts.append(f"<p>Each system against <b>{escape(comparison.names[0])}</b> on "
                     f"{comparison.examples} examples (points).</p>")
        parts.append(_table(["measure", "system", "score", f"{comparison.names[0]} score",
                             "difference", f"{level}% CI", "p (paired bootstrap)",
                             "p (approx. randomisation)", "win / tie / loss"], rows,
                            [False, False] + [True] * 7))
        parts += [f"<p>Comparison signature: <code>{escape(s)}</code></p>"
                  for s in comparison.signatures.values()]
        parts += [f'<p class="note">Note: {escape(n)}</p>' for n in comparison.notes]
    return "".join(parts) + "</section>"


def diagnostics_section(runs: Sequence[Run], names: Sequence[str]) -> str:
    means = [r.diagnostics_mean or {} for r in runs]
    keys = list(dict.fromkeys(k for m in means for k in m))
    if not keys:
        return ""
    from sumbench.eval.diagnostics import diagnostic_label, format_diagnostic

    rows = [[escape(diagnostic_label(k))] + [escape(format_diagnostic(k, m.get(k))) for m in means]
            for k in keys]
    return ('<section id="diagnostics"><h2>Diagnostics</h2><p>Means over examples.</p>'
            + _table(["diagnostic", *names], rows, [False] + [True] * len(names))
            + "</section>")


def _example_card(rank: str, example_id: str, score: str, prediction: str,
                  example: Example | None, others: str, diagnostics: dict | None) -> str:
    references = example.reference_texts() if example else []
    joined = "\n".join(references)
    parts = [f'<div class="card"><h4>{escape(rank)} · <code>{escape(example_id)}</code> · '
             f'<span class="score">{escape(score)}</span>{others}</h4>',
             '<div class="label">prediction</div>',
             f'<p class="text">{highlight(prediction, joined) if example else escape(prediction)}</p>']
    for k, reference in enumerate(references):
        title = "reference" if len(references) == 1 else f"reference {k + 1}"
        parts.append(f'<div class="label">{title}</div>'
                     f'<p class="text">{highlight(reference, prediction)}</p>')
    if diagnostics:
        from sumbench.eval.diagnostics import diagnostic_label, format_diagnostic

        parts.append('<div class="label">diagnostics</div><p class="diag">' + ", ".join(
            f"{escape(diagnostic_label(k))}: {escape(format_diagnostic(k, v))}"
            for k, v in diagnostics.items()) + "</p>")
    if example is not None:
        title = f"{escape(example.title)} — " if example.title else ""
        parts.append(f"<details><summary>article ({len(example.article.split())} words)"
                     f"</summary><p class=\"text\">{title}{escape(example.article)}</p></details>")
    return "".join(parts) + "</div>"


def examples_section(runs: Sequence[Run], names: Sequence[str], ref: MeasureRef,
                     shown: str, k: int) -> str:
    first = runs[0].metrics[ref.metric]
    component = first.headline(ref.measure)
    scale = first.info.scale
    score_label = f"{shown} {first.info.label(component)}"
    parts = [f'<section id="examples"><h2>Best and worst examples</h2><p>Ranked by '
             f'{escape(score_label)}. Highlighted: <mark class="bi">words in a bigram shared '
             'with the other text</mark>, <mark class="uni">other shared words</mark>.</p>']
    by_id = [{i: row for row, i in enumerate(r.ids)} for r in runs]
    values = [r.values(ref, component) for r in runs]
    for r, (run, name) in enumerate(zip(runs, names)):
        examples, why = reference_examples(run)
        diagnostics = example_diagnostics(run)
        f = values[r]
        order = sorted(range(len(run.ids)), key=lambda i: (-f[i], run.ids[i]))
        parts.append(f"<h3>{escape(name)}</h3>")
        if why:
            parts.append(f'<p class="note">{escape(why)}</p>')
        count = min(k, len(order))
        for heading, chosen in (("best", order[:count]), ("worst", order[::-1][:count])):
            parts.append(f'<div class="label">{heading} {count}</div>')
            for rank, i in enumerate(chosen, start=1):
                example_id = run.ids[i]
                others = "".join(
                    f" · {escape(n)} {number(values[j][by_id[j][example_id]], scale)}"
                    for j, n in enumerate(names) if j != r and example_id in by_id[j])
                parts.append(_example_card(
                    f"{heading} #{rank}", example_id, f"{score_label} {number(float(f[i]), scale)}",
                    run.predictions[i], examples.get(example_id) if examples else None, others,
                    diagnostics.get(example_id)))
    return "".join(parts) + "</section>"


def _rank_measure(runs: Sequence[Run], measures: Sequence[MeasureRef], requested: str | None) -> MeasureRef:
    if requested is not None:
        try:
            return shared_measures(runs, (requested,))[0]
        except SumbenchError as exc:
            raise UsageError(f"--rank-by {requested}: {exc}") from None
    labels = [label(m, runs[0].measure_refs()) for m in measures]
    for preferred in ("rougeLsum", "rouge1"):
        if preferred in labels:
            return measures[labels.index(preferred)]
    return measures[0]


def render_html(runs: Sequence[Run], comparison: Comparison | None = None, k: int = 5,
                rank_by: str | None = None, title: str = "sumbench report") -> str:
    """The report for ``runs`` (and their comparison, if given) as one HTML document."""
    from sumbench.eval.report import plots

    names = comparison.names if comparison else unique_names(runs)
    measures = shared_measures(runs, None)
    ref = _rank_measure(runs, measures, rank_by)
    among = runs[0].measure_refs()
    shown = label(ref, among)
    labels = [label(m, among) for m in measures]
    headline = [[r.metrics[m.metric].scores[m.measure][r.metrics[m.metric].headline(m.measure)]
                 .scaled(r.metrics[m.metric].info.scale) for m in measures] for r in runs]
    chart = plots.comparison_chart(names, headline, labels)
    per_example = [{lab: r.values(m) * r.metrics[m.metric].info.scale
                    for m, lab in zip(measures, labels)} for r in runs]
    infos = [runs[0].metrics[m.metric].info for m in measures]
    ranges = [(i.scale * i.low, i.scale * i.high) if i.low is not None and i.high is not None
              else None for i in infos]
    histograms = plots.score_histograms(names, per_example, labels, ranges)
    lengths = [np.array([len(p.split()) for p in run.predictions]) for run in runs]
    scatter = plots.length_scatter(names, lengths, [v[shown] for v in per_example], shown)
    sections = [
        summary_section(runs, names),
        comparison_section(comparison, chart),
        '<section id="distributions"><h2>Score distributions</h2>'
        f'<img alt="Histograms of per-example scores" src="{histograms}"></section>',
        f'<section id="length"><h2>{escape(shown)} against summary length</h2>'
        f'<img alt="Scatter of scores against summary length" src="{scatter}"></section>',
        diagnostics_section(runs, names),
        examples_section(runs, names, ref, shown, k),
    ]
    nav = "".join(f'<a href="#{s}">{text}</a>' for s, text in (
        ("summary", "Summary"), ("comparison", "Comparison"), ("distributions", "Distributions"),
        ("length", "Length"), ("examples", "Examples")))
    subtitle = " vs ".join(escape(n) for n in names) + f" · {len(runs[0].ids)} examples"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
            f'<h1>{escape(title)}</h1><p class="sub">{subtitle}</p><nav>{nav}</nav>'
            + "".join(sections)
            + f'<p class="sub">Made by sumbench {escape(__version__)}.</p></main></body></html>\n')

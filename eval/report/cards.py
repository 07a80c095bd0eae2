"""The HTML report's example cards: a few examples shown whole, with the texts.

Which examples, ``k`` of them (``--examples K``, default :data:`DEFAULT_EXAMPLES`; 0 shows
none), ranked by one measure's headline component (``ref``):

* **one run**: its ``k`` best and ``k`` worst examples (ties by id);
* **several runs**: the ``k`` examples on which the systems **disagree most**, i.e. with
  the largest spread (highest minus lowest system) of the measure over the ids every run
  has, ties by id -- where reading the texts tells the most about how the systems
  differ.  One card per example shows the highest- and the lowest-scoring system's
  predictions, every system's value, and folds the other predictions away, so a study of
  16 systems gives ``k`` cards, not ``2 k`` per system.

Nothing is re-scored: a card shows the values the run stores for that example (each
measure's headline component, labelled and scaled as the run's metric info says).  The
words a prediction shares with the reference are marked
(:mod:`sumbench.eval.report.highlight`); with several references a card shows the one
sharing the most words with the prediction and folds the others away.  Every text from
data goes through :func:`sumbench.eval.report.escape.html.escape_html`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..data.records import Example
from ..runs.run import MeasureRef, Run, label
from .escape.html import escape_html
from .highlight import highlight, shared_words
from .tables import number

DEFAULT_EXAMPLES = 3


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


def _reference_blocks(prediction: str, references: Sequence[str]) -> list[str]:
    if len(references) == 1:
        return ['<div class="label">reference</div>'
                f'<p class="text">{highlight(references[0], prediction)}</p>']
    shared = [shared_words(reference, prediction) for reference in references]
    best = max(range(len(references)), key=lambda k: (shared[k], -k))
    parts = [f'<div class="label">reference {best + 1} of {len(references)} (most words '
             f'shared with the prediction: {shared[best]})</div>'
             f'<p class="text">{highlight(references[best], prediction)}</p>',
             f'<details><summary>the other {len(references) - 1} references</summary>']
    for k, reference in enumerate(references):
        if k != best:
            parts.append(f'<div class="label">reference {k + 1} ({shared[k]} shared words)'
                         f'</div><p class="text">{highlight(reference, prediction)}</p>')
    return parts + ["</details>"]


def stored_scores(run: Run, row: int) -> str:
    """Every measure's stored value for example ``row`` of ``run``, as the run's metric
    info shows it (headline component, its label, the display scale), escaped."""
    among = run.measure_refs()
    shown = []
    for ref in among:
        result = run.metrics[ref.metric]
        component = result.headline(ref.measure)
        value = float(result.columns[ref.measure][component][row])
        shown.append(f"{label(ref, among)} {result.info.label(component)} "
                     f"{number(value, result.info.scale)}")
    return escape_html(", ".join(shown))


def _card_head(example_id: str, heading: str, score: str, others: str) -> str:
    return (f'<div class="card"><h4>{escape_html(heading)} · <code>{escape_html(example_id)}'
            f'</code> · <span class="score">{escape_html(score)}</span>{others}</h4>')


def _example_card(rank: str, example_id: str, score: str, prediction: str,
                  example: Example | None, others: str, diagnostics: dict | None,
                  scores: str) -> str:
    references = example.reference_texts() if example else []
    joined = "\n".join(references)
    parts = [_card_head(example_id, rank, score, others),
             '<div class="label">prediction</div>',
             f'<p class="text">{highlight(prediction, joined) if example else escape_html(prediction)}</p>',
             f'<div class="label">scores (stored in the run)</div><p class="diag">{scores}</p>']
    if references:
        parts += _reference_blocks(prediction, references)
    parts += _diagnostics_and_article(example, diagnostics)
    return "".join(parts) + "</div>"


def _diagnostics_and_article(example: Example | None, diagnostics: dict | None) -> list[str]:
    parts = []
    if diagnostics:
        from ..diagnostics import diagnostic_label, format_diagnostic

        parts.append('<div class="label">diagnostics</div><p class="diag">' + ", ".join(
            f"{escape_html(diagnostic_label(k))}: {escape_html(format_diagnostic(k, v))}"
            for k, v in diagnostics.items()) + "</p>")
    if example is not None:
        title = f"{escape_html(example.title)} — " if example.title else ""
        parts.append(f"<details><summary>article ({len(example.article.split())} words)"
                     f"</summary><p class=\"text\">{title}{escape_html(example.article)}</p></details>")
    return parts


def most_disputed(runs: Sequence[Run], ref: MeasureRef, k: int) -> list[tuple[str, float]]:
    """The ``k`` ids (with their spread, on the metric's own scale) that every run has
    and on which ``ref``'s headline spreads most across the runs; ties by id."""
    rows = [{i: row for row, i in enumerate(r.ids)} for r in runs]
    values = [r.values(ref) for r in runs]
    shared = [i for i in runs[0].ids if all(i in by_id for by_id in rows)]
    spread = {i: float(np.ptp([v[by_id[i]] for v, by_id in zip(values, rows)])) for i in shared}
    return sorted(spread.items(), key=lambda item: (-item[1], item[0]))[:k]


def _intro(score_label: str, text: str) -> str:
    return (f"<p>{text} {escape_html(score_label)}. Highlighted: <mark class=\"bi\">words "
            "in a bigram shared with the other text</mark>, <mark class=\"uni\">other shared "
            "words</mark>.</p>")


def _single_run(run: Run, name: str, ref: MeasureRef, score_label: str, scale: float,
                k: int) -> list[str]:
    examples, why = reference_examples(run)
    diagnostics = example_diagnostics(run)
    f = run.values(ref)
    order = sorted(range(len(run.ids)), key=lambda i: (-f[i], run.ids[i]))
    parts = [_intro(score_label, "Ranked by"),
             f"<h3>{escape_html(name)}</h3>"]
    if why:
        parts.append(f'<p class="note">{escape_html(why)}</p>')
    count = min(k, len(order))
    for heading, chosen in (("best", order[:count]), ("worst", order[::-1][:count])):
        parts.append(f'<div class="label">{heading} {count}</div>')
        for rank, i in enumerate(chosen, start=1):
            parts.append(_example_card(
                f"{heading} #{rank}", run.ids[i], f"{score_label} {number(float(f[i]), scale)}",
                run.predictions[i], examples.get(run.ids[i]) if examples else None, "",
                diagnostics.get(run.ids[i]), stored_scores(run, i)))
    return parts


def _prediction_block(heading: str, prediction: str, example: Example | None) -> str:
    joined = "\n".join(example.reference_texts()) if example else ""
    text = highlight(prediction, joined) if example else escape_html(prediction)
    return f'<div class="label">{escape_html(heading)}</div><p class="text">{text}</p>'


def _disputed_card(runs: Sequence[Run], names: Sequence[str], ref: MeasureRef, rank: int,
                   example_id: str, spread: float, score_label: str, scale: float) -> str:
    rows = [r.ids.index(example_id) for r in runs]
    values = [float(r.values(ref)[row]) for r, row in zip(runs, rows)]
    order = sorted(range(len(runs)), key=lambda s: (-values[s], s))
    high, low = order[0], order[-1]
    examples, _ = reference_examples(runs[high])
    example = examples.get(example_id) if examples else None

    def shown(s: int) -> str:
        return f"{names[s]} {number(values[s], scale)}"

    parts = [_card_head(example_id, f"#{rank}", f"spread {number(spread, scale)}",
                        f" · {escape_html(score_label)} from {escape_html(shown(low))} to "
                        f"{escape_html(shown(high))}"),
             f'<div class="label">{escape_html(score_label)} per system (stored in the runs)'
             f'</div><p class="diag">{escape_html(", ".join(shown(s) for s in order))}</p>',
             *_system_block("highest", runs[high], rows[high], shown(high), example)]
    if low != high:
        parts += _system_block("lowest", runs[low], rows[low], shown(low), example)
    rest = [s for s in order if s not in (high, low)]
    if rest:
        parts.append(f"<details><summary>the other {len(rest)} predictions</summary>"
                     + "".join(_prediction_block(shown(s), runs[s].predictions[rows[s]], example)
                               for s in rest) + "</details>")
    if example is not None:
        parts += _reference_blocks(runs[high].predictions[rows[high]], example.reference_texts())
    parts += _diagnostics_and_article(example, None)
    return "".join(parts) + "</div>"


def _system_block(which: str, run: Run, row: int, shown: str,
                  example: Example | None) -> list[str]:
    """One system's prediction in a card, its stored values and diagnostics."""
    parts = [_prediction_block(f"{which}: {shown}", run.predictions[row], example),
             f'<p class="diag">{stored_scores(run, row)}</p>']
    diagnostics = example_diagnostics(run).get(run.ids[row])
    if diagnostics:
        from ..diagnostics import diagnostic_label, format_diagnostic

        parts.append('<p class="diag">diagnostics: ' + ", ".join(
            f"{escape_html(diagnostic_label(k))}: {escape_html(format_diagnostic(k, v))}"
            for k, v in diagnostics.items()) + "</p>")
    return parts


def examples_section(runs: Sequence[Run], names: Sequence[str], ref: MeasureRef,
                     shown: str, k: int = DEFAULT_EXAMPLES) -> str:
    """The examples section: ``k`` cards chosen by the rule of the module docstring."""
    if k < 0:
        from sumbench.common.errors import UsageError

        raise UsageError(f"--examples must be >= 0, got {k}")
    first = runs[0].metrics[ref.metric]
    scale = first.info.scale
    score_label = f"{shown} {first.info.label(first.headline(ref.measure))}"
    if len(runs) == 1:
        title = "Best and worst examples"
    else:
        title = "Examples where the systems disagree most"
    parts = [f'<section id="examples"><h2>{title}</h2>']
    if k == 0:
        parts.append("<p>No example cards (--examples 0).</p>")
    elif len(runs) == 1:
        parts += _single_run(runs[0], names[0], ref, score_label, scale, k)
    else:
        disputed = most_disputed(runs, ref, k)
        parts.append(_intro(score_label, f"The {len(disputed)} examples (of those every run "
                            "has) on which the systems disagree most: the largest spread "
                            "between the highest- and the lowest-scoring system (ties by id) "
                            "of"))
        why = [reference_examples(r)[1] for r in runs]
        if any(why):
            parts.append(f'<p class="note">{escape_html(next(w for w in why if w))}</p>')
        parts += [_disputed_card(runs, names, ref, rank, example_id, spread, score_label, scale)
                  for rank, (example_id, spread) in enumerate(disputed, start=1)]
    return "".join(parts) + "</section>"

"""Per-language tables (XL-Sum-style multilingual tables: Hasan et al. 2021, "XL-Sum",
Findings of ACL): when a run's examples carry languages (``Example.language``, which
``--language-field`` sets and the run folder keeps in ``references.jsonl``), each
metric's headline means per language, each with its interval, and the macro average
over languages with its interval.

The numbers come from :func:`sumbench.eval.stats.stratified.grouped_intervals` with the
metric's own bootstrap settings (its signature's ``bs``, ``seed`` and ``ci``; the
defaults of :class:`~sumbench.eval.metrics.base.BootstrapSettings` for a metric that
aggregates its own way): a language's row is what a run of that language alone shows
(for a metric aggregated by the bootstrap), and the macro average's interval is a
stratified bootstrap (resampled within each language).  A run whose examples carry fewer
than two languages shows no such table; a run where only some examples carry one shows a
note instead (no guessing).

The rows are plain strings: the console lays them out with ``grid`` (which escapes
control characters), Markdown and HTML escape every cell that comes from data -- a
language is a value read from the user's file -- with their one escaping function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..metrics.base import BootstrapSettings
from ..runs.run import MeasureRef, MetricResult, Run, label
from ..stats.interval import Interval
from ..stats.stratified import grouped_intervals
from .escape.html import escape_html
from .escape.markdown import escape_markdown
from .tables import grid, interval_text, number

if TYPE_CHECKING:  # the console needs no leaderboard code to show a run's table
    from ..leaderboard import Leaderboard

MACRO = "macro average"


@dataclass(frozen=True)
class LanguageTable:
    """One metric's headline means per language (display scale) and their macro average."""

    metric: str
    measures: tuple[str, ...]
    languages: tuple[str, ...]
    counts: tuple[int, ...]
    cells: tuple[tuple[Interval, ...], ...]  # [language][measure], display scale
    macro: tuple[Interval, ...]  # [measure], display scale
    settings: BootstrapSettings
    unit: str = "points"  # the metric's display unit (MetricInfo.unit_text)


def run_languages(run: Run) -> tuple[str, ...] | None:
    """Each example's language, or ``None`` when the run carries none."""
    if not run.examples:
        return None
    languages = tuple(e.language for e in run.examples)
    if all(lang is None for lang in languages):
        return None
    return tuple("" if lang is None else lang for lang in languages)


def missing_note(run: Run) -> str | None:
    """The note shown instead of the tables when only some examples carry a language."""
    if not run.examples:
        return None
    missing = sum(e.language is None for e in run.examples)
    if 0 < missing < len(run.examples):
        return (f"no per-language table: {missing} of {len(run.examples)} examples "
                "carry no language")
    return None


def bootstrap_settings(result: MetricResult) -> BootstrapSettings:
    """The metric's bootstrap settings from its signature (defaults where it has none)."""
    default = BootstrapSettings()
    samples = result.signature.get("bs")
    seed = result.signature.get("seed")
    level = result.signature.confidence
    return BootstrapSettings(int(samples) if samples else default.samples,
                             int(seed) if seed else default.seed,
                             level if level is not None else default.confidence)


def language_table(result: MetricResult, languages: Sequence[str]) -> LanguageTable:
    """Every measure's headline per language and the macro average (see the docstring)."""
    import numpy as np

    measures = tuple(result.columns)
    matrix = np.stack([result.columns[m][result.headline(m)] for m in measures], axis=1)
    settings = bootstrap_settings(result)
    grouped = grouped_intervals(matrix, languages, settings.samples, settings.seed,
                                settings.confidence)
    scale = result.info.scale
    return LanguageTable(
        metric=result.name, measures=measures, languages=grouped.groups, counts=grouped.counts,
        cells=tuple(tuple(i.scaled(scale) for i in row) for row in grouped.by_group),
        macro=tuple(i.scaled(scale) for i in grouped.macro), settings=settings,
        unit=result.info.unit_text())


def run_tables(run: Run) -> list[LanguageTable]:
    """One table per metric, when the run's examples carry two languages or more."""
    languages = run_languages(run)
    if languages is None or missing_note(run) or len(set(languages)) < 2:
        return []
    return [language_table(result, languages) for result in run.metrics.values()]


def cell(interval: Interval) -> str:
    """``mean [low, high]`` of a value already on its display scale."""
    return f"{number(interval.mid, 1.0)} {interval_text(interval, 1.0)}"


def caption(table: LanguageTable) -> str:
    s = table.settings
    return (f"{table.metric} ({table.unit}) per language: mean [{s.confidence * 100:g}% CI] of each "
            f"measure's headline (seeded bootstrap, {s.samples} resamples, seed {s.seed}); "
            f"{MACRO}: the unweighted mean over the {len(table.languages)} languages, its "
            "interval from a bootstrap stratified by language")


def table_rows(table: LanguageTable) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)``: a row per language (its code as read), then the macro average.
    Cells are raw text: each format escapes them."""
    header = ["language", "examples", *table.measures]
    rows = [[lang, str(count)] + [cell(i) for i in row]
            for lang, count, row in zip(table.languages, table.counts, table.cells)]
    rows.append([MACRO, str(sum(table.counts))] + [cell(i) for i in table.macro])
    return header, rows


# ------------------------------------------------------------------ one run, every format


def language_text(run: Run) -> list[str]:
    """Console lines (possibly none) for a run: each metric's per-language table."""
    from sumbench.common.terminal import escape_controls

    note = missing_note(run)
    if note:
        return ["", f"note: {note}"]
    lines: list[str] = []
    for table in run_tables(run):
        header, rows = table_rows(table)
        lines += ["", escape_controls(caption(table), newlines=True), ""]
        lines += grid(header, rows, right=set(range(1, len(header))))
    return lines


def language_markdown(runs: Sequence[Run], names: Sequence[str]) -> list[str]:
    """Markdown tables of every run whose examples carry languages (none: no lines)."""
    from .markdown import table as md_table

    lines: list[str] = []
    for run, name in zip(runs, names):
        note = missing_note(run)
        tables = run_tables(run)
        if note:
            lines += ["", f"- Note ({escape_markdown(name)}): {escape_markdown(note)}"]
        for table in tables:
            header, rows = table_rows(table)
            lines += ["", f"{escape_markdown(name)}, {escape_markdown(caption(table))}.", ""]
            lines += md_table([escape_markdown(h) for h in header],
                              [[escape_markdown(c) for c in row] for row in rows],
                              "lr" + "r" * len(table.measures))
    return ["## Per language"] + lines if lines else []


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int) -> str:
    head = "".join(f"<th>{escape_html(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f'<td class="n">{escape_html(c)}</td>' if k >= numeric_from else f"<td>{escape_html(c)}</td>"
        for k, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def language_html(runs: Sequence[Run], names: Sequence[str]) -> str:
    """The report's per-language section ("" when no run carries languages)."""
    parts = []
    for run, name in zip(runs, names):
        note = missing_note(run)
        if note:
            parts.append(f'<p class="note">{escape_html(name)}: {escape_html(note)}</p>')
        for table in run_tables(run):
            header, rows = table_rows(table)
            parts.append(f"<h3>{escape_html(name)}: {escape_html(table.metric)}</h3>"
                         f"<p>{escape_html(caption(table))}.</p>" + _html_table(header, rows, 1))
    if not parts:
        return ""
    return f'<section id="languages"><h2>Per language</h2>{"".join(parts)}</section>'


# --------------------------------------------------------------------------- leaderboards


@dataclass(frozen=True)
class LanguageBoard:
    """The ranking measure's headline per system (leaderboard order) and language."""

    measure: str
    languages: tuple[str, ...]
    systems: tuple[str, ...]
    cells: tuple[tuple[Interval, ...], ...]  # [system][language]
    macro: tuple[Interval, ...]  # [system]
    settings: BootstrapSettings


def board_languages(board: Leaderboard) -> LanguageBoard | None:
    """Per-language means of the ranking measure, when every run carries the same
    languages (two or more); ``None`` otherwise."""
    from ..compare import unique_names

    runs = list(board.runs)
    if not runs:
        return None
    names = unique_names(runs)
    by_name = dict(zip(names, runs))
    ref = _rank_ref(runs[0], board.rank_by)
    cells, macro, settings, languages = [], [], None, None
    for entry in board.entries:
        run = by_name[entry.name]
        run_langs = run_languages(run)
        if run_langs is None or missing_note(run) or len(set(run_langs)) < 2:
            return None
        result = run.metrics[ref.metric]
        values = result.columns[ref.measure][result.headline(ref.measure)]
        settings = bootstrap_settings(result)
        grouped = grouped_intervals(values, run_langs, settings.samples, settings.seed,
                                    settings.confidence)
        if languages is not None and grouped.groups != languages:
            return None
        languages = grouped.groups
        scale = result.info.scale
        cells.append(tuple(row[0].scaled(scale) for row in grouped.by_group))
        macro.append(grouped.macro[0].scaled(scale))
    assert languages is not None and settings is not None
    return LanguageBoard(measure=f"{board.rank_by} {board.component}", languages=languages,
                         systems=tuple(e.name for e in board.entries), cells=tuple(cells),
                         macro=tuple(macro), settings=settings)


def _rank_ref(run: Run, rank_by: str) -> MeasureRef:
    refs = run.measure_refs()
    for ref in refs:
        if label(ref, refs) == rank_by:
            return ref
    return run.resolve(rank_by)


def board_caption(lb: LanguageBoard) -> str:
    s = lb.settings
    return (f"{lb.measure} per language: mean [{s.confidence * 100:g}% CI] (seeded "
            f"bootstrap, {s.samples} resamples, seed {s.seed}); {MACRO}: the unweighted "
            f"mean over the {len(lb.languages)} languages, its interval from a bootstrap "
            "stratified by language")


def board_rows(lb: LanguageBoard) -> tuple[list[str], list[list[str]]]:
    header = ["system", *lb.languages, MACRO]
    rows = [[name] + [cell(i) for i in row] + [cell(m)]
            for name, row, m in zip(lb.systems, lb.cells, lb.macro)]
    return header, rows


def board_text(board: Leaderboard) -> list[str]:
    from sumbench.common.terminal import escape_controls

    lb = board_languages(board)
    if lb is None:
        return []
    header, rows = board_rows(lb)
    return (["", escape_controls(board_caption(lb), newlines=True), ""]
            + grid(header, rows, right=set(range(1, len(header)))))


def board_markdown(board: Leaderboard) -> list[str]:
    from .markdown import table as md_table

    lb = board_languages(board)
    if lb is None:
        return []
    header, rows = board_rows(lb)
    return (["", f"{escape_markdown(board_caption(lb))}.", ""]
            + md_table([escape_markdown(h) for h in header],
                       [[escape_markdown(c) for c in row] for row in rows],
                       "l" + "r" * (len(header) - 1)))


def board_html(board: Leaderboard) -> str:
    lb = board_languages(board)
    if lb is None:
        return ""
    header, rows = board_rows(lb)
    return (f"<h3>Per language</h3><p>{escape_html(board_caption(lb))}.</p>"
            + _html_table(header, rows, 1))

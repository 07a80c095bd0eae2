"""Per-language tables (sumbench.eval.stats.stratified, sumbench.eval.report.by_language):
the numbers against slow loops and single-language runs, golden files for every format
that shows them, and hostile language values in each format."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from fake_runs import SIGNATURE_FIELDS, make_run, synthetic_f
from sumbench.eval.data.records import Example
from sumbench.eval.leaderboard import LeaderboardSettings, build_leaderboard
from sumbench.eval.metrics.base import BootstrapSettings, bootstrap_columns
from sumbench.eval.report import by_language
from sumbench.eval.report import leaderboard as boards
from sumbench.eval.report.console import score_table
from sumbench.eval.report.html import page
from sumbench.eval.report.markdown import report_markdown
from sumbench.eval.signature import Signature
from sumbench.eval.stats.resampling import bootstrap_interval
from sumbench.eval.stats.stratified import grouped_intervals
from test_format_escaping import (
    SETTINGS,
    assert_html_inert,
    assert_markdown_tables_hold,
    assert_terminal_clean,
    distinct,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("SUMBENCH_REGENERATE_GOLDEN") == "1"


# ---------------------------------------------------------------------------- the numbers


def slow_macro(values: np.ndarray, groups: list[str], samples: int, seed: int,
               confidence: float) -> tuple[float, float, float]:
    """The stratified bootstrap of the macro average, one resample and group at a time,
    with the draws the module docstring states."""
    rng = np.random.default_rng(seed)
    names = sorted(set(groups))
    parts = [values[[i for i, g in enumerate(groups) if g == name]] for name in names]
    macro = np.zeros(samples)
    for part in parts:
        for r in range(samples):
            idx = rng.integers(0, len(part), size=len(part))
            macro[r] += part[idx].mean()
    macro /= len(names)
    tail = (1 - confidence) / 2
    low, high = np.percentile(macro, [100 * tail, 100 * (1 - tail)])
    return float(low), float(np.mean([p.mean() for p in parts])), float(high)


CASES = [
    # equal group sizes (the case where reusing each group's seeded draws would couple them)
    (["zh", "hi"] * 6, 0),
    # unequal sizes, a group of one, a constant group
    (["th"] * 7 + ["ja"] + ["ar"] * 4, 1),
    (["b", "a", "c", "a", "b", "c", "c", "c", "a"], 2),
]


@pytest.mark.parametrize("groups, seed", CASES)
def test_macro_interval_matches_the_slow_loop(groups, seed):
    rng = np.random.default_rng(100 + seed)
    values = rng.uniform(0, 1, size=len(groups))
    if "ar" in groups:
        values[[i for i, g in enumerate(groups) if g == "ar"]] = 0.25
    got = grouped_intervals(values, groups, n_samples=300, seed=seed, confidence=0.9)
    low, mid, high = slow_macro(values, groups, 300, seed, 0.9)
    assert got.macro[0].mid == pytest.approx(mid, abs=1e-15)
    assert got.macro[0].low == pytest.approx(low, abs=1e-12)
    assert got.macro[0].high == pytest.approx(high, abs=1e-12)
    assert low < high  # the oracle's interval is not degenerate: the comparison has teeth


@pytest.mark.parametrize("groups, seed", CASES)
def test_each_language_is_the_bootstrap_of_its_rows_alone(groups, seed):
    values = np.random.default_rng(seed).uniform(0, 1, size=(len(groups), 2))
    got = grouped_intervals(values, groups, n_samples=200, seed=seed, confidence=0.95)
    assert got.groups == tuple(sorted(set(groups)))
    for name, count, row in zip(got.groups, got.counts, got.by_group):
        rows = [i for i, g in enumerate(groups) if g == name]
        assert count == len(rows)
        low, mid, high = bootstrap_interval(values[rows], 200, seed, 0.95)
        assert [(i.low, i.mid, i.high) for i in row] == list(zip(low, mid, high))


def test_every_column_sees_the_same_macro_resamples():
    groups = ["x", "y", "y", "z", "x", "y"]
    values = np.random.default_rng(5).uniform(0, 1, size=(6, 3))
    together = grouped_intervals(values, groups, 100, 3)
    for k in range(3):
        alone = grouped_intervals(values[:, k], groups, 100, 3)
        assert together.macro[k].low == pytest.approx(alone.macro[0].low, abs=1e-12)
        assert together.macro[k].high == pytest.approx(alone.macro[0].high, abs=1e-12)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="labels"):
        grouped_intervals(np.ones(3), ["a", "b"])
    with pytest.raises(ValueError):
        grouped_intervals(np.ones(3), ["a", "b", "c"], n_samples=0)


# ------------------------------------------------------------------------ runs and tables

LANGS = ["hi", "zh", "th", "en", "hi", "zh", "th", "hi", "zh", "hi", "en", "th"]


def examples(languages) -> tuple[Example, ...]:
    return tuple(Example(id=f"ex{k:03d}", article=f"Article {k}.",
                         references=((f"Reference {k}.",),), language=lang)
                 for k, lang in enumerate(languages))


def lang_run(name: str, seed: int, shift: float = 0.0, languages=LANGS, **kwargs):
    return make_run(name, synthetic_f(len(languages), seed, shift=shift),
                    examples=examples(languages), **kwargs)


def test_a_language_row_is_what_a_run_of_that_language_alone_shows():
    run = lang_run("sys", 1)
    table = by_language.run_tables(run)[0]
    result = run.metrics["rouge"]
    settings = BootstrapSettings(200, 7, 0.95)  # fake_runs' signature: bs 200, seed 7
    assert table.settings == settings
    for lang, row in zip(table.languages, table.cells):
        rows = [i for i, g in enumerate(LANGS) if g == lang]
        alone = bootstrap_columns({m: {"fmeasure": result.columns[m]["fmeasure"][rows]}
                                   for m in result.columns}, settings)
        assert row == tuple(alone[m]["fmeasure"].scaled(100) for m in result.columns)
    means = [np.mean([row[0].mid for row in table.cells])]
    assert table.macro[0].mid == pytest.approx(means[0], abs=1e-12)


def test_no_table_without_two_languages_and_a_note_when_some_lack_one():
    assert by_language.language_text(make_run("plain", synthetic_f(4, 1))) == []
    assert by_language.language_text(lang_run("one", 1, languages=["de"] * 4)) == []
    partial = lang_run("partial", 1, languages=["de", None, "fr", "fr"])
    assert by_language.language_text(partial) == [
        "", "note: no per-language table: 1 of 4 examples carry no language"]
    assert "Per language" not in report_markdown([make_run("plain", synthetic_f(4, 1))])


def test_a_board_of_runs_with_different_languages_shows_no_language_table():
    a = lang_run("a", 1)
    b = lang_run("b", 2, languages=["de"] * len(LANGS))
    board = build_leaderboard([a, b], LeaderboardSettings(permutations=100, bootstrap_samples=50))
    assert by_language.board_languages(board) is None
    assert by_language.board_text(board) == []


def golden_runs():
    return [lang_run("lead-3", 1), lang_run("mt5 <xl>", 2, shift=0.04),
            lang_run("lead-1", 3, shift=-0.05)]


def golden_board():
    return build_leaderboard(golden_runs(), LeaderboardSettings(
        permutations=500, bootstrap_samples=200, seed=1, rank_by="rouge2"))


@pytest.mark.parametrize("name, render", [
    ("languages.txt", lambda: score_table(golden_runs()[0], "lead-3") + "\n\n"
     + boards.leaderboard_text(golden_board()) + "\n"),
    ("languages.md", lambda: report_markdown(golden_runs(), title="Multilingual",
                                             leaderboard=golden_board())),
    ("languages.html", lambda: by_language.language_html(golden_runs(), ["lead-3", "mt5 <xl>",
                                                                         "lead-1"])
     + "\n" + boards.leaderboard_html(golden_board()) + "\n"),
])
def test_golden_language_tables(name, render):
    text = render()
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"regenerated {path}; review the diff and commit it")
    assert path.is_file(), f"{path} is missing: run with SUMBENCH_REGENERATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_golden_tables_read_right():
    text = (GOLDEN / "languages.txt").read_text(encoding="utf-8")
    assert "macro average" in text and "rouge2 F per language" in text
    assert text.count("\nhi ") >= 1 and "bootstrap stratified by language" in text


# ------------------------------------------------------------------ hostile language values


def hostile_runs(languages):
    signature = Signature("rouge", tuple(SIGNATURE_FIELDS))
    pattern = [languages[k % len(languages)] for k in range(8)]
    return [lang_run(name, seed, languages=pattern, signature=signature)
            for seed, name in enumerate(["a", "b"], start=1)]


@SETTINGS
@given(distinct(3))
def test_hostile_language_values_stay_inert_in_every_format(languages):
    runs = hostile_runs(languages)
    twin = hostile_runs(["l1", "l2", "l3"])
    board = build_leaderboard(runs, LeaderboardSettings(permutations=100, bootstrap_samples=50))
    plain = build_leaderboard(twin, LeaderboardSettings(permutations=100, bootstrap_samples=50))
    assert by_language.board_languages(board) is not None
    assert_markdown_tables_hold(report_markdown(runs, leaderboard=board))
    assert_html_inert(page("report", by_language.language_html(runs, ["a", "b"])
                           + boards.leaderboard_html(board)))
    assert_terminal_clean(score_table(runs[0], "a"), score_table(twin[0], "a"))
    assert_terminal_clean(boards.leaderboard_text(board), boards.leaderboard_text(plain))

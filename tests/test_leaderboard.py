"""Leaderboards (issue 12): clusters, rank ranges and win rates on hand-made cases;
all-pairs p-values equal to two-run comparisons, Holm-adjusted; every output format,
the LaTeX one compiled by pdflatex with names full of special characters; the same
values from the API and the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import sumbench
from cli_util import one_error_line, sumbench as cli
from latex_util import document as latex_document, needs_latex
from fake_runs import make_run
from sumbench.eval.compare import CompareSettings, compare_runs
from sumbench.eval.leaderboard import LeaderboardSettings, build_leaderboard, clusters_from
from sumbench.eval.report import leaderboard as boards
from sumbench.eval.stats.multiple import holm

FAST = LeaderboardSettings(bootstrap_samples=300, permutations=2000, seed=4)


def system_runs(shifts: dict[str, float], n: int = 120, noise: float = 0.05) -> list:
    base = np.random.default_rng(0).uniform(0.2, 0.6, size=n)
    runs = []
    for k, (name, shift) in enumerate(shifts.items()):
        f = base + shift + np.random.default_rng(k + 1).normal(0, noise, size=n)
        runs.append(make_run(name, {"rouge1": f, "rouge2": f / 2}))
    return runs


@pytest.mark.parametrize("better, expected", [
    # a beats everyone: two clusters
    ([[0, 1, 1], [0, 0, 0], [0, 0, 0]], [1, 2, 2]),
    # a beats c only: no clean cut, one cluster
    ([[0, 0, 1], [0, 0, 0], [0, 0, 0]], [1, 1, 1]),
    # a and b both beat c and d, nothing else: two clusters of two
    ([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]], [1, 1, 2, 2]),
    # everything separated
    ([[0, 1, 1], [0, 0, 1], [0, 0, 0]], [1, 2, 3]),
])
def test_clusters_follow_the_wmt_rule(better, expected):
    assert clusters_from(np.array(better, dtype=bool)) == expected


def test_clear_tiers_become_clusters_with_rank_ranges_and_win_rates():
    runs = system_runs({"mid-a": 0.0, "top": 0.12, "low": -0.12, "mid-b": 0.002})
    board = build_leaderboard(runs, FAST)
    assert [e.name for e in board.entries] == ["top", "mid-b", "mid-a", "low"]
    assert [e.cluster for e in board.entries] == [1, 2, 2, 3]
    assert board.clusters == [["top"], ["mid-b", "mid-a"], ["low"]]
    assert [e.rank_range for e in board.entries] == [(1, 1), (2, 3), (2, 3), (4, 4)]
    # win rate by hand: the share of examples each beats each other on (ties half)
    f = {r.name: r.values(r.resolve("rouge1")) for r in runs}
    for e in board.entries:
        others = [o for o in f if o != e.name]
        expected = np.mean([np.mean((f[e.name] > f[o]) + 0.5 * (f[e.name] == f[o]))
                            for o in others])
        assert e.win_rate == pytest.approx(expected)
    assert board.entries[0].scores["rouge1"].mid == pytest.approx(100 * f["top"].mean())


def test_pairs_equal_two_run_comparisons_and_holm():
    runs = system_runs({"a": 0.0, "b": 0.01, "c": 0.02, "d": -0.01}, n=60)
    settings = CompareSettings(bootstrap_samples=300, permutations=2000, seed=4)
    every = compare_runs(runs, CompareSettings(**{**settings.__dict__, "all_pairs": True}))
    assert len(every.metrics) == 2 * 6  # two measures, six pairs
    for m in every.metrics:
        pair = [r for r in runs if r.name in (m.baseline, m.system)]
        pair.sort(key=lambda r: (r.name != m.baseline))
        two = compare_runs(pair, CompareSettings(**{**settings.__dict__, "measures": (m.measure,)}))
        single = two.metrics[0]
        assert (single.bootstrap_p, single.permutation_p) == (m.bootstrap_p, m.permutation_p)
        assert single.difference == m.difference
    for measure in ("rouge1", "rouge2"):
        rows = [m for m in every.metrics if m.measure == measure]
        assert [m.permutation_p_holm for m in rows] == \
            holm(np.array([m.permutation_p for m in rows])).tolist()
        assert [m.bootstrap_p_holm for m in rows] == \
            holm(np.array([m.bootstrap_p for m in rows])).tolist()
    board = build_leaderboard(runs, FAST)
    raw = [p.permutation_p for p in board.pairs]
    assert [p.adjusted_p for p in board.pairs] == holm(np.array(raw)).tolist()
    assert all(p.significant == (p.adjusted_p < 0.05) for p in board.pairs)


NASTY = ["sys_1 & co", "50% better", "a_b_c", "$money$", "#hash {x}", "tilde~caret^", "back\\slash"]


@pytest.fixture(scope="module")
def nasty_study(tmp_path_factory):
    runs = system_runs({name: 0.01 * k for k, name in enumerate(NASTY)}, n=40)
    return sumbench.save_study(runs, tmp_path_factory.mktemp("study") / "study")


@needs_latex
def test_latex_table_compiles_with_special_characters(nasty_study, tmp_path):
    done = cli("leaderboard", nasty_study, "--format", "latex", "--permutations", "500")
    assert done.code == 0, done.err
    assert "sys\\_1 \\& co" in done.out and "50\\% better" in done.out
    compile_latex(done.out, tmp_path)


def compile_latex(table: str, folder) -> None:
    (folder / "table.tex").write_text(latex_document(table), encoding="utf-8")
    built = subprocess.run(["pdflatex", "-no-shell-escape", "-interaction=nonstopmode",
                            "-halt-on-error", "table.tex"], cwd=folder, capture_output=True,
                           text=True, timeout=120)
    assert built.returncode == 0, built.stdout[-2000:]
    assert (folder / "table.pdf").read_bytes()[:5] == b"%PDF-"


# LaTeX specials, line breaks (CR, LF, CRLF), a paragraph break, a row end and a rule
HOSTILE_LATEX = ["a & b\n\\input{x}", "50%\r\n\\\\ \\hline", "~^_$#{}\n\nnew paragraph",
                 "<|>\\end{tabular}", "\\toprule\rx"]


@needs_latex
def test_latex_paper_layout_with_hostile_names_compiles(tmp_path):
    runs = system_runs({name: 0.04 * k for k, name in enumerate(HOSTILE_LATEX)}, n=60)
    board = build_leaderboard(runs, replace(FAST, baseline=HOSTILE_LATEX[2]))
    table = boards.leaderboard_latex(board)
    lines = table.split("\n")
    assert table.endswith("\\end{tabular}\n") and lines[-1] == ""
    assert lines.count("\\toprule") == 1 and lines.count("\\bottomrule") == 1
    assert "% needs \\usepackage{booktabs} in the preamble" in lines
    assert "\\hline" not in lines
    head = next(line for line in lines if line.startswith("Cluster & Rank & System"))
    assert "rouge1 {\\small[95\\% CI]}" in head and "Win rate (rouge1 F)" in head
    assert "vs \\textasciitilde{}\\textasciicircum{}\\_\\$\\#\\{\\}\\textbackslash{}u000a\\textbackslash{}u000anew paragraph" in head
    rows = [line for line in lines if line.endswith(" \\\\") and line is not head]
    assert len(rows) == len(board.entries)
    for entry, row in zip(board.entries, rows):
        cells = row[:-3].split(" & ")
        assert cells[0] == str(entry.cluster)
        mid, low, high = (entry.scores["rouge1"].mid, entry.scores["rouge1"].low,
                          entry.scores["rouge1"].high)
        assert cells[3] == f"{mid:.2f} {{\\small[{low:.2f}, {high:.2f}]}}"
    # a rule between clusters: one \midrule under the header plus one per cluster change
    changes = sum(a.cluster != b.cluster for a, b in zip(board.entries, board.entries[1:]))
    assert lines.count("\\midrule") == 1 + changes and changes >= 1
    compile_latex(table, tmp_path)


def test_formats_carry_the_same_board(nasty_study, tmp_path):
    args = ["leaderboard", nasty_study, "--permutations", "500", "--paired-bs", "200"]
    as_json = json.loads(cli(*args, "--format", "json").out)
    api = sumbench.leaderboard([nasty_study], LeaderboardSettings(bootstrap_samples=200,
                                                                 permutations=500))
    assert as_json == json.loads(json.dumps(api.to_dict()))
    rows = list(csv.DictReader(io.StringIO(cli(*args, "--format", "csv").out)))
    assert [r["system"] for r in rows] == [e["name"] for e in as_json["entries"]]
    assert float(rows[0]["rouge1"]) == pytest.approx(as_json["entries"][0]["scores"]["rouge1"]["mid"])
    text = cli(*args).out
    assert "A cluster ends where every system above is significantly better" in text
    assert "signature: metric:rouge|" in text and "holm|alpha:0.05" in text
    md = cli(*args, "--format", "md").out
    assert "| cluster | rank | system |" in md and "sys\\_1 &amp; co" in md
    written = cli(*args, "--format", "html", "-o", tmp_path / "board.html")
    assert written.code == 0 and 'id="leaderboard"' in (tmp_path / "board.html").read_text()


def test_usage_errors(nasty_study, tmp_path):
    assert cli("leaderboard", nasty_study, "--alpha", "2").code == 2
    assert cli("leaderboard", nasty_study, "--rank-by", "rouge9").code == 2
    lone = make_run("alone", {"rouge1": np.ones(5) / 2}).save(tmp_path / "alone")
    done = cli("leaderboard", lone)
    assert done.code == 2 and "at least two runs" in done.err


# --- issue 20: the win rate's measure, the baseline column, the significance matrix ---

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("SUMBENCH_REGENERATE_GOLDEN") == "1"


def golden_board():
    runs = system_runs({"mid-a": 0.0, "top": 0.12, "low": -0.12, "mid-b & co": 0.002}, n=60)
    return build_leaderboard(runs, replace(FAST, rank_by="rouge2", baseline="mid-a"))


@pytest.mark.parametrize("name, render", [
    ("leaderboard.tex", boards.leaderboard_latex),
    ("leaderboard.md", lambda board: "\n".join(boards.leaderboard_markdown(board)) + "\n"),
    ("leaderboard.csv", boards.leaderboard_csv),
    ("leaderboard.txt", lambda board: boards.leaderboard_text(board) + "\n"),
    ("leaderboard.html", lambda board: boards.leaderboard_html(board) + "\n"),
])
def test_golden_leaderboards(name, render):
    text = render(golden_board())
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"regenerated {path}; review the diff and commit it")
    assert path.is_file(), f"{path} is missing: run with SUMBENCH_REGENERATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_every_format_names_the_win_rates_measure():
    board = golden_board()
    assert board.win_rate_measure == "rouge2 F"
    assert "win rate (rouge2 F)" in boards.leaderboard_text(board)
    assert "| win rate (rouge2 F) |" in "\n".join(boards.leaderboard_markdown(board))
    assert "<th>win rate (rouge2 F)</th>" in boards.leaderboard_html(board)
    assert "Win rate (rouge2 F)" in boards.leaderboard_latex(board)
    rows = list(csv.DictReader(io.StringIO(boards.leaderboard_csv(board))))
    assert {r["win_rate_measure"] for r in rows} == {"rouge2 F"}
    assert board.to_dict()["win_rate_measure"] == "rouge2 F"
    # and the win rate really counts rouge2: by hand from the rouge2 columns
    f = {r.name: r.values(r.resolve("rouge2")) for r in board.runs}
    for e in board.entries:
        expected = np.mean([np.mean((f[e.name] > f[o]) + 0.5 * (f[e.name] == f[o]))
                            for o in f if o != e.name])
        assert e.win_rate == pytest.approx(expected)


def test_baseline_column_reads_the_pair_tests():
    board = golden_board()
    assert board.baseline == "mid-a"
    means = {e.name: e.scores["rouge2"].mid for e in board.entries}
    for e in board.entries:
        if e.name == "mid-a":
            assert e.versus_baseline is None
            continue
        pair = next(p for p in board.pairs if {p.better, p.worse} == {e.name, "mid-a"})
        assert e.versus_baseline.difference == pytest.approx(means[e.name] - means["mid-a"])
        assert (e.versus_baseline.adjusted_p, e.versus_baseline.significant) == \
            (pair.adjusted_p, pair.significant)
    assert build_leaderboard(board.runs, FAST).baseline is None
    assert all(e.versus_baseline is None for e in build_leaderboard(board.runs, FAST).entries)


def test_significance_matrix_cells_are_the_pairs():
    from sumbench.eval.report.pairmatrix import matrix_html, matrix_markdown

    board = golden_board()
    lines = matrix_markdown(board)
    body = [line for line in lines if line.startswith("| ") and line[2].isdigit()]
    assert len(body) == len(board.entries)
    for k, (entry, line) in enumerate(zip(board.entries, body)):
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        assert cells[0].startswith(f"{k + 1}. ") and cells[k + 1] == "\u2014"
        for j, other in enumerate(board.entries):
            if j == k:
                continue
            pair = next(p for p in board.pairs if {p.better, p.worse} == {entry.name, other.name})
            sign = 1 if pair.better == entry.name else -1
            value = f"{sign * pair.difference:+.2f}"
            expected = f"**{value}**" if pair.significant else value
            assert cells[j + 1] == f"{expected} ({pair.adjusted_p:.4f})"
    html = matrix_html(board)
    top, low = board.entries[0].name, board.entries[-1].name
    pair = next(p for p in board.pairs if (p.better, p.worse) == (top, low))
    assert pair.significant and pair.adjusted_p < 0.01
    # the top system's row against the last: green (row above), the reverse red; the
    # values are text in the cell as well
    assert html.count('<td class="n up') > 0 and html.count('<td class="n down') > 0
    assert f"{pair.difference:+.2f} *<br><small>p {pair.adjusted_p:.4f}</small>" in html
    assert "<script" not in html and "style=" not in html


def test_cli_baseline_system(nasty_study):
    args = ["leaderboard", nasty_study, "--permutations", "300", "--paired-bs", "100"]
    done = cli(*args, "--baseline-system", "a_b_c", "--format", "json")
    assert done.code == 0, done.err
    board = json.loads(done.out)
    assert board["baseline"] == "a_b_c" and board["win_rate_measure"] == "rouge1 F"
    assert [e["versus_baseline"] is None for e in board["entries"]].count(True) == 1
    assert "vs a_b_c" in cli(*args, "--baseline-system", "a_b_c").out
    bad = cli(*args, "--baseline-system", "nobody")
    one_error_line(bad, "--baseline-system 'nobody'", "no such system", "sys_1 & co",
                   "back\\slash")


def test_known_names_are_shortened():
    from sumbench.eval.baseline import known_names

    names = [f"M{k}" for k in range(16)]
    assert known_names(names) == "M0, M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M11 and 4 more"
    assert known_names(names[:3]) == "M0, M1, M2"


def test_compare_all_pairs_markdown_has_a_matrix_per_measure(nasty_study):
    runs = system_runs({"a": 0.0, "b": 0.08, "c": -0.08}, n=60)
    every = compare_runs(runs, CompareSettings(bootstrap_samples=200, permutations=1000,
                                               all_pairs=True))
    from sumbench.eval.report.markdown import comparison_section

    text = "\n".join(comparison_section(every))
    assert text.count("Pairwise significance on rouge1:") == 1
    assert text.count("Pairwise significance on rouge2:") == 1
    m = every.find("b", "rouge1")  # b against a
    assert m.baseline == "a" and m.permutation_p_holm < 0.05
    row_b = next(line for line in text.splitlines() if line.startswith("| 2. b |"))
    assert f"**{100 * m.difference:+.2f}** ({m.permutation_p_holm:.4f})" in row_b
    done = cli("compare", nasty_study, "--all-pairs", "--format", "md", "--permutations", "300",
               "--paired-bs", "100")
    assert done.code == 0, done.err
    assert done.out.count("Pairwise significance on ") == 2 and "| 1. sys\\_1 &amp; co |" in done.out

"""Leaderboards (issue 12): clusters, rank ranges and win rates on hand-made cases;
all-pairs p-values equal to two-run comparisons, Holm-adjusted; every output format,
the LaTeX one compiled by pdflatex with names full of special characters; the same
values from the API and the CLI."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import numpy as np
import pytest

import sumbench
from cli_util import sumbench as cli
from fake_runs import make_run
from sumbench.eval.compare import CompareSettings, compare_runs
from sumbench.eval.leaderboard import LeaderboardSettings, build_leaderboard, clusters_from
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


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex is not installed (Debian package texlive-latex-base)")
def test_latex_table_compiles_with_special_characters(nasty_study, tmp_path):
    done = cli("leaderboard", nasty_study, "--format", "latex", "--permutations", "500")
    assert done.code == 0, done.err
    assert "sys\\_1 \\& co" in done.out and "50\\% better" in done.out
    document = tmp_path / "table.tex"
    document.write_text("\\documentclass{article}\n\\begin{document}\n" + done.out
                        + "\\end{document}\n")
    built = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                            document.name], cwd=tmp_path, capture_output=True, text=True,
                           timeout=120)
    assert built.returncode == 0, built.stdout[-2000:]
    assert (tmp_path / "table.pdf").read_bytes()[:5] == b"%PDF-"


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

"""Tests between metrics (issue 20): the batched permutation test equals the reference
loop over the same masks, permutation by permutation; Holm and Benjamini-Hochberg equal
their textbook step-down / step-up loops; the permutation count lets a correction
reject; among 108 tests, Holm rejects exactly the planted differences."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_util import one_error_line
from cli_util import sumbench as cli
from sumbench.common.errors import UsageError
from sumbench.eval.meta.evaluate import MetaSettings, meta_evaluate
from sumbench.eval.meta.metric_tests import default_permutations, plan
from sumbench.eval.meta.table import ScoreTable
from sumbench.eval.report.meta import console_text, markdown_document
from sumbench.eval.stats import meta_permutation
from sumbench.eval.stats.correlation_levels import correlate
from sumbench.eval.stats.meta_permutation import permutation_distribution, permutation_tests
from sumbench.eval.stats.meta_resampling import (permutation_masks, permutation_test,
                                                 standardise)
from sumbench.eval.stats.multiple import benjamini_hochberg, holm

LEVELS = ("system", "summary", "global")
COEFFICIENTS = ("pearson", "spearman", "kendall")


def loop_distribution(X, Y, Z, masks, level, name) -> np.ndarray:
    """The oracle: each permutation built and correlated on its own."""
    Xs, Ys = standardise(X), standardise(Y)
    out = []
    for mask in masks:
        swap = np.broadcast_to(mask, X.shape)
        xp, yp = np.where(swap, Ys, Xs), np.where(swap, Xs, Ys)
        out.append(float(correlate(level, xp, Z, name).value - correlate(level, yp, Z, name).value))
    return np.array(out)


def data(seed: int, m: int, n: int, decimals: int):
    """Two metrics with ties (rounded) and two judgments: ratings 1-5 (few levels) and a
    continuous one (many levels: Kendall's pooled level takes the quadratic form)."""
    rng = np.random.default_rng(seed)
    Z1 = rng.integers(1, 6, size=(m, n)).astype(float)
    Z2 = np.round(rng.normal(size=(m, n)), 2)
    X = np.round(Z1 + rng.normal(0, 1.5, size=(m, n)), decimals)
    Y = np.round(Z1 + rng.normal(0, 2.5, size=(m, n)), 1)
    return X, Y, [Z1, Z2]


@pytest.mark.parametrize("method", ["both", "systems", "inputs"])
@pytest.mark.parametrize("seed,m,n,decimals", [(0, 6, 8, 0), (1, 16, 10, 1), (2, 5, 30, 2),
                                               (3, 3, 4, 0)])
def test_batched_distribution_equals_the_loop(method, seed, m, n, decimals, monkeypatch) -> None:
    X, Y, Zs = data(seed, m, n, decimals)
    masks = permutation_masks(m, n, method, 70, seed)
    monkeypatch.setattr(meta_permutation, "_CHUNK_CELLS", 7 * m * n)  # several chunks
    fast = permutation_distribution(standardise(X), standardise(Y), Zs, LEVELS, COEFFICIENTS,
                                    masks)
    assert set(fast) == {(j, lv, c) for j in (0, 1) for lv in LEVELS for c in COEFFICIENTS}
    for (j, level, name), d in fast.items():
        slow = loop_distribution(X, Y, Zs[j], masks, level, name)
        assert np.array_equal(np.isnan(d), np.isnan(slow)), (j, level, name)
        assert np.allclose(d[np.isfinite(d)], slow[np.isfinite(slow)], atol=1e-12, rtol=0), \
            (j, level, name)
        if name == "kendall":  # exact pair counts, tau-b computed as the loop does
            assert np.array_equal(d[np.isfinite(d)], slow[np.isfinite(slow)]), (j, level)


@pytest.mark.parametrize("max_levels,max_cells", [(0, 2048), (64, 2048), (0, 0)])
def test_batched_p_values_equal_the_reference_loop(max_levels, max_cells, monkeypatch) -> None:
    """Kendall by the quadratic form, by judgment levels, and (vectors too long for the
    form) permutation by permutation."""
    monkeypatch.setattr(meta_permutation, "MAX_LEVELS", max_levels)
    monkeypatch.setattr(meta_permutation, "MAX_FORM_CELLS", max_cells)
    X, Y, Zs = data(5, 7, 9, 1)
    got = permutation_tests(X, Y, Zs, LEVELS, COEFFICIENTS, "both", 300, 4)
    for (j, level, name), outcome in got.items():
        want = permutation_test(X, Y, Zs[j], lambda a, b: correlate(level, a, b, name).value,
                                "both", 300, 4)
        assert outcome == want, (j, level, name)


def test_constant_permuted_vectors_are_undefined_as_in_the_loop() -> None:
    """Ties everywhere: metric values 0/1 on 3 systems, so some permuted inputs are constant."""
    rng = np.random.default_rng(3)
    X = rng.integers(0, 2, size=(3, 6)).astype(float)
    Y = rng.integers(0, 2, size=(3, 6)).astype(float)
    Z = rng.integers(1, 4, size=(3, 6)).astype(float)
    masks = permutation_masks(3, 6, "both", 200, 1)
    fast = permutation_distribution(standardise(X), standardise(Y), [Z], LEVELS, COEFFICIENTS,
                                    masks)
    undefined = 0
    for (_, level, name), d in fast.items():
        slow = loop_distribution(X, Y, Z, masks, level, name)
        assert np.array_equal(np.isnan(d), np.isnan(slow))
        assert np.allclose(d[np.isfinite(d)], slow[np.isfinite(slow)], atol=1e-12, rtol=0)
        undefined += int(np.isnan(d).sum())
    assert undefined > 0


def holm_loop(p: list[float], alpha: float) -> list[bool]:
    """Holm (1979) as written: walk the sorted p-values, reject while p_(k) < alpha/(m-k+1)."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    rejected = [False] * len(p)
    for k, i in enumerate(order):
        if p[i] < alpha / (len(p) - k):
            rejected[i] = True
        else:
            break
    return rejected


def bh_loop(p: list[float], alpha: float) -> list[bool]:
    """Benjamini & Hochberg (1995) as written: the largest k with p_(k) <= k alpha / m;
    reject the k smallest."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    m = len(p)
    largest = max((k for k in range(1, m + 1) if p[order[k - 1]] <= k * alpha / m), default=0)
    return [i in set(order[:largest]) for i in range(m)]


def holm_adjusted_loop(p: list[float]) -> list[float]:
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = [0.0] * len(p), 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - k) * p[i]))
        out[i] = running
    return out


def bh_adjusted_loop(p: list[float]) -> list[float]:
    order = sorted(range(len(p)), key=lambda i: p[i])
    m = len(p)
    out, running = [0.0] * m, 1.0
    for k in range(m, 0, -1):
        i = order[k - 1]
        running = min(running, min(1.0, p[i] * m / k))
        out[i] = running
    return out


p_lists = st.lists(st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.001, 0.01, 0.05, 1.0])),
                   min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(p_lists, st.sampled_from([0.01, 0.05, 0.1]))
def test_holm_and_bh_equal_textbook_loops(p: list[float], alpha: float) -> None:
    assert np.allclose(holm(np.array(p)), holm_adjusted_loop(p), rtol=1e-12, atol=0)
    assert np.allclose(benjamini_hochberg(np.array(p)), bh_adjusted_loop(p), rtol=1e-12, atol=0)
    # the adjusted p-values decide as the procedures do (away from float ties at alpha)
    if all(abs(q * len(p) / alpha - round(q * len(p) / alpha)) > 1e-9 for q in p):
        assert list(holm(np.array(p)) < alpha) == holm_loop(p, alpha)
        assert list(benjamini_hochberg(np.array(p)) <= alpha) == bh_loop(p, alpha)


def test_bh_hand_worked() -> None:
    # m = 4: sorted p * 4 / k = 0.04, 0.04, 0.04, 0.8 -> step-up minimum from the right
    assert np.allclose(benjamini_hochberg(np.array([0.02, 0.01, 0.03, 0.8])),
                       [0.04, 0.04, 0.04, 0.8])
    assert np.allclose(holm(np.array([0.02, 0.01, 0.03, 0.8])), [0.06, 0.04, 0.06, 0.8])


@pytest.mark.parametrize("tests,alpha", [(1, 0.05), (108, 0.05), (108, 0.01), (6, 0.1),
                                          (10_000, 0.05)])
def test_default_permutations_let_a_correction_reject(tests: int, alpha: float) -> None:
    count = default_permutations(tests, alpha)
    assert 999 <= count <= 100_000
    if count < 100_000:
        assert 1 / (count + 1) <= alpha / (5 * tests) + 1e-15  # a fifth of alpha/m
        if count > 999:
            assert 1 / count > alpha / (5 * tests)  # and no more than needed
    assert default_permutations(108, 0.05) == 10_799
    family, notes = plan(tests, "holm", alpha, None, ("a", "b"))
    assert family.permutations == count and family.chosen
    assert (notes != []) == (1 / (count + 1) * 5 * tests > alpha)  # only when capped


def test_given_permutations_that_cannot_reject() -> None:
    family, notes = plan(108, "holm", 0.05, 1000, ("a", "b"))
    assert family.smallest_p == 1 / 1001 and not family.chosen
    assert notes and "Holm's first step cannot reject" in notes[0]
    assert plan(108, "none", 0.05, 1000, ("a", "b"))[1] == []  # 1/1001 < alpha itself
    with pytest.raises(UsageError, match="no test could reject; use at least 10799"):
        plan(108, "bh", 0.05, 19, ("a", "b"))


def table(name: str, matrix: np.ndarray) -> ScoreTable:
    m, n = matrix.shape
    return ScoreTable(name, {(f"S{i:02d}", f"d{j:03d}"): float(matrix[i, j])
                             for i in range(m) for j in range(n)}, source="planted")


def test_holm_rejects_the_planted_difference_among_108_tests() -> None:
    """4 metrics x 2 judgments x 3 levels x 3 coefficients = 108 tests.  'strong' is the
    judgment plus a little noise; three noise metrics are independent of everything.
    After Holm, every test of strong against a noise metric at the summary and global
    levels rejects (the system level has 8 systems: r is noisy there), and no test
    between two noise metrics does."""
    rng = np.random.default_rng(20)
    m, n = 8, 12
    judgments = [rng.normal(size=(m, n)) for _ in range(2)]
    first = judgments[0]
    metrics = [table("strong", first + 0.3 * rng.normal(size=(m, n)))]
    metrics += [table(f"noise{k}", rng.normal(size=(m, n))) for k in range(3)]
    result = meta_evaluate(metrics, [table("quality", first), table("other", judgments[1])],
                           MetaSettings(resampling=None, tests="all"))
    family = result.test_family
    assert family is not None and family.size == 108 and family.correction == "holm"
    assert family.permutations == 10_799 and family.smallest_p < 0.05 / 108
    planted = [t for t in result.tests if t.a == "strong" and t.judgment == "quality"
               and t.level != "system"]
    assert len(planted) == 3 * 2 * 3
    assert all(t.rejected and t.difference > 0 and t.p_value == family.smallest_p
               for t in planted)
    assert all(t.p_adjusted >= t.p_value for t in result.tests)
    nulls = [t for t in result.tests if t.a != "strong" or t.judgment == "other"]
    assert not any(t.rejected for t in nulls)
    # uncorrected, some null tests would have been called significant at 0.05
    assert any(t.p_value < 0.05 for t in nulls)
    as_json = result.to_dict()
    assert as_json["test_family"]["smallest_p"] == pytest.approx(1 / 10_800)
    assert {"p_value", "p_adjusted", "rejected"} <= set(as_json["tests"][0])
    assert math.isclose(sum(t.rejected for t in result.tests),
                        sum(t["rejected"] for t in as_json["tests"]))


GOLDEN = Path(__file__).resolve().parent / "golden" / "meta_tests.md"
REGENERATE = os.environ.get("SUMBENCH_REGENERATE_GOLDEN") == "1"


def small_result(correction: str = "bh"):
    """3 metrics on 6 systems x 10 inputs: one close to the judgment, two noise."""
    rng = np.random.default_rng(7)
    judgment = rng.normal(size=(6, 10))
    metrics = [table("close", judgment + 0.2 * rng.normal(size=(6, 10))),
               table("noise|a", rng.normal(size=(6, 10))), table("noise b", rng.normal(size=(6, 10)))]
    return meta_evaluate(metrics, [table("quality", judgment)],
                         MetaSettings(resampling=None, tests="all", correction=correction))


def test_golden_meta_tests_markdown() -> None:
    """The metric x metric test matrices in Markdown, byte for byte (regenerate with
    SUMBENCH_REGENERATE_GOLDEN=1 after an intended change and review the diff)."""
    text = markdown_document(small_result(), "Tests | golden")
    if REGENERATE:
        GOLDEN.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"regenerated {GOLDEN}; review the diff and commit it")
    assert text == GOLDEN.read_text(encoding="utf-8")
    golden = GOLDEN.read_text(encoding="utf-8")
    assert "27 tests, Benjamini-Hochberg-corrected at alpha 0.05; 2,699 permutations " \
           "(chosen from the number of tests), smallest reportable p 0.00037" in golden
    assert "| close | +0.0008\\* +0.0008\\* +0.0008\\* | +0.0008\\* +0.0008\\* +0.0008\\* |" \
        in golden
    assert "noise\\|a" in golden  # labels escaped
    assert "adjust:bh|alpha:0.05" in golden


def test_console_matrix_reads_right() -> None:
    result = small_result("holm")
    text = console_text(result)
    assert "quality: summary level, tests" in text
    lines = text.splitlines()
    section = lines[lines.index("quality: summary level, tests"):]
    assert section[1].split() == ["metric", "noise|a", "noise", "b"]
    row = next(line for line in section if line.startswith("close "))
    cells = row.split()[1:]
    strong = [t for t in result.tests if t.a == "close" and t.level == "summary"]
    assert len(cells) == 3 * 2 and all(c.startswith("+") and c.endswith("*") for c in cells)
    assert len(strong) == 6 and all(t.rejected for t in strong)
    assert [f"{t.p_adjusted:.4f}" for t in strong] == [c[1:-1] for c in cells]


def rows_file(path: Path) -> Path:
    rng = np.random.default_rng(11)
    lines = []
    for j in range(6):
        for i in range(5):
            h = float(rng.normal())
            lines.append(json.dumps({"doc_id": f"d{j}", "system": f"S{i}", "overall": round(h, 2),
                                     "good": round(h + 0.1 * rng.normal(), 3),
                                     "bad": round(float(rng.normal()), 3),
                                     "worse": round(float(rng.normal()), 3)}))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cli_correction_options(tmp_path: Path) -> None:
    data_file = rows_file(tmp_path / "rows.jsonl")
    base = ["meta", "--human", data_file, "--human-format", "rows", "--judgment", "overall",
            "--metric-field", "good", "--metric-field", "bad", "--metric-field", "worse",
            "--resampling", "none", "--tests", "all"]
    bh = cli(*base, "--correction", "bh", "--alpha", "0.1", "--format", "json")
    assert bh.code == 0, bh.err
    found = json.loads(bh.out)
    family = found["test_family"]
    assert (family["size"], family["correction"], family["alpha"]) == (27, "bh", 0.1)
    assert family["permutations"] == default_permutations(27, 0.1) == 1349
    raw = np.array([t["p_value"] for t in found["tests"]])
    assert np.allclose([t["p_adjusted"] for t in found["tests"]], benjamini_hochberg(raw))
    assert [t["rejected"] for t in found["tests"]] == list(benjamini_hochberg(raw) < 0.1)
    assert "|perms:1349|adjust:bh|alpha:0.1|" in found["signature"]
    text = cli(*base, "--permutations", "2000")
    assert text.code == 0, text.err
    assert "27 tests, Holm-corrected at alpha 0.05; 2,000 permutations (as given), smallest " \
           "reportable p 0.0005" in text.out
    assert "overall: global level, tests" in text.out
    one_error_line(cli(*base, "--correction", "bonferroni"), "--correction")
    one_error_line(cli(*base, "--alpha", "1.5"), "alpha must be in (0, 1)")
    one_error_line(cli(*base, "--permutations", "9"), "--permutations 9", "no test could reject")

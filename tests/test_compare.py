"""Tests for sumbench.eval.compare: pairing, refusal rules, and the statistics against
independent computations (scipy's exact paired permutation test and bootstrap,
hand-worked cases)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sumbench.eval.compare import CompareSettings, as_run, compare_runs, unique_names
from sumbench.common.errors import InputError, UsageError
from sumbench.eval.runs.folder import load_run
from fake_runs import SIGNATURE, make_run, signature, synthetic_f, write_run


def run_data(name: str, f: dict[str, np.ndarray], ids=None, fingerprint="sha256:x",
             signature=SIGNATURE):
    n = len(next(iter(f.values())))
    return make_run(name, f, ids=tuple(ids or (f"e{i}" for i in range(n))),
                    fingerprint=fingerprint, signature=signature)


FAST = CompareSettings(bootstrap_samples=500, permutations=2000, seed=3)


def test_hand_worked_case():
    # b beats a by 0.1 on every example: difference 0.1 (10 points), 4 wins, and a
    # constant difference leaves the bootstrap no spread (interval collapses on it).
    a = run_data("a", {"rouge1": np.array([0.2, 0.3, 0.4, 0.5])})
    b = run_data("b", {"rouge1": np.array([0.3, 0.4, 0.5, 0.6])})
    m = compare_runs([a, b], FAST).metrics[0]
    assert m.difference == pytest.approx(0.1)
    assert (m.interval.low, m.interval.high) == pytest.approx((0.1, 0.1))
    assert (m.wins, m.ties, m.losses) == (4, 0, 0)
    assert m.baseline_mean == pytest.approx(0.35) and m.system_mean == pytest.approx(0.45)
    # 4 examples: only 2 of the 16 sign flips reach |mean| >= 0.1 -> exact p = 2/16.
    assert m.permutation_p == pytest.approx(2 / 16, abs=0.02)
    assert m.bootstrap_p == pytest.approx(1 / 501)


def test_identical_runs_have_no_difference():
    f = synthetic_f(30, seed=1)
    c = compare_runs([run_data("a", f), run_data("b", f)], FAST)
    for m in c.metrics:
        assert m.difference == 0.0
        assert m.bootstrap_p == 1.0 and m.permutation_p == 1.0
        assert (m.wins, m.ties, m.losses) == (0, 30, 0)


def test_permutation_p_matches_scipy_exact():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(11)
    a = rng.uniform(0.2, 0.5, 12)
    b = a + rng.normal(0.03, 0.05, 12)
    m = compare_runs([run_data("a", {"rouge1": a}), run_data("b", {"rouge1": b})],
                     CompareSettings(permutations=20000, seed=5)).metrics[0]
    exact = scipy_stats.permutation_test(
        (b, a), lambda x, y: np.mean(x) - np.mean(y), permutation_type="samples",
        alternative="two-sided", n_resamples=np.inf).pvalue
    # 20000 random sign flips estimate the exact 4096-flip p within a few standard errors.
    assert m.permutation_p == pytest.approx(exact, abs=0.015)


def test_bootstrap_interval_close_to_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(12)
    a = rng.uniform(0.2, 0.5, 200)
    b = a + rng.normal(0.02, 0.05, 200)
    m = compare_runs([run_data("a", {"rouge1": a}), run_data("b", {"rouge1": b})],
                     CompareSettings(bootstrap_samples=4000, permutations=100, seed=1)).metrics[0]
    ref = scipy_stats.bootstrap((b - a,), np.mean, n_resamples=4000, method="percentile",
                                random_state=np.random.default_rng(2)).confidence_interval
    width = ref.high - ref.low
    assert m.interval.low == pytest.approx(ref.low, abs=0.05 * width)
    assert m.interval.high == pytest.approx(ref.high, abs=0.05 * width)
    assert m.interval.mid == pytest.approx(np.mean(b - a))


def test_large_effect_is_detected():
    a = synthetic_f(200, seed=1)
    b = synthetic_f(200, seed=2, shift=0.05)
    c = compare_runs([run_data("a", a), run_data("b", b)], FAST)
    for m in c.metrics:
        assert m.difference == pytest.approx(0.05, abs=0.015)
        assert m.interval.low > 0
        assert m.bootstrap_p < 0.01 and m.permutation_p < 0.01
        assert m.wins > m.losses


def test_false_positive_rate_near_alpha():
    # Same distribution for both systems: each test should reject about alpha of the time.
    rejections = {"bootstrap": 0, "permutation": 0}
    trials, alpha = 1000, 0.05
    for trial in range(trials):
        rng = np.random.default_rng(1000 + trial)
        a, b = rng.uniform(0, 1, (2, 60))
        settings = CompareSettings(bootstrap_samples=500, permutations=500, seed=trial)
        m = compare_runs([run_data("a", {"rouge1": a}), run_data("b", {"rouge1": b})],
                         settings).metrics[0]
        rejections["bootstrap"] += m.bootstrap_p < alpha
        rejections["permutation"] += m.permutation_p < alpha
    # Binomial(1000, 0.05): mean 50, sd 6.9; bounds at about +-3 sd (the paired bootstrap
    # is known to run slightly liberal on small samples, hence its higher upper bound).
    assert 30 <= rejections["permutation"] <= 70, rejections
    assert 30 <= rejections["bootstrap"] <= 80, rejections


def test_same_seed_same_result_and_seed_in_signature():
    a, b = run_data("a", synthetic_f(50, 1)), run_data("b", synthetic_f(50, 2, shift=0.01))
    first = compare_runs([a, b], FAST)
    assert first == compare_runs([a, b], FAST)
    assert first.signatures == {"rouge": f"{SIGNATURE}|paired-bs:500|ar:2000|cmp-seed:3|cmp-ci:95"}
    other = compare_runs([a, b], replace(FAST, seed=4))
    assert [m.permutation_p for m in other.metrics] != [m.permutation_p for m in first.metrics]


def test_three_runs_each_against_the_first():
    runs = [run_data(n, synthetic_f(20, s)) for n, s in (("a", 1), ("b", 2), ("c", 3))]
    c = compare_runs(runs, replace(FAST, measures=("rouge2",)))
    assert [(m.baseline, m.system, m.measure) for m in c.metrics] == [
        ("a", "b", "rouge2"), ("a", "c", "rouge2")]


def test_precision_and_recall_columns():
    rng = np.random.default_rng(0)
    a = run_data("a", {"rouge1": rng.uniform(0, 1, 10)})
    values = rng.uniform(0, 1, (10, 3))
    b = run_data("b", {"rouge1": values[:, 2]})
    columns = b.metrics["rouge"].columns["rouge1"]
    columns["precision"], columns["recall"] = values[:, 0], values[:, 1]
    c = compare_runs([a, b], replace(FAST, components=("precision", "R", "headline")))
    assert [m.label for m in c.metrics] == ["rouge1/P", "rouge1/R", "rouge1"]
    for j, m in enumerate(c.metrics):
        expected = values[:, j].mean() - a.values(a.resolve("rouge1")).mean()
        assert m.difference == pytest.approx(expected)


def test_refuses_different_reference_sets_and_says_so():
    f = synthetic_f(10, 1)
    a = run_data("a", f, fingerprint="sha256:aaa")
    b = run_data("b", f, fingerprint="sha256:bbb")
    with pytest.raises(InputError, match=r"reference sets differ.*sha256:aaa.*sha256:bbb.*--force"):
        compare_runs([a, b], FAST)
    forced = compare_runs([a, b], FAST, force=True)
    assert any("reference sets differ" in n for n in forced.notes)


def test_refuses_different_signatures_naming_each_field():
    f = synthetic_f(10, 1)
    other = signature(stem="none", tok="unicode")
    with pytest.raises(InputError) as info:
        compare_runs([run_data("a", f), run_data("b", f, signature=other)], FAST)
    assert "'stem' differs: a has porter, b has none" in str(info.value)
    assert "'tok' differs: a has default, b has unicode" in str(info.value)


def test_interval_only_fields_and_versions_do_not_block():
    f = synthetic_f(10, 1)
    other = signature(version="9.9.9", bs="999", seed="1")
    c = compare_runs([run_data("a", f), run_data("b", f, signature=other)], FAST)
    assert any("'bs' differs" in n for n in c.notes)
    assert any("'sumbench' differs" in n and "cannot change" in n for n in c.notes)


def test_forced_comparison_pairs_by_shared_ids():
    a = run_data("a", {"rouge1": np.array([0.1, 0.2, 0.3, 0.4])}, ids=["w", "x", "y", "z"],
                 fingerprint="sha256:1")
    b = run_data("b", {"rouge1": np.array([0.9, 0.5, 0.6])}, ids=["q", "y", "x"],
                 fingerprint="sha256:2")
    c = compare_runs([a, b], FAST, force=True)
    m = c.metrics[0]
    assert c.examples == 2
    # x: 0.2 -> 0.6, y: 0.3 -> 0.5
    assert m.difference == pytest.approx(0.3)
    assert any("compared on 2 of its 4 examples" in n for n in c.notes)
    with pytest.raises(InputError, match="share no example ids"):
        compare_runs([a, run_data("b", {"rouge1": np.array([0.9, 0.5, 0.6])},
                                  ids=["p", "q", "r"])], FAST, force=True)


def test_missing_measure_and_bad_component():
    a = run_data("a", {"rouge1": np.ones(3) / 2})
    b = run_data("b", {"rouge1": np.ones(3) / 3, "rouge2": np.ones(3) / 4})
    assert compare_runs([a, b], FAST).labels() == ["rouge1"]
    with pytest.raises(UsageError, match="rouge2: no such measure in run 'a'"):
        compare_runs([a, b], replace(FAST, measures=("rouge2",)))
    with pytest.raises(UsageError, match="rouge1 has no component 'f1'"):
        compare_runs([a, b], replace(FAST, components=("f1",)))
    with pytest.raises(InputError, match="at least two"):
        compare_runs([a], FAST)


def test_unique_names():
    f = synthetic_f(3, 1)
    runs = [replace(run_data("lead-3", f), path=Path("/x/one")),
            replace(run_data("lead-3", f), path=Path("/y/two")), run_data("other", f)]
    assert unique_names(runs) == ("lead-3 (one)", "lead-3 (two)", "other")


def test_saved_runs_and_json(tmp_path):
    a = write_run(tmp_path / "a", "sys-a", synthetic_f(15, 1))
    b = write_run(tmp_path / "b", "sys-b", synthetic_f(15, 2, shift=-0.02))
    c = compare_runs([a, load_run(b)], FAST)
    assert c.names == ("sys-a", "sys-b") and c.paths == (str(a), str(b))
    data = json.loads(json.dumps(c.to_dict()))
    assert data["settings"]["seed"] == 3 and len(data["comparisons"]) == 4
    assert data["runs"][0]["metrics"]["rouge"]["scores"]["rouge1"]["fmeasure"]["mid"] == \
        pytest.approx(as_run(a).metrics["rouge"].columns["rouge1"]["fmeasure"].mean())


def test_corrupt_results_json_is_an_input_error(tmp_path):
    a = write_run(tmp_path / "a", "sys-a", synthetic_f(5, 1))
    results = json.loads((a / "results.json").read_text())
    del results["reference_set"]
    (a / "results.json").write_text(json.dumps(results))
    with pytest.raises(InputError, match="corrupt run folder"):
        as_run(a)


def test_fresh_run_in_memory():
    import sumbench

    refs = sumbench.load_references(limit=3)
    data = sumbench.score(refs, [e.article[:200] for e in refs.examples],
                          [sumbench.get_metric("rouge", bootstrap=sumbench.BootstrapSettings(50))],
                          name="first-200-chars")
    c = compare_runs([data, data], FAST)
    assert c.examples == 3 and all(m.difference == 0 for m in c.metrics)

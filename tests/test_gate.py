"""Tests for sumbench.eval.gate (the regression rules, config files) and its JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sumbench.eval.compare import MetricComparison, as_run
from sumbench.common.errors import InputError, UsageError
from sumbench.eval.gate import (
    GateConfig,
    check_against_baseline,
    check_runs,
    find_config_file,
    judge,
    read_config_file,
    resolve_config,
)
from sumbench.eval.report.junit import gate_junit_xml
from sumbench.eval.stats.interval import Interval
from fake_runs import synthetic_f, write_run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "ci"
FAST = GateConfig(bootstrap_samples=300, permutations=1000)


def comparison(delta_points: float, p: float, base: float = 0.40) -> MetricComparison:
    d = delta_points / 100
    return MetricComparison(metric="rouge", measure="rouge1", component="fmeasure",
                            label="rouge1", component_label="F", baseline="base", system="cur",
                            baseline_mean=base, system_mean=base + d, difference=d,
                            interval=Interval(d - 0.01, d, d + 0.01), bootstrap_p=p,
                            permutation_p=p, wins=1, ties=2, losses=3)


@pytest.mark.parametrize("delta, p, config, passed, words", [
    (-0.6, 0.5, GateConfig(), False, "dropped by more than 0.5 points"),
    (-0.4, 0.5, GateConfig(), True, "within the gate"),
    (-0.4, 0.01, GateConfig(), False, "significant drop"),
    (-0.4, 0.01, GateConfig(alpha=None), True, "within the gate"),
    (-3.0, 0.01, GateConfig(max_drop=None), False, "significant drop"),
    (-3.0, 0.20, GateConfig(max_drop=None), True, "not significant"),
    (+2.0, 0.001, GateConfig(), True, "no drop"),
    (0.0, 1.0, GateConfig(), True, "no drop"),
])
def test_rules(delta, p, config, passed, words):
    outcome = judge(comparison(delta, p), config)
    assert outcome.passed is passed
    assert words in outcome.reason
    assert outcome.reason.startswith(f"rouge1 F 40.00 -> {40 + delta:.2f} ({delta:+.2f} points)")
    assert outcome.difference_points == pytest.approx(delta)


def test_test_choice():
    m = replace(comparison(-0.1, 0.5), bootstrap_p=0.01, permutation_p=0.2)
    assert judge(m, GateConfig(test="permutation")).passed
    assert not judge(m, GateConfig(test="bootstrap")).passed
    assert judge(m, GateConfig(test="both")).passed
    assert not judge(replace(m, permutation_p=0.03), GateConfig(test="both")).passed


@pytest.mark.parametrize("values, message", [
    ({"max_drop": -1.0}, "max_drop"), ({"alpha": 1.5}, "alpha"), ({"test": "t"}, "test"),
    ({"metrics": ()}, "no metrics"), ({"max_drop": None, "alpha": None}, "nothing would ever fail"),
])
def test_config_validation(values, message):
    with pytest.raises(InputError, match=message):
        GateConfig(**values)


def test_from_mapping():
    config = GateConfig.from_mapping({"metrics": "rouge1, rougeL", "max_drop": 1, "alpha": None})
    assert config.metrics == ("rouge1", "rougeL") and config.max_drop == 1.0 and config.alpha is None
    with pytest.raises(InputError, match="unknown key.*max_dorp"):
        GateConfig.from_mapping({"max_dorp": 1})
    with pytest.raises(InputError, match="alpha must be a number"):
        GateConfig.from_mapping({"alpha": "0.05"})
    with pytest.raises(InputError, match="seed must be a non-negative integer"):
        GateConfig.from_mapping({"seed": -1})
    with pytest.raises(InputError, match="expected an object"):
        GateConfig.from_mapping([1, 2])


def test_config_files_beside_the_baseline(tmp_path):
    baseline = tmp_path / "benchmarks" / "baseline-run"
    baseline.mkdir(parents=True)
    assert find_config_file(baseline) is None
    (tmp_path / "benchmarks" / "sumbench-gate.toml").write_text(
        'metrics = ["rouge2"]\nmax_drop = 1.5\n')
    assert read_config_file(find_config_file(baseline)).metrics == ("rouge2",)
    (baseline / "sumbench-gate.json").write_text('{"alpha": 0.01}')
    assert find_config_file(baseline) == baseline / "sumbench-gate.json"
    config, path = resolve_config(baseline, max_drop=2.0)
    assert (config.alpha, config.max_drop, path) == (0.01, 2.0, baseline / "sumbench-gate.json")
    (baseline / "sumbench-gate.json").write_text('{"alpha": 0.01,')
    with pytest.raises(InputError, match="malformed JSON"):
        resolve_config(baseline)
    with pytest.raises(InputError, match="malformed TOML"):
        (tmp_path / "bad.toml").write_text("metrics = [")
        read_config_file(tmp_path / "bad.toml")


def test_example_config_is_valid():
    config = read_config_file(EXAMPLES / "sumbench-gate.json")
    assert config.metrics == ("rouge1", "rouge2", "rougeLsum")


@pytest.fixture()
def runs(tmp_path):
    f = synthetic_f(80, seed=1)
    worse = {t: v - 0.03 for t, v in synthetic_f(80, seed=2).items()}
    slightly = {t: v - 0.002 for t, v in f.items()}
    return {"base": write_run(tmp_path / "base", "model", f),
            "worse": write_run(tmp_path / "worse", "model", worse),
            "slightly": write_run(tmp_path / "slightly", "model", slightly)}


def test_same_run_passes(runs):
    result = check_against_baseline(runs["base"], runs["base"], FAST)
    # No metrics in the config: the run's own default gate (rouge's rouge1, rouge2, rougeLsum).
    assert result.passed and [o.metric for o in result.outcomes] == ["rouge1", "rouge2", "rougeLsum"]
    assert all(o.difference_points == 0 and o.permutation_p == 1 for o in result.outcomes)


def test_clearly_worse_run_fails_with_reasons(runs):
    result = check_against_baseline(runs["worse"], runs["base"], FAST)
    assert not result.passed and len(result.failures) == 3
    for o in result.failures:
        assert "dropped by more than 0.5 points" in o.reason and "significant drop" in o.reason


def test_consistent_tiny_drop(runs):
    # 0.2 points lower on every example: within max_drop, but the drop is systematic.
    result = check_against_baseline(runs["slightly"], runs["base"], FAST)
    assert not result.passed and all("significant drop" in o.reason for o in result.failures)
    assert check_against_baseline(runs["slightly"], runs["base"], replace(FAST, alpha=None)).passed


def test_config_file_is_used_when_no_config_given(runs):
    (runs["base"] / "sumbench-gate.json").write_text(json.dumps({"metrics": ["rougeL"], "max_drop": 9}))
    result = check_against_baseline(runs["worse"], runs["base"])
    assert [o.metric for o in result.outcomes] == ["rougeL"]
    assert result.config_file == str(runs["base"] / "sumbench-gate.json")


def test_missing_and_corrupt_baseline(runs, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        check_against_baseline(runs["base"], tmp_path / "nope", FAST)
    (runs["worse"] / "results.json").write_text("{not json")
    with pytest.raises(InputError, match="corrupt results.json"):
        check_against_baseline(runs["base"], runs["worse"], FAST)
    (runs["worse"] / "results.json").unlink()
    with pytest.raises(InputError, match="no such file"):
        check_against_baseline(runs["base"], runs["worse"], FAST)


def test_ungated_metric_missing_is_an_input_error(runs):
    with pytest.raises(UsageError, match="rouge9: no such measure"):
        check_against_baseline(runs["base"], runs["base"], replace(FAST, metrics=("rouge9",)))


def test_in_memory_current_run(runs):
    in_memory = replace(as_run(runs["worse"]), path=None)
    result = check_runs(in_memory, runs["base"], FAST)
    assert not result.passed and result.current == "model"
    assert result.to_dict()["outcomes"][0]["metric"] == "rouge1"


# ------------------------------------------------------------------------- JUnit XML


def validate_junit(root: ET.Element, suites_expected: int = 1) -> None:
    """The JUnit rules listed in eval/report/junit.py's docstring."""
    assert root.tag == "testsuites"
    suites = list(root)
    assert [s.tag for s in suites] == ["testsuite"] * suites_expected
    assert all(k in root.attrib for k in ("name", "tests", "failures", "errors", "time"))
    float(root.get("time"))
    every_case = []
    for suite in suites:
        assert all(k in suite.attrib for k in ("name", "tests", "failures", "errors", "skipped", "time"))
        float(suite.get("time"))
        cases = suite.findall("testcase")
        every_case += cases
        children = [c.tag for c in suite]
        assert set(children) <= {"properties", "testcase", "system-out", "system-err"}
        if "properties" in children:
            assert children.index("properties") == 0
            assert all(p.tag == "property" and {"name", "value"} <= set(p.attrib)
                       for p in suite.find("properties"))
        failures = [c for c in cases if c.find("failure") is not None]
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(failures)
        assert int(suite.get("errors")) == 0
        for case in cases:
            assert {"name", "classname", "time"} <= set(case.attrib)
            float(case.get("time"))
            assert set(c.tag for c in case) <= {"failure", "system-out", "error", "skipped"}
            assert len(case.findall("failure")) <= 1
            for failure in case.findall("failure"):
                assert failure.get("message") and failure.get("type") and failure.text
    assert int(root.get("tests")) == len(every_case)
    assert int(root.get("failures")) == sum(c.find("failure") is not None for c in every_case)
    assert int(root.get("errors")) == 0


def test_junit_lists_each_metric_and_failures(runs):
    every = replace(FAST, metrics=("rouge1", "rouge2", "rougeL", "rougeLsum"), alpha=None)
    drops = [-o.difference_points for o in check_against_baseline(runs["worse"], runs["base"],
                                                                  every).outcomes]
    # A threshold between the drops, so that some metrics pass and some fail.
    result = check_against_baseline(runs["worse"], runs["base"],
                                    replace(every, max_drop=float(np.median(drops))))
    text = gate_junit_xml(result)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    validate_junit(root)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    for outcome in result.outcomes:
        failure = cases[outcome.metric].find("failure")
        assert (failure is None) == outcome.passed
        if failure is not None:
            assert failure.get("message") == outcome.reason
    assert 0 < len(result.failures) < 4


def test_junit_escapes_untrusted_text(runs):
    result = check_against_baseline(runs["base"], runs["base"], FAST)
    nasty = replace(result.outcomes[0], passed=False, reason='<b>&"\x01 ]]> drop')
    result = replace(result, outcomes=(nasty,) + result.outcomes[1:], current="cur<rent>")
    root = ET.fromstring(gate_junit_xml(result).encode("utf-8"))
    validate_junit(root)
    assert root.find("testsuite/testcase/failure").get("message") == '<b>&"\\u0001 ]]> drop'


def test_junit_validator_catches_a_wrong_count(runs):
    root = ET.fromstring(gate_junit_xml(check_against_baseline(runs["base"], runs["base"], FAST)))
    root.find("testsuite").set("tests", "7")
    with pytest.raises(AssertionError):
        validate_junit(root)


def test_junit_for_several_systems_has_a_suite_each(runs):
    results = [check_against_baseline(runs["worse"], runs["base"], FAST),
               check_against_baseline(runs["base"], runs["base"], FAST)]
    root = ET.fromstring(gate_junit_xml(results).encode("utf-8"))
    validate_junit(root, suites_expected=2)
    assert int(root.get("failures")) == len(results[0].failures) > 0

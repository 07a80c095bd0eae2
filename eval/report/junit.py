"""JUnit XML for the regression gate: one ``<testcase>`` per gated metric.

CI systems (GitHub Actions test reporters, GitLab, Jenkins) read the de-facto JUnit
format of Ant's ``XMLJUnitResultFormatter`` / Maven Surefire.  The rules followed here,
which ``tests/test_gate.py`` checks on the parsed XML:

* the root is ``<testsuites>`` holding one ``<testsuite>`` per gated run (one, or one per
  system of a study); both carry ``name``, ``tests``, ``failures``, ``errors`` and
  ``time`` (``testsuite`` also ``skipped``), and the counts equal the number of
  ``<testcase>`` / ``<failure>`` elements they hold;
* ``<properties>`` (optional, first child of ``<testsuite>``) holds ``<property name value>``;
* each ``<testcase>`` has ``name`` (the metric), ``classname`` and ``time``; a failing
  one has one ``<failure message=... type=...>`` whose text gives the details, a passing
  one a ``<system-out>`` with the same;
* times are decimal seconds (the gate's work is not timed per metric, so ``0``).

Every text from data goes through :func:`sumbench.eval.report.escape.xml.escape_xml`
(characters XML 1.0 cannot hold, or would not read back unchanged, written as
``\\uXXXX``); :mod:`xml.etree.ElementTree` writes the entities, so untrusted names
cannot break the document.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Sequence

from ..gate import GateResult, MetricOutcome
from .escape.xml import escape_xml


def _details(o: MetricOutcome) -> str:
    i = o.interval_points
    return (f"measure: {o.metric} ({o.component})\n"
            f"baseline mean {o.component}: {o.scale * o.baseline_mean:.2f}\n"
            f"current mean {o.component}: {o.scale * o.current_mean:.2f}\n"
            f"difference: {o.difference_points:+.2f} points, 95% CI [{i.low:+.2f}, {i.high:+.2f}]\n"
            f"p (paired bootstrap): {o.bootstrap_p:.4f}\n"
            f"p (approximate randomisation): {o.permutation_p:.4f}\n"
            f"win / tie / loss: {o.wins} / {o.ties} / {o.losses}\n")


def gate_junit_xml(results: GateResult | Sequence[GateResult],
                   suite_name: str = "sumbench check") -> str:
    """Gate results as one JUnit XML document (UTF-8 declaration included)."""
    results = [results] if isinstance(results, GateResult) else list(results)
    tests = str(sum(len(r.outcomes) for r in results))
    failures = str(sum(len(r.failures) for r in results))
    root = ET.Element("testsuites", {"name": escape_xml(suite_name), "tests": tests,
                                     "failures": failures, "errors": "0", "time": "0"})
    for result in results:
        _suite(root, result, suite_name)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(root: ET.Element, result: GateResult, suite_name: str) -> None:
    tests = str(len(result.outcomes))
    failures = str(len(result.failures))
    suite = ET.SubElement(root, "testsuite", {
        "name": escape_xml(f"{suite_name}: {result.current_label} against baseline "
                           f"{result.baseline_label}"),
        "tests": tests, "failures": failures, "errors": "0", "skipped": "0", "time": "0"})
    properties = ET.SubElement(suite, "properties")
    config = result.config
    for name, value in (("signature", result.signature), ("examples", result.examples),
                        ("metrics", ",".join(o.metric for o in result.outcomes)),
                        ("max_drop", "off" if config.max_drop is None else f"{config.max_drop:g}"),
                        ("alpha", "off" if config.alpha is None else f"{config.alpha:g}"),
                        ("test", config.test), ("config_file", result.config_file or "")):
        ET.SubElement(properties, "property", {"name": name, "value": escape_xml(value)})
    for outcome in result.outcomes:
        case = ET.SubElement(suite, "testcase", {"name": escape_xml(outcome.metric),
                                                 "classname": "sumbench.gate", "time": "0"})
        if not outcome.passed:
            failure = ET.SubElement(case, "failure", {"message": escape_xml(outcome.reason),
                                                      "type": "regression"})
            failure.text = escape_xml(outcome.reason + "\n\n" + _details(outcome))
        else:
            out = ET.SubElement(case, "system-out")
            out.text = escape_xml(outcome.reason + "\n\n" + _details(outcome))

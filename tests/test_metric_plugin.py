"""A metric is one class plus one registry line (issue 10): a small metric living in
another package -- summary length, registered through an entry point in the group
``sumbench.metrics`` -- goes through ``list``, ``score``/``run``, ``compare``, ``check`` and
``report`` without any change to those commands, and its run folders are read later
without its code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_util import sumbench

PLUGIN = '''
"""Summary length: a metric plug-in for the tests."""
import numpy as np

from sumbench.common.options import Option
from sumbench.eval.metrics.base import Metric, MetricInfo, MetricScores


class LengthMetric(Metric):
    name = "length"
    description = "summary length in words or sentences (a test plug-in)"
    options = (Option("length_unit", "str", "words", "what to count",
                      choices=("words", "sentences")),)

    @classmethod
    def config_from_options(cls, values):
        return cls.option_values(values)["length_unit"]

    def signature_fields(self):
        return [("impl", "length-1"), ("unit", self.config)]

    def settings(self):
        return {"unit": self.config}

    def info(self):
        return MetricInfo(headline="count", labels={"count": "n"}, scale=1.0, low=0.0,
                          high=None, gate=("length",))

    def score(self, examples, predictions):
        counts = [len(p.split()) if self.config == "words" else len(p.splitlines())
                  for p in predictions]
        return MetricScores({"length": {"count": np.array(counts, dtype=float)}})
'''


@pytest.fixture(scope="module")
def plugin(tmp_path_factory) -> dict[str, str]:
    """A folder holding the plug-in module and its distribution's entry point."""
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "length_plugin.py").write_text(PLUGIN)
    dist = folder / "sumbench_length_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: sumbench-length-plugin\n"
                                   "Version: 0.1\n")
    (dist / "entry_points.txt").write_text("[sumbench.metrics]\nlength = length_plugin:LengthMetric\n")
    return {"PYTHONPATH": str(folder)}


@pytest.fixture(scope="module")
def runs(plugin, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("runs")
    made = {}
    for name, summarizer in (("lead3", "lead-3"), ("lead1", "lead-1")):
        done = sumbench("run", "-s", summarizer, "--metrics", "rouge,length", "-o", out / name,
                        env=plugin)
        assert done.code == 0, done.err
        made[name] = out / name
    return made


def test_listed_and_its_option_belongs_to_it(plugin):
    listing = sumbench("list", env=plugin)
    assert "length" in listing.out and "--length-unit" in listing.out
    wrong = sumbench("run", "--length-unit", "sentences", env=plugin)
    assert wrong.code == 2
    assert "--length-unit is an option of the metric length, which is not in use" in wrong.err
    assert sumbench("run", "--metrics", "length", env={}).code == 2  # not installed: unknown


def test_scored_stored_and_signed(runs, plugin):
    results = json.loads((runs["lead3"] / "results.json").read_text())
    length = results["metrics"]["length"]
    assert length["signature"].startswith(
        "metric:length|impl:length-1|unit:words|bs:1000|seed:12345|ci:95|sumbench:")
    rows = [json.loads(l) for l in (runs["lead3"] / "per_example.jsonl").read_text().splitlines()]
    predictions = [json.loads(l)["prediction"]
                   for l in (runs["lead3"] / "predictions.jsonl").read_text().splitlines()]
    assert [r["scores"]["length"]["length"]["count"] for r in rows] == \
        [len(p.split()) for p in predictions]
    sentences = sumbench("run", "--metrics", "length", "--length-unit", "sentences",
                         "--format", "json", env=plugin)
    assert sentences.code == 0, sentences.err
    mean = json.loads(sentences.out)["metrics"]["length"]["scores"]["length"]["count"]["mid"]
    assert mean == 3.0  # lead-3: three sentences, one a line


def test_compare_check_and_report_need_neither_code_nor_changes(runs, tmp_path):
    # Without the plug-in on the path: the run folders carry everything.
    compared = sumbench("compare", runs["lead3"], runs["lead1"], "--format", "json")
    assert compared.code == 0, compared.err
    rows = {c["label"]: c for c in json.loads(compared.out)["comparisons"]}
    assert rows["length"]["difference"] < -20  # lead-1 is much shorter (words)
    assert rows["length"]["component_label"] == "n" and rows["length"]["scale"] == 1.0
    same = sumbench("check", runs["lead3"], "--baseline", runs["lead3"])
    assert same.code == 0 and "PASS  length n" in same.out
    shorter = sumbench("check", runs["lead1"], "--baseline", runs["lead3"])
    assert shorter.code == 1 and "FAIL  length n" in shorter.out
    markdown = sumbench("report", runs["lead3"], runs["lead1"])
    assert markdown.code == 0 and "### length" in markdown.out
    assert "metric:length|impl:length-1" in markdown.out
    html = sumbench("report", runs["lead3"], runs["lead1"], "--format", "html",
                    "--rank-by", "length", "-o", tmp_path / "r.html")
    assert html.code == 0, html.err
    assert "(ties by id) of length n." in (tmp_path / "r.html").read_text()  # the cards' rule

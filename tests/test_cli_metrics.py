"""Metrics on the command line (issue 10): ``--metrics rouge,rouge155`` scores both in
one run with values equal to each alone, each signature printed and stored; every
metric or summariser option given while its owner is not in use is a usage error that
names the option and its owner (one case per option family); ``sumbench list``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_util import sumbench


def per_example(folder: Path) -> list[dict]:
    return [json.loads(l) for l in (folder / "per_example.jsonl").read_text().splitlines()]


def test_two_metrics_in_one_run_equal_each_alone(tmp_path):
    both, rouge, perl = tmp_path / "both", tmp_path / "rouge", tmp_path / "perl"
    done = sumbench("run", "--metrics", "rouge,rouge155", "--limit", "6", "-o", both)
    assert done.code == 0, done.err
    assert sumbench("run", "--metrics", "rouge", "--limit", "6", "-o", rouge).code == 0
    assert sumbench("run", "--metrics", "rouge155", "--limit", "6", "-o", perl).code == 0
    rows = per_example(both)
    assert [r["scores"]["rouge"] for r in rows] == [r["scores"]["rouge"] for r in per_example(rouge)]
    assert [r["scores"]["rouge155"] for r in rows] == \
        [r["scores"]["rouge155"] for r in per_example(perl)]
    results = json.loads((both / "results.json").read_text())["metrics"]
    for name, alone in (("rouge", rouge), ("rouge155", perl)):
        single = json.loads((alone / "results.json").read_text())["metrics"][name]
        assert results[name] == single  # aggregates, signature, settings, warnings
        assert f"signature: {single['signature']}" in done.out
    printed = [l for l in done.out.splitlines() if l.startswith("signature: ")]
    assert [p.split("|")[0] for p in printed] == ["signature: metric:rouge", "signature: metric:rouge155"]


@pytest.mark.parametrize("args, option, owner", [
    # metric options, each family: rouge, rouge155, and the bootstrap that rouge155 lacks
    (["--metrics", "rouge155", "--no-stemmer"], "--no-stemmer", "the metric rouge,"),
    (["--metrics", "rouge155", "--multi-ref-rule", "mean"], "--multi-ref-rule", "the metric rouge,"),
    (["--metrics", "rouge155", "--multi-ref", "mean"], "--multi-ref-rule", "the metric rouge,"),
    (["--metrics", "rouge155", "--rouge-types", "rouge1"], "--rouge-types", "the metric rouge,"),
    (["--metrics", "rouge155", "--backend", "fast"], "--backend", "the metric rouge,"),
    (["--rouge155-flags=-m"], "--rouge155-flags", "the metric rouge155,"),
    (["--rouge155-exceptions", "none"], "--rouge155-exceptions", "the metric rouge155,"),
    (["--metrics", "rouge155", "--bootstrap-samples", "10"], "--bootstrap-samples", "bootstrap"),
    (["--metrics", "rouge155", "--confidence", "0.9"], "--confidence", "bootstrap"),
    (["--metrics", "rouge155", "--seed", "3"], "--seed", "bootstrap"),
    # summariser options, each family: hf:, openai:, the cache, random-k, lexrank, extractive
    (["--num-beams", "4"], "--num-beams", "hf:"),
    (["--base-url", "http://127.0.0.1:9/v1"], "--base-url", "openai:"),
    (["--no-cache"], "--no-cache", "generation cache"),
    (["--cache-dir", "x"], "--cache-dir", "generation cache"),
    (["-s", "lead-2", "--threshold", "0.2"], "--threshold", "lexrank"),
    (["-s", "textrank", "--generation-seed", "1"], "--generation-seed", "random-k"),
    (["-s", "oracle", "--temperature", "0.3"], "--temperature", "hf:/openai:"),
])
def test_an_option_whose_owner_is_not_in_use_is_refused(args, option, owner, tmp_path):
    done = sumbench("run", *args, "--limit", "2", "-o", tmp_path / "out")
    assert done.code == 2, done.out
    line, = done.err.strip().splitlines()
    assert line.startswith("sumbench: error: ") and option in line and owner in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [
    ["--metrics", "rouge155", "--lsum-split", "auto"],     # shared by rouge and rouge155
    ["--metrics", "rouge155", "--sample", "3", "--seed", "2"],  # the seed of --sample
    ["-s", "random-2", "--generation-seed", "7"],
    ["-s", "lexrank", "--threshold", "0.2", "--language", "en"],
    ["-s", "oracle-2", "--language", "en"],
])
def test_an_option_whose_owner_is_in_use_is_taken(args):
    done = sumbench("run", *args, "--limit", "2")
    assert done.code == 0, done.err


def test_report_options_of_the_html_report_only(tmp_path):
    assert sumbench("run", "--limit", "2", "-o", tmp_path / "r").code == 0
    done = sumbench("report", tmp_path / "r", "--examples", "3")
    assert done.code == 2 and "applies to the HTML report only" in done.err


def test_score_has_the_same_metric_options(tmp_path):
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "article": "A b.", "highlights": "A cat sat."}) + "\n")
    preds = tmp_path / "preds.jsonl"
    preds.write_text(json.dumps({"id": "a", "prediction": "A cat sat."}) + "\n")
    done = sumbench("score", "-p", preds, "-r", refs, "--metrics", "rouge155", "--tokenizer", "unicode")
    assert done.code == 2 and "--tokenizer is an option of the metric rouge" in done.err
    named = sumbench("score", "-p", preds, "-r", refs, "--format", "json")
    assert json.loads(named.out)["name"] == "preds"  # the file's name, not file:preds.jsonl
    renamed = sumbench("score", "-p", preds, "-r", refs, "--name", "mine", "--format", "json")
    assert json.loads(renamed.out)["name"] == "mine"


def test_list_shows_metrics_summarisers_and_formats():
    done = sumbench("list")
    assert done.code == 0
    out = done.out
    sections = [line for line in out.splitlines() if not line.startswith(" ")]
    assert [s.split(" (")[0] for s in sections] == ["metrics", "summarizers", "reference formats"]
    for name in ("rouge ", "rouge155 ", "lead-k", "random-k", "textrank, textrank-k",
                 "lexrank, lexrank-k", "oracle, oracle-k", "hf:", "openai:", "plaintext",
                 "jsonl", "story"):
        assert name in out, name
    assert "--rouge155-flags" in out and "--no-stemmer" in out

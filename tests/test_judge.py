"""``judge`` (G-Eval, issue 14): rubric files, ratings from probabilities and from
samples, the ``openai:`` back-end against a fake server on 127.0.0.1 that returns
``logprobs`` (the weighted rating must equal the hand computation), the ``hf:`` back-end
against a next-token distribution computed here with transformers, the generation cache
(a re-run asks nothing and gives the same numbers), option checks, the CLI end to end,
and the real SmolLM2-135M-Instruct GGUF."""

from __future__ import annotations

import json
import math
import re
import threading

import numpy as np
import pytest
from cli_util import sumbench
from test_openai_summarizer import KEY, ChatServer

from sumbench.eval.data.records import Example
from sumbench.common.errors import InputError, OfflineError, UsageError
from sumbench.eval.metrics import build_metrics
from sumbench.eval.metrics.judge.ratings import from_probabilities, from_samples, read_rating
from sumbench.eval.metrics.judge.rubrics import BUILTIN, builtin_rubric, parse_rubric

ARTICLES = ["The council voted on Tuesday to make all city buses free from June.",
            "A new species of cave salamander was found in the hills near the river."]
SUMMARIES = ["Buses will be free from June.", "A salamander was found.\nIt lives in caves."]
EXAMPLES = [Example(id=f"e{i}", article=a, references=(("ref.",),))
            for i, a in enumerate(ARTICLES)]
SERVER_LIFETIME_S = 240  # a server left behind stops itself


class JudgeServer(ChatServer):
    """The chat-completions fake of the summariser tests, stopping itself after a while."""

    def __init__(self) -> None:
        super().__init__()
        self.timer = threading.Timer(SERVER_LIFETIME_S, self.close)
        self.timer.daemon = True
        self.timer.start()

    def close(self) -> None:
        self.timer.cancel()
        super().close()


@pytest.fixture()
def server():
    chat = JudgeServer()
    yield chat
    chat.close()


def top_logprobs(pairs):
    """A chat answer whose first token has these (token, probability) alternatives."""
    entries = [{"token": t, "logprob": math.log(p), "bytes": None} for t, p in pairs]
    return {"choices": [{"message": {"role": "assistant", "content": pairs[0][0]},
                         "logprobs": {"content": [{"token": pairs[0][0],
                                                   "logprob": entries[0]["logprob"],
                                                   "top_logprobs": entries}]}}]}


# Coherence prompts get one distribution, every other rubric another.
COHERENCE = [(" 4", 0.5), ("3", 0.2), ("The", 0.15), ("5", 0.1), ("4", 0.05)]
OTHER = [("2", 0.6), ("1", 0.3), ("I", 0.1)]


def by_rubric(body, headers):
    content = body["messages"][0]["content"]
    return 200, top_logprobs(COHERENCE if "Coherence rating" in content else OTHER), {}, 0


def judge(server, tmp_path, **options):
    settings = {"judge_model": "openai:fake-judge", "judge_base_url": server.base_url,
                "judge_api_key_env": "SUMBENCH_TEST_KEY", "judge_max_retries": 0,
                "judge_cache_dir": str(tmp_path / "cache"), **options}
    return build_metrics(["judge"], settings)[0]


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("SUMBENCH_TEST_KEY", KEY)


# -- rubrics and ratings ---------------------------------------------------------------
def test_builtin_rubrics_load_with_their_hashes() -> None:
    for name in BUILTIN:
        rubric = builtin_rubric(name)
        assert (rubric.name, rubric.low, rubric.high) == (name, 1, 5)
        assert rubric.ratings == ("1", "2", "3", "4", "5") and len(rubric.sha256) == 64
        prompt = rubric.prompt_template("SUMMARY TEXT")
        assert "SUMMARY TEXT" in prompt and "{article}" in prompt and "{summary}" not in prompt
    assert len({builtin_rubric(n).sha256 for n in BUILTIN}) == 4


@pytest.mark.parametrize("text, message", [
    ("name: x\nrange: 1-5\n", "no '---' line"),
    ("name: x\nrange: 1-5\nRate {article} {summary}", r"rubric.txt:3: expected 'name"),
    ("name: x\n---\n{article} {summary}", "no 'range:' line"),
    ("name: x\nrange: 5-1\n---\n{article} {summary}", r"rubric.txt:2: range '5-1'"),
    ("name: x\nrange: 0-10\n---\n{article} {summary}", "at most 10 ratings"),
    ("name: X y\nrange: 1-5\n---\n{article} {summary}", r"rubric.txt:1: name 'X y'"),
    ("name: x\nrange: 1-5\nscale: 3\n---\n{article} {summary}", r"rubric.txt:3: expected"),
    ("name: x\nrange: 1-5\n---\nRate {article}", r"no \{summary\} placeholder"),
])
def test_bad_rubric_files_are_named_with_their_line(text, message) -> None:
    with pytest.raises(InputError, match=message):
        parse_rubric(text, "rubric.txt")


def test_ratings_by_hand() -> None:
    weighted = from_probabilities({"3": 0.2, "4": 0.55, "5": 0.1}, 1, 5)
    assert weighted.value == pytest.approx((3 * 0.2 + 4 * 0.55 + 5 * 0.1) / 0.85)
    spread = math.sqrt(sum(p / 0.85 * (r - weighted.value) ** 2
                           for r, p in ((3, 0.2), (4, 0.55), (5, 0.1))))
    assert weighted.spread == pytest.approx(spread) and weighted.mass == pytest.approx(0.85)
    assert from_probabilities({"7": 0.9}, 1, 5).value is None
    assert [read_rating(t, 1, 5) for t in ("4", "Rating: 5", "3/5", "4.5 stars", "9", "none")] \
        == [4, 5, 3, 4.5, None, None]
    sampled = from_samples(["4", "Rating: 5", "I think 3/5", "no idea", "9"], 1, 5)
    assert (sampled.value, sampled.samples, sampled.parsed) == (4.0, 5, 3)
    assert sampled.spread == pytest.approx(math.sqrt(2 / 3))


# -- openai: against a fake server -----------------------------------------------------
def test_openai_logprobs_give_the_hand_computed_weighted_rating(server, tmp_path) -> None:
    server.script.append(by_rubric)
    scored = judge(server, tmp_path, judge_rubrics="coherence,fluency").score(EXAMPLES, SUMMARIES)
    coherence = (3 * 0.2 + 4 * (0.5 + 0.05) + 5 * 0.1) / (0.2 + 0.55 + 0.1)
    fluency = (1 * 0.3 + 2 * 0.6) / 0.9
    np.testing.assert_allclose(scored.columns["coherence"]["score"], [coherence] * 2, atol=1e-12)
    np.testing.assert_allclose(scored.columns["fluency"]["score"], [fluency] * 2, atol=1e-12)
    assert set(scored.columns) == {"coherence", "fluency"}
    assert len(server.requests) == 4
    for body in server.requests:
        assert body["logprobs"] is True and body["top_logprobs"] == 20
        assert body["max_tokens"] == 1 and body["temperature"] == 0.0
        assert body["model"] == "fake-judge"
    contents = sorted(b["messages"][0]["content"] for b in server.requests)
    assert sum(ARTICLES[0] in c and SUMMARIES[0] in c for c in contents) == 2
    assert scored.details["calls"] == {"asked": 4, "from_cache": 0, "truncated": 0}
    assert scored.details["rubrics"]["coherence"]["mean_rating_mass"] == pytest.approx(0.85)
    assert scored.notices == ()


def test_a_rerun_is_served_from_the_cache_and_equal(server, tmp_path) -> None:
    server.script.append(by_rubric)
    first = judge(server, tmp_path, judge_rubrics="coherence,relevance").score(EXAMPLES, SUMMARIES)
    asked = len(server.requests)
    server.close()  # nothing may reach the back-end now
    again = judge(server, tmp_path, judge_rubrics="coherence,relevance")
    second = again.score(EXAMPLES, SUMMARIES)
    assert asked == 4 and second.details["calls"] == {"asked": 0, "from_cache": 4, "truncated": 0}
    for rubric in ("coherence", "relevance"):
        assert np.array_equal(first.columns[rubric]["score"], second.columns[rubric]["score"])
    other_summary = judge(server, tmp_path, judge_rubrics="coherence")
    with pytest.raises(InputError, match="cannot connect"):
        other_summary.score(EXAMPLES[:1], ["A different summary."])


def test_samples_give_the_mean_rating_and_its_spread(server, tmp_path) -> None:
    answers = ["4", "Rating: 5", "I think 3/5", "no idea", "9"]
    server.script.append(lambda body, headers: (200, {"choices": [
        {"message": {"role": "assistant", "content": t}} for t in answers]}, {}, 0))
    metric = judge(server, tmp_path, judge_rubrics="consistency", judge_method="samples",
                   judge_samples=5, judge_temperature=0.7, judge_seed=3)
    scored = metric.score(EXAMPLES, SUMMARIES)
    assert list(scored.columns["consistency"]["score"]) == [4.0, 4.0]
    details = scored.details["rubrics"]["consistency"]
    assert details["mean_spread"] == pytest.approx(math.sqrt(2 / 3))
    assert details["samples"] == 10 and details["samples_without_rating"] == 4
    body = server.requests[0]
    assert (body["n"], body["temperature"], body["seed"], body["max_tokens"]) == (5, 0.7, 3, 16)
    assert "logprobs" not in body
    assert "|method:samples|n:5|temp:0.7|sample-seed:3|tokens:16|" in str(metric.signature())


def test_no_rating_is_scored_lowest_and_reported(server, tmp_path) -> None:
    server.script.append((200, top_logprobs([("The", 0.7), ("A", 0.2)]), {}, 0))
    scored = judge(server, tmp_path, judge_rubrics="fluency").score(EXAMPLES, SUMMARIES)
    assert list(scored.columns["fluency"]["score"]) == [1.0, 1.0]
    codes = [n.code for n in scored.notices]
    assert codes == ["judge-no-rating", "judge-low-mass"]
    assert "scored as the lowest rating (1)" in scored.notices[0].message


def test_a_server_without_logprobs_names_the_samples_method(server, tmp_path) -> None:
    server.script.append((200, {"choices": [{"message": {"content": "4"}}]}, {}, 0))
    with pytest.raises(InputError, match=r"no choices\[0\].logprobs.*use --judge-method samples"):
        judge(server, tmp_path, judge_rubrics="fluency").score(EXAMPLES, SUMMARIES)


# -- options ---------------------------------------------------------------------------
@pytest.mark.parametrize("options, message", [
    ({}, "--judge-model is required"),
    ({"judge_model": "lead-3"}, "expected hf:<model> or openai:<model>"),
    ({"judge_model": "openai:m", "judge_samples": 5}, "--judge-samples: only with --judge-method samples"),
    ({"judge_model": "openai:m", "judge_device": "cpu"}, "--judge-device applies to hf: judges"),
    ({"judge_model": "hf:/no/such/model", "judge_base_url": "http://x/v1"},
     "--judge-base-url applies to openai: judges"),
    ({"judge_model": "openai:m", "judge_method": "samples", "judge_temperature": 0},
     "--judge-temperature must be > 0"),
    ({"judge_model": "openai:m", "judge_rubrics": "coherence,style"}, "unknown style"),
])
def test_options_that_do_not_apply_are_usage_errors(options, message) -> None:
    with pytest.raises(UsageError, match=message):
        build_metrics(["judge"], options)


def test_a_hub_judge_offline_fails_fast(tmp_path, monkeypatch) -> None:
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(OfflineError, match="--judge-model: hf:acme/judge: cannot reach the "
                                           "Hugging Face hub"):
        build_metrics(["judge"], {"judge_model": "hf:acme/judge"})


def test_rubric_files_replace_or_join_the_builtins(tmp_path) -> None:
    own = tmp_path / "style.txt"
    own.write_text("name: style\nrange: 1-3\n---\nArticle {article}\nSummary {summary}\nStyle:\n")
    alone = build_metrics(["judge"], {"judge_model": "openai:m", "judge_prompt": str(own)})[0]
    assert [r.name for r in alone.config.rubrics] == ["style"]
    assert (alone.info().low, alone.info().high) == (1.0, 3.0)
    both = build_metrics(["judge"], {"judge_model": "openai:m", "judge_prompt": str(own),
                                     "judge_rubrics": "fluency"})[0]
    assert [r.name for r in both.config.rubrics] == ["fluency", "style"]
    assert re.search(r"\|rubrics:fluency=[0-9a-f]{12},style=[0-9a-f]{12}\|",
                     str(both.signature()))
    clash = tmp_path / "fluency.txt"
    clash.write_text(own.read_text().replace("style", "fluency"))
    with pytest.raises(UsageError, match="two rubrics are named 'fluency'"):
        build_metrics(["judge"], {"judge_model": "openai:m", "judge_prompt": str(clash),
                                  "judge_rubrics": "fluency"})
    with pytest.raises(InputError, match="--judge-prompt .*missing.txt"):
        build_metrics(["judge"], {"judge_model": "openai:m",
                                  "judge_prompt": str(tmp_path / "missing.txt")})


# -- hf: against a distribution computed here ------------------------------------------
def hand_weighted_rating(folder, prompt: str) -> float:
    """The next-token distribution after the chat-wrapped prompt, computed directly, and
    the probability-weighted rating over the tokens "1".."5" and "Ġ1".."Ġ5"."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder).eval()
    text = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                         add_generation_prompt=True)
    ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        probabilities = torch.softmax(model(ids).logits[0, -1].float(), dim=-1)
    vocab = tokenizer.get_vocab()
    mass = {r: sum(float(probabilities[vocab[t]]) for t in (str(r), "\u0120" + str(r)) if t in vocab)
            for r in range(1, 6)}
    assert all(mass.values())
    return sum(r * p for r, p in mass.items()) / sum(mass.values())


def test_hf_judge_matches_the_hand_computed_distribution(tiny_causal, tmp_path) -> None:
    metric = build_metrics(["judge"], {"judge_model": f"hf:{tiny_causal}",
                                       "judge_rubrics": "relevance", "judge_batch_size": 2,
                                       "judge_cache_dir": str(tmp_path)})[0]
    metric.backend.progress = False
    scored = metric.score(EXAMPLES, SUMMARIES)
    rubric = builtin_rubric("relevance")
    expected = [hand_weighted_rating(tiny_causal, rubric.prompt_template(s).replace("{article}", a))
                for a, s in zip(ARTICLES, SUMMARIES)]
    np.testing.assert_allclose(scored.columns["relevance"]["score"], expected, atol=1e-5)
    assert len(set(np.round(expected, 6))) == 2  # the two prompts differ: a real check
    assert re.match(r"metric:judge\|impl:g-eval\|weights:sha256:[0-9a-f]{64}\|dtype:auto\|"
                    r"rubrics:relevance=[0-9a-f]{12}\|method:probabilities\|bs:1000\|",
                    str(metric.signature()))


def test_hf_judge_cuts_long_articles_and_says_so(tiny_causal, tmp_path) -> None:
    metric = build_metrics(["judge"], {"judge_model": f"hf:{tiny_causal}",
                                       "judge_rubrics": "fluency", "judge_no_cache": True,
                                       "judge_max_input_tokens": 400})[0]
    metric.backend.progress = False
    long_article = " ".join(["The river rose quickly after three days of heavy rain."] * 80)
    scored = metric.score([Example("long", long_article, (("r.",),)), EXAMPLES[0]],
                          ["The river rose.", SUMMARIES[0]])
    assert scored.details["calls"] == {"asked": 2, "from_cache": 0, "truncated": 1}
    assert scored.notices[0].code == "judge-truncated" and scored.notices[0].ids == ("long",)
    assert "|maxin:400|" in str(metric.signature())


# -- the CLI ---------------------------------------------------------------------------
def by_summary_length(body, headers):
    """More summary lines, more probability on 5: lead-3 is rated above lead-1."""
    content = body["messages"][0]["content"]
    summary = content.split("Summary:\n", 1)[1].split("\n\nAnswer with", 1)[0]
    lines = summary.count("\n") + 1
    return 200, top_logprobs([("5", 0.2 * lines), ("2", 0.3)]), {}, 0


@pytest.mark.slow
def test_cli_run_score_compare_check_report(server, tmp_path) -> None:
    server.script.append(by_summary_length)
    common = ["--metrics", "judge", "--judge-model", "openai:fake-judge",
              "--judge-base-url", server.base_url, "--judge-api-key-env", "SUMBENCH_TEST_KEY",
              "--judge-rubrics", "coherence,relevance", "--judge-cache-dir", tmp_path / "cache",
              "--bootstrap-samples", "200"]
    done = sumbench("run", "-s", "lead-1", "--baselines", "--limit", "4", *common,
                    "-o", tmp_path / "runs", env={"SUMBENCH_TEST_KEY": KEY})
    assert done.code == 0, done.err
    lead3, lead1 = tmp_path / "runs" / "lead-3", tmp_path / "runs" / "lead-1"
    judged = json.loads((lead3 / "results.json").read_text())["metrics"]["judge"]
    assert judged["info"]["range"] == [1.0, 5.0] and judged["info"]["scale"] == 1.0
    assert judged["scores"]["coherence"]["score"]["mid"] == pytest.approx((5 * 0.6 + 0.6) / 0.9)
    assert "|model:openai:fake-judge|server:http://127.0.0.1:" in judged["signature"]
    assert KEY not in done.out + done.err
    # the 1-5 rating scale is named (never "points"); progress reaches a pipe as plain lines
    assert "mean with confidence interval (judge: 1 to 5)" in done.out
    assert "\r" not in done.err
    assert re.search(r"^judging with openai:fake-judge: \d+/\d+ prompts in ", done.err,
                     re.M), done.err

    asked = len(server.requests)
    scored = sumbench("score", "-p", lead3 / "predictions.jsonl", "-r", lead3 / "references.jsonl",
                      *common, "-o", tmp_path / "again", env={"SUMBENCH_TEST_KEY": KEY})
    assert scored.code == 0, scored.err
    assert len(server.requests) == asked  # every answer came from the cache
    again = json.loads((tmp_path / "again" / "results.json").read_text())["metrics"]["judge"]
    assert again["scores"] == judged["scores"] and again["details"]["calls"]["asked"] == 0

    compared = sumbench("compare", lead3, lead1)
    assert compared.code == 0, compared.err
    assert any(line.startswith("coherence") for line in compared.out.splitlines())
    checked = sumbench("check", lead1, "--baseline", lead3)
    assert checked.code == 1 and "coherence" in checked.out  # lead-1 is rated lower
    reported = sumbench("report", lead3, lead1, "-o", tmp_path / "report.html")
    assert reported.code == 0, reported.err
    assert "relevance" in (tmp_path / "report.html").read_text()
    missing = sumbench("score", "-p", lead3 / "predictions.jsonl", "-r", lead3 / "references.jsonl",
                       "--metrics", "judge", "--judge-model", "openai:m",
                       "--judge-prompt", tmp_path / "nope.txt")
    assert missing.code == 2 and "nope.txt" in missing.err and "Traceback" not in missing.err


# -- the real SmolLM2 GGUF ---------------------------------------------------------------
@pytest.mark.slow
def test_real_smollm2_judges_the_fixtures_end_to_end(tmp_path) -> None:
    from test_generation_e2e import smollm2_gguf

    from sumbench.eval.cli import main

    gguf = smollm2_gguf()
    assert main(["run", "--limit", "2", "--bootstrap-samples", "100", "-o", str(tmp_path / "lead3")]) == 0
    args = ["score", "-p", tmp_path / "lead3" / "predictions.jsonl",
            "-r", tmp_path / "lead3" / "references.jsonl", "--metrics", "judge",
            "--judge-model", f"hf:{gguf}", "--judge-rubrics", "consistency",
            "--judge-cache-dir", tmp_path / "cache", "--judge-device", "cpu"]
    runs = []
    for name in ("first", "second"):
        done = sumbench(*args, "-o", tmp_path / name)
        assert done.code == 0, done.err
        runs.append(json.loads((tmp_path / name / "results.json").read_text())["metrics"]["judge"])
    first, second = runs
    assert first["details"]["calls"] == {"asked": 2, "from_cache": 0, "truncated": 0}
    assert second["details"]["calls"] == {"asked": 0, "from_cache": 2, "truncated": 0}
    assert second["scores"] == first["scores"] and second["signature"] == first["signature"]
    rows = [json.loads(line)["scores"]["judge"]["consistency"]["score"]
            for line in (tmp_path / "first" / "per_example.jsonl").open()]
    assert len(rows) == 2 and all(1 <= r <= 5 for r in rows)
    assert first["details"]["rubrics"]["consistency"]["mean_rating_mass"] > 0

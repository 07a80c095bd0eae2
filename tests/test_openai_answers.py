"""Answers and keys of the ``openai:`` client (issue 18), through the real CLI against a
server on 127.0.0.1: a ``content`` that is not a string is a malformed answer (retried,
then exit 2 naming the URL), never scored as its Python repr; a lone surrogate is named
with the URL; a key with a control character is refused before any request, without
being echoed; an answer that echoes the key is masked before it reaches the cache,
``predictions.jsonl`` or the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chat_server import ChatServer, ok
from cli_util import one_error_line, sumbench

from sumbench.summarize.redaction import redact_answer
from sumbench.summarize.openai_api import OpenAiSummarizer

KEY = "sk-Live-9f8E7d6C5b4A3z2Y1x0W"


@pytest.fixture
def server():
    chat = ChatServer()
    yield chat
    chat.close()


def answer(content):
    def step(body, headers):
        return 200, {"choices": [{"message": {"role": "assistant", "content": content}}]}, {}, 0.0
    return step


def run(server: ChatServer, tmp_path: Path, *extra: str, key: str = KEY):
    return sumbench("run", "-s", "openai:m", "--base-url", server.base_url, "--limit", "1",
                    "--max-retries", "1", "--cache-dir", tmp_path / "cache",
                    "-o", tmp_path / "run", *extra, env={"OPENAI_API_KEY": key})



@pytest.mark.parametrize("content, kind", [({"a": 1}, "an object"), ([1, 2], "a list"),
                                           (3, "a number"), (None, "null"),
                                           (True, "true/false")])
def test_a_content_that_is_not_a_string_is_retried_then_exit_2(server, tmp_path, content,
                                                                kind) -> None:
    server.script.append(answer(content))
    result = run(server, tmp_path)
    line = one_error_line(result)
    assert server.base_url in line and "gave up after 2 attempts" in line
    assert f"choices[0].message.content is {kind}, not a string" in line
    assert len(server.requests) == 2  # retried like other malformed answers
    assert not (tmp_path / "run").exists()
    assert "{'a': 1}" not in result.out + result.err


def test_a_malformed_answer_then_a_good_one_succeeds(server, tmp_path) -> None:
    server.script.extend([answer({"a": 1}), ok("The council voted.")])
    result = run(server, tmp_path)
    assert result.code == 0, result
    predictions = (tmp_path / "run" / "predictions.jsonl").read_text()
    assert "The council voted." in predictions and "'a'" not in predictions


def test_a_lone_surrogate_is_named_with_the_url(server, tmp_path) -> None:
    server.script.append(answer("A summary \ud800 cut."))
    result = run(server, tmp_path)
    line = one_error_line(result)
    assert server.base_url in line and "lone surrogate" in line
    assert "UnicodeEncodeError" not in result.err and "codec" not in result.err
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("bad", [KEY + "\n", KEY[:10] + "\r\n" + KEY[10:], KEY + "\t",
                                 KEY + "\x7f", "\x1b[2J" + KEY, KEY + "é"])
def test_a_key_an_http_header_cannot_carry_is_refused_at_once_unechoed(server, tmp_path,
                                                                       bad) -> None:
    server.script.append(ok())
    result = run(server, tmp_path, key=bad)
    line = one_error_line(result)
    assert "$OPENAI_API_KEY" in line
    assert "broken answer" not in result.err and "retry" not in result.err
    for i in range(len(KEY) - 5):
        assert KEY[i:i + 6] not in result.out + result.err
    assert server.requests == []


def test_the_judge_refuses_such_a_key_too(server, tmp_path) -> None:
    result = sumbench("run", "-s", "lead-1", "--limit", "1", "--metrics", "judge",
                      "--judge-model", "openai:j", "--judge-base-url", server.base_url,
                      "--judge-no-cache", env={"OPENAI_API_KEY": KEY + "\n"})
    line = one_error_line(result)
    assert "$OPENAI_API_KEY" in line and KEY not in result.out + result.err
    assert server.requests == []


def test_an_answer_echoing_the_key_is_masked_everywhere(server, tmp_path) -> None:
    server.script.append(ok(lambda body: f"The key is {KEY}. Again: {KEY.upper()}.\n- {KEY}"))
    result = run(server, tmp_path, "--format", "json")
    assert result.code == 0, result
    assert len(server.requests) == 1
    texts = {"stdout": result.out, "stderr": result.err}
    for path in [*(tmp_path / "run").iterdir(), *(tmp_path / "cache").rglob("*")]:
        if path.is_file():
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    assert any("***" in text for text in texts.values())
    for where, text in texts.items():
        assert KEY.casefold() not in text.casefold(), where
    rerun = run(server, tmp_path / "again", "--format", "json")
    assert rerun.code == 0 and KEY.casefold() not in (rerun.out + rerun.err).casefold()


def test_sampled_answers_are_masked_too(server) -> None:
    server.script.append(lambda body, headers: (200, {"choices": [
        {"message": {"content": f"Rating: 4 {KEY}"}}, {"message": {"content": "Rating: 5"}}]},
        {}, 0.0))
    import os

    os.environ["SUMBENCH_TEST_KEY"] = KEY
    try:
        judge = OpenAiSummarizer("openai:j", {"base_url": server.base_url,
                                              "api_key_env": "SUMBENCH_TEST_KEY"})
        judge.progress = False
        from sumbench.summarize.answers import Prompt

        (sampled,) = judge.sample_answers([Prompt("Rate: {article}", "It.")], 2)
    finally:
        del os.environ["SUMBENCH_TEST_KEY"]
    assert sampled.texts == ("Rating: 4 ***", "Rating: 5")


def test_redact_answer_masks_whole_keys_only() -> None:
    assert redact_answer(f"a {KEY} b {KEY.lower()} c", KEY) == "a *** b *** c"
    assert redact_answer(f"pieces {KEY[:8]} stay", KEY) == f"pieces {KEY[:8]} stay"
    # A short placeholder key masks only an answer that is nothing but the key.
    assert redact_answer("The bin was EMPTY.", "EMPTY") == "The bin was EMPTY."
    assert redact_answer(" empty\n", "EMPTY") == "***"
    assert redact_answer("anything", None) == "anything"
    assert json.dumps(redact_answer("x", "x")) == '"***"'

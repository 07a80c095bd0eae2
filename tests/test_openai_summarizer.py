"""``openai:`` summarisers against a chat-completions server started on 127.0.0.1 (issue 7):
success, 429 then success, 5xx retries exhausted, 401, 404, timeouts, bounded concurrency,
caching, and API keys kept out of errors, settings and logs."""

from __future__ import annotations

import json
import logging
import threading

import pytest
from chat_server import ChatServer, ok

from sumbench.summarize.cache import build_summarizer
from sumbench.common.errors import (
    ApiAuthError, ApiError, ApiNotFoundError, ApiRetriesExhausted, SummarizerOptionError,
)
from sumbench.summarize.openai_api import OpenAiSummarizer, retry_after_seconds

KEY = "sk-test-5ecret-k3y-never-shown"


def echo_article(body: dict) -> str:
    return "Summary of " + body["messages"][0]["content"].split("Article:\n")[1].split("\n")[0]


@pytest.fixture()
def server():
    chat = ChatServer()
    yield chat
    chat.close()


def make(server: ChatServer, monkeypatch, **options) -> OpenAiSummarizer:
    monkeypatch.setenv("SUMBENCH_TEST_KEY", KEY)
    summarizer = OpenAiSummarizer("openai:tiny-chat", {"base_url": server.base_url,
                                                       "api_key_env": "SUMBENCH_TEST_KEY",
                                                       **options})
    summarizer.delays = []
    summarizer._sleep = summarizer.delays.append  # record backoff instead of sleeping
    return summarizer


ARTICLES = [f"Article number {i} says something.\nMore text." for i in range(12)]


def test_success_request_shape_and_clean_up(server, monkeypatch) -> None:
    server.script.append(ok())
    summarizer = make(server, monkeypatch, max_new_tokens=50, top_p=0.9)
    assert summarizer.summarize(ARTICLES[:2]) == ["The council voted.\nBuses will be free."] * 2
    body = server.requests[0]
    assert body["model"] == "tiny-chat" and body["max_tokens"] == 50
    assert body["temperature"] == 0.0 and body["top_p"] == 0.9
    assert "Article number" in body["messages"][0]["content"]
    assert body["messages"][0]["role"] == "user"
    assert server.auth[0] == f"Bearer {KEY}"


def test_results_come_back_in_article_order(server, monkeypatch) -> None:
    server.script.append(ok(echo_article))
    summaries = make(server, monkeypatch, concurrency=4).summarize(ARTICLES)
    assert summaries == [f"Summary of Article number {i} says something." for i in range(12)]


def test_each_summary_is_yielded_as_soon_as_its_answer_arrives(server, monkeypatch) -> None:
    release = threading.Event()  # the slow answer is held back until the first is out

    def fast_or_slow(body, headers):
        if "number 1 " in body["messages"][0]["content"]:
            release.wait(30)
        return ok(echo_article)(body, headers)

    server.script.append(fast_or_slow)
    items = make(server, monkeypatch, concurrency=2).summarize_iter(ARTICLES[:2])
    first = next(items)
    assert first.index == 0 and not release.is_set()  # yielded while the other is pending
    release.set()
    assert next(items).index == 1


def test_429_then_success_honours_retry_after(server, monkeypatch) -> None:
    server.script.extend([(429, {"error": {"message": "slow down"}}, {"Retry-After": "3"}, 0),
                          ok()])
    summarizer = make(server, monkeypatch, concurrency=1)
    assert summarizer.summarize(ARTICLES[:1]) == ["The council voted.\nBuses will be free."]
    assert len(server.requests) == 2
    assert summarizer.delays == [3.0]  # Retry-After (3 s) is longer than the first backoff


def test_500_retries_exhausted(server, monkeypatch) -> None:
    server.script.append((500, {"error": {"message": "boom"}}, {}, 0))
    summarizer = make(server, monkeypatch, max_retries=3, concurrency=1)
    with pytest.raises(ApiRetriesExhausted, match="gave up after 4 attempts; last: HTTP 500: boom"):
        summarizer.summarize(ARTICLES[:1])
    assert len(server.requests) == 4
    assert summarizer.delays == [0.5, 1.0, 2.0]  # exponential backoff between attempts


def test_401_is_immediate_and_never_shows_the_key(server, monkeypatch, caplog) -> None:
    # A careless server echoes the Authorization header back in its error message.
    def refuse(body, headers):
        return 401, {"error": {"message": f"invalid key {headers['Authorization']}"}}, {}, 0

    server.script.append(refuse)
    summarizer = make(server, monkeypatch)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ApiAuthError) as caught:
        summarizer.summarize(ARTICLES[:3])
    message = str(caught.value)
    assert "HTTP 401" in message and "$SUMBENCH_TEST_KEY" in message
    assert KEY not in message and "***" in message
    assert caught.value.status == 401
    assert len(server.requests) <= 3 and summarizer.delays == []  # no retries
    assert KEY not in json.dumps(summarizer.settings())
    assert KEY not in json.dumps(summarizer.cache_identity())
    assert KEY not in caplog.text


def test_missing_key_is_named_on_401(server, monkeypatch) -> None:
    server.script.append((401, {"error": {"message": "no key"}}, {}, 0))
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    summarizer = OpenAiSummarizer("openai:m", {"base_url": server.base_url,
                                               "api_key_env": "NO_SUCH_KEY_VAR"})
    with pytest.raises(ApiAuthError, match=r"no API key: set \$NO_SUCH_KEY_VAR"):
        summarizer.summarize(["x"])
    assert server.auth == [None]


def test_404_names_model_and_base_url(server, monkeypatch) -> None:
    server.script.append((404, {"error": {"message": "model not found"}}, {}, 0))
    with pytest.raises(ApiNotFoundError, match="unknown model 'tiny-chat' or wrong --base-url"):
        make(server, monkeypatch).summarize(["x"])


def test_other_4xx_is_not_retried(server, monkeypatch) -> None:
    server.script.append((400, {"error": {"message": "max_tokens too large"}}, {}, 0))
    summarizer = make(server, monkeypatch)
    with pytest.raises(ApiError, match="HTTP 400: max_tokens too large"):
        summarizer.summarize(["x"])
    assert len(server.requests) == 1


def test_timeout_retries_then_gives_up(server, monkeypatch) -> None:
    server.script.append(ok(delay=1.0))
    summarizer = make(server, monkeypatch, request_timeout=0.1, max_retries=1, concurrency=1)
    with pytest.raises(ApiRetriesExhausted, match="no answer within 0.1 s"):
        summarizer.summarize(["x"])
    assert len(server.requests) == 2 and summarizer.delays == [0.5]


def test_timeout_then_success(server, monkeypatch) -> None:
    server.script.extend([ok(delay=1.0), ok()])
    summarizer = make(server, monkeypatch, request_timeout=0.3, concurrency=1)
    assert summarizer.summarize(["x"]) == ["The council voted.\nBuses will be free."]


@pytest.mark.parametrize("concurrency", [1, 3])
def test_concurrency_is_bounded_as_configured(monkeypatch, concurrency) -> None:
    # The server counts a request until its answer starts and holds each one until
    # `concurrency` are in flight: exceeding the bound is seen, reaching it is certain.
    server = ChatServer(gather=concurrency)
    try:
        server.script.append(ok(echo_article))
        summaries = make(server, monkeypatch, concurrency=concurrency).summarize(ARTICLES[:9])
        assert len(summaries) == 9 and len(server.requests) == 9
        assert server.max_in_flight == concurrency
    finally:
        server.close()


def test_connection_refused_is_retried_then_reported(monkeypatch) -> None:
    summarizer = OpenAiSummarizer("openai:m", {"base_url": "http://127.0.0.1:9/v1",
                                               "max_retries": 2})
    summarizer._sleep = lambda s: None
    with pytest.raises(ApiRetriesExhausted, match="cannot connect"):
        summarizer.summarize(["x"])


def test_cache_serves_the_second_run(server, monkeypatch, tmp_path) -> None:
    server.script.append(ok(echo_article))
    monkeypatch.setenv("SUMBENCH_TEST_KEY", KEY)
    options = {"base_url": server.base_url, "api_key_env": "SUMBENCH_TEST_KEY",
               "cache_dir": str(tmp_path)}
    first = build_summarizer("openai:tiny-chat", options)
    predictions = first.summarize(ARTICLES)
    assert first.stats.generated == 12 and len(server.requests) == 12
    second = build_summarizer("openai:tiny-chat", options)
    assert second.summarize(ARTICLES) == predictions
    assert second.stats.from_cache == 12 and len(server.requests) == 12
    assert KEY not in (tmp_path / "generations.sqlite3").read_bytes().decode("latin-1")
    sampled = build_summarizer("openai:tiny-chat", {**options, "temperature": 0.8})
    assert not sampled.caching  # sampling without a seed
    seeded = build_summarizer("openai:tiny-chat", {**options, "temperature": 0.8,
                                                   "generation_seed": 1})
    assert seeded.caching


def test_option_checks() -> None:
    with pytest.raises(SummarizerOptionError, match="num-beams does not apply to openai"):
        OpenAiSummarizer("openai:m", {"num_beams": 4})
    with pytest.raises(SummarizerOptionError, match="base-url"):
        OpenAiSummarizer("openai:m", {"base_url": "ftp://x"})
    with pytest.raises(SummarizerOptionError, match="concurrency"):
        OpenAiSummarizer("openai:m", {"concurrency": 0})
    with pytest.raises(SummarizerOptionError, match="user name or password") as caught:
        OpenAiSummarizer("openai:m", {"base_url": "http://user:pw@host:8000/v1"})
    assert "pw" not in str(caught.value)
    with pytest.raises(SummarizerOptionError, match="query"):
        OpenAiSummarizer("openai:m", {"base_url": "http://host:8000/v1?key=sk-1"})
    with pytest.raises(SummarizerOptionError, match="port"):
        OpenAiSummarizer("openai:m", {"base_url": "http://host:99999/v1"})
    settings = OpenAiSummarizer("openai:m", {"base_url": "http://host:8000/v1/"}).settings()
    assert settings["base_url"] == "http://host:8000/v1/"


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("2.5") == 2.5
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    assert 0 <= retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") <= 0.0

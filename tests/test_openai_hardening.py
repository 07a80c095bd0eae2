"""The ``openai:`` client against hostile or broken servers on 127.0.0.1 (issue 11): the key
never follows a redirect to another port, ``--request-timeout`` is a deadline for the
whole request (a drip-fed answer fails at it), broken exchanges are retried then reported
in one line, ``Retry-After`` is capped and the wait shown, keys echoed in part or in
another letter case are masked, and server text reaches the terminal escaped."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from chat_server import ChatServer, RawServer, answer_bytes, drip, ok, redirect, send
from cli_util import one_error_line, sumbench

from sumbench.common.errors import ApiError, ApiRetriesExhausted
from sumbench.summarize.redaction import redact
from sumbench.summarize.openai_api import MAX_RETRY_AFTER_S, OpenAiSummarizer

KEY = "sk-Live-9f8E7d6C5b4A3z2Y1x0W"


@pytest.fixture
def refs(tmp_path: Path) -> Path:
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps({"id": "a", "article": "The council met. It voted.",
                                "highlights": "The council voted."}) + "\n")
    return path


def run_openai(base_url: str, refs: Path, *extra: str):
    return sumbench("run", "--summarizer", "openai:m", "--base-url", base_url,
                    "--references", refs, "--no-cache", *extra,
                    env={"OPENAI_API_KEY": KEY})



def assert_no_key(*texts: str) -> None:
    for text in texts:
        for i in range(len(KEY) - 5):
            assert KEY[i:i + 6].lower() not in text.lower(), (KEY[i:i + 6], text)


# -- the key never leaves base_url's origin ---------------------------------------------
@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_port_never_receives_the_key(refs, code) -> None:
    elsewhere = ChatServer()
    first = RawServer(redirect(f"{elsewhere.base_url}/chat/completions", code))
    try:
        elsewhere.script.append(ok())
        result = run_openai(first.base_url, refs)
        line = one_error_line(result)
        assert f"HTTP {code} redirect to {elsewhere.base_url}/chat/completions not followed" in line
        assert "another origin" in line
        assert elsewhere.requests == [] and elsewhere.auth == []  # never contacted
        assert b"Bearer " + KEY.encode() in first.headers[0]  # the key went only here
        assert first.connections == 1  # a redirect is not retried
        assert_no_key(result.out, result.err)
    finally:
        first.close()
        elsewhere.close()


def test_a_redirect_on_the_same_origin_is_not_followed_either(refs) -> None:
    server = RawServer(redirect("/v2/chat/completions"))
    try:
        line = one_error_line(run_openai(server.base_url, refs))
        assert f"redirect to {server.base_url[:-3]}/v2/chat/completions not followed: a " \
            "redirected POST loses its body" in line
        assert server.connections == 1
    finally:
        server.close()


def test_credentials_in_the_base_url_are_refused_without_being_echoed(refs) -> None:
    result = run_openai("http://me:hunter2secret@127.0.0.1:9/v1", refs)
    line = one_error_line(result)
    assert "--base-url must not hold a user name or password" in line
    assert "hunter2secret" not in result.err + result.out


def test_partly_echoed_and_case_changed_keys_are_masked() -> None:
    assert redact(f"bad key {KEY}", KEY) == "bad key ***"
    assert redact(f"bad key {KEY.upper()}", KEY) == "bad key ***"
    assert redact(f"Incorrect API key: {KEY[:10]}*****{KEY[-4:]}", KEY) == \
        f"Incorrect API key: ***{'*' * 5}{KEY[-4:]}"
    assert redact(f"prefix {KEY[3:20].lower()} suffix", KEY) == "prefix *** suffix"
    assert redact("nothing of it here", KEY) == "nothing of it here"
    assert redact("short abc", "abc") == "short ***"


def test_a_server_echoing_pieces_of_the_key_never_shows_them(refs) -> None:
    server = ChatServer()
    try:
        server.script.append((401, {"error": {"message": f"key {KEY.lower()} / {KEY[2:14]} "
                                                         f"/ {KEY[-9:].upper()} refused"}}, {}, 0))
        result = run_openai(server.base_url, refs)
        line = one_error_line(result)
        assert "HTTP 401" in line and "***" in line
        assert_no_key(result.out, result.err)
    finally:
        server.close()


def test_server_text_reaches_the_terminal_escaped(refs) -> None:
    server = ChatServer()
    try:
        server.script.append((400, {"error": {"message": "bad\x1b[2J\x1b[31mRED\x08X\u202eY"}},
                              {}, 0))
        result = run_openai(server.base_url, refs)
        line = one_error_line(result)
        assert "\x1b" not in result.err and "\x08" not in result.err and "\u202e" not in result.err
        assert "bad\\u001b[2J\\u001b[31mRED\\u0008X\\u202eY" in line
    finally:
        server.close()


# -- a deadline for the whole request ---------------------------------------------------
@pytest.mark.parametrize("head_too", [False, True], ids=["body", "status-line"])
def test_a_drip_fed_answer_fails_at_the_request_timeout(refs, head_too) -> None:
    server = RawServer(drip(answer_bytes("The council voted."), every_s=1.0,
                            head_too=head_too))  # over a minute
    try:
        started = time.monotonic()
        result = run_openai(server.base_url, refs, "--request-timeout", "1",
                            "--max-retries", "0")
        elapsed = time.monotonic() - started
        line = one_error_line(result)
        assert "gave up after 1 attempts; last: no answer within 1 s" in line
        assert server.connections == 1
        assert elapsed < 30  # the drip would take over a minute; 1 s plus start-up
    finally:
        server.close()


# -- broken exchanges are retried like 5xx ----------------------------------------------
BROKEN = {
    "bad status line": send(b"HTTP/1.1 ???\r\n\r\n"),
    "not HTTP": send(b"hello\r\n\r\n"),
    "body cut short": send(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"choices\""),
    "reset": send(b"", reset=True),
    "closed without an answer": send(b""),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_exchange_is_retried_then_succeeds(kind, monkeypatch) -> None:
    good = send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(answer_bytes("All good."))).encode() + b"\r\n\r\n"
                + answer_bytes("All good."))

    def first_broken(connection, server) -> None:
        (BROKEN[kind] if server.connections == 1 else good)(connection, server)

    server = RawServer(first_broken)
    try:
        summarizer = OpenAiSummarizer("openai:m", {"base_url": server.base_url,
                                                   "max_retries": 2, "concurrency": 1})
        delays: list[float] = []
        summarizer._sleep = delays.append
        summarizer.progress = False
        assert summarizer.summarize(["An article."]) == ["All good."]
        assert server.connections == 2 and delays == [0.5]
    finally:
        server.close()


def test_a_broken_exchange_every_time_exits_2_with_one_line(refs) -> None:
    server = RawServer(BROKEN["bad status line"])
    try:
        result = run_openai(server.base_url, refs, "--max-retries", "1")
        line = one_error_line(result)
        assert "gave up after 2 attempts; last: broken answer: BadStatusLine" in line
        assert "retry 1/1 in 0.5 s" in result.err  # the wait is announced
        assert server.connections == 2
    finally:
        server.close()


# -- Retry-After ------------------------------------------------------------------------
def test_retry_after_is_capped_and_the_wait_is_announced(capsys) -> None:
    server = ChatServer()
    try:
        server.script.extend([(429, {"error": {"message": "slow down"}},
                               {"Retry-After": "3600"}, 0), ok()])
        summarizer = OpenAiSummarizer("openai:m", {"base_url": server.base_url,
                                                   "concurrency": 1})
        delays: list[float] = []
        summarizer._sleep = delays.append
        assert summarizer.summarize(["x"]) == ["The council voted.\nBuses will be free."]
        assert delays == [MAX_RETRY_AFTER_S]
        err = capsys.readouterr().err
        assert (f"HTTP 429: slow down; retry 1/5 in {MAX_RETRY_AFTER_S:g} s; the server asked "
                f"3600 s, capped at {MAX_RETRY_AFTER_S:g} s") in err
    finally:
        server.close()


def test_unreadable_retry_after_values_fall_back_to_backoff() -> None:
    from sumbench.summarize.openai_api import retry_after_seconds

    for value in ("inf", "nan", "-5e999", "soon", "Mon, 99 Foo 2024"):
        assert retry_after_seconds(value) in (None, 0.0), value
    assert retry_after_seconds("1e9") == 1e9  # capped by the caller


def test_an_oversized_answer_is_refused(monkeypatch) -> None:
    from sumbench.summarize import transport

    monkeypatch.setattr(transport, "MAX_RESPONSE_BYTES", 100)
    server = ChatServer()
    try:
        server.script.append(ok("word " * 100))
        summarizer = OpenAiSummarizer("openai:m", {"base_url": server.base_url,
                                                   "max_retries": 0})
        summarizer.progress = False
        with pytest.raises(ApiRetriesExhausted, match="larger than 100 bytes"):
            summarizer.summarize(["x"])
    finally:
        server.close()


@pytest.mark.parametrize("location", ["http://127.0.0.1:9/v1/chat/completions", "//evil.test/x",
                                      "http://[::1/x", "https://user:pw@127.0.0.1/x?k=v"])
def test_redirect_error_is_an_api_error_not_retried(location) -> None:
    server = RawServer(redirect(location, 307))
    try:
        summarizer = OpenAiSummarizer("openai:m", {"base_url": server.base_url})
        summarizer._sleep = lambda seconds: None
        with pytest.raises(ApiError, match="HTTP 307 redirect") as caught:
            summarizer.summarize(["x"])
        assert not isinstance(caught.value, ApiRetriesExhausted)
        assert "another origin" in str(caught.value) and "pw" not in str(caught.value)
        assert server.connections == 1
    finally:
        server.close()

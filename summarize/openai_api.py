"""Summaries from an OpenAI-compatible server: ``openai:<model>``.

vLLM, TGI, llama.cpp's server and Ollama all answer ``POST {base_url}/chat/completions``
with the request and response shapes of OpenAI's Chat Completions API
(https://platform.openai.com/docs/api-reference/chat); this is how generation scales past
one machine.  Plain ``urllib`` (no ``openai`` package): at most ``concurrency`` requests in
flight (a thread pool), retries with exponential backoff on 429, 5xx and timeouts
(``Retry-After`` is honoured when longer), and at once a clear error on 401/403/404.
The API key is read from the environment variable named by ``api_key_env`` and never
appears in settings, logs or error messages.

Besides summaries the back-end gives answers to arbitrary prompts
(:mod:`sumbench.summarize.answers`): candidate probabilities from the ``logprobs`` /
``top_logprobs`` fields of the first answer token, and ``n`` sampled completions.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sumbench.summarize.answers import (
    CandidateProbabilities,
    Prompt,
    SampledAnswers,
    check_candidates,
    probabilities_from_top_logprobs,
)
from sumbench.summarize.errors import (
    ApiAuthError,
    ApiError,
    ApiNotFoundError,
    ApiRetriesExhausted,
    NoProbabilitiesError,
    SummarizerOptionError,
    redact,
)
from sumbench.summarize.generation import (
    CLEANUP_VERSION,
    DEFAULT_MAX_NEW_TOKENS,
    DEFAULT_PROMPT_TEMPLATE,
    Generated,
    check_template,
    clean_summary,
    render_prompt,
    requested_generation,
)
from sumbench.summarize.options import CACHE, OPENAI, options_for, resolve_options

PREFIX = "openai:"
CACHE_KEYS = tuple(o.name for o in options_for(CACHE))
SUPPORTED_FIELDS = ("max_new_tokens", "seed", "temperature", "top_p")
RETRY_STATUS = frozenset({408, 429})  # and every 5xx
MAX_BACKOFF_S = 60.0
TOP_LOGPROBS = 20  # the most OpenAI's API returns


def _public_url(url: str) -> str:
    """``url`` without user:password (a key can hide there)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def retry_after_seconds(value: str | None) -> float | None:
    """The delay a ``Retry-After`` header asks for (seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class OpenAiSummarizer:
    """A model behind an OpenAI-compatible server; built as ``OpenAiSummarizer(name, options)``."""

    OPTION_FAMILIES = ("openai", "cache")

    retry_base_s = 0.5  # first backoff; doubles on every retry

    def __init__(self, name: str, options: dict) -> None:
        if not name.startswith(PREFIX) or len(name) == len(PREFIX):
            raise SummarizerOptionError(f"expected openai:<model>, got {name!r}")
        self._name = name
        self.model = name[len(PREFIX):]
        self.options = resolve_options(OPENAI, options, ignore=CACHE_KEYS)
        self.requested = requested_generation(self.options)
        unsupported = sorted(set(self.requested) - set(SUPPORTED_FIELDS))
        if unsupported:
            raise SummarizerOptionError(f"{name}: not supported by the chat completions API: "
                                        f"{', '.join(unsupported)}")
        self.template = check_template(self.options["prompt_template"] or DEFAULT_PROMPT_TEMPLATE)
        base = self.options["base_url"].rstrip("/")
        if urlsplit(base).scheme not in ("http", "https"):
            raise SummarizerOptionError("--base-url must start with http:// or https://")
        self.url = base + "/chat/completions"
        self._key = os.environ.get(self.options["api_key_env"]) or None
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def name(self) -> str:
        return self._name

    def _body(self, article: str) -> dict[str, Any]:
        return self._request_body(render_prompt(self.template, article))

    def _request_body(self, content: str) -> dict[str, Any]:
        """The request for one user message with this summariser's settings."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "user", "content": content}],
            "max_tokens": self.requested.get("max_new_tokens", DEFAULT_MAX_NEW_TOKENS),
            "temperature": self.requested.get("temperature", 0.0),
        }
        for field in ("top_p", "seed"):
            if field in self.requested:
                body[field] = self.requested[field]
        return body

    def cache_identity(self, digest: Any = None) -> dict | None:
        """``None`` when sampling (temperature > 0) without a seed: never cached."""
        body = self._body("")
        if body["temperature"] > 0 and "seed" not in body:
            return None
        body.pop("messages")
        return {"family": OPENAI, "server": _public_url(self.url), "request": body,
                "prompt_template": self.template, "language": self.options["language"],
                "cleanup": CLEANUP_VERSION}

    def settings(self) -> dict:
        body = self._body("")
        body.pop("messages")
        return {"model": self.model, "base_url": _public_url(self.options["base_url"]),
                "api_key_env": self.options["api_key_env"], "request": body,
                "requested": self.requested, "prompt_template": self.template,
                "concurrency": self.options["concurrency"],
                "request_timeout": self.options["request_timeout"],
                "max_retries": self.options["max_retries"], "language": self.options["language"],
                "cleanup": CLEANUP_VERSION}

    # -- one request -------------------------------------------------------------------
    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(),
                                         headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.options["request_timeout"]) as response:
            return json.loads(response.read().decode("utf-8"))

    def _server_message(self, error: urllib.error.HTTPError) -> str:
        try:
            raw = error.read().decode("utf-8", "replace")
        except OSError:
            raw = ""
        try:
            parsed = json.loads(raw)
            message = parsed.get("error", {}).get("message") if isinstance(parsed, dict) else None
            raw = str(message or raw)
        except (json.JSONDecodeError, AttributeError):
            pass
        return redact(" ".join(raw.split())[:300], self._key)

    def _fail(self, status: int, message: str) -> ApiError:
        where = f"{self._name}: {_public_url(self.url)}"
        detail = f": {message}" if message else ""
        if status in (401, 403):
            if self._key:
                hint = f"the server refused the key in ${self.options['api_key_env']}"
            else:
                hint = f"no API key: set ${self.options['api_key_env']} (or --api-key-env)"
            return ApiAuthError(f"{where}: HTTP {status}, {hint}{detail}", status)
        if status == 404:
            return ApiNotFoundError(f"{where}: HTTP 404: unknown model {self.model!r} or wrong "
                                    f"--base-url (it should end in /v1){detail}", status)
        return ApiError(f"{where}: HTTP {status}{detail}", status)

    def complete(self, article: str) -> str:
        """The raw completion for one article, with retries."""
        return self._content(self._request(self._body(article)))

    def _request(self, body: dict[str, Any]) -> dict[str, Any]:
        """The server's answer to ``body``, with retries on 429, 5xx and timeouts."""
        last = ""
        for attempt in range(self.options["max_retries"] + 1):
            delay = min(MAX_BACKOFF_S, self.retry_base_s * 2 ** attempt)
            try:
                return self._post(body)
            except urllib.error.HTTPError as exc:
                message = self._server_message(exc)
                if exc.code not in RETRY_STATUS and exc.code < 500:
                    raise self._fail(exc.code, message) from None
                last = f"HTTP {exc.code}" + (f": {message}" if message else "")
                asked = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
                if asked is not None:
                    delay = min(max(delay, asked), MAX_BACKOFF_S * 5)
            except TimeoutError:
                last = f"no answer within {self.options['request_timeout']:g} s"
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    last = f"no answer within {self.options['request_timeout']:g} s"
                else:
                    last = f"cannot connect: {redact(str(exc.reason), self._key)}"
            except (ConnectionError, json.JSONDecodeError, UnicodeDecodeError) as exc:
                last = redact(f"{type(exc).__name__}: {exc}", self._key)
            if attempt < self.options["max_retries"]:
                self._sleep(delay)
        raise ApiRetriesExhausted(f"{self._name}: {_public_url(self.url)}: gave up after "
                                  f"{self.options['max_retries'] + 1} attempts; last: {last}")

    def _content(self, payload: dict[str, Any]) -> str:
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ApiError(f"{self._name}: {_public_url(self.url)}: the answer has no "
                           "choices[0].message.content") from None
        return str(content or "")

    # -- many requests -----------------------------------------------------------------
    def _concurrently(self, work: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """``(index, work(item))`` as requests finish; at most ``concurrency`` in flight."""
        executor = ThreadPoolExecutor(max_workers=self.options["concurrency"],
                                      thread_name_prefix="sumbench-openai")
        try:
            pending = {executor.submit(work, item): i for i, item in enumerate(items)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending.pop(future)
                    yield index, future.result()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)

    def summarize_iter(self, articles: Sequence[str]) -> Iterator[Generated]:
        """Yield summaries as requests finish; at most ``concurrency`` in flight."""
        language = self.options["language"]
        for index, text in self._concurrently(self.complete, articles):
            yield Generated(index, clean_summary(text, language))

    # -- answers instead of summaries (summarize/answers.py) ---------------------------
    def answer_probabilities(self, prompts: Sequence[Prompt],
                             candidates: Sequence[str]) -> Iterator[CandidateProbabilities]:
        """Yield, per prompt (any order), the candidates' probabilities read from the
        ``top_logprobs`` of the first answer token (one token asked for, temperature 0);
        a candidate outside the server's top list counts 0."""
        candidates = check_candidates(candidates)

        def ask(prompt: Prompt) -> dict[str, float]:
            body = self._request_body(prompt.render())
            body.update(max_tokens=1, temperature=0.0, logprobs=True, top_logprobs=TOP_LOGPROBS)
            return probabilities_from_top_logprobs(self._top_logprobs(self._request(body)),
                                                   candidates)

        for index, probabilities in self._concurrently(ask, prompts):
            yield CandidateProbabilities(index, probabilities)

    def sample_answers(self, prompts: Sequence[Prompt], n: int) -> Iterator[SampledAnswers]:
        """Yield ``n`` completions per prompt (one request with ``n``), raw, with this
        summariser's settings (``--temperature``, ``--generation-seed``...)."""
        if n < 1:
            raise SummarizerOptionError(f"{self._name}: samples per prompt must be >= 1")

        def ask(prompt: Prompt) -> tuple[str, ...]:
            body = self._request_body(prompt.render())
            body["n"] = n
            choices = self._request(body).get("choices")
            texts = tuple(self._content({"choices": [c]}) for c in (choices or []))
            if len(texts) != n:
                raise ApiError(f"{self._name}: {_public_url(self.url)}: asked for n={n} "
                               f"answers, got {len(texts)} (the server may not support n)")
            return texts

        for index, texts in self._concurrently(ask, prompts):
            yield SampledAnswers(index, texts)

    def _top_logprobs(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            entries = payload["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
            checked = [{"token": str(e["token"]), "logprob": float(e["logprob"])} for e in entries]
        except (KeyError, IndexError, TypeError, ValueError):
            checked = []
        if not checked:
            raise NoProbabilitiesError(
                f"{self._name}: {_public_url(self.url)}: the answer has no "
                "choices[0].logprobs.content[0].top_logprobs: the server does not return "
                "token probabilities")
        return checked

    def summarize(self, articles: Sequence[str]) -> list[str]:
        summaries = [""] * len(articles)
        for item in self.summarize_iter(articles):
            summaries[item.index] = item.text
        return summaries

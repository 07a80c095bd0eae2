"""Summaries from an OpenAI-compatible server: ``openai:<model>``.

vLLM, TGI, llama.cpp's server and Ollama all answer ``POST {base_url}/chat/completions``
with the request and response shapes of OpenAI's Chat Completions API
(https://platform.openai.com/docs/api-reference/chat); this is how generation scales past
one machine.  Plain ``urllib`` (no ``openai`` package; the transport is
:mod:`sumbench.summarize.transport`): at most ``concurrency`` requests in flight (a
thread pool); ``request_timeout`` is a deadline for a whole request; retries with
exponential backoff on 408, 429, 5xx, timeouts and broken exchanges (refused or reset
connections, malformed status lines, bodies cut short), ``Retry-After`` honoured when
longer but capped at :data:`MAX_RETRY_AFTER_S`, each wait shown on the progress line (or,
without a terminal, as one line on stderr); at once a clear error on 401/403/404 and on
any redirect.

The API key is read from the environment variable named by ``api_key_env`` and goes
only to ``base_url``'s origin: redirects are never followed (urllib would re-send the
``Authorization`` header to the redirect's host), a ``base_url`` with user-info is
refused, and server text quoted in errors has the key, or any 6-character piece of it
in any letter case, replaced by ``***`` (:func:`~sumbench.summarize.redaction.redact`).
It never appears in settings, logs or error messages; a key holding a control or non-ASCII
character is refused before any request (:func:`check_key`), and a completion that
echoes the key has it masked before the cache, a run folder or the terminal see it
(:func:`~sumbench.summarize.redaction.redact_answer`).  A ``content`` that is not a string
(object, list, number, null) or holds a lone surrogate is a malformed answer: retried,
then reported with the URL.

Besides summaries the back-end gives answers to arbitrary prompts
(:mod:`sumbench.summarize.answers`): candidate probabilities from the ``logprobs`` /
``top_logprobs`` fields of the first answer token, and ``n`` sampled completions.

The checks that need no request (address, key, ``Retry-After``) are
:mod:`sumbench.summarize.openai_checks`; the ``summarize()`` loop and the progress bar
are :mod:`sumbench.summarize.model_base`'s, shared with ``hf:``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any
from urllib.parse import urljoin

from sumbench.common.errors import ServerError

from .answers import (
    CandidateProbabilities,
    Prompt,
    SampledAnswers,
    check_candidates,
    probabilities_from_top_logprobs,
)
from sumbench.common.errors import (
    ApiAuthError, ApiError, ApiNotFoundError, ApiRetriesExhausted, NoProbabilitiesError,
    SummarizerOptionError,
)
from .redaction import redact, redact_answer
from .generation import (
    CLEANUP_VERSION,
    DEFAULT_MAX_NEW_TOKENS,
    DEFAULT_PROMPT_TEMPLATE,
    Generated,
    check_template,
    clean_summary,
    render_prompt,
    requested_generation,
)
from .model_base import ModelSummarizer
from .openai_checks import check_base_url, check_key, origin, public_url, retry_after_seconds
from .options import CACHE, OPENAI, options_for, resolve_options
from .transport import (
    DeadlineExceeded,
    HttpStatus,
    Redirected,
    TransportError,
    post,
)

PREFIX = "openai:"
CACHE_KEYS = tuple(o.name for o in options_for(CACHE))
SUPPORTED_FIELDS = ("max_new_tokens", "seed", "temperature", "top_p")
RETRY_STATUS = frozenset({408, 429})  # and every 5xx
MAX_BACKOFF_S = 60.0
TOP_LOGPROBS = 20  # the most OpenAI's API returns
MAX_RETRY_AFTER_S = 120.0  # the longest wait a server's Retry-After can impose


class MalformedAnswer(ServerError):
    """A 2xx answer without the expected fields (retried like other broken answers)."""


class OpenAiSummarizer(ModelSummarizer):
    """A model behind an OpenAI-compatible server; built as ``OpenAiSummarizer(name, options)``."""

    PREFIX = PREFIX
    OPTION_FAMILIES = ("openai", "cache")

    retry_base_s = 0.5  # first backoff; doubles on every retry

    def __init__(self, name: str, options: dict) -> None:
        super().__init__(name)
        self.model = name[len(PREFIX):]
        self.options = resolve_options(OPENAI, options, ignore=CACHE_KEYS)
        self.requested = requested_generation(self.options)
        unsupported = sorted(set(self.requested) - set(SUPPORTED_FIELDS))
        if unsupported:
            raise SummarizerOptionError(f"{name}: not supported by the chat completions API: "
                                        f"{', '.join(unsupported)}")
        self.template = check_template(self.options["prompt_template"] or DEFAULT_PROMPT_TEMPLATE)
        self.url = check_base_url(self.options["base_url"]) + "/chat/completions"
        self._key = check_key(os.environ.get(self.options["api_key_env"]) or None,
                              self.options["api_key_env"])
        self._sleep: Callable[[float], None] = time.sleep
        self._bar: Any = None

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
        return {"family": OPENAI, "server": public_url(self.url), "request": body,
                "prompt_template": self.template, "language": self.options["language"],
                "cleanup": CLEANUP_VERSION}

    def settings(self) -> dict:
        body = self._body("")
        body.pop("messages")
        return {"model": self.model, "base_url": public_url(self.options["base_url"]),
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
        raw = post(self.url, json.dumps(body).encode(), headers, self.options["request_timeout"])
        return json.loads(raw.decode("utf-8"))

    def _server_message(self, error: HttpStatus) -> str:
        raw = error.body.decode("utf-8", "replace")
        try:
            parsed = json.loads(raw)
            message = parsed.get("error", {}).get("message") if isinstance(parsed, dict) else None
            raw = str(message or raw)
        except (json.JSONDecodeError, AttributeError, RecursionError):
            pass
        return redact(" ".join(raw.split()), self._key)[:300]

    def _fail(self, status: int, message: str) -> ApiError:
        where = f"{self._name}: {public_url(self.url)}"
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

    def _redirected(self, error: Redirected) -> ApiError:
        where = f"{self._name}: {public_url(self.url)}"
        if not error.location:
            target, cross = "(no Location)", False
        else:
            try:
                resolved = urljoin(self.url, error.location)
            except ValueError:
                resolved = "(an unreadable URL)"
            target = redact(public_url(resolved), self._key)
            cross = origin(resolved) != origin(self.url)
        if cross:
            why = ("it leads to another origin, which must not receive the API key; if you "
                   "trust it, pass it as --base-url")
        else:
            why = "a redirected POST loses its body; pass the final address as --base-url"
        return ApiError(f"{where}: HTTP {error.code} redirect to {target} not followed: {why}",
                        error.code)

    def complete(self, article: str) -> str:
        """The raw completion for one article, with retries."""
        return self._request(self._body(article), self._content)

    def _request(self, body: dict[str, Any],
                 read: Callable[[dict[str, Any]], Any] = lambda payload: payload) -> Any:
        """``read`` of the server's answer to ``body``, with retries on 429, 5xx,
        timeouts and malformed answers (``read`` raises :class:`MalformedAnswer`)."""
        last = ""
        retries = self.options["max_retries"]
        for attempt in range(retries + 1):
            delay = min(MAX_BACKOFF_S, self.retry_base_s * 2 ** attempt)
            asked = None
            try:
                return read(self._post(body))
            except HttpStatus as exc:
                message = self._server_message(exc)
                if exc.code not in RETRY_STATUS and exc.code < 500:
                    raise self._fail(exc.code, message) from None
                last = f"HTTP {exc.code}" + (f": {message}" if message else "")
                asked = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
                if asked is not None:
                    delay = max(delay, min(asked, MAX_RETRY_AFTER_S))
            except Redirected as exc:
                raise self._redirected(exc) from None
            except DeadlineExceeded:
                last = (f"no answer within {self.options['request_timeout']:g} s "
                        "(--request-timeout: the deadline of a whole request)")
            except TransportError as exc:
                last = redact(str(exc), self._key)
            except MalformedAnswer as exc:
                last = str(exc)
            except (ValueError, RecursionError) as exc:  # JSON and UTF-8 errors included
                last = f"the answer is not JSON ({type(exc).__name__})"
            if attempt < retries:
                self._announce_wait(last, attempt + 1, retries, delay, asked)
                self._sleep(delay)
        raise ApiRetriesExhausted(f"{self._name}: {public_url(self.url)}: gave up after "
                                  f"{retries + 1} attempts; last: {last}")

    def _announce_wait(self, last: str, retry: int, retries: int, delay: float,
                       asked: float | None) -> None:
        """Show the coming wait on the progress bar, or as a line on stderr without one."""
        capped = (f"; the server asked {asked:g} s, capped at {MAX_RETRY_AFTER_S:g} s"
                  if asked is not None and asked > MAX_RETRY_AFTER_S else "")
        bar = self._bar
        if bar is not None and bar.enabled and bar.terminal:
            bar.note(f"waiting {delay:g} s before retry {retry}/{retries} "
                     f"({last[:40]}{capped})")
        elif self.progress:
            print(f"sumbench: {self._name}: {last}; retry {retry}/{retries} in {delay:g} s"
                  f"{capped}", file=sys.stderr)

    def _content(self, payload: Any, index: int = 0) -> str:
        """``choices[index].message.content``: a string of valid Unicode, with the key
        masked (:func:`~sumbench.summarize.redaction.redact_answer`); anything else is a
        :class:`MalformedAnswer`."""
        field = f"choices[{index}].message.content"
        try:
            content = payload["choices"][index]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise MalformedAnswer(f"the answer has no {field}") from None
        if not isinstance(content, str):
            kind = {dict: "an object", list: "a list", bool: "true/false", type(None): "null",
                    int: "a number", float: "a number"}.get(type(content), "not a string")
            raise MalformedAnswer(f"the answer's {field} is {kind}, not a string")
        try:
            content.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MalformedAnswer(f"the answer's {field} is not valid Unicode (a lone "
                                  f"surrogate at character {exc.start})") from None
        return redact_answer(content, self._key)

    # -- many requests -----------------------------------------------------------------
    def _concurrently(self, work: Callable[[Any], Any], items: Sequence[Any],
                      doing: str = "generating with",
                      unit: str = "examples") -> Iterator[tuple[int, Any]]:
        """``(index, work(item))`` as requests finish; at most ``concurrency`` in flight."""
        executor = ThreadPoolExecutor(max_workers=self.options["concurrency"],
                                      thread_name_prefix="sumbench-openai")
        self._bar = bar = self._progress_bar(len(items), doing, unit)
        succeeded = False
        try:
            pending = {executor.submit(work, item): i for i, item in enumerate(items)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending.pop(future)
                    yield index, future.result()
                    bar.update(1)
            succeeded = True
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
            bar.close(succeeded)
            self._bar = None

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

        for index, probabilities in self._concurrently(ask, prompts, self.answering, "prompts"):
            yield CandidateProbabilities(index, probabilities)

    def sample_answers(self, prompts: Sequence[Prompt], n: int) -> Iterator[SampledAnswers]:
        """Yield ``n`` completions per prompt (one request with ``n``), raw, with this
        summariser's settings (``--temperature``, ``--generation-seed``...)."""
        if n < 1:
            raise SummarizerOptionError(f"{self._name}: samples per prompt must be >= 1")

        def ask(prompt: Prompt) -> tuple[str, ...]:
            body = self._request_body(prompt.render())
            body["n"] = n
            texts = self._request(body, self._contents)
            if len(texts) != n:
                raise ApiError(f"{self._name}: {public_url(self.url)}: asked for n={n} "
                               f"answers, got {len(texts)} (the server may not support n)")
            return texts

        for index, texts in self._concurrently(ask, prompts, self.answering, "prompts"):
            yield SampledAnswers(index, texts)

    def _contents(self, payload: Any) -> tuple[str, ...]:
        """Every ``choices[i].message.content`` of an answer (see :meth:`_content`)."""
        choices = payload.get("choices") if isinstance(payload, dict) else None
        if not isinstance(choices, list):
            raise MalformedAnswer("the answer has no list of choices")
        return tuple(self._content(payload, i) for i in range(len(choices)))

    def _top_logprobs(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            entries = payload["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
            checked = [{"token": str(e["token"]), "logprob": float(e["logprob"])} for e in entries]
        except (KeyError, IndexError, TypeError, ValueError):
            checked = []
        if not checked:
            raise NoProbabilitiesError(
                f"{self._name}: {public_url(self.url)}: the answer has no "
                "choices[0].logprobs.content[0].top_logprobs: the server does not return "
                "token probabilities")
        return checked

"""The judge's calls to its back-end, through the generation cache.

Each call asks the back-end (an ``hf:`` or ``openai:`` summariser, through its answers
capability, :mod:`sumbench.summarize.answers`) about one rubric, one article and one
summary.  The raw answer -- the rating tokens' probabilities, or the sampled texts -- is
stored in the generation cache (:mod:`sumbench.summarize.cache`) under the SHA-256 of
the judge model's identity (weights hash or hub revision, settings), the rubric's hash,
the method and its settings, and the article and summary; each answer is committed as it
arrives.  A re-run reads the same answers back, so it is free and gives the same numbers;
ratings are computed from the raw answers each time (:mod:`.ratings`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Sequence

from .rubrics import Rubric

KEY_VERSION = 1  # bump when the way answers are asked for or stored changes
PROBABILITIES, SAMPLES = "probabilities", "samples"


@dataclass(frozen=True)
class CallStats:
    """Answers asked of the back-end, answers read from the cache, articles cut to fit."""

    asked: int = 0
    from_cache: int = 0
    truncated: int = 0

    def __add__(self, other: "CallStats") -> "CallStats":
        return CallStats(self.asked + other.asked, self.from_cache + other.from_cache,
                         self.truncated + other.truncated)

    def to_dict(self) -> dict[str, int]:
        return {"asked": self.asked, "from_cache": self.from_cache, "truncated": self.truncated}


class JudgeCalls:
    """Raw answers for ``(rubric, article, summary)`` triples; ``cache`` ``None`` = no cache.

    ``method`` is :data:`PROBABILITIES` or :data:`SAMPLES` (``samples`` answers each).
    """

    def __init__(self, backend: Any, method: str, samples: int, cache: Any = None) -> None:
        self.backend = backend
        self.method = method
        self.samples = samples
        self.cache = cache
        self._backend_identity: dict | None = None
        if cache is not None:
            self._backend_identity = backend.cache_identity(cache.file_digest)

    @property
    def caching(self) -> bool:
        return self.cache is not None and self._backend_identity is not None

    def identity(self, rubric: Rubric) -> dict[str, Any]:
        """Everything besides the texts that determines an answer."""
        return {"judge": KEY_VERSION, "backend": self._backend_identity,
                "rubric": {"name": rubric.name, "range": [rubric.low, rubric.high],
                           "sha256": rubric.sha256},
                "method": self.method, "candidates": list(rubric.ratings),
                "samples": self.samples if self.method == SAMPLES else None}

    def answers(self, rubric: Rubric, articles: Sequence[str],
                summaries: Sequence[str]) -> tuple[list[dict], CallStats]:
        """One raw answer per pair, ``{"probabilities": {...}}`` or ``{"texts": [...]}``
        (with ``"truncated"``), in order; the back-end is asked only for the missing ones."""
        from ....summarize.answers import Prompt
        from ....summarize.cache import cache_key, identity_key

        found: list[dict | None] = [None] * len(articles)
        keys: list[str] = []
        if self.caching:
            identity = identity_key(f"judge:{self.backend.name}", self.identity(rubric))
            keys = [cache_key(identity, json.dumps([a, s], ensure_ascii=False))
                    for a, s in zip(articles, summaries)]
            stored = self.cache.get_many(keys)
            for i, key in enumerate(keys):
                if key in stored:
                    found[i] = json.loads(stored[key][0])
        from_cache = sum(a is not None for a in found)
        todo = [i for i, a in enumerate(found) if a is None]
        prompts = [Prompt(rubric.prompt_template(summaries[i]), articles[i]) for i in todo]
        for position, answer in self._ask(prompts, rubric):
            index = todo[position]
            found[index] = answer
            if self.caching:
                self.cache.put(keys[index], f"judge:{self.backend.name}",
                               json.dumps(answer, sort_keys=True),
                               {"truncated": answer["truncated"]})
        complete = [a for a in found if a is not None]
        if len(complete) != len(found):
            raise RuntimeError(f"judge {self.backend.name}: answers missing for "
                               f"{len(found) - len(complete)} examples")
        truncated = sum(bool(a.get("truncated")) for a in complete)
        return complete, CallStats(len(todo), from_cache, truncated)

    def _ask(self, prompts: list, rubric: Rubric):
        if not prompts:
            return
        if self.method == PROBABILITIES:
            for item in self.backend.answer_probabilities(prompts, rubric.ratings):
                yield item.index, {"probabilities": dict(item.probabilities),
                                   "truncated": item.truncated}
        else:
            for item in self.backend.sample_answers(prompts, self.samples):
                yield item.index, {"texts": list(item.texts), "truncated": item.truncated}

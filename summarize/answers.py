"""Asking a model for a short answer instead of a summary: the probability that its
first answer token spells each of a few candidate strings, or several sampled answers.

This is the generic capability behind LLM-as-judge scoring (G-Eval, Liu et al. 2023,
"G-Eval: NLG Evaluation using GPT-4 with Better Human Alignment", weights a rating by the
probabilities of the rating tokens), but nothing here knows about ratings or metrics:
the caller gives prompts and candidate strings and reads probabilities or texts back.

A :class:`Prompt` is a template with an ``{article}`` placeholder plus the article that
fills it, so that a back-end with a tokenizer can cut the article -- never the
instructions around it -- when the prompt is longer than the model's context.  Both
model back-ends implement the two methods:

* ``answer_probabilities(prompts, candidates)`` yields a :class:`CandidateProbabilities`
  per prompt: ``hf:`` from the model's next-token distribution (exact, every token of the
  vocabulary), ``openai:`` from the ``top_logprobs`` of the first generated token (a
  candidate outside the server's top list counts 0);
* ``sample_answers(prompts, n)`` yields :class:`SampledAnswers`: ``n`` raw completions
  per prompt with the back-end's sampling settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from sumbench.common.errors import SummarizerOptionError
from .generation import PLACEHOLDER, render_prompt

# SentencePiece and byte-level BPE spell a leading space as these characters.
_SPACE_MARKS = ("\u2581", "\u0120")


@dataclass(frozen=True)
class Prompt:
    """``template`` (with an ``{article}`` placeholder) filled with ``article``; the
    article is the part a back-end may cut to fit its context."""

    template: str
    article: str

    def __post_init__(self) -> None:
        if PLACEHOLDER not in self.template:
            raise SummarizerOptionError(f"a prompt template must contain {PLACEHOLDER}")

    def render(self) -> str:
        return render_prompt(self.template, self.article)


@dataclass(frozen=True)
class CandidateProbabilities:
    """For prompt ``index``: the probability that the first answer token spells each
    candidate (several tokens may spell one, e.g. ``"4"`` and ``" 4"``: summed), whether
    the article was cut, and the prompt's length in tokens (0 when unknown)."""

    index: int
    probabilities: Mapping[str, float]
    truncated: bool = False
    input_tokens: int = 0


@dataclass(frozen=True)
class SampledAnswers:
    """For prompt ``index``: the sampled completions, raw (no clean-up)."""

    index: int
    texts: tuple[str, ...]
    truncated: bool = False


def check_candidates(candidates: Iterable[str]) -> tuple[str, ...]:
    """The candidates as a tuple: non-empty, without surrounding spaces, distinct."""
    items = tuple(candidates)
    if not items:
        raise SummarizerOptionError("answer candidates: give at least one")
    for item in items:
        if not isinstance(item, str) or not item or item != item.strip():
            raise SummarizerOptionError(f"answer candidates: {item!r} is not a non-empty "
                                        "string without surrounding spaces")
    if len(set(items)) != len(items):
        raise SummarizerOptionError(f"answer candidates: repeated in {list(items)}")
    return items


def candidate_token_ids(tokenizer: Any, candidates: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Candidate -> the vocabulary ids of the single tokens that spell it, with or without
    a leading space (``"4"``, ``" 4"``, ``"▁4"``, ``"Ġ4"``).  A candidate that no single
    token spells, or a token shared by two candidates, is an error."""
    vocab = tokenizer.get_vocab()
    special = set(getattr(tokenizer, "all_special_ids", ()) or ())
    found: dict[str, tuple[int, ...]] = {}
    owner: dict[int, str] = {}
    for candidate in check_candidates(candidates):
        ids: set[int] = set()
        for variant in (candidate, " " + candidate):
            encoded = tokenizer(variant, add_special_tokens=False)["input_ids"]
            if len(encoded) == 1:
                ids.add(int(encoded[0]))
        for mark in ("", *_SPACE_MARKS):
            if mark + candidate in vocab:
                ids.add(int(vocab[mark + candidate]))
        ids -= special
        if not ids:
            raise SummarizerOptionError(f"answer candidate {candidate!r} is not a single token "
                                        "of this model's vocabulary")
        for token in ids:
            if token in owner:
                raise SummarizerOptionError(f"answer candidates {owner[token]!r} and "
                                            f"{candidate!r} share token {token}")
            owner[token] = candidate
        found[candidate] = tuple(sorted(ids))
    return found


def probabilities_from_top_logprobs(entries: Sequence[Mapping[str, Any]],
                                    candidates: Sequence[str]) -> dict[str, float]:
    """Candidate probabilities from an OpenAI-style ``top_logprobs`` list
    (``[{"token": " 4", "logprob": -0.3}, ...]``): each entry whose token, without
    surrounding spaces, equals a candidate adds ``exp(logprob)`` to it."""
    out = {c: 0.0 for c in candidates}
    for entry in entries:
        token = str(entry["token"]).strip()
        if token in out:
            out[token] += math.exp(float(entry["logprob"]))
    return out

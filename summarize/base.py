"""The summariser interface and the registry that finds summarisers by name.

A summariser turns a list of articles into a list of summaries, one sentence per line.
The registry maps a name (or a name prefix such as ``hf:``) to a ``"module:Class"``
string, so listing the summarisers imports nothing heavy; the module is imported only
when that summariser is built (the pattern of lm-evaluation-harness'
``lm_eval/models/__init__.py``).  Adding a summariser is one class plus one line here.
The lookup by pattern, the lazy loading and the unknown-name error are
:class:`sumbench.common.registry.Registry`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

from sumbench.common.errors import UsageError
from sumbench.common.registry import Registry


@runtime_checkable
class Summarizer(Protocol):
    """What the pipeline needs of a summariser."""

    @property
    def name(self) -> str:
        """A stable id, e.g. ``lead-3`` or ``hf:facebook/bart-large-cnn``."""
        ...

    def summarize(self, articles: Sequence[str]) -> list[str]:
        """One summary per article, sentences separated by newlines."""
        ...

    def settings(self) -> dict:
        """Everything that determines the output (recorded in results.json)."""
        ...


# A summariser class says which option families it takes (see summarize/options.py) in
# a class attribute ``OPTION_FAMILIES``; any other option is refused by get_summarizer.


@dataclass(frozen=True)
class RegistryEntry:
    """A registered summariser family: ``pattern`` matches names, ``target`` builds it."""

    pattern: str
    target: str
    description: str
    names: str  # how the names look, e.g. "lead-k" or "textrank, textrank-k"


# name pattern (full match) -> "module:Class".  The class is called as Class(name, options).
REGISTRY: tuple[RegistryEntry, ...] = (
    RegistryEntry(r"lead-\d+", "sumbench.summarize.baselines:LeadK",
                  "the article's first k sentences (lead-3, lead-1, ...)", "lead-k"),
    RegistryEntry(r"hf:.+", "sumbench.summarize.hf:HfSummarizer",
                  "Hugging Face seq2seq or causal LM (hub id, local folder or .gguf)", "hf:facebook/bart-large-cnn"),
    RegistryEntry(r"openai:.+", "sumbench.summarize.openai_api:OpenAiSummarizer",
                  "model behind an OpenAI-compatible server (vLLM, TGI, llama.cpp, Ollama)", "openai:gpt-4o-mini"),
    RegistryEntry(r"random-\d+", "sumbench.summarize.extractive:RandomK",
                  "k article sentences drawn at random (--generation-seed, default 12345)", "random-k"),
    RegistryEntry(r"textrank(-\d+)?", "sumbench.summarize.extractive:TextRank",
                  "TextRank sentence graph, top k (default 3) in article order", "textrank, textrank-k"),
    RegistryEntry(r"lexrank(-\d+)?", "sumbench.summarize.extractive:LexRank",
                  "LexRank tf-idf graph, threshold 0.1, top k (default 3)", "lexrank, lexrank-k"),
)


class UnknownSummarizerError(UsageError, ValueError):
    """No registry entry matches the requested name."""


# one Registry (sumbench/common/registry.py) keyed by the patterns, listed by names
SUMMARIZER_REGISTRY: Registry[type] = Registry(
    "summarizer", {e.pattern: e.target for e in REGISTRY}, patterns=True,
    error=UnknownSummarizerError, labels={e.pattern: e.names for e in REGISTRY})
_ENTRIES = {e.pattern: e for e in REGISTRY}


def available_summarizers() -> list[RegistryEntry]:
    """The registered summariser families, without importing any of them."""
    return list(REGISTRY)


def find_entry(name: str) -> RegistryEntry:
    """The registry entry whose pattern matches ``name``."""
    return _ENTRIES[SUMMARIZER_REGISTRY.key(name)]


def get_summarizer(name: str, options: dict | None = None) -> Summarizer:
    """Build the summariser called ``name`` with family-specific ``options``.

    An option that the summariser's ``OPTION_FAMILIES`` do not take is a
    :class:`~sumbench.common.errors.SummarizerOptionError` naming the option and its
    owners (``--num-beams`` given to ``lead-3``), never silently ignored.
    """
    from .options import check_applicable

    cls = SUMMARIZER_REGISTRY.get(name)
    options = dict(options or {})
    check_applicable(name, tuple(getattr(cls, "OPTION_FAMILIES", ())), options)
    return cls(name, options)

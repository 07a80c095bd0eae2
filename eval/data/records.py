"""The one record type of a reference set: :class:`Example`.

An example is an article with one or more human-written reference summaries, each a
tuple of sentences (CNN/DailyMail's bullet points).  Readers in :mod:`sumbench.eval.data` build
them; summarisers read ``article``; scorers read ``references``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Example:
    """One article with its reference summaries.

    ``references`` holds at least one reference; each reference is a tuple of sentences.
    """

    id: str
    article: str
    references: tuple[tuple[str, ...], ...]
    title: str | None = None
    source: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    language: str | None = None

    @property
    def reference(self) -> tuple[str, ...]:
        """The first (usually the only) reference, as a tuple of sentences."""
        return self.references[0]

    def reference_texts(self) -> list[str]:
        """Each reference as one text with one sentence per line (what ROUGE-Lsum needs)."""
        return ["\n".join(ref) for ref in self.references]

"""What the model summarisers (``hf:``, ``openai:``) share: the name they were built
with, the ``progress`` switch and the progress bar, and ``summarize()`` as the loop over
their ``summarize_iter()`` (the generation cache calls ``summarize_iter`` directly, to
commit each summary as soon as it exists).

Progress is sumbench's own line (:class:`sumbench.common.progress.Progress`): redrawn on a
terminal, a few plain lines in a log; ``progress = False`` turns it off.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from sumbench.common.errors import SummarizerOptionError
from sumbench.common.progress import Progress
from .generation import Generated


class ModelSummarizer:
    """The base of the model summarisers; a subclass sets :attr:`PREFIX` and yields
    :class:`~sumbench.summarize.generation.Generated` from :meth:`summarize_iter`."""

    PREFIX: ClassVar[str]

    def __init__(self, name: str) -> None:
        if not name.startswith(self.PREFIX) or len(name) == len(self.PREFIX):
            raise SummarizerOptionError(f"expected {self.PREFIX}<model>, got {name!r}")
        self._name = name
        self.progress = True
        # what the progress line says while answering prompts (a judge: "judging with")
        self.answering = "answering with"

    @property
    def name(self) -> str:
        return self._name

    def summarize_iter(self, articles: Sequence[str]) -> Iterator[Generated]:
        """One :class:`Generated` per article, in any order."""
        raise NotImplementedError

    def summarize(self, articles: Sequence[str]) -> list[str]:
        """One summary per article, in the articles' order."""
        summaries = [""] * len(articles)
        for item in self.summarize_iter(articles):
            summaries[item.index] = item.text
        return summaries

    def _progress_bar(self, total: int, doing: str = "generating with",
                      unit: str = "examples") -> Progress:
        """The progress line over ``total`` items (silent when progress is off or there is
        nothing to do); use it as a context manager."""
        return Progress(f"{doing} {self._name}", total, unit, enabled=self.progress)

"""What the model summarisers (``hf:``, ``openai:``) share: the name they were built
with, the ``progress`` switch and the progress bar, and ``summarize()`` as the loop over
their ``summarize_iter()`` (the generation cache calls ``summarize_iter`` directly, to
commit each summary as soon as it exists).

The progress bar is tqdm's (``tqdm.auto``), on :func:`sumbench.common.terminal.progress_stream`
and with ``disable=None``: no bar when stderr is not a terminal, so CI logs stay clean.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from sumbench.common.errors import SummarizerOptionError
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

    def _progress_bar(self, total: int) -> Any:
        """A bar over ``total`` examples, or ``None`` (progress off, or nothing to do)."""
        if not self.progress or total == 0:
            return None
        from tqdm.auto import tqdm

        from sumbench.common.terminal import progress_stream

        return tqdm(total=total, unit="ex", desc=self._name, file=progress_stream(),
                    disable=None, dynamic_ncols=True)

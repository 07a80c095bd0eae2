"""Extractive baselines that need no model: Lead-k.

Lead-3 (the article's first three sentences) is the standard CNN/DailyMail baseline
(See et al. 2017, "Get To The Point", report 40.34/17.70/36.57 with ROUGE-1.5.5).
"""

from __future__ import annotations

import re
from typing import Sequence

from sumbench.common.sentences import check_language, split_sentences

from sumbench.common.errors import SummarizerOptionError


class LeadK:
    """The first ``k`` sentences of the article, one per line (``lead-3``, ``lead-1``...)."""

    OPTION_FAMILIES = ("extractive",)

    def __init__(self, name: str, options: dict) -> None:
        match = re.fullmatch(r"lead-(\d+)", name)
        if not match or int(match.group(1)) < 1:
            raise SummarizerOptionError(f"lead-k needs k >= 1, got {name!r}")
        self.k = int(match.group(1))
        self._name = name
        try:
            self.language = check_language(options.get("language", "en"))
        except ValueError as exc:
            raise SummarizerOptionError(str(exc)) from None

    @property
    def name(self) -> str:
        return self._name

    def settings(self) -> dict:
        return {"k": self.k, "sentence_splitter": "sentencex", "language": self.language}

    def summarize(self, articles: Sequence[str]) -> list[str]:
        return ["\n".join(split_sentences(a, self.language)[: self.k]) for a in articles]

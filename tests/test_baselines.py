"""Lead-k and the offline sentence splitter (issue 2)."""

from __future__ import annotations

import pytest

from sumbench.summarize import available_summarizers, get_summarizer
from sumbench.summarize.base import UnknownSummarizerError
from sumbench.common.sentences import split_sentences

ARTICLE = ("Dr. Smith arrived in the U.S. on Jan. 5 at 3 p.m. local time. She met the mayor.\n\n"
           "The talks lasted 2.5 hours! Were they useful? Officials said yes. A fifth sentence.")


def test_split_sentences_handles_abbreviations_and_paragraphs() -> None:
    assert split_sentences(ARTICLE) == [
        "Dr. Smith arrived in the U.S. on Jan. 5 at 3 p.m. local time.",
        "She met the mayor.",
        "The talks lasted 2.5 hours!",
        "Were they useful?",
        "Officials said yes.",
        "A fifth sentence.",
    ]


def test_dateline_with_abbreviation_stays_in_the_first_sentence() -> None:
    text = "SALEM, Ore. \u2014 The council met on Monday. It voted to close the bridge."
    assert split_sentences(text) == ["SALEM, Ore. \u2014 The council met on Monday.",
                                     "It voted to close the bridge."]


def test_split_sentences_normalises_whitespace_and_drops_empty() -> None:
    assert split_sentences("  One   two,\n three.  \n\n\n  ") == ["One two, three."]
    assert split_sentences("") == []


def test_lead_k_takes_first_sentences_one_per_line() -> None:
    lead3 = get_summarizer("lead-3")
    assert lead3.name == "lead-3"
    [summary] = lead3.summarize([ARTICLE])
    assert summary.split("\n") == split_sentences(ARTICLE)[:3]
    [short] = get_summarizer("lead-10").summarize(["Only one sentence here."])
    assert short == "Only one sentence here."
    assert get_summarizer("lead-1").settings()["k"] == 1


def test_registry_lookup() -> None:
    assert any(e.names == "lead-k" for e in available_summarizers())
    with pytest.raises(UnknownSummarizerError):
        get_summarizer("lead-three")
    with pytest.raises(ValueError):
        get_summarizer("lead-0")

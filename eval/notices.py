"""Warnings about inputs on which ROUGE silently misleads, found before scoring.

Each :class:`Notice` names the affected example ids; the CLI prints them on stderr and
``results.json`` keeps them.  Checks: empty predictions (scored 0), multi-sentence texts
with no newline (their ROUGE-Lsum equals ROUGE-L), and texts whose words the default
ASCII tokenizer splits or throws away (accented, Cyrillic, CJK... text scores too low).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from sumbench.eval.metrics.rouge.lsum import unsplit_multi_sentence

DAMAGED_WORDS_THRESHOLD = 0.05
_WORD = re.compile(r"[^\W\d_]+")
MAX_IDS_SHOWN = 5


@dataclass(frozen=True)
class Notice:
    """One warning: a stable ``code``, a readable ``message`` and the example ids."""

    code: str
    message: str
    ids: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "ids": list(self.ids)}


def _ids_text(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:MAX_IDS_SHOWN])
    return shown + (f" (+{len(ids) - MAX_IDS_SHOWN} more)" if len(ids) > MAX_IDS_SHOWN else "")


def damaged_word_fraction(text: str) -> float:
    """Share of the words of ``text`` that an ASCII-only tokenizer splits or drops.

    A word (a run of letters of any script) with a letter outside ``a-z`` loses that
    letter: "Bäckerei" becomes "b" + "ckerei", "Москва" disappears.
    """
    words = _WORD.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if not w.isascii()) / len(words)


def empty_predictions(ids: Sequence[str], predictions: Sequence[str]) -> Notice | None:
    """Predictions with no text at all: they score 0 and are counted."""
    empty = [i for i, p in zip(ids, predictions) if not p.strip()]
    if not empty:
        return None
    return Notice("empty-prediction",
                  f"{len(empty)} empty prediction(s) scored 0: {_ids_text(empty)}", tuple(empty))


def lsum_without_newlines(ids: Sequence[str], predictions: Sequence[str],
                          references: Sequence[Sequence[str]]) -> Notice | None:
    """Texts reaching ROUGE-Lsum as one line although they hold several sentences."""
    flagged_predictions = set(unsplit_multi_sentence(predictions))
    flagged_references = {i for i, refs in enumerate(references)
                          if unsplit_multi_sentence(list(refs))}
    flagged = sorted(flagged_predictions | flagged_references)
    if not flagged:
        return None
    which = [w for w, s in (("predictions", flagged_predictions),
                            ("references", flagged_references)) if s]
    bad = [ids[i] for i in flagged]
    return Notice(
        "lsum-no-newline",
        f"{len(bad)} example(s) have {' and '.join(which)} with several sentences but no "
        f"newline, so their rougeLsum equals rougeL: {_ids_text(bad)}; put one sentence per "
        "line or pass --lsum-split auto", tuple(bad))


def letters_dropped(ids: Sequence[str], predictions: Sequence[str],
                    references: Sequence[Sequence[str]], tokenizer: str) -> Notice | None:
    """Examples whose text the default (or ROUGE-1.5.5's) tokenizer mostly throws away."""
    if tokenizer not in ("default", "rouge155"):
        return None
    bad = []
    worst = 0.0
    for example_id, prediction, refs in zip(ids, predictions, references):
        share = max(damaged_word_fraction(t) for t in (prediction, *refs))
        if share > DAMAGED_WORDS_THRESHOLD:
            bad.append(example_id)
            worst = max(worst, share)
    if not bad:
        return None
    remedy = ("ROUGE-1.5.5 has no tokenizer for other scripts; score with --rouge-impl "
              "rouge-score --tokenizer unicode" if tokenizer == "rouge155"
              else "pass --tokenizer unicode")
    return Notice(
        "non-ascii-dropped",
        f"the {tokenizer} tokenizer keeps only ASCII letters and digits: it splits or drops "
        f"up to {worst:.0%} of the words in {len(bad)} example(s): {_ids_text(bad)}; their "
        f"scores are too low for that reason; {remedy}", tuple(bad))


def collect_notices(ids: Sequence[str], predictions: Sequence[str],
                    references: Sequence[Sequence[str]], tokenizer: str,
                    lsum_checked: bool) -> list[Notice]:
    """All notices that apply, in a fixed order."""
    found = [empty_predictions(ids, predictions),
             lsum_without_newlines(ids, predictions, references) if lsum_checked else None,
             letters_dropped(ids, predictions, references, tokenizer)]
    return [n for n in found if n is not None]

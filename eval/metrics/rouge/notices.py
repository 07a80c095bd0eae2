"""ROUGE's own warnings: texts that reach ROUGE-Lsum (or ROUGE-1.5.5's summary-level
ROUGE-L) as one line although they hold several sentences, and texts whose words the
ASCII-only tokenizers (rouge-score's default, ROUGE-1.5.5's) split or throw away."""

from __future__ import annotations

import re
from typing import Sequence

from sumbench.eval.metrics.rouge.lsum import unsplit_multi_sentence
from sumbench.eval.notices import Notice, ids_text

DAMAGED_WORDS_THRESHOLD = 0.05
_WORD = re.compile(r"[^\W\d_]+")


def damaged_word_fraction(text: str) -> float:
    """Share of the words of ``text`` that an ASCII-only tokenizer splits or drops.

    A word (a run of letters of any script) with a letter outside ``a-z`` loses that
    letter: "Bäckerei" becomes "b" + "ckerei", "Москва" disappears.
    """
    words = _WORD.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if not w.isascii()) / len(words)


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
        f"newline, so their rougeLsum equals rougeL: {ids_text(bad)}; put one sentence per "
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
        f"up to {worst:.0%} of the words in {len(bad)} example(s): {ids_text(bad)}; their "
        f"scores are too low for that reason; {remedy}", tuple(bad))


def rouge_notices(ids: Sequence[str], predictions: Sequence[str],
                  references: Sequence[Sequence[str]], tokenizer: str,
                  lsum_checked: bool) -> list[Notice]:
    """The ROUGE notices that apply, in a fixed order."""
    found = [lsum_without_newlines(ids, predictions, references) if lsum_checked else None,
             letters_dropped(ids, predictions, references, tokenizer)]
    return [n for n in found if n is not None]

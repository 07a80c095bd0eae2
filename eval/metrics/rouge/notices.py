"""ROUGE's own warnings: texts that reach ROUGE-Lsum (or ROUGE-1.5.5's summary-level
ROUGE-L) as one line although they hold several sentences (said per side: only where
both sides are one line does rougeLsum equal rougeL), texts whose words the ASCII-only
tokenizers (rouge-score's default, ROUGE-1.5.5's) split or throw away, and texts of which
the tokenizer keeps no token at all (emoji or punctuation only), which score 0.

Both ROUGE metrics call :func:`rouge_notices`; ``tokenizer`` is ``default`` or ``unicode``
for ``rouge`` (``multilingual:CODE`` with ``--rouge-language``) and ``rouge155`` for the
ROUGE-1.5.5 metric, whose summary-level ROUGE-L the Lsum warning then names.  The
non-ASCII notice names the script of the letters thrown away (the first word of their
Unicode character names: CYRILLIC, CJK, THAI ...) and the ``--rouge-language`` codes
that score it as XL-Sum does."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Callable, Sequence

from .lsum import unsplit_multi_sentence
from ...notices import Notice, examples_text

DAMAGED_WORDS_THRESHOLD = 0.05
_WORD = re.compile(r"[^\W\d_]+")
_ROUGE155_TOKEN = re.compile(r"[a-z0-9]")
_NON_ASCII_LETTER = re.compile(r"[^\x00-\x7f\W\d_]")  # a letter of _WORD outside ASCII
# UTF-8 bytes with the ASCII letters kept and everything else a space.
_ASCII_LETTERS_ONLY = bytes(b if chr(b).isascii() and chr(b).isalpha() else 0x20
                            for b in range(256))


def damaged_word_fraction(text: str) -> float:
    """Share of the words of ``text`` that an ASCII-only tokenizer splits or drops.

    A word (a run of letters of any script) with a letter outside ``a-z`` loses that
    letter: "Bäckerei" becomes "b" + "ckerei", "Москва" disappears.
    """
    if text.isascii():  # the common case, in C: nothing to lose
        return 0.0
    words = _WORD.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if not w.isascii()) / len(words)


def may_be_damaged(text: str, threshold: float = DAMAGED_WORDS_THRESHOLD) -> bool:
    """False only where :func:`damaged_word_fraction` is surely at most ``threshold``,
    from counts taken in C rather than a word-by-word scan.

    With ``n`` letters outside ASCII, ``r`` runs of ASCII letters and ``d`` damaged words
    (``d <= n``, as each holds such a letter): each undamaged word is one run, and the
    damaged words hold at most ``n + d`` runs (a word of ``k`` such letters at most
    ``k + 1``), so there are at least ``r - n - d`` undamaged words, at least ``r - n``
    words in all, and the share ``d / words`` is at most ``n / (r - n)``.  Most texts stop
    at the first test: curly quotes and dashes make a text non-ASCII without holding a
    letter of another script.
    """
    if text.isascii() or not _NON_ASCII_LETTER.search(text):
        return False
    letters = len(_NON_ASCII_LETTER.findall(text))
    runs = len(text.encode("utf-8").translate(_ASCII_LETTERS_ONLY).split())
    return letters > threshold * (runs - letters)


# a script (first word of a letter's Unicode name) -> --rouge-language codes that fit it
SCRIPT_LANGUAGES = {
    "CJK": "zh or ja", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "THAI": "th",
    "MYANMAR": "my", "CYRILLIC": "ru, uk, sr or ky", "ARABIC": "ar, fa, ur or ps",
    "DEVANAGARI": "hi, mr or ne", "BENGALI": "bn", "GURMUKHI": "pa", "GUJARATI": "gu",
    "TAMIL": "ta", "TELUGU": "te", "SINHALA": "si", "ETHIOPIC": "am or ti",
    "GREEK": None, "HEBREW": None, "LATIN": "your language's code (de, fr, tr, vi ...)",
}
_SCRIPT_SAMPLE = (100, 500)  # letters looked at per text, texts looked at


def scripts_of(texts: Sequence[str]) -> list[str]:
    """The scripts of the letters outside ASCII of ``texts`` (a sample of them), most
    frequent first: the first word of their Unicode names, e.g. ``CYRILLIC``."""
    counts: Counter[str] = Counter()
    per_text, most_texts = _SCRIPT_SAMPLE
    for text in texts[:most_texts]:
        for letter in _NON_ASCII_LETTER.findall(text)[:per_text]:
            counts[unicodedata.name(letter, "UNKNOWN").split()[0]] += 1
    return [script for script, _ in counts.most_common()] or ["UNKNOWN"]


def _one_line(text: str) -> bool:
    return "\n" not in text.strip()


def lsum_without_newlines(ids: Sequence[str], predictions: Sequence[str],
                          references: Sequence[Sequence[str]],
                          tokenizer: str = "default", total: int | None = None) -> Notice | None:
    """Texts reaching ROUGE-Lsum (rouge155: summary-level ROUGE-L) as one line although
    they hold several sentences, said per side.  rougeLsum equals rougeL only where every
    text of the example is one line; a one-line side alone still changes rougeLsum (its
    sentences are one LCS unit), without making it rougeL."""
    flagged_predictions = set(unsplit_multi_sentence(predictions))
    flagged_references = {i for i, refs in enumerate(references)
                          if unsplit_multi_sentence(list(refs))}
    flagged = sorted(flagged_predictions | flagged_references)
    if not flagged:
        return None
    total = len(ids) if total is None else total

    def clause(text: str, members: Sequence[int]) -> str:
        return f"{text} in {examples_text([ids[i] for i in sorted(members)], total)}"

    clauses = []
    if tokenizer == "rouge155":
        measure = "ROUGE-1.5.5's summary-level ROUGE-L"
        for side, members in (("predictions", flagged_predictions),
                              ("references", flagged_references)):
            if members:
                clauses.append(clause(f"the {side} lack newlines (summary-level ROUGE-L "
                                      "reads each as one sentence)", members))
    else:
        measure = "rougeLsum"
        equal = [i for i in flagged
                 if _one_line(predictions[i]) and all(_one_line(r) for r in references[i])]
        rest = set(flagged) - set(equal)
        if equal:
            clauses.append(clause("predictions and references both lack newlines (their "
                                  "rougeLsum equals rougeL)", equal))
        if flagged_predictions & rest:
            clauses.append(clause("only the predictions lack newlines (rougeLsum reads each "
                                  "as one sentence)", flagged_predictions & rest))
        if flagged_references & rest:
            clauses.append(clause("only the references lack newlines (rougeLsum is computed "
                                  "on one-line references, which does not make it rougeL)",
                                  flagged_references & rest))
    bad = [ids[i] for i in flagged]
    return Notice("lsum-no-newline",
                  f"{measure} needs one sentence per line and texts with several sentences have "
                  "no newline: " + "; ".join(clauses)
                  + "; put one sentence per line or pass --lsum-split auto", tuple(bad))


def letters_dropped(ids: Sequence[str], predictions: Sequence[str],
                    references: Sequence[Sequence[str]], tokenizer: str,
                    total: int | None = None) -> Notice | None:
    """Examples whose text the default (or ROUGE-1.5.5's) tokenizer mostly throws away."""
    if tokenizer not in ("default", "rouge155"):
        return None
    bad = []
    damaged: list[str] = []
    worst = 0.0
    for example_id, prediction, refs in zip(ids, predictions, references):
        share = max(damaged_word_fraction(t) if may_be_damaged(t) else 0.0
                    for t in (prediction, *refs))
        if share > DAMAGED_WORDS_THRESHOLD:
            bad.append(example_id)
            damaged.append(prediction)
            worst = max(worst, share)
    if not bad:
        return None
    scripts = scripts_of(damaged)
    script = ", ".join(scripts[:3]) + (" ..." if len(scripts) > 3 else "")
    codes = (SCRIPT_LANGUAGES.get(scripts[0]) if len(scripts) == 1 else
             "CODE, or --language-field NAME for examples in several languages")
    scorer = (f"--metrics rouge --rouge-language {codes} (XL-Sum's multilingual ROUGE)"
              if codes else "--metrics rouge --tokenizer unicode")
    remedy = (f"ROUGE-1.5.5 has no tokenizer for other scripts; score with {scorer}"
              if tokenizer == "rouge155" else
              f"pass --rouge-language {codes} (XL-Sum's multilingual ROUGE) or --tokenizer "
              "unicode" if codes else "pass --tokenizer unicode")
    return Notice(
        "non-ascii-dropped",
        f"the {tokenizer} tokenizer keeps only ASCII letters and digits: it splits or drops "
        f"up to {worst:.0%} of the words ({script.lower()} script"
        f"{'s' if len(scripts) > 1 else ''}) in "
        f"{examples_text(bad, len(ids) if total is None else total)}; their "
        f"scores are too low for that reason; {remedy}", tuple(bad))


def _token_finder(tokenizer: str) -> Callable[[str], bool]:
    """A test of whether ``tokenizer`` keeps at least one token of a text."""
    if tokenizer == "rouge155":  # the script's bytes, lower-cased, runs of a-z0-9
        return lambda text: bool(_ROUGE155_TOKEN.search(
            text.encode("utf-8").decode("latin-1").lower()))
    if tokenizer.startswith("multilingual:"):
        from .multilingual import pipeline

        tokenize = pipeline(tokenizer.partition(":")[2], False).tokenize
        return lambda text: bool(tokenize(text))
    from .tokenizers import get_tokenizer

    tokenize = get_tokenizer(tokenizer, False).tokenize
    return lambda text: bool(tokenize(text))


def no_tokens(ids: Sequence[str], predictions: Sequence[str],
              references: Sequence[Sequence[str]], tokenizer: str,
              total: int | None = None,
              languages: Sequence[str] | None = None) -> Notice | None:
    """Texts that are not empty but of which the tokenizer keeps nothing (emoji only,
    punctuation only): they score 0.  Texts with letters of other scripts are left to
    :func:`letters_dropped`, which names them already.  ``languages``: each example's
    multilingual ROUGE language (examples scored in their own languages)."""
    if languages is None:
        finder = _token_finder(tokenizer)
        finders = [finder] * len(ids)
    else:
        by_code = {code: _token_finder(f"multilingual:{code}") for code in set(languages)}
        finders = [by_code[code] for code in languages]

    def tokenless(i: int, text: str) -> bool:
        return bool(text.strip()) and not _WORD.search(text) and not finders[i](text)

    sides = {"predictions": [i for i, p in enumerate(predictions) if tokenless(i, p)],
             "references": [i for i, refs in enumerate(references)
                            if any(tokenless(i, r) for r in refs)]}
    flagged = sorted(set(sides["predictions"]) | set(sides["references"]))
    if not flagged:
        return None
    which = " and ".join(side for side, members in sides.items() if members)
    bad = [ids[i] for i in flagged]
    return Notice(
        "no-tokens",
        f"the {tokenizer} tokenizer keeps no token at all of some {which} (emoji, symbols or "
        f"punctuation only) in {examples_text(bad, len(ids) if total is None else total)}; "
        "they score 0 for that reason",
        tuple(bad))


def rouge_notices(ids: Sequence[str], predictions: Sequence[str],
                  references: Sequence[Sequence[str]], tokenizer: str,
                  lsum_checked: bool, total: int | None = None,
                  languages: Sequence[str] | None = None) -> list[Notice]:
    """The ROUGE notices that apply, in a fixed order.  ``total`` is the number of
    examples scored when ``ids`` are only some of them (the ones a chunk flagged, when
    a streamed run computes its notices again); every notice depends on each example
    alone, so the result is the one the whole set gives."""
    found = [lsum_without_newlines(ids, predictions, references, tokenizer, total)
             if lsum_checked else None,
             letters_dropped(ids, predictions, references, tokenizer, total),
             no_tokens(ids, predictions, references, tokenizer, total, languages)]
    return [n for n in found if n is not None]

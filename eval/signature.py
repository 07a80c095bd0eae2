"""Signatures: the line printed beside every number, in the spirit of sacrebleu's
(``sacrebleu/metrics/base.py``): the metric and every setting that can change its
numbers, in one string that a reader can paste into a paper and another user can
reproduce from.

Each metric signs its own numbers, e.g.
``metric:rouge|impl:rouge-score-0.1.2|tok:default|stem:porter|lsum:newline|refs:max|bs:1000|seed:12345|ci:95|sumbench:0.2.0``.

Fields are of two kinds.  Most can change a per-example number (the engine and its
version, tokenizer, stemmer, sentence split, multi-reference rule, flags...): runs that
differ there are not comparable, and ``compare``/``check`` refuse them unless forced.
The others (:data:`NOTE_FIELDS`) cannot: sumbench's own version (the engine's version is
a field of its own) and the interval settings (``bs``, ``seed``, ``ci``), which change a
run's own intervals but never the per-example values that paired tests compare.  Those
differences are shown as notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

NOTE_FIELDS = frozenset({"sumbench", "bs", "seed", "ci"})

# key in the string -> meaning (README and --help show this table)
FIELD_HELP = {
    "metric": "the metric (see 'sumbench list')",
    "impl": "the engine whose numbers these are, with its version",
    "tok": "tokenizer (default = rouge-score's ASCII tokenizer; unicode = any script)",
    "stem": "stemmer (porter = rouge-score's Porter stemmer on tokens longer than 3; none; "
            "with --rouge-language: the language's stemmer and the versions of its packages)",
    "lang": "multilingual ROUGE's language code(s) (--rouge-language, --language-field)",
    "seg": "multilingual ROUGE's word segmenter(s) with the versions of their packages "
           "(fugashi with unidic-lite: the full UniDic dictionary gives other tokens)",
    "pretok": "multilingual ROUGE's fallback pre-tokeniser (OpenNMT aggressive) and version",
    "lsum": "how texts were split into sentences for ROUGE-Lsum (newline, auto, none)",
    "refs": "multi-reference rule (max = best F per type, as score_multi; mean)",
    "flags": "ROUGE-1.5.5 options (rouge155 only) and its WordNet exception table (exc)",
    "bs": "bootstrap resamples for the confidence intervals",
    "seed": "bootstrap seed (perl-srand: rouge155 reproduces the Perl script's own resampling)",
    "ci": "confidence level of the intervals, in percent",
    "sumbench": "sumbench version (a note only: the engine's version is in impl)",
}


def epilog() -> str:
    """The signature fields explained, for ``--help``."""
    return "signature fields: " + "; ".join(f"{k} = {v}" for k, v in FIELD_HELP.items())


@lru_cache(maxsize=None)
def package_version(name: str) -> str:
    """The installed version of a distribution (``unknown`` when it is not installed)."""
    from importlib import metadata  # 40 ms to import: only when a signature is made

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Signature:
    """A metric's name and its ordered ``(key, value)`` fields; ``str()`` gives the line."""

    metric: str
    fields: tuple[tuple[str, str], ...]

    @classmethod
    def build(cls, metric: str, fields: Iterable[tuple[str, str]],
              version: str | None = None) -> "Signature":
        """A signature with sumbench's version appended (``version`` overrides it)."""
        if version is None:
            from sumbench import __version__ as version
        items = [(k, str(v)) for k, v in fields if k != "sumbench"]
        return cls(metric, tuple(items) + (("sumbench", version),))

    def as_dict(self) -> dict[str, str]:
        """``{"metric": ..., key: value, ...}`` in signature order."""
        return {"metric": self.metric, **dict(self.fields)}

    def get(self, key: str, default: str | None = None) -> str | None:
        return dict(self.fields).get(key, default)

    @property
    def confidence(self) -> float | None:
        """The confidence level of the metric's intervals (0..1), when it has one."""
        ci = self.get("ci")
        return float(ci) / 100 if ci is not None else None

    def __str__(self) -> str:
        return "|".join(f"{k}:{v}" for k, v in self.as_dict().items())

    def differences(self, other: "Signature") -> dict[str, tuple[str, str]]:
        """Fields whose values differ: ``key -> (self, other)`` (``(none)`` if absent)."""
        mine, theirs = self.as_dict(), other.as_dict()
        return {k: (mine.get(k, "(none)"), theirs.get(k, "(none)"))
                for k in dict.fromkeys([*mine, *theirs]) if mine.get(k) != theirs.get(k)}

    def blocking_differences(self, other: "Signature") -> dict[str, tuple[str, str]]:
        """Differences in fields that can change a per-example number."""
        return {k: v for k, v in self.differences(other).items() if k not in NOTE_FIELDS}

    def note_differences(self, other: "Signature") -> dict[str, tuple[str, str]]:
        """Differences that cannot (sumbench's version, interval settings)."""
        return {k: v for k, v in self.differences(other).items() if k in NOTE_FIELDS}

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """Inverse of ``str()``; raises ``ValueError`` on a malformed line."""
        if not isinstance(text, str) or not text:
            raise ValueError("a signature is a non-empty string")
        parts = []
        for part in text.split("|"):
            key, sep, value = part.partition(":")
            if not sep or not key:
                raise ValueError(f"malformed signature field {part!r}")
            parts.append((key, value))
        if parts[0][0] != "metric":
            raise ValueError("a signature starts with 'metric:'")
        return cls(parts[0][1], tuple(parts[1:]))

"""The signature printed beside every number, in the spirit of sacrebleu's
(``sacrebleu/metrics/base.py``): every setting that can change a ROUGE score, in one
string that a reader can paste into a paper and another user can reproduce from.

Example: ``sumbench:0.1.0|impl:rouge-score-0.1.2|tok:default|stem:porter|lsum:newline|
refs:max|bs:1000|seed:12345|ci:95``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from sumbench.eval import __version__

# key in the string -> meaning (README and --help show this table)
FIELD_HELP = {
    "sumbench": "sumbench version",
    "impl": "ROUGE implementation and its version (rouge-score semantics, or rouge155)",
    "tok": "tokenizer (default = rouge-score's ASCII tokenizer; unicode = any script)",
    "stem": "stemmer (porter = rouge-score's Porter stemmer on tokens longer than 3; none)",
    "lsum": "how texts were split into sentences for ROUGE-Lsum (newline, auto, none)",
    "refs": "multi-reference rule (max = best F per type, as score_multi; mean)",
    "bs": "bootstrap resamples for the confidence intervals",
    "seed": "bootstrap seed (perl-srand: rouge155 reproduces the Perl script's own resampling)",
    "ci": "confidence level of the intervals, in percent",
    "flags": "ROUGE-1.5.5 options (rouge155 only) and its WordNet exception table (exc)",
}


def epilog() -> str:
    """The signature fields explained, for ``--help``."""
    return "signature fields: " + "; ".join(f"{k} = {v}" for k, v in FIELD_HELP.items())


def rouge_score_version() -> str:
    """The installed rouge-score version (the reference semantics)."""
    try:
        return metadata.version("rouge-score")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "unknown"


@dataclass(frozen=True)
class Signature:
    """The settings behind a score; ``str()`` gives the one-line form."""

    impl: str
    tokenizer: str
    stemmer: str
    lsum_split: str
    multi_ref: str
    bootstrap_samples: int
    seed: int | str
    confidence: float
    version: str = __version__
    flags: str = ""

    def fields(self) -> dict[str, str]:
        """The signature as ordered ``key -> value`` pairs."""
        fields = {
            "sumbench": self.version,
            "impl": self.impl,
            "tok": self.tokenizer,
            "stem": self.stemmer,
            "lsum": self.lsum_split,
            "refs": self.multi_ref,
            "bs": str(self.bootstrap_samples),
            "seed": str(self.seed),
            "ci": f"{self.confidence * 100:g}",
        }
        if self.flags:
            fields["flags"] = self.flags
        return fields

    def __str__(self) -> str:
        return "|".join(f"{k}:{v}" for k, v in self.fields().items())

    def differences(self, other: "Signature") -> dict[str, tuple[str, str]]:
        """Fields whose values differ: ``key -> (self, other)``."""
        mine, theirs = self.fields(), other.fields()
        return {k: (mine.get(k, "(none)"), theirs.get(k, "(none)"))
                for k in dict.fromkeys([*mine, *theirs]) if mine.get(k) != theirs.get(k)}

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """Inverse of ``str()``."""
        values = dict(part.split(":", 1) for part in text.split("|"))
        seed = values["seed"]
        return cls(impl=values["impl"], tokenizer=values["tok"], stemmer=values["stem"],
                   lsum_split=values["lsum"], multi_ref=values["refs"],
                   bootstrap_samples=int(values["bs"]),
                   seed=int(seed) if seed.lstrip("-").isdigit() else seed,
                   confidence=float(values["ci"]) / 100, version=values["sumbench"],
                   flags=values.get("flags", ""))

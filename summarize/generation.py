"""What the model summarisers share: requested generation settings, prompts, output
clean-up, and the per-article record they yield.

Generation settings use ``transformers``' ``GenerationConfig`` field names (see
https://huggingface.co/docs/transformers/main_classes/text_generation).  Only the
settings a user asked for are collected here (from ``--generation-config FILE``, then
flags on top); everything else stays as the model's own ``generation_config`` says.
Clean-up puts one sentence per line, as ROUGE-Lsum expects (the convention of
rouge-score's ``rougeLsum`` and of the CNN/DailyMail scripts of See et al. 2017).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sumbench.common.errors import SummarizerOptionError
from .options import BY_NAME
from sumbench.common.sentences import split_sentences

# option name -> GenerationConfig field name
GENERATION_OPTIONS: dict[str, str] = {
    "num_beams": "num_beams", "max_new_tokens": "max_new_tokens",
    "min_new_tokens": "min_new_tokens", "length_penalty": "length_penalty",
    "no_repeat_ngram_size": "no_repeat_ngram_size", "do_sample": "do_sample",
    "temperature": "temperature", "top_p": "top_p", "generation_seed": "seed",
}
DEFAULT_MAX_NEW_TOKENS = 128
PLACEHOLDER = "{article}"
DEFAULT_PROMPT_TEMPLATE = (
    "Summarize the following news article in 3 to 4 bullet points. Each bullet point is "
    "one short, factual, complete sentence. Reply with the bullet points only.\n\n"
    "Article:\n{article}\n\nSummary:"
)
# Bumped whenever clean_summary changes, so cached summaries made by older rules are not reused.
CLEANUP_VERSION = 1


@dataclass(frozen=True)
class Generated:
    """One finished summary: its article's position, the cleaned text, and token counts."""

    index: int
    text: str
    truncated: bool = False
    input_tokens: int = 0
    output_tokens: int = 0

    def meta(self) -> dict[str, Any]:
        return {"truncated": self.truncated, "input_tokens": self.input_tokens,
                "output_tokens": self.output_tokens}


def _file_settings(path: str) -> dict[str, Any]:
    try:
        loaded = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SummarizerOptionError(f"--generation-config {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise SummarizerOptionError(
            f"--generation-config {path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(loaded, dict):
        raise SummarizerOptionError(f"--generation-config {path}: expected a JSON object")
    return loaded


def requested_generation(options: dict[str, Any], allowed_extra: bool = True) -> dict[str, Any]:
    """The generation settings asked for, as ``GenerationConfig`` fields, sorted by name.

    The file named by ``generation_config`` comes first, flags override it.  Known fields
    are type-checked like the flags; other fields of the file are kept as they are when
    ``allowed_extra`` (the ``hf`` backend hands them to ``GenerationConfig``), else refused.
    """
    requested: dict[str, Any] = {}
    field_to_option = {v: k for k, v in GENERATION_OPTIONS.items()}
    if options.get("generation_config"):
        path = options["generation_config"]
        for key, value in _file_settings(path).items():
            if key in field_to_option:
                requested[key] = BY_NAME[field_to_option[key]].parse(value)
            elif allowed_extra:
                requested[key] = value
            else:
                raise SummarizerOptionError(f"--generation-config {path}: {key!r} is not "
                                            f"supported here; use {', '.join(sorted(field_to_option))}")
    for option, field in GENERATION_OPTIONS.items():
        if options.get(option) is not None:
            requested[field] = options[option]
    return dict(sorted(requested.items()))


def check_template(template: str) -> str:
    if PLACEHOLDER not in template:
        raise SummarizerOptionError(f"--prompt-template must contain {PLACEHOLDER}")
    return template


def render_prompt(template: str, article: str) -> str:
    """``template`` with ``{article}`` replaced (other braces are left alone)."""
    return template.replace(PLACEHOLDER, article)


_BULLET = re.compile(r"^\s*(?:[-*•·‣▪–—]|\d{1,2}[.)])\s+")
_SPACE = re.compile(r"[ \t\f\v\r\u00a0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def clean_summary(text: str, language: str = "en") -> str:
    """Model output -> one sentence per line: bullet markers and extra whitespace removed."""
    lines = []
    for line in text.splitlines():
        line = _BULLET.sub("", _SPACE.sub(" ", _CONTROL.sub("", line))).strip()
        if line:
            lines.append(line)
    # Each output line (usually one bullet) is split on its own: a bullet never merges
    # with the next one even when it lacks a final full stop.
    sentences = [s for line in lines for s in split_sentences(line, language)]
    return "\n".join(sentences)

"""Access to ``../shared/data`` (REALSumm, SummEval): tests skip cleanly without it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REALSUMM = SHARED / "data" / "realsumm_dev.jsonl"
_SENTENCE = re.compile(r"<t>(.*?)</t>", re.S)


def require(path: Path) -> Path:
    """``path``, or skip the test when ../shared is not beside the repository."""
    if not path.exists():
        pytest.skip(f"{path} not found (the ../shared folder is not beside this checkout)")
    return path


def t_sentences(text: str) -> list[str]:
    """REALSumm's ``<t> ... </t>`` sentences, stripped; an untagged text is one sentence."""
    if "<t>" not in text:
        return [text.strip()] if text.strip() else []
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def realsumm_rows() -> list[dict]:
    """The 500 REALSumm rows, each with a unique ``key`` (doc, group, system)."""
    rows = [json.loads(line) for line in require(REALSUMM).read_text().splitlines() if line]
    for row in rows:
        row["key"] = f"{row['doc_id']}-{row['group']}-{row['system']}"
    return rows

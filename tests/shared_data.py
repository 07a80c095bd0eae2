"""Access to ``../shared/data`` (REALSumm, SummEval, the multilingual pairs): tests skip
cleanly without it.

A user's clone has no ``../shared``; each file the tests read is built from a public
release by a converter in ``tests/data/`` (README: "Tests that need data"), and every
skip for a missing file names that converter and its command.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REALSUMM = SHARED / "data" / "realsumm_dev.jsonl"
SUMMEVAL = SHARED / "data" / "summeval_rouge155_examples.json"
MLING = SHARED / "data" / "mling_dev.jsonl"
# file name -> (converter in tests/data/, what it reads, its --source, the repository
# whose README links the release)
CONVERTERS = {
    REALSUMM.name: ("build_realsumm.py", "the REALSumm release", "<clone of neulab/REALSumm>",
                    "neulab/REALSumm"),
    SUMMEVAL.name: ("build_summeval.py", "SummEval's test_util.py",
                    "<clone of Yale-LILY/SummEval>", "Yale-LILY/SummEval"),
    MLING.name: ("build_mling.py", "the dummy data in huggingface/datasets' history",
                 "<full clone of huggingface/datasets>", "huggingface/datasets"),
}
_SENTENCE = re.compile(r"<t>(.*?)</t>", re.S)


def missing_reason(path: Path) -> str:
    """Why a test skips without ``path``: the converter and the command that builds it."""
    target = f"../shared/data/{path.name}"
    converter, what, source, _ = CONVERTERS[path.name]
    return (f"{target} not found: build it from {what} with `python tests/data/{converter} "
            f"--source {source} --out {target}` (README: Tests that need data)")


def require(path: Path) -> Path:
    """``path``, or skip the test naming the converter that builds it."""
    if not path.exists():
        pytest.skip(missing_reason(path))
    return path


def t_sentences(text: str) -> list[str]:
    """REALSumm's ``<t> ... </t>`` sentences, stripped; an untagged text is one sentence."""
    if "<t>" not in text:
        return [text.strip()] if text.strip() else []
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def read_realsumm(path: Path) -> list[dict]:
    """The rows of a ``realsumm_dev.jsonl``, each with a unique ``key`` (doc, group, system)."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line]
    for row in rows:
        row["key"] = f"{row['doc_id']}-{row['group']}-{row['system']}"
    return rows


def realsumm_rows() -> list[dict]:
    """The 500 REALSumm rows of ``../shared/data`` (skips without it)."""
    return read_realsumm(require(REALSUMM))

"""Run folders made from chosen per-example scores, for the compare/gate/report tests.

They are written by the real :func:`sumbench.eval.runs.folder.write_run_folder`, with a fixed
signature (no version numbers from the environment), so reports made from them are
byte-for-byte reproducible.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sumbench.eval.runs.folder import RESULTS, RunMetadata, write_run_folder
from sumbench.eval.scoring import ScoredRun, ScoringConfig, aggregate_scores
from sumbench.eval.signature import Signature

TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
FINGERPRINT = "sha256:" + "ab" * 32
SIGNATURE = Signature(impl="rouge-score-0.1.2", tokenizer="default", stemmer="porter",
                      lsum_split="newline", multi_ref="max", bootstrap_samples=200, seed=7,
                      confidence=0.95, version="0.0.test")


def scores_from_f(f: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``(n, 3)`` arrays whose P, R and F are all the given F (enough for these tests)."""
    return {t: np.repeat(np.clip(np.asarray(v, dtype=float), 0, 1)[:, None], 3, axis=1)
            for t, v in f.items()}


def synthetic_f(n: int, seed: int, shift: float = 0.0, noise: float = 0.05,
                types: tuple[str, ...] = TYPES) -> dict[str, np.ndarray]:
    """Per-example F per type: a shared base (seed 0) plus ``shift`` and seeded noise."""
    base = np.random.default_rng(0).uniform(0.2, 0.6, size=n)
    rng = np.random.default_rng(seed)
    return {t: base * (1.0 - 0.15 * k) + shift + rng.normal(0, noise, size=n)
            for k, t in enumerate(types)}


def write_run(directory: Path, name: str, f: dict[str, np.ndarray],
              ids: tuple[str, ...] | None = None, predictions: tuple[str, ...] | None = None,
              fingerprint: str = FINGERPRINT, signature: Signature = SIGNATURE,
              references_spec: str = "/nonexistent/reference-set",
              diagnostics: dict | None = None) -> Path:
    """Write a run folder with per-example F ``f`` (P and R equal F); returns its path."""
    per_example = scores_from_f(f)
    n = len(next(iter(per_example.values())))
    ids = ids or tuple(f"ex{i:03d}" for i in range(n))
    predictions = predictions or tuple(f"Summary {i} of {name}.\nIt has two lines." for i in range(n))
    aggregate = aggregate_scores(per_example, signature.bootstrap_samples, signature.seed,
                                 signature.confidence)
    scored = ScoredRun(ids=tuple(ids), predictions=tuple(predictions), per_example=per_example,
                       aggregate=aggregate, signature=signature, config=ScoringConfig(),
                       notices=(), counts={"examples": n, "references": n,
                                           "empty_predictions": 0, "multi_reference_examples": 0})
    meta = RunMetadata(references_spec=references_spec, references_format="jsonl",
                       references_fingerprint=fingerprint, summarizer=name,
                       summarizer_settings={}, selection={}, generation={})
    write_run_folder(directory, scored, meta)
    if diagnostics is not None:
        path = directory / RESULTS
        results = json.loads(path.read_text(encoding="utf-8"))
        results["diagnostics"] = diagnostics
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return directory

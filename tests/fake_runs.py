"""Runs made from chosen per-example scores, for the compare/gate/report tests.

They are built as :class:`sumbench.eval.runs.Run` values and written by the real
``Run.save``, with a fixed signature (no version numbers from the environment), so
reports made from them are byte-for-byte reproducible.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sumbench.eval.data import fingerprint as reference_fingerprint
from sumbench.eval.data.records import Example
from sumbench.eval.metrics.base import BootstrapSettings, MetricInfo, bootstrap_columns
from sumbench.eval.runs import MetricResult, ReferenceSetInfo, Run
from sumbench.eval.signature import Signature

TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
SIGNATURE_FIELDS = (("impl", "rouge-score-0.1.2"), ("tok", "default"), ("stem", "porter"),
                    ("lsum", "newline"), ("refs", "max"), ("bs", "200"), ("seed", "7"),
                    ("ci", "95"))
VERSION = "0.0.test"
SIGNATURE = Signature.build("rouge", SIGNATURE_FIELDS, version=VERSION)
INFO = MetricInfo(headline="fmeasure", labels={"precision": "P", "recall": "R", "fmeasure": "F"},
                  gate=("rouge1", "rouge2", "rougeLsum"))


def signature(version: str = VERSION, **changes: str) -> Signature:
    """:data:`SIGNATURE` with some fields changed (``stem="none"``)."""
    return Signature.build("rouge", [(k, changes.get(k, v)) for k, v in SIGNATURE_FIELDS],
                           version=version)


def scores_from_f(f: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """Columns whose P, R and F are all the given F (enough for these tests)."""
    out = {}
    for t, v in f.items():
        values = np.clip(np.asarray(v, dtype=float), 0, 1)
        out[t] = {c: values.copy() for c in ("precision", "recall", "fmeasure")}
    return out


def synthetic_f(n: int, seed: int, shift: float = 0.0, noise: float = 0.05,
                types: tuple[str, ...] = TYPES) -> dict[str, np.ndarray]:
    """Per-example F per type: a shared base (seed 0) plus ``shift`` and seeded noise."""
    base = np.random.default_rng(0).uniform(0.2, 0.6, size=n)
    rng = np.random.default_rng(seed)
    return {t: base * (1.0 - 0.15 * k) + shift + rng.normal(0, noise, size=n)
            for k, t in enumerate(types)}


def make_run(name: str, f: dict[str, np.ndarray], ids: tuple[str, ...] | None = None,
             predictions: tuple[str, ...] | None = None, fingerprint: str | None = None,
             signature: Signature = SIGNATURE, references_spec: str = "/nonexistent/reference-set",
             diagnostics: dict | None = None, examples: tuple[Example, ...] | None = None) -> Run:
    """An in-memory run with per-example F ``f`` (P and R equal F).  Its fingerprint is
    its examples' unless ``fingerprint`` says otherwise (in-memory runs only: a folder
    whose fingerprint does not match its references is refused when read)."""
    columns = scores_from_f(f)
    n = len(next(iter(f.values())))
    ids = tuple(ids or (f"ex{i:03d}" for i in range(n)))
    predictions = tuple(predictions or (f"Summary {i} of {name}.\nIt has two lines."
                                        for i in range(n)))
    examples = examples or tuple(
        Example(id=i, article=f"Article {k}. It has words in it.",
                references=((f"Reference {k} sentence one.", "Sentence two."),))
        for k, i in enumerate(ids))
    fingerprint = fingerprint or reference_fingerprint(examples)
    settings = BootstrapSettings(int(signature.get("bs")), int(signature.get("seed")),
                                 float(signature.get("ci")) / 100)
    result = MetricResult(name="rouge", signature=signature,
                          settings={"rouge_types": list(f)}, info=INFO, columns=columns,
                          scores=bootstrap_columns(columns, settings),
                          aggregation={"method": "bootstrap"})
    mean = diagnostics.get("mean") if diagnostics else None
    return Run(name=name, ids=ids, predictions=predictions, metrics={"rouge": result},
               reference_set=ReferenceSetInfo(spec=references_spec, format="jsonl",
                                              fingerprint=fingerprint, examples=n),
               examples=examples, summarizer={"name": name, "settings": {}},
               counts={"examples": n}, diagnostics_mean=mean, sumbench_version=VERSION)


def write_run(directory: Path, name: str, f: dict[str, np.ndarray], **kwargs) -> Path:
    """Write :func:`make_run`'s run to ``directory``; returns its path."""
    return make_run(name, f, **kwargs).save(directory)


def redigest(folder: Path) -> None:
    """Record in ``folder``'s results.json the digests of its files as they are now (what
    a forger would do), so that the checks behind the digests are reached; a file that
    does not parse keeps its old digest (its reader refuses it first anyway)."""
    import json

    import orjson

    from sumbench.eval.runs.digest import json_digest, rows_digest
    from sumbench.eval.runs.folder import DIGESTED, RESULTS

    try:
        results = json.loads((folder / RESULTS).read_text(encoding="utf-8"))
        digests = results["digests"]
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return
    if not isinstance(digests, dict):
        return
    for name in DIGESTED:
        try:
            lines = (folder / name).read_bytes().split(b"\n")
            digests[name] = rows_digest(orjson.loads(line) for line in lines if line.strip())
        except (OSError, ValueError):
            continue
    digests.pop(RESULTS, None)
    digests[RESULTS] = json_digest(results)
    (folder / RESULTS).write_text(json.dumps(results, indent=2), encoding="utf-8")

"""The Python API, mirroring the CLI::

    import sumbench as api

    refs = api.load_references("fixtures")              # or "my.jsonl", "hf:cnn_dailymail/3.0.0:test"
    lead3 = api.get_summarizer("lead-3")
    summaries = lead3.summarize([e.article for e in refs.examples])
    result = api.score(refs, summaries)                 # a ScoredRun
    print(result.aggregate["rouge1"]["fmeasure"], result.signature)
    api.evaluate(refs, "lead-3").save("runs/lead3")     # summarise + score + run folder

Everything here is a thin re-export of the modules that do the work.
"""

from __future__ import annotations

from typing import Sequence

from sumbench.eval.data import FieldMap, ReferenceSet, load_reference_set
from sumbench.eval.runs.folder import SavedRun, load_run
from sumbench.eval.metrics.rouge.engine import RougeConfig
from sumbench.eval.pipeline import Evaluation, evaluate_predictions, evaluate_summarizer
from sumbench.eval.scoring import ScoredRun, ScoringConfig, score_predictions
from sumbench.summarize.base import Summarizer, get_summarizer

__all__ = ["FieldMap", "ReferenceSet", "RougeConfig", "ScoredRun", "ScoringConfig",
           "SavedRun", "Summarizer", "Evaluation", "evaluate", "evaluate_predictions",
           "get_summarizer", "load_references", "load_run", "score"]


def load_references(spec: str | None = None, fmt: str | None = None,
                    fields: FieldMap = FieldMap(), limit: int | None = None,
                    sample: int | None = None, seed: int = 12345) -> ReferenceSet:
    """A reference set from a file, a folder or ``hf:``; ``None`` = the bundled fixtures."""
    return load_reference_set(spec, fmt=fmt, fields=fields, limit=limit, sample=sample,
                              seed=seed)


def score(references: ReferenceSet, predictions: Sequence[str],
          config: ScoringConfig = ScoringConfig()) -> ScoredRun:
    """Score ``predictions`` (aligned with ``references.examples``)."""
    return score_predictions(references.examples, list(predictions), config)


def evaluate(references: ReferenceSet, summarizer: str,
             config: ScoringConfig = ScoringConfig()) -> Evaluation:
    """Summarise with the named summariser and score; ``.save(dir)`` writes a run folder."""
    return evaluate_summarizer(references, summarizer, config)

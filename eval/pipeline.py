"""The pipeline: reference set -> summariser -> predictions -> scores -> run folder.

Data moves one way and each step hands a plain value to the next (see DESIGN.md).  The
CLI and the Python API both call :func:`sumbench.evaluate_summarizer` and :func:`sumbench.evaluate_predictions`.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from sumbench.eval.data import ReferenceSet
from sumbench.eval.errors import InputError, OfflineError, UsageError
from sumbench.eval.predictions import read_predictions
from sumbench.eval.runs.folder import RunMetadata, write_run_folder
from sumbench.eval.scoring import ScoredRun, ScoringConfig, score_predictions


@dataclass(frozen=True)
class Evaluation:
    """A scored run, what it evaluated and, when asked for, the summary diagnostics."""

    scored: ScoredRun
    meta: RunMetadata
    diagnostics: tuple | None = None

    def save(self, directory: str | Path) -> None:
        write_run_folder(Path(directory), self.scored, self.meta, self.diagnostics)


def _diagnose(examples: Sequence, predictions: Sequence[str], wanted: bool) -> tuple | None:
    if not wanted:
        return None
    from sumbench.eval.diagnostics import diagnose_all

    return tuple(diagnose_all([e.article for e in examples], predictions))


def _selection(limit: int | None, sample: int | None, seed: int) -> dict:
    return {"limit": limit, "sample": sample, "sample_seed": seed if sample else None}


@contextmanager
def _summarizer_errors(name: str) -> Iterator[None]:
    """Summariser failures as sumbench errors: bad options are usage errors, an
    unreachable hub is an offline error, a model or API failure an input error."""
    from sumbench.summarize.base import UnknownSummarizerError
    from sumbench.summarize.errors import HubOfflineError, SummarizerError

    try:
        yield
    except UnknownSummarizerError as exc:
        raise UsageError(str(exc)) from None
    except HubOfflineError as exc:
        raise OfflineError(str(exc)) from None
    except ValueError as exc:  # SummarizerOptionError included
        raise UsageError(f"summarizer {name!r}: {exc}") from None
    except SummarizerError as exc:
        raise InputError(f"summarizer {name!r}: {exc}") from None


def _build_summarizer(name: str, options: dict, scoring: ScoringConfig):
    from sumbench.eval.oracle import ORACLE_PATTERN, OracleSummarizer
    from sumbench.summarize.cache import build_summarizer

    if re.fullmatch(ORACLE_PATTERN, name):
        # The oracle reads the references, so eval/ offers it, not summarize/.
        return OracleSummarizer(name, rouge=scoring.rouge)
    return build_summarizer(name, options)


def evaluate_summarizer(references: ReferenceSet, summarizer_name: str,
                        scoring: ScoringConfig = ScoringConfig(),
                        summarizer_options: dict | None = None,
                        limit: int | None = None, sample: int | None = None,
                        sample_seed: int = 12345, diagnostics: bool = False) -> Evaluation:
    """Summarise every article of ``references`` with ``summarizer_name`` and score it."""
    articles = [e.article for e in references.examples]
    with _summarizer_errors(summarizer_name):
        summarizer = _build_summarizer(summarizer_name, dict(summarizer_options or {}), scoring)
        if hasattr(summarizer, "summarize_examples"):
            predictions = summarizer.summarize_examples(references.examples)
        else:
            predictions = summarizer.summarize(articles)
        settings = summarizer.settings()
    stats = getattr(summarizer, "stats", None)
    generation = (stats.to_dict() if stats is not None
                  else {"generated": len(predictions), "from_cache": 0, "truncated": 0})
    if len(predictions) != len(articles):
        raise RuntimeError(f"summarizer {summarizer.name} returned {len(predictions)} "
                           f"summaries for {len(articles)} articles")
    scored = score_predictions(references.examples, predictions, scoring)
    meta = RunMetadata(
        references_spec=references.spec, references_format=references.format,
        references_fingerprint=references.fingerprint, summarizer=summarizer.name,
        summarizer_settings=settings,
        selection=_selection(limit, sample, sample_seed),
        generation=generation)
    return Evaluation(scored, meta, _diagnose(references.examples, predictions, diagnostics))


def evaluate_predictions(references: ReferenceSet, predictions_path: str | Path,
                         scoring: ScoringConfig = ScoringConfig(),
                         limit: int | None = None, sample: int | None = None,
                         sample_seed: int = 12345, diagnostics: bool = False) -> Evaluation:
    """Score a predictions file made elsewhere against ``references``."""
    path = Path(predictions_path)
    if limit is not None or sample is not None:
        raise UsageError("--limit/--sample select examples to summarise; with --predictions, "
                         "score every prediction or filter the files beforehand")
    predictions = read_predictions(path, references.ids)
    if not predictions:
        raise InputError(f"{path}: no predictions")
    scored = score_predictions(references.examples, predictions, scoring)
    meta = RunMetadata(
        references_spec=references.spec, references_format=references.format,
        references_fingerprint=references.fingerprint, summarizer=f"file:{path.name}",
        summarizer_settings={"predictions": str(path)},
        selection=_selection(None, None, sample_seed),
        generation={"generated": 0, "from_cache": 0, "truncated": 0})
    return Evaluation(scored, meta, _diagnose(references.examples, predictions, diagnostics))

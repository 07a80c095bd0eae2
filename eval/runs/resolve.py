"""The one answer to "is this a run, a run folder or a study folder?".

Every entry point that takes runs -- the Python API (:mod:`sumbench.api`), comparison,
leaderboard and report (:mod:`sumbench.eval.compare`), and the gate
(:mod:`sumbench.eval.gate`) -- resolves what it was given here: a :class:`Run` or a
:class:`Study` is itself, a folder holding ``study.json`` is a study
(:func:`~sumbench.eval.runs.study.load_study`), any other path a run folder
(:func:`~sumbench.eval.runs.folder.load_run`).  Follows the one-loader design of
lm-evaluation-harness' results handling: one function decides, callers only ask.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence, Union

from .run import Run
from .study import Study, is_study, load_study

RunSource = Union[Run, str, Path]                # a run or a run folder
Source = Union[Run, Study, str, Path]            # ... or a study (folder)


def resolve(source: Source) -> Run | Study:
    """``source`` as a :class:`Run` (a run, a run folder) or a :class:`Study` (a study,
    a study folder)."""
    if isinstance(source, (Run, Study)):
        return source
    if is_study(source):
        return load_study(source)
    from .folder import load_run

    return load_run(source)


def is_study_source(source: Source) -> bool:
    """Whether :func:`resolve` would give a study, decided without reading any run."""
    return isinstance(source, Study) or (not isinstance(source, Run) and is_study(source))


def resolve_run(source: RunSource) -> Run:
    """One run: a :class:`Run`, or a run folder read back."""
    if isinstance(source, Run):
        return source
    from .folder import load_run

    return load_run(source)


def resolve_runs(sources: Sequence[Source]) -> list[Run]:
    """Runs, run folders, studies and study folders, expanded into runs, in order."""
    runs: list[Run] = []
    for source in sources:
        found = resolve(source)
        runs.extend(found.runs if isinstance(found, Study) else (found,))
    return runs

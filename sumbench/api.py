"""The Python API, mirroring the CLI (``import sumbench``; every name here is reachable
as ``sumbench.<name>``)::

    import sumbench

    refs = sumbench.load_references("my.jsonl")          # None = the bundled fixtures
    lead3 = sumbench.run(refs, "lead-3")                 # summarise and score: a Run
    print(lead3.metrics["rouge"].scores["rouge1"]["fmeasure"], lead3.metrics["rouge"].signature)
    lead3.save("runs/lead3")                             # a self-contained run folder

    summaries = sumbench.get_summarizer("lead-1").summarize([e.article for e in refs.examples])
    mine = sumbench.score(refs, summaries, metrics=["rouge", "rouge155"], name="lead-1")
    systems = sumbench.score(refs, "long.jsonl", system_field="system")  # a Run per system
    print(sumbench.compare([lead3, mine]).metrics[0])     # paired tests, as 'sumbench compare'
    board = sumbench.leaderboard(["runs/study"])          # a study folder: ranks and clusters
    same = sumbench.load_run("runs/lead3")               # the same Run, read back
    gate = sumbench.check("runs/study", "runs/baseline")  # study against study: .passed
    agreement = sumbench.meta([lead3, mine, ...], human="judgments.jsonl",  # one run per system
                              judgments=["overall"])     # correlations with human judgments

Functions return the values the CLI prints; nothing here prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence, Union, overload

from sumbench.eval.compare import CompareSettings, Comparison, compare_runs
from sumbench.eval.data import FieldMap, ReferenceSet, load_reference_set
from sumbench.eval.gate import GateConfig, GateResult, StudyGateResult
from sumbench.eval.gate import check as check_sources
from sumbench.eval.leaderboard import Leaderboard, LeaderboardSettings, build_leaderboard
from sumbench.eval.metrics import available_metrics, build_metrics
from sumbench.eval.meta.evaluate import MetaResult, MetaSettings
from sumbench.eval.metrics.base import BootstrapSettings, Metric
from sumbench.eval.pipeline import (
    NOTHING_GENERATED,
    evaluate_summarizer,
    make_run,
    score_long_file,
)
from sumbench.eval.predictions import read_predictions
from sumbench.eval.runs import Run, load_run
from sumbench.eval.runs.resolve import resolve_runs
from sumbench.eval.runs.study import Study, load_runs, write_study
from sumbench.eval.stats.correlation_levels import SummaryFilter
from sumbench.eval.stats.interval import Interval
from sumbench.summarize.base import Summarizer, get_summarizer

__all__ = ["BootstrapSettings", "CompareSettings", "Comparison", "FieldMap", "GateConfig",
           "GateResult", "Interval", "Leaderboard", "LeaderboardSettings", "MetaResult", "MetaSettings",
           "Metric", "ReferenceSet", "Run", "StudyGateResult", "Summarizer", "SummaryFilter", "available_metrics",
           "check", "compare", "get_metric", "get_summarizer", "leaderboard",
           "load_references", "load_run", "load_runs", "meta", "report", "run", "save_study",
           "score"]

MetricSpec = Union[str, Metric]
RunSpec = Union[Run, Study, str, Path]  # a run, a run folder, a study or a study folder


def load_references(spec: str | None = None, fmt: str | None = None,
                    fields: FieldMap = FieldMap(), limit: int | None = None,
                    sample: int | None = None, seed: int = 12345) -> ReferenceSet:
    """A reference set from a file, a folder or ``hf:``; ``None`` = the bundled fixtures."""
    return load_reference_set(spec, fmt=fmt, fields=fields, limit=limit, sample=sample,
                              seed=seed)


def get_metric(name: str, options: Mapping[str, Any] | None = None,
               bootstrap: BootstrapSettings = BootstrapSettings()) -> Metric:
    """The metric ``name`` built from its own options, keyed as the CLI flags without
    dashes (``{"rouge_types": "rouge1,rouge2", "no_stemmer": True}``)."""
    settings = None
    if bootstrap != BootstrapSettings():
        settings = {"samples": bootstrap.samples, "seed": bootstrap.seed,
                    "confidence": bootstrap.confidence}
    return build_metrics([name], dict(options or {}), settings)[0]


def _metrics(metrics: Sequence[MetricSpec]) -> tuple[Metric, ...]:
    return tuple(get_metric(m) if isinstance(m, str) else m for m in metrics)


@overload
def score(references: ReferenceSet, predictions: Sequence[str] | str | Path,
          metrics: Sequence[MetricSpec] = ..., name: str | None = ...,
          diagnostics: bool = ..., system_field: None = ...) -> Run: ...


@overload
def score(references: ReferenceSet, predictions: str | Path,
          metrics: Sequence[MetricSpec] = ..., name: str | None = ...,
          diagnostics: bool = ..., *, system_field: str | Sequence[str]) -> list[Run]: ...


def score(references: ReferenceSet, predictions: Sequence[str] | str | Path,
          metrics: Sequence[MetricSpec] = ("rouge",), name: str | None = None,
          diagnostics: bool = False,
          system_field: str | Sequence[str] | None = None) -> Run | list[Run]:
    """Score ``predictions`` (summaries aligned with ``references.examples``, or a
    predictions file) with each metric: one :class:`Run`, named ``name`` (default
    ``predictions``, or the file's name).  With ``system_field`` ``predictions`` is a
    long file (rows of id, system and prediction, as ``sumbench score --system-field``
    reads; several fields are joined with ``/``): one run per system, named after it."""
    from sumbench.common.errors import UsageError

    if system_field is not None:
        if not isinstance(predictions, (str, Path)):
            raise UsageError("system_field reads a long predictions file: give its path as "
                             "predictions")
        if name is not None:
            raise UsageError("name names a single run; each system's run is named after it")
        fields = [system_field] if isinstance(system_field, str) else list(system_field)
        return score_long_file(references, predictions, _metrics(metrics), fields, diagnostics)
    if isinstance(predictions, (str, Path)):
        path = Path(predictions)
        name = name or path.stem
        summarizer: dict[str, Any] = {"name": f"file:{path.name}",
                                      "settings": {"predictions": str(path)}}
        texts = read_predictions(path, references.ids)
    else:
        name = name or "predictions"
        summarizer = {"name": name, "settings": {}}
        texts = list(predictions)
    return make_run(references, texts, _metrics(metrics), name, summarizer,
                    NOTHING_GENERATED, diagnostics)


def run(references: ReferenceSet, summarizer: str, metrics: Sequence[MetricSpec] = ("rouge",),
        summarizer_options: Mapping[str, Any] | None = None, name: str | None = None,
        diagnostics: bool = False) -> Run:
    """Summarise with the named summariser (options keyed as the CLI flags without
    dashes) and score; ``.save(dir)`` writes the run folder."""
    return evaluate_summarizer(references, summarizer, _metrics(metrics), summarizer_options,
                               diagnostics=diagnostics, name=name)


def _expand(runs: Sequence[RunSpec]) -> list[Run]:
    """Runs, run folders and study folders, as a list of runs."""
    return resolve_runs(runs)


def save_study(runs: Sequence[Run], directory: str | Path, overwrite: bool = False) -> Path:
    """Write several runs on one reference set as a study folder; ``overwrite``: a run
    or study folder sumbench wrote that is there is replaced (never another folder)."""
    return write_study(list(runs), directory, overwrite)


def compare(runs: Sequence[RunSpec], settings: CompareSettings = CompareSettings(),
            force: bool = False) -> Comparison:
    """Every run against the first (or every pair, ``settings.all_pairs``), as ``sumbench
    compare`` (runs, run folders or study folders)."""
    return compare_runs(_expand(runs), settings, force=force)


def leaderboard(runs: Sequence[RunSpec], settings: LeaderboardSettings = LeaderboardSettings(),
                force: bool = False) -> Leaderboard:
    """Systems ranked with significance clusters, as ``sumbench leaderboard``."""
    return build_leaderboard(_expand(runs), settings, force=force)


def check(current: RunSpec, baseline: RunSpec, config: GateConfig = GateConfig(),
          force: bool = False) -> GateResult | StudyGateResult:
    """The regression gate, as ``sumbench check`` (``result.passed``): a run (or run
    folder) against a baseline run, or a study folder against a baseline study folder,
    each system against the baseline system of its name (a :class:`StudyGateResult`,
    one :class:`GateResult` per system in ``.results``)."""
    return check_sources(current, baseline, config, force=force)


def report(runs: Sequence[RunSpec], format: str = "md", title: str = "sumbench report",
           settings: CompareSettings = CompareSettings(), examples: int | None = None,
           rank_by: str | None = None, force: bool = False,
           baseline_system: str | None = None) -> str:
    """The Markdown (``md``) or HTML (``html``) report of ``runs``, as ``sumbench report``
    (``examples`` and ``rank_by`` shape the HTML report's example cards; the comparison
    is against ``baseline_system``, by default the first run)."""
    from sumbench.common.errors import UsageError

    if format != "html" and examples is not None:
        raise UsageError("examples applies to the HTML report only")
    if format not in ("md", "html"):
        raise UsageError(f"report format must be md or html, got {format!r}")
    from sumbench.eval.baseline import with_baseline_first

    loaded = with_baseline_first(_expand(runs), baseline_system)
    if len(loaded) == 1 and baseline_system is not None:
        raise UsageError("baseline_system applies to a report of several runs only")
    comparison = board = None
    if len(loaded) > 1:
        comparison = compare_runs(loaded, settings, force=force)
        board = build_leaderboard(loaded, LeaderboardSettings(
            rank_by=rank_by, measures=settings.measures,
            bootstrap_samples=settings.bootstrap_samples, permutations=settings.permutations,
            seed=settings.seed, confidence=settings.confidence, baseline=baseline_system),
            force=force)
    if format == "html":
        from sumbench.eval.report.cards import DEFAULT_EXAMPLES
        from sumbench.eval.report.html import render_html

        return render_html(loaded, comparison,
                           k=DEFAULT_EXAMPLES if examples is None else examples,
                           rank_by=rank_by, title=title, leaderboard=board)
    from sumbench.eval.report.markdown import report_markdown

    return report_markdown(loaded, comparison, title=title, leaderboard=board)


def meta(runs: Sequence[RunSpec] = (), human: str | Path | None = None,
         judgments: Sequence[str] = (), human_format: str | None = None,
         doc_field: str | None = None, system_field: Sequence[str] | None = None,
         metric_fields: Sequence[str] = (), scores: str | Path | None = None,
         measures: Sequence[str] | None = None, components: Sequence[str] = ("all",),
         settings: MetaSettings = MetaSettings()) -> MetaResult:
    """Correlate metrics with human judgments, as ``sumbench meta``: ``runs`` (run
    folders or runs, one per system: the run name is the system) and/or
    ``metric_fields`` of ``scores`` (default: the ``human`` file) against the
    ``judgments`` fields of ``human`` (``LABEL=PATH`` allowed; empty = the format's
    defaults).  ``settings`` chooses levels, coefficients, intervals and tests."""
    from sumbench.common.errors import UsageError
    from sumbench.eval.meta.inputs import meta_from_sources

    if human is None:
        raise UsageError("meta needs the human judgments: human='judgments.jsonl'")
    return meta_from_sources(_expand(runs), human, judgments, human_format,
                             doc_field, system_field, metric_fields, scores, measures,
                             components, settings)

"""The console table: one row per ROUGE type with P, R, F and F's confidence interval,
followed by the signature (sacrebleu prints its signature the same way)."""

from __future__ import annotations

from sumbench.eval.notices import Notice
from sumbench.eval.scores import points
from sumbench.eval.scoring import ScoredRun


def score_table(scored: ScoredRun, title: str) -> str:
    """The table for one run, signature included."""
    ci = f"{scored.signature.confidence * 100:g}% CI of F"
    lines = [title, "",
             f"{'metric':<10} {'P':>6} {'R':>6} {'F':>6}   {ci}",
             f"{'-' * 10} {'-' * 6} {'-' * 6} {'-' * 6}   {'-' * len(ci)}"]
    for rouge_type in scored.rouge_types:
        agg = scored.aggregate[rouge_type]
        f = agg["fmeasure"]
        lines.append(f"{rouge_type:<10} {points(agg['precision'].mid):>6} "
                     f"{points(agg['recall'].mid):>6} {points(f.mid):>6}   "
                     f"[{points(f.low)}, {points(f.high)}]")
    lines += ["", f"signature: {scored.signature}"]
    return "\n".join(lines)


def notice_lines(notices: tuple[Notice, ...] | list[Notice]) -> list[str]:
    """Warnings as lines for stderr."""
    return [f"sumbench: warning: {n.message}" for n in notices]


def diagnostics_table(columns: dict[str, dict[str, float | None]]) -> str:
    """Aggregated summary diagnostics (means over examples), one column per system."""
    from sumbench.eval.diagnostics import DIAGNOSTIC_FIELDS, format_diagnostic

    width = max(len(label) for _, label in DIAGNOSTIC_FIELDS)
    cell = max(9, *(len(n) for n in columns))
    lines = [f"{'diagnostics (mean over examples)':<{width}}  "
             + " ".join(f"{name:>{cell}}" for name in columns)]
    for key, label in DIAGNOSTIC_FIELDS:
        cells = " ".join(f"{format_diagnostic(key, means.get(key)):>{cell}}"
                         for means in columns.values())
        lines.append(f"{label:<{width}}  {cells}")
    return "\n".join(lines)


def side_by_side(runs: list[ScoredRun], names: list[str]) -> str:
    """F of each ROUGE type for several systems on the same references, with intervals."""
    types = runs[0].rouge_types
    width = max(12, *(len(n) for n in names))
    header = f"{'summarizer':<{width}} " + " ".join(f"{t:>22}" for t in types)
    lines = [f"F (%) with {runs[0].signature.confidence * 100:g}% CI", "", header,
             "-" * len(header)]
    for run, name in zip(runs, names):
        cells = []
        for rouge_type in types:
            f = run.aggregate[rouge_type]["fmeasure"]
            cells.append(f"{points(f.mid):>6} [{points(f.low)}, "
                         f"{points(f.high)}]".rjust(22))
        lines.append(f"{name:<{width}} " + " ".join(cells))
    lines += ["", f"signature: {runs[0].signature}"]
    return "\n".join(lines)

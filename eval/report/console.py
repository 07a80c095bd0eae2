"""The console table: one row per ROUGE type with P, R, F and F's confidence interval,
followed by the signature (sacrebleu prints its signature the same way)."""

from __future__ import annotations

from eval.notices import Notice
from eval.scoring import ScoredRun


def percent(value: float) -> str:
    """A 0..1 score as a percentage with two decimals (how ROUGE is usually reported)."""
    return f"{100 * value:6.2f}"


def score_table(scored: ScoredRun, title: str) -> str:
    """The table for one run, signature included."""
    ci = f"{scored.config.confidence * 100:g}% CI of F"
    lines = [title, "",
             f"{'metric':<10} {'P':>6} {'R':>6} {'F':>6}   {ci}",
             f"{'-' * 10} {'-' * 6} {'-' * 6} {'-' * 6}   {'-' * len(ci)}"]
    for rouge_type in scored.rouge_types:
        agg = scored.aggregate[rouge_type]
        f = agg["fmeasure"]
        lines.append(f"{rouge_type:<10} {percent(agg['precision'].mid)} "
                     f"{percent(agg['recall'].mid)} {percent(f.mid)}   "
                     f"[{percent(f.low).strip()}, {percent(f.high).strip()}]")
    lines += ["", f"signature: {scored.signature}"]
    return "\n".join(lines)


def notice_lines(notices: tuple[Notice, ...] | list[Notice]) -> list[str]:
    """Warnings as lines for stderr."""
    return [f"sumbench: warning: {n.message}" for n in notices]

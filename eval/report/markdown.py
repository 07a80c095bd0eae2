"""Markdown reports: run summaries, comparisons and gate verdicts for pull-request comments.

GitHub-flavoured Markdown tables (https://github.github.com/gfm/#tables-extension-).
Output is deterministic -- no dates, no absolute paths (folder names only), fixed number
formats -- so a golden file can guard it (``tests/golden/report.md``).  Every text that
comes from a run (summariser names, folder names, measures, signatures, notes) goes
through :func:`sumbench.eval.report.escape.markdown.escape_markdown`, as text or as a
code span.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..compare import Comparison, unique_names
from ..gate import GateResult
from ..leaderboard import Leaderboard
from .by_language import language_markdown
from .escape.markdown import escape_markdown
from .tables import interval_text, metric_table, number
from ..runs.run import Run
from ..stats.interval import Interval

def interval(i: Interval, scale: float = 100.0, signed: bool = False) -> str:
    return interval_text(i, scale, signed)


def p_value(p: float) -> str:
    return f"{p:.4f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """``align``: one of ``l``/``r`` per column."""
    marks = {"l": "---", "r": "--:"}
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _folder(path: str | None) -> str:
    return Path(path).name if path else "(in memory)"


def runs_section(runs: Sequence[Run], names: Sequence[str]) -> list[str]:
    rows = [[escape_markdown(n),
             escape_markdown(_folder(str(r.path) if r.path else None), code=True, in_table=True),
             str(len(r.ids)), escape_markdown(r.fingerprint[:19], code=True, in_table=True)]
            for r, n in zip(runs, names)]
    return table(["run", "folder", "examples", "reference set"], rows, "llrl")


def scores_section(runs: Sequence[Run], names: Sequence[str]) -> list[str]:
    """One table per metric, headed by the metric and its unit: a row per run and
    measure, each component's mean and the headline's interval (the headline in bold)."""
    lines: list[str] = []
    metrics = list(dict.fromkeys(m for r in runs for m in r.metrics))
    for metric in metrics:
        header: list[str] = []
        rows = []
        title = metric
        for run, name in zip(runs, names):
            result = run.metrics.get(metric)
            if result is None:
                continue
            head, body = metric_table(result)
            header, title = ["run", "measure"] + head[1:], head[0]
            bold = [i for i, c in enumerate(head[1:-1], start=1)
                    if c == result.info.label(result.info.headline)]
            for row in body:
                cells = [f"**{c}**" if i in bold else c for i, c in enumerate(row)]
                rows.append([escape_markdown(name), escape_markdown(cells[0])] + cells[1:])
        if lines:
            lines.append("")
        lines += [f"### {escape_markdown(title)}", ""]
        lines += table([escape_markdown(h) for h in header], rows, "ll" + "r" * (len(header) - 2))
    return lines


def signature_lines(runs: Sequence[Run], names: Sequence[str]) -> list[str]:
    """Each metric's signature; per run when the runs' signatures differ."""
    lines = []
    for metric in dict.fromkeys(m for r in runs for m in r.metrics):
        signatures = {n: str(r.metrics[metric].signature) for r, n in zip(runs, names)
                      if metric in r.metrics}
        distinct = list(dict.fromkeys(signatures.values()))
        if len(distinct) == 1:
            lines.append(f"- {escape_markdown(metric)}: {escape_markdown(distinct[0], code=True)}")
        else:
            lines += [f"- {escape_markdown(metric)}, {escape_markdown(n)}: "
                      f"{escape_markdown(s, code=True)}" for n, s in signatures.items()]
    return ["Signatures:", ""] + lines


def comparison_section(comparison: Comparison) -> list[str]:
    """The comparison table: every system against the first run."""
    level = f"{comparison.settings.confidence * 100:g}"
    if comparison.settings.all_pairs:
        rows = [[escape_markdown(m.label), escape_markdown(m.system),
                 number(m.system_mean, m.scale), escape_markdown(m.baseline),
                 number(m.baseline_mean, m.scale), f"{m.scale * m.difference:+.2f}",
                 interval(m.interval, m.scale, signed=True), p_value(m.bootstrap_p),
                 p_value(m.bootstrap_p_holm), p_value(m.permutation_p),
                 p_value(m.permutation_p_holm), f"{m.wins} / {m.ties} / {m.losses}"]
                for m in comparison.metrics]
        header = ["measure", "system", "score", "against", "score", "difference",
                  f"{level}% CI of difference", "p (paired bootstrap)", "Holm",
                  "p (approx. randomisation)", "Holm", "win / tie / loss"]
        lines = [f"Every pair of the {len(comparison.names)} runs on {comparison.examples} "
                 "examples (points; positive = the system is better); p-values also "
                 "Holm-corrected over the pairs of each measure.", ""]
        lines += table(header, rows, "llrlrrrrrrrr")
        from .pairmatrix import grid_from_comparison, grid_markdown

        for shown in dict.fromkeys(m.label for m in comparison.metrics):
            lines += [""] + grid_markdown(grid_from_comparison(comparison, shown))
    else:
        rows = [[escape_markdown(m.label), escape_markdown(m.system),
                 number(m.system_mean, m.scale), number(m.baseline_mean, m.scale), f"{m.scale * m.difference:+.2f}",
                 interval(m.interval, m.scale, signed=True), p_value(m.bootstrap_p),
                 p_value(m.permutation_p), f"{m.wins} / {m.ties} / {m.losses}"]
                for m in comparison.metrics]
        header = ["measure", "system", "score", f"{escape_markdown(comparison.names[0])} score",
                  "difference", f"{level}% CI of difference", "p (paired bootstrap)",
                  "p (approx. randomisation)", "win / tie / loss"]
        lines = [f"Differences against **{escape_markdown(comparison.names[0])}** (the "
                 "baseline: the first run given, unless --baseline-system names another) on "
                 f"{comparison.examples} examples (points; positive = better than "
                 f"{escape_markdown(comparison.names[0])}).", ""]
        lines += table(header, rows, "llrrrrrrr")
    lines += ["", "Comparison signature" + ("s:" if len(comparison.signatures) > 1 else ":"), ""]
    lines += [f"- {escape_markdown(s, code=True)}" for s in comparison.signatures.values()]
    if comparison.notes:
        lines += [""] + [f"- Note: {escape_markdown(n)}" for n in comparison.notes]
    return lines


def diagnostics_section(runs: Sequence[Run], names: Sequence[str]) -> list[str]:
    """Mean diagnostics per run, when the runs carry them."""
    means = [r.diagnostics_mean or {} for r in runs]
    keys = list(dict.fromkeys(k for m in means for k in m))
    if not keys:
        return []
    from ..diagnostics import diagnostic_label, format_diagnostic

    rows = [[escape_markdown(diagnostic_label(k))]
            + [escape_markdown(format_diagnostic(k, m.get(k))) for m in means] for k in keys]
    return table(["diagnostic"] + [escape_markdown(n) for n in names], rows,
                 "l" + "r" * len(names))


def report_markdown(runs: Sequence[Run], comparison: Comparison | None = None,
                    title: str = "sumbench report", leaderboard: Leaderboard | None = None) -> str:
    """The whole report: runs, scores, signatures, the per-language tables (when the runs'
    examples carry languages), leaderboard, comparison, diagnostics."""
    names = comparison.names if comparison else unique_names(runs)
    lines = [f"# {escape_markdown(title)}", "", "## Runs", ""]
    lines += runs_section(runs, names)
    lines += ["", "## Scores", ""]
    lines += scores_section(runs, names)
    lines += [""] + signature_lines(runs, names)
    languages = language_markdown(runs, names)
    if languages:
        lines += [""] + languages
    if leaderboard is not None:
        from .leaderboard import leaderboard_markdown

        lines += ["", "## Leaderboard", ""] + leaderboard_markdown(leaderboard)
    if comparison is not None:
        lines += ["", "## Comparison", ""] + comparison_section(comparison)
    diagnostics = diagnostics_section(runs, names)
    if diagnostics:
        lines += ["", "## Diagnostics (means)", ""] + diagnostics
    return "\n".join(lines) + "\n"


def gate_markdown(result: GateResult) -> str:
    """The gate's verdict for a pull-request comment."""
    failed = result.failures
    if failed:
        head = (f"### ❌ sumbench check: {len(failed)} of {len(result.outcomes)} gated "
                f"measure{'s' if len(result.outcomes) != 1 else ''} regressed")
    else:
        head = (f"### ✅ sumbench check passed ({len(result.outcomes)} gated "
                f"measure{'s' if len(result.outcomes) != 1 else ''})")
    config = result.config
    rules = []
    if config.max_drop is not None:
        rules.append(f"a drop of more than {config.max_drop:g} points")
    if config.alpha is not None:
        test = {"permutation": "approximate randomisation", "bootstrap": "paired bootstrap",
                "both": "both paired tests"}[config.test]
        rules.append(f"a significant drop ({test}, alpha = {config.alpha:g})")
    rows = [["✅ pass" if o.passed else "❌ fail", escape_markdown(o.metric),
             number(o.baseline_mean, o.scale),
             number(o.current_mean, o.scale), f"{o.difference_points:+.2f}",
             interval(o.interval_points, scale=1.0, signed=True), p_value(o.bootstrap_p),
             p_value(o.permutation_p), f"{o.wins} / {o.ties} / {o.losses}"]
            for o in result.outcomes]
    lines = [head, "",
             f"Current {escape_markdown(result.current_label)} against baseline "
             f"{escape_markdown(result.baseline_label)} on {result.examples} "
             "examples. A measure "
             f"fails on {' or '.join(rules)}.", ""]
    lines += table(["", "measure", "baseline", "current", "difference", "95% CI of difference",
                    "p (paired bootstrap)", "p (approx. randomisation)", "win / tie / loss"],
                   rows, "llrrrrrrr")
    if failed:
        lines += ["", "Reasons:", ""] + [f"- **{escape_markdown(o.metric)}**: "
                                         f"{escape_markdown(o.reason)}" for o in failed]
    if result.notes:
        lines += [""] + [f"- Note: {escape_markdown(n)}" for n in result.notes]
    source = (f" (gate from {escape_markdown(Path(result.config_file).name, code=True)})"
              if result.config_file else "")
    lines += ["", f"Signature{source}:", ""]
    lines += [f"- {escape_markdown(s, code=True)}" for s in result.signature.split("\n")]
    return "\n".join(lines) + "\n"

"""Markdown reports: run summaries, comparisons and gate verdicts for pull-request comments.

GitHub-flavoured Markdown tables (https://github.github.com/gfm/#tables-extension-).
Output is deterministic -- no dates, no absolute paths (folder names only), fixed number
formats -- so a golden file can guard it (``tests/golden/report.md``).  Every text that
comes from a run (summariser names, folder names, notes) goes through :func:`cell`,
which escapes the characters that Markdown tables and inline HTML would interpret
(``>`` is left alone: it only means a quote at the start of a line, never in a cell).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from sumbench.eval.compare import Comparison, RunData, as_run_data, unique_names
from sumbench.eval.gate import GateResult
from sumbench.eval.runs.folder import SavedRun
from sumbench.eval.scores import Interval, points

_ESCAPES = {"|": "\\|", "<": "&lt;", "&": "&amp;", "`": "\\`", "*": "\\*",
            "_": "\\_", "[": "\\[", "]": "\\]", "\n": " ", "\r": " "}


def cell(text: object) -> str:
    """Text made safe for a table cell: no HTML, no pipes, no emphasis, one line."""
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def code(text: str) -> str:
    """An inline code span that survives backticks in ``text``."""
    fence = "``" if "`" in text else "`"
    return f"{fence}{text.replace(chr(10), ' ')}{fence}"


def interval(i: Interval, scale: float = 100.0, signed: bool = False) -> str:
    fmt = "{:+.2f}" if signed else "{:.2f}"
    return f"[{fmt.format(scale * i.low)}, {fmt.format(scale * i.high)}]"


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


def runs_section(runs: Sequence[RunData], names: Sequence[str]) -> list[str]:
    rows = [[cell(n), code(_folder(r.path)), str(len(r.ids)), code(r.fingerprint[:19])]
            for r, n in zip(runs, names)]
    return table(["run", "folder", "examples", "reference set"], rows, "llrl")


def scores_section(runs: Sequence[RunData], names: Sequence[str], confidence: str) -> list[str]:
    rows = []
    for run, name in zip(runs, names):
        for rouge_type, s in run.scores.items():
            rows.append([cell(name), rouge_type, points(s["precision"].mid),
                         points(s["recall"].mid), f"**{points(s['fmeasure'].mid)}**",
                         interval(s["fmeasure"])])
    return table(["run", "metric", "P", "R", "F", f"{confidence}% CI of F"], rows, "llrrrr")


def signature_lines(runs: Sequence[RunData], names: Sequence[str]) -> list[str]:
    signatures = dict.fromkeys(str(r.signature) for r in runs)
    if len(signatures) == 1:
        return [f"Signature: {code(next(iter(signatures)))}"]
    return ["Signatures:", ""] + [f"- {cell(n)}: {code(str(r.signature))}"
                                  for r, n in zip(runs, names)]


def comparison_section(comparison: Comparison) -> list[str]:
    """The comparison table: every system against the first run."""
    level = f"{comparison.settings.confidence * 100:g}"
    rows = [[m.metric, cell(m.system), points(m.system_mean), points(m.baseline_mean),
             f"{100 * m.difference:+.2f}", interval(m.interval, signed=True),
             p_value(m.bootstrap_p), p_value(m.permutation_p),
             f"{m.wins} / {m.ties} / {m.losses}"]
            for m in comparison.metrics]
    header = ["metric", "system", "score", f"{cell(comparison.names[0])} score",
              "difference", f"{level}% CI of difference", "p (paired bootstrap)",
              "p (approx. randomisation)", "win / tie / loss"]
    lines = [f"Differences against **{cell(comparison.names[0])}** on "
             f"{comparison.examples} examples (points; positive = better than "
             f"{cell(comparison.names[0])}).", ""]
    lines += table(header, rows, "llrrrrrrr")
    lines += ["", f"Comparison signature: {code(comparison.signature)}"]
    if comparison.notes:
        lines += [""] + [f"- Note: {cell(n)}" for n in comparison.notes]
    return lines


def diagnostics_section(runs: Sequence[SavedRun], names: Sequence[str]) -> list[str]:
    """Mean diagnostics per run, when the runs carry ``results["diagnostics"]["mean"]``."""
    means = [(r.results.get("diagnostics") or {}).get("mean") or {} for r in runs]
    keys = list(dict.fromkeys(k for m in means for k in m))
    if not keys:
        return []
    from sumbench.eval.diagnostics import diagnostic_label, format_diagnostic

    rows = [[cell(diagnostic_label(k))] + [format_diagnostic(k, m.get(k)) for m in means]
            for k in keys]
    return table(["diagnostic"] + [cell(n) for n in names], rows, "l" + "r" * len(names))


def report_markdown(runs: Sequence[SavedRun], comparison: Comparison | None = None,
                    title: str = "sumbench report") -> str:
    """The whole report: runs, scores, signature, comparison and diagnostics."""
    data = [as_run_data(r) for r in runs]
    names = comparison.names if comparison else unique_names(data)
    confidence = f"{data[0].signature.confidence * 100:g}"
    lines = [f"# {cell(title)}", "", "## Runs", ""]
    lines += runs_section(data, names)
    lines += ["", "## Scores", ""]
    lines += scores_section(data, names, confidence)
    lines += [""] + signature_lines(data, names)
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
                f"metric{'s' if len(result.outcomes) != 1 else ''} regressed")
    else:
        head = (f"### ✅ sumbench check passed ({len(result.outcomes)} gated "
                f"metric{'s' if len(result.outcomes) != 1 else ''})")
    config = result.config
    rules = []
    if config.max_drop is not None:
        rules.append(f"a drop of more than {config.max_drop:g} points of F")
    if config.alpha is not None:
        test = {"permutation": "approximate randomisation", "bootstrap": "paired bootstrap",
                "both": "both paired tests"}[config.test]
        rules.append(f"a significant drop ({test}, alpha = {config.alpha:g})")
    rows = [["✅ pass" if o.passed else "❌ fail", o.metric, points(o.baseline_mean),
             points(o.current_mean), f"{o.difference_points:+.2f}",
             interval(o.interval_points, scale=1.0, signed=True), p_value(o.bootstrap_p),
             p_value(o.permutation_p), f"{o.wins} / {o.ties} / {o.losses}"]
            for o in result.outcomes]
    lines = [head, "",
             f"Current {code(_folder(result.current))} against baseline "
             f"{code(_folder(result.baseline))} on {result.examples} examples. A metric "
             f"fails on {' or '.join(rules)}.", ""]
    lines += table(["", "metric", "baseline F", "current F", "difference", "95% CI of difference",
                    "p (paired bootstrap)", "p (approx. randomisation)", "win / tie / loss"],
                   rows, "llrrrrrrr")
    if failed:
        lines += ["", "Reasons:", ""] + [f"- **{o.metric}**: {cell(o.reason)}" for o in failed]
    if result.notes:
        lines += [""] + [f"- Note: {cell(n)}" for n in result.notes]
    source = f" (gate from {code(Path(result.config_file).name)})" if result.config_file else ""
    lines += ["", f"Signature: {code(result.signature)}{source}"]
    return "\n".join(lines) + "\n"

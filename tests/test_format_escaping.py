"""Every output format escapes what it did not write itself (issue 18, acceptance 2).

Hostile strings -- line breaks, ``%``, ``\\input{/etc/passwd}``, braces, pipes,
backticks, ``<script>``, spreadsheet formulas, control characters, NUL, lone
surrogates, bidi overrides -- go in as run and system names, measure names, signature
fields, ids, predictions, notes and gate reasons, built in memory through the public
types, and every format is checked for its own invariant:

* LaTeX: every line is a ``%`` comment, a structural line sumbench writes, or a table
  row whose cells hold no special character but the escapes of
  :data:`~sumbench.eval.report.escape.latex.SPECIALS`; no line break other than the
  ones sumbench writes (so a comment stays one line);
* Markdown: every table row has its header's number of (unescaped) pipes, nothing
  starts HTML (``<``), code spans close where they should;
* CSV: a text cell never starts with a formula character, numbers parse back;
* HTML: no tag but the template's, hostile ``<script>`` shows as text;
* JUnit XML: parses, and every text reads back as the escaping function gave it;
* JSON: parses back to the same values, with no control character raw;
* terminal: no control character but newline, and the same number of lines as with
  harmless names.

The LaTeX is also compiled by ``pdflatex -no-shell-escape`` on a few cases, with
``-recorder`` listing every file TeX opened: the hostile ``\\input`` never runs.
"""

from __future__ import annotations

import csv
import json
import io
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_util import sumbench
from latex_util import document as latex_document, needs_latex
from fake_runs import SIGNATURE_FIELDS, make_run
from sumbench.common.terminal import escape_controls
from sumbench.eval.compare import CompareSettings, compare_runs
from sumbench.eval.gate import GateConfig, check_runs
from sumbench.eval.leaderboard import LeaderboardSettings, build_leaderboard
from sumbench.eval.report import leaderboard as boards
from sumbench.eval.report.console import score_table, side_by_side
from sumbench.eval.report.escape.csv import FORMULA_STARTS, escape_csv
from sumbench.eval.report.escape.html import escape_html
from sumbench.eval.report.escape.json import escape_json
from sumbench.eval.report.escape.latex import SPECIALS, escape_latex
from sumbench.eval.report.escape.markdown import escape_markdown
from sumbench.eval.report.escape.xml import escape_xml
from sumbench.eval.report.html import page
from sumbench.eval.report.junit import gate_junit_xml
from sumbench.eval.report.markdown import comparison_section, gate_markdown, report_markdown
from sumbench.eval.signature import Signature

PIECES = ["\n", "\r", "\r\n", "%", "\\input{/etc/passwd}", "\\", "}", "{", "|", "`", "``",
          "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\t",
          "\x00", "\x1b[31m", "\x0b", "\x0c", "\x85", "\u2028", "\u202e", "\u2066", "\ufeff",
          "\ufffe", "\ud800", "\udfff", "$\\x$", "#", "&", "~", "^", "_", "[l](javascript:x)",
          "**b**", "\\|", "&amp;", "]]>", "\"'", "\\\\", "^^J", "Müller", " "]
# What a run folder can hold (no lone surrogates: no UTF-8 file can) and a signature
# field can hold (no "|", which separates its fields; no ":" in a key).
FOLDER_PIECES = [p for p in PIECES if not any(0xD800 <= ord(c) <= 0xDFFF for c in p)]

hostile = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), min_size=1,
                   max_size=6).map("".join)


def distinct(count: int):
    return st.lists(hostile, min_size=count, max_size=count,
                    unique_by=lambda s: s).filter(lambda xs: len(set(xs)) == count)


# --- building hostile runs and boards ------------------------------------------------


def runs_for(names, measures, field, ids, prediction):
    """Runs whose names, measures, a signature field and the metric's unit (a table
    header; read from results.json) are hostile."""
    signature = Signature("rouge", tuple(SIGNATURE_FIELDS) + ((f"k{field}", field),))
    base = np.linspace(0.2, 0.6, len(ids))
    runs = [make_run(name, {m: base * (1 - 0.1 * k) + 0.04 * i for k, m in enumerate(measures)},
                     ids=tuple(ids), predictions=tuple(f"{prediction} {i}" for i in ids),
                     signature=signature, fingerprint="f" * 64)
            for i, name in enumerate(names)]
    return [replace(run, metrics={"rouge": replace(run.metrics["rouge"], info=replace(
        run.metrics["rouge"].info, unit=f"u{field}"))}) for run in runs]


def board_for(runs, note, baseline: bool = False):
    """The runs' leaderboard with a hostile note; ``baseline``: with a "vs" column against
    the second run (a hostile name in a header)."""
    board = build_leaderboard(runs, LeaderboardSettings(
        permutations=100, bootstrap_samples=50, baseline=runs[1].name if baseline else None))
    return replace(board, notes=(*board.notes, note))


@st.composite
def cases(draw):
    """Hostile runs and a harmless twin with the same shape (for line counts)."""
    names = draw(distinct(3))
    measures = draw(distinct(2))
    ids = [f"{i}{x}" for i, x in enumerate(draw(distinct(4)))]
    field, prediction, note = draw(hostile), draw(hostile), draw(hostile)
    return (runs_for(names, measures, field, ids, prediction), note,
            runs_for(["a", "b", "c"], ["m1", "m2"], "v", [str(i) for i in range(4)], "p"))


SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the invariants ----------------------------------------------------------------

_LATEX_ESCAPES = re.compile("|".join(re.escape(v) for v in SPECIALS.values()))
_STRUCTURE = re.compile(r"\\(?:top|mid|bottom)rule|\\end\{tabular\}"
                        r"|\\begin\{tabular\}\{[rl]+\}")
# What sumbench itself writes inside a cell: an interval in a smaller size, a minus sign,
# a significance mark.
_LATEX_OWN = re.compile(r"\{\\small\[|\]\}|\$[-+]\$|\$\^\{\*\}\$")


def assert_inert_latex(doc: str, columns: int) -> None:
    doc.encode("utf-8")  # no lone surrogate: the file can be written
    lines = doc.split("\n")
    assert lines[-1] == "" and doc.splitlines() == lines[:-1], "a line break from data"
    for line in lines[:-1]:
        assert escape_controls(line, newlines=True) == line, line
        if line.startswith("%") or _STRUCTURE.fullmatch(line):
            continue
        assert line.endswith(" \\\\"), line
        cells = line[:-3].split(" & ")
        assert len(cells) == columns, line
        for cell in cells:
            left = _LATEX_ESCAPES.sub("", _LATEX_OWN.sub("", cell).replace("\\%", ""))
            assert not set(left) & set("\\{}$&#^_~%<>|"), (cell, left)


def _pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def outside_code(line: str) -> str:
    """``line`` with its code spans (CommonMark 6.1) cut out; a backtick string that
    opens no span is kept."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\":
            out.append(line[i:i + 2])
            i += 2
        elif line[i] == "`":
            j = i
            while j < len(line) and line[j] == "`":
                j += 1
            close = re.compile(f"(?<!`){line[i:j]}(?!`)").search(line, j)
            out.append(" " if close else line[i:j])
            i = close.end() if close else j
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def assert_markdown_tables_hold(doc: str) -> None:
    doc.encode("utf-8")
    assert "\r" not in doc
    for line in doc.split("\n"):
        assert escape_controls(line, newlines=True) == line, line
        text = outside_code(line)
        assert "<" not in text and not re.search(r"(?<!\\)`", text), line
    blocks = re.findall(r"(?m)(?:^\|.*\n?)+", doc)
    assert blocks
    for block in blocks:
        rows = block.rstrip("\n").split("\n")
        assert len(rows) >= 3  # header, rule, at least one row: none broken off
        assert len({_pipes(r) for r in rows}) == 1, rows
        assert all(r.endswith(" |") for r in rows), rows
    for fence, rest in re.findall(r"(?m)^- (`+)(.*)$", doc):  # a code span closes at its end
        assert rest.endswith(fence), rest
        assert all(len(run) != len(fence) for run in re.findall("`+", rest[:-len(fence)]))


PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def assert_csv_defused(text: str, names) -> None:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(names)
    assert {r[3] for r in body} == {escape_csv(n) for n in names}
    # text columns: the system, what the win rate counts (a measure name), the baseline
    text_columns = {3} | {k for k, h in enumerate(header)
                          if h in ("win_rate_measure", "baseline")}
    assert "win_rate_measure" in header
    for row in rows:
        assert len(row) == len(header)
        for k, cell in enumerate(row):
            if row is header or k in text_columns:  # no formula (a plain number is none)
                assert not cell.startswith(FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(cell), cell
            elif not (cell == "" and header[k] == "vs_baseline_adjusted_p"):  # the baseline's
                float(cell)  # numbers stay numbers


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes |= {name for name, _ in attrs}


TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3",
                 "h4", "p", "nav", "a", "section", "div", "table", "thead", "tbody", "tr",
                 "th", "td", "br", "small", "code", "img", "details", "summary", "mark",
                 "span", "b"}


def assert_html_inert(doc: str) -> None:
    doc.encode("utf-8")
    parser = Tags()
    parser.feed(doc)
    assert set(parser.tags) <= TEMPLATE_TAGS, set(parser.tags) - TEMPLATE_TAGS
    assert parser.attributes <= {"lang", "charset", "http-equiv", "content", "name", "class",
                                 "id", "href", "alt", "src"}
    assert escape_controls(doc) == doc


def assert_json_round_trips(data) -> None:
    text = escape_json(data)
    text.encode("utf-8")
    assert escape_controls(text) == text
    assert json.loads(text) == json.loads(json.dumps(data))


def assert_terminal_clean(text: str, harmless: str) -> None:
    assert escape_controls(text) == text
    assert "\r" not in text
    assert text.count("\n") == harmless.count("\n")


# --- the property tests ------------------------------------------------------------


@pytest.mark.parametrize("baseline", [False, True])
@SETTINGS
@given(cases())
def test_leaderboard_formats_escape_hostile_strings(baseline, case):
    runs, note, twin = case
    board, plain = board_for(runs, note, baseline), board_for(twin, "a note", baseline)
    assert_inert_latex(boards.leaderboard_latex(board),
                       columns=len(board.measures) + 4 + baseline)
    assert (boards.leaderboard_latex(board).count("\n")
            == boards.leaderboard_latex(plain).count("\n"))
    assert_markdown_tables_hold("\n".join(boards.leaderboard_markdown(board)) + "\n")
    assert_csv_defused(boards.leaderboard_csv(board), [r.name for r in runs])
    assert_html_inert(page("sumbench leaderboard", boards.leaderboard_html(board)))
    assert_terminal_clean(boards.leaderboard_text(board), boards.leaderboard_text(plain))
    assert_json_round_trips(board.to_dict())


@SETTINGS
@given(cases())
def test_reports_and_console_escape_hostile_strings(case):
    runs, note, twin = case
    settings_ = CompareSettings(bootstrap_samples=50, permutations=100)
    comparison = compare_runs(runs, settings_)
    comparison = replace(comparison, notes=(*comparison.notes, note))
    plain = compare_runs(twin, settings_)
    assert_markdown_tables_hold(report_markdown(runs, comparison, title=note,
                                                leaderboard=board_for(runs, note)))
    assert_markdown_tables_hold("\n".join(comparison_section(comparison)) + "\n")
    every = compare_runs(runs, replace(settings_, all_pairs=True))  # with its matrices
    assert_markdown_tables_hold("\n".join(comparison_section(every)) + "\n")
    assert_terminal_clean(side_by_side(runs, comparison.names),
                          side_by_side(twin, plain.names))
    assert_terminal_clean(score_table(runs[0], runs[0].name), score_table(twin[0], "a"))


@SETTINGS
@given(cases(), hostile, hostile.filter(lambda s: s.strip("/. ")))
def test_gate_junit_and_markdown_escape_hostile_strings(case, reason, folder):
    runs, note, twin = case
    result = check_runs(twin[0], twin[1], GateConfig(metrics=("m1", "m2"), permutations=100,
                                                     bootstrap_samples=50))
    measures = list(runs[0].metrics["rouge"].scores)
    outcomes = tuple(replace(o, metric=measures[k], reason=reason + o.reason, passed=k % 2 == 0)
                     for k, o in enumerate(result.outcomes))
    result = replace(result, outcomes=outcomes, notes=(note,), current=f"/x/{folder}",
                     baseline=f"/y/{folder}", config_file=f"/z/{folder}",
                     signature=str(runs[0].metrics["rouge"].signature))
    doc = gate_junit_xml(result)
    root = ET.fromstring(doc.encode("utf-8"))
    cases_ = root.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases_] == [escape_xml(o.metric) for o in outcomes]
    for case_, outcome in zip(cases_, outcomes):
        failure = case_.find("failure")
        if outcome.passed:
            assert failure is None and case_.find("system-out").text.startswith(
                escape_xml(outcome.reason))
        else:
            assert failure.get("message") == escape_xml(outcome.reason)
            assert failure.text.startswith(escape_xml(outcome.reason))
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["signature"] == escape_xml(result.signature)
    assert properties["config_file"] == escape_xml(result.config_file)
    markdown = gate_markdown(result)
    assert_markdown_tables_hold(markdown)


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_each_escaping_function_keeps_its_invariant(text):
    latex = escape_latex(text)
    assert escape_controls(latex, newlines=True) == latex
    assert not set(_LATEX_ESCAPES.sub("", latex)) & set("\\{}$&#^_~%<>|")
    comment = escape_latex(text, comment=True)
    assert len(("%" + comment).splitlines()) == 1
    comment.encode("utf-8")
    cell = escape_markdown(text)
    assert "\n" not in cell and "<" not in cell and _pipes(cell) == 0
    span = escape_markdown(text, code=True, in_table=True)
    assert _pipes(span) == 0 and "\n" not in span
    defused = escape_csv(text)
    assert not str(defused).startswith(FORMULA_STARTS) or PLAIN_NUMBER.fullmatch(text)
    html = escape_html(text)
    assert "<" not in html and ">" not in html
    html.encode("utf-8")
    assert_json_round_trips({text: [text]})
    xml = escape_xml(text)
    root = ET.fromstring(ET.tostring(ET.Element("a", {"v": xml}), encoding="utf-8"))
    assert root.get("v") == xml
    element = ET.Element("a")
    element.text = xml
    assert ET.fromstring(ET.tostring(element, encoding="utf-8")).text == (xml or None)


def test_csv_numbers_stay_numbers_and_formulas_get_a_quote():
    assert escape_csv(-1.5) == -1.5 and escape_csv(3) == 3
    assert escape_csv("-0.125000") == "-0.125000" and escape_csv("3e-05") == "3e-05"
    for formula in ("=1+1", "+A1", "-2+3", "@SUM(A1)", "\tx", "=cmd|' /C calc'!A0"):
        assert escape_csv(formula).startswith("'"), formula
    assert escape_csv("\rx") == "'\\u000dx"
    assert escape_csv("plain") == "plain"


# --- LaTeX through pdflatex -----------------------------------------------------------

COMPILED = [
    # (names, measures, signature field)
    (["a\n\\input{sentinel}", "b%\n\\input{/etc/passwd}", "c}\\end{tabular}\\input{sentinel}"],
     ["m\n\\input{sentinel}", "n\r\\input{/etc/passwd}%"], "x\n\\input{sentinel}\n"),
    (["\x00\x1b[31m\x07red", "\u202eevil\u2066", "{\\catcode`\\%=12}"],
     ["#$%&_^~\\{}<>|", "\x0c\x0b\x85\u2028x"], "\r\\input{sentinel}\r"),
    (["\\\\ \\hline \\\\[9pt]", "^^J\\input{sentinel}", "Müller & Søn"],
     ["``quoted''", "--- - \\par\n\n\\par"], "\\write18{touch pwned}"),
]


@needs_latex
@pytest.mark.parametrize("names, measures, field", COMPILED)
def test_hostile_latex_compiles_and_inputs_nothing(names, measures, field, tmp_path):
    board = board_for(runs_for(names, measures, field, ["1", "2", "3", "4"], "p"), field)
    assert_inert_latex(boards.leaderboard_latex(board), columns=len(measures) + 4)
    assert_latex_compiles_inertly(boards.leaderboard_latex(board), tmp_path)


def assert_latex_compiles_inertly(table: str, folder) -> None:
    """Compile ``table`` in a document; fail if TeX opened the sentinel or /etc/passwd, or
    ran a shell command."""
    (folder / "sentinel.tex").write_text("\\errmessage{SENTINEL-RAN}\n")
    (folder / "board.tex").write_text(latex_document(table), encoding="utf-8")
    built = subprocess.run(["pdflatex", "-no-shell-escape", "-halt-on-error",
                            "-interaction=nonstopmode", "-recorder", "board.tex"],
                           cwd=folder, capture_output=True, text=True, timeout=120)
    log = (folder / "board.log").read_text(errors="replace")
    assert built.returncode == 0, log[-3000:]
    assert (folder / "board.pdf").read_bytes()[:5] == b"%PDF-"
    opened = (folder / "board.fls").read_text(errors="replace")
    assert "sentinel" not in opened and "/etc/passwd" not in opened, opened
    assert "SENTINEL-RAN" not in log and "root:x:0" not in log
    assert not (folder / "pwned").exists()


# --- through the real CLI: the crafted run folders ----------------------------

SIGNATURE_ATTACK = "x\n\\input{sentinel}\n%"  # what issue 18 found: the comment ends
NAMES = ("sys\x1b[31m\x07\x00\u202e", "b\r\\input{sentinel}\n=cmd|' /C calc'!A0")
MEASURES = ("r1\n\\input{sentinel}%", "m2}{<script>|`")


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    """Two run folders written by the real ``Run.save``, whose run names, measure names
    and a signature field are hostile; every read check passes them."""
    folder = tmp_path_factory.mktemp("crafted")
    signature = Signature("rouge", tuple(SIGNATURE_FIELDS) + (("evil", SIGNATURE_ATTACK),))
    base = np.linspace(0.2, 0.6, 12)
    paths = []
    for i, name in enumerate(NAMES):
        columns = {MEASURES[0]: base + 0.05 * i, MEASURES[1]: base * 0.8 + 0.01 * i}
        paths.append(str(make_run(name, columns, signature=signature).save(folder / f"run{i}")))
    return paths


@needs_latex
def test_cli_leaderboard_latex_of_crafted_folders_is_inert_and_compiles(crafted, tmp_path):
    out = tmp_path / "board.tex"
    done = sumbench("leaderboard", *crafted, "--format", "latex", "--permutations", "200",
                    "-o", out)
    assert done.code == 0, done.err
    table = out.read_text(encoding="utf-8")
    assert "% metric:rouge|" in table and "\\input{sentinel}" in table  # inside the comment
    assert_inert_latex(table, columns=len(MEASURES) + 4)
    assert_latex_compiles_inertly(table, tmp_path)


def test_cli_every_format_of_crafted_folders_is_inert(crafted, tmp_path):
    def board(fmt: str) -> str:
        done = sumbench("leaderboard", *crafted, "--format", fmt, "--permutations", "200",
                        "-o", tmp_path / fmt)
        assert done.code == 0 and done.err.count("\n") == 1, done.err
        return (tmp_path / fmt).read_text(encoding="utf-8")

    assert_markdown_tables_hold(board("md"))
    assert_csv_defused(board("csv"), NAMES)
    assert_html_inert(board("html"))
    assert {e["name"] for e in json.loads(board("json"))["entries"]} == set(NAMES)
    text = board("text")
    assert escape_controls(text) == text and len(text.splitlines()) == 11, text
    done = sumbench("report", *crafted, "--format", "md", "--permutations", "200")
    assert done.code == 0, done.err
    assert_markdown_tables_hold(done.out)
    junit = tmp_path / "junit.xml"
    done = sumbench("check", crafted[0], "--baseline", crafted[1], "--junit", junit,
                    "--gate-metrics", ",".join(MEASURES), "--permutations", "200")
    assert done.code == 1, done.err  # run0 is 5 points below run1: a regression
    root = ET.parse(junit).getroot()
    assert [c.get("name") for c in root.iter("testcase")] == [escape_xml(m) for m in MEASURES]
    assert escape_xml(SIGNATURE_ATTACK) in {p.get("value") for p in root.iter("property")
                                            if p.get("name") == "signature"}.pop()


# --- meta-evaluation and the whole HTML report (they draw plots: fewer examples) --------

FEW = settings(max_examples=8, deadline=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def meta_for(metrics, judgments, systems, field):
    from sumbench.eval.meta.evaluate import MetaSettings, meta_evaluate
    from sumbench.eval.meta.table import ScoreTable

    rng = np.random.default_rng(0)

    def table(name, **extra):
        return ScoreTable(name, {(s, f"d{d}"): float(rng.normal()) for s in systems
                                 for d in range(4)}, source=f"{field}.jsonl:{name}", **extra)

    return meta_evaluate([table(m, metric=m, signature=f"metric:{m}|x:{field}") for m in metrics],
                         [table(j) for j in judgments],
                         MetaSettings(resampling=None, tests="all", permutations=20))


@FEW
@given(distinct(4).filter(all), distinct(3), hostile)
def test_meta_formats_escape_hostile_strings(names, systems, field):
    from sumbench.eval.report import meta as show

    metrics, judgments = names[:2], names[2:]  # distinct, not empty: a line each
    result = meta_for(metrics, judgments, systems, field)
    plain = meta_for(["m1", "m2"], ["j1", "j2"], ["a", "b", "c"], "f")
    assert_terminal_clean(show.console_text(result), show.console_text(plain))
    assert_markdown_tables_hold(show.markdown_document(result, title=field))
    assert_html_inert(show.html_document(result, title=field))
    assert_json_round_trips(result.to_dict())


@FEW
@given(cases())
def test_html_report_escapes_hostile_strings(case):
    from sumbench.eval.report.html import render_html

    runs, note, _ = case
    comparison = compare_runs(runs, CompareSettings(bootstrap_samples=50, permutations=100))
    comparison = replace(comparison, notes=(note,))
    doc = render_html(runs, comparison, k=2, title=note, leaderboard=board_for(runs, note))
    assert_html_inert(doc)
    assert escape_html(runs[0].predictions[0]) in doc

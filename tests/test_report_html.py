"""Tests for the HTML report: escaping of untrusted text, self-containment, highlighting,
and rendering in headless Chromium with no console messages (CSP violations and script
errors are console messages) and no external requests."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sumbench.eval.compare import CompareSettings, compare_runs
from sumbench.eval.report.escape.html import escape_html
from sumbench.eval.report.html import CSP, highlight, render_html
from sumbench.eval.runs.folder import PER_EXAMPLE, load_run
from fake_runs import redigest, synthetic_f, write_run

pytest.importorskip("matplotlib")

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "h4",
                "p", "nav", "a", "section", "table", "thead", "tbody", "tr", "th", "td", "code",
                "img", "div", "span", "b", "mark", "details", "summary"}
EVIL = '<script>alert("pwned")</script><img src=x onerror=alert(1)> & "quotes"'


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def evil_report(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("evil")
    predictions = tuple([EVIL] + [f"Plain summary {i}." for i in range(1, 12)])
    a = write_run(tmp / "a", "base<b>line", synthetic_f(12, seed=1), predictions=predictions,
                  diagnostics={"mean": {"novel<i>": 0.25}})
    b = write_run(tmp / "b", "cand</td>idate", synthetic_f(12, seed=2))
    # Per-example diagnostics with an untrusted key.
    rows = [json.loads(line) for line in (a / PER_EXAMPLE).read_text().splitlines()]
    for row in rows:
        row["diagnostics"] = {"copy<rate>": 0.5}
    (a / PER_EXAMPLE).write_text("".join(json.dumps(r) + "\n" for r in rows))
    redigest(a)  # the edit above, recorded as sumbench would have written it
    runs = [load_run(a), load_run(b)]
    comparison = compare_runs(runs, CompareSettings(bootstrap_samples=200, permutations=500))
    return render_html(runs, comparison, k=12)


def test_untrusted_text_is_escaped(evil_report):
    tags = parse(evil_report)
    assert {t for t, _ in tags} <= ALLOWED_TAGS
    assert not any(a.startswith("on") for _, attrs in tags for a in attrs)
    assert re.search(r"<script", evil_report, re.IGNORECASE) is None
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in evil_report
    assert "base&lt;b&gt;line" in evil_report and "cand&lt;/td&gt;idate" in evil_report
    assert "novel&lt;i&gt;" in evil_report and "copy&lt;rate&gt;" in evil_report


def test_self_contained(evil_report):
    tags = parse(evil_report)
    csp = [a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == [CSP]
    images = [a["src"] for t, a in tags if t == "img"]
    assert len(images) == 3 and all(s.startswith("data:image/png;base64,") for s in images)
    assert all(a["href"].startswith("#") for t, a in tags if t == "a")
    assert not any(t == "link" for t, _ in tags)
    assert "url(" not in evil_report and "@import" not in evil_report


def test_sections(evil_report):
    ids = [a.get("id") for t, a in parse(evil_report) if t == "section"]
    assert ids == ["summary", "comparison", "distributions", "length", "diagnostics", "examples"]
    assert "p (approx. randomisation)" in evil_report
    # k=12 on 12 examples of two runs: every example once, both predictions on its card
    assert evil_report.count('<div class="card">') == 12
    assert "articles and references not shown" not in evil_report
    assert "Article 0. It has words in it." in evil_report


def test_best_before_worst_in_score_order(tmp_path):
    run = load_run(write_run(tmp_path / "r", "solo", synthetic_f(20, seed=4)))
    html = render_html([run], k=3, rank_by="rouge1")
    scores = [float(s) for s in re.findall(r"rouge1 F (\d+\.\d\d)</span>", html)]
    f = sorted(run.values(run.resolve("rouge1")) * 100)
    assert scores[:3] == pytest.approx(f[::-1][:3], abs=0.006)
    assert scores[3:] == pytest.approx(f[:3], abs=0.006)
    assert 'id="comparison"' in html and 'id="diagnostics"' not in html


def test_articles_and_references_from_the_fixtures(tmp_path):
    from sumbench.eval.data import load_reference_set
    from sumbench.eval.pipeline import evaluate_summarizer

    references = load_reference_set(limit=4)
    evaluate_summarizer(references, "lead-1").save(tmp_path / "run")
    html = render_html([load_run(tmp_path / "run")], k=4)
    example = references.examples[0]
    assert "articles and references not shown" not in html
    assert '<mark class="bi">' in html
    assert "<details><summary>article (" in html
    assert example.article.split("\n")[0] in unescape(re.sub(r"<[^>]+>", "", html))


def test_highlight_marks_shared_bigrams_and_content_words():
    out = highlight("The cat sat on the mat near Paris.", "A cat sat there; the mat was in Paris")
    assert '<mark class="bi">cat sat</mark>' in out
    assert '<mark class="bi">the mat</mark>' in out
    assert '<mark class="uni">Paris</mark>' in out
    assert out.startswith("The ")  # "the" alone is a stop word, not marked
    assert highlight("4.9 billion", "about 4.9 billion") == '<mark class="bi">4.9 billion</mark>'
    # Tag letters are words too ("b"), so "bold" and "move" are not adjacent here.
    assert highlight("<b>bold</b> move", "bold move") == (
        '&lt;b&gt;<mark class="uni">bold</mark>&lt;/b&gt; <mark class="uni">move</mark>')


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_highlight_only_adds_marks(text, other):
    out = highlight(text, other)
    # The text as escape_html shows it (control characters as \uXXXX), marks added only.
    assert re.sub(r'</?mark[^>]*>', "", out) == escape_html(text)
    assert re.sub(r'</?mark( class="(bi|uni)")?>', "", out).count("<") == 0


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package 'chromium')")
class TestChromium:
    """Open the report in headless Chromium; any console line means an error or a blocked request."""

    FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]

    def chromium(self, tmp_path: Path, page: Path, *extra: str) -> subprocess.CompletedProcess:
        profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
        return subprocess.run([CHROMIUM, *self.FLAGS, f"--user-data-dir={profile}", *extra,
                               page.as_uri()], capture_output=True, text=True, timeout=120)

    @staticmethod
    def console_lines(stderr: str) -> list[str]:
        return [line for line in stderr.splitlines() if ":CONSOLE" in line]

    def test_renders_without_console_errors_or_requests(self, tmp_path, evil_report):
        page = tmp_path / "report.html"
        page.write_text(evil_report, encoding="utf-8")
        done = self.chromium(tmp_path, page, "--dump-dom")
        assert done.returncode == 0, done.stderr[-2000:]
        assert self.console_lines(done.stderr) == []
        dom = done.stdout
        assert "<h2>Examples where the systems disagree most</h2>" in dom
        assert re.search(r"<script", dom, re.IGNORECASE) is None
        assert "&lt;script&gt;alert(\"pwned\")&lt;/script&gt;" in dom
        assert dom.count("data:image/png;base64,") == 3
        shot = tmp_path / "report.png"
        done = self.chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1280,2400")
        assert done.returncode == 0 and self.console_lines(done.stderr) == []
        header = shot.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(header[16:20], "big") == 1280

    def test_detector_sees_blocked_requests_and_errors(self, tmp_path):
        # The check above must be able to fail: the same CSP with an external image and a
        # script produces console lines.
        page = tmp_path / "bad.html"
        page.write_text(f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
                        f'content="{CSP}"></head><body><img src="https://example.invalid/x.png">'
                        "<script>console.error('x')</script></body></html>", encoding="utf-8")
        done = self.chromium(tmp_path, page, "--dump-dom")
        lines = self.console_lines(done.stderr)
        assert any("example.invalid" in line for line in lines)
        assert any("inline script" in line.lower() for line in lines)


# ---------------------------------------------------------------- many systems (issue 12)

MANY = [f"system_{k:02d} & <b>{'x' * (k % 5)}</b>" for k in range(25)]


@pytest.fixture(scope="module")
def many_systems_report(tmp_path_factory) -> Path:
    """A study of 25 systems on examples with three references, reported as HTML."""
    import sumbench
    from cli_util import sumbench as cli
    from sumbench.eval.data.records import Example

    from fake_runs import make_run

    tmp = tmp_path_factory.mktemp("many")
    examples = tuple(Example(id=f"ex{i:03d}", article=f"Article {i}. The council met.",
                             references=((f"Ref one {i}.",), ("The council met on the bridge.",),
                                         (f"Third reference {i}.",)))
                     for i in range(12))
    predictions = tuple("The council met on the bridge today." for _ in examples)
    runs = [make_run(name, synthetic_f(12, seed=k + 1, shift=0.005 * k),
                     ids=tuple(e.id for e in examples), predictions=predictions, examples=examples)
            for k, name in enumerate(MANY)]
    study = sumbench.save_study(runs, tmp / "study")
    done = cli("report", study, "--format", "html", "-o", tmp / "report.html",
               "--permutations", "300", "--paired-bs", "200", "-k", "1")
    assert done.code == 0, done.err
    return tmp / "report.html"


def test_many_systems_report_has_the_leaderboard_and_row_figures(many_systems_report):
    html = many_systems_report.read_text()
    assert html.count('<div class="card">') == 1  # -k 1: one example, not 2 x 25 cards
    assert '<table class="heat">' in html and html.count("<tr>") > 25
    ids = [a.get("id") for t, a in parse(html) if t == "section"]
    assert ids[:3] == ["summary", "leaderboard", "comparison"]
    assert html.count("system_00 &amp; &lt;b&gt;&lt;/b&gt;") >= 3  # escaped everywhere
    assert "A cluster ends where every system above is significantly better" in html


def test_many_systems_figure_labels_never_overlap():
    from sumbench.eval.report import plots
    from sumbench.eval.stats import Interval

    values = [[Interval(30 + k, 31 + k, 32 + k) for _ in range(4)] for k in range(25)]
    figure = plots.forest_figure(MANY, values, ["rouge1", "rouge2", "rougeL", "rougeLsum"])
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in figure.axes[0].get_yticklabels()]
    assert len(boxes) == 25
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(ax.get_legend() is None for ax in figure.axes)
    # the check can fail: squeezed into a short figure the labels collide
    figure.set_size_inches(9, 2)
    figure.canvas.draw()
    squeezed = [t.get_window_extent(figure.canvas.get_renderer())
                for t in figure.axes[0].get_yticklabels()]
    assert any(a.overlaps(b) for i, a in enumerate(squeezed) for b in squeezed[i + 1:])


def test_multi_reference_card_shows_the_reference_sharing_most_words_and_folds_the_others(
        many_systems_report):
    html = many_systems_report.read_text()
    card = html[html.index('<div class="card">'):]
    card = card[:card.index('</div><div class="card">') if '</div><div class="card">' in card else None]
    assert "reference 2 of 3 (most words shared with the prediction: 6)" in card
    first_reference = card.index("reference 2 of 3")
    folded = card.index("<details><summary>the other 2 references</summary>")
    assert first_reference < folded < card.index("reference 1 (0 shared words)")
    assert "ROUGE-1 F" not in html  # nothing is re-scored


def test_cards_show_the_stored_values_not_a_rescore(tmp_path):
    """Stored values unrelated to the texts: a card shows them, ranked by the first
    measure the metric gates by default (rouge1 of rouge1, rouge2, rougeLsum)."""
    f = {"rouge1": np.array([0.9, 0.1, 0.5]), "rouge2": np.array([0.2, 0.3, 0.4]),
         "rougeL": np.array([0.11, 0.12, 0.13]), "rougeLsum": np.array([0.7, 0.8, 0.05])}
    run = load_run(write_run(tmp_path / "r", "solo", f))
    html = render_html([run], k=1)
    assert "Ranked by rouge1 F" in html
    best = html[html.index("best #1"):html.index("worst #1")]
    assert "rouge1 F 90.00" in best
    assert "rouge1 F 90.00, rouge2 F 20.00, rougeL F 11.00, rougeLsum F 70.00" in best
    worst = html[html.index("worst #1"):]
    assert "rouge1 F 10.00, rouge2 F 30.00, rougeL F 12.00, rougeLsum F 80.00" in worst


def test_the_report_imports_no_metric_family():
    import ast

    root = Path(__file__).resolve().parent.parent / "eval" / "report"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                assert not re.search(r"metrics\.(rouge|rouge155|bertscore|faithfulness|judge)\b",
                                     module), f"{path.name} imports {module}"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package 'chromium')")
def test_many_systems_report_renders_in_chromium(many_systems_report, tmp_path):
    flags = TestChromium.FLAGS + [f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom"]
    done = subprocess.run([CHROMIUM, *flags, many_systems_report.as_uri()], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert TestChromium.console_lines(done.stderr) == []
    assert '<section id="leaderboard">' in done.stdout
    assert done.stdout.count("data:image/png;base64,") == 3


# ------------------------------------------------- example cards capped (issue 20)

def disagreeing_runs():
    from fake_runs import make_run

    ids = ("e0", "e1", "e2", "e3")
    # rouge1 spreads over the three systems: e0 0.1, e1 0.5, e2 0.3, e3 0.5 (tie: by id)
    values = {"a": [0.5, 0.2, 0.4, 0.7], "b": [0.4, 0.7, 0.1, 0.2], "c": [0.45, 0.3, 0.2, 0.3]}
    return [make_run(name, {"rouge1": np.array(v)}, ids=ids,
                     predictions=tuple(f"{name} says {i}" for i in ids))
            for name, v in values.items()]


def card_ids(html: str) -> list[str]:
    return re.findall(r'<div class="card"><h4>#\d+ · <code>([^<]*)</code>', html)


def test_cards_show_the_examples_the_systems_disagree_on_most():
    from sumbench.eval.report.cards import most_disputed

    runs = disagreeing_runs()
    assert [i for i, _ in most_disputed(runs, runs[0].resolve("rouge1"), 4)] == \
        ["e1", "e3", "e2", "e0"]
    html = render_html(runs, k=2)
    assert card_ids(html) == ["e1", "e3"]
    assert "<h2>Examples where the systems disagree most</h2>" in html
    first = html[html.index('<div class="card">'):html.index("<code>e3</code>")]
    assert "spread 50.00" in first and "rouge1 F from a 20.00 to b 70.00" in first
    assert "highest: b 70.00" in first and "lowest: a 20.00" in first
    assert "b says e1" in first and "a says e1" in first
    assert "<details><summary>the other 1 predictions</summary>" in first and "c says e1" in first
    assert card_ids(render_html(runs)) == ["e1", "e3", "e2"]  # the default: 3
    none = render_html(runs, k=0)
    assert '<div class="card">' not in none and "No example cards (--examples 0)." in none


def test_examples_option_through_the_cli(tmp_path):
    import sumbench as api
    from cli_util import one_error_line, sumbench as cli

    study = api.save_study(disagreeing_runs(), tmp_path / "study")
    fast = ["--permutations", "200", "--paired-bs", "100"]
    done = cli("report", study, "--format", "html", "-o", tmp_path / "r.html", "--examples", "1",
               *fast)
    assert done.code == 0, done.err
    assert card_ids((tmp_path / "r.html").read_text()) == ["e1"]
    negative = cli("report", study, "--format", "html", "--examples", "-1", *fast)
    one_error_line(negative, "--examples", "expected an integer >= 0, got '-1'")
    zero = cli("report", study, "--format", "html", "-o", tmp_path / "z.html", "--examples", "0",
               *fast)
    assert zero.code == 0 and '<div class="card">' not in (tmp_path / "z.html").read_text()
    one_error_line(cli("report", study, "--format", "md", "--examples", "2", *fast),
                   "--examples applies to the HTML report only")
    with pytest.raises(Exception, match="--examples must be >= 0"):
        render_html(disagreeing_runs(), k=-1)

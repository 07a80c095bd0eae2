"""``sumbench meta`` through the real entry point (issue 13, acceptance 3): on REALSumm's
dev data (20 documents x 25 systems) the stored ROUGE-1.5.5 recall against LitePyramid
at the summary level equals a hand-written scipy loop, under the standard definition and
REALSumm's filtered one; sumbench's own ROUGE, scored as 25 runs, gives its own rows,
equal to rouge-score and scipy called directly; outputs and errors."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from rouge_score import rouge_scorer
from scipy import stats

import sumbench
from cli_util import sumbench as cli
from shared_data import REALSUMM, realsumm_rows, require, t_sentences

SCIPY = {"pearson": stats.pearsonr, "spearman": stats.spearmanr, "kendall": stats.kendalltau}
STORED = {"r1": "rouge_1_recall", "r2": "rouge_2_recall", "rL": "rouge_l_recall"}


def summary_level_loop(rows: list[dict], metric, name: str, max_p: float | None = None) -> float:
    """The oracle: for each document, scipy's correlation across its 25 summaries
    (systems keyed by group and system); the mean over documents (those with p <= max_p
    for REALSumm's filter), undefined correlations left out."""
    kept = []
    for doc in sorted({r["doc_id"] for r in rows}):
        mine = sorted((r for r in rows if r["doc_id"] == doc), key=lambda r: r["key"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r, p = SCIPY[name]([metric(x) for x in mine], [x["litepyramid_recall"] for x in mine])
        if np.isfinite(r) and (max_p is None or p <= max_p):
            kept.append(r)
    return float(np.mean(kept))


def meta_json(*args) -> dict:
    result = cli("meta", *args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def value(data: dict, metric: str, level: str, name: str) -> dict:
    return next(c for c in data["correlations"] if (c["metric"], c["level"], c["coefficient"])
                == (metric, level, name))


@pytest.mark.parametrize("max_p", [None, 0.05])
def test_stored_rouge155_recall_against_litepyramid(max_p: float | None) -> None:
    rows = realsumm_rows()
    fields = [arg for label, field in STORED.items()
              for arg in ("--metric-field", f"{label}=rouge155_scores.{field}")]
    extra = ["--summary-level-filter", f"p<={max_p}"] if max_p else []
    data = meta_json("--human", str(REALSUMM), *fields, "--levels", "summary",
                     "--resampling", "none", *extra)
    assert len(data["systems"]) == 25 and len(data["inputs"]) == 20
    assert "abs/bart_out" in data["systems"] and "ext/bart_out" in data["systems"]
    for label, field in STORED.items():
        for name in SCIPY:
            want = summary_level_loop(rows, lambda r: r["rouge155_scores"][field], name, max_p)
            got = value(data, label, "summary", name)
            assert got["value"] == pytest.approx(want, abs=1e-12)
            assert (got["used"] < 20) == (max_p is not None)  # the filter drops documents
    assert ("summary:realsumm-p<=0.05" if max_p else "summary:standard") in data["signature"]


@pytest.fixture(scope="module")
def realsumm_runs(tmp_path_factory) -> list[Path]:
    """25 run folders, one per REALSumm system, scored by sumbench's rouge through the
    API; references are ref_summ_system (that system's tokenisation), one sentence per
    <t> tag; the run name is group/system, the judgments' system name."""
    rows = realsumm_rows()
    base = tmp_path_factory.mktemp("realsumm-runs")
    folders = []
    for group, system in sorted({(r["group"], r["system"]) for r in rows}):
        mine = sorted((r for r in rows if (r["group"], r["system"]) == (group, system)),
                      key=lambda r: r["doc_id"])
        refs = base / f"{group}-{system}.jsonl"
        refs.write_text("".join(json.dumps({
            "id": str(r["doc_id"]), "article": "(article not distributed)",
            "highlights": t_sentences(r["ref_summ_system"])}) + "\n" for r in mine))
        run = sumbench.score(sumbench.load_references(
                                 str(refs), fields=sumbench.FieldMap(reference_sentences=True)),
                             ["\n".join(t_sentences(r["system_summary"])) for r in mine],
                             metrics=[sumbench.get_metric("rouge", {"rouge_types": "rouge1,rouge2"},
                                                          sumbench.BootstrapSettings(samples=10))],
                             name=f"{group}/{system}")
        folders.append(run.save(base / f"{group}-{system}"))
    return folders


def test_sumbench_rouge_runs_give_their_own_rows(realsumm_runs: list[Path]) -> None:
    require(REALSUMM)
    rows = realsumm_rows()
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    for row in rows:
        row["rouge"] = scorer.score("\n".join(t_sentences(row["ref_summ_system"])),
                                    "\n".join(t_sentences(row["system_summary"])))
    data = meta_json(*map(str, realsumm_runs), "--human", str(REALSUMM),
                     "--components", "r", "--metric-field", "stored-r1=rouge155_scores.rouge_1_recall",
                     "--levels", "summary,system", "--resampling", "none")
    assert data["metrics"] == ["rouge1/R", "rouge2/R", "stored-r1"]
    for measure in ("rouge1", "rouge2"):
        for name in SCIPY:
            got = value(data, f"{measure}/R", "summary", name)["value"]
            want = summary_level_loop(rows, lambda r: r["rouge"][measure].recall, name)
            assert got == pytest.approx(want, abs=1e-12)
    systems = sorted({(r["group"], r["system"]) for r in rows})
    means = [[np.mean([r[k] for r in rows if (r["group"], r["system"]) == s])
              for s in systems] for k in ("litepyramid_recall",)]
    r1 = [np.mean([r["rouge"]["rouge1"].recall for r in rows if (r["group"], r["system"]) == s])
          for s in systems]
    assert value(data, "rouge1/R", "system", "kendall")["value"] == pytest.approx(
        stats.kendalltau(r1, means[0])[0], abs=1e-12)
    assert data["metric_signatures"]["rouge"].startswith("metric:rouge|impl:rouge-score")


def test_text_markdown_html_and_tests(realsumm_runs: list[Path], tmp_path: Path) -> None:
    args = [*map(str, realsumm_runs[:6]), "--human", str(REALSUMM), "--components", "r",
            "--samples", "100", "--tests", "all", "--permutations", "50"]
    text = cli("meta", *args)
    assert text.code == 0, text.err
    assert "litepyramid_recall: summary level (per input across 6 systems, mean over 20 inputs)" \
        in text.out
    assert "19 judged system(s) without metric scores left out" in text.out
    assert "Is metric A's (row) correlation different from metric B's (column)?" in text.out
    assert "9 tests, Holm-corrected at alpha 0.05; 50 permutations (as given), smallest " \
           "reportable p 0.02" in text.out
    assert "litepyramid_recall: summary level, tests" in text.out
    # 50 permutations cannot reach alpha/m: said, not silently useless
    assert "Holm's first step cannot reject; the default for 9 tests is 999" in text.err
    assert "signature: levels:system,summary,global|corr:pearson,spearman,kendall-b|" \
           "summary:standard|resample:both|bs:100|ci:95|seed:12345|test:perm-both|perms:50|" \
           "adjust:holm|alpha:0.05|" in text.out
    md = cli("meta", *args, "--format", "md", "--title", "REALSumm | dev")
    assert md.code == 0 and md.out.startswith("# REALSumm \\| dev\n")
    assert "| rouge1/R |" in md.out and "### Tests between metrics" in md.out
    page = tmp_path / "meta.html"
    html = cli("meta", *args, "--format", "html", "--output", page)
    assert html.code == 0, html.err
    content = page.read_text()
    assert content.count('src="data:image/png;base64,') == 3  # one heatmap per coefficient
    assert "<script" not in content and "resample:both|bs:100" in content


@pytest.mark.parametrize("args,message", [
    (["--metric-field", "x"], "no record has the field 'x'"),
    (["--metric-field", "rouge155_scores.rouge_1_recall", "--permutations", "10"],
     "--permutations sets the tests between metrics; add --tests"),
    (["--metric-field", "rouge155_scores.rouge_1_recall", "--correction", "bh"],
     "--correction sets the tests between metrics; add --tests"),
    (["--metric-field", "a=rouge155_scores.rouge_1_recall", "--metric-field",
      "b=rouge155_scores.rouge_2_recall", "--tests", "all", "--permutations", "19"],
     r"--permutations 19: the smallest p is 1/20 = 0.05, not below alpha 0.05, so no test "
     "could reject; use at least 999"),
    (["--metric-field", "rouge155_scores.rouge_1_recall", "--resampling", "none",
      "--samples", "5"], "--samples sets the bootstrap intervals"),
    (["--metric-field", "rouge155_scores.rouge_1_recall", "--summary-level-filter", "0.05"],
     "expected p<=P"),
    (["--metric-field", "rouge155_scores.rouge_1_recall", "--levels", "system",
      "--summary-level-filter", "p<=0.05"], "applies to the summary level"),
    (["--metric-field", "rouge155_scores.rouge_1_recall", "--tests", "all"],
     "name at least two metrics"),
    ([], "give the metric scores"),
    (["--metric-field", "rouge155_scores.rouge_1_recall", "--human-format", "rows",
      "--system-field", "system", "--judgment", "litepyramid_recall"],
     r"realsumm_dev.jsonl:\d+: a second record for system 'bart_out' on input '0'"),
])
def test_errors_are_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    out = tmp_path / "never.json"
    result = cli("meta", "--human", str(require(REALSUMM)), *args, "--format", "json",
                 "--output", out)
    assert result.code == 2, result.err
    assert result.err.startswith("sumbench: error: ") and result.err.count("\n") == 1
    assert re.search(message, result.err), result.err
    assert not out.exists()


def test_runs_that_do_not_match_the_judgments(tmp_path: Path) -> None:
    require(REALSUMM)
    refs = tmp_path / "refs.jsonl"
    refs.write_text("".join(json.dumps({"id": str(d), "article": "x", "highlights": "a b c."})
                            + "\n" for d in range(3)))
    folders = []
    for k in range(3):
        run = sumbench.score(sumbench.load_references(str(refs)), ["a b.", "b c.", "c d."][k:] +
                             ["a."] * k, name=f"mine-{k}")
        folders.append(str(run.save(tmp_path / f"run{k}")))
    result = cli("meta", *folders, "--human", str(REALSUMM))
    assert result.code == 2
    assert "no system has both metric scores and judgments: the scores name 'mine-0'" in result.err
    assert "'abs/bart_out'" in result.err

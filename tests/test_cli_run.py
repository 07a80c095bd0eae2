"""``sumbench run`` / ``score`` end to end through the real entry point, run folders,
JSON output, reproducibility, warnings, and the Python API (issue 2)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_util import sumbench
import sumbench as api
from sumbench.eval.runs.folder import load_run


def test_run_without_arguments_prints_table_and_signature() -> None:
    result = sumbench("run")
    assert result.code == 0, result.err
    out = result.out
    assert "lead-3 on the bundled fixtures" in out
    for rouge_type in ("rouge1", "rouge2", "rougeL", "rougeLsum"):
        line = next(l for l in out.splitlines() if l.startswith(rouge_type + " "))
        assert line.count("[") == 1 and line.rstrip().endswith("]")
    signature = next(l for l in out.splitlines() if l.startswith("signature: "))
    for field in ("sumbench:", "impl:rouge-score-0.1.2", "tok:default", "stem:porter",
                  "lsum:newline", "refs:max", "bs:1000", "seed:12345", "ci:95"):
        assert field in signature


def test_run_folder_contents_and_schema(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert sumbench("run", "--limit", "4", "-o", out).code == 0
    assert sorted(p.name for p in out.iterdir()) == ["per_example.jsonl", "predictions.jsonl",
                                                     "references.jsonl", "results.json"]
    results = json.loads((out / "results.json").read_text())
    assert results["schema_version"] == 3
    assert results["counts"]["examples"] == 4
    assert results["name"] == results["summarizer"]["name"] == "lead-3"
    assert results["reference_set"]["selection"]["limit"] == 4
    assert results["reference_set"]["fingerprint"].startswith("sha256:")
    f = results["metrics"]["rouge"]["scores"]["rouge1"]["fmeasure"]
    assert f["low"] <= f["mid"] <= f["high"]
    rows = [json.loads(l) for l in (out / "per_example.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows][:1] == ["000_01c7da40d6e1f404"]
    assert set(rows[0]) == {"id", "scores"}
    assert set(rows[0]["scores"]["rouge"]) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    assert set(rows[0]["scores"]["rouge"]["rouge2"]) == {"precision", "recall", "fmeasure"}
    predictions = [json.loads(l) for l in (out / "predictions.jsonl").read_text().splitlines()]
    assert predictions[0]["prediction"].count("\n") == 2  # lead-3: one sentence per line
    references = [json.loads(l) for l in (out / "references.jsonl").read_text().splitlines()]
    assert [r["id"] for r in references] == [r["id"] for r in rows]
    assert references[0]["article"].startswith("US Secretary of State Antony Blinken")
    saved = load_run(out)
    assert saved.ids == tuple(r["id"] for r in rows)
    assert abs(saved.values(saved.resolve("rouge1")).mean() - f["mid"]) < 1e-12


def test_format_json_prints_results_json(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = sumbench("run", "--limit", "3", "--format", "json", "-o", out)
    assert result.code == 0
    assert result.out == (out / "results.json").read_text()


def test_same_seed_byte_identical_results(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert sumbench("run", "-o", a).code == 0
    assert sumbench("run", "-o", b).code == 0
    assert sumbench("run", "-o", c, "--seed", "7").code == 0
    assert (a / "results.json").read_bytes() == (b / "results.json").read_bytes()
    assert (a / "results.json").read_bytes() != (c / "results.json").read_bytes()


def test_score_predictions_from_text_file(tmp_path: Path) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "article": "A.", "highlights": "One two.\nThree four."})
                    + "\n" + json.dumps({"id": "b", "article": "B.", "highlights": "Five six."}) + "\n")
    preds = tmp_path / "preds.txt"
    preds.write_text("One two.<n>Three four.\nFive six.\\nSeven.\n")
    out = tmp_path / "run"
    result = sumbench("score", "-p", preds, "-r", refs, "-o", out)
    assert result.code == 0, result.err
    rows = [json.loads(l) for l in (out / "per_example.jsonl").read_text().splitlines()]
    assert rows[0]["scores"]["rouge"]["rougeLsum"]["fmeasure"] == 1.0
    saved = [json.loads(l) for l in (out / "predictions.jsonl").read_text().splitlines()]
    assert saved[1]["prediction"] == "Five six.\nSeven."


def test_lsum_warning_and_auto_split(tmp_path: Path) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text(json.dumps({"id": "a", "article": "A.",
                                "highlights": "The cat sat. The dog ran far away."}) + "\n")
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": "a", "prediction": "The dog ran far away. The cat sat."})
                     + "\n")
    plain = sumbench("score", "-p", preds, "-r", refs, "--format", "json")
    assert plain.code == 0
    assert "rougeLsum equals rougeL" in plain.err and "--lsum-split auto" in plain.err
    plain_scores = json.loads(plain.out)["metrics"]["rouge"]["scores"]
    assert plain_scores["rougeLsum"] == plain_scores["rougeL"]
    auto = sumbench("score", "-p", preds, "-r", refs, "--format", "json", "--lsum-split", "auto")
    assert "rougeLsum equals rougeL" not in auto.err
    auto_results = json.loads(auto.out)["metrics"]["rouge"]
    assert auto_results["scores"]["rougeLsum"]["fmeasure"]["mid"] == 1.0
    assert auto_results["scores"]["rougeL"]["fmeasure"]["mid"] < 1.0
    assert "lsum:auto" in auto_results["signature"]


def test_non_ascii_warning_names_ids(tmp_path: Path) -> None:
    refs = tmp_path / "refs.jsonl"
    rows = [("fr", "Le président a réformé la sécurité sociale française."),
            ("ru", "Президент подписал новый закон о бюджете."),
            ("zh", "中国的经济增长速度放缓了。"),
            ("en", "The president signed the new budget law.")]
    refs.write_text("".join(json.dumps({"id": i, "article": t, "highlights": t}) + "\n"
                            for i, t in rows))
    result = sumbench("run", "-r", refs, "-s", "lead-1")
    assert result.code == 0
    assert "3 example(s)" in result.err
    quiet = sumbench("run", "-r", refs, "-s", "lead-1", "--tokenizer", "unicode")
    assert "default tokenizer" not in quiet.err
    warning = next(l for l in result.err.splitlines() if "default tokenizer" in l)
    assert "fr" in warning and "ru" in warning and "zh" in warning
    assert "--tokenizer unicode" in warning
    assert ", en" not in warning and ": en" not in warning


def test_python_api_mirrors_cli(tmp_path: Path) -> None:
    refs = api.load_references(limit=5)
    summaries = api.get_summarizer("lead-3").summarize([e.article for e in refs.examples])
    scored = api.score(refs, summaries)
    api.run(refs, "lead-3").save(tmp_path / "run")
    assert sumbench("run", "--limit", "5", "-o", tmp_path / "cli").code == 0
    for name in ("per_example.jsonl", "references.jsonl", "predictions.jsonl", "results.json"):
        assert (tmp_path / "run" / name).read_text() == (tmp_path / "cli" / name).read_text()
    cli = json.loads((tmp_path / "cli" / "results.json").read_text())
    assert cli["metrics"]["rouge"]["scores"]["rouge1"]["fmeasure"]["mid"] == \
        scored.metrics["rouge"].scores["rouge1"]["fmeasure"].mid
    assert api.load_run(tmp_path / "run") == api.load_run(tmp_path / "cli")


def test_results_identical_across_process_counts_and_backends(tmp_path: Path) -> None:
    runs = {}
    for name, extra in {"p1": ["--backend", "fast", "--processes", "1"],
                        "p2": ["--backend", "fast", "--processes", "2"],
                        "rust": ["--backend", "rust"], "ref": ["--backend", "reference"]}.items():
        out = tmp_path / name
        assert sumbench("run", "-o", out, *extra).code == 0
        runs[name] = ((out / "results.json").read_bytes(), (out / "per_example.jsonl").read_bytes())
    assert runs["p1"] == runs["p2"] == runs["rust"] == runs["ref"]


def test_processes_is_an_option_of_the_pure_python_engine_only(tmp_path: Path) -> None:
    for backend in ("rust", "reference"):
        result = sumbench("run", "--backend", backend, "--processes", "2", "-o", tmp_path / backend)
        assert result.code == 2 and not (tmp_path / backend).exists()
        assert result.err.startswith("sumbench: error: --processes sets the worker processes "
                                     "of the pure-Python engine (--backend fast)")


def test_rouge155_implementation_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = sumbench("run", "--rouge-impl", "rouge155", "--rouge155-flags",
                      "-c 95 -r 200 -n 2 -m -2 4 -u -a", "--limit", "4", "-o", out)
    assert result.code == 0, result.err
    signature = next(l for l in result.out.splitlines() if l.startswith("signature: "))
    # -c and -r set the intervals: they are the signature's ci and bs fields, not flags.
    assert "impl:rouge155-1.5.5" in signature and "flags:-2 4 -a -m -n 2 -u exc=wordnet" in signature
    assert "bs:200" in signature and "seed:perl-srand" in signature and "ci:95" in signature
    assert "--rouge-impl is deprecated; use --metrics rouge155" in result.err
    rows = [json.loads(l)["scores"]["rouge155"]
            for l in (out / "per_example.jsonl").read_text().splitlines()]
    assert set(rows[0]) == {"rouge1", "rouge2", "rougeL", "rougeSU4"}
    results = json.loads((out / "results.json").read_text())
    assert list(results["metrics"]) == ["rouge155"]
    assert results["metrics"]["rouge155"]["settings"]["rouge155_flags"] == \
        "-c 95 -r 200 -n 2 -m -2 4 -u -a"
    # the script's values have 5 decimals
    assert all(round(v, 5) == v for r in rows for v in r["rouge1"].values())
    bad = sumbench("run", "--rouge-impl", "rouge155", "--rouge155-flags", "-n 2 -q", "-o",
                   tmp_path / "bad")
    assert bad.code == 2 and "unknown ROUGE-1.5.5 option -q" in bad.err
    assert not (tmp_path / "bad").exists()

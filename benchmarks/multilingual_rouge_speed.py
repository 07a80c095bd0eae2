"""Multilingual ROUGE (``--rouge-language``) against its reference scorer, per language.

The reference: the PyPI package ``multilingual-rouge`` 0.0.1 (XL-Sum's scorer),
``RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=True, lang=NAME)``,
one ``score()`` per pair.  sumbench: the ``fast`` engine with the language's pipeline.
Two workloads per language of ``../shared/data/mling_dev.jsonl``:

* single pairs: each pair scored alone (one ``score_pairs`` call per pair, memo emptied
  first), against one ``score()`` each;
* a 16-system study: 16 systems' predictions (each system's text differs: the example's
  prediction, or another example's, plus the system's number) against the same
  references; sumbench scores one system per call, as ``sumbench score`` does, and
  segments each reference once; ``--processes`` sets its worker processes.

Both sides build their segmenters and stemmers and score one pair before the clock
starts (PyThaiNLP loads its dictionary on first use); each time is the fastest of
``--repeats`` runs.  The script also checks that both give the same numbers.  Run from the repository root::

    python benchmarks/multilingual_rouge_speed.py [--processes N] [--languages ja,zh]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mling_dev.jsonl"
SYSTEMS = 16


def nltk_data_folder() -> str:
    """An NLTK_DATA folder holding the stopword lists sumbench ships (for the reference)."""
    import nltk

    from sumbench.eval.metrics.rouge.xlsum_stemmers import shipped_stopwords

    folder = Path(tempfile.mkdtemp(prefix="nltk_data_"))
    target = folder / "corpora" / "stopwords"
    target.mkdir(parents=True)
    source = Path(__file__).resolve().parents[1] / "eval" / "metrics" / "rouge" / "stopwords"
    for path in source.glob("*.txt"):
        words = sorted(shipped_stopwords(path.stem))
        (target / path.stem).write_text("\n".join(words) + "\n", encoding="utf-8")
    nltk.data.path.insert(0, str(folder))
    return str(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], allow_abbrev=False)
    parser.add_argument("--processes", type=int, default=1,
                        help="sumbench's worker processes in the study (default 1)")
    parser.add_argument("--languages", default="", help="comma-separated codes (default: all)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per timing (default 3)")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} not found: the benchmark reads sumbench's development data")
    nltk_data_folder()
    from multilingual_rouge.rouge_scorer import RougeScorer

    from sumbench.eval.metrics.rouge import multilingual
    from sumbench.eval.metrics.rouge.engine import RougeConfig, score_pairs
    from sumbench.eval.metrics.rouge.languages import language_profile

    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    wanted = set(filter(None, args.languages.split(",")))
    by_language: dict[str, list[dict]] = {}
    for row in rows:
        if not wanted or row["lang"] in wanted:
            by_language.setdefault(row["lang"], []).append(row)
    warnings.simplefilter("ignore")
    print(f"{'lang':5} {'pairs':>5} {'ref single':>11} {'ours single':>11} {'ratio':>6}   "
          f"{'ref study':>10} {'ours study':>10} {'ratio':>6}  same")
    ratios_single, ratios_study = [], []
    for code, members in sorted(by_language.items()):
        name = language_profile(code).name
        references = [r["reference"] for r in members]
        predictions = [r["prediction"] for r in members]
        n = len(members)
        scorer = RougeScorer(list(TYPES), use_stemmer=True, lang=name)
        config = RougeConfig(rouge_types=TYPES, use_stemmer=True, language=code)
        pipeline = multilingual.pipeline(code, True)

        def forget() -> None:  # an empty memo: the clock sees every segmentation
            pipeline._tokens.clear()
            pipeline._lines.clear()
            pipeline._stems.clear()

        def timed(work, fresh=None):
            best, result = float("inf"), None
            for _ in range(args.repeats):
                if fresh is not None:
                    fresh()
                start = time.perf_counter()
                result = work()
                best = min(best, time.perf_counter() - start)
            return best, result

        scorer.score(references[0], predictions[0])  # warm-up, both sides
        score_pairs([predictions[0]], [[references[0]]], config, backend="fast")
        ref_single, theirs = timed(lambda: [scorer.score(r, p)
                                            for r, p in zip(references, predictions)])
        our_single, ours = timed(lambda: [score_pairs([p], [[r]], config, backend="fast")
                                          for r, p in zip(references, predictions)], forget)
        same = all(tuple(o[t][0]) == (s[t].precision, s[t].recall, s[t].fmeasure)
                   for o, s in zip(ours, theirs) for t in TYPES)

        systems = [[f"{predictions[(i + k) % n]} {k}" for i in range(n)] for k in range(SYSTEMS)]
        ref_study, theirs_study = timed(lambda: [
            [scorer.score(r, p) for r, p in zip(references, system)] for system in systems])
        our_study, ours_study = timed(lambda: [
            score_pairs(system, [[r] for r in references], config, processes=args.processes,
                        backend="fast") for system in systems], forget)
        same = same and all(
            tuple(o[t][i]) == (s[i][t].precision, s[i][t].recall, s[i][t].fmeasure)
            for o, s in zip(ours_study, theirs_study) for i in range(n) for t in TYPES)
        ratios_single.append(ref_single / our_single)
        ratios_study.append(ref_study / our_study)
        print(f"{code:5} {n:5d} {ref_single:10.3f}s {our_single:10.3f}s "
              f"{ref_single / our_single:5.1f}x   {ref_study:9.3f}s {our_study:9.3f}s "
              f"{ref_study / our_study:5.1f}x  {'yes' if same else 'NO'}")
    print(f"lowest ratio: single pairs {min(ratios_single):.1f}x, "
          f"16-system study {min(ratios_study):.1f}x")


if __name__ == "__main__":
    main()

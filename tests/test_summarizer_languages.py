"""Lead-k and the extractive baselines in other languages (issue 21): ``--language``
chooses sentencex's rules, the scripts sentencex does not split are the ones the
documentation names, a bad code is a usage error, and the graph methods compare
characters in languages written without spaces.  Short texts written for the test."""

from __future__ import annotations

import pytest

from sumbench.common.errors import SummarizerOptionError, UsageError
from sumbench.common.sentences import UNSPLIT_LANGUAGES, check_language, split_sentences
from sumbench.summarize.base import get_summarizer
from sumbench.summarize.extractive import UNSPACED_LANGUAGES, words

# Two sentences, each ended by its script's own full stop.
TWO_SENTENCES = {
    "hi": "यह पहला वाक्य है। यह दूसरा वाक्य है।",
    "bn": "এটি প্রথম বাক্য। এটি দ্বিতীয় বাক্য।",
    "zh": "这是第一句。这是第二句！",
    "ja": "これは最初の文です。これは二番目の文です。",
    "my": "ဒါက ပထမဝါကျ ဖြစ်တယ်။ ဒါက ဒုတိယဝါကျ ဖြစ်တယ်။",
    "am": "ይህ የመጀመሪያው ዓረፍተ ነገር ነው። ይህ ሁለተኛው ነው።",
    "ur": "یہ پہلا جملہ ہے۔ یہ دوسرا جملہ ہے۔",
    "ar": "هذه الجملة الأولى. هذه الجملة الثانية؟",
    "ru": "Это первое предложение. Это второе предложение.",
    "ko": "이것은 첫 번째 문장입니다. 이것은 두 번째 문장입니다.",
    # The scripts sentencex does not split: a space (Thai, Lao) or a mark it does not
    # know (Khmer ។, Tibetan །) ends these sentences.
    "th": "นี่คือประโยคแรก นี่คือประโยคที่สอง",
    "lo": "ນີ້ແມ່ນປະໂຫຍກທຳອິດ ນີ້ແມ່ນປະໂຫຍກທີສອງ",
    "km": "នេះជាប្រយោគទីមួយ។ នេះជាប្រយោគទីពីរ។",
    "bo": "འདི་ནི་ཚིག་གྲུབ་དང་པོ་ཡིན། འདི་ནི་གཉིས་པ་ཡིན།",
    "dz": "འདི་ནི་ཚིག་གྲུབ་དང་པོ་ཨིན། འདི་ནི་གཉིས་པ་ཨིན།",
}


@pytest.mark.parametrize("language", sorted(TWO_SENTENCES))
def test_the_documented_list_is_exactly_what_sentencex_does_not_split(language):
    count = len(split_sentences(TWO_SENTENCES[language], language))
    assert count == (1 if language in UNSPLIT_LANGUAGES else 2), language


def test_blank_lines_still_end_a_sentence_where_sentencex_does_not():
    text = "นี่คือประโยคแรก\n\nนี่คือประโยคที่สอง\n\nและสาม"
    [summary] = get_summarizer("lead-2", {"language": "th"}).summarize([text])
    assert summary == "นี่คือประโยคแรก\nนี่คือประโยคที่สอง"


def test_lead_k_in_hindi_and_chinese():
    hindi = "राम घर गया। सीता बाज़ार गई। बच्चे खेल रहे थे।"
    [lead2] = get_summarizer("lead-2", {"language": "hi"}).summarize([hindi])
    assert lead2 == "राम घर गया।\nसीता बाज़ार गई।"
    chinese = "今天下雨了。我们在家看书。晚上雨停了。"
    [lead1] = get_summarizer("lead-1", {"language": "zh"}).summarize([chinese])
    assert lead1 == "今天下雨了。"
    assert get_summarizer("lead-1", {"language": "zh"}).settings()["language"] == "zh"


def test_the_language_changes_the_rules_and_the_default_stays_english():
    german = "Am 3. Mai kam er an. Dr. Müller ging."
    assert split_sentences(german, "de") == ["Am 3. Mai kam er an.", "Dr. Müller ging."]
    assert split_sentences(german) == split_sentences(german, "en") != split_sentences(german, "de")
    lead = get_summarizer("lead-1")
    assert lead.settings() == {"k": 1, "sentence_splitter": "sentencex", "language": "en"}
    assert get_summarizer("textrank").settings().get("tokens") is None


@pytest.mark.parametrize("name", ["lead-3", "textrank", "lexrank", "random-3"])
@pytest.mark.parametrize("code", ["EN", "english", "", "e", "zh_CN", "en;rm", "../x"])
def test_a_code_that_is_not_iso_639_is_a_usage_error(name, code):
    with pytest.raises(SummarizerOptionError, match="ISO 639") as info:
        get_summarizer(name, {"language": code})
    assert isinstance(info.value, UsageError)


def test_accepted_codes():
    for code in ("en", "hi", "zh", "fil", "zh-hans", "sr-latn"):
        assert check_language(code) == code


def test_graph_methods_compare_characters_without_spaces():
    assert words("今天下雨。", "zh") == ["今", "天", "下", "雨"]
    assert words("今天下雨。") == ["今天下雨"]  # English rules: one run
    assert words("Hello, World", "zh") == list("helloworld")
    assert {"zh", "ja", "th", "my"} <= UNSPACED_LANGUAGES
    article = ("猫在花园里。"
               "花园里的猫和狗一起玩。"
               "股票市场今天上涨。"
               "狗在花园里跑。"
               "猫和狗都很高兴。")
    for name in ("textrank-1", "lexrank-1"):
        summarizer = get_summarizer(name, {"language": "zh"})
        assert summarizer.settings()["tokens"] == "characters"
        assert summarizer.summarize([article]) == ["花园里的猫和狗一起玩。"], name

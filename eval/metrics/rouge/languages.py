"""The languages of multilingual ROUGE (``--rouge-language``) and what each one gets.

The reference is XL-Sum's scorer as the PyPI package ``multilingual-rouge`` 0.0.1
(import ``multilingual_rouge``; Hasan et al. 2021, "XL-Sum: Large-Scale Multilingual
Abstractive Summarization for 44 Languages"): its segmenter table (``tokenizers.py``),
its stemmer table (``stemmers.py``) and its alternative language names
(``rouge_scorer.py``).  Where the package and XL-Sum's repository differ, the package
wins.  A :class:`LanguageProfile` says, for one language:

* ``name`` -- the language name the reference scorer takes (``RougeScorer(lang=...)``);
* ``segmenter`` -- ``newmm`` (PyThaiNLP, Thai), ``jieba`` (Chinese), ``fugashi``
  (MeCab with the ``unidic-lite`` dictionary, Japanese), ``burmese`` (rule-based
  syllables) or ``none``: OpenNMT's "aggressive" pre-tokenisation plus one token per
  CJK ideograph (every language also falls back to it when its segmenter finds nothing);
* ``stemmer`` -- ``snowball`` (NLTK's Snowball stemmer, stopwords left unstemmed),
  ``hindi`` (suffix rules), ``turkish`` (the ``TurkishStemmer`` package), ``bengali``
  (the reference names a rule stemmer whose rules file its wheel does not ship, so it
  cannot stem: sumbench refuses to stem Bengali; ``--no-stemmer`` scores it exactly),
  or ``none``.

Codes: ISO 639-1 codes and XL-Sum's names (``chinese_simplified``, ``serbian_latin``,
``bangla`` ...) both work.  Ambiguous codes: ``zh`` is ``chinese`` (jieba; XL-Sum's
``chinese_simplified`` and ``chinese_traditional`` get the same profile), ``sr`` is
``serbian_cyrillic`` (both Serbian scripts take the language-neutral path; only the
name in the signature differs), ``no`` is Norwegian (Bokmål and Nynorsk share NLTK's
Norwegian stemmer).  Looked up through one :class:`~sumbench.common.registry.Registry`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sumbench.common.errors import UsageError
from sumbench.common.registry import Registry

SEGMENTERS = ("newmm", "jieba", "fugashi", "burmese", "none")
STEMMERS = ("snowball", "hindi", "turkish", "bengali", "none")


@dataclass(frozen=True)
class LanguageProfile:
    """How one language is tokenised and stemmed (see module docstring)."""

    code: str
    name: str
    segmenter: str = "none"
    stemmer: str = "none"


def _profiles() -> list[LanguageProfile]:
    P = LanguageProfile
    return [
        # the reference's segmenters
        P("th", "thai", segmenter="newmm"),
        P("zh", "chinese", segmenter="jieba"),
        P("ja", "japanese", segmenter="fugashi"),
        P("my", "burmese", segmenter="burmese"),
        # its rule stemmers and the Turkish stemmer
        P("hi", "hindi", stemmer="hindi"),
        P("bn", "bengali", stemmer="bengali"),
        P("tr", "turkish", stemmer="turkish"),
        # NLTK's Snowball languages (with stopwords)
        *(P(code, name, stemmer="snowball") for code, name in (
            ("ar", "arabic"), ("da", "danish"), ("nl", "dutch"), ("en", "english"),
            ("fi", "finnish"), ("fr", "french"), ("de", "german"), ("hu", "hungarian"),
            ("it", "italian"), ("no", "norwegian"), ("pt", "portuguese"),
            ("ro", "romanian"), ("ru", "russian"), ("es", "spanish"), ("sv", "swedish"))),
        # the language-neutral path: XL-Sum's other languages (and Czech, of the dev data)
        *(P(code, name) for code, name in (
            ("am", "amharic"), ("az", "azerbaijani"), ("cs", "czech"), ("cy", "welsh"),
            ("fa", "persian"), ("gd", "scottish_gaelic"), ("gu", "gujarati"),
            ("ha", "hausa"), ("id", "indonesian"), ("ig", "igbo"), ("ko", "korean"),
            ("ky", "kyrgyz"), ("mr", "marathi"), ("ne", "nepali"), ("om", "oromo"),
            ("pa", "punjabi"), ("ps", "pashto"), ("rn", "kirundi"), ("si", "sinhala"),
            ("so", "somali"), ("sr", "serbian_cyrillic"), ("sw", "swahili"),
            ("ta", "tamil"), ("te", "telugu"), ("ti", "tigrinya"), ("uk", "ukrainian"),
            ("ur", "urdu"), ("uz", "uzbek"), ("vi", "vietnamese"), ("yo", "yoruba"))),
        P("pcm", "pidgin"),
        P("sr-latn", "serbian_latin"),
    ]


# XL-Sum's names that are not a profile's own name (rouge_scorer.py's alternative names
# and the Chinese scripts), each -> the code of its profile
ALIASES = {"chinese_simplified": "zh", "chinese_traditional": "zh", "bangla": "bn",
           "turkce": "tr", "mundo": "es"}


def _entries() -> dict[str, LanguageProfile]:
    entries: dict[str, LanguageProfile] = {}
    for profile in _profiles():
        entries[profile.code] = profile
        entries[profile.name] = profile
    for alias, code in ALIASES.items():
        entries[alias] = entries[code]
    return entries


LANGUAGES: Registry[LanguageProfile] = Registry("ROUGE language", _entries(), error=UsageError)


def language_profile(code: str) -> LanguageProfile:
    """The profile of an ISO 639-1 code or XL-Sum name (case-insensitive, ``_`` or ``-``);
    :class:`UsageError` listing the known codes otherwise."""
    key = code.strip().lower()
    if key not in LANGUAGES and key.replace("-", "_") in LANGUAGES:
        key = key.replace("-", "_")
    if key not in LANGUAGES:
        codes = ", ".join(p.code for p in _profiles())
        raise UsageError(f"unknown ROUGE language {code!r}; known codes: {codes} "
                         "(or XL-Sum's names, e.g. chinese_simplified)")
    return LANGUAGES.get(key)

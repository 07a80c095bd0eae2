"""Word segmentation for multilingual ROUGE, as XL-Sum's scorer does it.

Reference: the PyPI package ``multilingual-rouge`` 0.0.1 (``tokenizers.py`` and
``rouge_scorer.py``'s ``MultiTokenizer``; Hasan et al. 2021, XL-Sum), whose behaviour
this module reproduces token for token with its own code:

* :func:`sanitize` -- the BERT-style basic clean-up the reference runs first (Devlin et
  al. 2019, BERT's ``BasicTokenizer`` without its CJK step): code points 0 and U+FFFD
  and every character of Unicode category C* other than tab, newline and carriage
  return are deleted; whitespace (those three, space, category Zs) and punctuation
  (category P*, and every ASCII character that is neither a letter nor a digit) separate
  words and are dropped.  One ``str.translate`` with a per-character memo, then a split.
* the segmenters of :data:`SEGMENTERS`, each given the sanitised words joined by single
  spaces: PyThaiNLP's ``newmm`` (whose space tokens are kept, as the reference keeps
  them), jieba (likewise), MeCab through fugashi with the ``unidic-lite`` dictionary
  (named explicitly, so an installed full UniDic cannot change the tokens), and the
  rule-based Burmese syllable segmenter (Maung & Makami's rules as the reference
  applies them, see :func:`burmese_syllables`);
* :func:`pretokenize` -- the language-neutral path, also the fallback when a segmenter
  finds no token: OpenNMT's tokenizer in "aggressive" mode (``pyonmttok``), then every
  CJK Unified Ideograph is its own token.

A segmenter package that is not installed is one :class:`UsageError` line naming
``pip install 'sumbench[multilingual]'``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

from sumbench.common.errors import UsageError
from ...signature import package_version

EXTRA = "pip install 'sumbench[multilingual]'"

Segmenter = Callable[[str], list[str]]


class _SanitizeTable(dict):
    """``str.translate`` table: None (delete), ``" "`` (separator) or the character."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        category = unicodedata.category(char)
        if char in "\t\n\r " or category == "Zs":
            out: str | None = " "
        elif code == 0 or code == 0xFFFD or category[0] == "C":
            out = None
        elif category[0] == "P" or (code < 128 and not char.isalnum()):
            out = " "
        else:
            out = char
        self[code] = out
        return out


_SANITIZE = _SanitizeTable()


def sanitize(text: str) -> list[str]:
    """The words of ``text`` after the reference's basic clean-up (module docstring)."""
    return text.translate(_SANITIZE).split()


def _missing(package: str, language: str) -> UsageError:
    return UsageError(f"ROUGE in {language} needs the {package} package: {EXTRA}")


# CJK ideograph ranges of BERT's basic tokenizer, which the reference's fallback uses
_CJK = re.compile("([\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0002a6df\U0002a700-\U0002b73f"
                  "\U0002b740-\U0002b81f\U0002b820-\U0002ceaf\uf900-\ufaff"
                  "\U0002f800-\U0002fa1f])")


class Pretokenizer:
    """OpenNMT "aggressive" tokens, then one token per CJK ideograph."""

    def __init__(self) -> None:
        try:
            import pyonmttok
        except ImportError:
            raise _missing("pyonmttok", "this language") from None
        self._tokenize = pyonmttok.Tokenizer("aggressive").tokenize

    def __call__(self, text: str) -> list[str]:
        joined = " ".join(self._tokenize(text)[0])
        return _CJK.sub(r" \1 ", joined).split()


def _newmm() -> Segmenter:
    try:
        from pythainlp.tokenize import word_tokenize
    except ImportError:
        raise _missing("pythainlp", "Thai") from None
    return lambda text: word_tokenize(text, engine="newmm")


def _jieba() -> Segmenter:
    try:
        import jieba
    except ImportError:
        raise _missing("jieba", "Chinese") from None
    import logging

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter on stderr
    jieba.initialize()
    return lambda text: list(jieba.cut(text))


def _fugashi() -> Segmenter:
    try:
        import unidic_lite
        from fugashi import GenericTagger
    except ImportError:
        raise _missing("fugashi and unidic-lite", "Japanese") from None
    dicdir = unidic_lite.DICDIR
    tagger = GenericTagger(f'-O wakati -b 50000 -r "{dicdir}/mecabrc" -d "{dicdir}"')
    return lambda text: tagger.parse(text).split()


# Burmese: characters that never start a syllable (dependent vowel signs, medials,
# tone marks, the asat); the asat (U+103A), the dot below (U+1037) and the stacking
# virama (U+1039) also have rules of their own.
_ASAT, _DOT_BELOW, _VIRAMA = "\u103a", "\u1037", "\u1039"
_BURMESE_DEPENDENT = frozenset(
    [chr(c) for c in range(0x102B, 0x1033)] + [chr(c) for c in range(0x1036, 0x1039)]
    + [chr(c) for c in range(0x103B, 0x103F)] + [_ASAT])


def burmese_syllables(text: str) -> list[str]:
    """Burmese syllables by the rules the reference applies (Maung & Makami, "A rule-based
    syllable segmentation of Myanmar text", as in XL-Sum): whitespace removed; a
    syllable starts at every character that is not a dependent sign; a following unit
    holding an asat and shorter than four characters joins the unit before it (a unit
    emptied by such a join passes the next one along, as in the reference); a unit that
    is a lone virama glues its two neighbours."""
    text = text.replace("\u200c", " ").replace(_DOT_BELOW + _ASAT, _ASAT + _DOT_BELOW)
    chars = "".join(text.lower().split())
    units: list[str] = []
    for char in chars:
        if units and char in _BURMESE_DEPENDENT:
            units[-1] += char
        else:
            units.append(char)
    for i in range(1, len(units)):
        if _ASAT in units[i] and len(units[i]) < 4:
            units[i - 1] += units[i]
            units[i] = ""
    joined = " ".join(unit for unit in units if unit)
    return joined.replace(f" {_VIRAMA} ", _VIRAMA).split()


def _burmese() -> Segmenter:
    return burmese_syllables


# segmenter name -> (factory, the distributions whose versions can change its tokens)
SEGMENTERS: dict[str, tuple[Callable[[], Segmenter], tuple[str, ...]]] = {
    "newmm": (_newmm, ("pythainlp",)),
    "jieba": (_jieba, ("jieba",)),
    "fugashi": (_fugashi, ("fugashi", "unidic-lite")),
    "burmese": (_burmese, ()),
}


def make_segmenter(name: str) -> Segmenter | None:
    """The segmenter ``name`` (None for ``none``: the language-neutral path)."""
    if name == "none":
        return None
    return SEGMENTERS[name][0]()


def segmenter_label(name: str) -> str:
    """How the signature names a segmenter: the packages with their versions."""
    if name == "none":
        return "pyonmttok-" + package_version("pyonmttok")
    factory, packages = SEGMENTERS[name]
    if not packages:
        return f"{name}-rules"
    return "+".join(f"{p}-{package_version(p)}" for p in packages)

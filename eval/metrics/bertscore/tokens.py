"""Texts to token ids as the ``bert-score`` package (0.3.13, ``utils.sent_encode``)
encodes them, so that the ids, and so the scores, are the same:

- the text is stripped of surrounding white space; an empty text becomes the model's
  special tokens alone (``[CLS] [SEP]``);
- the tokenizer adds its special tokens; GPT-2 and RoBERTa tokenizers (the slow classes,
  as bert-score tests them) get ``add_prefix_space=True``;
- the ids are cut at the length limit (bert-score: the tokenizer's ``model_max_length``;
  sumbench falls back on the config's ``max_position_embeddings`` when the tokenizer names
  no limit, where bert-score would let the model fail).  sumbench also records which
  texts were cut: they are reported, never silently scored on their beginning only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

_SANE_LIMIT = 1_000_000  # tokenizers without a limit report model_max_length ~1e30
UNLIMITED = _SANE_LIMIT ** 2


@dataclass(frozen=True)
class EncodedTexts:
    """Token ids per text (special tokens included) and whether each text was cut."""

    ids: tuple[tuple[int, ...], ...]
    truncated: tuple[bool, ...]
    limit: int | None


def length_limit(tokenizer: Any, config: Any) -> int | None:
    """The most tokens a text may have: the tokenizer's ``model_max_length`` (bert-score's
    rule), else the config's ``max_position_embeddings``, else no limit."""
    for value in (getattr(tokenizer, "model_max_length", None),
                  getattr(config, "max_position_embeddings", None)):
        if isinstance(value, int) and 0 < value < _SANE_LIMIT:
            return value
    return None


def wants_prefix_space(tokenizer: Any) -> bool:
    """Whether bert-score passes ``add_prefix_space=True`` for this tokenizer."""
    from transformers import GPT2Tokenizer, RobertaTokenizer

    return isinstance(tokenizer, (GPT2Tokenizer, RobertaTokenizer))


def encode_texts(tokenizer: Any, texts: Sequence[str], limit: int | None) -> EncodedTexts:
    """Every text of ``texts`` as ids, cut at ``limit`` tokens (special tokens included)
    with ``max_length=limit``, exactly as bert-score asks for it.  A text whose cut ids
    reach the limit is encoded again whole to tell whether it was cut (the encoder sets
    the tokenizer's own ``model_max_length`` out of the way, so that this logs no
    warning)."""
    extra = {"add_prefix_space": True} if wants_prefix_space(tokenizer) else {}
    empty = _special_only(tokenizer)
    ids: list[tuple[int, ...]] = []
    truncated: list[bool] = []
    for text in texts:
        text = text.strip()
        if not text:
            ids.append(empty)
            truncated.append(False)
            continue
        if limit is None:
            ids.append(tuple(tokenizer.encode(text, add_special_tokens=True, **extra)))
            truncated.append(False)
            continue
        cut = tuple(tokenizer.encode(text, add_special_tokens=True, max_length=limit,
                                     truncation=True, **extra))
        ids.append(cut)
        truncated.append(len(cut) >= limit and len(
            tokenizer.encode(text, add_special_tokens=True, **extra)) > limit)
    return EncodedTexts(tuple(ids), tuple(truncated), limit)


def _special_only(tokenizer: Any) -> tuple[int, ...]:
    """The ids of an empty text: the special tokens the tokenizer adds to nothing."""
    build = getattr(tokenizer, "build_inputs_with_special_tokens", None)
    if build is not None:  # transformers 4 (what bert-score calls)
        return tuple(build([]))
    return tuple(tokenizer.encode("", add_special_tokens=True))


def special_ids(tokenizer: Any) -> frozenset[int]:
    """Every special token id of the tokenizer ([CLS], [SEP], [PAD]...)."""
    return frozenset(int(i) for i in getattr(tokenizer, "all_special_ids", ()) if i is not None)


def marker_ids(tokenizer: Any) -> frozenset[int]:
    """The ids bert-score weights 0 without IDF: the [CLS] and [SEP] tokens."""
    return frozenset(i for i in (tokenizer.cls_token_id, tokenizer.sep_token_id)
                     if i is not None)

"""Tokenisers for ROUGE, looked up by name (placeholder: the fast path replaces this)."""

from __future__ import annotations

from rouge_score import tokenizers as _rs_tokenizers


def get_tokenizer(name: str, use_stemmer: bool):
    """An object with ``tokenize(text) -> list[str]``."""
    if name == "default":
        return _rs_tokenizers.DefaultTokenizer(use_stemmer)
    raise ValueError(f"unknown tokenizer {name!r}")

"""Session-wide fixtures: tiny models built once per test session (see tiny_models.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tiny_seq2seq(tmp_path_factory):
    """Folder of a tiny BART checkpoint (1024 positions)."""
    pytest.importorskip("transformers")
    from tiny_models import build_seq2seq

    return build_seq2seq(tmp_path_factory.mktemp("tiny-bart"))


@pytest.fixture(scope="session")
def tiny_causal(tmp_path_factory):
    """Folder of a tiny Llama checkpoint with a chat template (2048 positions)."""
    pytest.importorskip("transformers")
    from tiny_models import build_causal

    return build_causal(tmp_path_factory.mktemp("tiny-llama"), chat=True)


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory):
    """Folder of a tiny GPT-2 checkpoint without a chat template (512 positions)."""
    pytest.importorskip("transformers")
    from tiny_models import build_causal

    return build_causal(tmp_path_factory.mktemp("tiny-gpt2"), chat=False)


@pytest.fixture(scope="session")
def tiny_nli(tmp_path_factory):
    """Folder of a tiny BERT NLI classifier, labels neutral/ENTAILMENT/Contradiction
    (256 positions, word-level tokenizer)."""
    pytest.importorskip("transformers")
    from tiny_models import build_nli

    return build_nli(tmp_path_factory.mktemp("tiny-nli"))

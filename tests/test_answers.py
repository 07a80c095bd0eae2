"""Answers instead of summaries (``summarize/answers.py``, issue 14): candidate tokens,
``top_logprobs`` parsing, and the ``hf:``/``openai:`` back-ends' answers -- the same
distribution whatever the batch, samples seeded per prompt, the whole article cut
before the instructions are."""

from __future__ import annotations

import math

import pytest
from test_openai_summarizer import KEY, ChatServer
from tiny_models import fixture_articles

from sumbench.summarize.answers import (
    Prompt,
    candidate_token_ids,
    check_candidates,
    probabilities_from_top_logprobs,
)
from sumbench.common.errors import ApiError, SummarizerOptionError

TEMPLATE = "Question about this text.\n{article}\nAnswer with a digit from 1 to 5:"
ARTICLES = fixture_articles()
PROMPTS = [Prompt(TEMPLATE, a[:200 * (i + 1)]) for i, a in enumerate(ARTICLES[:4])]
DIGITS = ("1", "2", "3", "4", "5")


def test_candidates_are_checked() -> None:
    assert check_candidates(["1", "2"]) == ("1", "2")
    for bad in ([], ["1", "1"], [" 1"], [""]):
        with pytest.raises(SummarizerOptionError):
            check_candidates(bad)
    with pytest.raises(SummarizerOptionError, match="must contain"):
        Prompt("no placeholder", "text")


def test_top_logprobs_are_summed_per_candidate() -> None:
    entries = [{"token": " 4", "logprob": math.log(0.5)}, {"token": "4", "logprob": math.log(0.1)},
               {"token": "3", "logprob": math.log(0.2)}, {"token": "x", "logprob": 0.0}]
    found = probabilities_from_top_logprobs(entries, DIGITS)
    assert found == pytest.approx({"1": 0, "2": 0, "3": 0.2, "4": 0.6, "5": 0})


def test_candidate_tokens_of_a_real_tokenizer(tiny_causal) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_causal)
    ids = candidate_token_ids(tokenizer, DIGITS)
    for digit, tokens in ids.items():
        assert tokens and all(tokenizer.decode([t]).strip() == digit for t in tokens)
    with pytest.raises(SummarizerOptionError, match="not a single token"):
        candidate_token_ids(tokenizer, ["council voted unanimously"])


@pytest.mark.parametrize("model", ["tiny_causal", "tiny_seq2seq"])
def test_hf_answer_probabilities_do_not_depend_on_the_batch(model, request) -> None:
    from sumbench.summarize.hf import HfSummarizer

    path = request.getfixturevalue(model)
    answers = {}
    for size in (1, 4):
        backend = HfSummarizer(f"hf:{path}", {"max_new_tokens": 1, "batch_size": size})
        backend.progress = False
        answers[size] = {a.index: a for a in backend.answer_probabilities(PROMPTS, DIGITS)}
    assert sorted(answers[1]) == list(range(len(PROMPTS)))
    for i in range(len(PROMPTS)):
        one, four = answers[1][i].probabilities, answers[4][i].probabilities
        assert set(one) == set(DIGITS) and all(0 < p < 1 for p in one.values())
        assert max(abs(one[d] - four[d]) for d in DIGITS) < 1e-6
        assert answers[1][i].input_tokens > 0 and not answers[1][i].truncated
    assert len({round(answers[1][i].probabilities["1"], 9) for i in range(4)}) == 4


def test_hf_samples_are_seeded_per_prompt_and_articles_are_cut(tiny_causal) -> None:
    from sumbench.summarize.hf import HfSummarizer

    options = {"do_sample": True, "temperature": 1.0, "generation_seed": 7, "max_new_tokens": 4}
    backend = HfSummarizer(f"hf:{tiny_causal}", options)
    backend.progress = False
    both = list(backend.sample_answers(PROMPTS[:2], 3))
    alone = list(backend.sample_answers(PROMPTS[1:2], 3))
    assert [len(s.texts) for s in both] == [3, 3]
    assert both[1].texts == alone[0].texts  # the same prompt, the same samples
    short = HfSummarizer(f"hf:{tiny_causal}", {"max_new_tokens": 1, "max_input_tokens": 120})
    short.progress = False
    [cut] = list(short.answer_probabilities([Prompt(TEMPLATE, ARTICLES[0])], DIGITS))
    assert cut.truncated and cut.input_tokens <= 120


def test_openai_samples_need_n_answers(monkeypatch) -> None:
    from sumbench.summarize.openai_api import OpenAiSummarizer

    server = ChatServer()
    try:
        server.script.append((200, {"choices": [{"message": {"content": "4"}}]}, {}, 0))
        monkeypatch.setenv("SUMBENCH_TEST_KEY", KEY)
        backend = OpenAiSummarizer("openai:m", {"base_url": server.base_url,
                                                "api_key_env": "SUMBENCH_TEST_KEY"})
        with pytest.raises(ApiError, match="asked for n=3 answers, got 1"):
            list(backend.sample_answers(PROMPTS[:1], 3))
        assert server.requests[0]["n"] == 3
    finally:
        server.close()

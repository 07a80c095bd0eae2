"""``hf:`` summarisers on tiny offline models (issue 7): seq2seq and causal paths, prompts,
truncation, generation settings, batching invariance, OOM halving, offline rules, clean-up."""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tiny_models import fixture_articles

from sumbench.common.errors import (
    OfflineError, ModelLoadError, SummarizerError, SummarizerOptionError,
)
from sumbench.summarize.generation import clean_summary

pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

from sumbench.summarize.hf import HfSummarizer

ARTICLES = fixture_articles()
FAST = {"max_new_tokens": 8}


def hf(path: Path | str, **options) -> HfSummarizer:
    summarizer = HfSummarizer(f"hf:{path}", {**FAST, **options})
    summarizer.progress = False
    return summarizer


def copy_checkpoint(source: Path, target: Path, edit_config=None, generation=None) -> Path:
    shutil.copytree(source, target)
    if edit_config:
        config = json.loads((target / "config.json").read_text())
        edit_config(config)
        (target / "config.json").write_text(json.dumps(config))
    if generation:
        own = json.loads((target / "generation_config.json").read_text())
        own.update(generation)
        (target / "generation_config.json").write_text(json.dumps(own))
    return target


# -- seq2seq ---------------------------------------------------------------------------
def test_seq2seq_summarises_every_fixture_and_counts_truncation(tiny_seq2seq) -> None:
    from transformers import AutoTokenizer

    summarizer = hf(tiny_seq2seq)
    summaries = summarizer.summarize(ARTICLES)
    assert len(summaries) == len(ARTICLES)
    assert sum(bool(s) for s in summaries) > len(ARTICLES) // 2  # random weights: some are blank
    tokenizer = AutoTokenizer.from_pretrained(tiny_seq2seq)
    too_long = sum(len(tokenizer(a)["input_ids"]) > 1024 for a in ARTICLES)
    assert 0 < too_long < len(ARTICLES)
    assert summarizer.truncated_count == too_long
    settings_ = summarizer.settings()
    assert settings_["kind"] == "seq2seq" and settings_["architecture"] == "BartForConditionalGeneration"
    assert settings_["max_input_tokens"] == 1024 and settings_["dtype"] == "float32"
    assert settings_["generation"]["max_new_tokens"] == 8
    assert settings_["weights"].startswith("sha256:")
    json.dumps(settings_)  # results.json must be able to hold it


def test_seq2seq_truncated_inputs_fit_the_model(tiny_seq2seq) -> None:
    summarizer = hf(tiny_seq2seq, max_input_tokens=64)
    loaded = summarizer._load()
    ids, truncated = summarizer._encode(loaded, ARTICLES[0])
    assert truncated and len(ids) == 64
    assert ids[0] == loaded.tokenizer.bos_token_id and ids[-1] == loaded.tokenizer.eos_token_id
    assert summarizer._encode(loaded, "A short article.")[1] is False


def test_task_prefix_from_config_is_prepended(tiny_seq2seq, tmp_path) -> None:
    def add_prefix(config: dict) -> None:
        config["task_specific_params"] = {"summarization": {"prefix": "summarize: "}}

    folder = copy_checkpoint(tiny_seq2seq, tmp_path / "t5like", edit_config=add_prefix)
    summarizer = hf(folder)
    loaded = summarizer._load()
    ids, _ = summarizer._encode(loaded, "The council met.")
    assert loaded.tokenizer.decode(ids, skip_special_tokens=True) == "summarize: The council met."
    assert summarizer.settings()["input_prefix"] == "summarize: "


def test_model_generation_config_is_the_default_and_flags_override_fields(tiny_seq2seq,
                                                                           tmp_path) -> None:
    folder = copy_checkpoint(tiny_seq2seq, tmp_path / "beams",
                             generation={"num_beams": 3, "length_penalty": 2.0, "max_length": 30,
                                         "no_repeat_ngram_size": 3})
    own = HfSummarizer(f"hf:{folder}", {}).settings()["generation"]
    assert own["num_beams"] == 3 and own["length_penalty"] == 2.0 and own["max_length"] == 30
    assert "max_new_tokens" not in own  # the model's own length limit stays in charge
    changed = HfSummarizer(f"hf:{folder}", {"num_beams": 2, "min_new_tokens": 4}).settings()
    assert changed["generation"]["num_beams"] == 2 and changed["generation"]["min_new_tokens"] == 4
    assert changed["generation"]["length_penalty"] == 2.0
    assert changed["generation"]["no_repeat_ngram_size"] == 3
    assert changed["requested"] == {"min_new_tokens": 4, "num_beams": 2}


def test_generation_config_file_then_flags(tiny_seq2seq, tmp_path) -> None:
    path = tmp_path / "gen.json"
    path.write_text(json.dumps({"num_beams": 2, "length_penalty": 0.5, "repetition_penalty": 1.2,
                                "seed": 7}))
    summarizer = hf(tiny_seq2seq, generation_config=str(path), num_beams=1)
    assert summarizer.requested == {"length_penalty": 0.5, "max_new_tokens": 8, "num_beams": 1,
                                    "repetition_penalty": 1.2, "seed": 7}
    generation = summarizer.settings()["generation"]
    assert generation["num_beams"] == 1 and generation["repetition_penalty"] == 1.2
    assert summarizer.settings()["seed"] == 7
    path.write_text(json.dumps({"num_beams": "many"}))
    with pytest.raises(SummarizerOptionError, match="num-beams"):
        hf(tiny_seq2seq, generation_config=str(path))
    path.write_text("{not json")
    with pytest.raises(SummarizerOptionError, match="not valid JSON"):
        hf(tiny_seq2seq, generation_config=str(path))


def test_unknown_generation_field_is_refused_at_load(tiny_seq2seq, tmp_path) -> None:
    path = tmp_path / "gen.json"
    path.write_text(json.dumps({"num_beamz": 2}))
    with pytest.raises(SummarizerOptionError, match="num_beamz"):
        hf(tiny_seq2seq, generation_config=str(path)).summarize(["x"])


# -- causal LMs ------------------------------------------------------------------------
def test_causal_chat_model_gets_chat_prompt_and_no_echo(tiny_causal) -> None:
    summarizer = hf(tiny_causal)
    loaded = summarizer._load()
    ids, _ = summarizer._encode(loaded, "The council met on Tuesday.")
    prompt = loaded.tokenizer.decode(ids)
    assert prompt.startswith("<|user|>Summarize the following news article")
    assert "The council met on Tuesday." in prompt and prompt.endswith("</s><|assistant|>")
    items = list(summarizer.summarize_iter(ARTICLES[:4]))
    assert sorted(i.index for i in items) == [0, 1, 2, 3]
    for item in items:
        assert 0 < item.output_tokens <= 8  # only new tokens were decoded
        assert "Summarize the following" not in item.text
    assert summarizer.settings()["chat_template"] is True
    assert summarizer.settings()["kind"] == "causal"


def test_causal_model_without_chat_template_truncates_article_not_prompt(tiny_gpt2) -> None:
    summarizer = hf(tiny_gpt2, prompt_template="Article: {article}\nTL;DR:")
    loaded = summarizer._load()
    assert not loaded.chat and loaded.input_limit == 512
    ids, truncated = summarizer._encode(loaded, ARTICLES[1])
    assert truncated and len(ids) <= 512 - 8
    assert loaded.tokenizer.decode(ids).endswith("\nTL;DR:")
    assert loaded.tokenizer.padding_side == "left"
    summaries = summarizer.summarize(ARTICLES[:3])
    assert summarizer.truncated_count == 3 and all(summaries)


def test_prompt_template_needs_placeholder(tiny_causal) -> None:
    with pytest.raises(SummarizerOptionError, match="article"):
        hf(tiny_causal, prompt_template="Summarise this.")


# -- batching --------------------------------------------------------------------------
# 7 full articles (the last one truncated) and 9 first sentences: one batch of 8 mixes
# ~1000-token inputs with a ~20-token one, the other mixes short inputs of different lengths.
MIXED = ARTICLES[12:] + [". ".join(a.split(". ")[: 1 + i % 3]) for i, a in enumerate(ARTICLES[:9])]


@pytest.mark.parametrize("model", ["tiny_seq2seq", "tiny_causal", "tiny_gpt2"])
def test_greedy_outputs_identical_with_batch_size_1_and_8(model, request) -> None:
    path = request.getfixturevalue(model)
    one = hf(path, batch_size=1, dtype="float32", device="cpu").summarize(MIXED)
    eight = hf(path, batch_size=8, dtype="float32", device="cpu").summarize(MIXED)
    assert one == eight
    assert len(set(one)) > len(MIXED) // 4  # outputs depend on the input, padding included


def test_out_of_memory_halves_the_batch_and_keeps_outputs(tiny_seq2seq, capsys) -> None:
    expected = hf(tiny_seq2seq, batch_size=8).summarize(ARTICLES[:6])
    summarizer = hf(tiny_seq2seq, batch_size=8)
    loaded = summarizer._load()
    real_generate = loaded.model.generate
    sizes: list[int] = []

    def generate(**kwargs):
        sizes.append(kwargs["input_ids"].shape[0])
        if kwargs["input_ids"].shape[0] > 2:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return real_generate(**kwargs)

    loaded.model.generate = generate
    assert summarizer.summarize(ARTICLES[:6]) == expected
    assert sizes[:3] == [6, 3, 1] and set(sizes[3:]) == {1}
    err = capsys.readouterr().err
    assert "retrying with batch size 3" in err and "retrying with batch size 1" in err


def test_out_of_memory_at_batch_size_one_is_an_error(tiny_seq2seq) -> None:
    summarizer = hf(tiny_seq2seq, batch_size=1)
    loaded = summarizer._load()

    def generate(**kwargs):
        raise torch.OutOfMemoryError("simulated")

    loaded.model.generate = generate
    with pytest.raises(SummarizerError, match="even with batch size 1"):
        summarizer.summarize(ARTICLES[:1])


# -- sampling, dtype, device -----------------------------------------------------------
def test_sampling_with_seed_is_reproducible_and_unseeded_sampling_has_no_identity(tiny_causal) -> None:
    seeded = {"do_sample": True, "temperature": 1.5, "generation_seed": 3}
    a = hf(tiny_causal, **seeded).summarize(ARTICLES[:3])
    b = hf(tiny_causal, **seeded).summarize(ARTICLES[:3])
    assert a == b
    assert hf(tiny_causal, **seeded).cache_identity() is not None
    assert hf(tiny_causal, do_sample=True).cache_identity() is None


def test_model_that_samples_by_default_is_not_cacheable_without_seed(tiny_causal, tmp_path) -> None:
    folder = copy_checkpoint(tiny_causal, tmp_path / "sampler", generation={"do_sample": True})
    assert hf(folder).cache_identity() is None
    assert hf(folder, do_sample=False).cache_identity() is not None


def test_bfloat16_on_cpu_is_recorded(tiny_seq2seq) -> None:
    summarizer = hf(tiny_seq2seq, dtype="bfloat16")
    assert all(summarizer.summarize(ARTICLES[:2]))
    assert summarizer.settings()["dtype"] == "bfloat16"
    assert next(summarizer._load().model.parameters()).dtype == torch.bfloat16


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_requested_without_cuda_is_a_clear_error(tiny_seq2seq) -> None:
    with pytest.raises(SummarizerOptionError, match="CUDA is not available"):
        hf(tiny_seq2seq, device="cuda").summarize(["x"])


# -- options and loading errors --------------------------------------------------------
def test_option_errors(tiny_seq2seq) -> None:
    with pytest.raises(SummarizerOptionError, match="unknown option 'num_beam'"):
        HfSummarizer(f"hf:{tiny_seq2seq}", {"num_beam": 2})
    with pytest.raises(SummarizerOptionError, match="--batch-size"):
        HfSummarizer(f"hf:{tiny_seq2seq}", {"batch_size": 0})
    with pytest.raises(SummarizerOptionError, match="--base-url does not apply to hf"):
        HfSummarizer(f"hf:{tiny_seq2seq}", {"base_url": "http://x/v1"})
    with pytest.raises(SummarizerOptionError, match="--dtype"):
        HfSummarizer(f"hf:{tiny_seq2seq}", {"dtype": "int8"})


def test_missing_local_paths_fail_clearly(tmp_path) -> None:
    with pytest.raises(ModelLoadError, match="no such file or folder"):
        HfSummarizer(f"hf:{tmp_path}/nope", {})
    with pytest.raises(ModelLoadError, match="no config.json"):
        HfSummarizer(f"hf:{tmp_path}", {})
    with pytest.raises(ModelLoadError, match="no GGUF file"):
        HfSummarizer(f"hf:{tmp_path}", {"gguf_file": "x.gguf"})


def test_remote_code_does_not_run_unless_asked(tiny_seq2seq, tmp_path) -> None:
    marker = tmp_path / "remote-code-ran"

    def remote(config: dict) -> None:
        config["model_type"] = "sumbench-remote"
        config["auto_map"] = {"AutoConfig": "configuration_remote.RemoteConfig"}

    folder = copy_checkpoint(tiny_seq2seq, tmp_path / "remote", edit_config=remote)
    (folder / "configuration_remote.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "from transformers import PretrainedConfig\n"
        "class RemoteConfig(PretrainedConfig):\n    model_type = 'sumbench-remote'\n")
    summarizer = hf(folder)
    with pytest.raises(ModelLoadError, match="cannot load the model"):
        summarizer.summarize(["x"])
    assert not marker.exists()
    assert summarizer.cache_identity()["trust_remote_code"] is False


def test_local_path_never_touches_the_network(tiny_seq2seq, monkeypatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("network used for a local checkpoint")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    summarizer = hf(tiny_seq2seq)
    assert summarizer.source.local and all(summarizer.summarize(ARTICLES[:2]))


def test_hub_probe_sees_a_listening_endpoint_and_respects_offline_flag(monkeypatch) -> None:
    from sumbench.common.hub import hub_reachable

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # whatever the user's shell exports
    with socket.create_server(("127.0.0.1", 0)) as listener:
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{listener.getsockname()[1]}")
        assert hub_reachable(timeout=2)
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        assert not hub_reachable(timeout=2)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    assert not hub_reachable(timeout=2)  # the port is closed now


def test_hub_name_offline_and_not_cached_fails_fast(monkeypatch, tmp_path) -> None:
    import huggingface_hub.constants

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(OfflineError, match="cannot reach the Hugging Face hub"):
        HfSummarizer("hf:acme/no-such-model", {})


def test_hub_name_offline_but_cached_loads_with_local_files_only(tiny_seq2seq, monkeypatch,
                                                                 tmp_path) -> None:
    import huggingface_hub.constants

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "models--acme--tiny-bart"
    shutil.copytree(tiny_seq2seq, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    summarizer = hf("acme/tiny-bart")
    assert summarizer.source.local_files_only and summarizer.source.revision == commit
    assert summarizer.summarize(ARTICLES[:2]) == hf(tiny_seq2seq).summarize(ARTICLES[:2])
    assert summarizer.settings()["weights"] == f"hub:acme/tiny-bart@{commit}"
    with pytest.raises(OfflineError):
        HfSummarizer("hf:acme/tiny-bart@v2", {})


# -- output clean-up -------------------------------------------------------------------
def test_clean_summary_one_sentence_per_line() -> None:
    raw = ("  - The council voted 5-4 on Tuesday.   Buses will be free.\n\n"
           "* Dr. Okafor said the U.S. grant is pending\n1. Ridership may rise 20%.\x17")
    assert clean_summary(raw) == ("The council voted 5-4 on Tuesday.\nBuses will be free.\n"
                                  "Dr. Okafor said the U.S. grant is pending\nRidership may rise 20%.")
    assert clean_summary("   \n \n") == ""


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFG0123456789", min_size=1, max_size=8)
# A line that starts like a numbered bullet ("12. " or "3) ") is one: clean_summary drops
# the marker, so such lines are not generated as text.
LINE = st.lists(st.tuples(WORD, st.sampled_from(["", "", ",", ".", "!", "?"])), min_size=1,
                max_size=12).map(lambda ws: " ".join(w + p for w, p in ws)).filter(
                    lambda line: not re.match(r"\d{1,2}[.)](\s|$)", line))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "- ", "* ", "• ", "2. "]), LINE,
                          st.sampled_from([" ", "  ", "\t", ""])), min_size=1, max_size=5))
def test_clean_summary_keeps_every_word_and_leaves_clean_lines(lines) -> None:
    raw = "\n".join(bullet + text + tail for bullet, text, tail in lines)
    cleaned = clean_summary(raw)
    assert cleaned.split() == " ".join(text for _, text, _ in lines).split()
    for line in cleaned.split("\n"):
        assert line and line == line.strip() and "  " not in line and "\t" not in line

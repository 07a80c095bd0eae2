"""``hf:`` summarisers and their cache keys under damage (issue 11): a truncated or corrupt
``model.safetensors`` exits 2 with its path, the cache key holds the resolved device and
dtype (``auto`` never shares summaries across precisions), and a failed check of whether
the model samples is never taken for "deterministic"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_util import sumbench

pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

from sumbench.common.hub import check_safetensors  # noqa: E402
from sumbench.common.errors import ModelLoadError  # noqa: E402
from sumbench.summarize.hf import HfSummarizer  # noqa: E402


def hf(path: Path, **options) -> HfSummarizer:
    summarizer = HfSummarizer(f"hf:{path}", {"max_new_tokens": 8, **options})
    summarizer.progress = False
    return summarizer


def damaged(source: Path, target: Path, how: str) -> Path:
    shutil.copytree(source, target)
    weights = target / "model.safetensors"
    data = weights.read_bytes()
    if how == "truncated":
        weights.write_bytes(data[: len(data) // 2])
    elif how == "garbage header":
        weights.write_bytes(b"\xff" * 8 + data[8:])
    elif how == "not json":
        weights.write_bytes(data[:8] + b"{" * (int.from_bytes(data[:8], "little")) + data[
            8 + int.from_bytes(data[:8], "little"):])
    elif how == "empty":
        weights.write_bytes(b"")
    return target


@pytest.mark.parametrize("how", ["truncated", "garbage header", "not json", "empty"])
def test_a_damaged_weights_file_exits_2_with_its_path(tiny_seq2seq, tmp_path, how) -> None:
    folder = damaged(tiny_seq2seq, tmp_path / "model", how)
    result = sumbench("run", "--summarizer", f"hf:{folder}", "--limit", "1", "--no-cache",
                      "--device", "cpu")
    assert result.code == 2, result
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("sumbench: error:")]
    assert len(errors) == 1, result.err
    assert str(folder / "model.safetensors") in errors[0]
    assert "corrupt safetensors file" in errors[0]
    if how == "truncated":
        assert "(truncated)" in errors[0]


def test_the_intact_weights_file_passes_the_check(tiny_seq2seq) -> None:
    check_safetensors(Path(tiny_seq2seq) / "model.safetensors")


def test_the_cache_key_holds_the_resolved_device_and_dtype(tiny_seq2seq) -> None:
    auto = hf(tiny_seq2seq).cache_identity()
    expected_device = "cuda" if torch.cuda.is_available() else "cpu"
    assert auto["device"] == expected_device and auto["dtype"] != "auto"
    cpu32 = hf(tiny_seq2seq, device="cpu", dtype="float32").cache_identity()
    assert (cpu32["device"], cpu32["dtype"]) == ("cpu", "float32")
    bf16 = hf(tiny_seq2seq, device="cpu", dtype="bfloat16").cache_identity()
    assert bf16 != cpu32  # bfloat16 output is never served to a float32 run
    if expected_device == "cpu":
        assert auto == cpu32  # auto on a CPU is float32 on the CPU: the same summaries


def test_an_unreadable_generation_config_means_sampling_not_deterministic(tiny_causal,
                                                                          tmp_path,
                                                                          capsys) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_causal, folder)
    (folder / "generation_config.json").write_text("{broken")
    assert hf(folder).cache_identity() is None
    assert "cannot tell whether the model samples" in capsys.readouterr().err
    assert hf(folder, generation_seed=1).cache_identity() is not None
    assert hf(folder, do_sample=False).cache_identity() is not None


def test_without_generation_config_the_model_config_decides(tiny_causal, tmp_path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_causal, folder)
    (folder / "generation_config.json").unlink()
    assert hf(folder).cache_identity() is not None
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "do_sample": True}))
    assert hf(folder).cache_identity() is None


def test_a_missing_weights_file_is_still_a_load_error(tiny_seq2seq, tmp_path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_seq2seq, folder)
    (folder / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match="cannot load the model"):
        hf(folder).summarize(["An article. With two sentences."])

"""The one checkpoint check (issue 18) through the real CLI: BERTScore, faithfulness-nli,
the judge (``hf:``) and the ``hf:`` summariser refuse a damaged or hostile model folder
with exit 2 and one ``sumbench: error:`` line naming the path -- garbage or wrongly typed
``config.json``, empty/truncated/garbage/oversized-header safetensors, links out of the
folder, FIFOs (which used to hang the judge), pickle-only weights without the allow flag
-- and a pickle that ``torch.load`` refuses is one line naming the file, never run."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from cli_util import SUMBENCH

pytest.importorskip("transformers")
pytest.importorskip("torch")

from sumbench.common.checkpoint import check_checkpoint  # noqa: E402
from sumbench.common.errors import ModelLoadError  # noqa: E402

TIMEOUT_S = 120  # a FIFO read would hang for ever: the run must end well before this


def sumbench(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The console script with a timeout (a hang is a failure, not a stuck CI job)."""
    return subprocess.run([str(SUMBENCH), *map(str, args)], capture_output=True, text=True,
                          timeout=TIMEOUT_S, cwd=cwd)


def one_error(done: subprocess.CompletedProcess, *needles: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr
    # transformers' "Loading weights" bar is off (sumbench/common/checkpoint.py), and a
    # failed load prints no progress line: the error is the only line
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("sumbench: error: "), done.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


class Payload:
    """A pickle that would create a file when unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def damage(source: Path, target: Path, how: str) -> Path:
    """A copy of the checkpoint ``source`` at ``target``, damaged as ``how`` says; returns
    the path the error must name."""
    shutil.copytree(source, target)
    weights, config = target / "model.safetensors", target / "config.json"
    data = weights.read_bytes()
    length = int.from_bytes(data[:8], "little")
    if how == "config fifo":
        config.unlink()
        os.mkfifo(config)
        return config
    if how == "config not json":
        config.write_text("{broken")
        return config
    if how.startswith("config "):
        loaded = json.loads(config.read_text())
        field, value = {"config list": (None, [1, 2]), "config model_type": ("model_type", 5),
                        "config layers": ("num_hidden_layers", "2"),
                        "config architectures": ("architectures", [7]),
                        "config zero heads": ("num_attention_heads", 0),
                        "config absurd layers": ("num_hidden_layers", 10 ** 9),
                        "config pad out of vocabulary": ("pad_token_id", 10 ** 9),
                        "config shapes": ("intermediate_size", 65)}[how]
        config.write_text(json.dumps(value if field is None else {**loaded, field: value}))
        return config
    if how == "tokenizer fifo":
        (target / "tokenizer.json").unlink()
        os.mkfifo(target / "tokenizer.json")
        return target / "tokenizer.json"
    weights.unlink()
    if how == "weights empty":
        weights.write_bytes(b"")
    elif how == "weights truncated":
        weights.write_bytes(data[: len(data) // 2])
    elif how == "weights garbage":
        weights.write_bytes(os.urandom(4096))
    elif how == "weights oversized header":
        weights.write_bytes(struct.pack("<Q", 1 << 62) + data[8:])
    elif how == "weights header past the end":
        weights.write_bytes(struct.pack("<Q", len(data)) + data[8:])
    elif how == "weights link out":
        weights.symlink_to("/etc/passwd")
    elif how == "weights link to config":
        weights.symlink_to("config.json")
    elif how == "weights fifo":
        os.mkfifo(weights)
    elif how == "pickle only":
        (target / "pytorch_model.bin").write_bytes(pickle.dumps(Payload(target / "PWNED")))
        return target / "pytorch_model.bin"
    return weights


KINDS = ["config not json", "config list", "config model_type", "config layers",
         "config architectures", "config zero heads", "config absurd layers",
         "config pad out of vocabulary", "config shapes", "config fifo", "tokenizer fifo", "weights empty",
         "weights truncated", "weights garbage", "weights oversized header",
         "weights header past the end", "weights link out", "weights link to config",
         "weights fifo", "pickle only"]


@pytest.mark.parametrize("how", KINDS)
def test_bertscore_refuses_a_damaged_checkpoint_in_one_line(tiny_nli, tmp_path, how) -> None:
    path = damage(tiny_nli, tmp_path / "model", how)
    done = sumbench("run", "-s", "lead-1", "--limit", "1", "--metrics", "bertscore",
                    "--bertscore-model", tmp_path / "model", "--bertscore-layer", "2",
                    "--bertscore-device", "cpu", cwd=tmp_path)
    # transformers names the folder it was given, the check the file it refuses
    line = one_error(done, str(path if how != "config shapes" else tmp_path / "model"))
    if how == "pickle only":
        assert "--bertscore-allow-pickle" in line
    assert not (tmp_path / "model" / "PWNED").exists()


@pytest.mark.parametrize("how", ["config model_type", "weights truncated", "weights link out",
                                 "weights fifo", "pickle only"])
def test_faithfulness_nli_refuses_a_damaged_checkpoint_in_one_line(tiny_nli, tmp_path,
                                                                   how) -> None:
    path = damage(tiny_nli, tmp_path / "model", how)
    done = sumbench("run", "-s", "lead-1", "--limit", "1", "--metrics", "faithfulness-nli",
                    "--nli-model", tmp_path / "model", "--nli-device", "cpu", cwd=tmp_path)
    line = one_error(done, str(path))
    if how == "pickle only":
        assert "--nli-allow-pickle" in line


@pytest.mark.parametrize("how", ["config not json", "weights garbage", "weights fifo",
                                 "tokenizer fifo", "pickle only"])
def test_the_hf_judge_refuses_a_damaged_checkpoint_without_hanging(tiny_causal, tmp_path,
                                                                   how) -> None:
    path = damage(tiny_causal, tmp_path / "model", how)
    done = sumbench("run", "-s", "lead-1", "--limit", "1", "--metrics", "judge",
                    "--judge-model", f"hf:{tmp_path / 'model'}", "--judge-device", "cpu",
                    "--judge-no-cache", cwd=tmp_path)
    line = one_error(done, str(path))
    if how == "pickle only":
        assert "--judge-allow-pickle" in line


@pytest.mark.parametrize("how", ["config list", "weights oversized header", "weights fifo",
                                 "weights link out", "pickle only"])
def test_the_hf_summariser_refuses_a_damaged_checkpoint(tiny_causal, tmp_path, how) -> None:
    path = damage(tiny_causal, tmp_path / "model", how)
    done = sumbench("run", "-s", f"hf:{tmp_path / 'model'}", "--limit", "1", "--no-cache",
                    "--device", "cpu", "-o", tmp_path / "run", cwd=tmp_path)
    line = one_error(done, str(path))
    if how == "pickle only":
        assert "--allow-pickle" in line
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("family", ["hf", "bertscore", "judge"])
def test_an_allowed_malicious_pickle_is_one_line_naming_the_file_and_never_runs(
        tiny_nli, tiny_causal, tmp_path, family) -> None:
    source = tiny_nli if family == "bertscore" else tiny_causal
    path = damage(source, tmp_path / "model", "pickle only")
    model = tmp_path / "model"
    args = {"hf": ["-s", f"hf:{model}", "--allow-pickle", "--device", "cpu", "--no-cache"],
            "bertscore": ["-s", "lead-1", "--metrics", "bertscore", "--bertscore-model", model,
                          "--bertscore-layer", "2", "--bertscore-device", "cpu",
                          "--bertscore-allow-pickle"],
            "judge": ["-s", "lead-1", "--metrics", "judge", "--judge-model", f"hf:{model}",
                      "--judge-device", "cpu", "--judge-no-cache", "--judge-allow-pickle"]}
    done = sumbench("run", "--limit", "1", *args[family], cwd=tmp_path)
    one_error(done, str(path), "torch.load refused the pickle")
    assert "UnpicklingError" not in done.stderr
    assert not (model / "PWNED").exists()


def test_an_allowed_honest_pickle_checkpoint_loads(tiny_nli, tmp_path) -> None:
    from transformers import AutoModel

    folder = tmp_path / "model"
    shutil.copytree(tiny_nli, folder)
    (folder / "model.safetensors").unlink()
    import torch

    model = AutoModel.from_pretrained(tiny_nli)
    torch.save(model.state_dict(), folder / "pytorch_model.bin")
    common = ["run", "-s", "lead-1", "--limit", "1", "--metrics", "bertscore",
              "--bertscore-model", folder, "--bertscore-layer", "2", "--bertscore-device", "cpu"]
    refused = sumbench(*common, cwd=tmp_path)
    one_error(refused, str(folder / "pytorch_model.bin"), "--bertscore-allow-pickle")
    allowed = sumbench(*common, "--bertscore-allow-pickle", cwd=tmp_path)
    assert allowed.returncode == 0, allowed.stderr[-2000:]
    assert "bertscore" in allowed.stdout


def test_allow_pickle_without_its_owner_is_a_usage_error(tmp_path) -> None:
    done = sumbench("run", "-s", "lead-1", "--limit", "1", "--bertscore-allow-pickle",
                    cwd=tmp_path)
    one_error(done, "--bertscore-allow-pickle")
    done = sumbench("run", "-s", "lead-1", "--limit", "1", "--allow-pickle", cwd=tmp_path)
    one_error(done, "--allow-pickle")


def test_a_hub_cache_snapshot_with_links_into_its_blobs_passes(tiny_nli, tmp_path) -> None:
    repo = tmp_path / "models--acme--tiny"
    blobs, snapshot = repo / "blobs", repo / "snapshots" / ("0" * 40)
    blobs.mkdir(parents=True)
    snapshot.mkdir(parents=True)
    for i, file in enumerate(sorted(Path(tiny_nli).iterdir())):
        shutil.copy(file, blobs / f"blob{i}")
        (snapshot / file.name).symlink_to(Path("../../blobs") / f"blob{i}")
    check_checkpoint(snapshot)
    (snapshot / "extra.json").symlink_to("/etc/hostname")
    with pytest.raises(ModelLoadError, match="symbolic link out of the model folder"):
        check_checkpoint(snapshot)


# -- the check itself never fails in any other way -------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sumbench.common.checkpoint import check_config, check_safetensors  # noqa: E402

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
FIELDS = st.sampled_from(["model_type", "architectures", "vocab_size", "num_hidden_layers",
                          "pad_token_id", "id2label", "hidden_size", "is_encoder_decoder"])


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(config=st.dictionaries(FIELDS, JSON, max_size=4) | JSON, raw=st.binary(max_size=64))
def test_the_checks_raise_only_model_load_errors(tmp_path, config, raw) -> None:
    path = tmp_path / "config.json"
    for content in (json.dumps(config).encode(), raw):
        path.write_bytes(content)
        try:
            check_config(path)
        except ModelLoadError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc)
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(raw)
    try:
        check_safetensors(weights)
    except ModelLoadError as exc:
        assert str(weights) in str(exc) and "\n" not in str(exc)

"""The one check of a local checkpoint folder, run before ``transformers`` opens any file
of it (BERTScore, faithfulness-nli, the judge and the ``hf:`` summariser all go through
:func:`sumbench.common.hub.locate_model`, which calls :func:`check_checkpoint`).

A checkpoint folder is untrusted input.  Refused, each with one line naming the path
(:class:`~sumbench.common.errors.ModelLoadError`):

- an entry that is not a regular file or folder (a FIFO would hang the first read, a
  device has no end, a socket cannot be read), and a symbolic link that leads out of the
  folder -- except into a Hugging Face hub cache's ``blobs`` folder, which is how the
  hub cache's ``snapshots`` folders and ``--local-dir`` downloads of older
  ``huggingface_hub`` versions are laid out;
- a ``config.json`` that is not UTF-8 JSON, not an object, or whose fields that
  ``transformers`` relies on have the wrong type (:data:`CONFIG_TYPES`);
- a ``.safetensors`` file whose 8-byte header length, JSON header and tensor byte
  ranges do not agree with its size (the format: huggingface/safetensors, README);
- weights only in pickle files (``pytorch_model.bin`` ...): unpickling runs code the
  file names, so they are loaded only with ``allow_pickle`` (``--allow-pickle``), and
  ``transformers`` is otherwise asked for safetensors only (:func:`weights_kwargs`).
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sumbench.common.errors import ModelLoadError

SAFETENSORS_HEADER_LIMIT = 100 << 20  # the safetensors format's own bound on its header
CONFIG_LIMIT = 16 << 20  # a config.json larger than this is not a model configuration
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
_INT = (int,)
# config.json fields transformers reads at load time -> the JSON types they must have
# (None allowed everywhere: transformers then takes its default).
CONFIG_TYPES: dict[str, tuple[type, ...]] = {
    "model_type": (str,), "architectures": (list,), "id2label": (dict,),
    "label2id": (dict,), "is_encoder_decoder": (bool,), "torch_dtype": (str,),
    "dtype": (str,), "vocab_size": _INT, "hidden_size": _INT, "d_model": _INT,
    "num_hidden_layers": _INT, "num_attention_heads": _INT, "num_layers": _INT,
    "n_layer": _INT, "n_layers": _INT, "n_embd": _INT, "n_head": _INT,
    "encoder_layers": _INT, "decoder_layers": _INT, "intermediate_size": _INT,
    "max_position_embeddings": _INT, "n_positions": _INT, "type_vocab_size": _INT,
    "pad_token_id": _INT, "bos_token_id": _INT + (list,), "eos_token_id": _INT + (list,),
    "decoder_start_token_id": _INT, "task_specific_params": (dict,),
    "auto_map": (dict,), "quantization_config": (dict,),
}

_SIZE = (1, 1 << 31)  # a dimension: at least 1, and what a C int holds
_COUNT = (0, 1_000)  # layers: far more than any model has, few enough to build quickly
CONFIG_BOUNDS: dict[str, tuple[int, int]] = {
    **{f: _SIZE for f in ("vocab_size", "hidden_size", "d_model", "n_embd",
                          "num_attention_heads", "n_head", "intermediate_size",
                          "max_position_embeddings", "n_positions", "type_vocab_size")},
    **{f: _COUNT for f in ("num_hidden_layers", "num_layers", "n_layer", "n_layers",
                           "encoder_layers", "decoder_layers")},
}
# token ids that index the embedding when the model is built or starts generating
TOKEN_ID_FIELDS = ("pad_token_id", "decoder_start_token_id")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _in_hub_blobs(target: Path) -> bool:
    """Whether ``target`` lies in ``.../models--<name>/blobs/`` of a hub cache."""
    parent = target.parent
    return parent.name == "blobs" and parent.parent.name.startswith("models--")


def check_entry(path: Path, folder: Path) -> None:
    """Refuse ``path`` (an entry of the checkpoint ``folder``) when it is not a regular
    file or folder, or is a symbolic link leading out of ``folder``."""
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(folder) and not _in_hub_blobs(target):
                raise ModelLoadError(f"{path}: a symbolic link out of the model folder "
                                     f"(to {target}); copy the file into the folder")
        mode = path.stat().st_mode
    except (OSError, RuntimeError) as exc:  # dangling or looping links included
        raise ModelLoadError(f"{path}: cannot read: "
                             f"{getattr(exc, 'strerror', None) or _first_line(exc)}") from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
        raise ModelLoadError(f"{path}: {kind}, not a regular file; a model file must be one")


def check_config(path: Path) -> None:
    """Refuse a ``config.json`` that is not a JSON object of the expected field types."""
    try:
        if path.stat().st_size > CONFIG_LIMIT:
            raise ValueError(f"larger than {CONFIG_LIMIT >> 20} MiB")
        loaded = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise ModelLoadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelLoadError(f"{path}: not a model configuration (JSON): "
                             f"{_first_line(exc)}") from None
    if not isinstance(loaded, dict):
        raise ModelLoadError(f"{path}: not a model configuration: a JSON "
                             f"{type(loaded).__name__}, not an object")
    for field, types in CONFIG_TYPES.items():
        value = loaded.get(field)
        wrong = value is not None and (not isinstance(value, types)
                                       or (isinstance(value, bool) and bool not in types))
        if wrong:
            expected = " or ".join({str: "a string", int: "an integer", list: "a list",
                                    dict: "an object", bool: "true/false"}[t] for t in types)
            raise ModelLoadError(f"{path}: field {field!r} must be {expected}, "
                                 f"not {json.dumps(value)[:60]}")
    for field, (low, high) in CONFIG_BOUNDS.items():
        value = loaded.get(field)
        if isinstance(value, int) and not low <= value <= high:
            raise ModelLoadError(f"{path}: field {field!r} must be in {low}..{high}, "
                                 f"not {value}")
    vocabulary = loaded.get("vocab_size")
    for field in TOKEN_ID_FIELDS:
        value = loaded.get(field)
        ids = value if isinstance(value, list) else [value]
        if isinstance(vocabulary, int) and any(
                isinstance(i, int) and not -1 <= i < vocabulary for i in ids):
            raise ModelLoadError(f"{path}: field {field!r} ({json.dumps(value)[:40]}) is not "
                                 f"a token id of the {vocabulary}-token vocabulary")
    architectures = loaded.get("architectures")
    if architectures is not None and not all(isinstance(a, str) for a in architectures):
        raise ModelLoadError(f"{path}: field 'architectures' must be a list of names")


def check_safetensors(path: Path) -> None:
    """Raise :class:`ModelLoadError` naming ``path`` when a ``.safetensors`` file is
    truncated or corrupt: its 8-byte header length, JSON header and the tensors' byte
    ranges must agree with the file's size.  Reads only the header."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            prefix = handle.read(8)
            if len(prefix) < 8:
                raise ValueError("shorter than its 8-byte header length")
            length = int.from_bytes(prefix, "little")
            if length > min(SAFETENSORS_HEADER_LIMIT, size - 8):
                raise ValueError(f"header length {length} does not fit in the file "
                                 f"({size} bytes)")
            header = json.loads(handle.read(length).decode("utf-8"))
    except OSError as exc:
        raise ModelLoadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelLoadError(f"{path}: corrupt safetensors file: {_first_line(exc)}") from None
    if not isinstance(header, dict):
        raise ModelLoadError(f"{path}: corrupt safetensors file: the header is not an object")
    end = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
                or not 0 <= offsets[0] <= offsets[1]):
            raise ModelLoadError(f"{path}: corrupt safetensors file: tensor {name!r} has no "
                                 "valid data_offsets")
        end = max(end, offsets[1])
    data = size - 8 - length
    if end != data:
        raise ModelLoadError(f"{path}: corrupt safetensors file: the tensors need {end} bytes "
                             f"after the header, the file has {data}"
                             + (" (truncated)" if end > data else ""))


def pickle_files(folder: Path) -> list[Path]:
    """The pickle weight files of a checkpoint folder (``pytorch_model.bin`` ...)."""
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in PICKLE_SUFFIXES and p.is_file())


def check_checkpoint(folder: Path, gguf_file: str | None = None, allow_pickle: bool = False,
                     pickle_flag: str = "--allow-pickle") -> None:
    """Every check of the module docstring on the local checkpoint ``folder`` (for a
    GGUF checkpoint: that the GGUF file is a regular file in the folder); ``pickle_flag``
    is the option that allows pickle weights, as the refusal names it."""
    if gguf_file:
        check_entry(folder / gguf_file, folder)
        return
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise ModelLoadError(f"{folder}: cannot read: {exc.strerror or exc}") from None
    for entry in entries:
        check_entry(Path(entry.path), folder)
    check_config(folder / "config.json")
    weights = sorted(folder.glob("*.safetensors"))
    for path in weights:
        check_safetensors(path)
    pickles = pickle_files(folder)
    if pickles and not weights and not allow_pickle:
        raise ModelLoadError(f"{pickles[0]}: the checkpoint has only pickle weights, and "
                             f"loading a pickle can run code; give {pickle_flag} only for a "
                             "checkpoint you trust, or convert it to safetensors")


def weights_kwargs(allow_pickle: bool, gguf_file: str | None = None) -> dict:
    """What ``from_pretrained`` of a model is given so that ``transformers`` never
    unpickles weights unless ``allow_pickle``."""
    return {} if allow_pickle or gguf_file else {"use_safetensors": True}


# What loading an untrusted checkpoint with transformers raises for bad data (pickle's
# error for a .bin that is not a valid or allowed pickle; TypeError for a field of the
# wrong type that the config check does not know).
LOAD_ERRORS: tuple[type[BaseException], ...] = (
    OSError, ValueError, KeyError, RuntimeError, ImportError, EOFError, TypeError,
    pickle.UnpicklingError)


def load_errors() -> tuple[type[BaseException], ...]:
    """:data:`LOAD_ERRORS` and safetensors' own error type (not an OSError or
    ValueError), when safetensors is installed."""
    try:
        from safetensors import SafetensorError
    except ImportError:
        return LOAD_ERRORS
    return LOAD_ERRORS + (SafetensorError,)


def describe_load_error(exc: BaseException, location: str, local: bool, allow_pickle: bool,
                        pickle_flag: str = "--allow-pickle") -> str:
    """One line for an error ``transformers`` raised while loading: its first line (for
    a pickle that ``torch.load`` refused, a short account of why) and the pickle file that
    failed to load (with ``allow_pickle``) or a hint that a hub model may have only
    pickle weights (without)."""
    if isinstance(exc, pickle.UnpicklingError):
        text = ("torch.load refused the pickle weights (they hold more than tensors, or "
                "are damaged)")
    elif "ignore_mismatched_sizes" in str(exc):
        text = "the weights' shapes do not match those config.json declares"
    else:
        text = _first_line(exc)
    if allow_pickle:
        folder = Path(location)
        found = pickle_files(folder) if local and folder.is_dir() else []
        if found and not list(folder.glob("*.safetensors")):
            return f"{text} (loading the pickle weights {found[0]})"
        return text
    if "safetensors" in str(exc) and not local:
        return (f"{text} (if the model has only pickle weights, {pickle_flag} loads them: "
                "only for a model you trust)")
    return text


def third_party_bars_off() -> None:
    """Turn off the progress bars of ``transformers`` ("Loading weights", GGUF
    de-quantisation) and ``huggingface_hub`` (downloads): sumbench shows its own line
    (:mod:`sumbench.common.progress`), and their ``\r`` redraws reach a redirected stderr
    as one huge line.  Called where models load; imports nothing that is not loaded."""
    import os
    import sys

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # read when the hub loads
    hub_utils = sys.modules.get("huggingface_hub.utils")
    if hub_utils is not None and hasattr(hub_utils, "disable_progress_bars"):
        hub_utils.disable_progress_bars()
    library_logging = sys.modules.get("transformers.utils.logging")
    if library_logging is not None and hasattr(library_logging, "disable_progress_bar"):
        library_logging.disable_progress_bar()


@contextmanager
def quiet_loading() -> Iterator[None]:
    """Loading without raw extra lines: third-party progress bars are off
    (:func:`third_party_bars_off`), torch's warnings about pickle protocols are dropped,
    and what ``transformers`` logs while loading (its load report) is held back -- shown
    after a load that succeeded, dropped when the load failed (the failure is reported as
    one line)."""
    third_party_bars_off()
    library = logging.getLogger("transformers")
    held: list[logging.LogRecord] = []

    class _Hold(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            held.append(record)

    original = library.handlers[:]
    library.handlers = [_Hold()]
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.")
            yield
    finally:
        library.handlers = original
    for record in held:  # reached only when the load succeeded
        for handler in original:
            if record.levelno >= handler.level:
                handler.handle(record)

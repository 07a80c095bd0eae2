"""Loading an ``hf:`` model (:mod:`sumbench.summarize.hf`): device and dtype resolved,
config, tokenizer and weights read with ``transformers``' Auto classes, and what the
summariser derives from them once -- the generation config (the model's own, with only
the requested fields changed), the input limit, the seq2seq prefix, the chat template.

Local ``.safetensors`` files are checked against their own header before loading
(:func:`sumbench.common.hub.check_local_weights`), so a truncated download fails with
its path; every load failure becomes a :class:`~sumbench.common.errors.ModelLoadError`
naming the model.  ``torch`` and ``transformers`` are imported inside the functions.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sumbench.common.errors import ModelLoadError, SummarizerOptionError
from .generation import DEFAULT_MAX_NEW_TOKENS
from sumbench.common.checkpoint import (
    describe_load_error,
    load_errors,
    quiet_loading,
    weights_kwargs,
)
from sumbench.common.hub import ModelSource, check_local_weights

SANE_LIMIT = 1_000_000  # tokenizers without a limit report model_max_length ~1e30
_POSITION_FIELDS = ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length")


@dataclass
class Loaded:
    """The model and what was derived from it at load time."""

    model: Any
    tokenizer: Any
    generation_config: Any
    seq2seq: bool
    device: str
    dtype: str
    input_limit: int | None
    prefix: str
    chat: bool
    architecture: str


def resolve_device(requested: str) -> str:
    if requested == "cpu":
        return requested  # no torch import needed to know that
    import torch

    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        return "mps" if mps is not None and mps.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise SummarizerOptionError(f"--device cuda: CUDA is not available (torch {torch.__version__})")
    if requested == "mps" and not torch.backends.mps.is_available():
        raise SummarizerOptionError("--device mps: MPS is not available on this machine")
    return requested


def resolve_dtype(requested: str, device: str) -> str:
    if requested != "auto":
        return requested
    if device == "cuda":
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    return "float16" if device == "mps" else "float32"


def out_of_memory_types() -> tuple[type, ...]:
    import torch

    types = [getattr(torch, "OutOfMemoryError", None), getattr(torch.cuda, "OutOfMemoryError", None)]
    return tuple({t for t in types if t is not None})


def free_memory(loaded: Loaded) -> None:
    if loaded.device == "cuda":
        import torch

        torch.cuda.empty_cache()


def load_model(name: str, source: ModelSource, options: dict[str, Any],
               requested: dict[str, Any], pickle_flag: str) -> Loaded:
    """The model ``name`` (an ``hf:`` summariser's) from ``source``, with its resolved
    ``options`` and the ``requested`` generation settings."""
    try:
        import torch
        import transformers
    except ImportError:
        raise ModelLoadError("hf: summarisers need torch and transformers: "
                             "pip install 'sumbench[hf]'") from None
    device = resolve_device(options["device"])
    dtype = resolve_dtype(options["dtype"], device)
    common = dict(source.pretrained_kwargs(), trust_remote_code=options["trust_remote_code"])
    where = name
    check_local_weights(source)  # a truncated weights file: its path, not a crash
    try:
        with quiet_loading():
            config = transformers.AutoConfig.from_pretrained(source.location, **common)
            seq2seq = bool(getattr(config, "is_encoder_decoder", False))
            tokenizer = transformers.AutoTokenizer.from_pretrained(source.location, **common)
            auto = (transformers.AutoModelForSeq2SeqLM if seq2seq
                    else transformers.AutoModelForCausalLM)
            model = auto.from_pretrained(source.location, config=config,
                                         dtype=getattr(torch, dtype), **common,
                                         **weights_kwargs(options["allow_pickle"],
                                                          source.gguf_file))
    except load_errors() as exc:
        message = describe_load_error(exc, source.location, source.local,
                                      options["allow_pickle"], pickle_flag)
        if source.local and source.location not in message:
            message += f" ({source.location})"
        hint = (" (pass --trust-remote-code to run the repository's code)"
                if "trust_remote_code" in str(exc) else "")
        raise ModelLoadError(f"{where}: cannot load the model: {message}{hint}") from None
    model.to(device).eval()
    if not seq2seq:
        tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is None:
            raise ModelLoadError(f"{where}: the tokenizer has neither a pad nor an eos token")
        tokenizer.pad_token = tokenizer.eos_token
    generation = generation_config(name, model, tokenizer, seq2seq, requested)
    input_limit = _input_limit(config, tokenizer, options["max_input_tokens"])
    # Limits are enforced when encoding; measuring untruncated lengths must not warn.
    tokenizer.model_max_length = SANE_LIMIT ** 2
    task = (getattr(config, "task_specific_params", None) or {}).get("summarization") or {}
    return Loaded(model=model, tokenizer=tokenizer, generation_config=generation,
                  seq2seq=seq2seq, device=device, dtype=dtype,
                  input_limit=input_limit,
                  prefix=str(task.get("prefix") or "") if seq2seq else "",
                  chat=bool(getattr(tokenizer, "chat_template", None)) and not seq2seq,
                  architecture=(getattr(config, "architectures", None) or
                                [type(model).__name__])[0])


def generation_config(name: str, model: Any, tokenizer: Any, seq2seq: bool,
                      requested: dict[str, Any]) -> Any:
    """The model's own generation config with the ``requested`` fields changed."""
    generation = copy.deepcopy(model.generation_config)
    wanted = {k: v for k, v in requested.items() if k != "seed"}
    own = generation.to_diff_dict()
    if ("max_new_tokens" not in wanted and generation.max_new_tokens is None
            and (not seq2seq or "max_length" not in own)):
        # A causal LM's max_length counts the prompt; the library default (20) is useless.
        wanted["max_new_tokens"] = DEFAULT_MAX_NEW_TOKENS
    if generation.pad_token_id is None:
        generation.pad_token_id = tokenizer.pad_token_id
    unused = generation.update(**wanted)
    if unused:
        raise SummarizerOptionError(f"{name}: not generation settings: "
                                    f"{', '.join(sorted(unused))}")
    try:
        generation.validate()
    except ValueError as exc:
        raise SummarizerOptionError(f"{name}: invalid generation settings: {exc}") from None
    return generation


def _input_limit(config: Any, tokenizer: Any, max_input_tokens: int | None) -> int | None:
    if max_input_tokens is not None:
        return max_input_tokens
    limits = [getattr(config, f, None) for f in _POSITION_FIELDS]
    limits.append(getattr(tokenizer, "model_max_length", None))
    sane = [int(x) for x in limits if isinstance(x, int) and 0 < x < SANE_LIMIT]
    return min(sane) if sane else None

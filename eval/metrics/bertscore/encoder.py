"""The Hugging Face encoder whose hidden states BERTScore compares, cut after the chosen
layer as the ``bert-score`` package does (``utils.get_model``): the layer stack (a
``ModuleList`` such as BERT's ``encoder.layer``, DistilBERT's ``transformer.layer``,
BART's ``layers`` or T5's ``block``) keeps its first ``layer`` modules, and the model's
first output is the representation (for T5 after its final layer norm, as in
bert-score).  An encoder-decoder model contributes its encoder.  A model without such a
stack (ALBERT shares one layer group; XLM counts ``n_layers``) is run with
``output_hidden_states`` and the hidden state after ``layer`` layers is taken.  Layer 0
is the embedding layer's output.

``torch`` and ``transformers`` are imported inside the functions.  The model comes from
:func:`sumbench.common.hub.locate_model`: a local folder never touches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sumbench.common.checkpoint import (
    describe_load_error,
    load_errors,
    quiet_loading,
    weights_kwargs,
)
from sumbench.common.hub import ModelSource
from sumbench.common.errors import InputError, UsageError
from .tokens import UNLIMITED, length_limit

_STACKS = ("encoder.layer", "transformer.layer", "layer", "layers", "encoder.block", "block")
_LAYER_FIELDS = ("num_hidden_layers", "n_layers", "num_layers", "n_layer", "encoder_layers")
_DEVICE = re.compile(r"auto|cpu|mps|cuda(:\d+)?")


@dataclass
class Encoder:
    """A loaded encoder: the (cut) model, its tokenizer and config, where it runs, the
    most tokens a text may have (:func:`~.tokens.length_limit`, read at load time) and
    whether the hidden state must be picked from ``output_hidden_states``."""

    model: Any
    tokenizer: Any
    config: Any
    device: str
    layer: int
    limit: int | None
    from_hidden_states: bool

    def forward(self, input_ids: Any, attention_mask: Any) -> Any:
        """The representation at ``layer`` of a padded batch (batch x length x width)."""
        if self.from_hidden_states:
            out = self.model(input_ids, attention_mask=attention_mask,
                             output_hidden_states=True)
            return out.hidden_states[self.layer]
        return self.model(input_ids, attention_mask=attention_mask)[0]


def check_device(requested: str) -> str:
    """``requested`` if it is a device name sumbench knows (``ValueError`` otherwise)."""
    if not _DEVICE.fullmatch(requested):
        raise ValueError(f"--bertscore-device: expected auto, cpu, cuda, cuda:N or mps, "
                         f"got {requested!r}")
    return requested


def resolve_device(requested: str) -> str:
    """``auto``: CUDA when available (bert-score's default), else CPU; a device that is
    not there is a usage error."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UsageError(f"--bertscore-device {requested}: CUDA is not available "
                             f"(torch {torch.__version__})")
        index = int(requested.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise UsageError(f"--bertscore-device {requested}: there are "
                             f"{torch.cuda.device_count()} CUDA device(s)")
    if requested == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise UsageError("--bertscore-device mps: MPS is not available on this machine")
    return requested


def config_layers(config: dict | Any) -> int | None:
    """The number of layers a model config (a ``config.json`` dict or a config object)
    declares, when it declares one."""
    get = config.get if isinstance(config, dict) else (lambda k: getattr(config, k, None))
    for key in _LAYER_FIELDS:
        value = get(key)
        if isinstance(value, int) and value >= 0:
            return value
    return None


def _find_stack(model: Any) -> tuple[Any, str] | None:
    import torch

    for path in _STACKS:
        owner, _, name = path.rpartition(".")
        parent = model
        for part in owner.split(".") if owner else ():
            parent = getattr(parent, part, None)
        stack = getattr(parent, name, None) if parent is not None else None
        if isinstance(stack, torch.nn.ModuleList) and len(stack) > 0:
            return parent, name
    return None


def load_encoder(source: ModelSource, spec: str, layer: int, device: str,
                 allow_pickle: bool = False) -> Encoder:
    """The encoder of ``source`` cut after ``layer`` layers, in eval mode on ``device``
    (``auto`` resolved).  Raises :class:`InputError` when it cannot be loaded and
    :class:`UsageError` when the layer is out of range or the device absent.  Pickle
    weights are loaded only with ``allow_pickle`` (the folder was checked by
    ``locate_model``)."""
    try:
        import torch
        import transformers
    except ImportError:
        raise UsageError("the bertscore metric needs torch and transformers: "
                         "pip install 'sumbench[bertscore]'") from None
    where = f"--bertscore-model {spec}"
    common = source.pretrained_kwargs()
    try:
        with quiet_loading():
            config = transformers.AutoConfig.from_pretrained(source.location, **common)
            tokenizer = transformers.AutoTokenizer.from_pretrained(source.location, use_fast=False,
                                                                   **common)
            model = transformers.AutoModel.from_pretrained(source.location, config=config,
                                                           **common,
                                                           **weights_kwargs(allow_pickle,
                                                                            source.gguf_file))
    except load_errors() as exc:
        message = describe_load_error(exc, source.location, source.local, allow_pickle,
                                      "--bertscore-allow-pickle")
        raise InputError(f"{where}: cannot load the encoder: {message}") from None
    if getattr(config, "is_encoder_decoder", False) and hasattr(model, "get_encoder"):
        model = model.get_encoder()
    stack = _find_stack(model)
    available = len(getattr(*stack)) if stack else config_layers(config)
    if available is None:
        raise UsageError(f"{where}: cannot tell how many layers the model has")
    if not 0 <= layer <= available:
        raise UsageError(f"--bertscore-layer {layer}: {spec} has layers 0..{available}")
    if stack is not None:
        parent, name = stack
        setattr(parent, name, torch.nn.ModuleList(list(getattr(parent, name))[:layer]))
    resolved = resolve_device(device)
    model.float().to(resolved).eval()  # float32 whatever the checkpoint's storage type
    limit = length_limit(tokenizer, config)
    # The cut is made with max_length=limit; measuring a longer text must not warn.
    tokenizer.model_max_length = UNLIMITED
    return Encoder(model=model, tokenizer=tokenizer, config=config, device=resolved,
                   layer=layer, limit=limit, from_hidden_states=stack is None)

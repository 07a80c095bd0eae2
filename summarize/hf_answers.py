"""The ``hf:`` back-end's answers (:mod:`sumbench.summarize.answers`): the next-token
distribution after a prompt from one forward pass, and sampled completions.

Causal LMs are padded on the left (the summariser's setting) and get position ids
counted from each row's first real token, as ``generate()`` computes them, so a prompt's
distribution does not depend on what else is in its batch; only the last position's
logits are computed where the model allows (``logits_to_keep``).  Seq2seq models read the
distribution of the first decoder step.  ``torch`` is imported inside the functions.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any


def _forward_parameters(model: Any) -> set[str]:
    try:
        return set(inspect.signature(model.forward).parameters)
    except (TypeError, ValueError):
        return set()


def first_token_probabilities(loaded: Any, batch: list[list[int]]) -> Any:
    """``(len(batch), vocabulary)`` float32 probabilities of the token that follows each
    prompt (token ids) in ``batch``, on the model's device."""
    import torch

    encoded = loaded.tokenizer.pad({"input_ids": batch}, padding=True, return_tensors="pt")
    input_ids = encoded["input_ids"].to(loaded.device)
    mask = encoded["attention_mask"].to(loaded.device)
    model = loaded.model
    with torch.inference_mode():
        if loaded.seq2seq:
            start = loaded.generation_config.decoder_start_token_id
            if start is None:
                start = model.config.decoder_start_token_id
            decoder = torch.full((input_ids.shape[0], 1), int(start), device=loaded.device)
            logits = model(input_ids=input_ids, attention_mask=mask,
                           decoder_input_ids=decoder).logits[:, -1, :]
        else:
            parameters = _forward_parameters(model)
            extra: dict[str, Any] = {}
            if "position_ids" in parameters:
                extra["position_ids"] = (mask.long().cumsum(-1) - 1).clamp(min=0)
            if "logits_to_keep" in parameters:
                extra["logits_to_keep"] = 1
            logits = model(input_ids=input_ids, attention_mask=mask, **extra).logits[:, -1, :]
    return torch.softmax(logits.float(), dim=-1)


def sample_completions(loaded: Any, ids: list[int], n: int, seed: int | None) -> list[str]:
    """``n`` completions of one prompt with the loaded generation settings, decoded raw
    (special tokens dropped).  The seed is set before this prompt alone, so its samples
    do not depend on the prompts sampled before it."""
    import torch

    generation = copy.deepcopy(loaded.generation_config)
    generation.num_return_sequences = n
    if seed is not None:
        torch.manual_seed(int(seed))
    input_ids = torch.tensor([ids], device=loaded.device)
    mask = torch.ones_like(input_ids)
    with torch.inference_mode():
        output = loaded.model.generate(input_ids=input_ids, attention_mask=mask,
                                       generation_config=generation)
    new = output if loaded.seq2seq else output[:, input_ids.shape[1]:]
    return [str(t) for t in loaded.tokenizer.batch_decode(new, skip_special_tokens=True)]

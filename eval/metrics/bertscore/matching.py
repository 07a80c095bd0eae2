"""Contextual embeddings and BERTScore's greedy matching (Zhang et al. 2020, Eq. 1-3;
bert-score 0.3.13, ``utils.greedy_cos_idf``).

Each text is embedded once (a text shared by several pairs is not recomputed), in
batches of texts sorted by token count, longest first, so that padding stays small and
an out-of-memory error on CUDA shows at once (the batch is then halved and retried).
(Closing batches early to cut padding further was measured on 2 CPU cores: the smaller
batches ran as much slower per token as the padding saved.)
Embeddings are normalised to unit length and kept on the CPU in float32.

For a prediction ``x`` and a reference ``y`` with token weights ``w`` (:mod:`.idf`,
normalised to sum 1 per text): ``P = sum_i w_x(i) max_j cos(x_i, y_j)``,
``R = sum_j w_y(j) max_i cos(x_i, y_j)``, ``F = 2PR / (P + R)``.  The maxima run over
every token of the other text, its [CLS] and [SEP] included (they weigh 0 but can be
matched), as in bert-score.  Pairs are computed in padded batches; padding never takes
part in a maximum.  (bert-score multiplies padded similarities by 0, so a pair whose
best similarity is negative would read 0 there when it shares a batch with a longer
text; with contextual embeddings that does not happen in practice.)
"""

from __future__ import annotations

import sys
from typing import Any, Sequence

import numpy as np

from sumbench.common.errors import InputError
from .encoder import Encoder

_NO_MATCH = -2.0  # below any cosine: padding never wins a maximum


def _out_of_memory_types() -> tuple[type, ...]:
    import torch

    found = [getattr(torch, "OutOfMemoryError", None),
             getattr(torch.cuda, "OutOfMemoryError", None)]
    return tuple({t for t in found if t is not None})


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices of texts in batches of at most ``batch_size``, longest texts first."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[k:k + batch_size] for k in range(0, len(order), batch_size)]


def embed_texts(encoder: Encoder, ids: Sequence[Sequence[int]], batch_size: int,
                progress: Any = None) -> list[Any]:
    """Unit-length embeddings (tokens x width, float32, on the CPU) of every text."""
    import torch

    pad = encoder.tokenizer.pad_token_id
    pad = 0 if pad is None else int(pad)
    pending = length_batches([len(x) for x in ids], batch_size)
    pending.reverse()  # pop() from the end: longest first
    out: list[Any] = [None] * len(ids)
    out_of_memory = _out_of_memory_types()
    with torch.inference_mode():
        while pending:
            chunk = pending.pop()
            longest = len(ids[chunk[0]])
            input_ids = torch.full((len(chunk), longest), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), longest), dtype=torch.long)
            for row, i in enumerate(chunk):
                input_ids[row, :len(ids[i])] = torch.tensor(ids[i], dtype=torch.long)
                mask[row, :len(ids[i])] = 1
            try:
                hidden = encoder.forward(input_ids.to(encoder.device), mask.to(encoder.device))
            except out_of_memory:
                if len(chunk) == 1:
                    raise InputError(f"bertscore: out of memory on {encoder.device} even "
                                     "with one text per batch") from None
                half = len(chunk) // 2
                pending += [chunk[half:], chunk[:half]]
                if encoder.device.startswith("cuda"):
                    torch.cuda.empty_cache()
                print(f"bertscore: out of memory; retrying with batches of {half} texts",
                      file=sys.stderr)
                continue
            hidden = hidden.float()
            hidden = hidden / torch.norm(hidden, dim=-1).unsqueeze(-1)
            hidden = hidden.cpu()
            for row, i in enumerate(chunk):
                out[i] = hidden[row, :len(ids[i])].clone()
            if progress is not None:
                progress.update(len(chunk))
    return out


def _padded(tensors: Sequence[Any], device: str) -> tuple[Any, Any]:
    import torch
    from torch.nn.utils.rnn import pad_sequence

    lengths = torch.tensor([t.shape[0] for t in tensors])
    padded = pad_sequence(list(tensors), batch_first=True).to(device)
    mask = (torch.arange(int(lengths.max()))[None, :] < lengths[:, None]).to(device)
    return padded, mask


def greedy_match(predictions: Sequence[Any], prediction_weights: Sequence[np.ndarray],
                 references: Sequence[Any], reference_weights: Sequence[np.ndarray],
                 device: str, batch_size: int) -> np.ndarray:
    """``(pairs, 3)`` float32 array of P, R, F for aligned prediction and reference
    embeddings and weights.  A pair whose weights sum to 0 on one side gets NaN there
    (and F = 0), as in bert-score; the caller decides what that means."""
    import torch

    results = []
    size = max(1, batch_size)
    with torch.inference_mode():
        for start in range(0, len(predictions), size):
            stop = start + size
            hyp, hyp_mask = _padded(predictions[start:stop], device)
            ref, ref_mask = _padded(references[start:stop], device)
            hyp_w, _ = _padded([torch.from_numpy(w) for w in prediction_weights[start:stop]],
                               device)
            ref_w, _ = _padded([torch.from_numpy(w) for w in reference_weights[start:stop]],
                               device)
            sim = torch.bmm(hyp, ref.transpose(1, 2))
            valid = hyp_mask.unsqueeze(2) & ref_mask.unsqueeze(1)
            sim = sim.masked_fill(~valid, _NO_MATCH)
            word_precision = sim.max(dim=2).values
            word_recall = sim.max(dim=1).values
            hyp_w = hyp_w / hyp_w.sum(dim=1, keepdim=True)
            ref_w = ref_w / ref_w.sum(dim=1, keepdim=True)
            precision = (word_precision * hyp_w).sum(dim=1)
            recall = (word_recall * ref_w).sum(dim=1)
            f1 = 2 * precision * recall / (precision + recall)
            f1 = f1.masked_fill(torch.isnan(f1), 0.0)
            results.append(torch.stack((precision, recall, f1), dim=-1).cpu())
    if not results:
        return np.zeros((0, 3), dtype=np.float32)
    return torch.cat(results).numpy()

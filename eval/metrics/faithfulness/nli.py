"""An NLI sequence classifier scoring (premise, hypothesis) pairs: entailment minus
contradiction probability, the quantity SummaC-ZS takes the maximum of (Laban et al.
2022; ``SummaCImager`` in the authors' ``model_summac.py`` computes the same softmax).

Which output is entailment and which contradiction is read from the checkpoint's
``config.id2label`` by name -- never assumed from a position, because checkpoints
disagree (roberta-large-mnli: contradiction, neutral, entailment; VitaminC's ALBERTs:
SUPPORTS, REFUTES, NOT ENOUGH INFO) -- and a checkpoint that names neither is refused.

Pairs are encoded as the model was trained, premise first; a pair longer than the
model's input is cut from the premise (``only_first``) and counted, or, if the
hypothesis alone does not fit, from both (``longest_first``) and counted apart.  Pairs
are sorted by length and run in batches; sumbench's progress line goes to stderr.  ``torch`` and
``transformers`` are imported only when a model is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from sumbench.common.checkpoint import (
    describe_load_error,
    load_errors,
    quiet_loading,
    weights_kwargs,
)
from sumbench.common.hub import ModelSource
from sumbench.common.progress import Progress
from sumbench.common.errors import InputError, UsageError

ENTAILMENT = frozenset({"entailment", "entail", "entails", "entailed", "supports", "support",
                        "supported"})
CONTRADICTION = frozenset({"contradiction", "contradict", "contradicts", "contradicted",
                           "refutes", "refute", "refuted"})
_SANE_LIMIT = 1_000_000


def _normal(label: Any) -> str:
    return " ".join(str(label).lower().replace("_", " ").replace("-", " ").split())


def label_indices(id2label: Mapping[Any, Any], where: str) -> tuple[int, int]:
    """``(entailment index, contradiction index)`` from ``config.id2label`` by name."""
    labels = {int(k): str(v) for k, v in (id2label or {}).items()}
    shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "(none)"
    found = []
    for kind, names in (("entailment", ENTAILMENT), ("contradiction", CONTRADICTION)):
        matches = [k for k, v in labels.items() if _normal(v) in names]
        if len(matches) != 1:
            problem = "names no" if not matches else "names more than one"
            raise InputError(f"{where}: config.id2label ({shown}) {problem} {kind} label; "
                             f"an NLI checkpoint must name its labels (accepted for {kind}: "
                             f"{', '.join(sorted(names))})")
        found.append(matches[0])
    return found[0], found[1]


@dataclass(frozen=True)
class PairResult:
    """Entailment minus contradiction per pair, and which pairs were cut."""

    scores: np.ndarray
    premise_cut: np.ndarray
    hypothesis_cut: np.ndarray


class NliModel:
    """A loaded NLI checkpoint (see the module docstring)."""

    def __init__(self, model: Any, tokenizer: Any, device: str, dtype: str,
                 max_length: int, entailment: int, contradiction: int, name: str) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.dtype = dtype
        self.max_length = max_length
        self.entailment = entailment
        self.contradiction = contradiction
        self.name = name
        self.pair_specials = int(tokenizer.num_special_tokens_to_add(pair=True))
        self._lengths: dict[str, int] = {}

    @property
    def labels(self) -> dict[str, Any]:
        id2label = self.model.config.id2label
        return {"entailment": [self.entailment, id2label[self.entailment]],
                "contradiction": [self.contradiction, id2label[self.contradiction]]}

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` without special tokens (remembered per text)."""
        if text not in self._lengths:
            self._lengths[text] = len(self.tokenizer(text, add_special_tokens=False)["input_ids"])
        return self._lengths[text]

    def _encode(self, premises: Sequence[str], hypotheses: Sequence[str]):
        """Per pair: the model inputs, and whether the premise / hypothesis was cut."""
        limit = self.max_length
        fits, premise_only, both = [], [], []
        for j, (p, h) in enumerate(zip(premises, hypotheses)):
            total = self.count_tokens(p) + self.count_tokens(h) + self.pair_specials
            if total <= limit:
                fits.append(j)
            elif self.count_tokens(h) + self.pair_specials < limit:
                premise_only.append(j)
            else:
                both.append(j)
        features: list[dict | None] = [None] * len(premises)
        for group, strategy in ((fits, False), (premise_only, "only_first"),
                                (both, "longest_first")):
            if not group:
                continue
            encoded = self.tokenizer([premises[j] for j in group], [hypotheses[j] for j in group],
                                     truncation=strategy, max_length=limit if strategy else None)
            keys = [k for k in encoded.keys() if k in self.tokenizer.model_input_names]
            for row, j in enumerate(group):
                features[j] = {k: encoded[k][row] for k in keys}
        premise_cut = np.zeros(len(premises), dtype=bool)
        premise_cut[premise_only + both] = True
        hypothesis_cut = np.zeros(len(premises), dtype=bool)
        hypothesis_cut[both] = True
        return features, premise_cut, hypothesis_cut

    def score_pairs(self, premises: Sequence[str], hypotheses: Sequence[str],
                    batch_size: int, progress: bool = True) -> PairResult:
        """P(entailment) - P(contradiction) for each ``(premises[j], hypotheses[j])``."""
        import torch

        features, premise_cut, hypothesis_cut = self._encode(premises, hypotheses)
        scores = np.zeros(len(features), dtype=np.float64)
        order = sorted(range(len(features)), key=lambda j: -len(features[j]["input_ids"]))
        with Progress(f"faithfulness-nli {self.name}", len(order), "pairs",
                      enabled=progress) as bar:
            for start in range(0, len(order), batch_size):
                chunk = order[start:start + batch_size]
                batch = self.tokenizer.pad([features[j] for j in chunk], padding=True,
                                           return_tensors="pt")
                batch = {k: v.to(self.device) for k, v in batch.items()}
                with torch.inference_mode():
                    logits = self.model(**batch).logits
                probabilities = torch.softmax(logits.float(), dim=-1).cpu().numpy()
                values = (probabilities[:, self.entailment].astype(np.float64)
                          - probabilities[:, self.contradiction].astype(np.float64))
                scores[chunk] = values
                bar.update(len(chunk))
        return PairResult(scores, premise_cut, hypothesis_cut)


def _model_limit(config: Any, tokenizer: Any) -> int | None:
    limits = [getattr(tokenizer, "model_max_length", None),
              getattr(config, "max_position_embeddings", None)]
    sane = [int(x) for x in limits if isinstance(x, int) and 0 < x < _SANE_LIMIT]
    return min(sane) if sane else None


def load_nli(source: ModelSource, device: str, dtype: str, max_length: int | None,
             allow_pickle: bool = False) -> NliModel:
    """The checkpoint at ``source`` on ``device`` (``auto``, ``cpu``, ``cuda``, ``mps``) in
    ``dtype``; ``max_length`` ``None`` = the model's own limit.  Pickle weights are
    loaded only with ``allow_pickle`` (the folder was checked by ``locate_model``)."""
    where = f"--nli-model {source.spec}"
    try:
        import torch
        import transformers
    except ImportError:
        raise UsageError("faithfulness-nli needs torch and transformers: "
                         "pip install 'sumbench[nli]'") from None
    from sumbench.common.errors import SummarizerOptionError
    from ....summarize.hf import resolve_device

    try:
        device = resolve_device(device)
    except SummarizerOptionError as exc:
        raise UsageError(f"--nli-device: {str(exc).split(': ', 1)[-1]}") from None
    kwargs = source.pretrained_kwargs()
    try:
        with quiet_loading():
            config = transformers.AutoConfig.from_pretrained(source.location, **kwargs)
            entailment, contradiction = label_indices(getattr(config, "id2label", {}), where)
            tokenizer = transformers.AutoTokenizer.from_pretrained(source.location, **kwargs)
            model = transformers.AutoModelForSequenceClassification.from_pretrained(
                source.location, config=config, dtype=getattr(torch, dtype), **kwargs,
                **weights_kwargs(allow_pickle))
    except load_errors() as exc:
        message = describe_load_error(exc, source.location, source.local, allow_pickle,
                                      "--nli-allow-pickle")
        raise InputError(f"{where}: cannot load the model: {message}") from None
    limit = max_length if max_length is not None else _model_limit(config, tokenizer)
    if limit is None:
        raise UsageError(f"{where}: the checkpoint states no input limit; give --nli-max-length")
    specials = int(tokenizer.num_special_tokens_to_add(pair=True))
    if limit < specials + 2:
        raise UsageError(f"--nli-max-length {limit}: too short for a pair ({specials} special "
                         "tokens)")
    # The limit is enforced when pairs are encoded; measuring longer texts must not warn.
    tokenizer.model_max_length = _SANE_LIMIT ** 2
    model.to(device).eval()
    return NliModel(model, tokenizer, device, dtype, limit, entailment, contradiction,
                    source.spec)

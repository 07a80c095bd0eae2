"""Hugging Face ``transformers`` summarisers: ``hf:<hub id, local folder or .gguf file>``.

Seq2seq models (BART, PEGASUS, T5) get the article, with the prefix their config names
under ``task_specific_params["summarization"]`` (T5's ``summarize: ``).  Causal and
instruction-tuned LLMs get a prompt (default: 3-4 bullet-point sentences), wrapped in the
tokenizer's chat template when it has one; only the new tokens are decoded, so the prompt
is never echoed.  Which of the two is decided by ``config.is_encoder_decoder``.

Generation starts from the model's own ``generation_config`` (bart-large-cnn's 4 beams
and length limits apply) and changes only the fields asked for.  Inputs longer than the
model's limit are truncated and counted.  Articles are sorted by length, longest first,
and generated in batches (original order restored), the way COMET and sentence-transformers
batch; on CUDA out-of-memory the batch is halved and retried.  Results are yielded per
batch by :meth:`HfSummarizer.summarize_iter` so the generation cache can commit each one
as soon as it exists.  ``transformers`` is imported only when the model is first needed:
a run served entirely from the cache never loads it or the model (``torch`` is imported to
resolve ``--device auto`` for the cache key, unless the device is given as ``cpu``).
Loading (device, dtype, weights checks, the generation config) is
:mod:`sumbench.summarize.hf_loading`; the ``summarize()`` loop and the progress bar are
:mod:`sumbench.summarize.model_base`'s, shared with ``openai:``.

Besides summaries the back-end gives answers to arbitrary prompts
(:mod:`sumbench.summarize.answers`): next-token probabilities over candidate strings and
sampled completions, with the same loading, chat template and article truncation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .answers import (
    CandidateProbabilities,
    Prompt,
    SampledAnswers,
    candidate_token_ids,
)
from sumbench.common.errors import ModelLoadError, SummarizerError, SummarizerOptionError
from .generation import (
    CLEANUP_VERSION,
    DEFAULT_MAX_NEW_TOKENS,
    DEFAULT_PROMPT_TEMPLATE,
    Generated,
    check_template,
    clean_summary,
    render_prompt,
    requested_generation,
)
from sumbench.common.hub import (
    ModelSource,
    file_sha256,
    locate_model,
    read_json_file,
    weights_fingerprint,
)
from .hf_answers import first_token_probabilities, sample_completions
from .hf_loading import (
    Loaded,
    free_memory,
    load_model,
    out_of_memory_types,
    resolve_device,
    resolve_dtype,
)
from .model_base import ModelSummarizer
from .options import CACHE, HF, options_for, resolve_options

PREFIX = "hf:"
CACHE_KEYS = tuple(o.name for o in options_for(CACHE))

class HfSummarizer(ModelSummarizer):
    """A ``transformers`` model as a summariser; built as ``HfSummarizer(name, options)``."""

    PREFIX = PREFIX
    OPTION_FAMILIES = ("hf", "cache")
    pickle_flag = "--allow-pickle"  # as refusals name it (the judge's: --judge-allow-pickle)

    def __init__(self, name: str, options: dict) -> None:
        super().__init__(name)
        self.options = resolve_options(HF, options, ignore=CACHE_KEYS)
        self.requested = requested_generation(self.options)
        if self.options["prompt_template"] is not None:
            check_template(self.options["prompt_template"])
        self.source: ModelSource = locate_model(name[len(PREFIX):], self.options["gguf_file"],
                                                self.options["revision"],
                                                self.options["allow_pickle"],
                                                self.pickle_flag)
        self._loaded: Loaded | None = None
        self._fingerprint: str | None = None
        self.load_count = 0
        self.truncated_count = 0

    # -- identity, without loading anything heavy ---------------------------------------
    def _samples(self) -> bool:
        """Whether generation samples: as requested, else as the checkpoint's
        ``generation_config.json`` (or, without one, its ``config.json``, from which
        ``transformers`` then takes the generation defaults) says.  A file that exists but
        cannot be read means "unknown", and unknown is treated as sampling, with a
        warning: summaries are then not cached unless a seed is given."""
        if "do_sample" in self.requested:
            return bool(self.requested["do_sample"])
        try:
            own = read_json_file(self.source, "generation_config.json")
            if own is None:
                own = read_json_file(self.source, "config.json") or {}
        except ModelLoadError as exc:
            print(f"sumbench: warning: {self._name}: cannot tell whether the model samples "
                  f"({exc}); its summaries are not cached unless --generation-seed is given",
                  file=sys.stderr)
            return True
        return bool(own.get("do_sample", False))

    def fingerprint(self, digest: Callable[[Path], str] = file_sha256) -> str:
        if self._fingerprint is None:
            self._fingerprint = weights_fingerprint(self.source, digest)
        return self._fingerprint

    def resolved_placement(self) -> tuple[str, str]:
        """``(device, dtype)`` as the model will run: ``auto`` resolved (which imports
        torch, not transformers, unless the device is given as ``cpu``)."""
        device = resolve_device(self.options["device"])
        return device, resolve_dtype(self.options["dtype"], device)

    def cache_identity(self, digest: Callable[[Path], str] = file_sha256) -> dict | None:
        """Everything that determines the summaries (``None``: sampling without a seed,
        never cached).  The device type and dtype are in it, resolved: bfloat16 on a GPU
        and float32 on a CPU give different summaries.  Batch size is left out."""
        if self._samples() and self.requested.get("seed") is None:
            return None
        device, dtype = self.resolved_placement()
        return {
            "family": HF, "weights": self.fingerprint(digest), "gguf_file": self.source.gguf_file,
            "requested": self.requested, "prompt_template": self.options["prompt_template"],
            "default_prompt_template": DEFAULT_PROMPT_TEMPLATE,
            "default_max_new_tokens": DEFAULT_MAX_NEW_TOKENS,
            "max_input_tokens": self.options["max_input_tokens"], "device": device,
            "dtype": dtype,
            "trust_remote_code": self.options["trust_remote_code"],
            "language": self.options["language"], "cleanup": CLEANUP_VERSION,
        }

    # -- loading ---------------------------------------------------------------------
    def _load(self) -> Loaded:
        if self._loaded is None:
            self._loaded = self._load_model()
            self.load_count += 1
        return self._loaded

    def _load_model(self) -> Loaded:
        from sumbench.common.progress import loading

        with loading(self._name, enabled=self.progress):
            return load_model(self._name, self.source, self.options, self.requested,
                              self.pickle_flag)

    # -- inputs ----------------------------------------------------------------------
    def _template(self, loaded: Loaded) -> str | None:
        if self.options["prompt_template"] is not None:
            return self.options["prompt_template"]
        return None if loaded.seq2seq else DEFAULT_PROMPT_TEMPLATE

    def _prompt_ids(self, loaded: Loaded, article: str, template: str | None = None) -> list[int]:
        template = template if template is not None else self._template(loaded)
        text = render_prompt(template, article) if template else loaded.prefix + article
        tokenizer = loaded.tokenizer
        if loaded.chat:
            text = tokenizer.apply_chat_template([{"role": "user", "content": text}],
                                                 tokenize=False, add_generation_prompt=True)
            return list(tokenizer(text, add_special_tokens=False)["input_ids"])
        return list(tokenizer(text)["input_ids"])

    def _budget(self, loaded: Loaded) -> int | None:
        """The most prompt tokens allowed (a causal LM's new tokens share its context)."""
        if loaded.input_limit is None:
            return None
        if loaded.seq2seq or self.options["max_input_tokens"] is not None:
            return loaded.input_limit
        return loaded.input_limit - int(loaded.generation_config.max_new_tokens or 0)

    def _encode(self, loaded: Loaded, article: str,
                template: str | None = None) -> tuple[list[int], bool]:
        """Token ids of the model input, and whether the article had to be cut.
        ``template`` overrides the summariser's prompt template (answers, see below)."""
        ids = self._prompt_ids(loaded, article, template)
        budget = self._budget(loaded)
        if budget is None or len(ids) <= budget:
            return ids, False
        tokenizer = loaded.tokenizer
        if loaded.seq2seq and template is None and self._template(loaded) is None:
            text = loaded.prefix + article
            return list(tokenizer(text, truncation=True, max_length=budget)["input_ids"]), True
        overhead = len(self._prompt_ids(loaded, "", template))
        keep = budget - overhead
        if keep < 1:
            raise SummarizerOptionError(f"{self._name}: the prompt alone takes {overhead} "
                                        f"tokens, more than the {budget} the model allows")
        article_ids = tokenizer(article, add_special_tokens=False)["input_ids"]
        while keep >= 1:
            cut = tokenizer.decode(article_ids[:keep], skip_special_tokens=True)
            ids = self._prompt_ids(loaded, cut, template)
            if len(ids) <= budget:
                return ids, True
            keep -= max(1, len(ids) - budget)
        raise SummarizerOptionError(f"{self._name}: cannot fit the prompt into {budget} tokens")

    # -- generation ------------------------------------------------------------------
    def _generate(self, loaded: Loaded, batch: list[list[int]]) -> tuple[list[str], list[int]]:
        import torch

        tokenizer = loaded.tokenizer
        encoded = tokenizer.pad({"input_ids": batch}, padding=True, return_tensors="pt")
        encoded = {k: v.to(loaded.device) for k, v in encoded.items()}
        with torch.inference_mode():
            output = loaded.model.generate(**encoded, generation_config=loaded.generation_config)
        new = output if loaded.seq2seq else output[:, encoded["input_ids"].shape[1]:]
        texts = tokenizer.batch_decode(new, skip_special_tokens=True)
        special = torch.tensor(sorted(set(tokenizer.all_special_ids)), device=new.device)
        counts = (~torch.isin(new, special)).sum(dim=1).tolist()
        return texts, [int(c) for c in counts]

    def summarize_iter(self, articles: Sequence[str]) -> Iterator[Generated]:
        """Yield one :class:`Generated` per article as each batch finishes (any order)."""
        if not articles:
            return
        loaded = self._load()
        inputs = [self._encode(loaded, a) for a in articles]
        self.truncated_count = sum(t for _, t in inputs)
        order = sorted(range(len(articles)), key=lambda i: -len(inputs[i][0]))
        seed = self.requested.get("seed")
        if seed is not None:
            import torch

            torch.manual_seed(int(seed))
        batch_size = self.options["batch_size"]
        out_of_memory = out_of_memory_types()
        position = new_tokens = 0
        with self._progress_bar(len(articles)) as bar:
            while position < len(order):
                chunk = order[position:position + batch_size]
                try:
                    texts, lengths = self._generate(loaded, [inputs[i][0] for i in chunk])
                except out_of_memory:
                    if len(chunk) == 1:
                        raise SummarizerError(f"{self._name}: out of memory on "
                                              f"{loaded.device} even with batch size 1") from None
                    batch_size = max(1, len(chunk) // 2)
                    free_memory(loaded)
                    print(f"{self._name}: out of memory; retrying with batch size {batch_size}",
                          file=sys.stderr)
                    continue
                for i, text, length in zip(chunk, texts, lengths):
                    yield Generated(i, clean_summary(text, self.options["language"]),
                                    inputs[i][1], len(inputs[i][0]), length)
                position += len(chunk)
                new_tokens += sum(lengths)
                bar.update(len(chunk))

    # -- answers instead of summaries (summarize/answers.py) ---------------------------
    def answer_probabilities(self, prompts: Sequence[Prompt],
                             candidates: Sequence[str]) -> Iterator[CandidateProbabilities]:
        """Yield, per prompt (any order), the probability that the model's next token
        spells each candidate; prompts are batched by length like articles."""
        if not prompts:
            return
        loaded = self._load()
        token_ids = candidate_token_ids(loaded.tokenizer, candidates)
        inputs = [self._encode(loaded, p.article, p.template) for p in prompts]
        order = sorted(range(len(prompts)), key=lambda i: -len(inputs[i][0]))
        size = self.options["batch_size"]
        with self._progress_bar(len(prompts), self.answering, "prompts") as bar:
            for start in range(0, len(order), size):
                chunk = order[start:start + size]
                rows = first_token_probabilities(loaded, [inputs[i][0] for i in chunk]).cpu()
                for row, i in zip(rows, chunk):
                    spelled = {c: float(row[list(ids)].sum()) for c, ids in token_ids.items()}
                    yield CandidateProbabilities(i, spelled, inputs[i][1], len(inputs[i][0]))
                bar.update(len(chunk))

    def sample_answers(self, prompts: Sequence[Prompt], n: int) -> Iterator[SampledAnswers]:
        """Yield ``n`` sampled completions per prompt, in order, with this summariser's
        generation settings (``--do-sample``, ``--temperature``, ``--generation-seed``...)."""
        if n < 1:
            raise SummarizerOptionError(f"{self._name}: samples per prompt must be >= 1")
        if not prompts:
            return
        loaded = self._load()
        seed = self.requested.get("seed")
        with self._progress_bar(len(prompts), self.answering, "prompts") as bar:
            for i, prompt in enumerate(prompts):
                ids, truncated = self._encode(loaded, prompt.article, prompt.template)
                texts = sample_completions(loaded, ids, n, seed)
                yield SampledAnswers(i, tuple(texts), truncated)
                bar.update(1)

    def settings(self) -> dict:
        """The model, its revision or weights hash and every effective generation setting."""
        loaded = self._load()
        generation = {k: v for k, v in loaded.generation_config.to_diff_dict().items()
                      if k != "transformers_version"}
        import torch
        import transformers

        return {
            "model": self._name[len(PREFIX):], "weights": self.fingerprint(),
            "gguf_file": self.source.gguf_file, "architecture": loaded.architecture,
            "kind": "seq2seq" if loaded.seq2seq else "causal", "generation": generation,
            "seed": self.requested.get("seed"), "requested": self.requested,
            "prompt_template": self._template(loaded), "input_prefix": loaded.prefix,
            "chat_template": loaded.chat, "max_input_tokens": loaded.input_limit,
            "device": loaded.device, "dtype": loaded.dtype, "batch_size": self.options["batch_size"],
            "trust_remote_code": self.options["trust_remote_code"],
            "language": self.options["language"], "cleanup": CLEANUP_VERSION,
            "transformers": transformers.__version__, "torch": torch.__version__,
        }

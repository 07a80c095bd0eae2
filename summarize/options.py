"""The summarisers' options as one declarative table.

Each :class:`ModelOption` names an option (the key in the options dict a summariser is
built with), its type, default, help text and the families that take it (``hf``,
``openai``, ``cache`` for the generation cache that wraps both, ``extractive`` for the
sentence-picking baselines and ``random-k`` for the one that draws).  The CLI turns the
table into flags generically (:func:`sumbench.eval.commands.options.add_option`,
:func:`options_from_namespace`); :func:`sumbench.summarize.base.get_summarizer` refuses
an option that the chosen summariser's families do not take, and the model summarisers
resolve theirs with :func:`resolve_options`.  The flag names follow ``transformers``'
``GenerationConfig`` field names so that a reader of either knows the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sumbench.common.options import Option, OptionError
from sumbench.common.errors import SummarizerOptionError

HF, OPENAI, CACHE = "hf", "openai", "cache"
EXTRACTIVE, RANDOM, LEXRANK = "extractive", "random-k", "lexrank"
FAMILY_LABELS = {HF: "hf:", OPENAI: "openai:", CACHE: "hf:/openai: (generation cache)",
                 EXTRACTIVE: "lead-k/textrank/lexrank/random-k/oracle", RANDOM: "random-k",
                 LEXRANK: "lexrank"}


@dataclass(frozen=True)
class ModelOption:
    """One option of the summariser families in ``families``; the flag is
    ``--name-with-dashes``.  Types and checks are :class:`sumbench.common.options.Option`'s."""

    name: str
    type: str  # "int", "float", "str", "bool", "path", "envvar"
    default: Any
    help: str
    families: tuple[str, ...]
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    metavar: str = ""  # default: N, X, TEXT or FILE by type

    @property
    def option(self) -> Option:
        return Option(self.name, self.type, self.default, self.help, self.choices,
                      self.minimum, self.metavar)

    @property
    def flag(self) -> str:
        return self.option.flag

    @property
    def owners(self) -> str:
        """Who takes this option, as help texts and error messages name them."""
        labels = [FAMILY_LABELS[f] for f in self.families if f != CACHE or len(self.families) == 1]
        return "/".join(labels)

    def parse(self, value: Any) -> Any:
        """``value`` converted to this option's type and checked (raises on a bad value)."""
        try:
            return self.option.parse(value)
        except OptionError as exc:
            raise SummarizerOptionError(str(exc)) from None


MODEL_OPTIONS: tuple[ModelOption, ...] = (
    ModelOption("device", "str", "auto", "where the model runs", (HF,),
                choices=("auto", "cpu", "cuda", "mps")),
    ModelOption("dtype", "str", "auto", "weights dtype; auto = float32 on CPU, bfloat16 "
                "(float16 where unsupported) on CUDA, float16 on MPS", (HF,),
                choices=("auto", "float32", "bfloat16", "float16")),
    ModelOption("batch_size", "int", 8, "articles per generate() call (sorted by length)",
                (HF,), minimum=1),
    ModelOption("num_beams", "int", None, "beam width (default: the model's generation_config)",
                (HF,), minimum=1),
    ModelOption("max_new_tokens", "int", None, "most tokens to generate (default: the model's "
                "generation_config; 128 for causal LMs and API models without one)",
                (HF, OPENAI), minimum=1),
    ModelOption("min_new_tokens", "int", None, "fewest tokens to generate", (HF,), minimum=0),
    ModelOption("length_penalty", "float", None, "beam-search length penalty", (HF,)),
    ModelOption("no_repeat_ngram_size", "int", None, "forbid repeating n-grams of this size",
                (HF,), minimum=0),
    ModelOption("do_sample", "bool", None, "sample instead of greedy/beam search", (HF,)),
    ModelOption("temperature", "float", None, "sampling temperature (openai: default 0)",
                (HF, OPENAI), minimum=0),
    ModelOption("top_p", "float", None, "nucleus sampling mass", (HF, OPENAI), minimum=0),
    ModelOption("generation_seed", "int", None, "seed for sampling (and for random-k, "
                "default 12345); sampling without a seed is never cached", (HF, OPENAI, RANDOM)),
    ModelOption("generation_config", "path", None, "JSON file of generation settings "
                "(GenerationConfig field names, plus seed); flags override it", (HF, OPENAI)),
    ModelOption("prompt_template", "str", None, "prompt with an {article} placeholder "
                "(default for LLMs: 3-4 bullet-point sentences; seq2seq: the model's prefix)",
                (HF, OPENAI), metavar="TEMPLATE"),
    ModelOption("gguf_file", "path", None, "GGUF file inside the model folder or repository",
                (HF,)),
    ModelOption("revision", "str", None, "hub branch, tag or commit (also hf:name@revision)",
                (HF,), metavar="REV"),
    ModelOption("trust_remote_code", "bool", False, "run the model repository's own Python "
                "code (off unless given)", (HF,)),
    ModelOption("allow_pickle", "bool", False, "load a checkpoint whose weights are only "
                "pickle files (pytorch_model.bin): unpickling can run code, so only for a "
                "checkpoint you trust (off unless given)", (HF,)),
    ModelOption("max_input_tokens", "int", None, "truncate inputs to this many tokens "
                "(default: the model's limit)", (HF,), minimum=8),
    ModelOption("language", "str", "en", "ISO 639 code (en, hi, zh...) of the language for "
                "splitting articles and summaries into sentences (sentencex's rules; it does "
                "not split Thai, Lao, Khmer or Tibetan, where only blank lines end a "
                "sentence); extractive baselines compare the characters of Chinese, "
                "Japanese, Thai, Lao, Khmer, Burmese and Tibetan sentences",
                (HF, OPENAI, EXTRACTIVE), metavar="CODE"),
    ModelOption("threshold", "float", 0.1, "LexRank: cosine similarity above which two "
                "sentences are linked", (LEXRANK,), minimum=0, metavar="X"),
    ModelOption("base_url", "str", "https://api.openai.com/v1", "server URL up to /v1",
                (OPENAI,), metavar="URL"),
    ModelOption("api_key_env", "envvar", "OPENAI_API_KEY", "environment variable holding the "
                "API key (the key itself is never a flag)", (OPENAI,), metavar="NAME"),
    ModelOption("concurrency", "int", 4, "requests in flight at once", (OPENAI,), minimum=1),
    ModelOption("request_timeout", "float", 60.0, "seconds to wait for one response",
                (OPENAI,), minimum=0.001, metavar="SECONDS"),
    ModelOption("max_retries", "int", 5, "retries after 429, 5xx or a timeout", (OPENAI,),
                minimum=0),
    ModelOption("no_cache", "bool", False, "neither read nor write the generation cache",
                (CACHE,)),
    ModelOption("cache_dir", "path", None, "generation cache folder (default: "
                "$SUMBENCH_CACHE_DIR or ~/.cache/sumbench)", (CACHE,), metavar="DIR"),
)

BY_NAME: dict[str, ModelOption] = {o.name: o for o in MODEL_OPTIONS}


def options_for(family: str) -> list[ModelOption]:
    """The options a family takes (``hf``, ``openai``, ``cache``, ``extractive``, ``random-k``)."""
    return [o for o in MODEL_OPTIONS if family in o.families]


def resolve_options(family: str, options: dict, ignore: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every option of ``family`` with its value from ``options`` or its default.

    Raises :class:`SummarizerOptionError` for a bad value, for a known option that the
    family does not use, and for an unknown key (a typo must not pass silently); keys in
    ``ignore`` are skipped.
    """
    resolved = {o.name: o.default for o in options_for(family)}
    for key, value in options.items():
        if key in ignore:
            continue
        option = BY_NAME.get(key)
        if option is None:
            known = ", ".join(sorted(resolved))
            raise SummarizerOptionError(f"unknown option {key!r} for {family}: summarisers; "
                                        f"known: {known}")
        if family not in option.families:
            raise SummarizerOptionError(f"{option.flag} does not apply to {family}: summarisers; "
                                        f"it is an option of {option.owners}")
        resolved[key] = option.parse(value) if value is not None else option.default
    return resolved


def check_applicable(name: str, families: tuple[str, ...], options: dict) -> None:
    """Refuse (:class:`SummarizerOptionError`) any option in ``options`` that none of
    ``families`` (the summariser called ``name`` belongs to them) takes."""
    for key in options:
        option = BY_NAME.get(key)
        if option is None:
            raise SummarizerOptionError(f"unknown option {key!r}; known: "
                                        f"{', '.join(sorted(BY_NAME))}")
        if not set(option.families) & set(families):
            raise SummarizerOptionError(f"{option.flag} does not apply to {name}: it is an "
                                        f"option of {option.owners}")


def options_from_namespace(namespace: object) -> dict[str, Any]:
    """The model options given on the command line (``None`` = not given is left out)."""
    return {o.name: getattr(namespace, o.name) for o in MODEL_OPTIONS
            if getattr(namespace, o.name, None) is not None}

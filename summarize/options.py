"""The model summarisers' options as one declarative table.

Each :class:`ModelOption` names an option (the key in the options dict a summariser is
built with), its type, default, help text and the families that use it (``hf``,
``openai``, and ``cache`` for the generation cache that wraps both).  The CLI turns the
table into flags generically (:meth:`ModelOption.argparse_arguments`,
:func:`options_from_namespace`); the summarisers check what they were given with
:func:`resolve_options`.  The flag names follow ``transformers``' ``GenerationConfig``
field names so that a reader of either knows the other.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from sumbench.summarize.errors import SummarizerOptionError

HF, OPENAI, CACHE = "hf", "openai", "cache"


@dataclass(frozen=True)
class ModelOption:
    """One option: ``name`` is the options-dict key, the flag is ``--name-with-dashes``."""

    name: str
    type: str  # "int", "float", "str", "bool", "path"
    default: Any
    help: str
    families: tuple[str, ...]
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    metavar: str = ""  # default: N, X, TEXT or FILE by type

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def parse(self, value: Any) -> Any:
        """``value`` converted to this option's type and checked (raises on a bad value)."""
        if value is None:
            return None
        try:
            converted = _CONVERTERS[self.type](value)
        except (TypeError, ValueError):
            raise SummarizerOptionError(
                f"{self.flag}: expected {self.type}, got {value!r}") from None
        if self.choices and converted not in self.choices:
            raise SummarizerOptionError(
                f"{self.flag}: expected one of {', '.join(self.choices)}, got {value!r}")
        if self.minimum is not None and converted < self.minimum:
            raise SummarizerOptionError(f"{self.flag}: must be >= {self.minimum:g}, got {value!r}")
        return converted

    def argparse_arguments(self) -> tuple[list[str], dict[str, Any]]:
        """``(flags, keyword arguments)`` for ``parser.add_argument``; the default is
        always ``None`` so that :func:`options_from_namespace` passes only what was given."""
        kwargs: dict[str, Any] = {"dest": self.name, "default": None, "help": self._help()}
        if self.type == "bool":
            kwargs["action"] = "store_true" if self.default is False else argparse.BooleanOptionalAction
        else:
            kwargs["type"] = lambda text, option=self: _argparse_value(option, text)
            kwargs["metavar"] = self.metavar or _METAVARS[self.type]
            if self.choices:
                kwargs["choices"] = list(self.choices)
                kwargs.pop("metavar")
        return [self.flag], kwargs

    def _help(self) -> str:
        families = "/".join(f + ":" for f in self.families if f != CACHE) or "hf:/openai:"
        default = "" if self.default in (None, False) else f" (default: {self.default})"
        return f"[{families}] {self.help}{default}".replace("%", "%%")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.lower() in ("1", "true", "yes", "on")
    raise ValueError(value)


def _to_int(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    return int(value)


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value)


def _to_str(value: Any) -> str:
    if not isinstance(value, (str, bytes)) and not hasattr(value, "__fspath__"):
        raise ValueError(value)
    return str(value)


_METAVARS = {"int": "N", "float": "X", "str": "TEXT", "path": "FILE"}
_CONVERTERS = {"int": _to_int, "float": _to_float, "str": _to_str, "path": _to_str,
               "bool": _to_bool}


def _argparse_value(option: ModelOption, text: str) -> Any:
    try:
        return option.parse(text)
    except SummarizerOptionError as exc:
        raise argparse.ArgumentTypeError(str(exc).split(": ", 1)[-1]) from None


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
                "default 12345); sampling without a seed is never cached", (HF, OPENAI)),
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
    ModelOption("max_input_tokens", "int", None, "truncate inputs to this many tokens "
                "(default: the model's limit)", (HF,), minimum=8),
    ModelOption("language", "str", "en", "language for splitting summaries into sentences",
                (HF, OPENAI), metavar="CODE"),
    ModelOption("base_url", "str", "https://api.openai.com/v1", "server URL up to /v1",
                (OPENAI,), metavar="URL"),
    ModelOption("api_key_env", "str", "OPENAI_API_KEY", "environment variable holding the "
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
    """The options a family uses (``hf``, ``openai`` or ``cache``)."""
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
            if value is None or value == option.default:
                continue
            raise SummarizerOptionError(f"{option.flag} does not apply to {family}: summarisers")
        resolved[key] = option.parse(value) if value is not None else option.default
    return resolved


def options_from_namespace(namespace: argparse.Namespace) -> dict[str, Any]:
    """The model options given on the command line (``None`` = not given is left out)."""
    return {o.name: getattr(namespace, o.name) for o in MODEL_OPTIONS
            if getattr(namespace, o.name, None) is not None}

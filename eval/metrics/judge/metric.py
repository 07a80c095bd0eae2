"""The ``judge`` metric: an LLM rates each summary on rubrics, the way of G-Eval (Liu et
al. 2023, "G-Eval: NLG Evaluation using GPT-4 with Better Human Alignment").

One measure per rubric (built in: ``coherence``, ``consistency``, ``fluency``,
``relevance``, rated 1-5; or rubric files of one's own, :mod:`.rubrics`), component
``score``, on the rubric's own scale (display scale 1).  The judge is any ``hf:`` or
``openai:`` model, run through the summarisers' back-ends and their answers capability
(:mod:`sumbench.summarize.answers`):

* ``--judge-method probabilities`` (default): the rating is the probability-weighted mean
  over the rating tokens of the judge's first answer token (``hf:`` reads the whole
  next-token distribution; ``openai:`` reads ``top_logprobs``, and a server without them
  is an error that names ``--judge-method samples``);
* ``--judge-method samples``: the mean of ``--judge-samples`` ratings sampled at
  ``--judge-temperature`` with ``--judge-seed`` (G-Eval's 20 samples at temperature 1).

Every answer goes through the generation cache (:mod:`.calls`), so a re-run is free and
exact.  The model options of the judge are prefixed ``--judge-`` so that they never meet
the summariser's own options in ``sumbench run``.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from sumbench.common.options import Option
from ...data.records import Example
from ..base import BootstrapSettings, Metric, MetricInfo, MetricScores
from .calls import PROBABILITIES, SAMPLES, CallStats, JudgeCalls
from .ratings import Rating, from_probabilities, from_samples
from .rubrics import BUILTIN, Rubric, builtin_rubric, load_rubric
from ...notices import Notice, ids_text
from ....summarize.options import BY_NAME, CACHE, HF, OPENAI

SAMPLE_TOKENS = 16  # new tokens per sampled answer: room for "Rating: 4" and a little more
LOW_MASS = 0.5
# judge option -> the back-end option it sets (summarize/options.py)
BACKEND_OPTIONS = {
    "judge_device": "device", "judge_dtype": "dtype", "judge_batch_size": "batch_size",
    "judge_revision": "revision", "judge_gguf_file": "gguf_file",
    "judge_trust_remote_code": "trust_remote_code",
    "judge_max_input_tokens": "max_input_tokens", "judge_base_url": "base_url",
    "judge_api_key_env": "api_key_env", "judge_concurrency": "concurrency",
    "judge_request_timeout": "request_timeout", "judge_max_retries": "max_retries",
    "judge_no_cache": "no_cache", "judge_cache_dir": "cache_dir",
    "judge_allow_pickle": "allow_pickle",
}
SAMPLING_OPTIONS = ("judge_samples", "judge_temperature", "judge_seed")
FAMILIES = {"hf:": HF, "openai:": OPENAI}


def _backend_option(name: str, target: str) -> Option:
    row = BY_NAME[target]
    return Option(name, row.type, row.default, f"{row.owners} judge: {row.help}",
                   row.choices, row.minimum, row.metavar)


@dataclass(frozen=True)
class JudgeConfig:
    """The judge: model, rubrics, method and its settings, back-end options as given
    (``(back-end option, value)`` pairs) and the cache."""

    model: str
    rubrics: tuple[Rubric, ...]
    method: str = PROBABILITIES
    samples: int = 20
    temperature: float = 1.0
    seed: int = 12345
    backend_options: tuple[tuple[str, Any], ...] = ()
    cache: bool = True
    cache_dir: str | None = None

    @property
    def family(self) -> str:
        return next(f for prefix, f in FAMILIES.items() if self.model.startswith(prefix))

    def summarizer_options(self) -> dict[str, Any]:
        """The options the back-end summariser is built with."""
        options = dict(self.backend_options)
        if self.method == PROBABILITIES:
            options["max_new_tokens"] = 1
            if self.family == HF:
                options["do_sample"] = False
        else:
            options.update(temperature=self.temperature, generation_seed=self.seed,
                           max_new_tokens=SAMPLE_TOKENS)
            if self.family == HF:
                options["do_sample"] = True
        return options


class JudgeMetric(Metric):
    name = "judge"
    description = "LLM judge (G-Eval): coherence, consistency, fluency, relevance ratings"
    options = (
        Option("judge_model", "str", None, "the judge: hf:<hub id, folder or .gguf> or "
               "openai:<model> (required)", metavar="MODEL"),
        Option("judge_rubrics", "list", BUILTIN, "built-in rubrics to rate",
               choices=BUILTIN),
        Option("judge_prompt", "list", (), "rubric files of your own (comma-separated); "
               "alone they replace the built-ins, with --judge-rubrics they are added",
               metavar="FILES"),
        Option("judge_method", "str", PROBABILITIES, "probabilities = the probability-"
               "weighted rating (G-Eval); samples = the mean of sampled ratings",
               choices=(PROBABILITIES, SAMPLES)),
        Option("judge_samples", "int", 20, "samples: answers per summary", minimum=1),
        Option("judge_temperature", "float", 1.0, "samples: sampling temperature (> 0)",
               minimum=0),
        Option("judge_seed", "int", 12345, "samples: sampling seed", minimum=0),
        *(_backend_option(name, target) for name, target in BACKEND_OPTIONS.items()),
    )

    def __init__(self, config: JudgeConfig | None = None,
                 bootstrap: BootstrapSettings = BootstrapSettings()) -> None:
        super().__init__(config, bootstrap)
        self.backend = self._build_backend()
        self.backend.answering = "judging with"  # the progress line's words
        self.stats = CallStats()
        self._opened: Any = None

    # -- construction ------------------------------------------------------------------
    @classmethod
    def config_from_options(cls, values: Mapping[str, Any]) -> JudgeConfig:
        declared = {o.name: o for o in cls.options}
        value = cls.option_values(values)
        given = {k: value[k] for k, v in values.items() if v is not None}
        model = value["judge_model"]
        if not model:
            raise ValueError("--judge-model is required with --metrics judge "
                             "(hf:<model> or openai:<model>)")
        if not any(model.startswith(p) and len(model) > len(p) for p in FAMILIES):
            raise ValueError(f"--judge-model {model}: expected hf:<model> or openai:<model>")
        family = next(f for p, f in FAMILIES.items() if model.startswith(p))
        for name in given:
            target = BACKEND_OPTIONS.get(name)
            if target and not {family, CACHE} & set(BY_NAME[target].families):
                raise ValueError(f"{declared[name].flag} applies to {BY_NAME[target].owners} "
                                 f"judges, not to {model}")
        method = value["judge_method"]
        if method == PROBABILITIES:
            wrong = [declared[n].flag for n in SAMPLING_OPTIONS if n in given]
            if wrong:
                raise ValueError(f"{', '.join(wrong)}: only with --judge-method samples")
        elif value["judge_temperature"] <= 0:
            raise ValueError("--judge-temperature must be > 0 to sample")
        backend = tuple((BACKEND_OPTIONS[n], v) for n, v in given.items()
                        if n in BACKEND_OPTIONS and BY_NAME[BACKEND_OPTIONS[n]].families != (CACHE,))
        return JudgeConfig(model=model, rubrics=_rubrics(given), method=method,
                           samples=value["judge_samples"], temperature=value["judge_temperature"],
                           seed=value["judge_seed"], backend_options=backend,
                           cache=not value["judge_no_cache"], cache_dir=value["judge_cache_dir"])

    def _build_backend(self) -> Any:
        from ....summarize.base import get_summarizer

        with _backend_errors(self.config.model):
            return get_summarizer(self.config.model, self.config.summarizer_options())

    # -- description -------------------------------------------------------------------
    def _cache(self) -> Any:
        """The generation cache (opened once), or ``None`` with ``--judge-no-cache``."""
        if not self.config.cache:
            return None
        if self._opened is None:
            from ....summarize.cache import GenerationCache

            with _backend_errors(self.config.model):
                self._opened = GenerationCache(self.config.cache_dir)
        return self._opened

    def _weights(self) -> str:
        from sumbench.common.hub import file_sha256

        cache = self._cache()
        return self.backend.fingerprint(cache.file_digest if cache else file_sha256)

    def signature_fields(self) -> list[tuple[str, str]]:
        config = self.config
        fields = [("impl", "g-eval")]
        if config.family == HF:  # the weights name the model (a folder's path does not)
            fields += [("weights", self._weights()),
                       ("dtype", str(self.backend.options["dtype"]))]
            if self.backend.options["max_input_tokens"] is not None:
                fields.append(("maxin", str(self.backend.options["max_input_tokens"])))
        else:
            fields += [("model", config.model),
                       ("server", str(self.backend.settings()["base_url"]))]
        fields.append(("rubrics", ",".join(f"{r.name}={r.short_hash}" for r in config.rubrics)))
        fields.append(("method", config.method))
        if config.method == SAMPLES:
            fields += [("n", str(config.samples)), ("temp", f"{config.temperature:g}"),
                       ("sample-seed", str(config.seed)), ("tokens", str(SAMPLE_TOKENS))]
        return fields

    def settings(self) -> dict[str, Any]:
        config = self.config
        out: dict[str, Any] = {
            "model": config.model, "rubrics": [r.to_dict() for r in config.rubrics],
            "method": config.method, "backend_options": dict(config.backend_options),
            "cache": config.cache,
        }
        if config.method == SAMPLES:
            out.update(samples=config.samples, temperature=config.temperature,
                       seed=config.seed, answer_tokens=SAMPLE_TOKENS)
        return out

    def info(self) -> MetricInfo:
        rubrics = self.config.rubrics
        low, high = float(min(r.low for r in rubrics)), float(max(r.high for r in rubrics))
        return MetricInfo(headline="score", labels={"score": "rating"}, scale=1.0,
                          low=low, high=high, gate=tuple(r.name for r in rubrics),
                          unit=f"{low:g} to {high:g}")

    # -- work --------------------------------------------------------------------------
    def score(self, examples: Sequence[Example], predictions: Sequence[str]) -> MetricScores:
        config = self.config
        articles = [e.article for e in examples]
        ids = [e.id for e in examples]
        with _backend_errors(config.model):
            calls = JudgeCalls(self.backend, config.method, config.samples, self._cache())
            columns: dict[str, dict[str, np.ndarray]] = {}
            per_rubric: dict[str, Any] = {}
            notices: list[Notice] = []
            stats = CallStats()
            truncated: set[str] = set()
            for rubric in config.rubrics:
                answers, counted = calls.answers(rubric, articles, predictions)
                stats += counted
                truncated |= {i for i, a in zip(ids, answers) if a.get("truncated")}
                ratings = [self._rate(a, rubric) for a in answers]
                columns[rubric.name] = {"score": np.array(
                    [r.value if r.value is not None else float(rubric.low) for r in ratings])}
                per_rubric[rubric.name] = _rubric_details(ratings)
                notices += _rubric_notices(rubric, ids, ratings)
        if truncated:
            shown = [i for i in ids if i in truncated]
            notices.insert(0, Notice("judge-truncated", f"judge: {len(shown)} article(s) were "
                                     f"cut to fit {config.model}'s context: {ids_text(shown)}",
                                     tuple(shown)))
        self.stats = stats
        details = {"method": config.method, "calls": stats.to_dict(), "rubrics": per_rubric}
        return MetricScores(columns=columns, notices=tuple(notices), details=details)

    def _rate(self, answer: Mapping[str, Any], rubric: Rubric) -> Rating:
        if self.config.method == PROBABILITIES:
            return from_probabilities(answer["probabilities"], rubric.low, rubric.high)
        return from_samples(answer["texts"], rubric.low, rubric.high)


def _rubrics(given: Mapping[str, Any]) -> tuple[Rubric, ...]:
    """The rubrics asked for: the built-ins chosen (all by default), and the files."""
    files = tuple(given.get("judge_prompt", ()))
    names = given.get("judge_rubrics", () if files else BUILTIN)
    rubrics = [builtin_rubric(n) for n in dict.fromkeys(names)]
    rubrics += [load_rubric(path) for path in files]
    seen: dict[str, str] = {}
    for rubric in rubrics:
        if rubric.name in seen:
            raise ValueError(f"two rubrics are named {rubric.name!r} ({seen[rubric.name]} "
                             f"and {rubric.source})")
        seen[rubric.name] = rubric.source
    return tuple(rubrics)


def _rubric_details(ratings: Sequence[Rating]) -> dict[str, Any]:
    spreads = [r.spread for r in ratings if r.value is not None]
    out: dict[str, Any] = {
        "mean_spread": float(np.mean(spreads)) if spreads else None,
        "no_rating": sum(r.value is None for r in ratings),
    }
    masses = [r.mass for r in ratings if r.mass is not None]
    if masses:
        out["mean_rating_mass"] = float(np.mean(masses))
    if any(r.samples for r in ratings):
        out["samples"] = sum(r.samples for r in ratings)
        out["samples_without_rating"] = sum(r.samples - r.parsed for r in ratings)
    return out


def _rubric_notices(rubric: Rubric, ids: Sequence[str],
                    ratings: Sequence[Rating]) -> list[Notice]:
    notices = []
    missing = [i for i, r in zip(ids, ratings) if r.value is None]
    if missing:
        notices.append(Notice("judge-no-rating", f"judge {rubric.name}: no rating could be "
                              f"read for {len(missing)} example(s), scored as the lowest "
                              f"rating ({rubric.low}): {ids_text(missing)}", tuple(missing)))
    masses = [r.mass for r in ratings if r.mass is not None]
    if masses and float(np.mean(masses)) < LOW_MASS:
        low = [i for i, r in zip(ids, ratings) if r.mass is not None and r.mass < LOW_MASS]
        notices.append(Notice("judge-low-mass", f"judge {rubric.name}: on average only "
                              f"{100 * float(np.mean(masses)):.0f}% of the judge's first-token "
                              f"probability fell on the ratings {rubric.low}-{rubric.high}; "
                              f"its ratings are unreliable ({len(low)} example(s) under "
                              f"{LOW_MASS:.0%}: {ids_text(low)})", tuple(low)))
    return notices


def _backend_errors(model: str) -> AbstractContextManager[None]:
    """Back-end errors (as the pipeline lets summarisers' through) reworded to name the
    judge's options; their class, and so their exit status, stays."""
    from sumbench.common.errors import (NoProbabilitiesError, OfflineError, SummarizerError,
                                        SummarizerOptionError, rewording)
    from ....summarize.base import UnknownSummarizerError

    def message(exc: Exception) -> str:
        if isinstance(exc, (UnknownSummarizerError, OfflineError)):
            return f"--judge-model: {exc}"
        if isinstance(exc, NoProbabilitiesError):
            return f"judge: {exc}; use --judge-method samples"
        if isinstance(exc, SummarizerOptionError):
            return f"judge {model}: {exc}"
        return f"judge: {_judge_flags(str(exc))}"

    return rewording(message, (UnknownSummarizerError, OfflineError, SummarizerError))


def _judge_flags(message: str) -> str:
    """A back-end message with the back-end's flags as the judge spells them."""
    for name, target in BACKEND_OPTIONS.items():
        if target in ("allow_pickle", "trust_remote_code"):
            flag = "--" + target.replace("_", "-")
            message = re.sub(rf"(?<![\w-]){flag}\b", "--" + name.replace("_", "-"), message)
    return message

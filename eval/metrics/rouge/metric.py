"""The ``rouge`` metric: ROUGE with the semantics of google-research ``rouge-score`` 0.1.2
(Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries"; the reference
implementation since 2020), bit for bit, through any engine of
:mod:`sumbench.eval.metrics.rouge.engine`.

Measures ``rouge1``..``rouge9``, ``rougeL`` and ``rougeLsum``, each with the components
``precision``, ``recall`` and ``fmeasure``; corpus means with seeded percentile-bootstrap
intervals (one set of resamples for every column).

Multilingual ROUGE (:mod:`sumbench.eval.metrics.rouge.multilingual`, XL-Sum's scorer as
``multilingual-rouge`` 0.0.1): ``--rouge-language CODE`` scores every example in one
language; examples that carry a language (``Example.language``, from the readers'
``--language-field``) are each scored in their own, and the signature lists them.  Both
run on the ``fast`` engine; either with ``--tokenizer`` is a usage error, and so is
``--rouge-language`` with examples that carry languages.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from sumbench.common.options import Option
from ...data.records import Example
from sumbench.common.errors import UsageError
from ..base import BootstrapSettings, Metric, MetricInfo, MetricScores
from .engine import (
    BACKENDS,
    DEFAULT_BACKEND,
    DEFAULT_TYPES,
    MULTI_REF_RULES,
    RougeConfig,
    score_pairs,
)
from .lsum import LSUM_SPLIT_OPTION, prepare_for_lsum
from .notices import rouge_notices
from ...signature import package_version

ROUGE_TYPE = re.compile(r"rouge[1-9]|rougeL|rougeLsum")
DEFAULT_GATE = ("rouge1", "rouge2", "rougeLsum")
COMPONENTS = ("precision", "recall", "fmeasure")


@dataclass(frozen=True)
class RougeMetricConfig:
    """The ROUGE settings (all in the signature), the Lsum split, and how to compute
    (``backend``, ``processes``: they never change a number)."""

    rouge: RougeConfig = RougeConfig()
    lsum_split: str = "newline"
    backend: str = DEFAULT_BACKEND
    processes: int = 1
    explicit: frozenset[str] = frozenset()  # the options the user gave

    @property
    def multilingual(self) -> bool:
        return bool(self.rouge.language)

    @property
    def engine(self) -> str:
        """The backend that runs: ``auto`` resolved (rust when installed and it applies)."""
        if self.backend != "auto":
            return self.backend
        from . import rust

        if self.rouge.language:
            return "fast"
        return "rust" if self.rouge.tokenizer == "default" and rust.available() else "fast"


def _check_multilingual(values: Mapping[str, Any], how: str, backend: str) -> None:
    """Multilingual ROUGE has its own tokenizer and runs on the fast engine only."""
    if values.get("tokenizer") is not None:
        raise UsageError(f"{how} tokenises as XL-Sum's scorer does: --tokenizer does not "
                         "apply (leave it out)")
    if backend not in ("auto", "fast"):
        raise UsageError(f"{how} runs on the fast engine: --backend {backend} does not "
                         "apply (use fast or auto)")


def rouge_info(types: Sequence[str], default_gate: Sequence[str]) -> MetricInfo:
    """How ROUGE's columns are shown and gated (both ROUGE metrics): F is the headline,
    P/R/F the labels, and the gate checks the default types scored (else every type)."""
    gate = tuple(t for t in default_gate if t in types) or tuple(types)
    return MetricInfo(headline="fmeasure", gate=gate, unit="points",
                      labels={"precision": "P", "recall": "R", "fmeasure": "F"})


def rouge_score_version() -> str:
    """The installed rouge-score version (the reference semantics)."""
    return package_version("rouge-score")


def usable_cores() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class RougeMetric(Metric):
    name = "rouge"
    description = "ROUGE-N/L/Lsum P, R, F with rouge-score 0.1.2's numbers, bit for bit"
    streamable = True
    options = (
        Option("rouge_types", "list", DEFAULT_TYPES, "ROUGE types: rouge1..rouge9, rougeL, "
               "rougeLsum"),
        Option("no_stemmer", "bool", False, "turn the Porter stemmer off (on by default)"),
        Option("tokenizer", "str", "default", "default = rouge-score's ASCII tokenizer; "
               "unicode = letters of any script", choices=("default", "unicode")),
        LSUM_SPLIT_OPTION,
        Option("rouge_language", "str", "", "multilingual ROUGE exactly as XL-Sum's scorer "
               "(multilingual-rouge 0.0.1): an ISO 639-1 code or XL-Sum language name "
               "(ja, zh, th, hi, chinese_simplified, ...); its segmenter and stemmer",
               metavar="CODE"),
        Option("multi_ref_rule", "str", "max", "how several references of an example make "
               "one score: the best F per type (max, rouge-score's score_multi) or the mean "
               "of P, R and F (--multi-ref: the old spelling, deprecated)",
               choices=MULTI_REF_RULES, deprecated=("multi_ref",)),
        Option("backend", "str", DEFAULT_BACKEND, "engine (the numbers are identical): fast "
               "(pure Python), rust (the rouge-score-rs accelerator, all cores), reference "
               "(rouge-score itself, slow); auto = rust when installed, else fast",
               choices=tuple(BACKENDS)),
        Option("processes", "int", 0, "worker processes of the pure-Python engine (fast); "
               "0 = one per usable core", minimum=0),
    )

    @classmethod
    def config_from_options(cls, values: Mapping[str, Any]) -> RougeMetricConfig:
        parsed = cls.option_values(values)
        types = tuple(parsed["rouge_types"])
        bad = [t for t in types if not ROUGE_TYPE.fullmatch(t)]
        if bad or not types:
            raise ValueError(f"--rouge-types: unknown type(s) {', '.join(bad) or '(none)'}; "
                             "use rouge1..rouge9, rougeL, rougeLsum")
        language = parsed["rouge_language"]
        if language:
            _check_multilingual(values, "--rouge-language", parsed["backend"])
            from .multilingual import check_language

            language = check_language(language, not parsed["no_stemmer"]).code
        rouge = RougeConfig(rouge_types=types, use_stemmer=not parsed["no_stemmer"],
                            tokenizer=parsed["tokenizer"], multi_ref=parsed["multi_ref_rule"],
                            language=language)
        config = RougeMetricConfig(rouge=rouge, lsum_split=parsed["lsum_split"],
                                   backend=parsed["backend"], processes=1,
                                   explicit=frozenset(k for k, v in values.items()
                                                      if v is not None))
        processes = parsed["processes"]
        if values.get("processes") is not None and config.engine != "fast":
            raise UsageError(f"--processes sets the worker processes of the pure-Python engine "
                             f"(--backend fast); the {config.engine} engine "
                             + ("uses all cores (RAYON_NUM_THREADS limits them)"
                                if config.engine == "rust" else "runs in one process"))
        return replace(config, processes=processes or usable_cores())

    def __init__(self, config: Any = None,
                 bootstrap: BootstrapSettings = BootstrapSettings()) -> None:
        super().__init__(config, bootstrap)
        self._languages: set[str] = set()  # the example languages scored (Example.language)

    def signature_fields(self) -> list[tuple[str, str]]:
        rouge = self.config.rouge
        languages = sorted(self._languages) or ([rouge.language] if rouge.language else [])
        if languages:
            from .multilingual import REFERENCE, language_signature

            return [("impl", REFERENCE), *language_signature(languages, rouge.use_stemmer),
                    ("lsum", self.config.lsum_split), ("refs", rouge.multi_ref)]
        return [("impl", f"rouge-score-{rouge_score_version()}"), ("tok", rouge.tokenizer),
                ("stem", "porter" if rouge.use_stemmer else "none"),
                ("lsum", self.config.lsum_split), ("refs", rouge.multi_ref)]

    def settings(self) -> dict[str, Any]:
        rouge = self.config.rouge
        settings = {"rouge_types": list(rouge.rouge_types), "use_stemmer": rouge.use_stemmer,
                    "tokenizer": rouge.tokenizer, "multi_reference": rouge.multi_ref,
                    "lsum_split": self.config.lsum_split}
        if rouge.language or self._languages:
            settings["language"] = rouge.language or sorted(self._languages)
        return settings

    def info(self) -> MetricInfo:
        return rouge_info(self.config.rouge.rouge_types, DEFAULT_GATE)

    def _prepared(self, examples: Sequence[Example], predictions: Sequence[str]):
        """The texts as the engine reads them (sentence split for Lsum) and whether the
        newline check of Lsum applies."""
        config = self.config
        uses_lsum = "rougeLsum" in config.rouge.rouge_types
        split = config.lsum_split if uses_lsum else "newline"
        prepared = [prepare_for_lsum(p, split) for p in predictions]
        references = [[prepare_for_lsum(r, split) for r in e.reference_texts()]
                      for e in examples]
        return prepared, references, uses_lsum and split == "newline"

    def _notices(self, examples: Sequence[Example], prepared: list[str],
                 references: list[list[str]], lsum_checked: bool, total: int,
                 languages: list[str] | None = None) -> list:
        rouge = self.config.rouge
        tokenizer = (f"multilingual:{rouge.language}" if rouge.language else
                     "multilingual" if languages is not None else rouge.tokenizer)
        return rouge_notices([e.id for e in examples], prepared, references,
                             tokenizer, lsum_checked=lsum_checked, total=total,
                             languages=languages)

    def notices(self, examples: Sequence[Example], predictions: Sequence[str],
                total: int) -> tuple:
        prepared, references, lsum_checked = self._prepared(examples, predictions)
        languages = self._example_languages(examples)
        return tuple(self._notices(examples, prepared, references, lsum_checked, total,
                                   languages))

    def _example_languages(self, examples: Sequence[Example]) -> list[str] | None:
        """Each example's language code when the examples carry languages, else None."""
        given = [e.language for e in examples]
        if all(g is None for g in given):
            return None
        config = self.config
        if config.multilingual:
            raise UsageError("--rouge-language scores every example in one language, but "
                             "the examples carry their own (--language-field): use one")
        _check_multilingual({k: True for k in config.explicit}, "--language-field",
                            config.backend)
        from .multilingual import check_language

        codes = []
        for example, language in zip(examples, given):
            if language is None:
                raise UsageError(f"example {example.id!r} has no language, others do "
                                 "(--language-field): give every example one")
            try:
                codes.append(check_language(language, config.rouge.use_stemmer).code)
            except UsageError as error:
                raise UsageError(f"example {example.id!r} (--language-field): {error}") from None
        return codes

    def score(self, examples: Sequence[Example], predictions: Sequence[str]) -> MetricScores:
        languages = self._example_languages(examples)
        if languages is not None:
            return self._score_by_language(examples, predictions, languages)
        return self._score_one(examples, predictions)

    def _score_by_language(self, examples: Sequence[Example], predictions: Sequence[str],
                           languages: list[str]) -> MetricScores:
        """Each language's examples scored apart, the rows put back in order."""
        import numpy as np

        rows: dict[str, list[int]] = {}
        for i, code in enumerate(languages):
            rows.setdefault(code, []).append(i)
        columns: dict[str, dict[str, Any]] = {}
        for code, indices in rows.items():
            metric = RougeMetric(replace(self.config, rouge=replace(self.config.rouge,
                                                                     language=code)))
            part = metric._score_one([replace(examples[i], language=None) for i in indices],
                                     [predictions[i] for i in indices], with_notices=False)
            for t, components in part.columns.items():
                for c, values in components.items():
                    column = columns.setdefault(t, {}).setdefault(
                        c, np.zeros(len(examples), dtype=np.float64))
                    column[indices] = values
        self._languages.update(rows)
        prepared, references, lsum_checked = self._prepared(examples, predictions)
        notices = self._notices(examples, prepared, references, lsum_checked, len(examples),
                                languages)
        return MetricScores(columns=columns, notices=tuple(notices))

    def _score_one(self, examples: Sequence[Example], predictions: Sequence[str],
                   with_notices: bool = True) -> MetricScores:
        config = self.config
        prepared, references, lsum_checked = self._prepared(examples, predictions)
        if not with_notices:
            per_type = score_pairs(prepared, references, config.rouge,
                                   processes=config.processes, backend=config.backend)
            return MetricScores(columns={t: {c: values[:, j] for j, c in enumerate(COMPONENTS)}
                                         for t, values in per_type.items()})
        notices_of = (examples, prepared, references, lsum_checked, len(examples))
        if config.engine == "rust":
            # The Rust engine releases the GIL: it scores while this thread checks the
            # texts for the notices.
            with ThreadPoolExecutor(max_workers=1) as pool:
                scoring = pool.submit(score_pairs, prepared, references, config.rouge,
                                      processes=config.processes, backend=config.backend)
                notices = self._notices(*notices_of)
                per_type = scoring.result()
        else:  # no second thread: the pure-Python engine's workers can be forked
            notices = self._notices(*notices_of)
            per_type = score_pairs(prepared, references, config.rouge,
                                   processes=config.processes, backend=config.backend)
        columns = {t: {c: values[:, j] for j, c in enumerate(COMPONENTS)}
                   for t, values in per_type.items()}
        return MetricScores(columns=columns, notices=tuple(notices))

"""The ``rouge`` metric: ROUGE with the semantics of google-research ``rouge-score`` 0.1.2
(Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries"; the reference
implementation since 2020), bit for bit, through any engine of
:mod:`sumbench.eval.metrics.rouge.engine`.

Measures ``rouge1``..``rouge9``, ``rougeL`` and ``rougeLsum``, each with the components
``precision``, ``recall`` and ``fmeasure``; corpus means with seeded percentile-bootstrap
intervals (one set of resamples for every column).
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
from ..base import Metric, MetricInfo, MetricScores
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

    @property
    def engine(self) -> str:
        """The backend that runs: ``auto`` resolved (rust when installed and it applies)."""
        if self.backend != "auto":
            return self.backend
        from . import rust

        return "rust" if self.rouge.tokenizer == "default" and rust.available() else "fast"


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
        rouge = RougeConfig(rouge_types=types, use_stemmer=not parsed["no_stemmer"],
                            tokenizer=parsed["tokenizer"], multi_ref=parsed["multi_ref_rule"])
        config = RougeMetricConfig(rouge=rouge, lsum_split=parsed["lsum_split"],
                                   backend=parsed["backend"], processes=1)
        processes = parsed["processes"]
        if values.get("processes") is not None and config.engine != "fast":
            raise UsageError(f"--processes sets the worker processes of the pure-Python engine "
                             f"(--backend fast); the {config.engine} engine "
                             + ("uses all cores (RAYON_NUM_THREADS limits them)"
                                if config.engine == "rust" else "runs in one process"))
        return replace(config, processes=processes or usable_cores())

    def signature_fields(self) -> list[tuple[str, str]]:
        rouge = self.config.rouge
        return [("impl", f"rouge-score-{rouge_score_version()}"), ("tok", rouge.tokenizer),
                ("stem", "porter" if rouge.use_stemmer else "none"),
                ("lsum", self.config.lsum_split), ("refs", rouge.multi_ref)]

    def settings(self) -> dict[str, Any]:
        rouge = self.config.rouge
        return {"rouge_types": list(rouge.rouge_types), "use_stemmer": rouge.use_stemmer,
                "tokenizer": rouge.tokenizer, "multi_reference": rouge.multi_ref,
                "lsum_split": self.config.lsum_split}

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
                 references: list[list[str]], lsum_checked: bool, total: int) -> list:
        return rouge_notices([e.id for e in examples], prepared, references,
                             self.config.rouge.tokenizer, lsum_checked=lsum_checked, total=total)

    def notices(self, examples: Sequence[Example], predictions: Sequence[str],
                total: int) -> tuple:
        prepared, references, lsum_checked = self._prepared(examples, predictions)
        return tuple(self._notices(examples, prepared, references, lsum_checked, total))

    def score(self, examples: Sequence[Example], predictions: Sequence[str]) -> MetricScores:
        config = self.config
        prepared, references, lsum_checked = self._prepared(examples, predictions)
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

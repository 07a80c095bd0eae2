"""The ``rouge155`` metric: the original ROUGE-1.5.5 Perl script's numbers (Lin 2004),
reproduced exactly in Python (:mod:`sumbench.eval.metrics.rouge155`), with the script's
options given as its own flag string and its own corpus averages and resampled
intervals (the script reseeds Perl's ``drand48``; :mod:`.bootstrap` reproduces it).

Measures ``rouge1``..``rougeN``, ``rougeL`` (summary-level), ``rougeW-<w>``,
``rougeS<d>``/``rougeSU<d>``, each with ``precision``, ``recall`` and ``fmeasure`` at the
script's 5 printed decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from sumbench.common.options import Option
from ...data.records import Example
from ..base import Columns, Metric, MetricInfo, MetricScores, Scores
from ..rouge.lsum import LSUM_SPLIT_OPTION, prepare_for_lsum
from ..rouge.metric import rouge_info
from ..rouge.notices import rouge_notices
from .flags import Rouge155Config, flags_without_intervals, parse_flags

DEFAULT_FLAGS = "-c 95 -r 1000 -n 2 -m -a"
COMPONENTS = ("precision", "recall", "fmeasure")
DEFAULT_GATE = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True)
class Rouge155MetricConfig:
    """The script's flags (parsed into ``perl``), the exception table and the Lsum split."""

    flags: str = DEFAULT_FLAGS
    exceptions: str = "wordnet"
    lsum_split: str = "newline"

    @property
    def perl(self) -> Rouge155Config:
        return parse_flags(self.flags, self.exceptions)


class Rouge155Metric(Metric):
    name = "rouge155"
    description = "the ROUGE-1.5.5 Perl script's numbers and intervals, exactly, in Python"
    uses_bootstrap = False
    streamable = True
    options = (
        Option("rouge155_flags", "str", DEFAULT_FLAGS, "ROUGE-1.5.5 options as a Perl flag "
               "string; -c/-r set its intervals; write a single flag with '=': "
               "--rouge155-flags=-m", metavar="FLAGS"),
        Option("rouge155_exceptions", "str", "wordnet", "with -m: the WordNet exception "
               "table the released script loads (wordnet), or an empty table as in many "
               "rebuilt installs (none)", choices=("wordnet", "none")),
        LSUM_SPLIT_OPTION,
    )

    @classmethod
    def config_from_options(cls, values: Mapping[str, Any]) -> Rouge155MetricConfig:
        parsed = cls.option_values(values)
        config = Rouge155MetricConfig(flags=" ".join(parsed["rouge155_flags"].split()),
                                      exceptions=parsed["rouge155_exceptions"],
                                      lsum_split=parsed["lsum_split"])
        config.perl  # bad flags are a usage error now, before any work
        return config

    def signature_fields(self) -> list[tuple[str, str]]:
        perl = self.config.perl
        return [("impl", "rouge155-1.5.5"), ("tok", "rouge155"),
                ("stem", "porter155" if perl.stem else "none"),
                ("lsum", self.config.lsum_split), ("refs", f"-f {perl.scoring_formula}"),
                ("flags", f"{flags_without_intervals(self.config.flags)} exc={perl.exceptions}"),
                ("bs", str(perl.resamples)), ("seed", "perl-srand"),
                ("ci", f"{perl.confidence:g}")]

    def settings(self) -> dict[str, Any]:
        perl = self.config.perl
        return {"rouge155_flags": self.config.flags, "rouge155_exceptions": perl.exceptions,
                "rouge_types": list(perl.rouge_types), "lsum_split": self.config.lsum_split}

    def info(self) -> MetricInfo:
        return rouge_info(self.config.perl.rouge_types, DEFAULT_GATE)

    def _prepared(self, examples: Sequence[Example], predictions: Sequence[str]):
        split = self.config.lsum_split
        prepared = [prepare_for_lsum(p, split) for p in predictions]
        references = [[prepare_for_lsum(r, split) for r in e.reference_texts()]
                      for e in examples]
        return prepared, references

    def notices(self, examples: Sequence[Example], predictions: Sequence[str],
                total: int) -> tuple:
        """The newline check applies when summary-level ROUGE-L is computed (not under
        ``-x``) on texts as given."""
        prepared, references = self._prepared(examples, predictions)
        checked = self.config.lsum_split == "newline" and self.config.perl.rouge_l
        return tuple(rouge_notices([e.id for e in examples], prepared, references, "rouge155",
                                   lsum_checked=checked, total=total))

    def score(self, examples: Sequence[Example], predictions: Sequence[str]) -> MetricScores:
        from . import score_rouge155

        prepared, references = self._prepared(examples, predictions)
        per_type = score_rouge155(prepared, references, self.config.perl)
        columns = {t: {c: values[:, j] for j, c in enumerate(COMPONENTS)}
                   for t, values in per_type.items()}
        return MetricScores(columns=columns,
                            notices=self.notices(examples, predictions, len(examples)))

    def aggregate(self, columns: Columns) -> Scores:
        """The script's corpus averages and intervals (not the plain mean)."""
        from . import corpus_scores

        arrays = {t: np.stack([c[k] for k in COMPONENTS], axis=1) for t, c in columns.items()}
        return {t: {"precision": a.precision, "recall": a.recall, "fmeasure": a.fmeasure}
                for t, a in corpus_scores(arrays, self.config.perl).items()}

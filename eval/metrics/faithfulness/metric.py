"""The ``faithfulness-nli`` metric: SummaC-ZS (Laban et al. 2022, "SummaC: Re-Visiting
NLI-based Models for Inconsistency Detection in Summarization", TACL).

For each summary sentence, the best ``P(entailment) - P(contradiction)`` over the
article's sentences (or windows of consecutive sentences, :mod:`.premises`) under an NLI
model; the summary's score is the mean over its sentences (SummaC's ``op1 = max``,
``op2 = mean``, both labels used).  It lies in [-1, 1]: 1 when every summary sentence is
entailed by some part of the article, negative when contradictions dominate.  Shown on
the display scale 100 (as ROUGE's fractions are).

The default checkpoint is the one of SummaC-ZS's published configuration
(``model_name="vitc"`` in the authors' ``model_summac.py``):
``tals/albert-xlarge-vitaminc-mnli``.  Any other sequence-classification NLI checkpoint,
hub id (``name@revision`` too) or local folder, works through ``--nli-model``; its labels
are read from ``config.id2label`` (:mod:`.nli`).  An empty summary or article scores 0,
as in SummaC.  Long articles are read whole (no 100-sentence cap as in SummaC's code):
pairs that do not fit the model's input are cut and counted in ``details`` and a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from sumbench.common.options import Option
from ...data.records import Example
from sumbench.common.errors import InputError
from ..base import BootstrapSettings, Metric, MetricInfo, MetricScores
from .premises import (
    PREMISE_KINDS,
    SENTENCE,
    WINDOW,
    article_sentences,
    pack_windows,
    summary_sentences,
)
from ...notices import Notice, ids_text
from ...signature import package_version

DEFAULT_MODEL = "tals/albert-xlarge-vitaminc-mnli"


@dataclass(frozen=True)
class NliConfig:
    """The checkpoint, the premises, the input limit (``None`` = the model's), the dtype
    (these can change a number) and how to compute (``batch_size``, ``device``)."""

    model: str = DEFAULT_MODEL
    premises: str = SENTENCE
    max_length: int | None = None
    dtype: str = "float32"
    batch_size: int = 32
    device: str = "auto"
    allow_pickle: bool = False


class FaithfulnessNliMetric(Metric):
    name = "faithfulness-nli"
    description = "SummaC-ZS: NLI entailment minus contradiction of summary sentences, in [-1, 1]"
    options = (
        Option("nli_model", "str", DEFAULT_MODEL, "NLI checkpoint: hub id (name@revision) or "
               "local folder", metavar="MODEL"),
        Option("nli_premises", "str", SENTENCE, "premises: article sentences (SummaC-ZS) or "
               "windows of consecutive sentences that fit the model", choices=PREMISE_KINDS),
        Option("nli_max_length", "int", None, "tokens per premise+hypothesis pair (default: "
               "the model's limit)", minimum=8),
        Option("nli_dtype", "str", "float32", "weights dtype",
               choices=("float32", "bfloat16", "float16")),
        Option("nli_batch_size", "int", 32, "pairs per forward pass", minimum=1),
        Option("nli_device", "str", "auto", "where the model runs",
               choices=("auto", "cpu", "cuda", "mps")),
        Option("nli_allow_pickle", "bool", False, "load a checkpoint whose weights are only "
               "pickle files (pytorch_model.bin): unpickling can run code, so only for a "
               "checkpoint you trust"),
    )

    def __init__(self, config: NliConfig | None = None,
                 bootstrap: BootstrapSettings = BootstrapSettings()) -> None:
        super().__init__(config, bootstrap)
        self.source = _locate(self.config.model, self.config.allow_pickle)  # fails fast: before any summarising
        self.progress = True
        self._nli: Any = None
        self._weights: str | None = None

    @classmethod
    def config_from_options(cls, values: Mapping[str, Any]) -> NliConfig:
        parsed = cls.option_values(values)
        model = parsed["nli_model"]
        model = model[len("hf:"):] if model.startswith("hf:") else model  # as summarisers spell it
        return NliConfig(model=model, premises=parsed["nli_premises"],
                         max_length=parsed["nli_max_length"], dtype=parsed["nli_dtype"],
                         batch_size=parsed["nli_batch_size"], device=parsed["nli_device"],
                         allow_pickle=parsed["nli_allow_pickle"])

    # -- description -------------------------------------------------------------------
    def weights(self) -> str:
        """``hub:<id>@<commit>`` or the SHA-256 of the local checkpoint's files: the
        signature names the checkpoint by this alone, so that the same weights in two
        folders (two machines) give comparable runs."""
        if self._weights is None:
            from sumbench.common.hub import weights_fingerprint

            self._weights = weights_fingerprint(self.source)
        return self._weights

    def signature_fields(self) -> list[tuple[str, str]]:
        config = self.config
        return [("impl", "summac-zs"), ("weights", self.weights()),
                ("premises", config.premises),
                ("maxlen", str(config.max_length) if config.max_length else "model"),
                ("dtype", config.dtype), ("split", f"sentencex-{package_version('sentencex')}"),
                ("transformers", package_version("transformers"))]

    def settings(self) -> dict[str, Any]:
        config = self.config
        return {"model": config.model, "premises": config.premises,
                "max_length": config.max_length, "dtype": config.dtype,
                "batch_size": config.batch_size, "device": config.device,
                "aggregation": "mean over summary sentences of the max over premises of "
                               "P(entailment) - P(contradiction)"}

    def info(self) -> MetricInfo:
        return MetricInfo(headline="score", labels={"score": "SummaC-ZS"}, scale=100.0,
                          low=-1.0, high=1.0, gate=("faithfulness",),
                          unit="points, -100 to 100")

    # -- work --------------------------------------------------------------------------
    def _load(self) -> Any:
        if self._nli is None:
            from sumbench.common.progress import loading
            from .nli import load_nli

            config = self.config
            with loading(f"the NLI model {self.source.spec}", enabled=self.progress):
                self._nli = load_nli(self.source, config.device, config.dtype,
                                     config.max_length, config.allow_pickle)
        return self._nli

    def premises(self, nli: Any, article: list[str], hypotheses: list[str]) -> list[str]:
        """The premises of one example: its sentences, or windows that fit beside the
        longest summary sentence."""
        if self.config.premises == SENTENCE or not hypotheses:
            return list(article)
        longest = max(nli.count_tokens(h) for h in hypotheses)
        budget = nli.max_length - nli.pair_specials - longest
        return [w.text for w in pack_windows(article, nli.count_tokens, budget)]

    def score(self, examples: Sequence[Example], predictions: Sequence[str]) -> MetricScores:
        nli = self._load()
        pairs: list[tuple[int, int, int]] = []  # (example, premise, hypothesis)
        texts: list[tuple[str, str]] = []
        shapes: list[tuple[int, int]] = []
        for e, (example, prediction) in enumerate(zip(examples, predictions)):
            hypotheses = summary_sentences(prediction)
            premises = self.premises(nli, article_sentences(example.article), hypotheses)
            shapes.append((len(premises), len(hypotheses)))
            for p, premise in enumerate(premises):
                for h, hypothesis in enumerate(hypotheses):
                    pairs.append((e, p, h))
                    texts.append((premise, hypothesis))
        result = nli.score_pairs([p for p, _ in texts], [h for _, h in texts],
                                 self.config.batch_size, self.progress)
        matrices = [np.zeros(shape) for shape in shapes]
        cut_premises: set[tuple[int, int]] = set()
        cut_hypotheses: set[tuple[int, int]] = set()
        for j, (e, p, h) in enumerate(pairs):
            matrices[e][p, h] = result.scores[j]
            if result.premise_cut[j]:
                cut_premises.add((e, p))
            if result.hypothesis_cut[j]:
                cut_hypotheses.add((e, h))
        values = np.array([summac_zs(m) for m in matrices])
        ids = [example.id for example in examples]
        details = {
            "model": self.config.model, "labels": nli.labels, "max_length": nli.max_length,
            "device": nli.device, "premises": self.config.premises,
            "premise_count": sum(s[0] for s in shapes),
            "windows": sum(s[0] for s in shapes) if self.config.premises == WINDOW else None,
            "hypotheses": sum(s[1] for s in shapes), "pairs": len(pairs),
            "premises_cut": len(cut_premises), "hypotheses_cut": len(cut_hypotheses),
            "empty_articles": sum(1 for s in shapes if s[0] == 0 and s[1] > 0),
        }
        notices = _notices(ids, shapes, cut_premises, cut_hypotheses, nli.max_length,
                           self.config.model)
        return MetricScores(columns={"faithfulness": {"score": values}},
                            notices=tuple(notices), details=details)


def summac_zs(matrix: np.ndarray) -> float:
    """SummaC-ZS of one (premises x summary sentences) matrix of entailment minus
    contradiction: the best premise per sentence, averaged; 0 when either side is empty."""
    if matrix.size == 0:
        return 0.0
    return float(np.mean(np.max(matrix, axis=0)))


def _notices(ids: Sequence[str], shapes: Sequence[tuple[int, int]],
             cut_premises: set[tuple[int, int]], cut_hypotheses: set[tuple[int, int]],
             limit: int, model: str) -> list[Notice]:
    notices = []
    if cut_premises:
        cut_ids = [ids[e] for e in sorted({e for e, _ in cut_premises})]
        notices.append(Notice(
            "nli-premises-cut", f"faithfulness-nli: {len(cut_premises)} premise(s) in "
            f"{len(cut_ids)} example(s) did not fit {model}'s {limit} tokens beside a summary "
            f"sentence and were cut: {ids_text(cut_ids)}", tuple(cut_ids)))
    if cut_hypotheses:
        cut_ids = [ids[e] for e in sorted({e for e, _ in cut_hypotheses})]
        notices.append(Notice(
            "nli-hypotheses-cut", f"faithfulness-nli: {len(cut_hypotheses)} summary "
            f"sentence(s) in {len(cut_ids)} example(s) were longer than {limit} tokens and "
            f"were cut: {ids_text(cut_ids)}", tuple(cut_ids)))
    empty = [ids[e] for e, (premises, hypotheses) in enumerate(shapes)
             if premises == 0 and hypotheses > 0]
    if empty:
        notices.append(Notice("nli-empty-article", f"faithfulness-nli: {len(empty)} "
                              f"article(s) without a sentence scored 0: {ids_text(empty)}",
                              tuple(empty)))
    return notices


def _locate(model: str, allow_pickle: bool = False) -> Any:
    """Where ``--nli-model`` is (hub probing included); its errors name the option."""
    from sumbench.common.errors import rewording
    from sumbench.common.hub import locate_model

    with rewording(lambda exc: f"--nli-model: {exc}"):
        source = locate_model(model, allow_pickle=allow_pickle,
                              pickle_flag="--nli-allow-pickle")
    if source.gguf_file:
        raise InputError(f"--nli-model {model}: a GGUF file is not an NLI checkpoint; give "
                         "the folder of a sequence-classification model")
    return source

"""The ``bertscore`` metric: BERTScore (Zhang et al. 2020, "BERTScore: Evaluating Text
Generation with BERT") with the numbers of the ``bert-score`` package 0.3.13, computed
by :mod:`sumbench.eval.metrics.bertscore` on any Hugging Face encoder.

One measure, ``bertscore``, with the components ``precision``, ``recall`` and ``f1``
(the headline), as fractions shown x 100.  Options: the encoder (hub id or local folder),
its layer, IDF weighting over the references, baseline rescaling from a bert-score
baseline file, and how to compute (device, batch size; they do not change the numbers
beyond float rounding).  The signature records what bert-score's hash code records (the
model, layer, IDF, rescaling and the transformers version) plus the weights themselves:
the hub commit, or a SHA-256 of a local folder's files.

The model is located when the metric is built, so that a hub id that cannot be had
offline fails within seconds, before any summarising or scoring; it is loaded at the
first :meth:`BertScoreMetric.score`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sumbench.common.options import Option
from ...data.records import Example
from sumbench.common.errors import UsageError
from ..base import BootstrapSettings, Metric, MetricInfo, MetricScores
from .baseline import Baseline, read_baseline
from .encoder import check_device, config_layers
from ...notices import Notice, ids_text
from ...signature import package_version

BERT_SCORE_VERSION = "0.3.13"  # the reference implementation whose numbers these are
# bert-score 0.3.13 still says __version__ = "0.3.12", and its hash code prints that.
BERT_SCORE_HASH_VERSION = "0.3.12"
DEFAULT_MODEL = "roberta-large"
MEASURE = "bertscore"
# Layers bert-score recommends (its utils.model2layers, tuned on WMT16) for the encoders
# most used in English; any other model needs --bertscore-layer.
TUNED_LAYERS = {
    "roberta-large": 17, "FacebookAI/roberta-large": 17,
    "roberta-base": 10, "FacebookAI/roberta-base": 10,
    "roberta-large-mnli": 19, "FacebookAI/roberta-large-mnli": 19,
    "bert-base-uncased": 9, "google-bert/bert-base-uncased": 9,
    "bert-large-uncased": 18, "google-bert/bert-large-uncased": 18,
    "bert-base-multilingual-cased": 9, "google-bert/bert-base-multilingual-cased": 9,
    "distilbert-base-uncased": 5, "distilbert/distilbert-base-uncased": 5,
    "xlm-roberta-large": 17, "FacebookAI/xlm-roberta-large": 17,
    "microsoft/deberta-large-mnli": 18, "microsoft/deberta-xlarge-mnli": 40,
}


@dataclass(frozen=True)
class BertScoreConfig:
    """The encoder, its layer, IDF and rescaling (all in the signature), and how to
    compute (``device``, ``batch_size``: not in it)."""

    model: str = DEFAULT_MODEL
    layer: int = TUNED_LAYERS[DEFAULT_MODEL]
    idf: bool = False
    baseline: Baseline | None = None
    device: str = "auto"
    batch_size: int = 64
    allow_pickle: bool = False


class BertScoreMetric(Metric):
    name = "bertscore"
    description = ("BERTScore P, R, F1 (Zhang et al. 2020) on any Hugging Face encoder, "
                   f"with bert-score {BERT_SCORE_VERSION}'s numbers")
    options = (
        Option("bertscore_model", "str", DEFAULT_MODEL, "encoder: a Hugging Face hub id "
               "or the folder of a local checkpoint", metavar="MODEL"),
        Option("bertscore_layer", "int", None, "the layer whose hidden states are "
               "compared (0 = embeddings); default: bert-score's tuned layer for the "
               "common models (roberta-large: 17), required for any other", minimum=0),
        Option("bertscore_idf", "bool", False, "weight word pieces by their IDF over the "
               "references"),
        Option("bertscore_baseline", "path", None, "rescale with the baselines in this "
               "file (bert-score's rescale_baseline format: LAYER,P,R,F)"),
        Option("bertscore_device", "str", "auto", "where the encoder runs: auto (CUDA "
               "when available), cpu, cuda, cuda:N, mps", metavar="DEVICE"),
        Option("bertscore_batch_size", "int", 64, "texts per encoder batch (also pairs "
               "per matching batch)", minimum=1),
        Option("bertscore_allow_pickle", "bool", False, "load an encoder whose weights are "
               "only pickle files (pytorch_model.bin): unpickling can run code, so only for "
               "a checkpoint you trust"),
    )

    def __init__(self, config: BertScoreConfig | None = None,
                 bootstrap: BootstrapSettings = BootstrapSettings()) -> None:
        super().__init__(config, bootstrap)
        self.source = _locate(self.config.model, self.config.allow_pickle)
        self._check_layer()
        self._encoder: Any = None
        self._fingerprint: str | None = None

    # -- construction ------------------------------------------------------------------
    @classmethod
    def config_from_options(cls, values: Mapping[str, Any]) -> BertScoreConfig:
        parsed = cls.option_values(values)
        model = parsed["bertscore_model"].strip()
        if not model:
            raise ValueError("--bertscore-model: an empty model name")
        layer = parsed["bertscore_layer"]
        if layer is None:
            if model not in TUNED_LAYERS:
                raise ValueError(f"--bertscore-layer: required for {model} (bert-score's "
                                 "tuned layer is built in only for: "
                                 f"{', '.join(sorted(k for k in TUNED_LAYERS if '/' not in k))})")
            layer = TUNED_LAYERS[model]
        baseline = None
        if parsed["bertscore_baseline"] is not None:
            baseline = read_baseline(parsed["bertscore_baseline"], layer)
        return BertScoreConfig(model=model, layer=layer, idf=parsed["bertscore_idf"],
                               baseline=baseline,
                               device=check_device(parsed["bertscore_device"].strip()),
                               batch_size=parsed["bertscore_batch_size"],
                               allow_pickle=parsed["bertscore_allow_pickle"])

    def _check_layer(self) -> None:
        """A layer beyond the model's depth is a usage error now, when its config.json
        can be read without loading the model."""
        from sumbench.common.hub import read_json_file

        declared = config_layers(read_json_file(self.source, "config.json") or {})
        if declared is not None and self.config.layer > declared:
            raise UsageError(f"--bertscore-layer {self.config.layer}: {self.config.model} "
                             f"has layers 0..{declared}")

    # -- description -------------------------------------------------------------------
    def weights(self) -> str:
        """``hub:<id>@<commit>`` or ``sha256:<hash of the folder's files>``."""
        if self._fingerprint is None:
            from sumbench.common.hub import weights_fingerprint

            self._fingerprint = weights_fingerprint(self.source)
        return self._fingerprint

    def signature_fields(self) -> list[tuple[str, str]]:
        baseline = self.config.baseline
        # The weights name the model (hub id and commit, or the checkpoint's hash), so the
        # same checkpoint in two folders signs the same; the model as given is a setting.
        return [("impl", f"bert-score-{BERT_SCORE_VERSION}"),
                ("weights", self.weights()), ("layer", str(self.config.layer)),
                ("idf", "refs" if self.config.idf else "no"),
                ("rescale", baseline.signature_value() if baseline else "none"),
                ("refs", "max"), ("transformers", package_version("transformers"))]

    def bert_score_hash(self) -> str:
        """What ``bert_score.score(..., return_hash=True)`` would print for these settings."""
        idf = "_idf" if self.config.idf else "_no-idf"
        text = (f"{self.config.model}_L{self.config.layer}{idf}_version={BERT_SCORE_HASH_VERSION}"
                f"(hug_trans={package_version('transformers')})")
        return text + ("-custom-rescaled" if self.config.baseline else "")

    def settings(self) -> dict[str, Any]:
        config = self.config
        return {"model": config.model, "weights": self.weights(), "layer": config.layer,
                "idf": config.idf,
                "baseline": config.baseline.to_dict() if config.baseline else None,
                "multi_reference": "max", "device": config.device,
                "batch_size": config.batch_size,
                "transformers": package_version("transformers"),
                "torch": package_version("torch"), "bert_score_hash": self.bert_score_hash()}

    def info(self) -> MetricInfo:
        # Cosines lie in [-1, 1]; rescaled values have no useful lower bound.
        low = None if self.config.baseline else -1.0
        return MetricInfo(headline="f1", labels={"precision": "P", "recall": "R", "f1": "F1"},
                          scale=100.0, low=low, high=1.0, gate=(MEASURE,), unit="points")

    # -- work --------------------------------------------------------------------------
    def encoder(self):
        """The loaded encoder (loaded once per metric instance)."""
        if self._encoder is None:
            from sumbench.common.progress import loading
            from .encoder import load_encoder

            with loading(f"the BERTScore model {self.config.model}"):
                self._encoder = load_encoder(self.source, self.config.model, self.config.layer,
                                             self.config.device, self.config.allow_pickle)
        return self._encoder

    def score(self, examples: Sequence[Example], predictions: Sequence[str]) -> MetricScores:
        from .scoring import score_texts

        result = score_texts(self.encoder(), list(predictions),
                             [e.reference_texts() for e in examples], idf=self.config.idf,
                             batch_size=self.config.batch_size, baseline=self.config.baseline)
        ids = [e.id for e in examples]
        notices = [n for n in (_truncation_notice(ids, result), _zero_weight_notice(ids, result))
                   if n is not None]
        details = {"max_tokens": result.limit,
                   "truncated_predictions": len(result.truncated_predictions),
                   "truncated_reference_examples": len(result.truncated_references),
                   "zero_weight_examples": len(result.zero_weight),
                   "texts_embedded": result.texts_embedded, "device": self.encoder().device}
        columns = {MEASURE: {"precision": result.precision, "recall": result.recall,
                             "f1": result.f1}}
        return MetricScores(columns=columns, notices=tuple(notices), details=details)


def _locate(model: str, allow_pickle: bool = False):
    """The model's :class:`ModelSource`; offline hub ids and missing folders fail here."""
    from sumbench.common.errors import rewording
    from sumbench.common.hub import locate_model

    with rewording(lambda exc: f"--bertscore-model {str(exc).removeprefix('hf:')}"):
        return locate_model(model, allow_pickle=allow_pickle,
                            pickle_flag="--bertscore-allow-pickle")


def _truncation_notice(ids: Sequence[str], result) -> Notice | None:
    flagged = sorted(set(result.truncated_predictions) | set(result.truncated_references))
    if not flagged:
        return None
    which = [w for w, s in (("predictions", result.truncated_predictions),
                            ("references", result.truncated_references)) if s]
    bad = [ids[i] for i in flagged]
    return Notice("bertscore-truncated",
                  f"{len(bad)} example(s) have {' and '.join(which)} longer than the "
                  f"encoder's {result.limit} tokens; BERTScore compared only their first "
                  f"{result.limit} tokens (as bert-score does): {ids_text(bad)}", tuple(bad))


def _zero_weight_notice(ids: Sequence[str], result) -> Notice | None:
    if not result.zero_weight:
        return None
    bad = [ids[i] for i in result.zero_weight]
    return Notice("bertscore-zero-weight",
                  f"{len(bad)} example(s) have a text whose every word piece occurs in every "
                  "reference, so its IDF weights sum to 0; scored 0 (bert-score returns "
                  f"NaN): {ids_text(bad)}", tuple(bad))

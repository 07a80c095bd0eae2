"""Reading version-1 run folders (sumbench 0.1: one ROUGE implementation per run, no
stored references) as :class:`~sumbench.eval.runs.run.Run` values.

Version 1 kept ``results.json`` (one signature, ``config.scoring`` with the ROUGE
settings, ``scores`` by ROUGE type), ``predictions.jsonl`` and ``per_example.jsonl``
(``{"id", "rouge1": {"precision", "recall", "fmeasure"}, ...}``).  The run becomes one
metric, ``rouge`` or ``rouge155``, whose signature is rebuilt from the stored fields in
today's form (sumbench's version kept as stored), so a version-1 baseline compares with
a version-2 run whenever the numbers are comparable.  Its examples are ``None``: reports
say that the articles and references were not stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np

from sumbench.common.errors import InputError
from ..notices import Notice
from .run import MetricResult, ReferenceSetInfo, Run
from ..signature import Signature
from ..stats.interval import Interval

COMPONENTS = ("precision", "recall", "fmeasure")


def _metric(scoring: Mapping[str, Any], stored: Mapping[str, str]):
    """The v2 metric equal to a v1 ``config.scoring``, and its signature fields."""
    from ..metrics.base import BootstrapSettings

    # A version-1 run stored only ROUGE, with its scoring settings rather than a
    # signature: rebuilding the equivalent ROUGE metric is the only way to sign it, so
    # this reader is one of the two modules outside eval/metrics/ allowed to import a
    # metric family (with eval/oracle.py).
    if scoring.get("impl") == "rouge155":
        # metric families outside eval/metrics/, on purpose: a version-1 run stored only
        # ROUGE settings, so reading it rebuilds the ROUGE metric that made it
        from ..metrics.rouge155.flags import flags_without_intervals
        from ..metrics.rouge155.metric import Rouge155Metric

        metric = Rouge155Metric.from_options({
            "rouge155_flags": scoring["rouge155_flags"],
            "rouge155_exceptions": scoring["rouge155_exceptions"],
            "lsum_split": scoring["lsum_split"]})
        flags = f"{flags_without_intervals(scoring['rouge155_flags'])} " \
                f"exc={scoring['rouge155_exceptions']}"
        keys = ("impl", "tok", "stem", "lsum", "refs", "flags", "bs", "seed", "ci")
        values = {**stored, "flags": flags}
        aggregation = {"method": "own"}
    else:
        from ..metrics.rouge.metric import RougeMetric

        metric = RougeMetric.from_options({
            "rouge_types": list(scoring["rouge_types"]),
            "no_stemmer": not scoring["use_stemmer"], "tokenizer": scoring["tokenizer"],
            "lsum_split": scoring["lsum_split"], "multi_ref_rule": scoring["multi_reference"]},
            BootstrapSettings(int(scoring["bootstrap_samples"]), int(scoring["seed"]),
                              float(scoring["confidence"])))
        keys = ("impl", "tok", "stem", "lsum", "refs", "bs", "seed", "ci")
        values = dict(stored)
        aggregation = {"method": "bootstrap", "samples": metric.bootstrap.samples,
                       "seed": metric.bootstrap.seed, "confidence": metric.bootstrap.confidence}
    signature = Signature.build(metric.name, [(k, values[k]) for k in keys],
                                version=stored["sumbench"])
    return metric, signature, aggregation


def load_v1(directory: Path, results: dict[str, Any]) -> Run:
    """The run in a version-1 folder (``results`` is its parsed ``results.json``)."""
    from . import checks as c
    from .folder import PER_EXAMPLE, PREDICTIONS, RESULTS

    where = directory / RESULTS
    try:
        config = results["config"]
        metric, signature, aggregation = _metric(config["scoring"], results["signature_fields"])
        lines = list(c.json_lines(directory / PER_EXAMPLE))
        ids = tuple(c.unique_ids(lines, directory / PER_EXAMPLE))
        count = c.integer(results["reference_set"]["examples"], str(where), "reference_set.examples", 1)
        if len(ids) != count:
            raise c.corrupt(directory / PER_EXAMPLE, f"{len(ids)} examples, but results.json "
                                                     f"counts {count}")
        rows = [r for _, r in lines]
        prediction_lines = list(c.json_lines(directory / PREDICTIONS))
        if sorted(c.unique_ids(prediction_lines, directory / PREDICTIONS)) != sorted(ids):
            raise c.corrupt(directory / PREDICTIONS, "its ids differ from per_example.jsonl's")
        predictions = {str(r["id"]): c.text(r["prediction"], w, "prediction")
                       for w, r in prediction_lines}
        types = list(results["scores"])
        columns = {t: {k: np.array([c.number(r[t][k], w, f"{t}.{k}", 0.0, 1.0)
                                    for w, r in lines]) for k in COMPONENTS} for t in types}
        scores = {t: {k: Interval(*(c.number(results["scores"][t][k][x], str(where),
                                             f"scores.{t}.{k}.{x}", 0.0, 1.0)
                                    for x in ("low", "mid", "high"))) for k in COMPONENTS}
                  for t in types}
        result = MetricResult(name=metric.name, signature=signature, settings=metric.settings(),
                              info=metric.info(), columns=columns, scores=scores,
                              aggregation=aggregation,
                              notices=tuple(Notice.from_dict(n) for n in results.get("warnings", [])))
        references = config["references"]
        diagnostics = None
        if any("diagnostics" in r for r in rows):
            diagnostics = tuple(dict(r.get("diagnostics") or {}) for r in rows)
        return Run(
            name=str(config["summarizer"]["name"]), ids=ids,
            predictions=tuple(str(predictions[i]) for i in ids), metrics={metric.name: result},
            reference_set=ReferenceSetInfo(
                spec=str(references["spec"]), format=str(references["format"]),
                fingerprint=str(results["reference_set"]["fingerprint"]),
                examples=int(results["reference_set"]["examples"]),
                selection={"limit": references.get("limit"), "sample": references.get("sample"),
                           "seed": references.get("sample_seed")}),
            examples=None, summarizer=dict(config["summarizer"]),
            counts=dict(results.get("counts", {})), generation=dict(results.get("generation", {})),
            diagnostics=diagnostics, diagnostics_mean=(results.get("diagnostics") or {}).get("mean"),
            path=directory, schema_version=1, sumbench_version=str(results["signature_fields"]["sumbench"]))
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise InputError(f"{where}: corrupt version-1 run folder ({type(exc).__name__}: {exc})") from None

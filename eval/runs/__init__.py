"""Runs: the one :class:`Run` type (:mod:`.run`) and its folder format (:mod:`.folder`,
with readers for every earlier version in :mod:`.v1`)."""

from .folder import SCHEMA_VERSION, load_run
from .run import MeasureRef, MetricResult, ReferenceSetInfo, Run

__all__ = ["MeasureRef", "MetricResult", "ReferenceSetInfo", "Run", "SCHEMA_VERSION", "load_run"]

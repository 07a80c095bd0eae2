"""Statistics over per-example scores: seeded bootstrap intervals and paired tests
(:mod:`~sumbench.eval.stats.resampling`), and the :class:`Interval` they produce."""

from sumbench.eval.stats.interval import Interval
from sumbench.eval.stats.resampling import (
    PairedBootstrapResult,
    PermutationResult,
    bootstrap_interval,
    paired_bootstrap,
    permutation_test,
    to_intervals,
    win_tie_loss,
)

__all__ = ["Interval", "PairedBootstrapResult", "PermutationResult", "bootstrap_interval",
           "paired_bootstrap", "permutation_test", "to_intervals", "win_tie_loss"]

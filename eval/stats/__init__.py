"""Statistics over per-example scores: seeded bootstrap intervals and paired tests
(:mod:`~sumbench.eval.stats.resampling`), and the :class:`Interval` they produce.

Meta-evaluation's statistics are imported from their modules:
:mod:`~sumbench.eval.stats.correlation` (batched coefficients and their p-values),
:mod:`~sumbench.eval.stats.correlation_levels` (system, summary and global levels) and
:mod:`~sumbench.eval.stats.meta_resampling` (bootstrap and permutation test over systems
and inputs)."""

from .interval import Interval
from .resampling import (
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

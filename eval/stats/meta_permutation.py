"""The permutation test between two metrics, batched: every permutation, judgment, level
and coefficient of one pair of metrics at once.

It computes what :func:`sumbench.eval.stats.meta_resampling.permutation_test` computes
(Deutsch, Dror & Roth 2021, PERM-BOTH / -SYSTEMS / -INPUTS; the same masks, the same
statistic ``r(A*) - r(B*)``, the same ``(1 + hits) / (1 + defined)`` p-value), which stays
the reference loop the tests compare against.  What it shares and avoids:

* the masks are drawn once and serve every test of the pair (they depend only on the
  shape, the method, the count and the seed), and the permuted matrices ``A*`` and
  ``B*`` -- their means, ranks and pair orders -- serve every judgment;
* ranks without sorting each permutation, and Kendall's pair counts by judgment level
  (for a judgment of at most :data:`MAX_LEVELS` distinct values: ratings) or as a
  quadratic form in the swap mask (:mod:`sumbench.eval.stats.swap_counts`).

Ranks and pair counts are exact (integers and half-integers); Pearson's r (of the
scores, or of the ranks for Spearman) is computed from the centred permuted vectors and
the centred judgment, so a value can differ from the loop's in the last bits only.  The
tests check every permuted difference against the loop (to 1e-12) and every p-value for
equality.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .correlation import average_ranks, coefficient
from .correlation_levels import correlate
from .swap_counts import Candidates, evaluate_form, kendall_form
from .meta_resampling import TIE, PermutationOutcome, permutation_masks, standardise

_CHUNK_CELLS = 1 << 20  # permuted cells per chunk
MAX_LEVELS = 64  # pooled Kendall by judgment levels up to this many distinct values
MAX_FORM_CELLS = 2048  # Kendall's quadratic form up to vectors this long (k x k matrices);
# longer ones are correlated permutation by permutation, as the reference loop does
Key = tuple[int, str, str]  # (judgment index, level, coefficient)


def _tau(con_minus_dis: np.ndarray, xtie: np.ndarray, ytie: np.ndarray, tot: float) -> np.ndarray:
    """tau-b as :func:`sumbench.eval.stats.correlation.kendall` computes it."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = con_minus_dis / np.sqrt(tot - xtie) / np.sqrt(tot - ytie)
    return np.where((xtie == tot) | (ytie == tot), np.nan, np.clip(tau, -1.0, 1.0))


def _pearson_fixed(x: np.ndarray, zcs: Sequence[np.ndarray], z_constant: Sequence[np.ndarray]
                   ) -> list[np.ndarray]:
    """Pearson's r along the last axis of ``x`` with each fixed centred ``zc`` (broadcast)."""
    xm = x - x.mean(axis=-1, keepdims=True)
    sxx = np.einsum("...i,...i->...", xm, xm)
    x_constant = np.ptp(x, axis=-1) == 0
    out = []
    for zc, constant in zip(zcs, z_constant):
        sxy = np.einsum("...i,...i->...", xm, zc)
        syy = np.einsum("...i,...i->...", zc, zc)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0)
        out.append(np.where(x_constant | constant, np.nan, r))
    return out


def _both(x: np.ndarray, y: np.ndarray, zcs: Sequence[np.ndarray],
          z_constant: Sequence[np.ndarray], summary: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per judgment, Pearson's r of A* and of B* (averaged over inputs at the summary level)."""
    rx, ry = _pearson_fixed(x, zcs, z_constant), _pearson_fixed(y, zcs, z_constant)
    if summary:
        return [(_summary_mean(a), _summary_mean(b)) for a, b in zip(rx, ry)]
    return list(zip(rx, ry))


def _summary_mean(r: np.ndarray) -> np.ndarray:
    """Mean over inputs (last axis) of the defined correlations, as the summary level."""
    keep = np.isfinite(r)
    used = keep.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(keep, r, 0.0).sum(axis=-1) / used
    return np.where(used > 0, value, np.nan)


class _Pair:
    """Everything about metrics ``X``, ``Y`` (standardised) and the judgments that does not
    depend on the permutation."""

    def __init__(self, X: np.ndarray, Y: np.ndarray, judgments: Sequence[np.ndarray],
                 levels: Sequence[str], coefficients: Sequence[str]) -> None:
        self.X, self.Y, self.Z = X, Y, [np.asarray(z, dtype=np.float64) for z in judgments]
        self.levels, self.coefficients = tuple(levels), tuple(coefficients)
        m, n = X.shape
        want = set(self.coefficients)
        if "summary" in self.levels:
            cols = [z.T for z in self.Z]  # (n, m): per input, across systems
            self.sum_zc = [c - c.mean(axis=-1, keepdims=True) for c in cols]
            self.sum_zconst = [np.ptp(c, axis=-1) == 0 for c in cols]
            if "spearman" in want:
                self.sum_cands = Candidates(X.T, Y.T)
                ranks = [average_ranks(c) for c in cols]
                self.sum_rc = [r - r.mean(axis=-1, keepdims=True) for r in ranks]
            if "kendall" in want:
                self.sum_forms = None
                if m <= MAX_FORM_CELLS:
                    self.sum_forms = [kendall_form(X.T, Y.T, c) for c in cols]
                    self.sum_xtie = kendall_form(X.T, Y.T, None)
                self.sum_ytie = [self._tied(c) for c in cols]
        if "global" in self.levels:
            flat = [z.reshape(1, -1) for z in self.Z]
            self.glob_zc = [f - f.mean() for f in flat]
            self.glob_zconst = [np.ptp(f) == 0 for f in flat]
            x1, y1 = X.reshape(1, -1), Y.reshape(1, -1)
            if "spearman" in want:
                self.glob_cands = Candidates(x1, y1)
                ranks = [average_ranks(f) for f in flat]
                self.glob_rc = [r - r.mean() for r in ranks]
            if "kendall" in want:
                self.glob_ytie = [self._tied(f) for f in flat]
                dense = [np.unique(f, return_inverse=True) for f in flat]
                self.glob_levels = None
                if max(len(values) for values, _ in dense) <= MAX_LEVELS:
                    self.glob_levels = [inverse.ravel() for _, inverse in dense]
                    self.glob_cands = Candidates(x1, y1)
                self.glob_forms = None
                if self.glob_levels is None and m * n <= MAX_FORM_CELLS:
                    self.glob_forms = [kendall_form(x1, y1, f) for f in flat]
                    self.glob_xtie = kendall_form(x1, y1, None)
        self.z_means = [z.mean(axis=-1) for z in self.Z]
        self.tot = {"summary": m * (m - 1) / 2.0, "global": m * n * (m * n - 1) / 2.0}

    @staticmethod
    def _tied(v: np.ndarray) -> np.ndarray:
        """Pairs tied in each row of ``v`` (g, k)."""
        counts = (np.unique(row, return_counts=True)[1] for row in v)
        return np.array([np.sum(c * (c - 1) / 2.0) for c in counts])

    def differences(self, swap: np.ndarray) -> dict[Key, np.ndarray]:
        """``r(A*) - r(B*)`` for a chunk of masks ``swap`` (b, m, n) bool."""
        x_p, y_p = np.where(swap, self.Y, self.X), np.where(swap, self.X, self.Y)
        self._chunk_ranks: tuple | None = None
        out: dict[Key, np.ndarray] = {}
        for level in self.levels:
            for name in self.coefficients:
                pairs = getattr(self, f"_{level}_{name}")(swap, x_p, y_p)
                for j, (rx, ry) in enumerate(pairs):
                    out[(j, level, name)] = rx - ry
        return out

    # system level: the loop's own coefficient on the (b, m) means
    def _system(self, x_p, y_p, name):
        f = coefficient(name)
        xm, ym = x_p.mean(axis=-1), y_p.mean(axis=-1)
        return [(f(xm, zm), f(ym, zm)) for zm in self.z_means]

    def _system_pearson(self, swap, x_p, y_p):
        return self._system(x_p, y_p, "pearson")

    def _system_spearman(self, swap, x_p, y_p):
        return self._system(x_p, y_p, "spearman")

    def _system_kendall(self, swap, x_p, y_p):
        return self._system(x_p, y_p, "kendall")

    def _summary_pearson(self, swap, x_p, y_p):
        xc, yc = np.swapaxes(x_p, -1, -2), np.swapaxes(y_p, -1, -2)  # (b, n, m)
        return _both(xc, yc, self.sum_zc, self.sum_zconst, summary=True)

    def _summary_spearman(self, swap, x_p, y_p):
        b, m, n = swap.shape
        s = np.ascontiguousarray(np.swapaxes(swap, -1, -2)).reshape(b, n * m)
        s_cands = self.sum_cands
        rx, ry, _, _ = s_cands.ranks(s, s_cands.below(s_cands.chosen(s)))
        rx, ry = rx.reshape(b, n, m), ry.reshape(b, n, m)
        return _both(rx, ry, self.sum_rc, self.sum_zconst, summary=True)

    def _plain(self, level, name, x_p, y_p):
        """The loop's own computation, for vectors too long for the quadratic form."""
        return [(correlate(level, x_p, z, name).value, correlate(level, y_p, z, name).value)
                for z in self.Z]

    def _summary_kendall(self, swap, x_p, y_p):
        if self.sum_forms is None:
            return self._plain("summary", "kendall", x_p, y_p)
        s = np.swapaxes(swap, -1, -2)  # (b, n, m): per input, its systems
        tie_x, tie_y = evaluate_form(self.sum_xtie, s)
        out = []
        for form, ytie in zip(self.sum_forms, self.sum_ytie):
            cx, cy = evaluate_form(form, s)
            out.append((_summary_mean(_tau(cx, tie_x, ytie, self.tot["summary"])),
                        _summary_mean(_tau(cy, tie_y, ytie, self.tot["summary"]))))
        return out

    def _global_pearson(self, swap, x_p, y_p):
        b = x_p.shape[0]
        xf, yf = x_p.reshape(b, -1), y_p.reshape(b, -1)
        return _both(xf, yf, [zc[0] for zc in self.glob_zc], self.glob_zconst, summary=False)

    def _global_spearman(self, swap, x_p, y_p):
        rx, ry, _, _ = self._global_ranks(swap)
        return _both(rx, ry, [rc[0] for rc in self.glob_rc], self.glob_zconst, summary=False)

    def _global_ranks(self, swap):
        """Ranks and ties of A* and B* (pooled), once per chunk."""
        if self._chunk_ranks is None:
            flat = swap.reshape(swap.shape[0], -1)
            chosen = self.glob_cands.chosen(flat)
            below = self.glob_cands.below(chosen)
            self._chunk_ranks = (*self.glob_cands.ranks(flat, below), chosen)
        return self._chunk_ranks[:4]

    def _global_kendall(self, swap, x_p, y_p):
        if self.glob_levels is not None:
            _, _, tie_x, tie_y = self._global_ranks(swap)
            chosen = self._chunk_ranks[4]
            flat = swap.reshape(swap.shape[0], -1)
            out = []
            for levels, ytie in zip(self.glob_levels, self.glob_ytie):
                cx, cy = self.glob_cands.concordance_by_levels(flat, chosen, levels)
                out.append((_tau(cx, tie_x[:, 0], ytie[0], self.tot["global"]),
                            _tau(cy, tie_y[:, 0], ytie[0], self.tot["global"])))
            return out
        if self.glob_forms is None:
            return self._plain("global", "kendall", x_p, y_p)
        s = swap.reshape(swap.shape[0], 1, -1)
        tie_x, tie_y = evaluate_form(self.glob_xtie, s)
        out = []
        for form, ytie in zip(self.glob_forms, self.glob_ytie):
            cx, cy = evaluate_form(form, s)
            out.append((_tau(cx, tie_x, ytie, self.tot["global"])[:, 0],
                        _tau(cy, tie_y, ytie, self.tot["global"])[:, 0]))
        return out


def permutation_distribution(X: np.ndarray, Y: np.ndarray, judgments: Sequence[np.ndarray],
                             levels: Sequence[str], coefficients: Sequence[str],
                             masks: np.ndarray) -> dict[Key, np.ndarray]:
    """``r(A*) - r(B*)`` for every permutation (``masks``: (N, m, n), (N, m, 1) or
    (N, 1, n), True swaps), keyed by (judgment index, level, coefficient); ``X`` and
    ``Y`` standardised already.  NaN where a permutation's difference is undefined."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    pair = _Pair(X, Y, judgments, levels, coefficients)
    m, n = X.shape
    step = max(1, _CHUNK_CELLS // (m * n))
    parts: dict[Key, list[np.ndarray]] = {}
    for start in range(0, masks.shape[0], step):
        swap = np.broadcast_to(masks[start:start + step], (min(step, masks.shape[0] - start), m, n))
        for key, d in pair.differences(np.ascontiguousarray(swap)).items():
            parts.setdefault(key, []).append(d)
    return {key: np.concatenate(chunks) for key, chunks in parts.items()}


def permutation_tests(X: np.ndarray, Y: np.ndarray, judgments: Sequence[np.ndarray],
                      levels: Sequence[str], coefficients: Sequence[str],
                      method: str = "both", samples: int = 1000,
                      seed: int = 12345) -> dict[Key, PermutationOutcome]:
    """:func:`sumbench.eval.stats.meta_resampling.permutation_test` of metric ``X``
    against metric ``Y`` for every judgment (by index), level and coefficient at once,
    with the same masks, statistic and p-value (``ValueError`` when an observed
    difference is undefined)."""
    Xs, Ys = standardise(X), standardise(Y)
    Zs = [np.asarray(z, dtype=np.float64) for z in judgments]
    for Z in Zs:
        if not Xs.shape == Ys.shape == Z.shape or Xs.ndim != 2:
            raise ValueError(f"X, Y and Z must be (systems, inputs) of one shape: "
                             f"{Xs.shape}, {Ys.shape}, {Z.shape}")
    masks = permutation_masks(*Xs.shape, method=method, samples=samples, seed=seed)
    permuted = permutation_distribution(Xs, Ys, Zs, levels, coefficients, masks)
    out = {}
    for (j, level, name), d in permuted.items():
        observed = float(correlate(level, Xs, Zs[j], name).value
                         - correlate(level, Ys, Zs[j], name).value)
        if not np.isfinite(observed):
            raise ValueError("the observed difference of correlations is undefined")
        finite = np.isfinite(d)
        defined = int(np.count_nonzero(finite))
        hits = int(np.count_nonzero(np.abs(d[finite]) >= abs(observed) - TIE))
        out[(j, level, name)] = PermutationOutcome(observed, (1.0 + hits) / (1.0 + defined),
                                                   int(samples), int(samples - defined))
    return out

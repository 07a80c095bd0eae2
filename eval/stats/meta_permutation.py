"""The permutation test between two metrics, batched: every permutation, judgment, level
and coefficient of one pair of metrics at once.

It computes what :func:`sumbench.eval.stats.meta_resampling.permutation_test` computes
(Deutsch, Dror & Roth 2021, PERM-BOTH / -SYSTEMS / -INPUTS; the same masks, the same
statistic ``r(A*) - r(B*)``, the same ``(1 + hits) / (1 + defined)`` p-value), which stays
the reference loop the tests compare against.  What it shares and avoids:

* the masks are drawn once and serve every test of the pair (they depend only on the
  shape, the method, the count and the seed), and the permuted matrices ``A*`` and
  ``B*`` -- their means, ranks and pair orders -- serve every judgment;
* **ranks without sorting**: each cell of ``A*`` holds either ``A``'s or ``B``'s value
  of that cell, so the candidates (``2k`` values per vector of ``k``) are sorted once;
  a permutation's average ranks are then a cumulative count of the chosen candidates in
  that order (ties: the count below the run of equal values plus half the chosen ones
  in it, as ``scipy.stats.rankdata``'s average);
* **Kendall's tau-b as a quadratic form in the mask**: with ``s`` the mask of a vector's
  cells, the term of the pair of cells ``(c, d)``, ``sign(a*_c - a*_d) sign(z_c - z_d)``,
  is one of four numbers fixed by ``(s_c, s_d)``, so ``C - D = const + s.u + s'Qs / 2``
  with integer ``u`` and a symmetric integer ``Q``; the same holds for the pairs tied
  in ``A*``.  ``B*``'s mask is ``1 - s``, so one matrix product ``S Q`` gives both, for
  every permutation at once (float32 products of small integers, exact).

Pearson's r is computed from the centred permuted vectors and the centred judgment;
its value can differ from :func:`sumbench.eval.stats.correlation.pearson`'s in the last
bits only.  Spearman and Kendall equal the loop's bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .correlation import average_ranks, coefficient
from .correlation_levels import correlate
from .meta_resampling import TIE, PermutationOutcome, permutation_masks, standardise

_CHUNK_CELLS = 1 << 20  # permuted cells per chunk
_MAX_LEVELS = 64  # pooled Kendall by judgment levels up to this many distinct values
Key = tuple[int, str, str]  # (judgment index, level, coefficient)


class _Candidates:
    """Each vector's 2k candidate values (its ``first`` values, then its ``second``) sorted
    once; ``g`` vectors of ``k`` cells, laid out flat (vector-major) in every array."""

    def __init__(self, first: np.ndarray, second: np.ndarray) -> None:
        g, k = first.shape
        values = np.concatenate([first, second], axis=-1)  # (g, 2k)
        order = np.argsort(values, axis=-1, kind="stable")
        ranked = np.take_along_axis(values, order, axis=-1)
        new = np.ones(ranked.shape, dtype=bool)
        new[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
        size = 2 * k
        start = np.empty((g, size), dtype=np.int64)  # per sorted position: its run's bounds
        stop = np.empty((g, size), dtype=np.int64)
        for row in range(g):  # g is 1 (global level) or the number of inputs (summary)
            firsts = np.flatnonzero(new[row])
            run = np.cumsum(new[row]) - 1
            start[row] = firsts[run]
            stop[row] = np.append(firsts[1:], size)[run]
        where = np.empty_like(order)  # per candidate: its sorted position
        np.put_along_axis(where, order, np.broadcast_to(np.arange(size), order.shape).copy(), -1)
        base = (np.arange(g) * k)[:, None]
        # sorted position -> the cell (flat) and whether the candidate is the second value
        self.cell = (order % k + base).ravel()
        self.second = (order >= k).ravel()
        wide = (np.arange(g) * (size + 1))[:, None]  # offsets into the (g, 2k + 1) counts
        self.start = {side: (np.take_along_axis(start, where[:, cols], -1) + wide).ravel()
                      for side, cols in ((False, slice(0, k)), (True, slice(k, size)))}
        self.stop = {side: (np.take_along_axis(stop, where[:, cols], -1) + wide).ravel()
                     for side, cols in ((False, slice(0, k)), (True, slice(k, size)))}
        self.position = np.tile(np.arange(size + 1), g)  # within-vector position of a count
        self.g, self.k = g, k

    def chosen(self, swap: np.ndarray) -> np.ndarray:
        """``swap`` (b, g*k) -> which candidate A* holds, in sorted order (b, g*2k)."""
        return np.take(swap, self.cell, axis=1) == self.second

    def below(self, chosen: np.ndarray) -> np.ndarray:
        """How many chosen candidates precede each sorted position: (b, g*(2k+1))."""
        b = chosen.shape[0]
        out = np.zeros((b, self.g, 2 * self.k + 1), dtype=np.int32)
        np.cumsum(chosen.reshape(b, self.g, 2 * self.k), axis=-1, out=out[..., 1:])
        return out.reshape(b, -1)

    def bounds(self, swap: np.ndarray, below: np.ndarray, of_a: bool
               ) -> tuple[np.ndarray, np.ndarray]:
        """For each cell, the chosen candidates of A* (``of_a``) or B* before the run of
        equal values its own value is in, and up to that run's end: (b, g*k) each."""
        lo = {side: np.take(below, self.start[side], axis=1) for side in (False, True)}
        hi = {side: np.take(below, self.stop[side], axis=1) for side in (False, True)}
        if not of_a:  # B* holds the other candidates: counts are positions minus A*'s
            lo = {side: self.position[self.start[side]] - v for side, v in lo.items()}
            hi = {side: self.position[self.stop[side]] - v for side, v in hi.items()}
            swap = ~swap
        return np.where(swap, lo[True], lo[False]), np.where(swap, hi[True], hi[False])

    def ranks(self, swap: np.ndarray, below: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Average ranks (1-based) within each vector of A* and of B*, and the pairs tied
        within each vector of A* and of B*: (b, g*k), (b, g*k), (b, g), (b, g)."""
        out = []
        for of_a in (True, False):
            lo, hi = self.bounds(swap, below, of_a)
            out.append(lo + (hi - lo + 1) / 2.0)
            out.append((hi - lo - 1).reshape(lo.shape[0], self.g, self.k).sum(axis=-1) / 2.0)
        return out[0], out[2], out[1], out[3]

    def concordance_by_levels(self, swap: np.ndarray, chosen: np.ndarray, levels: np.ndarray
                              ) -> tuple[np.ndarray, np.ndarray]:
        """Concordant minus discordant pairs of A* and of B* with a judgment whose cells
        have the dense levels ``levels`` (k,), one vector (g = 1): for each cell, the
        chosen values at lower levels below it minus those above it, counted level by
        level with one cumulative count each -- O(levels x k) per permutation."""
        b = swap.shape[0]
        level_sorted = levels[self.cell]
        cx, cy = np.zeros(b), np.zeros(b)
        counts = np.zeros((b, 2 * self.k + 1), dtype=np.int32)
        for level in range(1, int(levels.max()) + 1):
            lower = level_sorted < level
            np.cumsum(chosen & lower, axis=1, out=counts[:, 1:])
            fixed = np.concatenate([[0], np.cumsum(lower)])
            cells = np.flatnonzero(levels == level)
            n_lower = np.count_nonzero(levels < level)
            sw = swap[:, cells]
            total_x = total_y = 0
            for bound in (self.start, self.stop):
                at_a, at_b = bound[False][cells], bound[True][cells]
                ca, cb = np.take(counts, at_a, axis=1), np.take(counts, at_b, axis=1)
                total_x = total_x + np.where(sw, cb, ca).sum(axis=1)
                total_y = total_y + np.where(sw, fixed[at_a] - ca, fixed[at_b] - cb).sum(axis=1)
            cx += total_x - n_lower * cells.size
            cy += total_y - n_lower * cells.size
        return cx, cy


def _pair_terms(first: np.ndarray, second: np.ndarray, other: np.ndarray | None
                ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """For vectors of k cells (leading axes: groups), the quadratic form in the mask ``s``
    of ``sum over pairs c < d`` of ``sign(v_c - v_d) * sign(o_c - o_d)`` (``other`` given)
    or of ``[v_c == v_d]`` (``other`` None), ``v_c`` = ``first`` where ``s_c`` = 0 and
    ``second`` where 1: returns ``const``, ``u``, ``Q`` (and ``Q``'s row sums) such that
    the sum is ``const + s.u + s'Qs / 2``."""
    a, b = first[..., :, None], second[..., :, None]
    a_t, b_t = first[..., None, :], second[..., None, :]
    if other is None:
        off = ~np.eye(first.shape[-1], dtype=bool)
        k00, k10, k11 = ((p == q) & off for p, q in ((a, a_t), (b, a_t), (b, b_t)))
    else:
        sz = np.sign(other[..., :, None] - other[..., None, :])
        k00, k10, k11 = (np.sign(p - q) * sz for p, q in ((a, a_t), (b, a_t), (b, b_t)))
    k00, k10, k11 = (k.astype(np.float64) for k in (k00, k10, k11))
    k01 = np.swapaxes(k10, -1, -2)
    const = k00.sum(axis=(-1, -2)) / 2.0
    u = (k10 - k00).sum(axis=-1)
    q = k11 - k10 - k01 + k00
    return const, u, q, q.sum(axis=-1)


@dataclass(frozen=True)
class _KendallForm:
    const: np.ndarray  # (g,)
    u: np.ndarray  # (g, k)
    q: np.ndarray  # (g, k, k) float32
    q_rows: np.ndarray  # (g, k)


def _form(first: np.ndarray, second: np.ndarray, other: np.ndarray | None) -> _KendallForm | None:
    const, u, q, rows = _pair_terms(first, second, other)
    if other is None and not q.any() and not u.any() and not np.any(const):
        return None  # no two cells can tie: no tied pairs in any permutation
    return _KendallForm(np.asarray(const), u, q.astype(np.float32), rows)


def _evaluate_form(form: _KendallForm | None, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The form's value for mask ``s`` and for ``1 - s``: ``s`` (b, g, k) -> two (b, g)."""
    if form is None:
        zero = np.zeros(s.shape[:-1])
        return zero, zero
    sf = np.swapaxes(s, 0, 1).astype(np.float32)  # (g, b, k)
    sq = np.matmul(sf, form.q)  # exact: small integers
    quad = np.einsum("gbk,gbk->bg", sq, sf, dtype=np.float64)
    s64 = s.astype(np.float64)
    lin = np.einsum("bgk,gk->bg", s64, form.u)
    s_rows = np.einsum("bgk,gk->bg", s64, form.q_rows)
    total_q = form.q_rows.sum(axis=-1)
    total_u = form.u.sum(axis=-1)
    here = form.const + lin + quad / 2.0
    # (1-s)'Q(1-s) = 1'Q1 - 2 s'Q1 + s'Qs
    there = form.const + (total_u - lin) + (total_q - 2.0 * s_rows + quad) / 2.0
    return here, there


def _tau(con_minus_dis: np.ndarray, xtie: np.ndarray, ytie: np.ndarray, tot: float) -> np.ndarray:
    """tau-b as :func:`sumbench.eval.stats.correlation.kendall` computes it."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = con_minus_dis / np.sqrt(tot - xtie) / np.sqrt(tot - ytie)
    return np.where((xtie == tot) | (ytie == tot), np.nan, np.clip(tau, -1.0, 1.0))


def _pearson_fixed(x: np.ndarray, zc: np.ndarray, z_constant: np.ndarray) -> np.ndarray:
    """Pearson's r along the last axis of ``x`` with a fixed centred ``zc`` (broadcast)."""
    xm = x - x.mean(axis=-1, keepdims=True)
    sxx = np.einsum("...i,...i->...", xm, xm)
    sxy = np.einsum("...i,...i->...", xm, zc)
    syy = np.einsum("...i,...i->...", zc, zc)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0)
    return np.where((np.ptp(x, axis=-1) == 0) | z_constant, np.nan, r)


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
                self.sum_cands = _Candidates(X.T, Y.T)
                ranks = [average_ranks(c) for c in cols]
                self.sum_rc = [r - r.mean(axis=-1, keepdims=True) for r in ranks]
            if "kendall" in want:
                self.sum_forms = [_form(X.T, Y.T, c) for c in cols]
                self.sum_xtie = _form(X.T, Y.T, None)
                self.sum_ytie = [self._tied(c) for c in cols]
        if "global" in self.levels:
            flat = [z.reshape(1, -1) for z in self.Z]
            self.glob_zc = [f - f.mean() for f in flat]
            self.glob_zconst = [np.ptp(f) == 0 for f in flat]
            x1, y1 = X.reshape(1, -1), Y.reshape(1, -1)
            if "spearman" in want:
                self.glob_cands = _Candidates(x1, y1)
                ranks = [average_ranks(f) for f in flat]
                self.glob_rc = [r - r.mean() for r in ranks]
            if "kendall" in want:
                self.glob_ytie = [self._tied(f) for f in flat]
                dense = [np.unique(f, return_inverse=True) for f in flat]
                self.glob_levels = None
                if max(len(values) for values, _ in dense) <= _MAX_LEVELS:
                    self.glob_levels = [inverse.ravel() for _, inverse in dense]
                    self.glob_cands = _Candidates(x1, y1)
                else:
                    self.glob_forms = [_form(x1, y1, f) for f in flat]
                    self.glob_xtie = _form(x1, y1, None)
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
        return [(_summary_mean(_pearson_fixed(xc, zc, zk)), _summary_mean(_pearson_fixed(yc, zc, zk)))
                for zc, zk in zip(self.sum_zc, self.sum_zconst)]

    def _summary_spearman(self, swap, x_p, y_p):
        b, m, n = swap.shape
        s = np.ascontiguousarray(np.swapaxes(swap, -1, -2)).reshape(b, n * m)
        s_cands = self.sum_cands
        rx, ry, _, _ = s_cands.ranks(s, s_cands.below(s_cands.chosen(s)))
        rx, ry = rx.reshape(b, n, m), ry.reshape(b, n, m)
        return [(_summary_mean(_pearson_fixed(rx, rc, zk)), _summary_mean(_pearson_fixed(ry, rc, zk)))
                for rc, zk in zip(self.sum_rc, self.sum_zconst)]

    def _summary_kendall(self, swap, x_p, y_p):
        s = np.swapaxes(swap, -1, -2)  # (b, n, m): per input, its systems
        tie_x, tie_y = _evaluate_form(self.sum_xtie, s)
        out = []
        for form, ytie in zip(self.sum_forms, self.sum_ytie):
            cx, cy = _evaluate_form(form, s)
            out.append((_summary_mean(_tau(cx, tie_x, ytie, self.tot["summary"])),
                        _summary_mean(_tau(cy, tie_y, ytie, self.tot["summary"]))))
        return out

    def _global_pearson(self, swap, x_p, y_p):
        b = x_p.shape[0]
        xf, yf = x_p.reshape(b, -1), y_p.reshape(b, -1)
        return [(_pearson_fixed(xf, zc[0], zk), _pearson_fixed(yf, zc[0], zk))
                for zc, zk in zip(self.glob_zc, self.glob_zconst)]

    def _global_spearman(self, swap, x_p, y_p):
        rx, ry, _, _ = self._global_ranks(swap)
        return [(_pearson_fixed(rx, rc[0], zk), _pearson_fixed(ry, rc[0], zk))
                for rc, zk in zip(self.glob_rc, self.glob_zconst)]

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
        s = swap.reshape(swap.shape[0], 1, -1)
        tie_x, tie_y = _evaluate_form(self.glob_xtie, s)
        out = []
        for form, ytie in zip(self.glob_forms, self.glob_ytie):
            cx, cy = _evaluate_form(form, s)
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

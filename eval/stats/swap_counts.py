"""Counts over permuted vectors whose cells each hold one of two candidate values --
metric A's or metric B's score of that summary, as in the permutation test between two
metrics (:mod:`sumbench.eval.stats.meta_permutation`) -- without sorting each
permutation:

* **ranks**: the ``2k`` candidates of a vector of ``k`` cells are sorted once
  (:class:`Candidates`); a permutation's average ranks are then a cumulative count of
  the chosen candidates in that order (ties: the count below the run of equal values
  plus half the chosen ones in it, as ``scipy.stats.rankdata``'s average), and the other
  metric's permuted vector holds exactly the candidates not chosen;
* **Kendall's concordance with a judgment of few levels**: for each cell, the chosen
  values at lower judgment levels below it minus those above it, one cumulative count
  per level (:meth:`Candidates.concordance_by_levels`);
* **Kendall's concordance as a quadratic form in the mask** (any judgment): with ``s``
  the mask of a vector's cells, the term of the pair of cells ``(c, d)``,
  ``sign(a*_c - a*_d) sign(z_c - z_d)``, is one of four numbers fixed by ``(s_c, s_d)``,
  so the sum over pairs is ``const + s.u + s'Qs / 2`` with integer ``u`` and a symmetric
  integer ``Q`` (:func:`kendall_form`); the same holds for the pairs tied in ``A*``.  The
  other metric's mask is ``1 - s``, so one matrix product ``S Q`` gives both, for every
  permutation at once (float32 products of small integers: exact).

The counts follow Kendall (1945, "The treatment of ties in ranking problems") as
:mod:`sumbench.eval.stats.correlation` does; the tests compare every count with a loop
over the permutations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class Candidates:
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

    def ranks(self, swap: np.ndarray, below: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Average ranks (1-based) within each vector of A* and of B*, and the pairs tied
        within each vector of A* and of B*: (b, g*k), (b, g*k), (b, g), (b, g).  For each
        cell: the chosen candidates before the run of equal values its value is in
        (``lo``) and up to that run's end (``hi``); B* holds the candidates A* does not,
        so its counts are positions minus A*'s."""
        lo = {side: np.take(below, self.start[side], axis=1) for side in (False, True)}
        hi = {side: np.take(below, self.stop[side], axis=1) for side in (False, True)}
        lo_a, hi_a = np.where(swap, lo[True], lo[False]), np.where(swap, hi[True], hi[False])
        lo_b = np.where(swap, self.position[self.start[False]] - lo[False],
                        self.position[self.start[True]] - lo[True])
        hi_b = np.where(swap, self.position[self.stop[False]] - hi[False],
                        self.position[self.stop[True]] - hi[True])
        shape = (swap.shape[0], self.g, self.k)
        return (lo_a + (hi_a - lo_a + 1) / 2.0, lo_b + (hi_b - lo_b + 1) / 2.0,
                (hi_a - lo_a - 1).reshape(shape).sum(axis=-1) / 2.0,
                (hi_b - lo_b - 1).reshape(shape).sum(axis=-1) / 2.0)

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
class KendallForm:
    """``const + s.u + s'Qs / 2`` for each of ``g`` vectors (see :func:`kendall_form`)."""

    const: np.ndarray  # (g,)
    u: np.ndarray  # (g, k)
    q: np.ndarray  # (g, k, k) float32
    q_rows: np.ndarray  # (g, k)


def kendall_form(first: np.ndarray, second: np.ndarray,
                 other: np.ndarray | None) -> KendallForm | None:
    """The quadratic form of the concordance with ``other`` (or, ``other`` None, of the
    tied pairs) of the vectors holding ``first`` where the mask is 0 and ``second`` where
    it is 1 (shape (g, k) each); None when no pair can ever tie."""
    const, u, q, rows = _pair_terms(first, second, other)
    if other is None and not q.any() and not u.any() and not np.any(const):
        return None  # no two cells can tie: no tied pairs in any permutation
    return KendallForm(np.asarray(const), u, q.astype(np.float32), rows)


def evaluate_form(form: KendallForm | None, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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

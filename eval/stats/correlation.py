"""Correlation coefficients, batched: Pearson's r, Spearman's rho and Kendall's tau-b.

Each coefficient takes two arrays of the same shape and correlates them along the last
axis, so one call correlates thousands of resampled vectors at once
(:mod:`sumbench.eval.stats.meta_resampling`).  The definitions are those of
``scipy.stats`` -- ``pearsonr``, ``spearmanr`` (Pearson's r of average ranks) and
``kendalltau`` with its default ``variant="b"`` (tau-b: ties counted in the denominator,
Kendall 1945, "The treatment of ties in ranking problems") -- and the tests check them
against scipy on the same vectors.  scipy is not needed here: numpy only.

A correlation is undefined (``NaN``) when either vector is constant or has fewer than two
values, as in scipy; callers decide what to do with it and say so (the meta-evaluation
excludes such inputs and reports them, never shows a bare NaN).

Kendall's tau-b counts discordant pairs by sorting, as scipy does (Knight 1966, "A
computer method for calculating Kendall's tau with ungrouped data"): sort by ``(x, y)``,
then count the inversions of ``y`` with a bottom-up merge, one level at a time for every
vector of the batch together, in O(k log^2 k) per vector of length k; short vectors
(``k <= 64``) compare all pairs directly instead.

:func:`p_values` gives the two-sided p-values ``scipy.stats`` reports for the same
coefficients (it needs scipy, imported on use); only REALSumm's summary-level filter
(:mod:`sumbench.eval.stats.correlation_levels`) uses them.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Coefficient = Callable[[np.ndarray, np.ndarray], np.ndarray]

_PAIRWISE_MAX = 64  # vectors up to this length: Kendall by comparing all pairs
_BLOCK = 16  # the merge count of inversions starts from blocks of this many, compared pairwise


def _pair(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    if a.ndim == 0:
        raise ValueError("correlate vectors, not scalars")
    return a, b


def _constant(v: np.ndarray) -> np.ndarray:
    """True where a vector (last axis) has fewer than two values or no spread."""
    if v.shape[-1] < 2:
        return np.ones(v.shape[:-1], dtype=bool)
    return np.ptp(v, axis=-1) == 0


def _runs(sorted_v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of equal values in each vector of ``sorted_v`` (sorted along the last axis),
    all vectors flattened together: each run's vector (row) number, its first index
    within the vector and its length."""
    k = sorted_v.shape[-1]
    flat = sorted_v.reshape(-1, k)
    new = np.ones(flat.shape, dtype=bool)
    new[:, 1:] = flat[:, 1:] != flat[:, :-1]
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, flat.size))
    return starts // k, starts % k, lengths


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..k along the last axis, ties sharing their average rank
    (``scipy.stats.rankdata(x, method="average", axis=-1)``)."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, axis=-1, kind="stable")
    _, first, length = _runs(np.take_along_axis(x, order, axis=-1))
    ranks = np.empty_like(x)
    np.put_along_axis(ranks, order, np.repeat(first + (length + 1) / 2.0, length).reshape(x.shape),
                      axis=-1)
    return ranks


def pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson's r along the last axis (``scipy.stats.pearsonr``); NaN when undefined."""
    x, y = _pair(x, y)
    undefined = _constant(x) | _constant(y)
    xm = x - x.mean(axis=-1, keepdims=True)
    ym = y - y.mean(axis=-1, keepdims=True)
    sxy = np.einsum("...i,...i->...", xm, ym)
    sxx = np.einsum("...i,...i->...", xm, xm)
    syy = np.einsum("...i,...i->...", ym, ym)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0)  # exactly +-1 for y = +-x
    return np.where(undefined, np.nan, r)


def spearman(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho along the last axis: Pearson's r of the average ranks
    (``scipy.stats.spearmanr``); NaN when undefined."""
    x, y = _pair(x, y)
    return pearson(average_ranks(x), average_ranks(y))


def _tied_pairs(sorted_v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Over the runs of equal values (length t) of each vector: sum t(t-1)/2 (tied pairs),
    sum t(t-1)(t-2) and sum t(t-1)(2t+5) (the tie terms of tau-b's variance)."""
    lead = sorted_v.shape[:-1]
    rows = int(np.prod(lead, dtype=np.int64))
    row, _, t = _runs(sorted_v)
    t = t.astype(np.float64)
    sums = [np.bincount(row, weights=w, minlength=rows).reshape(lead)
            for w in (t * (t - 1) / 2, t * (t - 1) * (t - 2), t * (t - 1) * (2 * t + 5))]
    return sums[0], sums[1], sums[2]


def _inversions(r: np.ndarray) -> np.ndarray:
    """Pairs ``a < b`` with ``r[a] > r[b]`` in each row of a 2-D integer array with
    values in ``[0, k)``.  Within blocks of :data:`_BLOCK` every pair is compared; then a
    bottom-up merge, every row and block at once: at each level the two halves of each
    block are sorted, and a right element ``v`` is out of order with the left elements
    greater than it, counted by one ``searchsorted`` over all blocks (each block's values
    offset so that the concatenation of the left halves stays sorted)."""
    rows, k = r.shape
    size = max(_BLOCK, 1 << max(0, (k - 1).bit_length()))
    a = np.full((rows, size), k, dtype=np.int64)
    a[:, :k] = r  # the padding (k) sorts last and inverts nothing
    blocks = a.reshape(-1, _BLOCK)
    total = np.zeros(rows, dtype=np.int64)
    for d in range(1, _BLOCK):  # the pairs (i, i + d) of each block
        total += np.count_nonzero(blocks[:, :-d] > blocks[:, d:], axis=1).reshape(rows, -1).sum(axis=1)
    a = np.sort(blocks, axis=-1, kind="stable").reshape(rows, size)
    width = _BLOCK
    while width < size:
        count = rows * (size // (2 * width))
        halves = a.reshape(count, 2, width)
        offset = (np.arange(count, dtype=np.int64) * (k + 1))[:, None]
        at_most = np.searchsorted((halves[:, 0, :] + offset).ravel(),
                                  (halves[:, 1, :] + offset).ravel(), side="right")
        at_most = at_most.reshape(count, width) - (np.arange(count, dtype=np.int64) * width)[:, None]
        total += (width - at_most).reshape(rows, -1).sum(axis=1)
        a = np.sort(a.reshape(count, 2 * width), axis=-1, kind="stable").reshape(rows, size)
        width *= 2
    return total


def _dense_ranks(v: np.ndarray) -> np.ndarray:
    """0-based dense ranks along the last axis of a 2-D array (equal values share one)."""
    order = np.argsort(v, axis=-1, kind="stable")
    s = np.take_along_axis(v, order, axis=-1)
    new = np.zeros(v.shape, dtype=np.int64)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    ranks = np.empty(v.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, np.cumsum(new, axis=-1), axis=-1)
    return ranks


def kendall_terms(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """The counts behind tau-b along the last axis: ``con_minus_dis``, ``dis``, ``tot``
    (pairs), ``xtie``/``ytie`` (pairs tied in x / in y) and the variance terms ``x0``,
    ``x1``, ``y0``, ``y1`` of scipy's asymptotic p-value."""
    x, y = _pair(x, y)
    k = x.shape[-1]
    lead = x.shape[:-1]
    xtie, x0, x1 = _tied_pairs(np.sort(x, axis=-1))
    ytie, y0, y1 = _tied_pairs(np.sort(y, axis=-1))
    tot = k * (k - 1) / 2.0
    flat_x, flat_y = x.reshape(-1, k), y.reshape(-1, k)
    if k <= _PAIRWISE_MAX:
        i, j = np.triu_indices(k, 1)
        con_minus_dis = np.empty(flat_x.shape[0])
        dis = np.empty(flat_x.shape[0])
        step = max(1, (1 << 20) // max(1, len(i)))
        for lo in range(0, flat_x.shape[0], step):
            xs, ys = flat_x[lo:lo + step], flat_y[lo:lo + step]
            product = np.sign(xs[:, i] - xs[:, j]) * np.sign(ys[:, i] - ys[:, j])
            con_minus_dis[lo:lo + step] = product.sum(axis=1)
            dis[lo:lo + step] = np.count_nonzero(product < 0, axis=1)
        con_minus_dis, dis = con_minus_dis.reshape(lead), dis.reshape(lead)
    else:
        rx, ry = _dense_ranks(flat_x), _dense_ranks(flat_y)
        order = np.argsort(rx * (k + 1) + ry, axis=-1, kind="stable")  # by x, then y
        sx = np.take_along_axis(rx, order, axis=-1)
        sy = np.take_along_axis(ry, order, axis=-1)
        dis = _inversions(sy).astype(np.float64).reshape(lead)
        ntie, _, _ = _tied_pairs(sx * (k + 1) + sy)  # joint ties are adjacent now
        con_minus_dis = tot - xtie - ytie + ntie.reshape(lead) - 2 * dis
    return {"con_minus_dis": con_minus_dis, "dis": dis, "tot": np.full(lead, tot),
            "xtie": xtie, "ytie": ytie, "x0": x0, "x1": x1, "y0": y0, "y1": y1}


def kendall(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Kendall's tau-b along the last axis (``scipy.stats.kendalltau``, variant b);
    NaN when undefined."""
    terms = kendall_terms(x, y)
    tot = terms["tot"]
    with np.errstate(invalid="ignore", divide="ignore"):
        tau = terms["con_minus_dis"] / np.sqrt(tot - terms["xtie"]) / np.sqrt(tot - terms["ytie"])
    undefined = (terms["xtie"] == tot) | (terms["ytie"] == tot)
    return np.where(undefined, np.nan, np.clip(tau, -1.0, 1.0))


# name -> function; "kendall" is tau-b
COEFFICIENTS: dict[str, Coefficient] = {"pearson": pearson, "spearman": spearman,
                                        "kendall": kendall}
# how each is named where numbers are printed
COEFFICIENT_LABELS = {"pearson": "Pearson r", "spearman": "Spearman rho",
                      "kendall": "Kendall tau-b"}


def coefficient(name: str) -> Coefficient:
    try:
        return COEFFICIENTS[name]
    except KeyError:
        raise ValueError(f"unknown correlation {name!r}; known: {', '.join(COEFFICIENTS)}") from None


# ------------------------------------------------------------------------- p-values


def _t_test_p(statistic: np.ndarray, df: float | np.ndarray) -> np.ndarray:
    """Two-sided p of Student's t with ``df`` degrees of freedom."""
    from scipy import special

    with np.errstate(invalid="ignore", divide="ignore"):
        return special.betainc(df / 2.0, 0.5, df / (df + statistic ** 2))


def p_values(name: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two-sided p-values of the null "no correlation", as ``scipy.stats`` computes them
    for the same vectors (last axis): Pearson's from the exact beta (= Student t)
    distribution of r; Spearman's from the t approximation; Kendall's from the exact
    distribution when neither vector has ties and k <= 33 (scipy's ``method="auto"``;
    those few vectors are handed to scipy itself), else the normal approximation with
    scipy's tie-corrected variance.  NaN where the correlation is undefined.  Needs scipy."""
    x, y = _pair(x, y)
    k = x.shape[-1]
    if name == "pearson":
        r = pearson(x, y)
        if k <= 2:
            return np.where(np.isnan(r), np.nan, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = r * np.sqrt((k - 2) / (1 - r ** 2))
        return np.where(np.abs(r) == 1, 0.0, _t_test_p(t, k - 2.0))
    if name == "spearman":
        rho = spearman(x, y)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = rho * np.sqrt((k - 2) / ((rho + 1.0) * (1.0 - rho)))
        return np.where(np.isnan(rho), np.nan, _t_test_p(t, k - 2.0))
    if name != "kendall":
        raise ValueError(f"unknown correlation {name!r}")
    from scipy import special, stats

    terms = kendall_terms(x, y)
    m = k * (k - 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = ((m * (2 * k + 5) - terms["x1"] - terms["y1"]) / 18
               + (2 * terms["xtie"] * terms["ytie"]) / m
               + terms["x0"] * terms["y0"] / (9 * m * (k - 2)))
        p = special.erfc(np.abs(terms["con_minus_dis"] / np.sqrt(var)) / np.sqrt(2))
    dis = terms["dis"]
    exact = (terms["xtie"] == 0) & (terms["ytie"] == 0) & \
        ((k <= 33) | (np.minimum(dis, terms["tot"] - dis) <= 1))
    p = np.array(p, dtype=np.float64).reshape(-1)
    flat_x, flat_y = x.reshape(-1, k), y.reshape(-1, k)
    for i in np.flatnonzero(exact):
        p[i] = stats.kendalltau(flat_x[i], flat_y[i]).pvalue
    tot = terms["tot"]
    return np.where((terms["xtie"] == tot) | (terms["ytie"] == tot), np.nan, p.reshape(tot.shape))

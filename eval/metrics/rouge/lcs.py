"""Longest common subsequence for ROUGE-L and ROUGE-Lsum, bit-identical to rouge-score.

Both functions use the bit-parallel LCS recurrence of Allison & Dix ("A bit-string
longest-common-subsequence algorithm", IPL 1986) in the form of Hyyrö ("Bit-parallel
LCS-length computation revisited", AWOCA 2004): one Python int holds a whole column of
the DP table and each token of the other sequence costs four integer operations.

* :func:`lcs_length` -- the LCS length (ROUGE-L).
* :func:`lcs_bits` -- the indices into ``ref`` of *the* LCS that rouge-score 0.1.2's
  ``_backtrack_norec(_lcs_table(ref, can), ref, can)`` reads out, as a bit set.
  ROUGE-Lsum takes the union of these index sets, so it depends on which of several
  LCSs is picked; this picks the same one without building the table.

Why :func:`lcs_bits` reproduces the backtrack.  Write ``t[i][j]`` for the LCS length of
``ref[:i]`` and ``can[:j]``.  From ``(i, j)`` rouge-score takes the diagonal on a match,
else moves left iff ``t[i][j-1] > t[i-1][j]``, else up.  Without a match
``t[i][j] = max(t[i-1][j], t[i][j-1])`` and both neighbours are ``>= t[i][j] - 1``, so it
moves left exactly when ``t[i-1][j] < t[i][j]``, i.e. when row ``i`` is an *increase* row
of column ``j``.  So in column ``j`` the walk climbs rows ``i, i-1, ...`` and stops at the
first row that is a match (take it, continue at row ``p-1`` of column ``j-1``) or an
increase row ``r`` (continue at row ``r`` of column ``j-1``): one "highest set bit at or
below row ``i``" query on ``increases | matches`` per column.  The increase rows of a
column are the zero bits of Hyyrö's column vector.  A column whose token does not occur
in ``ref`` does not change the vector, and the walk there only moves to the highest
increase row, so only matching columns are stored and visited.  The tests check this
against rouge-score's table on many random and real pairs.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from itertools import compress


def position_masks(tokens: Sequence[Hashable]) -> dict[Hashable, int]:
    """token -> int whose bit ``i`` is set iff ``tokens[i] == token``."""
    masks: dict[Hashable, int] = {}
    get = masks.get
    bit = 1
    for token in tokens:
        masks[token] = get(token, 0) | bit
        bit <<= 1
    return masks


def lcs_length(masks: dict[Hashable, int], length: int, other: Sequence[Hashable]) -> int:
    """LCS length of a sequence of ``length`` tokens (given as :func:`position_masks`)
    and ``other``."""
    return lcs_length_from_columns(filter(None, map(masks.get, other)), length)


def lcs_length_from_columns(column_masks: Iterable[int], length: int) -> int:
    """:func:`lcs_length` given, in order, the non-zero masks of the columns of ``other``
    (columns whose token does not occur leave the DP column unchanged)."""
    full = (1 << length) - 1
    v = full  # bit i clear <=> row i+1 is an increase row of the current column
    for m in column_masks:
        u = v & m
        v = (v + u) | (v - u)
    return length - (v & full).bit_count()


def lcs_bits(masks: dict[Hashable, int], length: int, can: Sequence[Hashable]) -> int:
    """Bit set of the indices into ``ref`` of rouge-score's LCS of ``ref`` and ``can``.

    ``masks`` is :func:`position_masks` of ``ref`` and ``length`` is ``len(ref)``.  Bit ``i``
    is set iff ``i`` is in ``rouge_scorer.lcs_ind(ref, can)``.
    """
    found = list(map(masks.get, can))
    columns = list(zip(compress(range(len(can)), found), filter(None, found)))
    return lcs_bits_from_columns(columns, length, len(can))


def lcs_bits_from_columns(columns: Sequence[tuple[int, int]], length: int, n_columns: int) -> int:
    """:func:`lcs_bits` given the matching columns of ``can`` only.

    ``columns`` lists, in increasing ``j``, every ``(j, mask)`` with ``mask`` (bit ``i`` set
    iff ``ref[i] == can[j]``) non-zero; ``n_columns`` is ``len(can)``.
    """
    if not columns:
        return 0
    full = (1 << length) - 1
    v = full
    inverted = []  # per matching column: ~v, whose set bits (below `length`) are increase rows
    rows = 0
    for _, m in columns:
        u = v & m
        v = (v + u) | (v - u)
        inverted.append(~v)
        rows |= m
    if length - (v & full).bit_count() == rows.bit_count():
        # the LCS picks one row per match, all among `rows`: here that is all of them
        return rows
    below = full  # rows <= i, as a mask of their bits
    picked = 0
    next_column = n_columns
    for (j, m), nv in zip(reversed(columns), reversed(inverted)):
        if j != next_column - 1:
            # columns j+1 .. next_column-1 do not match: there the walk climbed to the
            # highest increase row (their vector is this column's one)
            below = (1 << (nv & below).bit_length()) - 1
        next_column = j
        x = (nv | m) & below
        if not x:  # no increase row left: the LCS is complete
            break
        bit = 1 << (x.bit_length() - 1)
        if m & bit:
            picked |= bit
            below = bit - 1
        else:
            below = (bit << 1) - 1
    return picked

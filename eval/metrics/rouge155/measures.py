"""ROUGE-1.5.5's co-occurrence statistics for one (peer, model) pair of tokenised texts.

Definitions follow Lin (2004), "ROUGE: A Package for Automatic Evaluation of Summaries",
with the details ``ROUGE-1.5.5.pl`` fixes (established against the script by
``tests/test_rouge155_*.py``):

* ROUGE-N: clipped n-gram matches over the joined token view, so n-grams run across
  sentence boundaries.
* ROUGE-S / SU (``-2 d``, ``-u``): ordered token pairs at most ``d + 1`` positions apart
  (any distance when ``d < 0``), across sentences; SU adds every token *but the last*
  as a unigram, which is what the script counts.
* ROUGE-L (summary level): for each model sentence, the union over peer sentences of the
  model positions on one LCS, read back from the DP table preferring, on a tie, to step
  past the model token; a union token then counts only while both texts still have an
  unused token of that type (the "clip" of the script's 1.4.1 release note; the counts
  come from the joined views). The model count is the number of model sentence tokens.
* ROUGE-W (``-w w``, f(k) = k**w): the same union built from weighted-LCS paths
  (section 4 of the paper), scored as f(run length) summed over runs of union positions
  (see :func:`wlcs_union_stats`); the model count is f(sum of f(sentence length)) and
  the peer count f(peer length).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

Sentences = Sequence[Sequence[str]]


def ngram_counts(tokens: Sequence[str], n: int) -> Counter:
    if n == 1:
        return Counter(tokens)
    return Counter(zip(*(tokens[i:] for i in range(n))))


def clipped_hits(peer: Counter, model: Counter) -> int:
    if len(peer) > len(model):
        peer, model = model, peer
    return sum(min(c, model[g]) for g, c in peer.items() if g in model)


def skip_bigram_counts(tokens: Sequence[str], max_skip: int, unigrams: bool) -> Counter:
    """Pairs ``(t_i, t_j)``, ``0 < j - i <= max_skip + 1`` (unbounded if ``max_skip < 0``)."""
    counts: Counter = Counter()
    n = len(tokens)
    if n < 2:
        return counts
    if unigrams:
        counts.update(tokens[:-1])
    widest = n - 1 if max_skip < 0 else min(n - 1, max_skip + 1)
    for gap in range(1, widest + 1):
        counts.update(zip(tokens, tokens[gap:]))
    return counts


def _backtrack(model: Sequence[str], peer: Sequence[str], table: list) -> list[int]:
    """Model positions on the path back through a DP ``table`` (ties step up, as the script)."""
    out = []
    i, j = len(model), len(peer)
    while i > 0 and j > 0:
        if model[i - 1] == peer[j - 1]:
            out.append(i - 1)
            i -= 1
            j -= 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return out


def _lcs_positions(model: Sequence[str], peer: Sequence[str]) -> list[int]:
    """Model positions of the LCS the script reads back (ties drop the model token)."""
    n = len(peer)
    prev = [0] * (n + 1)
    rows = [prev]
    for tok in model:
        cur = [0] * (n + 1)
        left = 0
        for j in range(n):
            if peer[j] == tok:
                left = prev[j] + 1
            else:
                up = prev[j + 1]
                if up > left:  # noqa: PLR1730 (hot loop: faster than max())
                    left = up
            cur[j + 1] = left
        rows.append(cur)
        prev = cur
    return _backtrack(model, peer, rows)


def _wlcs_positions(model: Sequence[str], peer: Sequence[str], weight: float) -> list[int]:
    """Model positions of the weighted-LCS path (Lin 2004, section 4; ties step up)."""
    m, n = len(model), len(peer)
    # c + f(k + 1) - f(k), evaluated in that order as the script does (ties depend on it).
    grow = [(k + 1) ** weight for k in range(min(m, n) + 1)]
    have = [k ** weight for k in range(min(m, n) + 1)]
    c = [[0.0] * (n + 1)]
    run_prev = [0] * (n + 1)
    for i in range(m):
        tok = model[i]
        cp = c[i]
        ci = [0.0] * (n + 1)
        run = [0] * (n + 1)
        left = 0.0
        for j in range(n):
            if peer[j] == tok:
                k = run_prev[j]
                left = cp[j] + grow[k] - have[k]
                run[j + 1] = k + 1
            else:
                up = cp[j + 1]
                if up >= left:  # noqa: PLR1730 (hot loop; ties take "up", as the script)
                    left = up
            ci[j + 1] = left
        c.append(ci)
        run_prev = run
    return _backtrack(model, peer, c)


def _union_mask(model_sent: Sequence[str], peer: Sentences, weight: float | None) -> list[bool]:
    mask = [False] * len(model_sent)
    for peer_sent in peer:
        if peer_sent:
            found = (_lcs_positions(model_sent, peer_sent) if weight is None
                     else _wlcs_positions(model_sent, peer_sent, weight))
            for pos in found:
                mask[pos] = True
    return mask


def _take(tok: str, model_left: Counter, peer_left: Counter) -> bool:
    """The clip: a union token counts while both texts have an unused token of its type."""
    if model_left[tok] > 0 and peer_left[tok] > 0:
        model_left[tok] -= 1
        peer_left[tok] -= 1
        return True
    return False


def lcs_union_stats(peer: Sentences, model: Sentences, peer_tokens: Sequence[str],
                    model_tokens: Sequence[str]) -> tuple[int, int]:
    """Summary-level ROUGE-L: (clipped union-LCS hits, model sentence tokens).

    ``peer``/``model`` are the sentence views, ``*_tokens`` the joined views whose
    unigram counts clip the hits.
    """
    peer_left = Counter(peer_tokens)
    model_left = Counter(model_tokens)
    hit = 0
    base = 0
    for sent in model:
        base += len(sent)
        if not sent or peer_left.keys().isdisjoint(sent):
            continue
        mask = _union_mask(sent, peer, None)
        for pos, tok in enumerate(sent):
            if mask[pos] and _take(tok, model_left, peer_left):
                hit += 1
    return hit, base


def wlcs_union_stats(peer: Sentences, model: Sentences, peer_tokens: Sequence[str],
                     model_tokens: Sequence[str], weight: float) -> tuple[float, float]:
    """Summary-level ROUGE-W: (weighted hits, sum over model sentences of f(length)).

    A run of union positions is closed (and f(run) added) at a position whose next
    position is off the union, or at the sentence end; a union position removed by the
    clip neither counts nor closes the run -- the script's bookkeeping.
    """
    peer_left = Counter(peer_tokens)
    model_left = Counter(model_tokens)
    hit = 0.0
    base = 0.0
    for sent in model:
        base += len(sent) ** weight
        if not sent or peer_left.keys().isdisjoint(sent):
            continue
        mask = _union_mask(sent, peer, weight)
        run = 0
        last = len(sent) - 1
        for pos, tok in enumerate(sent):
            if mask[pos] and _take(tok, model_left, peer_left):
                run += 1
                if pos == last or not mask[pos + 1]:
                    hit += run ** weight
                    run = 0
    return hit, base

"""Ranking work for large indexes, in numpy: the same figures as the loops in `ranking`.

A question's telling features reach a few thousand phrases of a 10,000-entry catalogue; summing
their weights phrase by phrase in Python costs milliseconds. Here the posting lists are summed
with one `bincount`, which adds each posting's weight in the order the loop does (question
order, then phrase order), starting from 0.0 as the loop does: every sum, every promise and
every tie comes out bit for bit the same. The pool's phrases are then scored by the same sums
in the same order over arrays (`score`); each entry's bound is worked out in `large`. numpy is
imported only for an index of `stored.LARGE` phrases or more, so small catalogues (and the
start-up of `chat`) never load it.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from typing import Any

from bot.matching import numeric
from bot.matching.stored import Flat

# Marks told apart per pass of `_all_marked`: the bits of an integer a double holds exactly
# (below 2**53), one more kept for "never held".
BITS = 52

# per feature number: what it adds to a phrase, without the question's marks, and its marked
# words (see `ranking._gains`)
Gains = Mapping[int, tuple[float, float, tuple[int, ...]]]
# entry: coverage, phrase number, features found (None: not worked out yet), weight matched
Best = dict[int, tuple[float, int, list[int] | None, float]]


class Vectors:
    """numpy views (no copy) of a large index's postings and phrase and entry columns."""

    def __init__(
        self,
        postings: Flat,
        scale: Sequence[float],
        features: Flat,
        marked: Flat,
        weights: Sequence[float],
        kind_weights: Sequence[float],
        kinds: bytes,
        entries: Sequence[int],
        held: Flat,
    ) -> None:
        np = numeric.numpy()
        self.np = np
        self.values, self.ends = _flat(np, postings)
        self.scale = _floats(np, scale)
        self.features, self.feature_ends = _flat(np, features)
        self.marked, self.marked_ends = _flat(np, marked)
        self.weights = _floats(np, weights)
        self.kind_weight = np.array(kind_weights, dtype=np.float64)[
            np.frombuffer(kinds, dtype=np.uint8)
        ]
        self.entries = np.frombuffer(entries, dtype=np.uint32)
        self.held, self.held_ends = _flat(np, held)


def _flat(np: Any, runs: Flat) -> tuple[Any, Any]:
    return (
        np.frombuffer(runs.values, dtype=np.uint32),
        np.frombuffer(runs.ends, dtype=np.uint64).astype(np.int64),
    )


def _floats(np: Any, values: Sequence[float]) -> Any:
    """Return an array of doubles as numpy's (a view of an `array`, else a copy)."""
    if isinstance(values, array):
        return np.frombuffer(values, dtype=np.float64)
    return np.array(values, dtype=np.float64)


def _gather(np: Any, values: Any, ends: Any, runs: Any) -> tuple[Any, Any]:
    """Return runs `runs` of a flat array end to end, and the position in `runs` of each."""
    stops = ends[runs]
    starts = np.where(runs > 0, ends[runs - 1], 0)
    lengths = stops - starts
    total = int(lengths.sum())
    # Each value's index: its run's start, plus how far into its run it is.
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    return values[offsets], np.repeat(np.arange(len(runs)), lengths)


def collect(
    vectors: Vectors,
    long_names: bool,
    numbers: Sequence[int],
    weights: Sequence[float],
    pool: int,
) -> tuple[list[int], list[float]]:
    """Return the first `pool` phrases by promise, most promising first (ties in the order the
    postings of the features `numbers` reach them), and their promise.

    Each phrase's promise is the sum of `weights` of the features it holds (times its scale,
    unless the index holds `long_names`), summed in the order given.
    """
    np = vectors.np
    values, ends = vectors.values, vectors.ends
    # The postings end to end, each value with its feature's weight (a question has a few
    # dozen features: slices, not an index array per value).
    runs = [values[ends[number - 1] if number else 0 : ends[number]] for number in numbers]
    found = np.concatenate(runs)
    weight = np.repeat(np.array(weights, dtype=np.float64), list(map(len, runs)))
    # Each phrase's postings side by side, in the order the features reach it (a stable sort):
    # the phrases reached, ascending, and where each is first reached (the loop's order).
    order = np.argsort(found, kind="stable")
    ordered = found[order]
    starts = np.empty(len(ordered), dtype=bool)
    starts[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    reached, first = ordered[starts], order[starts]
    # One pass in input order: phrase p's sum is ((0.0 + w1) + w2) + ..., as in the loop.
    sums = np.bincount(np.cumsum(starts) - 1, weights=weight[order])
    promise = sums if long_names else sums * vectors.scale[reached]
    if len(reached) > pool:
        # Only those as promising as the pool-th, ties included, need ordering.
        least = np.partition(promise, len(promise) - pool)[len(promise) - pool]
        kept = promise >= least
        reached, promise, first = reached[kept], promise[kept], first[kept]
    order = np.lexsort((first, -promise))[:pool]
    return reached[order].tolist(), promise[order].tolist()


def score(vectors: Vectors, gains: Gains, pool: Sequence[int], best: Best) -> None:
    """Score the `pool` phrases (in order) as `ranking._score_phrases` does without bounds,
    keeping each entry's best in `best`: the same sums in the same order (the features a
    phrase holds, in its order, each adding its full gain if the phrase holds all its marked
    words, else its other gain). The features found are left to be worked out (None)."""
    np = vectors.np
    if not pool or not gains:
        return
    phrases = np.array(pool, dtype=np.int64)
    held, at = _gather(np, vectors.features, vectors.feature_ends, phrases)
    numbers = np.array(sorted(gains), dtype=np.int64)
    where = np.minimum(np.searchsorted(numbers, held), len(numbers) - 1)
    hit = numbers[where] == held
    at, which = at[hit], where[hit]
    if not len(at):
        return
    table = [gains[n] for n in numbers.tolist()]
    full = np.array([g[0] for g in table], dtype=np.float64)
    other = np.array([g[1] for g in table], dtype=np.float64)
    value = full[which]
    if any(g[2] for g in table):
        held_all = _all_marked(np, vectors, phrases, table, at, which)
        value = np.where(held_all, value, other[which])
    matched = np.bincount(at, weights=value, minlength=len(pool))
    weights = vectors.weights[phrases]
    count = np.bincount(at, minlength=len(pool))
    useful = (count > 0) & (weights > 0)
    safe = np.where(useful, weights, 1.0)
    coverage = np.minimum(matched / safe, 1.0) * vectors.kind_weight[phrases]
    entries = vectors.entries[phrases].tolist()
    # As Python floats at once: reading numpy's one at a time costs more than the loop.
    coverages, sums = coverage.tolist(), matched.tolist()
    for position in np.flatnonzero(useful).tolist():
        entry, value_at = entries[position], coverages[position]
        kept = best.get(entry)
        if kept is None or value_at > kept[0]:
            best[entry] = (value_at, pool[position], None, sums[position])


def _all_marked(
    np: Any,
    vectors: Vectors,
    phrases: Any,
    table: list[tuple[float, float, tuple[int, ...]]],
    at: Any,
    which: Any,
) -> Any:
    """Tell, for each (phrase, feature) found, whether the phrase holds every marked word of
    the feature (a word numbered -1 is held by no phrase)."""
    marks = sorted({w for g in table for w in g[2] if w >= 0})
    known = np.array(marks or [-1], dtype=np.int64)
    words, owner = _gather(np, vectors.marked, vectors.marked_ends, phrases)
    where = np.minimum(np.searchsorted(known, words), len(known) - 1)
    hit = known[where] == words
    where, owner = where[hit], owner[hit]
    column = {mark: k for k, mark in enumerate(marks)}
    ok = None
    # The question's marks `BITS` at a time (nearly always once): bit k of a phrase's number
    # says it holds mark `low + k`, and bit `BITS`, never set, stands for a word no phrase has.
    for low in range(0, max(len(marks), 1), BITS):
        inside = (where >= low) & (where < low + BITS)
        # A phrase holds each word once: the sum of its bits is their union (exact in doubles).
        bits = np.bincount(
            owner[inside], weights=np.ldexp(1.0, where[inside] - low), minlength=len(phrases)
        ).astype(np.int64)
        need = [_bits(asked, column, low) for _, _, asked in table]
        wanted = np.array(need, dtype=np.int64)[which]
        part = (bits[at] & wanted) == wanted
        ok = part if ok is None else ok & part
    return ok


def _bits(asked: tuple[int, ...], column: dict[int, int], low: int) -> int:
    """Return the bits of the marks `asked` among the `BITS` from `low` (see `_all_marked`)."""
    mask = 0
    for word in asked:
        if word < 0:
            mask |= 1 << BITS if low == 0 else 0
        elif low <= column[word] < low + BITS:
            mask |= 1 << (column[word] - low)
    return mask

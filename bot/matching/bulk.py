"""Candidate collection for large indexes, in numpy: the same figures as the loop in `ranking`.

A question's telling features reach a few thousand phrases of a 10,000-entry catalogue; summing
their weights phrase by phrase in Python costs milliseconds. Here the posting lists are summed
with one `bincount`, which adds each posting's weight in the order the loop does (question
order, then phrase order), starting from 0.0 as the loop does: every sum, every promise and
every tie comes out bit for bit the same. numpy is imported only for an index of
`stored.LARGE` phrases or more, so small catalogues (and the start-up of `chat`) never load it.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

from bot.matching.stored import Flat

Vectors = tuple[Any, Any, Any]  # postings, their ends, phrase scales (numpy arrays)


def views(postings: Flat, scale: Sequence[float]) -> Vectors:
    """Return numpy views (no copy) of an index's postings, their ends and phrase scales."""
    import numpy as np

    return (
        np.frombuffer(postings.values, dtype=np.uint32),
        np.frombuffer(postings.ends, dtype=np.uint64),
        _floats(np, scale),
    )


def _floats(np: Any, values: Sequence[float]) -> Any:
    """Return an array of doubles as numpy's (a view of an `array`, else a copy)."""
    if isinstance(values, array):
        return np.frombuffer(values, dtype=np.float64)
    return np.array(values, dtype=np.float64)


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
    import numpy as np

    values, ends, scale = vectors
    size = len(scale)
    starts = [int(ends[n - 1]) if n else 0 for n in numbers]
    stops = [int(ends[n]) for n in numbers]
    runs = [values[a:b] for a, b in zip(starts, stops, strict=True)]
    lengths = np.array([b - a for a, b in zip(starts, stops, strict=True)], dtype=np.int64)
    each = np.repeat(np.array(weights, dtype=np.float64), lengths)
    # One pass in input order: phrase p's sum is ((0.0 + w1) + w2) + ..., as in the loop.
    sums = np.bincount(np.concatenate(runs), weights=each, minlength=size)
    # Which feature reached each phrase first (the loop's order: by feature, then by phrase).
    first = np.full(size, len(runs), dtype=np.int32)
    for number in range(len(runs) - 1, -1, -1):
        first[runs[number]] = number
    reached = np.flatnonzero(first < len(runs))
    promise = sums[reached] if long_names else sums[reached] * scale[reached]
    if len(reached) > pool:
        # Only those as promising as the pool-th, ties included, need ordering.
        least = np.partition(promise, len(promise) - pool)[len(promise) - pool]
        kept = promise >= least
        reached, promise = reached[kept], promise[kept]
    order = np.lexsort((reached, first[reached], -promise))[:pool]
    return reached[order].tolist(), promise[order].tolist()

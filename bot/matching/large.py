"""What a question's features reach in each entry of a large index, for every entry at once.

The ranking bounds an entry's share of the question (`score.Query.most`) by the sum of what
the question's features that the entry holds reach (`score.Query.reach`), and a large pool has
dozens of candidate entries of over a hundred features each. Here the index's per-entry
features (`Index.held`) are turned round once, on the first question: per feature, the entries
that hold it. A question's few dozen features then give every entry's sum in one `bincount`.
numpy is imported only for an index of `stored.LARGE` phrases or more (see `bulk`).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from typing import Any

from bot.matching.bulk import Vectors

# A feature held by more than this share of the entries counts as held by every entry in the
# bound (see `ByFeature.reached`). Any share keeps the bound a bound; this one costs least in
# all (callgrind, the eval questions at 10,000 entries: 0.25 1,763 M instructions, 0.1 1,736 M,
# 0.05 1,769 M: fewer entries summed, against more shares worked out in `ranking._keep`).
DENSE = 0.1


class ByFeature:
    """Per feature number, the entries that hold it (ascending): `held` turned round."""

    def __init__(self, vectors: Vectors) -> None:
        """Turn round the runs of a large index's `held` (about 0.1 s at 10,000 entries)."""
        np = vectors.np
        self.np = np
        lengths = np.diff(vectors.held_ends, prepend=0)
        # One sort of (feature, entry) pairs packed in one number (each pair comes once): by
        # feature, each one's entries in ascending order (in 32 bits when they fit).
        shift = max((len(lengths) - 1).bit_length(), 1)
        wide = max((len(vectors.ends) - 1).bit_length(), 1) + shift > 32
        packed = vectors.held.astype(np.uint64 if wide else np.uint32)
        packed <<= shift
        packed |= np.repeat(np.arange(len(lengths), dtype=packed.dtype), lengths)
        packed.sort()
        packed &= (1 << shift) - 1
        self.entries = packed.astype(np.uint32, copy=False)
        del packed
        counts = np.bincount(vectors.held, minlength=len(vectors.ends))
        self.ends: list[int] = np.cumsum(counts).tolist()
        self.size = len(lengths)

    def reached(self, reach: Mapping[int, float]) -> Any:
        """Return, per entry, a bound on the sum of `reach` over the features it holds (an
        array): the sum itself (in the order of `reach`, not of the entry's features: see
        `Query.most`), except that a feature held by more than `DENSE` of the entries counts
        for every entry (a long run to go through, for a bound little higher)."""
        np = self.np
        entries, ends = self.entries, self.ends
        most = DENSE * self.size
        runs = []
        weights = []
        everyone = 0.0
        for number, weight in reach.items():
            start, end = ends[number - 1] if number else 0, ends[number]
            if end - start > most:
                everyone += weight
            else:
                runs.append(entries[start:end])
                weights.append(weight)
        if not runs:
            return np.full(self.size, everyone)
        values = np.repeat(np.array(weights, dtype=np.float64), list(map(len, runs)))
        sums = np.bincount(np.concatenate(runs), weights=values, minlength=self.size)
        return sums + everyone if everyone else sums


_MADE: weakref.WeakKeyDictionary[Vectors, ByFeature] = weakref.WeakKeyDictionary()


def by_feature(vectors: Vectors) -> ByFeature:
    """Return the entries holding each feature of a large index (made on its first question)."""
    made = _MADE.get(vectors)
    if made is None:
        made = _MADE[vectors] = ByFeature(vectors)
    return made

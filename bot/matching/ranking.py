"""Ranking the entries of an `Index` for an analysed question (see `score.analyse`).

The question's rarer features find candidate phrases, most promising first; each is scored by
how much of its weight the question covers, and each entry by its best phrase and by how much
of the question its words explain. Candidates are scored a few at a time: once no phrase left
can reach the scores already kept, the rest cannot change the answer and are not scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from operator import add, mul
from typing import Any

from bot.matching import bulk, stored
from bot.matching.index import OTHER_MARKS, Index
from bot.matching.large import by_feature
from bot.matching.score import SLACK, Query

# In a large index, a feature found in more phrases than this (or than 1% of them) is too common
# to find candidates with; it still counts when scoring them.
COMMON = 400
# An index of long official names (the national list) turns it round: the share of the
# question explained comes first, the name's coverage tempers it.
NAME_FLOOR = 0.4
# How the question's share explained by an entry tempers the best phrase's coverage.
SHARE_FLOOR = 0.2
# Most entries whose share of the question is worked out, best coverage first.
SHARES = 40
# Most phrases scored in full per question.
POOL = 80
# Candidates scored before the kept scores are first compared with what the rest can reach.
FIRST_STEP = 12


@dataclass(frozen=True)
class Scored:
    """An entry's score for a question, with a short explanation."""

    id: str
    score: float
    why: str
    coverage: float = 0.0  # how much of its best name or alias the question holds


def _phrase_match(index: Index, query: Query, phrase_id: int) -> tuple[float, list[int]]:
    """Return the weight of a phrase the question matches, and the features it matches (by
    number, in the phrase's order)."""
    gains = query.gains
    if gains is None:
        gains = query.gains = _gains(index, query)
    phrases = index.phrases
    found = list(filter(gains.__contains__, phrases.features[phrase_id]))
    matched = 0.0
    phrase_marked = None
    for feature in found:
        full, other, words = gains[feature]
        if words:
            if phrase_marked is None:
                phrase_marked = phrases.marked[phrase_id]
            for word in words:
                if word not in phrase_marked:
                    matched += other
                    break
            else:
                matched += full
        else:
            matched += full
    return matched, found


def _gains(index: Index, query: Query) -> dict[int, tuple[float, float, tuple[int, ...]]]:
    """Per feature of the question in the index (by number): what it adds to a phrase that
    holds it, with and without the question's marks on its words, and those marked words (by
    number; -1 for one no phrase has). The products are the ones the sum always took: idf *
    quality, and idf * (quality * OTHER_MARKS)."""
    idf, numbers, marked = index.idf, index.numbers, query.marked
    marks = index.phrases.mark_numbers()
    gains: dict[int, tuple[float, float, tuple[int, ...]]] = {}
    for feature, quality in query.features.items():
        number = numbers.get(feature)
        if number is not None:
            weight, words = idf[feature], marked[feature]
            gains[number] = (
                weight * quality,
                weight * (quality * OTHER_MARKS),
                tuple(map(marks.get, words, repeat(-1))) if words else (),
            )
    return gains


def _candidates(index: Index, query: Query) -> tuple[list[int], list[float], float | None]:
    """Return the phrases worth scoring, most promising first, with their promise and what
    the features left out as too common could add to it (None: no bound).

    A phrase's promise is the share of its weight the question's (not too common) features
    reach (for long names: that weight): an upper bound on its coverage (on the weight it
    matches) once the weight of the common features is added, so scoring only the first
    `POOL` loses nothing that could come first.
    """
    common = max(COMMON, len(index.phrases) // 100)
    if len(index.phrases) >= stored.LARGE:
        collected = _collected(index, query, common)
        if collected is not None:
            return collected
    hits: dict[int, float] = {}
    hit = hits.get
    zeros = repeat(0.0)
    extra: float | None = 0.0
    idf = index.idf
    # `Postings.get` written out (a question read with a card's name, as `_fitting` does, has
    # a hundred features): each feature's run of phrases, None or empty for none.
    number_of, runs = index.postings.numbers.get, index.postings.runs
    ends, values = runs.ends, runs.values
    for feature in query.features:
        number = number_of(feature)
        if number is None:
            continue
        start, end = ends[number - 1] if number else 0, ends[number]
        if start == end:
            continue
        if end - start > common:
            extra = (extra or 0.0) + idf[feature]
            continue
        posting = values[start:end]
        # hits[p] = hits.get(p, 0.0) + weight for each phrase p of the posting (each once), in
        # the posting's order, without running Python code per phrase.
        weights = map(add, map(hit, posting, zeros), repeat(idf[feature]))
        hits.update(zip(posting, weights, strict=True))
    if not hits:
        # Only very common words: fall back to them, so "đăng ký" still lists something.
        for feature in query.features:
            for phrase_id in index.postings.get(feature, ())[:POOL]:
                hits[phrase_id] = hits.get(phrase_id, 0.0) + index.idf[feature]
        extra = None
    # The first POOL by promise, ties in the order found: what heapq.nlargest returns, by one
    # sort in C rather than a heap kept in Python (a question reaches a few thousand phrases).
    if index.long_names:
        # Long names: what counts is how much of the question a name reaches.
        pool = sorted(hits, key=hits.__getitem__, reverse=True)[:POOL]
        return pool, list(map(hits.__getitem__, pool)), extra
    found = list(hits)
    promise = list(map(mul, hits.values(), map(index.scale.__getitem__, found)))
    best = sorted(range(len(found)), key=promise.__getitem__, reverse=True)[:POOL]
    return list(map(found.__getitem__, best)), list(map(promise.__getitem__, best)), extra


def _collected(
    index: Index, query: Query, common: int
) -> tuple[list[int], list[float], float] | None:
    """`_candidates` on a large index: the same features, sums and order, summed by `bulk`
    (None when only very common features are found: see `_candidates`)."""
    numbers: list[int] = []
    weights: list[float] = []
    extra = 0.0
    number_of, idf = index.numbers.get, index.idf
    ends = index.postings.runs.ends  # (`Flat.size`, written out)
    for feature in query.features:
        number = number_of(feature)
        if number is None:
            continue
        size = ends[number] - (ends[number - 1] if number else 0)
        if not size:
            continue
        if size > common:
            extra += idf[feature]
            continue
        numbers.append(number)
        weights.append(idf[feature])
    if not numbers:
        return None
    pool, promise = bulk.collect(_vectors(index), index.long_names, numbers, weights, POOL)
    return pool, promise, extra


def _vectors(index: Index) -> bulk.Vectors:
    """Return the numpy views of a large index (made on its first question)."""
    vectors = index.vectors
    if vectors is None:
        phrases = index.phrases
        vectors = index.vectors = bulk.Vectors(
            index.postings.runs,
            index.scale,
            phrases.features,
            phrases.marked,
            phrases.weights,
            phrases.kind_weights,
            phrases.kinds,
            phrases.entries,
            index.held,
        )
    return vectors


def _most(index: Index, query: Query, entry: int, coverage: float) -> float:
    """Return a bound a little above the score an entry can have (`score_query`'s formula)."""
    return _bound(index, query.most(index, entry), coverage)


def _bound(index: Index, most: float, coverage: float) -> float:
    if index.long_names:
        bound = most * (NAME_FLOOR + (1 - NAME_FLOOR) * coverage)
    else:
        bound = coverage * (SHARE_FLOOR + (1 - SHARE_FLOOR) * most)
    return bound * (1 + SLACK)


# entry: coverage, phrase number, features found (by number; None: not yet worked out),
# weight matched
Best = bulk.Best
Kept = list[tuple[float, int, float, float]]  # score, entry, share, coverage


def score_query(index: Index, query: Query, limit: int = 6, floor: float = 0.0) -> list[Scored]:
    """Return the best entries for an analysed question, best first; with a `floor`, only
    those of them that score at least about that much (a hair less: `SLACK`).

    What is returned is the first `limit` of all the pool's entries by score (ties in the
    order they are found), but not every candidate is scored to know it: see `_in_order` and
    `_pruned`.
    """
    floor *= 1 - SLACK
    pool, promise, extra = _candidates(index, query)
    best: Best = {}
    shares: dict[int, float] = {}
    large = not index.long_names and len(index.phrases) >= stored.LARGE
    if extra == 0.0 and not index.long_names:
        kept = _in_order(index, query, pool, promise, limit, best, shares, large)
    elif extra is not None and limit < SHARES and index.long_names:
        # (Catalogue entries hold many features each: bounding them all costs more than
        # scoring their phrases, so only the national list's names are pruned.)
        _pruned(index, query, pool, promise, extra, limit, floor, best, shares)
        kept = _keep_all(index, query, best, limit, shares)
    else:
        if large:
            _score_in_bulk(index, query, pool, best)  # the same, in numpy
        else:
            _score_phrases(index, query, pool, None, best)
        kept = _keep_all(index, query, best, limit, shares)
    note = f"; {', '.join(query.notes)}" if query.notes else ""
    scored = []
    phrases = index.phrases
    names, idf = phrases.names, index.idf
    for score, entry, share, coverage in kept:
        if score < floor:
            break
        _, phrase_id, found, _ = best[entry]
        if found is None:
            found = _phrase_match(index, query, phrase_id)[1]
        kind, text = phrases.kind_names[phrases.kinds[phrase_id]], phrases.texts[phrase_id]
        features = [names[n] for n in found]
        # Rarest first (ties as found: a reversed sort keeps them in order).
        shown = ", ".join(sorted(features, key=idf.__getitem__, reverse=True)[:4])
        why = f"{kind} '{text}': {shown} (covers {share:.0%}){note}"
        scored.append(Scored(index.ids[entry], score, why, coverage))
    return scored


def _score_in_bulk(index: Index, query: Query, pool: list[int], best: Best) -> None:
    """Score a large index's pool in numpy (`bulk`), and work out the bound on each entry's
    share (`Query.most`) for every entry at once (`large`)."""
    gains = query.gains
    if gains is None:
        gains = query.gains = _gains(index, query)
    vectors = _vectors(index)
    bulk.score(vectors, gains, pool, best)
    query.prepared(index)
    query.reached = by_feature(vectors).reached(query.reach)


def _in_order(
    index: Index,
    query: Query,
    pool: list[int],
    promise: list[float],
    limit: int,
    best: Best,
    shares: dict[int, float],
    large: bool = False,
) -> Kept:
    """Score catalogue phrases a few at a time, when each one's promise bounds its coverage.

    Every phrase left has a promise no higher than the next one's: once the scores kept are
    all above it, no phrase left can change them or their order, and the rest is not scored.
    On a `large` index, what the first few leave open is scored at once in numpy (it costs
    about what a few more in Python do), in the same order: the same entries are kept.
    """
    done, step = 0, FIRST_STEP
    while True:
        if large and done:
            _score_in_bulk(index, query, pool[done:], best)
            return _keep_all(index, query, best, limit, shares)
        end = min(done + step, len(pool))
        _score_phrases(index, query, pool[done:end], promise[done:end], best)
        done, step = end, step * 2
        # Coverage (a share of weight) of any phrase not yet scored stays below this.
        below = promise[done] * (1 + SLACK) if done < len(pool) else None
        kept = _keep(index, query, best, limit, shares, below)
        if kept is not None:
            return kept


def _pruned(
    index: Index,
    query: Query,
    pool: list[int],
    promise: list[float],
    extra: float,
    limit: int,
    least: float,
    best: Best,
    shares: dict[int, float],
) -> None:
    """Score the pool's phrases, leaving out the entries that cannot be among the first.

    The `limit`-th best score found so far is a floor under the `limit`-th best of all, and
    `least` one under what is wanted at all. An entry whose score cannot reach the higher one
    (its share bounded, its coverage bounded by the promise of its best phrase and the weight
    of the common features) is left out whole, the first time one of its phrases comes up:
    its phrases are not scored, and the entries kept are found in the same order.
    """
    phrases = index.phrases
    entries, weights, scale = phrases.entries, phrases.weights, index.scale
    long_names = index.long_names
    cover: dict[int, float] = {}  # entry: the most its phrases in the pool can cover
    for phrase_id, value in zip(pool, promise, strict=True):
        if long_names:
            weight = weights[phrase_id]
            bound = min((value + extra) / weight, 1.0) if weight > 0 else 1.0
        else:
            bound = min(value + extra * scale[phrase_id], 1.0)
        entry = entries[phrase_id]
        if bound > cover.get(entry, -1.0):
            cover[entry] = bound
    in_play: dict[int, bool] = {}
    floor = least  # entries under `least` are not wanted at all
    top = query.ceiling(index)
    found: dict[int, float] = {}  # entry: its score with the phrases scored so far
    for start in range(0, len(pool), FIRST_STEP):
        chunk = []
        for phrase_id in pool[start : start + FIRST_STEP]:
            entry = entries[phrase_id]
            play = in_play.get(entry)
            if play is None:
                reach = cover[entry] * (1 + SLACK)
                # Its bound with the whole question explained, which costs nothing per entry,
                # first: most entries of a large pool cannot reach the floor even so.
                play = not floor or (
                    _bound(index, top, reach) >= floor
                    and _bound(index, query.most(index, entry), reach) >= floor
                )
                in_play[entry] = play
            if play:
                chunk.append(phrase_id)
        _score_phrases(index, query, chunk, None, best)
        for entry in {entries[phrase_id] for phrase_id in chunk}:
            if entry in best:
                found[entry] = _score(index, query, entry, best[entry][0], shares)
        if len(found) >= limit:
            floor = max(floor, sorted(found.values(), reverse=True)[limit - 1])


def _score(
    index: Index, query: Query, entry: int, coverage: float, shares: dict[int, float]
) -> float:
    """Return an entry's score for a coverage (its share worked out once per question)."""
    share = shares.get(entry)
    if share is None:
        share = shares[entry] = query.share(index, entry)
    if index.long_names:
        # Official names are long: judge by how much of the question they explain.
        return share * (NAME_FLOOR + (1 - NAME_FLOOR) * coverage)
    return coverage * (SHARE_FLOOR + (1 - SHARE_FLOOR) * share)


def _score_phrases(
    index: Index, query: Query, phrase_ids: list[int], bounds: list[float] | None, best: Best
) -> None:
    """Score phrases, keeping each entry's best (the first of its best, in pool order).

    With `bounds` (each phrase's coverage bound), a phrase whose entry already covers as
    much is not scored: it could not replace the one kept.
    """
    phrases = index.phrases
    entries, weights, kinds, kind_weights = (
        phrases.entries,
        phrases.weights,
        phrases.kinds,
        phrases.kind_weights,
    )
    for at, phrase_id in enumerate(phrase_ids):
        entry = entries[phrase_id]
        kept = best.get(entry)
        if kept is not None and bounds is not None and kept[0] >= bounds[at] * (1 + SLACK):
            continue
        matched, found = _phrase_match(index, query, phrase_id)
        weight = weights[phrase_id]
        if not found or weight <= 0:
            continue
        coverage = min(matched / weight, 1.0) * kind_weights[kinds[phrase_id]]
        if kept is None or coverage > kept[0]:
            best[entry] = (coverage, phrase_id, found, matched)


def _keep(
    index: Index,
    query: Query,
    best: Best,
    limit: int,
    shares: dict[int, float],
    below: float | None,
) -> Kept | None:
    """Return the best `limit` entries found, best first, or None when phrases not yet scored
    (whose coverage stays under `below`; None: there are none) could still change them."""

    # A score never exceeds its coverage: stop once coverage cannot reach the last kept score.
    # (Long names are scored by the question's share, so they are taken by weight matched.)
    # Best first, ties in the order found (a reversed sort keeps them in order).
    items = list(best.items())
    if index.long_names:
        ranks = [found[3] for _, found in items]
    else:
        ranks = [found[0] for _, found in items]
    order = sorted(range(len(items)), key=ranks.__getitem__, reverse=True)
    # On a large catalogue index, every entry's bound at once (`_most`, the same figures),
    # worked out when the first is needed.
    bounds: list[float] | None = None
    kept: Kept = []
    for position in order:
        entry, found = items[position]
        coverage = found[0]
        if below is not None and coverage < below:
            # From here on the entries may still change (or be joined by others, all under
            # `below`): the kept ones stand if none of those can come in.
            return _standing(kept, limit, below)
        if len(kept) >= SHARES or (
            not index.long_names and len(kept) >= limit and coverage <= kept[-1][0]
        ):
            return kept
        if len(kept) >= limit:
            if query.reached is not None:
                if bounds is None:
                    bounds = _bounds(index, query, items, ranks)
                most = bounds[position]
            else:
                most = _most(index, query, entry, coverage)
            if most <= kept[-1][0]:
                continue  # it would come last and be dropped: its share is not worth working out
        score = _score(index, query, entry, coverage, shares)
        share = shares[entry]
        # Best first; after those that score as much (as a stable sort would put it).
        at = len(kept)
        while at and kept[at - 1][0] < score:
            at -= 1
        kept.insert(at, (score, entry, share, coverage))
        del kept[limit:]
    return kept if below is None else _standing(kept, limit, below)


def _bounds(
    index: Index, query: Query, items: list[tuple[int, Any]], coverages: list[float]
) -> list[float]:
    """Return `_most` of each entry of `items` for its coverage, on a catalogue index whose
    `Query.reached` is worked out: the same operations in the same order, over arrays."""
    reached = query.reached
    np = _vectors(index).np
    held = reached[np.array([entry for entry, _ in items], dtype=np.int64)]
    most = held / query.whole * (1 + SLACK) + SLACK
    bound = np.array(coverages) * (SHARE_FLOOR + (1 - SHARE_FLOOR) * most)
    result: list[float] = (bound * (1 + SLACK)).tolist()
    return result


def _keep_all(
    index: Index, query: Query, best: Best, limit: int, shares: dict[int, float]
) -> Kept:
    """Return the best `limit` entries, best first, once every candidate is scored."""
    kept = _keep(index, query, best, limit, shares, None)
    assert kept is not None  # nothing is left to score
    return kept


def _standing(kept: Kept, limit: int, below: float) -> Kept | None:
    """Return the kept entries if no entry covering less than `below` can join them."""
    if len(kept) >= SHARES or (len(kept) >= limit and kept[-1][0] >= below):
        return kept
    return None

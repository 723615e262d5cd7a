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

from bot.matching.index import OTHER_MARKS, Index
from bot.matching.score import SLACK, Query
from bot.matching.stored import Phrase

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


def _phrase_match(index: Index, query: Query, phrase: Phrase) -> tuple[float, list[str]]:
    gains = query.gains
    if gains is None:
        # idf * quality, and idf * (quality * OTHER_MARKS): the products the sum always took.
        idf = index.idf
        gains = query.gains = {
            feature: (
                idf[feature] * quality,
                idf[feature] * (quality * OTHER_MARKS),
                query.marked[feature],
            )
            for feature, quality in query.features.items()
            if feature in idf
        }
    found = list(filter(gains.__contains__, phrase.features))
    matched = 0.0
    phrase_marked = phrase.marked
    for feature in found:
        full, other, words = gains[feature]
        for word in words:
            if word not in phrase_marked:
                matched += other
                break
        else:
            matched += full
    return matched, found


def _candidates(index: Index, query: Query) -> tuple[list[int], list[float] | None]:
    """Return the phrases worth scoring, most promising first, with their promise when it
    bounds what they can score (else None).

    A phrase's promise is the share of its weight the question's (not too common) features
    reach: an upper bound on its coverage, so scoring only the first `POOL` loses nothing that
    could come first. When no feature of the question was left out as too common, it bounds
    the phrase's coverage (for long names, its weight matched) from above.
    """
    common = max(COMMON, len(index.phrases) // 100)
    hits: dict[int, float] = {}
    hit = hits.get
    postings = index.postings
    zeros = repeat(0.0)
    bounded = True
    for feature in query.features:
        posting = postings.get(feature)
        if posting is None:
            continue
        if len(posting) > common:
            bounded = False
            continue
        # hits[p] = hits.get(p, 0.0) + weight for each phrase p of the posting (each once), in
        # the posting's order, without running Python code per phrase.
        weights = map(add, map(hit, posting, zeros), repeat(index.idf[feature]))
        hits.update(zip(posting, weights, strict=True))
    if not hits:
        # Only very common words: fall back to them, so "đăng ký" still lists something.
        for feature in query.features:
            for phrase_id in index.postings.get(feature, ())[:POOL]:
                hits[phrase_id] = hits.get(phrase_id, 0.0) + index.idf[feature]
        bounded = False
    # The first POOL by promise, ties in the order found: what heapq.nlargest returns, by one
    # sort in C rather than a heap kept in Python (a question reaches a few thousand phrases).
    if index.long_names:
        # Long names: what counts is how much of the question a name reaches.
        pool = sorted(hits, key=hits.__getitem__, reverse=True)[:POOL]
        return pool, list(map(hits.__getitem__, pool)) if bounded else None
    found = list(hits)
    promise = list(map(mul, hits.values(), map(index.scale.__getitem__, found)))
    best = sorted(range(len(found)), key=promise.__getitem__, reverse=True)[:POOL]
    return list(map(found.__getitem__, best)), (
        list(map(promise.__getitem__, best)) if bounded else None
    )


def _most(index: Index, query: Query, entry: int, coverage: float) -> float:
    """Return a bound a little above the score an entry can have (`score_query`'s formula)."""
    most = query.most(index, entry)
    if index.long_names:
        bound = most * (NAME_FLOOR + (1 - NAME_FLOOR) * coverage)
    else:
        bound = coverage * (SHARE_FLOOR + (1 - SHARE_FLOOR) * most)
    return bound * (1 + SLACK)


Best = dict[int, tuple[float, Phrase, list[str], float]]  # entry: coverage, phrase, found, matched
Kept = list[tuple[float, int, float, float]]  # score, entry, share, coverage


def score_query(index: Index, query: Query, limit: int = 6) -> list[Scored]:
    """Return the best entries for an analysed question, best first.

    The candidates are scored a few at a time. Every phrase left has a promise no higher than
    the next one's, and (catalogue entries) no coverage above it: once the scores kept are all
    above it, no phrase left can change them or their order, and the rest is not scored.
    """
    pool, promise = _candidates(index, query)
    best: Best = {}
    shares: dict[int, float] = {}
    done = 0
    step = FIRST_STEP if promise is not None and not index.long_names else len(pool)
    while True:
        end = min(done + step, len(pool))
        bounds = promise[done:end] if promise is not None and not index.long_names else None
        _score_phrases(index, query, pool[done:end], bounds, best)
        done, step = end, step * 2
        # Coverage (a share of weight) of any phrase not yet scored stays below this.
        below = promise[done] * (1 + SLACK) if promise is not None and done < len(pool) else None
        kept = _keep(index, query, best, limit, shares, below)
        if kept is not None:
            break
    note = f"; {', '.join(query.notes)}" if query.notes else ""
    scored = []
    for score, entry, share, coverage in kept:
        _, phrase, found, _ = best[entry]
        shown = ", ".join(sorted(found, key=lambda f: -index.idf[f])[:4])
        why = f"{phrase.kind} '{phrase.text}': {shown} (covers {share:.0%}){note}"
        scored.append(Scored(index.ids[entry], score, why, coverage))
    return scored


def _score_phrases(
    index: Index, query: Query, phrase_ids: list[int], bounds: list[float] | None, best: Best
) -> None:
    """Score phrases, keeping each entry's best (the first of its best, in pool order).

    With `bounds` (each phrase's coverage bound), a phrase whose entry already covers as
    much is not scored: it could not replace the one kept.
    """
    phrases = index.phrases
    for at, phrase_id in enumerate(phrase_ids):
        phrase = phrases[phrase_id]
        kept = best.get(phrase.entry)
        if kept is not None and bounds is not None and kept[0] >= bounds[at] * (1 + SLACK):
            continue
        matched, found = _phrase_match(index, query, phrase)
        if not found or phrase.weight <= 0:
            continue
        coverage = min(matched / phrase.weight, 1.0) * phrase.kind_weight
        if kept is None or coverage > kept[0]:
            best[phrase.entry] = (coverage, phrase, found, matched)


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
    def rank(item: tuple[int, tuple[float, Phrase, list[str], float]]) -> float:
        """Order entries: by coverage, or for long names by the weight they matched."""
        return -(item[1][3] if index.long_names else item[1][0])

    kept: Kept = []
    for entry, (coverage, *_) in sorted(best.items(), key=rank):
        if below is not None and coverage < below:
            # From here on the entries may still change (or be joined by others, all under
            # `below`): the kept ones stand if none of those can come in.
            return _standing(kept, limit, below)
        if len(kept) >= SHARES or (
            not index.long_names and len(kept) >= limit and coverage <= kept[-1][0]
        ):
            return kept
        if len(kept) >= limit and _most(index, query, entry, coverage) <= kept[-1][0]:
            continue  # it would come last and be dropped: its share is not worth working out
        share = shares.get(entry)
        if share is None:
            share = shares[entry] = query.share(index, entry)
        if index.long_names:
            # Official names are long: judge by how much of the question they explain.
            score = share * (NAME_FLOOR + (1 - NAME_FLOOR) * coverage)
        else:
            score = coverage * (SHARE_FLOOR + (1 - SHARE_FLOOR) * share)
        # Best first; after those that score as much (as a stable sort would put it).
        at = len(kept)
        while at and kept[at - 1][0] < score:
            at -= 1
        kept.insert(at, (score, entry, share, coverage))
        del kept[limit:]
    return kept if below is None else _standing(kept, limit, below)


def _standing(kept: Kept, limit: int, below: float) -> Kept | None:
    """Return the kept entries if no entry covering less than `below` can join them."""
    if len(kept) >= SHARES or (len(kept) >= limit and kept[-1][0] >= below):
        return kept
    return None

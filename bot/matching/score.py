"""Scoring a question against an `Index`: coverage of each phrase and of the question."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from operator import add, mul

from bot.matching.index import FUZZY, GENERIC_WEIGHT, OTHER_MARKS, Index, Phrase
from bot.matching.words import GENERIC, GENERIC_WORDS, national_syllables
from bot.text import expand_shorthand, has_marks, normalize, strip_marks, word_set

# In a large index, a feature found in more phrases than this (or than 1% of them) is too common
# to find candidates with; it still counts when scoring them.
COMMON = 400
# An index of long official names (the national list) turns it round: the share of the
# question explained comes first, the name's coverage tempers it.
NAME_FLOOR = 0.4
# How the question's share explained by an entry tempers the best phrase's coverage.
SHARE_FLOOR = 0.2
PAIR_SHARE = True
PAIR_FACTOR = 0.5
# A repaired typo that makes a known word pair with its neighbour counts this much more.
CONFIRMED = 0.1
# Repairs at least this close are taken (about one edit in four letters; measured on typo'd
# copies of our questions, demanding more lost more than it saved). The neighbouring word picks
# between candidates and confirms a repair.
SURE_REPAIR = 0.75
# Most entries whose share of the question is worked out, best coverage first.
SHARES = 40
# Bounds are widened by this much, so that no rounding can make one fall below what it bounds.
SLACK = 1e-9
# Most phrases scored in full per question.
POOL = 80
# "mất / hết / tốn" before these words ask about cost or time ("mất bao lâu"), not a loss.
_AMOUNT = word_set("bao may bn nhieu tien phi thoi khoang it chung")
_COSTS = frozenset({"mat", "het", "ton"})


@dataclass(frozen=True)
class Thresholds:
    """The confidence rule; tuned on the labelled questions (`python -m bot evaluate --tune`)."""

    answer: float = 0.6  # a curated entry this sure, and `margin` ahead, is answered ...
    answer_coverage: float = 0.6  # ... or one whose name or alias the question holds this much
    margin: float = 0.15  # ahead of the second by this share of its score
    clarify: float = 0.26  # below this nothing curated fits
    small_talk_override: float = 0.75  # small talk needs this much to be read as a question
    curated_fits: float = 0.45  # below this best curated score, the national list is searched
    national_factor: float = 0.8  # national scores are scaled down by this
    national_min: float = 0.25  # national candidates below this are dropped
    national_clarify: float = 0.35  # a national first candidate needs this to be offered
    national_answer: float = 0.75  # ... and this to be answered


@dataclass
class Query:
    """A question read against one index: its words, features and how much each word weighs.

    `groups` gathers the words that came from one word the citizen typed: a vocabulary key
    ("bhyt" → "bảo hiểm y tế") weighs as one word, not four.
    """

    words: list[str]
    folded: list[str]
    notes: list[str]
    features: dict[str, float] = field(default_factory=dict)
    marked: dict[str, tuple[str, ...]] = field(default_factory=dict)
    groups: list[tuple[float, dict[str, float]]] = field(default_factory=list)
    # The groups that can add to an entry's share, in order, worked out once per question (see
    # `share`): a group of one word as (its feature number, what it adds when the entry holds
    # it, ()), a larger one as (-1, its weight, its words' total weight, its words in some entry
    # of the index as (feature number, weight)).
    numbered: list[tuple[int, float, float, tuple[tuple[int, float], ...]]] | None = None
    whole: float = 1.0
    asked: frozenset[int] = frozenset()  # the feature numbers in `numbered`
    reach: dict[int, float] = field(default_factory=dict)  # see `_prepare`
    # Per feature: what it adds to a phrase that holds it, with and without the question's
    # marks on its words, and those marked words (see `_phrase_match`); made once per question.
    gains: dict[str, tuple[float, float, tuple[str, ...]]] | None = None

    @property
    def total(self) -> float:
        """Return the weight of the whole question."""
        return sum(weight for weight, _ in self.groups) or 1.0

    def _prepare(
        self, index: Index
    ) -> list[tuple[int, float, float, tuple[tuple[int, float], ...]]]:
        numbered = self.numbered = self._numbered(index)
        self.whole = self.total
        # What each feature adds to the explained weight when held: a group of one word adds
        # its value, a larger one `weight * w / total` for each of its words held.
        reach: dict[int, float] = {}
        for number, value, total, known in numbered:
            if number >= 0:
                reach[number] = reach.get(number, 0.0) + value
            for n, w in known:
                reach[n] = reach.get(n, 0.0) + value * w / (total or 1.0)
        self.reach = reach
        self.asked = frozenset(reach)
        return numbered

    def most(self, index: Index, entry: int) -> float:
        """Return a bound a little above `share` (the same sum in another order, plus slack)."""
        if self.numbered is None:
            self._prepare(index)
        held = self.asked.intersection(index.held[entry])
        return sum(map(self.reach.__getitem__, held)) / self.whole * (1 + SLACK) + SLACK

    def share(self, index: Index, entry: int) -> float:
        """Return the share of the question's weight that an entry's words explain."""
        numbered = self.numbered
        if numbered is None:
            numbered = self._prepare(index)
        # The question's feature numbers the entry holds, found in one pass in C.
        held = self.asked.intersection(index.held[entry])
        if not held:
            return 0.0 / self.whole  # nothing explained (as the sums below would find)
        explained = 0.0
        for number, value, total, known in numbered:
            if number >= 0:
                if number in held:
                    explained += value
                continue
            inside = 0.0
            for n, w in known:
                if n in held:
                    inside += w
            explained += value * inside / (total or 1.0)
        return explained / self.whole

    def _numbered(
        self, index: Index
    ) -> list[tuple[int, float, float, tuple[tuple[int, float], ...]]]:
        """The groups as `share` reads them: the same sums, in the same order, with less work.

        A group none of whose words is in the index adds nothing to any entry (nor does a group
        the entry holds none of), and a group of one word adds `weight * w / w` when held.
        """
        numbers = index.numbers
        numbered: list[tuple[int, float, float, tuple[tuple[int, float], ...]]] = []
        for weight, words in self.groups:
            total = 0.0
            for w in words.values():
                total += w
            known = tuple((numbers.get(word, -1), w) for word, w in words.items())
            known = tuple((n, w) for n, w in known if n >= 0)
            if not known:
                continue
            if len(words) == 1:
                number, w = known[0]
                numbered.append((number, weight * w / (total or 1.0), total, ()))
            else:
                numbered.append((-1, weight, total, known))
        return numbered


@dataclass(frozen=True)
class Scored:
    """An entry's score for a question, with a short explanation."""

    id: str
    score: float
    why: str
    coverage: float = 0.0  # how much of its best name or alias the question holds


def _word_weight(index: Index, word: str, folded: str) -> float:
    if folded in GENERIC and word != folded and word not in GENERIC_WORDS:
        # Typed with marks that make it another word: "dược" (pharmacy) is not "được".
        return 0.5 * index.unknown_weight
    if folded in index.idf:
        return index.idf[folded]
    if folded in GENERIC:
        return GENERIC_WEIGHT * index.unknown_weight
    if folded.isalpha():
        return 0.5 * index.unknown_weight
    return 0.2


def _pair_weight(index: Index, left: str, right: str) -> float:
    pair = f"{left} {right}"
    if pair in index.idf:
        return index.idf[pair] * PAIR_FACTOR
    if left in GENERIC and right in GENERIC:
        return GENERIC_WEIGHT * index.unknown_weight * PAIR_FACTOR
    return 0.5 * index.unknown_weight * PAIR_FACTOR


def analyse(index: Index, text: str) -> Query:
    """Normalise, expand shorthand, repair typos, then rewrite vocabulary, against an index.

    Typos are repaired first, so that a repaired word can still take part in a vocabulary key
    ("qua mgạng" → "qua mang" → "trực tuyến", "bhty" → "bhyt" → "bảo hiểm y tế").
    """
    notes: list[str] = []
    typed = expand_shorthand(normalize(text).split())
    folded_typed = [strip_marks(w) for w in typed]
    flat: list[str] = []
    flat_quality: list[float] = []
    for position, word in enumerate(typed):
        folded = folded_typed[position]
        if (
            folded in index.idf
            or folded in index.known
            or not folded.isalpha()
            or folded in national_syllables()
        ):
            flat.append(word)
            flat_quality.append(1.0)
            continue
        before = folded_typed[position - 1] if position else ""
        after = folded_typed[position + 1] if position + 1 < len(typed) else ""
        repair, similarity, paired = index.correct(folded, before, after)
        sure = paired or similarity >= SURE_REPAIR
        parts = None if sure else index.split(folded)
        if parts is not None:
            flat.extend(parts)
            flat_quality.extend([0.95] * len(parts))
            notes.append(f"{word}→{' '.join(parts)}")
        elif repair and sure:
            flat.append(repair)
            flat_quality.append(min(FUZZY * similarity + (CONFIRMED if paired else 0.0), 0.95))
            notes.append(f"{word}≈{repair}")
        else:
            flat.append(word)
            flat_quality.append(1.0)
    words, origin, rewritten = index.rewriter.rewrite(flat, chat=False)
    notes.extend(rewritten)
    out: list[tuple[str, str, float, int]] = []  # word, folded, quality, group
    folded_words = [strip_marks(w) for w in words]
    for position, word in enumerate(words):
        following = folded_words[position + 1] if position + 1 < len(words) else ""
        if folded_words[position] in _COSTS and following in _AMOUNT:
            continue
        group = origin[position]
        out.append((word, folded_words[position], flat_quality[group], group))
    query = Query([w for w, _, _, _ in out], [f for _, f, _, _ in out], notes)
    grouped: dict[int, dict[str, float]] = {}
    for i, (word, folded, quality, group) in enumerate(out):
        _add(query, folded, quality, (word,))
        if i + 1 < len(out):
            following_word, following_folded, following_quality, _ = out[i + 1]
            pair = f"{folded} {following_folded}"
            _add(query, pair, min(quality, following_quality), (word, following_word))
        grouped.setdefault(group, {})[folded] = _word_weight(index, word, folded)
        if PAIR_SHARE and i + 1 < len(out) and out[i + 1][3] != group:
            pair = f"{folded} {out[i + 1][1]}"
            grouped[-1 - i] = {pair: _pair_weight(index, folded, out[i + 1][1])}
    query.groups = [(max(words.values()), words) for words in grouped.values()]
    return query


def _add(query: Query, feature: str, quality: float, words: tuple[str, ...]) -> None:
    if quality > query.features.get(feature, 0.0):
        query.features[feature] = quality
        query.marked[feature] = tuple(w for w in words if has_marks(w))


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


def _candidates(index: Index, query: Query) -> list[int]:
    """Return the phrases worth scoring, most promising first.

    A phrase's promise is the share of its weight the question's (not too common) features
    reach: an upper bound on its coverage, so scoring only the first `POOL` loses nothing that
    could come first.
    """
    common = max(COMMON, len(index.phrases) // 100)
    hits: dict[int, float] = {}
    hit = hits.get
    postings = index.postings
    zeros = repeat(0.0)
    for feature in query.features:
        posting = postings.get(feature)
        if posting is None or len(posting) > common:
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
    # The first POOL by promise, ties in the order found: what heapq.nlargest returns, by one
    # sort in C rather than a heap kept in Python (a question reaches a few thousand phrases).
    if index.long_names:
        # Long names: what counts is how much of the question a name reaches.
        return sorted(hits, key=hits.__getitem__, reverse=True)[:POOL]
    found = list(hits)
    promise = list(map(mul, hits.values(), map(index.scale.__getitem__, found)))
    best = sorted(range(len(found)), key=promise.__getitem__, reverse=True)[:POOL]
    return list(map(found.__getitem__, best))


def _most(index: Index, query: Query, entry: int, coverage: float) -> float:
    """Return a bound a little above the score an entry can have (`score_query`'s formula)."""
    most = query.most(index, entry)
    if index.long_names:
        bound = most * (NAME_FLOOR + (1 - NAME_FLOOR) * coverage)
    else:
        bound = coverage * (SHARE_FLOOR + (1 - SHARE_FLOOR) * most)
    return bound * (1 + SLACK)


def score_query(index: Index, query: Query, limit: int = 6) -> list[Scored]:
    """Return the best entries for an analysed question, best first."""
    best: dict[int, tuple[float, Phrase, list[str], float]] = {}
    for phrase_id in _candidates(index, query):
        phrase = index.phrases[phrase_id]
        matched, found = _phrase_match(index, query, phrase)
        if not found or phrase.weight <= 0:
            continue
        coverage = min(matched / phrase.weight, 1.0) * phrase.kind_weight
        if phrase.entry not in best or coverage > best[phrase.entry][0]:
            best[phrase.entry] = (coverage, phrase, found, matched)

    # A score never exceeds its coverage: stop once coverage cannot reach the last kept score.
    # (Long names are scored by the question's share, so they are taken by weight matched.)
    def rank(item: tuple[int, tuple[float, Phrase, list[str], float]]) -> float:
        """Order entries: by coverage, or for long names by the weight they matched."""
        return -(item[1][3] if index.long_names else item[1][0])

    kept: list[tuple[float, int, float, float]] = []
    for entry, (coverage, *_) in sorted(best.items(), key=rank):
        if len(kept) >= SHARES or (
            not index.long_names and len(kept) >= limit and coverage <= kept[-1][0]
        ):
            break
        if len(kept) >= limit and _most(index, query, entry, coverage) <= kept[-1][0]:
            continue  # it would come last and be dropped: its share is not worth working out
        share = query.share(index, entry)
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
    note = f"; {', '.join(query.notes)}" if query.notes else ""
    scored = []
    for score, entry, share, coverage in kept:
        _, phrase, found, _ = best[entry]
        shown = ", ".join(sorted(found, key=lambda f: -index.idf[f])[:4])
        why = f"{phrase.kind} '{phrase.text}': {shown} (covers {share:.0%}){note}"
        scored.append(Scored(index.ids[entry], score, why, coverage))
    return scored

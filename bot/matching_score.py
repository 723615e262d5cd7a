"""Scoring a question against an `Index`: coverage of each phrase and of the question."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.matching_index import FUZZY, GENERIC_WEIGHT, KIND_WEIGHT, OTHER_MARKS, Index, Phrase
from bot.matching_words import GENERIC
from bot.text import has_marks, normalize, strip_marks, word_set

# In a large index, a feature found in more phrases than this is too common to find candidates
# with (it still counts when scoring them).
COMMON = 1500
# How the question's share explained by an entry tempers the best phrase's coverage.
SHARE_FLOOR = 0.2
SHARE_POWER = 1.0
PAIR_SHARE = True
PAIR_FACTOR = 0.5
# Most phrases scored in full per question.
POOL = 300
# "mất / hết / tốn" before these words ask about cost or time ("mất bao lâu"), not a loss.
_AMOUNT = word_set("bao may bn nhieu tien phi thoi khoang it chung")
_COSTS = frozenset({"mat", "het", "ton"})


@dataclass(frozen=True)
class Thresholds:
    """The confidence rule; tuned on the labelled questions (`python -m bot evaluate --tune`)."""

    answer: float = 0.55  # a curated entry this sure, and `margin` ahead, is answered
    margin: float = 0.08
    clarify: float = 0.25  # below this nothing curated fits
    small_talk_override: float = 0.75  # small talk needs this much to be read as a question
    curated_fits: float = 0.45  # below this best curated score, the national list is searched
    national_factor: float = 0.8  # national scores are scaled down by this
    national_min: float = 0.3  # national candidates below this are dropped
    national_clarify: float = 0.45  # a national first candidate needs this to be offered
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

    @property
    def total(self) -> float:
        """Return the weight of the whole question."""
        return sum(weight for weight, _ in self.groups) or 1.0

    def share(self, bag: frozenset[str]) -> float:
        """Return the share of the question's weight that words of `bag` explain."""
        explained = 0.0
        for weight, words in self.groups:
            inside = sum(w for word, w in words.items() if word in bag)
            explained += weight * inside / (sum(words.values()) or 1.0)
        return explained / self.total


@dataclass(frozen=True)
class Scored:
    """An entry's score for a question, with a short explanation."""

    id: str
    score: float
    why: str


def _word_weight(index: Index, folded: str) -> float:
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
    """Normalise, expand shorthand and vocabulary, and repair typos, against an index."""
    words, origin, notes = index.rewriter.rewrite(normalize(text).split(), chat=True)
    out: list[tuple[str, str, float, int]] = []  # word, folded, quality, group
    for position, word in enumerate(words):
        folded = strip_marks(word)
        group = origin[position]
        following = strip_marks(words[position + 1]) if position + 1 < len(words) else ""
        if folded in _COSTS and following in _AMOUNT:
            continue
        if folded in index.idf or folded in index.known or not folded.isalpha():
            out.append((word, folded, 1.0, group))
            continue
        parts = index.split(folded)
        if parts is not None:
            out.extend((part, part, 0.95, group) for part in parts)
            notes.append(f"{word}→{' '.join(parts)}")
            continue
        near = index.correct(folded)
        if near is not None:
            out.append((near[0], near[0], FUZZY * near[1], group))
            notes.append(f"{word}≈{near[0]}")
            continue
        out.append((word, folded, 1.0, group))
    query = Query([w for w, _, _, _ in out], [f for _, f, _, _ in out], notes)
    grouped: dict[int, dict[str, float]] = {}
    for i, (word, folded, quality, group) in enumerate(out):
        _add(query, folded, quality, (word,))
        if i + 1 < len(out):
            following_word, following_folded, following_quality, _ = out[i + 1]
            pair = f"{folded} {following_folded}"
            _add(query, pair, min(quality, following_quality), (word, following_word))
        grouped.setdefault(group, {})[folded] = _word_weight(index, folded)
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
    matched = 0.0
    found: list[str] = []
    for feature in phrase.features & query.features.keys():
        quality = query.features[feature]
        if any(w not in phrase.exact for w in query.marked[feature]):
            quality *= OTHER_MARKS
        matched += index.idf[feature] * quality
        found.append(feature)
    return matched, found


def _candidates(index: Index, query: Query) -> list[int]:
    common = max(COMMON, len(index.phrases) // 20)
    hits: dict[int, float] = {}
    for feature in query.features:
        posting = index.postings.get(feature)
        if posting is None or len(posting) > common:
            continue
        weight = index.idf[feature]
        for phrase_id in posting:
            hits[phrase_id] = hits.get(phrase_id, 0.0) + weight
    if not hits:
        # Only very common words: fall back to them, so "đăng ký" still lists something.
        for feature in query.features:
            for phrase_id in index.postings.get(feature, ())[:POOL]:
                hits[phrase_id] = hits.get(phrase_id, 0.0) + index.idf[feature]
    return sorted(hits, key=lambda p: -hits[p])[:POOL]


def score_query(index: Index, query: Query, limit: int = 10) -> list[Scored]:
    """Return the best entries for an analysed question, best first."""
    best: dict[int, tuple[float, str]] = {}
    for phrase_id in _candidates(index, query):
        phrase = index.phrases[phrase_id]
        matched, found = _phrase_match(index, query, phrase)
        if not found or phrase.weight <= 0:
            continue
        coverage = min(matched / phrase.weight, 1.0) * KIND_WEIGHT.get(phrase.kind, 1.0)
        if coverage > best.get(phrase.entry, (0.0, ""))[0]:
            shown = sorted(found, key=lambda f: -index.idf[f])[:4]
            best[phrase.entry] = (coverage, f"{phrase.kind} '{phrase.text}': {', '.join(shown)}")
    scored: list[Scored] = []
    note = f"; {', '.join(query.notes)}" if query.notes else ""
    for entry, (coverage, why) in best.items():
        share = query.share(index.entry_features[entry])
        score = coverage * (SHARE_FLOOR + (1 - SHARE_FLOOR) * share**SHARE_POWER)
        scored.append(Scored(index.ids[entry], score, f"{why} (covers {share:.0%}){note}"))
    scored.sort(key=lambda s: -s.score)
    return scored[:limit]

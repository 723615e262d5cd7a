"""Scoring a question against an `Index`: coverage of each phrase and of the question."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.matching_index import FOLDED_STOPWORDS, FUZZY, KIND_WEIGHT, OTHER_MARKS, Index, Phrase
from bot.text import has_marks, normalize, strip_marks

# A feature found in more than this share of entries is too common to find candidates with
# (it still counts when scoring them).
COMMON = 0.06
# Most phrases scored in full per question.
POOL = 300


@dataclass(frozen=True)
class Thresholds:
    """The confidence rule; tuned on the labelled questions (see bot.evaluation)."""

    answer: float = 0.55
    margin: float = 0.08
    clarify: float = 0.3
    small_talk_override: float = 0.75
    curated_fits: float = 0.45
    national_factor: float = 0.8
    national_min: float = 0.3
    answer_national: float = 0.9


@dataclass
class Query:
    """A question read against one index: its folded words, features and weights."""

    words: list[str]
    folded: list[str]
    quality: list[float]
    notes: list[str]
    features: dict[str, float] = field(default_factory=dict)
    marked: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Scored:
    """An entry's score for a question, with a short explanation."""

    id: str
    score: float
    why: str


def analyse(index: Index, text: str) -> Query:
    """Normalise, expand shorthand and vocabulary, and repair typos, against an index."""
    words, notes = index.rewriter.rewrite(normalize(text).split(), chat=True)
    out_words: list[str] = []
    out_folded: list[str] = []
    quality: list[float] = []
    for word in words:
        folded = strip_marks(word)
        if folded in index.idf or folded in FOLDED_STOPWORDS or not folded.isalpha():
            out_words.append(word)
            out_folded.append(folded)
            quality.append(1.0)
            continue
        parts = index.split(folded)
        if parts is not None:
            out_words.extend(parts)
            out_folded.extend(parts)
            quality.extend([0.95, 0.95])
            notes.append(f"{word}→{' '.join(parts)}")
            continue
        near = index.correct(folded)
        if near is not None:
            out_words.append(near[0])
            out_folded.append(near[0])
            quality.append(FUZZY * near[1])
            notes.append(f"{word}≈{near[0]}")
            continue
        out_words.append(word)
        out_folded.append(folded)
        quality.append(1.0)
    query = Query(out_words, out_folded, quality, notes)
    for i, folded in enumerate(out_folded):
        _add(query, folded, quality[i], out_words[i : i + 1])
        if i + 1 < len(out_folded):
            pair = f"{folded} {out_folded[i + 1]}"
            _add(query, pair, min(quality[i], quality[i + 1]), out_words[i : i + 2])
        if folded in query.weights:
            continue
        if folded in FOLDED_STOPWORDS:
            query.weights[folded] = 0.1 * index.idf.get(folded, 1.0)
        elif folded in index.idf:
            query.weights[folded] = index.idf[folded]
        elif folded.isalpha():
            query.weights[folded] = 0.5 * index.unknown_weight
        else:
            query.weights[folded] = 0.2
    return query


def _add(query: Query, feature: str, quality: float, words: list[str]) -> None:
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


def score_query(index: Index, query: Query, limit: int = 10) -> list[Scored]:
    """Return the best entries for an analysed question, best first."""
    common = max(8, int(COMMON * len(index.ids)))
    hits: dict[int, float] = {}
    for feature in query.features:
        posting = index.postings.get(feature)
        if posting is None or len(posting) > common:
            continue
        weight = index.idf[feature]
        for phrase_id in posting:
            hits[phrase_id] = hits.get(phrase_id, 0.0) + weight
    if not hits:
        # Only common words: fall back to them, so "đăng ký" still lists something.
        for feature in query.features:
            for phrase_id in index.postings.get(feature, ())[: POOL * 4]:
                hits[phrase_id] = hits.get(phrase_id, 0.0) + index.idf[feature]
    pool = sorted(hits, key=lambda p: -hits[p])[:POOL]
    total = sum(query.weights.values()) or 1.0
    best: dict[int, tuple[float, str]] = {}
    for phrase_id in pool:
        phrase = index.phrases[phrase_id]
        matched, found = _phrase_match(index, query, phrase)
        if not found or phrase.weight <= 0:
            continue
        coverage = min(matched / phrase.weight, 1.0) * KIND_WEIGHT.get(phrase.kind, 1.0)
        if coverage > best.get(phrase.entry, (0.0, ""))[0]:
            shown = sorted(found, key=lambda f: -index.idf[f])[:4]
            best[phrase.entry] = (coverage, f"{phrase.kind} '{phrase.text}': {', '.join(shown)}")
    scored: list[Scored] = []
    for entry, (coverage, why) in best.items():
        bag = index.entry_features[entry]
        explained = sum(w for f, w in query.weights.items() if f in bag)
        share = explained / total
        score = 0.6 * coverage + 0.4 * share
        note = f"; {', '.join(query.notes)}" if query.notes else ""
        scored.append(Scored(index.ids[entry], score, f"{why} (covers {share:.0%}){note}"))
    scored.sort(key=lambda s: -s.score)
    return scored[:limit]

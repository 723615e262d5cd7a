"""Scoring a question against an `Index`: coverage of each phrase and of the question."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.matching.index import FUZZY, GENERIC_WEIGHT, Index
from bot.matching.words import GENERIC, GENERIC_WORDS, national_syllables
from bot.text import expand_shorthand, normalize, strip_marks, word_set

PAIR_SHARE = True
PAIR_FACTOR = 0.5
# A repaired typo that makes a known word pair with its neighbour counts this much more.
CONFIRMED = 0.1
# Repairs at least this close are taken (about one edit in four letters; measured on typo'd
# copies of our questions, demanding more lost more than it saved). The neighbouring word picks
# between candidates and confirms a repair.
SURE_REPAIR = 0.75
# Bounds are widened by this much, so that no rounding can make one fall below what it bounds.
SLACK = 1e-9
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
    top: float = 1.0  # see `ceiling`
    mosts: dict[int, float] = field(default_factory=dict)  # see `most`, per entry
    # Per entry: the feature numbers of `asked` it holds (worked out once for `most` and `share`).
    holding: dict[int, frozenset[int]] = field(default_factory=dict)
    # Per feature: what it adds to a phrase that holds it, with and without the question's
    # marks on its words, and those marked words (see `_phrase_match`); made once per question.
    gains: dict[int, tuple[float, float, tuple[int, ...]]] | None = None
    # On a large index: per entry, what the features of `asked` it holds reach together
    # (`large.ByFeature.reached`), for `most`.
    reached: Any = None

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
        self.top = sum(reach.values()) / self.whole * (1 + SLACK) ** 2 + 2 * SLACK
        return numbered

    def prepared(
        self, index: Index
    ) -> list[tuple[int, float, float, tuple[tuple[int, float], ...]]]:
        """Return the groups as `share` reads them (`numbered`), worked out on first need."""
        numbered = self.numbered
        return self._prepare(index) if numbered is None else numbered

    def most(self, index: Index, entry: int) -> float:
        """Return a bound a little above `share` (the same sum in another order, plus slack)."""
        most = self.mosts.get(entry)
        if most is None:
            if self.numbered is None:
                self._prepare(index)
            if self.reached is not None:
                # The same terms summed in another order: the slack allows for it.
                most = float(self.reached[entry]) / self.whole * (1 + SLACK) + SLACK
            else:
                held = self._held(index, entry)
                most = sum(map(self.reach.__getitem__, held)) / self.whole * (1 + SLACK) + SLACK
            self.mosts[entry] = most
        return most

    def _held(self, index: Index, entry: int) -> frozenset[int]:
        """Return the question's feature numbers an entry holds (found in one pass in C)."""
        held = self.holding.get(entry)
        if held is None:
            runs = index.held  # (`Flat.__getitem__`, written out)
            ends = runs.ends
            row = runs.values[ends[entry - 1] if entry else 0 : ends[entry]]
            held = self.holding[entry] = self.asked.intersection(row)
        return held

    def ceiling(self, index: Index) -> float:
        """Return a bound above `most` for every entry: all the question's features held (the
        sum of more of the same terms, with slack for the order they are summed in)."""
        if self.numbered is None:
            self._prepare(index)
        return self.top

    def share(self, index: Index, entry: int) -> float:
        """Return the share of the question's weight that an entry's words explain."""
        numbered = self.numbered
        if numbered is None:
            numbered = self._prepare(index)
        held = self._held(index, entry)
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
            if len(words) == 1:
                # (Most groups: `total` is then 0.0 + w, which is w.)
                ((word, w),) = words.items()
                number = numbers.get(word)
                if number is not None:
                    numbered.append((number, weight * w / (w or 1.0), w, ()))
                continue
            total = 0.0
            for w in words.values():
                total += w
            known = tuple((numbers[word], w) for word, w in words.items() if word in numbers)
            if known:
                numbered.append((-1, weight, total, known))
        return numbered


@dataclass(frozen=True)
class Reading:
    """A question's words as read against one index (typos repaired, vocabulary rewritten),
    before they are weighed: each as (word, folded, quality, the typed word it comes from)."""

    words: list[str]
    folded: list[str]
    notes: list[str]
    out: list[tuple[str, str, float, int]]


def analyse(index: Index, text: str) -> Query:
    """Normalise, expand shorthand, repair typos, then rewrite vocabulary, against an index.

    Typos are repaired first, so that a repaired word can still take part in a vocabulary key
    ("qua mgạng" → "qua mang" → "trực tuyến", "bhty" → "bhyt" → "bảo hiểm y tế").
    """
    return weigh(index, read(index, text))


def read(index: Index, text: str) -> Reading:
    """Return a question's words as `analyse` reads them against an index, not yet weighed
    (what needs only the words, not their weights, can stop here)."""
    notes: list[str] = []
    typed = expand_shorthand(normalize(text).split())
    folded_typed = list(map(strip_marks, typed))
    flat: list[str] = []
    flat_quality: list[float] = []
    idf, known = index.idf, index.known
    syllables: frozenset[str] | None = None  # the national names' (read on first need)
    for position, word in enumerate(typed):
        folded = folded_typed[position]
        if folded in idf or folded in known or not folded.isalpha():
            flat.append(word)
            flat_quality.append(1.0)
            continue
        if syllables is None:
            syllables = national_syllables()
        if folded in syllables:
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
    folded_words = list(map(strip_marks, words))
    last = len(words) - 1
    for position, word in enumerate(words):
        folded = folded_words[position]
        if folded in _COSTS and position < last and folded_words[position + 1] in _AMOUNT:
            continue
        group = origin[position]
        out.append((word, folded, flat_quality[group], group))
    return Reading([w for w, _, _, _ in out], [f for _, f, _, _ in out], notes, out)


def weigh(index: Index, reading: Reading) -> Query:
    """Return the query of a reading against the index it was read against: its features,
    how sure each is, and how much each word weighs."""
    out = reading.out
    query = Query(reading.words, reading.folded, reading.notes)
    features, marked = query.features, query.marked
    grouped: dict[int, dict[str, float]] = {}
    # A word weighs its idf, else as an unknown word (a generic one less); a pair of words its
    # idf times PAIR_FACTOR, else the same. Written out in the loop, the products worked out
    # once: a long question read against the national list has dozens of words.
    idf = index.idf
    unknown = index.unknown_weight
    typo = 0.5 * unknown
    generic = GENERIC_WEIGHT * unknown
    generic_pair = generic * PAIR_FACTOR
    unknown_pair = typo * PAIR_FACTOR
    last = len(out) - 1
    for i, (word, folded, quality, group) in enumerate(out):
        # A word carries marks when folding changes it (`has_marks`).
        mark = (word,) if folded != word else ()
        if quality > features.get(folded, 0.0):
            features[folded] = quality
            marked[folded] = mark
        if folded in GENERIC and word != folded and word not in GENERIC_WORDS:
            # Typed with marks that make it another word: "dược" (pharmacy) is not "được".
            weight = typo
        elif folded in idf:
            weight = idf[folded]
        elif folded in GENERIC:
            weight = generic
        elif folded.isalpha():
            weight = typo
        else:
            weight = 0.2
        if i < last:
            following_word, following_folded, following_quality, following_group = out[i + 1]
            pair = f"{folded} {following_folded}"
            pair_quality = following_quality if following_quality < quality else quality
            if pair_quality > features.get(pair, 0.0):
                features[pair] = pair_quality
                if following_folded != following_word:
                    marked[pair] = (*mark, following_word)
                else:
                    marked[pair] = mark
            grouped.setdefault(group, {})[folded] = weight
            if PAIR_SHARE and following_group != group:
                if pair in idf:
                    pair_weight = idf[pair] * PAIR_FACTOR
                elif folded in GENERIC and following_folded in GENERIC:
                    pair_weight = generic_pair
                else:
                    pair_weight = unknown_pair
                grouped[-1 - i] = {pair: pair_weight}
        else:
            grouped.setdefault(group, {})[folded] = weight
    weights = list(grouped.values())
    query.groups = list(zip(map(max, map(dict.values, weights)), weights, strict=True))
    return query

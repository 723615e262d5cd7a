"""The search index behind `bot.matching`: weighted syllable and syllable-pair features.

Vietnamese words are made of syllables ("khai sinh", "tạm trú"), so a feature is a folded
syllable or a pair of adjacent folded syllables; pairs tell far more than single syllables
("khai sinh" against "khai" + "sinh"). Each feature weighs its inverse document frequency over
the entries, so the words found everywhere (đăng ký, cấp, giấy, thủ tục) weigh little. An entry is
indexed as phrases (its name, each alias, its summary); a phrase scores by how much of its weight
the question covers, and by how much of the question it explains.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.matching_words import EVERYDAY, GENERIC, national_syllables
from bot.text import expand_shorthand, has_marks, normalize, strip_marks

# How much a phrase of each kind counts: the summary is a description, not how people ask.
KIND_WEIGHT = {"name": 1.0, "alias": 1.0, "summary": 0.55}
# A marked question word that meets the same word with other marks (mấy / máy) is most likely
# another word: it counts for little.
OTHER_MARKS = 0.5
# A fuzzy (typo) match counts this much of an exact one, times the similarity.
FUZZY = 0.85
# Generic words weigh this share of their catalogue weight.
GENERIC_WEIGHT = 0.2


@dataclass(frozen=True)
class Phrase:
    """One indexed phrase of an entry, with its features and their weights."""

    entry: int
    kind: str
    text: str
    features: frozenset[str]
    exact: frozenset[str]
    weight: float


Key = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # words, folded or exact, target


class Rewriter:
    """Rewrites shorthand and vocabulary keys into the words the catalogue uses."""

    def __init__(self, vocabulary: Mapping[str, tuple[str, ...]]) -> None:
        # Keys are found by their first word (as typed, and folded for unmarked questions).
        self.short: dict[str, list[Key]] = {}
        self.long: dict[str, list[Key]] = {}
        for key, expansions in vocabulary.items():
            words = tuple(normalize(key).split())
            if not words:
                continue
            folded = tuple(strip_marks(w) for w in words)
            # A short marked key ("đẻ") must not swallow its unmarked look-alike ("de" = để).
            loose = len(words) > 1 or len(folded[0]) > 3 or folded[0] == words[0]
            target: list[str] = []
            for expansion in expansions:
                for word in normalize(expansion).split():
                    if word not in target:
                        target.append(word)
            entry: Key = (words, folded if loose else words, tuple(target))
            table = self.short if len(words) == 1 else self.long
            for first in {words[0], entry[1][0]}:
                table.setdefault(first, []).append(entry)
        for table in (self.short, self.long):
            for keys in table.values():
                # Longest keys first, so "sổ đỏ" wins over "sổ".
                keys.sort(key=lambda k: -len(k[0]))

    def rewrite(self, words: list[str], chat: bool) -> tuple[list[str], list[int], list[str]]:
        """Return the rewritten words, the original word each comes from, and notes for `why`.

        One-word keys go first ("cty" → "công ty"), so that longer keys can then match what
        they produced ("mở công ty" → "thành lập doanh nghiệp").
        """
        if chat:
            words = expand_shorthand(words)
        notes: list[str] = []
        first, first_origin = self._pass(words, self.short, notes)
        second, second_origin = self._pass(first, self.long, notes)
        return second, [first_origin[i] for i in second_origin], notes

    @staticmethod
    def _pass(
        words: list[str], table: dict[str, list[Key]], notes: list[str]
    ) -> tuple[list[str], list[int]]:
        out: list[str] = []
        origin: list[int] = []
        i = 0
        while i < len(words):
            word = words[i]
            # A loose key is filed under its folded first word too, which is what an unmarked
            # word looks like: one look-up finds every key that can start here.
            for key, loose, target in table.get(word, ()):
                n = len(key)
                span = words[i : i + n]
                if len(span) == n and all(
                    w == k or (not has_marks(w) and w == f)
                    for w, k, f in zip(span, key, loose, strict=True)
                ):
                    out.extend(target)
                    origin.extend([i] * len(target))
                    notes.append(f"{' '.join(span)}→{' '.join(target)}")
                    i += n
                    break
            else:
                out.append(word)
                origin.append(i)
                i += 1
        return out, origin


def features_of(folded: Sequence[str]) -> list[str]:
    """Return the syllables and adjacent syllable pairs of a folded word list."""
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(folded)]
    return [*folded, *pairs]


@dataclass
class Index:
    """Phrases of a set of entries, with feature weights and posting lists."""

    ids: list[str]
    phrases: list[Phrase]
    idf: dict[str, float]
    postings: dict[str, list[int]]
    rewriter: Rewriter
    vocab_by_length: dict[int, list[str]]
    entry_features: list[frozenset[str]]
    unknown_weight: float
    known: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[str, Sequence[tuple[str, str]]]],
        vocabulary: Mapping[str, tuple[str, ...]],
        known_text: Iterable[str] = (),
    ) -> Index:
        """Index entries given as (id, [(kind, text), ...]); `known_text` holds real words."""
        rewriter = Rewriter(vocabulary)
        ids: list[str] = []
        raw: list[tuple[int, str, str, list[str], list[str]]] = []
        for number, (entry_id, texts) in enumerate(entries):
            ids.append(entry_id)
            for kind, text in texts:
                words, _, _ = rewriter.rewrite(normalize(text).split(), chat=False)
                if words:
                    raw.append((number, kind, text, words, [strip_marks(w) for w in words]))
        df: dict[str, int] = {}
        per_entry: list[set[str]] = [set() for _ in ids]
        for number, _, _, _, folded in raw:
            per_entry[number].update(features_of(folded))
        for entry_feats in per_entry:
            for feat in entry_feats:
                df[feat] = df.get(feat, 0) + 1
        total = max(len(ids), 1)
        idf = {f: _weight(f, total, n) for f, n in df.items()}
        phrases: list[Phrase] = []
        postings: dict[str, list[int]] = {}
        for number, kind, text, words, folded in raw:
            feats = frozenset(features_of(folded))
            exact = frozenset(words)
            weight = sum(idf[f] for f in feats)
            phrase_id = len(phrases)
            phrases.append(Phrase(number, kind, text, feats, exact, weight))
            for feat in feats:
                postings.setdefault(feat, []).append(phrase_id)
        vocab_by_length: dict[int, list[str]] = {}
        for feat in df:
            if " " not in feat:
                vocab_by_length.setdefault(len(feat), []).append(feat)
        return cls(
            ids=ids,
            phrases=phrases,
            idf=idf,
            postings=postings,
            rewriter=rewriter,
            vocab_by_length=vocab_by_length,
            entry_features=[frozenset(f) for f in per_entry],
            unknown_weight=math.log(1 + (total - 0.5) / 1.5),
            known=_known_words(known_text, vocabulary),
        )

    fuzzy_cache: dict[str, tuple[str, float] | None] = field(default_factory=dict)

    def correct(self, word: str) -> tuple[str, float] | None:
        """Return the indexed syllable nearest to an unknown folded word, with its similarity."""
        if word not in self.fuzzy_cache:
            if len(self.fuzzy_cache) > 50_000:
                self.fuzzy_cache.clear()
            self.fuzzy_cache[word] = _nearest(self.vocab_by_length, word)
        return self.fuzzy_cache[word]

    def split(self, word: str) -> list[str] | None:
        """Split a run-together word ("khaisinh") into two indexed syllables, if it is one."""
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if left in self.idf and right in self.idf:
                return [left, right]
        return None


def _weight(feature: str, total: int, df: int) -> float:
    weight = math.log(1 + (total - df + 0.5) / (df + 0.5))
    if all(w in GENERIC for w in feature.split()):
        weight *= GENERIC_WEIGHT
    return weight


def _known_words(
    texts: Iterable[str], vocabulary: Mapping[str, tuple[str, ...]]
) -> frozenset[str]:
    words = set(EVERYDAY) | national_syllables()
    for text in texts:
        words.update(strip_marks(normalize(text)).split())
    for key, expansions in vocabulary.items():
        for text in (key, *expansions):
            words.update(strip_marks(normalize(text)).split())
    return frozenset(words)


def _nearest(vocab_by_length: Mapping[int, list[str]], word: str) -> tuple[str, float] | None:
    if len(word) < 4 or not word.isalpha():
        return None
    cutoff = 75.0 if len(word) <= 5 else 72.0
    choices: list[str] = []
    for length in range(len(word) - 1, len(word) + 2):
        choices.extend(vocab_by_length.get(length, ()))
    found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
    if found is None:
        return None
    return str(found[0]), float(found[1]) / 100.0

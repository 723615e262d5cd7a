"""The search index behind `bot.matching.matcher`: weighted syllable and syllable-pair features.

Vietnamese words are made of syllables ("khai sinh", "tạm trú"), so a feature is a folded
syllable or a pair of adjacent folded syllables; pairs tell far more than single syllables
("khai sinh" against "khai" + "sinh"). Each feature weighs its inverse document frequency over
the entries, so the words found everywhere (đăng ký, cấp, giấy, thủ tục) weigh little. An entry is
indexed as phrases (its name, each alias, its summary); a phrase scores by how much of its weight
the question covers, and by how much of the question it explains.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import getitem

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.bounded import BoundedMemo
from bot.matching.words import EVERYDAY, GENERIC, national_syllables
from bot.text import (
    expand_shorthand,
    has_marks,
    normalize,
    spelling,
    strip_marks,
    strip_marks_uncached,
    typed_words,
)

# How much a phrase of each kind counts. A summary is a description, not how people ask: its
# words only tell which entry explains more of a question (measured: as phrases they never
# changed a ranking, and cost a fifth of the index).
KIND_WEIGHT = {"name": 1.0, "alias": 1.0}
BAG_ONLY = frozenset({"summary"})
# A marked question word that meets the same word with other marks (mấy / máy) is most likely
# another word: it counts for little.
OTHER_MARKS = 0.5
# A fuzzy (typo) match counts this much of an exact one, times the similarity.
FUZZY = 0.85
FUZZY_CACHE_BYTES = 8 * 1024 * 1024  # nearest syllables of unknown words, kept per word
# Generic words weigh this share of their catalogue weight.
GENERIC_WEIGHT = 0.2


@dataclass(frozen=True)
class Phrase:
    """One indexed phrase of an entry, with its features and their weights."""

    entry: int
    kind: str
    text: str
    features: tuple[str, ...]
    marked: tuple[str, ...]  # the words with diacritics, as written
    weight: float
    kind_weight: float


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
        self.firsts = frozenset(self.short) | frozenset(self.long)
        for table in (self.short, self.long):
            for keys in table.values():
                # Longest keys first, so "sổ đỏ" wins over "sổ".
                keys.sort(key=lambda k: -len(k[0]))
        self._short_spans = _spans(self.short)
        self._long_spans = _spans(self.long)

    def rewrite(self, words: list[str], chat: bool) -> tuple[list[str], list[int], list[str]]:
        """Return the rewritten words, the original word each comes from, and notes for `why`.

        One-word keys go first ("cty" → "công ty"), so that longer keys can then match what
        they produced ("mở công ty" → "thành lập doanh nghiệp").
        """
        if chat:
            words = expand_shorthand(words)
        notes: list[str] = []
        first, first_origin = self._pass(words, self._short_spans, notes)
        second, second_origin = self._pass(first, self._long_spans, notes)
        return second, [first_origin[i] for i in second_origin], notes

    @staticmethod
    def _pass(
        words: list[str], table: dict[str, Spans], notes: list[str]
    ) -> tuple[list[str], list[int]]:
        # Only the words that can start a key are tried; the words between them are copied.
        starts = [i for i, word in enumerate(words) if word in table] if table else []
        if not starts:
            return words, list(range(len(words)))
        out: list[str] = []
        origin: list[int] = []
        done = 0  # the words before this one are in `out`
        for i in starts:
            if i < done:
                continue  # inside a key already rewritten
            for n, spans in table[words[i]]:
                key = spans.get(tuple(words[i : i + n]))
                if key is None:
                    continue
                target = key[2]
                out.extend(words[done:i])
                origin.extend(range(done, i))
                out.extend(target)
                origin.extend([i] * len(target))
                span = words[i : i + n]
                if list(target) != span:
                    notes.append(f"{' '.join(span)}→{' '.join(target)}")
                done = i + n
                break
        if not done:
            return words, list(range(len(words)))
        out.extend(words[done:])
        origin.extend(range(done, len(words)))
        return out, origin


# The word runs that start with one word and that a key matches, longest keys first: each
# word of a run is the key's word or, for a loose key, its folded form (an unmarked word).
Spans = list[tuple[int, dict[tuple[str, ...], Key]]]


def _spans(table: dict[str, list[Key]]) -> dict[str, Spans]:
    """Index a table of keys by the exact word runs each matches: a look-up per length."""
    spans: dict[str, Spans] = {}
    for first, keys in table.items():
        by_length: dict[int, dict[tuple[str, ...], Key]] = {}
        for key in keys:  # longest first, then in the vocabulary's order: the first one wins
            words, loose, _ = key
            choices = [tuple(dict.fromkeys((w, f))) for w, f in zip(words, loose, strict=True)]
            for run in itertools.product(*choices):
                if run[0] == first:
                    by_length.setdefault(len(words), {}).setdefault(run, key)
        spans[first] = sorted(by_length.items(), key=lambda item: -item[0])
    return spans


@dataclass
class Index:
    """Phrases of a set of entries, with feature weights and posting lists."""

    ids: list[str]
    phrases: list[Phrase]
    idf: dict[str, float]
    postings: dict[str, array[int]]
    rewriter: Rewriter
    vocab_by_length: dict[int, list[str]]
    numbers: dict[str, int]  # feature -> its number
    held: list[array[int]]  # per entry, the sorted numbers of its features
    unknown_weight: float
    known: frozenset[str] = frozenset()
    scale: list[float] = field(default_factory=list)  # per phrase: kind weight / weight
    long_names: bool = False  # official names only (the national list): see score_query

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
        # Phrases are read once: their features go straight into the posting lists, and
        # their weights are summed once every feature's weight is known. A catalogue has a few
        # thousand syllables and pairs of them: each is folded, joined and interned once, and
        # the loops below look them up without running Python code per word.
        folds = _Folds()
        typed_folds = _TypedFolds(folds, rewriter.firsts)
        pairs_of = _Pairs()
        marks = _Marks()
        drafts: list[tuple[int, str, str, tuple[str, ...], tuple[str, ...]]] = []
        postings: defaultdict[str, array[int]] = defaultdict(partial(array, "I"))
        df: Counter[str] = Counter()
        # Each entry's features (name, aliases, summary) as sorted feature numbers: a few
        # bytes each, where a set per entry would weigh kilobytes. Numbers go by first sight.
        numbers: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        held: list[array[int]] = []
        rewritable = typed_folds.rewritable
        for entry_id, texts in entries:
            number = len(ids)
            ids.append(entry_id)
            bag: set[str] = set()
            for kind, text in texts:
                # Words are taken as typed: their spelling, folding and marks are looked up.
                typed = typed_words(text)
                folded = list(map(typed_folds.__getitem__, typed))
                words = None
                if not rewritable.isdisjoint(typed):
                    spelled = list(map(spelling, typed))
                    rewritten = rewriter.rewrite(spelled, chat=False)[0]
                    # Most phrases hold a word that starts a key but no whole key.
                    if rewritten != spelled:
                        words = rewritten
                        folded = list(map(folds.__getitem__, words))
                if not folded:
                    continue
                pairs = list(map(getitem, map(pairs_of.__getitem__, folded), folded[1:]))
                bag.update(folded, pairs)
                if kind in BAG_ONLY:
                    continue
                feats = tuple(dict.fromkeys(folded + pairs))
                if words is None:
                    marked = dict.fromkeys(map(marks.__getitem__, typed))
                    marked.pop("", None)
                else:
                    marked = dict.fromkeys(sys.intern(w) for w in words if has_marks(w))
                phrase_id = len(drafts)
                drafts.append((number, kind, text, feats, tuple(marked)))
                for posting in map(postings.__getitem__, feats):
                    posting.append(phrase_id)
            df.update(bag)
            held.append(array("I", sorted(map(numbers.__getitem__, bag))))
        total = max(len(ids), 1)
        # The weight depends on the count alone, and generic words weigh less.
        by_count = {n: _weight(total, n) for n in set(df.values())}
        idf = {feature: by_count[n] for feature, n in df.items()}
        for feature in (*folds.generic(), *pairs_of.generic()):
            if feature in idf:
                idf[feature] *= GENERIC_WEIGHT
        phrases = [
            Phrase(
                number,
                kind,
                text,
                feats,
                marked,
                sum(map(idf.__getitem__, feats)),
                KIND_WEIGHT.get(kind, 1.0),
            )
            for number, kind, text, feats, marked in drafts
        ]
        del drafts
        # Typos are repaired towards indexed syllables and the words of vocabulary keys ("bhty"
        # towards "bhyt", which the vocabulary then expands).
        spellings = {f for f in folds.values() if f in df}  # some were rewritten away
        for key in vocabulary:
            spellings.update(w for w in strip_marks(normalize(key)).split() if w.isalpha())
        vocab_by_length: dict[int, list[str]] = {}
        for known in sorted(spellings):
            vocab_by_length.setdefault(len(known), []).append(known)
        return cls(
            ids=ids,
            phrases=phrases,
            idf=idf,
            postings=dict(postings),
            rewriter=rewriter,
            vocab_by_length=vocab_by_length,
            numbers=dict(numbers),
            held=held,
            unknown_weight=math.log(1 + (total - 0.5) / 1.5),
            known=_known_words(known_text, vocabulary),
            scale=[p.kind_weight / (p.weight or 1.0) for p in phrases],
        )

    # Keyed by the unknown words citizens type: bounded by bytes, not by count.
    fuzzy_cache: BoundedMemo[str, list[tuple[str, float]]] = field(
        default_factory=lambda: BoundedMemo(FUZZY_CACHE_BYTES)
    )

    def near(self, word: str) -> list[tuple[str, float]]:
        """Return the indexed syllables close to an unknown folded word, with similarities."""
        found = self.fuzzy_cache.get(word)
        if found is None:
            found = _nearest(self.vocab_by_length, word)
            self.fuzzy_cache.put(word, found)
        return found

    def correct(self, word: str, before: str = "", after: str = "") -> tuple[str, float, bool]:
        """Return the likeliest repair of a typo, its similarity, and whether its neighbours
        confirm it (it makes a known word pair with the word before or after)."""
        best = ("", 0.0, False)
        rank = -1.0
        for candidate, similarity in self.near(word):
            paired = f"{before} {candidate}" in self.idf or f"{candidate} {after}" in self.idf
            # Context first, then closeness, then the more telling (rarer) syllable.
            value = similarity + (0.2 if paired else 0.0) + 0.001 * self.idf.get(candidate, 0.0)
            if value > rank:
                rank, best = value, (candidate, similarity, paired)
        return best

    def holds(self, entry: int, feature: str) -> bool:
        """Tell whether an entry has a feature anywhere in its texts."""
        number = self.numbers.get(feature)
        if number is None:
            return False
        held = self.held[entry]
        at = bisect.bisect_left(held, number)
        return at < len(held) and held[at] == number

    def split(self, word: str) -> list[str] | None:
        """Split a run-together word ("khaisinh") into two indexed syllables, if it is one."""
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if left in self.idf and right in self.idf:
                return [left, right]
        return None


def _weight(total: int, df: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


class _Folds(dict[str, str]):
    """Each word's folded form, interned, worked out on first sight."""

    def __missing__(self, word: str) -> str:
        folded = self[word] = sys.intern(strip_marks(word))
        return folded

    def generic(self) -> set[str]:
        """Return the folded words that are generic."""
        return {f for f in self.values() if f in GENERIC}


class _TypedFolds(dict[str, str]):
    """Each word as typed (see `typed_words`), folded once spelled; notes the words whose
    spelling may start a vocabulary key."""

    def __init__(self, folds: _Folds, firsts: frozenset[str]) -> None:
        super().__init__()
        self.folds = folds
        self.firsts = firsts
        self.rewritable: set[str] = set()

    def __missing__(self, typed: str) -> str:
        word = spelling(typed)
        if word in self.firsts:
            self.rewritable.add(typed)
        folded = self[typed] = self.folds[word]
        return folded


class _Pairs(dict[str, "_Followers"]):
    """Each pair of adjacent folded words as one feature, interned, joined on first sight: by
    its first word, then its second (interned words are found by identity, no tuple made)."""

    def __missing__(self, first: str) -> _Followers:
        followers = self[first] = _Followers(first)
        return followers

    def generic(self) -> list[str]:
        """Return the pairs of generic words."""
        return [
            pair
            for first, followers in self.items()
            if first in GENERIC
            for second, pair in followers.items()
            if second in GENERIC
        ]


class _Followers(dict[str, str]):
    """The pairs that start with one folded word, by their second word."""

    def __init__(self, first: str) -> None:
        super().__init__()
        self.first = first

    def __missing__(self, second: str) -> str:
        joined = self[second] = sys.intern(f"{self.first} {second}")
        return joined


class _Marks(dict[str, str]):
    """Each word as typed, spelled and interned if it carries diacritics, else empty."""

    def __missing__(self, typed: str) -> str:
        word = spelling(typed)
        marked = self[typed] = sys.intern(word) if has_marks(word) else ""
        return marked


def _known_words(
    texts: Iterable[str], vocabulary: Mapping[str, tuple[str, ...]]
) -> frozenset[str]:
    # Tone placement does not matter once the marks are gone: fold without normalising.
    words = set(EVERYDAY) | national_syllables()
    # A large catalogue repeats most of these texts (the same papers, steps and notes).
    for text in set(texts):
        words.update(_LETTERS.findall(strip_marks_uncached(text.casefold())))
    for key, expansions in vocabulary.items():
        for text in (key, *expansions):
            words.update(_LETTERS.findall(strip_marks(text.casefold())))
    return frozenset(words)


_LETTERS = re.compile(r"[a-z0-9]+")


def _nearest(vocab_by_length: Mapping[int, list[str]], word: str) -> list[tuple[str, float]]:
    """Return up to five indexed syllables within about one edit of `word` (swaps count one)."""
    if len(word) < 3 or not word.isalpha():
        return []
    # Three letters: only a letter missing or added ("dog" for "dong"), else too many look-alikes.
    cutoff = 0.75 if len(word) > 3 else 0.74
    choices: list[str] = []
    for length in range(len(word) - 1, len(word) + 2):
        choices.extend(vocab_by_length.get(length, ()))
    found = process.extract(
        word, choices, scorer=OSA.normalized_similarity, score_cutoff=cutoff, limit=5
    )
    return [(str(choice), float(score)) for choice, score, _ in found]

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.bounded import BoundedMemo
from bot.collector import collector_paused
from bot.matching import building, stored
from bot.matching.rewriter import Rewriter
from bot.matching.stored import KIND_WEIGHT, Flat, Phrases, Postings
from bot.matching.words import EVERYDAY

if TYPE_CHECKING:
    from bot.matching.bulk import Vectors
from bot.text import (
    normalize,
    strip_marks,
    strip_marks_uncached,
)

# A marked question word that meets the same word with other marks (mấy / máy) is most likely
# another word: it counts for little.
OTHER_MARKS = 0.5
# A fuzzy (typo) match counts this much of an exact one, times the similarity.
FUZZY = 0.85
FUZZY_CACHE_BYTES = 8 * 1024 * 1024  # nearest syllables of unknown words, kept per word
# Generic words weigh this share of their catalogue weight.
GENERIC_WEIGHT = 0.2


@dataclass
class Index:
    """Phrases of a set of entries, with feature weights and posting lists."""

    ids: list[str]
    phrases: Phrases
    idf: dict[str, float]
    postings: Postings
    rewriter: Rewriter
    vocab_by_length: dict[int, list[str]]
    numbers: dict[str, int]  # feature -> its number
    held: Flat  # per entry, the sorted numbers of its features
    unknown_weight: float
    known: frozenset[str] = frozenset()
    scale: Sequence[float] = ()  # per phrase: kind weight / weight
    long_names: bool = False  # official names only (the national list): see score_query
    # numpy views of the postings and columns, made on a large index's first question (`bulk`)
    vectors: Vectors | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[str, Sequence[tuple[str, str]]]],
        vocabulary: Mapping[str, tuple[str, ...]],
        known_text: Iterable[str] = (),
        cache: Path | None = None,
        label: str = "catalogue",
    ) -> Index:
        """Index entries given as (id, [(kind, text), ...]); `known_text` holds real words.

        With a `cache` folder, an index built before from the same inputs is read back from
        it, and one built here is saved there (see `stored`).
        """
        with collector_paused():
            return cls._build_or_read(entries, vocabulary, known_text, cache, label)

    @classmethod
    def _build_or_read(
        cls,
        entries: Iterable[tuple[str, Sequence[tuple[str, str]]]],
        vocabulary: Mapping[str, tuple[str, ...]],
        known_text: Iterable[str],
        cache: Path | None,
        label: str,
    ) -> Index:
        rewriter = Rewriter(vocabulary)
        name = ""
        if cache is not None:
            entries = list(entries)
            known_text = list(known_text)
            name = stored.cache_key(label, entries, vocabulary, known_text)
            state = stored.read(cache, name)
            if state is not None:
                try:
                    return cls.from_state(state, rewriter)
                except (KeyError, TypeError, ValueError, IndexError):
                    pass  # a damaged file: built again and written anew below
        entries = list(entries)
        if building.bulk(sum(len(texts) for _, texts in entries)):
            from bot.matching import heap  # a build in numpy: large blocks from the heap

            with heap.roomy():
                index = cls._build(entries, vocabulary, known_text, rewriter)
        else:
            index = cls._build(entries, vocabulary, known_text, rewriter)
        if cache is not None:
            stored.write(cache, name, index.to_state())
        return index

    @classmethod
    def _build(
        cls,
        entries: Iterable[tuple[str, Sequence[tuple[str, str]]]],
        vocabulary: Mapping[str, tuple[str, ...]],
        known_text: Iterable[str],
        rewriter: Rewriter,
    ) -> Index:
        read = building.parts(entries, rewriter)
        names = read.names
        total = max(len(read.ids), 1)
        # The weight depends on the count alone, and generic words weigh less.
        by_count = {n: _weight(total, n) for n in set(read.df)}
        weight_of = [by_count[n] for n in read.df]
        numbers = dict(zip(names, range(len(names)), strict=True))
        for feature in read.generic:
            weight_of[numbers[feature]] *= GENERIC_WEIGHT
        idf = dict(zip(names, weight_of, strict=True))
        kinds = list(dict.fromkeys(read.kinds))
        code_of = {kind: code for code, kind in enumerate(kinds)}
        codes = bytes(map(code_of.__getitem__, read.kinds))
        kind_weights = [KIND_WEIGHT.get(kind, 1.0) for kind in kinds]
        # Each phrase's weight: its features' weights summed in its order, as one sum each.
        if building.bulk(len(codes)) and sys.version_info < (3, 12):
            from bot.matching import bulkbuild  # sums as `sum` makes them up to 3.11

            weights, scale = bulkbuild.weights(read.features, weight_of, codes, kind_weights)
        else:
            weights, scale = _weights(read.features, weight_of, codes, kind_weights)
        phrases = Phrases(
            read.entries,
            codes,
            read.texts,
            read.features,
            read.marked,
            weights,
            names,
            read.marks,
            kinds,
        )
        # Typos are repaired towards indexed syllables and the words of vocabulary keys ("bhty"
        # towards "bhyt", which the vocabulary then expands).
        spellings = read.spellings
        for key in vocabulary:
            spellings.update(w for w in strip_marks(normalize(key)).split() if w.isalpha())
        vocab_by_length: dict[int, list[str]] = {}
        for known in sorted(spellings):
            vocab_by_length.setdefault(len(known), []).append(known)
        return cls(
            ids=read.ids,
            phrases=phrases,
            idf=idf,
            postings=Postings(numbers, read.postings),
            rewriter=rewriter,
            vocab_by_length=vocab_by_length,
            numbers=numbers,
            held=read.held,
            unknown_weight=math.log(1 + (total - 0.5) / 1.5),
            known=_known_words(known_text, vocabulary),
            scale=scale,
        )

    def to_state(self) -> dict[str, Any]:
        """Return what `from_state` needs to make this index again (for a cache file)."""
        phrases = self.phrases
        return {
            "ids": self.ids,
            "names": phrases.names,
            "idf": stored.floats(_by_number(self.idf, phrases.names)).tobytes(),
            "entries": phrases.entries.tobytes(),
            "kinds": phrases.kinds,
            "kind_names": phrases.kind_names,
            "texts": stored.strings_state(phrases.texts),
            "features": phrases.features.to_state(),
            "marked": phrases.marked.to_state(),
            "marks": phrases.marks,
            "weights": phrases.weights.tobytes(),
            "scale": stored.floats_bytes(self.scale),
            "postings": self.postings.runs.to_state(),
            "held": self.held.to_state(),
            "vocab_by_length": self.vocab_by_length,
            "unknown_weight": self.unknown_weight,
            "known": self.known,
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], rewriter: Rewriter) -> Index:
        """Make an index again from `to_state`'s output (ValueError if it does not hold)."""
        names: list[str] = state["names"]
        ids: list[str] = state["ids"]
        numbers = dict(zip(names, range(len(names)), strict=True))
        weights = stored.numbers_of(state["weights"], "d")
        phrases = Phrases(
            stored.numbers_of(state["entries"], "I"),
            state["kinds"],
            stored.strings_of(state["texts"]),
            Flat.from_state(state["features"]),
            Flat.from_state(state["marked"]),
            weights,
            names,
            state["marks"],
            state["kind_names"],
        )
        scale = stored.numbers_of(state["scale"], "d")
        postings = Flat.from_state(state["postings"])
        held = Flat.from_state(state["held"])
        size = len(phrases)
        columns = (phrases.kinds, phrases.texts, phrases.features, phrases.marked, weights, scale)
        if any(len(column) != size for column in columns):
            raise ValueError("phrase columns of different lengths")
        if len(postings) != len(names) or len(held) != len(ids) or len(numbers) != len(names):
            raise ValueError("runs that do not match their features or entries")
        return cls(
            ids=ids,
            phrases=phrases,
            idf=dict(zip(names, stored.numbers_of(state["idf"], "d"), strict=True)),
            postings=Postings(numbers, postings),
            rewriter=rewriter,
            vocab_by_length=state["vocab_by_length"],
            numbers=numbers,
            held=held,
            unknown_weight=float(state["unknown_weight"]),
            known=frozenset(state["known"]),
            scale=scale,
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


def _weights(
    features: Flat, weight_of: Sequence[float], codes: bytes, kind_weights: Sequence[float]
) -> tuple[array[float], array[float]]:
    """Return each phrase's weight (its features' weights summed in its order) and its scale
    (its kind's weight over its weight)."""
    each = iter(list(map(weight_of.__getitem__, features.values)))
    ends = features.ends
    weights = stored.floats(
        sum(itertools.islice(each, end - start))
        for start, end in zip(itertools.chain((0,), ends), ends, strict=False)
    )
    scale = stored.floats(
        kind_weights[code] / (weight or 1.0) for code, weight in zip(codes, weights, strict=True)
    )
    return weights, scale


def _by_number(idf: dict[str, float], names: list[str]) -> Iterable[float]:
    """Return the weights in the order of the features' numbers (`names`)."""
    # `idf` is made from `names` in their order (`_build`, `from_state`): its values are in it
    # (the same strings: compared by identity first, no look-up per feature).
    if list(idf) == names:
        return idf.values()
    return map(idf.__getitem__, names)


def _weight(total: int, df: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _known_words(
    texts: Iterable[str], vocabulary: Mapping[str, tuple[str, ...]]
) -> frozenset[str]:
    # Tone placement does not matter once the marks are gone: fold without normalising. (The
    # national names' syllables are real words too: `analyse` asks `national_syllables` for
    # them on the first question, not every start.)
    words = set(EVERYDAY)
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
    from rapidfuzz import process  # here: a start-up that answers nothing yet need not load it
    from rapidfuzz.distance import OSA

    found = process.extract(
        word, choices, scorer=OSA.normalized_similarity, score_cutoff=cutoff, limit=5
    )
    return [(str(choice), float(score)) for choice, score, _ in found]

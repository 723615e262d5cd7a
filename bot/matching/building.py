"""Building an `Index`'s arrays from the entries' texts, with few Python steps per phrase.

A 10,000-entry catalogue has about 130,000 texts (names, aliases, summaries) made of a few
thousand distinct words. The texts are split into words in one pass over them all; each
distinct word is spelled, folded and numbered once; each text becomes a run of feature numbers
by look-ups that run no Python code per word; and the posting lists, each entry's features and
their document frequencies come from grouping those runs, not from appending one number at a
time. A catalogue of `stored.BULK` texts or more (about 800 entries) is read in numpy instead
(`bulkbuild`): the same arrays, with no Python step per text.
"""

from __future__ import annotations

import itertools
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import accumulate
from operator import getitem, itemgetter

from bot.matching import numeric, stored
from bot.matching.rewriter import Rewriter
from bot.matching.stored import BAG_ONLY, Flat, Parts
from bot.matching.words import GENERIC
from bot.text import has_marks, spelling, strip_marks, typed_words_of


def parts(entries: Iterable[tuple[str, Sequence[tuple[str, str]]]], rewriter: Rewriter) -> Parts:
    """Read the texts of entries given as (id, [(kind, text), ...])."""
    ids: list[str] = []
    sizes: list[int] = []
    listed: list[tuple[str, str]] = []
    for entry_id, entry_texts in entries:
        ids.append(entry_id)
        sizes.append(len(entry_texts))
        listed.extend(entry_texts)
    kinds = list(map(itemgetter(0), listed))
    texts = list(map(itemgetter(1), listed))
    owners = list(itertools.chain.from_iterable(map(itertools.repeat, range(len(ids)), sizes)))
    del listed
    if bulk(len(texts)):
        from bot.matching import bulkbuild

        return bulkbuild.parts(ids, owners, kinds, texts, rewriter)
    folds = _Folds()
    typed_folds = _TypedFolds(folds, rewriter)
    pairs_of = _Pairs()
    mark_numbers: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    typed_marks = _TypedMarks(mark_numbers)
    # Features are numbered at first sight; a run per text (for the entries' features) and per
    # phrase (for the postings), end to end.
    numbers: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    number_of = numbers.__getitem__
    bag_values: array[int] = array("I")
    bag_owners: array[int] = array("I")
    bag_lengths: list[int] = []
    features: array[int] = array("I")
    lengths: list[int] = []
    marked: array[int] = array("I")
    marked_lengths: list[int] = []
    phrase_entries: array[int] = array("I")
    phrase_kinds: list[str] = []
    phrase_texts: list[str] = []
    short, long_pairs = typed_folds.short, _long_pairs(rewriter)
    for owner, kind, text, typed in zip(owners, kinds, texts, typed_words_of(texts), strict=True):
        # Words are taken as typed: their spelling, folding and marks are looked up.
        folded = list(map(typed_folds.__getitem__, typed))
        if not folded:
            continue
        pairs = list(map(getitem, map(pairs_of.__getitem__, folded), folded[1:]))
        words = None
        # A vocabulary key can match only where a one-word key or the first two words of a
        # longer one are: most texts hold neither, and are not rewritten.
        if not short.isdisjoint(typed) or not long_pairs.isdisjoint(pairs):
            spelled = list(map(spelling, typed))
            rewritten = rewriter.words(spelled)
            if rewritten != spelled:
                words = rewritten
                folded = list(map(folds.__getitem__, words))
                if not folded:
                    continue
                pairs = list(map(getitem, map(pairs_of.__getitem__, folded), folded[1:]))
        feats = list(map(number_of, dict.fromkeys(folded + pairs)))
        bag_values.extend(feats)
        bag_owners.append(owner)
        bag_lengths.append(len(feats))
        if kind in BAG_ONLY:
            continue
        phrase_entries.append(owner)
        phrase_kinds.append(kind)
        phrase_texts.append(text)
        features.extend(feats)
        lengths.append(len(feats))
        if words is None:
            marks = dict.fromkeys(map(typed_marks.__getitem__, typed))
            marks.pop(-1, None)
        else:
            marks = dict.fromkeys(mark_numbers[sys.intern(w)] for w in words if has_marks(w))
        marked.extend(marks)
        marked_lengths.append(len(marks))
    names = list(numbers)  # numbers go 0, 1, 2 ... in the order they were given
    phrase_features = Flat(features, array("Q", accumulate(lengths)))
    group = _group_large if len(lengths) >= stored.LARGE else _group_small
    postings, held, df = group(
        phrase_features, bag_values, bag_owners, bag_lengths, len(ids), len(names)
    )
    return Parts(
        ids=ids,
        names=names,
        entries=phrase_entries,
        kinds=phrase_kinds,
        texts=phrase_texts,
        features=phrase_features,
        marked=Flat(marked, array("Q", accumulate(marked_lengths))),
        marks=list(mark_numbers),
        postings=postings,
        held=held,
        df=df,
        spellings={f for f in folds.values() if f in numbers},  # some were rewritten away
        generic=[f for f in (*folds.generic(), *pairs_of.generic()) if f in numbers],
    )


def bulk(texts: int) -> bool:
    """Tell whether texts this many are read in numpy (`bulkbuild`): many, or numpy is loaded
    already and they are not few."""
    return texts >= stored.BULK or (texts >= stored.BULK // 5 and "numpy" in sys.modules)


def _long_pairs(rewriter: Rewriter) -> frozenset[str]:
    """The first two words of each key of more than one word, folded and joined."""
    return frozenset(
        f"{strip_marks(first)} {strip_marks(second)}"
        for keys in rewriter.long.values()
        for words, loose, _ in keys
        for first, second in ((words[0], words[1]), (loose[0], loose[1]))
    )


def _group_small(
    features: Flat,
    bag_values: array[int],
    bag_owners: array[int],
    bag_lengths: list[int],
    entries: int,
    size: int,
) -> tuple[Flat, Flat, array[int]]:
    """Return the postings, each entry's sorted features and the document frequencies.

    Each entry's features are gathered, sorted and laid into one flat array before the next
    entry's (a set per entry, all held at once, was most of the national list's peak: 8 of
    its 16 MB). `bag_owners` runs in entry order, as `parts` writes it.
    """
    postings: list[list[int]] = [[] for _ in range(size)]
    for phrase in range(len(features)):
        for number in features[phrase]:
            postings[number].append(phrase)
    held_values: array[int] = array("I")
    held_ends: array[int] = array("Q")
    df = array("I", bytes(4 * size))
    bags = len(bag_owners)
    position = start = 0
    for entry in range(entries):
        bag: set[int] = set()
        while position < bags and bag_owners[position] == entry:
            length = bag_lengths[position]
            bag.update(bag_values[start : start + length])
            start += length
            position += 1
        ordered = sorted(bag)
        held_values.extend(ordered)
        held_ends.append(len(held_values))
        for number in ordered:
            df[number] += 1
    return Flat.of(postings), Flat(held_values, held_ends), df


def _group_large(
    features: Flat,
    bag_values: array[int],
    bag_owners: array[int],
    bag_lengths: list[int],
    entries: int,
    size: int,
) -> tuple[Flat, Flat, array[int]]:
    """`_group_small` by sorting flat arrays in numpy."""
    np = numeric.numpy()

    owner_of = np.repeat(
        np.frombuffer(bag_owners, dtype=np.uint32).astype(np.uint64),
        np.array(bag_lengths, dtype=np.int64),
    )
    values = np.frombuffer(bag_values, dtype=np.uint32)
    from bot.matching.bulkbuild import group_large

    return group_large(np, features, owner_of, values, entries, size)


class _Folds(dict[str, str]):
    """Each word's folded form, interned, worked out on first sight."""

    def __missing__(self, word: str) -> str:
        folded = self[word] = sys.intern(strip_marks(word))
        return folded

    def generic(self) -> set[str]:
        """Return the folded words that are generic."""
        return {f for f in self.values() if f in GENERIC}


class _TypedFolds(dict[str, str]):
    """Each word as typed (see `typed_words`), folded once spelled; notes the typed words
    whose spelling is a one-word vocabulary key (`short`)."""

    def __init__(self, folds: _Folds, rewriter: Rewriter) -> None:
        super().__init__()
        self.folds = folds
        self.one_word = rewriter.short
        self.short: set[str] = set()

    def __missing__(self, typed: str) -> str:
        word = spelling(typed)
        if word in self.one_word:
            self.short.add(typed)
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


class _TypedMarks(dict[str, int]):
    """Each word as typed: the number of its spelling if it carries diacritics, else -1."""

    def __init__(self, numbers: defaultdict[str, int]) -> None:
        super().__init__()
        self.numbers = numbers

    def __missing__(self, typed: str) -> int:
        word = spelling(typed)
        number = self[typed] = self.numbers[sys.intern(word)] if has_marks(word) else -1
        return number

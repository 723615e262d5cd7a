"""Reading a large catalogue's texts in numpy: the same `Parts` as `building.parts`' loop.

A 10,000-entry catalogue has about 130,000 texts but only a few thousand distinct words. Each
distinct text is read once, a block of texts at a time: `bulkwords` makes its words numbers
(each distinct word spelled, rewritten, folded and checked for marks once), and the features
of every text (its folded words, then its pairs of adjacent words, each once) come from a few
sorts over those arrays instead of a Python loop per text. They are then laid out for every
text that holds them and numbered at first sight across the texts. Everything comes out as the
loop makes it: the same numbers in the same order (tests/test_bulk_build.py compares the two).
"""

from __future__ import annotations

import itertools
import sys
from array import array
from collections.abc import Sequence
from itertools import compress
from typing import Any

from bot.matching import bulkwords, numeric
from bot.matching.bulkwords import BETWEEN, Numbered
from bot.matching.rewriter import Rewriter
from bot.matching.stored import BAG_ONLY, Flat, Parts
from bot.matching.words import GENERIC
from bot.text import strip_marks_uncached

_BLOCK = 8192  # texts read at a time
# Keys are numbered by a table of every key up to the largest when that is below this many
# times their count (a table of a few bytes a key), else by sorting them (`_number`).
_DENSE = 4


def parts(
    ids: list[str], owners: list[int], kinds: list[str], texts: list[str], rewriter: Rewriter
) -> Parts:
    """`building.parts` for texts already listed: text `i` is `kinds[i]` of entry `owners[i]`."""
    np = numeric.numpy()

    count = len(texts)
    none = np.zeros(0, dtype=np.int64)  # so that no block still concatenates
    bag = ~np.fromiter(map(BAG_ONLY.__contains__, kinds), dtype=bool, count=count)
    # Each distinct text is read once (a large catalogue repeats summaries and aliases).
    # One pass of a dict: each text's first place, then the distinct texts numbered in order.
    distinct: dict[str, int] = {}
    text_id = np.fromiter(
        map(distinct.setdefault, texts, itertools.count()), dtype=np.int64, count=count
    )
    unique = list(distinct)
    del distinct
    if len(unique) < count:
        number = np.zeros(count, dtype=np.int64)
        number[np.flatnonzero(text_id == np.arange(count))] = np.arange(len(unique))
        text_id = number[text_id]
        del number
    words = Numbered()  # the words as spelled, rewritten words included
    typed = Numbered({BETWEEN: 0})  # the words as typed, and each one's spelling
    spelled: list[int] = []
    folds = Numbered()
    fold_of: list[int] = []
    marked_word: list[bool] = []
    # per block: its features, and how many folded words there were then (see `_keys`)
    keys: list[tuple[Any, int]] = []
    key_texts: list[Any] = []
    mark_words: list[Any] = []
    mark_texts: list[Any] = []
    filled: list[Any] = []
    rewriting = bulkwords.Rewriting(np, rewriter, words)
    # A block of texts at a time: only the features they keep are held, not every word's.
    for start in range(0, len(unique), _BLOCK):
        block = unique[start : start + _BLOCK]
        tokens, text_of = bulkwords.spelled(np, block, words, typed, spelled)
        tokens, text_of = rewriting(tokens, text_of)
        for word in itertools.islice(words, len(fold_of), None):
            folded = sys.intern(strip_marks_uncached(word))  # once a word: no memo
            fold_of.append(folds[folded])
            marked_word.append(folded != word)
        lengths = np.bincount(text_of, minlength=len(block))
        filled.append(lengths > 0)
        # The marked words of each text, each once per text.
        chosen = np.asarray(marked_word)[tokens]
        kept = _once(np, tokens[chosen].astype(np.int64), text_of[chosen])
        mark_words.append(tokens[chosen][kept])
        mark_texts.append(text_of[chosen][kept] + start)
        # Each text's features (its folded words, then its pairs), each once.
        folded_tokens = np.asarray(fold_of, dtype=np.int64)[tokens]
        del tokens
        block_keys, block_texts = _keys(np, folded_tokens, text_of, lengths, len(folds))
        kept = _once(np, block_keys, block_texts)
        keys.append((block_keys[kept], len(folds)))
        key_texts.append((block_texts[kept] + start).astype(np.int32))
    del unique
    is_phrase = np.concatenate([*filled, np.zeros(0, dtype=bool)])[text_id] & bag
    # Features numbered at first sight, text after text.
    runs = [_pairs_as(np, k, n, len(folds)) for k, n in keys]
    del keys
    # Numbered over the distinct texts, before they are laid out for every text: a key comes
    # first in the first text that holds it, which is never a text that came before.
    feature, unique_keys = _number(np, runs)
    names, spellings, generic = _names(np, unique_keys, list(folds))
    every = np.ones(count, dtype=bool)
    key_text, runs = _each(np, text_id, every, np.concatenate([*key_texts, none]), [feature])
    del key_texts
    feature = runs.pop()
    in_phrase = is_phrase[key_text]
    features = Flat(
        array("I", feature[in_phrase].astype(np.uint32).tobytes()),
        _ends(np, np.bincount(key_text[in_phrase], minlength=count)[is_phrase]),
    )
    del in_phrase
    postings, held, df = group_large(
        np,
        features,
        np.asarray(owners, dtype=np.int32)[key_text],
        feature,
        len(ids),
        len(names),
    )
    del feature, key_text
    mark_phrases, mark_words = _each(
        np, text_id, is_phrase, np.concatenate([*mark_texts, none]), mark_words
    )
    marked, marks = _marks(np, mark_words, [mark_phrases], is_phrase, list(words))
    phrase_list = is_phrase.tolist()
    return Parts(
        ids=ids,
        names=names,
        entries=array("I", compress(owners, phrase_list)),
        kinds=list(compress(kinds, phrase_list)),
        texts=list(compress(texts, phrase_list)),
        features=features,
        marked=marked,
        marks=marks,
        postings=postings,
        held=held,
        df=df,
        spellings=spellings,
        generic=generic,
    )


def _each(
    np: Any, text_id: Any, chosen: Any, owner: Any, runs: list[Any]
) -> tuple[Any, list[Any]]:
    """Return, for the `chosen` texts in order, the values each one's distinct text holds (the
    values of `runs`, end to end, held by the distinct texts `owner`, ascending), and whose
    they are (numbers of all texts); `runs` is emptied as it is read."""
    values = runs[0] if len(runs) == 1 else np.concatenate([*runs, np.zeros(0, np.int64)])
    runs.clear()
    if chosen.all() and np.array_equal(text_id, np.arange(len(text_id))):  # none came twice
        return owner, [values]
    lengths = np.bincount(owner, minlength=int(text_id.max(initial=-1)) + 1)
    where = np.flatnonzero(chosen)
    sizes = lengths[text_id[where]]
    at = bulkwords.positions(np, (np.cumsum(lengths) - lengths)[text_id[where]], sizes)
    return np.repeat(where.astype(np.int32), sizes), [values[at]]


def group_large(
    np: Any, features: Flat, owner_of: Any, bag_values: Any, entries: int, size: int
) -> tuple[Flat, Flat, array[int]]:
    """Return the postings, each entry's sorted features and the document frequencies, from
    the phrases' `features` and each entry's features as numpy arrays (`owner_of[i]` holds
    `bag_values[i]`, entries ascending)."""
    values = np.frombuffer(features.values, dtype=np.uint32)
    ends = np.frombuffer(features.ends, dtype=np.uint64).astype(np.int64)
    # One sort of (feature, phrase) pairs packed in one number (each pair comes once): by
    # feature, each posting's phrases in order.
    bits = max(len(ends).bit_length(), 1)
    packed = values.astype(np.int64)
    packed <<= bits
    packed |= np.repeat(np.arange(len(ends), dtype=np.int32), np.diff(ends, prepend=0))
    packed.sort()
    packed &= (1 << bits) - 1
    postings = Flat(
        array("I", packed.astype(np.uint32).tobytes()),
        array("Q", np.cumsum(np.bincount(values, minlength=size)).astype(np.uint64).tobytes()),
    )
    del packed
    # Each (entry, feature) once, sorted: by entry, then by feature. In 32 bits when they fit
    # (10,000 entries of 100,000 features do): sorted in half the time.
    shift = max((size - 1).bit_length(), 1)
    wide = max((entries - 1).bit_length(), 1) + shift > 32
    pairs = owner_of.astype(np.int64 if wide else np.uint32)
    pairs <<= shift
    pairs |= bag_values.astype(pairs.dtype, copy=False)
    pairs.sort()
    if len(pairs):
        fresh = np.ones(len(pairs), dtype=bool)
        np.not_equal(pairs[1:], pairs[:-1], out=fresh[1:])
        pairs = pairs[fresh]
        del fresh
    feature = (pairs & ((1 << shift) - 1)).astype(np.uint32, copy=False)
    pairs >>= shift  # each pair's entry
    held = Flat(
        array("I", feature.tobytes()),
        array("Q", np.cumsum(np.bincount(pairs, minlength=entries)).astype(np.uint64).tobytes()),
    )
    del pairs
    df = array("I", np.bincount(feature, minlength=size).astype(np.uint32).tobytes())
    return postings, held, df


def _keys(np: Any, folded: Any, text_of: Any, lengths: Any, size: int) -> tuple[Any, Any]:
    """Return each text's feature keys as the loop lists them (its folded words, then its
    pairs of adjacent words: a pair of words a, b is `size + a * size + b`), and their texts."""
    first = np.cumsum(lengths) - lengths  # each text's first word
    runs = np.where(lengths > 0, 2 * lengths - 1, 0)
    start = np.cumsum(runs) - runs  # each text's first key
    keys = np.empty(int(runs.sum()), dtype=np.int64)
    position = np.arange(len(folded))
    keys[start[text_of] + position - first[text_of]] = folded
    at = np.flatnonzero(text_of[1:] == text_of[:-1])  # a pair starts here
    text = text_of[at]
    keys[start[text] + lengths[text] + at - first[text]] = (
        size + folded[at] * size + folded[at + 1]
    )
    return keys, np.repeat(np.arange(len(lengths)), runs)


def _once(np: Any, keys: Any, texts: Any) -> Any:
    """Tell, for each key, whether it comes there first in its text (`texts`, ascending)."""
    size = len(keys)
    bits = max(size.bit_length(), 1)
    if size and int(keys.max()) >> (62 - bits):  # too large to pack: numbered first
        keys = np.unique(keys, return_inverse=True)[1].reshape(-1)
    # One sort of (key, position) pairs packed in one number: by key, each in its order, so
    # that a key's places in one text are next to each other.
    packed = keys << bits
    packed |= np.arange(size)
    packed.sort()
    at = packed & ((1 << bits) - 1)
    packed >>= bits
    fresh = np.ones(size, dtype=bool)
    np.not_equal(packed[1:], packed[:-1], out=fresh[1:])
    del packed
    where = texts[at]
    fresh[1:] |= where[1:] != where[:-1]
    kept = np.empty(size, dtype=bool)
    kept[at] = fresh
    return kept


def _number(np: Any, runs: list[Any]) -> tuple[Any, Any]:
    """Return each key's number (the keys of `runs`, end to end, numbered in the order they
    first come) and the keys by number; `runs` is emptied as it is read."""
    size = sum(map(len, runs))
    top = max((int(run.max()) for run in runs if len(run)), default=0)
    if top < _DENSE * size:
        return _number_densely(np, runs, size, top + 1)
    bits = max(size.bit_length(), 1)
    named = None
    if top >> (62 - bits):
        # Too large to pack: numbered in their order first.
        named, inverse = np.unique(np.concatenate(runs), return_inverse=True)
        runs[:] = [inverse.reshape(-1)]
    # One sort of (key, position) pairs packed in one number: by key, each in its order.
    packed = np.empty(size, dtype=np.int64)
    start = 0
    while runs:
        run = runs.pop(0)
        part = packed[start : start + len(run)]
        np.left_shift(run, bits, out=part)
        part |= np.arange(start, start + len(run), dtype=np.int64)
        start += len(run)
        del run, part
    packed.sort()
    at = np.empty(size, dtype=np.int32)
    np.bitwise_and(packed, (1 << bits) - 1, out=at, casting="unsafe")
    packed >>= bits
    new = np.ones(size, dtype=bool)
    np.not_equal(packed[1:], packed[:-1], out=new[1:])
    unique = packed[new]
    del packed
    order = np.argsort(at[new])
    number = np.empty(len(order), dtype=np.int32)
    number[order] = np.arange(len(order), dtype=np.int32)
    group = np.cumsum(new, dtype=np.int32)
    del new
    group -= 1
    numbers = np.empty(size, dtype=np.int32)
    numbers[at] = number[group]
    unique = unique[order]
    return numbers, unique if named is None else named[unique]


def _number_densely(np: Any, runs: list[Any], size: int, top: int) -> tuple[Any, Any]:
    """`_number` for keys below `top`, a few times their count: each key's first place is
    found in a table of all keys, with no sort of them all."""
    first = np.full(top, size, dtype=np.int64)
    start = 0
    for run in runs:
        np.minimum.at(first, run, np.arange(start, start + len(run), dtype=np.int64))
        start += len(run)
    seen = np.flatnonzero(first < size)  # the keys that come, ascending
    unique = seen[np.argsort(first[seen])]  # in the order they first come
    del first, seen
    number = np.zeros(top, dtype=np.int32)
    number[unique] = np.arange(len(unique), dtype=np.int32)
    numbers = np.empty(size, dtype=np.int32)
    start = 0
    while runs:
        run = runs.pop(0)
        np.take(number, run, out=numbers[start : start + len(run)])
        start += len(run)
        del run
    return numbers, unique


def _pairs_as(np: Any, keys: Any, before: int, after: int) -> Any:
    """Return features keyed with `before` folded words (see `_keys`) keyed with `after`."""
    pair = keys >= before
    left, right = np.divmod(keys[pair] - before, before)
    keys[pair] = after + left * after + right
    return keys


def _names(np: Any, keys: Any, folded: list[str]) -> tuple[list[str], set[str], list[str]]:
    """Return the features' names by number (`keys` by number, see `_keys`), the folded words
    among them, and the generic ones (generic words, and pairs of generic words)."""
    size = len(folded)
    pair = keys >= size
    lefts, rights = np.divmod(keys[pair] - size, size)
    common = np.fromiter((f in GENERIC for f in folded), dtype=bool, count=size)
    singles = keys[~pair]
    names = np.empty(len(keys), dtype=object)
    words = list(map(folded.__getitem__, singles.tolist()))
    names[~pair] = words
    # The pairs' names in one join and one split (which makes the strings in C): each pair's
    # first word and a space, then its second and a line break (no folded word holds either).
    pieces = [f"{word} " for word in folded] + [f"{word}\n" for word in folded]
    both = np.empty(2 * len(lefts), dtype=np.int64)
    both[0::2], both[1::2] = lefts, rights + size
    joined = "".join(map(pieces.__getitem__, both.tolist())).split("\n")
    joined.pop()  # after the last line break
    names[pair] = joined
    del joined
    generic = np.zeros(len(keys), dtype=bool)
    generic[~pair] = common[singles]
    generic[pair] = common[lefts] & common[rights]
    return names.tolist(), set(words), names[generic].tolist()


def _marks(
    np: Any, words: list[Any], texts: list[Any], is_phrase: Any, spelled: list[str]
) -> tuple[Flat, list[str]]:
    """Return each phrase's marked words (given once per phrase, in order, by block), numbered
    at first sight, and the words by number."""
    none = np.zeros(0, dtype=np.int64)
    phrase_of = np.concatenate([*texts, none])
    values, unique = _number(np, words)
    runs = Flat(
        array("I", values.astype(np.uint32).tobytes()),
        _ends(np, np.bincount(phrase_of, minlength=len(is_phrase))[is_phrase]),
    )
    return runs, [spelled[w] for w in unique.tolist()]


def _ends(np: Any, lengths: Any) -> array[int]:
    """Return where each run ends, given their lengths."""
    return array("Q", np.cumsum(lengths, dtype=np.uint64).tobytes())


def weights(
    features: Flat, weight_of: Sequence[float], codes: bytes, kind_weights: Sequence[float]
) -> tuple[array[float], array[float]]:
    """`index._weights` in numpy: each phrase's sum runs left to right from 0.0, a column of
    phrases at a time, as `sum` adds floats (up to Python 3.11)."""
    np = numeric.numpy()

    ends = np.frombuffer(features.ends, dtype=np.uint64).astype(np.int64)
    lengths = np.diff(ends, prepend=0)
    terms = np.array(weight_of, dtype=np.float64)[np.frombuffer(features.values, np.uint32)]
    longest = np.argsort(-lengths, kind="stable")  # the longest phrases first
    starts = (ends - lengths)[longest]
    left = np.searchsorted(-lengths[longest], -np.arange(int(lengths.max(initial=0))), "left")
    sums = np.zeros(len(ends), dtype=np.float64)
    for column, count in enumerate(left.tolist()):
        sums[:count] += terms[starts[:count] + column]
    total = np.empty(len(ends), dtype=np.float64)
    total[longest] = sums
    kind = np.array(kind_weights, dtype=np.float64)[np.frombuffer(codes, dtype=np.uint8)]
    scale = kind / np.where(total == 0, 1.0, total)
    return array("d", total.tobytes()), array("d", scale.tobytes())

"""A large catalogue's texts as numbers of words, in numpy: the words `building.parts` reads.

The texts of a block are split into words in numpy: their characters become one array of code
points, a word is a run of word characters, and each word is known by a hash of its characters,
checked character for character against the first word of that hash. Only the distinct words
of a block are made into strings and looked up (a few thousand of some hundred thousand), and
each distinct word is spelled once. The vocabulary's keys are then rewritten over the arrays:
a one-word key word by word, a longer one by walking a tree of keys from every word that starts
one. What comes out is what `typed_words`, `spelling` and `Rewriter.words` make of each text.
"""

from __future__ import annotations

import itertools
import re
import sys
import unicodedata
from array import array
from collections.abc import Sequence
from itertools import chain
from typing import Any

from bot.matching.rewriter import Rewriter
from bot.text import spelling, typed_text, typed_words

BETWEEN = "\0"  # between two texts' words
_PIECE = 1 << 16  # characters split at a time, when texts hold line breaks of their own
# Characters below this are looked up in a table of word characters made once; the few others
# (dashes, quotes, emoji ...) are sorted out one by one.
_TABLE = 0x2000
_WORD = re.compile(r"\w")
# A word of up to this many characters is known by one number: its characters' ranks, a byte
# each (a longer word is spelled out as a string).
_KEY = 8
_MASKS = [(1 << (8 * n)) - 1 for n in range(_KEY + 1)]
_FACTOR = 0x9E3779B97F4A7C15  # odd, its bits spread out: `_kinds`' multiplicative hash
_TABLES: list[Any] = []  # the table, once made
_EDGE = 1 << 32  # more than words are numbered


class Numbered(dict[str, int]):
    """Each string's number, given at first sight (0, 1, 2 ...)."""

    def __missing__(self, key: str) -> int:
        number = self[key] = len(self)
        return number


def spelled(
    np: Any, texts: Sequence[str], words: Numbered, numbers: Numbered, spelled: list[int]
) -> tuple[Any, Any]:
    """Return every text's words as spelled (numbers of `words`) end to end, and their texts;
    `numbers` numbers the words as typed (first `BETWEEN`), `spelled` gives each one's
    spelling (both kept from block to block)."""
    found = _split(np, texts)
    if found is None:
        read, text_of = _split_slowly(np, texts, numbers)
    else:
        typed, starts, ends, keys, spelt, text_of = found
        # Words of one key are one word; the others are read one by one.
        short = np.flatnonzero(~spelt)
        first, which = _kinds(np, keys[short])
        # The words are numbered in the order they first come, as a split meets them.
        heads = np.concatenate((short[first], np.flatnonzero(spelt)))
        order = np.argsort(heads)
        heads = heads[order]
        cuts = map(slice, starts[heads].tolist(), ends[heads].tolist())
        number = np.empty(len(heads), dtype=np.int64)
        number[order] = list(map(numbers.__getitem__, map(typed.__getitem__, cuts)))
        read = np.empty(len(starts), dtype=np.int64)
        read[short] = number[which]
        read[spelt] = number[len(first) :]
    for word in itertools.islice(numbers, len(spelled), None):
        spelled.append(words[sys.intern(spelling(word))] if word != BETWEEN else -1)
    return np.asarray(spelled, dtype=np.int64)[read], text_of


def _split(np: Any, texts: Sequence[str]) -> tuple[str, Any, Any, Any, Any, Any] | None:
    """Return the texts casefolded (one a line), where each word starts and ends in it, each
    word as a number (see `_KEY`), whether it must be spelled out instead, and each word's
    text; None when it cannot be done in one go (a text with a line break of its own, a lone
    surrogate, or more than 255 characters in the words).

    `typed_text` makes a space of every character that is not a word character (`\\w`, but
    for "_") and `split` cuts at spaces: its words are the runs of word characters.
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return None
    if not unicodedata.is_normalized("NFC", joined):
        joined = unicodedata.normalize("NFC", joined)
    typed = joined.casefold()
    del joined
    try:
        codes = np.frombuffer(typed.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:
        return None
    inside = _word_characters(np, codes)
    edges = np.diff(inside.view(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    del edges
    lengths = ends - starts
    # Each word character's rank among those of the block (from 1), a byte each.
    clipped = np.minimum(codes, _TABLE)
    present = np.bincount(clipped, minlength=_TABLE + 1) > 0
    present[:_TABLE] &= _TABLES[0]
    present[_TABLE] = bool(np.any(inside[codes >= _TABLE])) if present[_TABLE] else False
    ranks = np.cumsum(present)
    if ranks[-1] > 255:
        return None
    laid = np.zeros(len(codes) + _KEY, dtype=np.uint8)
    np.take(ranks.astype(np.uint8), clipped, out=laid[: len(codes)])
    # A word of up to `_KEY` characters: its ranks read as one number (its first character
    # lowest), the bytes past its end cleared.
    windows = np.ndarray((len(codes),), dtype="<u8", buffer=laid, strides=(1,))
    keys = windows[starts]
    keys &= np.array(_MASKS, dtype=np.uint64)[np.minimum(lengths, _KEY)]
    spelt = lengths > _KEY  # a longer word, or one with a character past the table
    if present[_TABLE]:
        big = np.flatnonzero((codes >= _TABLE) & inside)
        word = np.searchsorted(starts, big, side="right") - 1
        spelt[word[word >= 0]] = True
    text_of = np.searchsorted(np.flatnonzero(codes == 10), starts)
    return typed, starts, ends, keys, spelt, text_of


def _kinds(np: Any, keys: Any) -> tuple[Any, Any]:
    """Return the first place of each distinct key (ascending keys) and each key's kind.

    The distinct keys are few (a few thousand of some hundred thousand words): they are laid
    in a table by a multiplicative hash, and every key is looked up there at once.
    """
    ordered = np.sort(keys)
    new = np.empty(len(keys), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    distinct = ordered[new]
    del ordered, new
    # A slot per key, among eight times as many as there are: a slot that two distinct keys
    # share holds one of them, and the keys it does not hold are looked up by bisection.
    factor, shift = np.uint64(_FACTOR), np.uint64(64 - max(8 * len(distinct), 2).bit_length())
    table = np.zeros(1 << int(64 - shift), dtype=np.int64)
    table[(distinct * factor) >> shift] = np.arange(len(distinct))
    which = table[(keys * factor) >> shift]
    missed = np.flatnonzero(distinct[which] != keys)
    which[missed] = np.searchsorted(distinct, keys[missed])
    first = np.full(len(distinct), len(keys), dtype=np.int64)
    np.minimum.at(first, which, np.arange(len(keys)))
    return first, which


def _word_characters(np: Any, codes: Any) -> Any:
    """Tell, for each code point, whether it is a word character (`\\w`, but not "_")."""
    if not _TABLES:
        table = np.zeros(_TABLE, dtype=bool)
        table[[i for i in range(_TABLE) if _WORD.match(chr(i))]] = True
        table[ord("_")] = False
        _TABLES.append(table)
    table = _TABLES[0]
    inside = table[np.minimum(codes, _TABLE - 1)]
    others = codes >= _TABLE
    if others.any():
        at = np.flatnonzero(others)
        kinds, which = np.unique(codes[at], return_inverse=True)
        word = [_WORD.match(chr(code)) is not None for code in kinds.tolist()]
        inside[at] = np.array(word, dtype=bool)[which.reshape(-1)]
    return inside


def _split_slowly(np: Any, texts: Sequence[str], numbers: Numbered) -> tuple[Any, Any]:
    """`_split`'s words by `str.split`: each word's number in `numbers`, and its text."""
    typed = typed_text(texts)
    if typed is None:  # a text holds a line break itself
        typed = "\n".join(map(" ".join, map(typed_words, texts)))
    # A split per piece of some thousand texts (not a string per word of them all at once): a
    # NUL (which `typed_words` never keeps) between two texts.
    each: array[int] = array("I")
    start = 0
    while start < len(typed):
        end = typed.find("\n", start + _PIECE)
        end = len(typed) if end < 0 else end
        piece = typed[start:end].replace("\n", f" {BETWEEN} ").split()
        each.extend(map(numbers.__getitem__, piece))
        if end < len(typed):
            each.append(0)
        start = end + 1
    del typed
    read = np.frombuffer(each, dtype=np.uint32) if each else np.zeros(0, dtype=np.uint32)
    between = read == 0
    return read[~between], np.cumsum(between)[~between]


class Rewriting:
    """`Rewriter.words` over the words of one block after another (`spelled`'s numbers).

    A word's one-word key is looked up once, when the word is first seen; the longer keys'
    word runs are laid out as a tree once, their words numbered in `words` (that a word is
    numbered changes nothing the index holds: features are numbered as the texts hold them).
    """

    def __init__(self, np: Any, rewriter: Rewriter, words: Numbered) -> None:
        self.np = np
        self.one_word = rewriter._short_spans
        self.words = words
        self.checked = 0  # the words whose one-word key was looked up
        self.replaced: dict[int, list[int]] = {}
        # The longer keys' word runs as a tree: a node per run's beginning, numbered from 1
        # (0: none); an edge is coded as its node times `_EDGE`, plus its word.
        edges: dict[int, int] = {}
        self.targets: dict[int, tuple[str, ...]] = {}  # the nodes where a whole run ends
        self.longest = 0
        for spans in rewriter._long_spans.values():
            for _, runs in spans:
                for run, key in runs.items():
                    node = 0
                    for word in run:
                        node = edges.setdefault(node * _EDGE + words[word], len(edges) + 1)
                    self.targets.setdefault(node, key[2])
                    self.longest = max(self.longest, len(run))
        # What each node where a run ends is rewritten to: `count` words from `begin` in `out`.
        self.count = np.zeros(len(edges) + 1, dtype=np.int64)
        self.begin = np.zeros(len(edges) + 1, dtype=np.int64)
        out: list[int] = []
        for node, target in self.targets.items():
            self.count[node], self.begin[node] = len(target), len(out)
            out.extend(words[sys.intern(w)] for w in target)
        self.out = np.array(out, dtype=np.int64)
        self.codes = np.array(sorted(edges), dtype=np.int64)
        self.children = np.array([edges[c] for c in self.codes.tolist()], dtype=np.int64)
        self.ends = np.zeros(len(edges) + 1, dtype=bool)
        self.ends[list(self.targets)] = True
        top = self.codes < _EDGE
        self.tops, self.top_nodes = self.codes[top], self.children[top]

    def __call__(self, tokens: Any, text_of: Any) -> tuple[Any, Any]:
        """Return the words as `Rewriter.words` makes them, text by text."""
        np, words = self.np, self.words
        # One-word keys: each word is rewritten alone (a key's words never run into the next).
        one_word, replaced = self.one_word, self.replaced
        for number, word in enumerate(list(itertools.islice(words, self.checked, None))):
            if word in one_word:
                out = Rewriter._pass([word], one_word, None)[0]
                if out != [word]:
                    replaced[self.checked + number] = [words[sys.intern(w)] for w in out]
        self.checked = len(words)
        if replaced:
            # Per word: how many words replace it (-1: none), and where they start in `news`.
            count = np.full(len(words), -1, dtype=np.int64)
            count[list(replaced)] = list(map(len, replaced.values()))
            begin = np.zeros(len(words), dtype=np.int64)
            begin[list(replaced)] = np.cumsum(count[list(replaced)]) - count[list(replaced)]
            news = np.fromiter(chain.from_iterable(replaced.values()), dtype=np.int64)
            at = np.flatnonzero(count[tokens] >= 0)
            sizes = count[tokens[at]]
            values = news[positions(np, begin[tokens[at]], sizes)]
            tokens, text_of = splice(np, tokens, text_of, at, sizes, values)
        return self._longer(tokens, text_of)

    def _longer(self, tokens: Any, text_of: Any) -> tuple[Any, Any]:
        """Rewrite the keys of several words (`Rewriter._pass` with its longer keys): at each
        word that starts a key, the longest key found there, from the left, never inside
        another."""
        np, targets = self.np, self.targets
        if not targets:
            return tokens, text_of
        codes, children, ends = self.codes, self.children, self.ends
        # The node of each word that starts a run.
        first = np.zeros(len(self.words), dtype=np.int64)
        first[self.tops] = self.top_nodes
        # Walk the tree from every word that starts a run, a word further each step.
        start = np.flatnonzero(first[tokens])
        node = first[tokens[start]]
        found: list[tuple[Any, Any, int]] = []
        for step in range(1, self.longest):
            position = start + step
            same = position < len(tokens)
            start, node, position = start[same], node[same], position[same]
            same = text_of[position] == text_of[start]
            start, node, position = start[same], node[same], position[same]
            code = node * _EDGE + tokens[position]
            where = np.minimum(np.searchsorted(codes, code), len(codes) - 1)
            hit = codes[where] == code
            start, node = start[hit], children[where[hit]]
            if not len(start):
                break
            whole = ends[node]
            found.append((start[whole], node[whole], step + 1))
        if not found:
            return tokens, text_of
        # The longest run at each start (found last).
        at = np.concatenate([f[0] for f in found])
        nodes = np.concatenate([f[1] for f in found])
        lengths = np.concatenate([np.full(len(f[0]), f[2]) for f in found])
        order = np.lexsort((-lengths, at))
        at, nodes, lengths = at[order], nodes[order], lengths[order]
        head = np.concatenate(([True], at[1:] != at[:-1]))
        at, nodes, lengths = at[head], nodes[head], lengths[head]
        # From the left, a key that starts inside one rewritten before is not rewritten.
        clash = np.flatnonzero(at[1:] < (at + lengths)[:-1])
        if len(clash):
            keep = np.ones(len(at), dtype=bool)
            done, current = 0, -1
            # Only the texts where two keys meet are gone through (a key never spans two).
            texts = text_of[at]
            met = np.flatnonzero(np.isin(texts, texts[clash + 1]))
            for i, position, length, text in zip(
                met.tolist(),
                at[met].tolist(),
                lengths[met].tolist(),
                texts[met].tolist(),
                strict=True,
            ):
                if text != current:
                    current, done = text, 0
                if position < done:
                    keep[i] = False
                else:
                    done = position + length
            at, nodes, lengths = at[keep], nodes[keep], lengths[keep]
        # Its first word becomes the key's words, the others none.
        sizes = self.count[nodes]
        values = self.out[positions(np, self.begin[nodes], sizes)]
        inside = positions(np, at + 1, lengths - 1)
        return splice(
            np,
            tokens,
            text_of,
            np.concatenate((at, inside)),
            np.concatenate((sizes, np.zeros(len(inside), dtype=np.int64))),
            values,
        )


def positions(np: Any, starts: Any, lengths: Any) -> Any:
    """Return the numbers start, start + 1 ... of each run, end to end."""
    total = int(lengths.sum())
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def splice(
    np: Any, tokens: Any, text_of: Any, at: Any, sizes: Any, values: Any
) -> tuple[Any, Any]:
    """Return the words with the word at each position `at[i]` replaced by `sizes[i]` words
    (in order, end to end in `values`)."""
    counts = np.ones(len(tokens), dtype=np.int64)
    counts[at] = sizes
    ends = np.cumsum(counts)
    starts = ends - counts
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    plain = np.ones(len(tokens), dtype=bool)
    plain[at] = False
    out[starts[plain]] = tokens[plain]
    out[positions(np, starts[at], sizes)] = values
    return out, np.repeat(text_of, counts)

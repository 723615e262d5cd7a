"""Rewriting shorthand and vocabulary keys into the words the catalogue uses.

The catalogue's `vocabulary` maps what citizens say ("sổ đỏ", "cty", "bhyt") to the words of
the procedures; a `Rewriter` finds its keys in a list of words, longest first.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from itertools import compress

from bot.text import expand_shorthand, normalize, strip_marks

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
        if first_origin is None:
            first_origin = list(range(len(words)))
        if second_origin is None:
            return second, first_origin, notes
        return second, [first_origin[i] for i in second_origin], notes

    def words(self, words: list[str]) -> list[str]:
        """Return `rewrite`'s words alone (for indexing: no origins, no notes to make)."""
        first = self._pass(words, self._short_spans, None)[0]
        return self._pass(first, self._long_spans, None)[0]

    @staticmethod
    def _pass(
        words: list[str], table: dict[str, Spans], notes: list[str] | None
    ) -> tuple[list[str], list[int] | None]:
        """One pass of keys over the words: the words, where each comes from (None: the words
        as they were), and with `notes`, what was rewritten (without, no origins either)."""
        # Only the words that can start a key are tried; the words between them are copied.
        starts = list(compress(range(len(words)), map(table.__contains__, words)))
        if not starts:
            return words, None
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
                out.extend(target)
                if notes is not None:
                    origin.extend(range(done, i))
                    origin.extend([i] * len(target))
                    span = words[i : i + n]
                    if list(target) != span:
                        notes.append(f"{' '.join(span)}→{' '.join(target)}")
                done = i + n
                break
        if not done:
            return words, None
        out.extend(words[done:])
        if notes is None:
            return out, None
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

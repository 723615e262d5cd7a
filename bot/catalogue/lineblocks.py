"""A block written again word for word is read once (for `lineread`).

Catalogue entries repeat whole blocks: the same document, the same steps, the same legal
bases or fees under many procedures. What the line reader makes of a block (a list or a mapping
under a key, or a mapping started by '- ') depends only on its text, written from the start of
its first line, and on how deep it lies; so each such block is looked up (by its depth, size
and first line, then compared whole) before it is read. Where a block ends is found from one
byte a line (its indentation, and whether it starts with '-' or is blank or a comment),
searched in C. A block that gave a silent finding (its lines differ each time), or that ended
elsewhere than expected, is never reused.

A list of plain one-line words (aliases, related ids, most steps and legal bases) is cut into
its items in one go too: its lines joined, checked for anything but plain words (a comment, a
': ', a quote or indicator in front, a space at the end) and split again, all in C.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from itertools import accumulate, repeat
from operator import itemgetter
from typing import Any

_DASH = 64  # a line's code: its indentation, plus this when it starts with '-'
_SKIP = 128  # ... or plus this when it is blank or a comment (no block ends there)
_WIDEST = _DASH - 1  # a file with deeper lines is read without reuse
_FIRST = itemgetter(slice(0, 1))
_ADDS = bytes(_DASH if b == ord("-") else _SKIP if b == ord("#") else 0 for b in range(256))
_TRIAL = 2048  # blocks looked up before deciding whether looking up pays
_KEY_TRIAL = 64  # ... and the fewest under one key for a decision about that key
_SPECIAL = frozenset("#'\"[]{}&*!|>%@`,?:- ")  # `lineread._SPECIAL`: not a plain word's start
_FIRST_LETTER = itemgetter(0)
DASH = _DASH


def _range(low: int, high: int) -> bytes:
    return re.escape(bytes((low,))) + b"-" + re.escape(bytes((high,)))


def _codes(texts: list[str], columns: list[int]) -> bytearray:
    """Each line's code (its indentation, plus `_DASH` or `_SKIP` by its first character), all
    made in C: the first characters (a blank line's as '#') as bytes, each turned into what it
    adds, then added to the indentations as two big numbers (no byte carries over: < 256)."""
    firsts = "".join(map(str.ljust, map(_FIRST, texts), repeat(1), repeat("#")))
    added = firsts.encode("ascii", "replace").translate(_ADDS)
    indents = bytes(columns)
    total = int.from_bytes(indents, "big") + int.from_bytes(added, "big")
    return bytearray(total.to_bytes(len(indents), "big"))


class Blocks:
    """The blocks of one text already read, by depth and text."""

    def __init__(self, text: str, texts: list[str], columns: list[int], lengths: list[int]):
        """`texts` and `columns`: each line without its indentation, and that indentation,
        with one more line (the end) after the last; `lengths`: each line's length."""
        self.on = max(columns, default=0) <= _WIDEST
        self._text = text
        self._texts = texts
        self._seen: dict[tuple[int, int, str], tuple[int, Any, int]] = {}
        self._maps: dict[int, re.Pattern[bytes]] = {}
        self._seqs: dict[int, re.Pattern[bytes]] = {}
        self._items: dict[int, re.Pattern[bytes]] = {}
        # Whether looking blocks up pays: in a file whose first blocks are nearly all new (few
        # written twice), the rest is read without looking (decided once, after `_TRIAL`).
        self.worth = True
        self._looks = self._hits = 0
        # The same for the blocks under each key (or list position), decided at the same
        # time: one whose blocks were nearly all new (aliases, say) is read without looking.
        self._tried: dict[str | int, list[int]] = {}
        self.unseen: set[str | int] = set()
        if not self.on:
            self._codes = self.codes = bytearray()
            self._before = self.before = array("q")
            return
        self._codes = self.codes = _codes(texts, columns)
        self._codes[-1] = 0  # the end: every block ends there
        # The characters of the lines before each row, without their line breaks (row `at`
        # starts at `before[at] + at`).
        self._before = self.before = array("q", accumulate(lengths, initial=0))

    def _extent(self, patterns: dict[int, re.Pattern[bytes]], column: int, seq: bool) -> Any:
        pattern = patterns.get(column)
        if pattern is None:
            # a mapping goes on over deeper lines and lists at its own indentation or deeper;
            # a list over its own items and deeper lines
            lines = _range(column + 1 if seq else column, _WIDEST)
            items = _range(_DASH + column, _DASH + _WIDEST)
            skipped = _range(_SKIP, _SKIP + _WIDEST)
            pattern = patterns[column] = re.compile(b"[" + lines + items + skipped + b"]*")
        return pattern

    def look(
        self, at: int, column: int, depth: int, seq: bool, name: str | int = ""
    ) -> tuple[int, Any, Any]:
        """Where the block starting on row `at` (under key `name`) ends, what to `keep` it
        under, and (value, count of values) when the same text at the same depth was read
        before."""
        self._looks += 1
        tried = None
        if self._looks <= _TRIAL:
            tried = self._tried.get(name)
            if tried is None:
                tried = self._tried[name] = [0, 0]
            tried[0] += 1
            if self._looks == _TRIAL:
                self._decide()
        patterns = self._seqs if seq else self._maps
        end = self._extent(patterns, column, seq).match(self._codes, at + 1).end()
        start = self._before[at] + at
        size = self._before[end] + end - start
        # Looked up by its depth, size and first line (no copy of a block seen once), then
        # compared whole.
        key = (depth, size, self._texts[at])
        seen = self._seen.get(key)
        if seen is not None:
            text = self._text
            if text.startswith(text[start : start + size], seen[0]):
                self._hits += 1
                if tried is not None:
                    tried[1] += 1
                return end, None, (seen[1], seen[2])
        return end, (key, start), None

    def _decide(self) -> None:
        """Whether looking blocks up pays, in the whole file and under each key."""
        if self._hits * 8 < _TRIAL:
            self.worth = False
        for name, (looks, hits) in self._tried.items():
            if looks >= _KEY_TRIAL and hits * 8 < looks:
                self.unseen.add(name)
        self._tried.clear()

    def keep(self, ticket: Any, value: Any, nodes: int) -> None:
        """Keep what the reader made of a block `look` gave `ticket` for."""
        key, start = ticket
        self._seen[key] = (start, value, nodes)

    def clear(self) -> None:
        """Let go of the text and of every block kept (the reader is done with them)."""
        self._text = ""
        self._seen.clear()
        del self._codes[:], self._before[:]  # (in place: the reader holds them too)

    def plain_items(self, at: int, indent: int) -> list[str] | None:
        """The words (NFC) of the items from row `at` of a list indented `indent`, when two or
        more of them in a row are plain one-line words, the last one followed by a line at the
        list's indentation or less (not a line that could go on with it); else None."""
        code = _DASH + indent
        pattern = self._items.get(code)
        if pattern is None:
            pattern = self._items[code] = re.compile(re.escape(bytes((code,))) + b"+")
        found = pattern.match(self._codes, at)
        end = at if found is None else found.end()
        after = self._codes[end]
        if not (after <= indent or _DASH <= after <= code):
            end -= 1  # the next line is deeper, blank or a comment: leave the last item alone
        if end - at < 2:
            return None
        block = "\n".join(self._texts[at:end])
        if (
            "#" in block
            or ": " in block
            or ":\n" in block
            or " \n" in block
            or block[-1] in ": "
            or block[1] != " "
        ):
            return None
        if not block.isascii():
            block = unicodedata.normalize("NFC", block)
        words = block[2:].split("\n- ")
        if len(words) != end - at or not _SPECIAL.isdisjoint(map(_FIRST_LETTER, words)):
            return None  # an item glued to its '-', or not a plain word
        return words

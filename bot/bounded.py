"""Caches bounded by the bytes they hold, not by their number of entries.

A cache keyed by what citizens type grows with every unique word: 65,536 entries of 500-letter
words are 70 MB. `BoundedMemo` counts the bytes of its keys and values and starts afresh when
they pass its budget; the few thousand entries in real use come back at once. A hit is one
dict look-up in C (the memo is a dict), so the hot paths stay as fast as with `lru_cache`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def size_of(obj: object) -> int:
    """Bytes held by an object and, for tuples, lists and sets, by its items (approximately)."""
    total = sys.getsizeof(obj)
    if isinstance(obj, tuple | list | set | frozenset):
        total += sum(size_of(item) for item in obj)
    return total


class BoundedMemo(dict[K, V]):
    """A memo of `make(key)` (when given) whose keys and values hold at most `max_bytes`."""

    def __init__(self, max_bytes: int, make: Callable[[K], V] | None = None) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.held_bytes = 0
        self._make = make

    def __missing__(self, key: K) -> V:
        if self._make is None:
            raise KeyError(key)
        value = self._make(key)
        self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Remember a value; everything is dropped first when it would pass the budget."""
        size = size_of(key) + size_of(value)
        if size > self.max_bytes:
            return
        if self.held_bytes + size > self.max_bytes:
            self.clear()
        old = self.get(key)
        if old is not None:
            self.held_bytes -= size_of(key) + size_of(old)
        dict.__setitem__(self, key, value)
        self.held_bytes += size

    def clear(self) -> None:
        """Forget everything."""
        super().clear()
        self.held_bytes = 0


__all__ = ["BoundedMemo", "size_of"]

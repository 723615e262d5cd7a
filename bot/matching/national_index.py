"""The index of the national procedures list, built when first needed and shared by reloads.

The list holds about 2,600 official names: indexing them is most of what a small catalogue's
start costs, while `chat` shows its greeting without them and a catalogue reload rarely changes
what they are indexed with. So a `Matcher` asks for this index only when a question needs it
(or when told to have it ready), and a catalogue with the same vocabulary and the same curated
codes reuses the one already built.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.catalogue.national import NationalProcedure
from bot.matching.index import Index

# What an index of the national list depends on: the list, the curated codes left out of it
# (a curated card answers for them) and the catalogue's vocabulary.
Key = tuple[int, frozenset[str], tuple[tuple[str, tuple[str, ...]], ...]]


@dataclass(frozen=True)
class NationalIndex:
    """The national list's index, and each id's entry number in it."""

    index: Index
    numbers: dict[str, int]


def _name(name: str) -> str:
    # "Thủ tục ..." prefixes a few hundred names and tells nothing.
    lowered = name.casefold()
    return name[len("thủ tục ") :] if lowered.startswith("thủ tục ") else name


def build(
    national: Mapping[str, NationalProcedure],
    curated_codes: frozenset[str],
    vocabulary: Mapping[str, tuple[str, ...]],
    cache: Path | None = None,
) -> NationalIndex:
    """Index the national names, leaving out the procedures the catalogue has a card for
    (read back from the `cache` folder when it was built there before)."""
    rows = [
        (n.id, [("name", _name(n.name))]) for n in national.values() if n.code not in curated_codes
    ]
    index = Index.build(rows, vocabulary, cache=cache, label="national")
    index.long_names = True
    return NationalIndex(index, {entry_id: n for n, entry_id in enumerate(index.ids)})


class Shared:
    """The last national index built, reused while the list, codes and vocabulary are alike.

    One lock: a reload (in a worker thread) and a question (in the event loop) never build it
    twice at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # The list itself is kept with its key, so that its id cannot be taken by another.
        self._last: tuple[Key, Mapping[str, NationalProcedure], NationalIndex] | None = None

    def get(
        self,
        national: Mapping[str, NationalProcedure],
        curated_codes: frozenset[str],
        vocabulary: Mapping[str, tuple[str, ...]],
        cache: Path | None = None,
    ) -> NationalIndex:
        """Return the index for these inputs: the last one if they are alike, else a new one."""
        key: Key = (id(national), curated_codes, tuple(vocabulary.items()))
        with self._lock:
            last = self._last
            if last is not None and last[0] == key:
                return last[2]
            built = build(national, curated_codes, vocabulary, cache)
            self._last = (key, national, built)
            return built


SHARED = Shared()

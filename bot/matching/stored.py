"""An index's bulk as flat arrays: few Python objects to build, quick to save and read back.

A large catalogue has over a hundred thousand phrases: kept as one object each, they take
seconds to build and to read back. Here the phrases, posting lists and each entry's features are
runs of numbers end to end in one array, and a `Phrase` is made only when the scoring asks for
one. A cache folder keeps these arrays on disk, named by a hash of everything the index is
built from (the code that builds it, the texts and the vocabulary), so that a start with the
same catalogue reads its index back instead of building it again. A cache file that is
missing, stale, truncated or corrupt is ignored (the index is built and the file written
again); one that cannot be written is skipped. Files are `marshal` data, never pickles: reading
one runs no code.
"""

from __future__ import annotations

import marshal
import os
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

from bot.digest import blake2b

# Bumped when the layout of a cache file changes; the code's own hash covers the rest.
FORMAT = 4
_CHECK = 4  # bytes of the checksum that begins a cache file
_BETWEEN = "\0"  # between the strings of a list kept as one (`strings_state`)
_CODEC = "utf-16-le"  # how they are kept: encoded and decoded faster than UTF-8
# Cache files kept per kind of index (the catalogue, the national list): the newest ones.
KEEP = 2
# The modules whose code decides what an index holds.
_SOURCES = (
    "index.py",
    "building.py",
    "bulkbuild.py",
    "bulkwords.py",
    "rewriter.py",
    "stored.py",
    "words.py",
    "../text.py",
)

KIND_WEIGHT = {"name": 1.0, "alias": 1.0}
# An index of this many phrases or more (about 4,000 entries) is built and searched with numpy
# (`building`, `bulk`): below it, numpy's import (0.2 s, 15 MB) costs more than it saves.
LARGE = 50_000
# A catalogue of this many texts (names, aliases, summaries: about 800 entries) or more is read
# in numpy (`bulkbuild`); one of a fifth of that too when numpy is loaded already.
BULK = 10_000


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


class Flat:
    """Runs of numbers end to end in one array: run `i` ends where `ends[i]` says."""

    def __init__(self, values: array[int], ends: array[int]) -> None:
        self.values = values
        self.ends = ends

    @classmethod
    def of(cls, runs: Iterable[Sequence[int]], code: str = "I") -> Flat:
        """Lay runs of numbers end to end."""
        values: array[int] = array(code)
        lengths: list[int] = []
        for run in runs:
            values.extend(run)
            lengths.append(len(run))
        return cls(values, array("Q", accumulate(lengths)))

    @classmethod
    def from_state(cls, state: tuple[str, bytes, bytes]) -> Flat:
        """Read runs back from `to_state`'s output (ValueError if they do not hold)."""
        code, values, ends = state
        flat = cls(numbers_of(values, code), numbers_of(ends, "Q"))
        if flat.ends and flat.ends[-1] != len(flat.values):
            raise ValueError("runs that end beyond their values")
        return flat

    def to_state(self) -> tuple[str, bytes, bytes]:
        """Return the runs as bytes."""
        return (self.values.typecode, self.values.tobytes(), self.ends.tobytes())

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, i: int) -> array[int]:
        return self.values[self.ends[i - 1] if i else 0 : self.ends[i]]

    def size(self, i: int) -> int:
        """Return the length of run `i` (without copying it)."""
        return self.ends[i] - (self.ends[i - 1] if i else 0)


# How much a phrase of each kind counts. A summary is a description, not how people ask: its
# words only tell which entry explains more of a question (measured: as phrases they never
# changed a ranking, and cost a fifth of the index).
BAG_ONLY = frozenset({"summary"})


@dataclass
class Parts:
    """What the texts of a set of entries come to, before feature weights are known."""

    ids: list[str]
    names: list[str]  # feature strings by number
    entries: array[int]  # per phrase: its entry
    kinds: list[str]  # per phrase
    texts: list[str]  # per phrase
    features: Flat  # per phrase: its features' numbers, in order, each once
    marked: Flat  # per phrase: its marked words' numbers
    marks: list[str]  # marked words by number
    postings: Flat  # per feature: its phrases, in order
    held: Flat  # per entry: the sorted numbers of the features of all its texts
    df: array[int]  # per feature: how many entries hold it
    spellings: set[str]  # the folded words of the texts (those not rewritten away)
    generic: list[str]  # the features made of generic words only


class Phrases(Sequence[Phrase]):
    """The phrases of an index, each made on demand from the arrays."""

    def __init__(
        self,
        entries: array[int],
        kinds: bytes,
        texts: list[str],
        features: Flat,
        marked: Flat,
        weights: array[float],
        names: list[str],
        marks: list[str],
        kind_names: list[str],
    ) -> None:
        self.entries = entries
        self.kinds = kinds
        self.texts = texts
        self.features = features
        self.marked = marked
        self.weights = weights
        self.names = names  # feature strings by number
        self.marks = marks  # marked words by number
        self.kind_names = kind_names  # kinds by number
        self.kind_weights = [KIND_WEIGHT.get(kind, 1.0) for kind in kind_names]
        self._mark_numbers: dict[str, int] | None = None

    def mark_numbers(self) -> dict[str, int]:
        """Return each marked word's number."""
        if self._mark_numbers is None:
            self._mark_numbers = {word: number for number, word in enumerate(self.marks)}
        return self._mark_numbers

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, i: int) -> Phrase:  # type: ignore[override]
        kind = self.kind_names[self.kinds[i]]
        return Phrase(
            self.entries[i],
            kind,
            self.texts[i],
            tuple(map(self.names.__getitem__, self.features[i])),
            tuple(map(self.marks.__getitem__, self.marked[i])),
            self.weights[i],
            self.kind_weights[self.kinds[i]],
        )


class Postings:
    """Each feature's phrases, in the order they were indexed."""

    def __init__(self, numbers: Mapping[str, int], runs: Flat) -> None:
        self.numbers = numbers
        self.runs = runs

    def get(self, feature: str, default: Any = None) -> Any:
        """Return the phrase numbers that hold a feature, or `default` if none does."""
        number = self.numbers.get(feature)
        if number is None:
            return default
        run = self.runs[number]
        return run if run else default


def cache_key(
    label: str,
    entries: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    vocabulary: Mapping[str, tuple[str, ...]],
    known_text: Sequence[str],
) -> str:
    """Return the name of the cache file for an index built from these inputs."""
    digest = blake2b(digest_size=16)
    # The Python version too: marshal's format is its own.
    digest.update(f"{FORMAT} {label} {sys.version}".encode())
    here = Path(__file__).parent
    for source in _SOURCES:
        try:
            digest.update((here / source).read_bytes())
        except OSError:
            digest.update(source.encode())
    # Separators no text holds: one join and one hash, not a call per text.
    parts: list[str] = []
    for entry_id, texts in entries:
        parts.append(entry_id)
        parts.extend(chain.from_iterable(texts))  # kind, text, kind, text ...
        parts.append("\x1d")
    for key, expansions in vocabulary.items():
        parts.append(key)
        parts.extend(expansions)
        parts.append("\x1d")
    parts.append("\x1c")
    # Only which known texts there are counts (`index._known_words`), not how often or in what
    # order: a large catalogue repeats most of them (the same papers, steps and notes).
    parts.extend(sorted(set(known_text)))
    digest.update("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return f"{label}-{digest.hexdigest()}.marshal"


def read(folder: Path | None, name: str) -> dict[str, Any] | None:
    """Return a cache file's contents, or None if it is missing or unreadable."""
    if folder is None:
        return None
    try:
        import zlib  # (here: the start of `chat` reads no index)

        data = memoryview((folder / name).read_bytes())
        # A checksum first: a damaged file is built again, not read as a wrong index. (A CRC-32
        # catches a damaged or cut file; on 30 MB it takes a fourth of a digest's time.)
        if zlib.crc32(data[_CHECK:]).to_bytes(_CHECK, "big") != data[:_CHECK]:
            return None
        state = marshal.loads(data[_CHECK:])
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        return None
    return state


def write(folder: Path | None, name: str, state: dict[str, Any]) -> None:
    """Write a cache file whole (never half-written), keeping only the newest few per kind."""
    if folder is None:
        return
    import tempfile  # only when an index was built: it costs the start-up of `chat` otherwise
    import zlib

    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        try:
            data = marshal.dumps({**state, "format": FORMAT})
            with os.fdopen(handle, "wb") as out:
                out.write(zlib.crc32(data).to_bytes(_CHECK, "big"))
                out.write(data)
            os.replace(temporary, folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        label = name.split("-", 1)[0]
        older = sorted(
            folder.glob(f"{label}-*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for stale in older[KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        return  # a read-only or full disk: the bot runs on without a cache


def floats(values: Iterable[float]) -> array[float]:
    """Return an array of doubles (bit for bit the floats given)."""
    return array("d", values)


def strings_state(strings: Sequence[str]) -> bytes | list[str]:
    """Return strings for a cache file: one text, NULs between them, as UTF-16 when none holds
    a NUL or a lone surrogate (`marshal` writes and reads it in a fraction of the time it takes
    for a hundred thousand short strings), else the list itself."""
    joined = _BETWEEN.join(strings)
    if strings and joined.count(_BETWEEN) == len(strings) - 1:
        try:
            return joined.encode(_CODEC)
        except UnicodeEncodeError:
            pass
    return list(strings)


def strings_of(state: bytes | list[str]) -> list[str]:
    """Return the strings of `strings_state`'s output (ValueError or TypeError if it does not
    hold)."""
    if isinstance(state, bytes):
        return state.decode(_CODEC).split(_BETWEEN)
    if not isinstance(state, list):
        raise TypeError("strings that are neither a text nor a list")
    return state


def floats_bytes(values: Sequence[float]) -> bytes:
    """Return doubles as bytes (with no step per value when they are an array of them)."""
    if isinstance(values, array) and values.typecode == "d":
        return values.tobytes()
    return floats(values).tobytes()


def numbers_of(data: bytes, code: str) -> array[Any]:
    """Return an array read back from its bytes."""
    values: array[Any] = array(code)
    values.frombytes(data)
    return values

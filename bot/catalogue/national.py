"""The national procedures list (Cơ sở dữ liệu quốc gia về TTHC): a wide, shallow second tier.

The curated catalogue answers in depth; this list only lets the bot name a procedure it has no
card for and link to its page on the national portal.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.catalogue import derived

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "national-procedures.jsonl"


@dataclass(frozen=True)
class NationalProcedure:
    """One procedure of the national database: its code, name and where it is described."""

    code: str
    name: str
    level: str
    field: str
    agency: str
    url: str
    ministry: str

    @property
    def id(self) -> str:
        """Return the candidate id used for this procedure, `tthc:<code>`."""
        return f"tthc:{self.code}"


def _clean(value: object) -> str:
    # About a fifth of the crawled records hold decomposed Unicode and doubled spaces.
    text = unicodedata.normalize("NFC", str(value or ""))
    return " ".join(text.split()).rstrip(".")


def parse_line(line: str) -> NationalProcedure:
    """Build a national procedure from one JSON line of the crawl."""
    raw = json.loads(line)
    return NationalProcedure(
        code=_clean(raw["code"]),
        name=_clean(raw["name"]),
        level=_clean(raw.get("level")),
        field=_clean(raw.get("field")),
        agency=_clean(raw.get("agency")),
        url=str(raw.get("url") or ""),
        ministry=str(raw.get("ministry") or ""),
    )


def load_national(path: Path | None = None) -> dict[str, NationalProcedure]:
    """Load the national list, keyed by id (`tthc:<code>`), from the shipped file by default.

    The file is read once per process and version of the file (start-up, `check` and every
    catalogue reload all ask for it); callers must not change the dict they get.
    """
    return _load(*_version(path))


def _version(path: Path | None) -> tuple[Path, int, int]:
    """The file (the shipped one by default) with what tells its versions apart, the key of
    the per-process caches below."""
    source = DEFAULT_PATH if path is None else path
    stat = source.stat()
    return source, stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=4)
def _load(source: Path, mtime_ns: int, size: int) -> dict[str, NationalProcedure]:
    raw = source.read_bytes()
    # Parsing and cleaning the list is most of its cost: kept in the derived-data cache.
    code = derived.code_key([__name__])
    procedures = derived.cached("national", raw, "", code, lambda: _parse(raw))
    _LOADED.clear()  # the last one read is enough (and holds no old version alive)
    _LOADED[(source, mtime_ns, size)] = procedures
    return procedures


# The lists `_load` read, by version: `official_names` takes the names from one of these rather
# than hold a second copy of every name (the bot holds both: the tier and the typo syllables).
_LOADED: dict[tuple[Path, int, int], dict[str, NationalProcedure]] = {}


def _parse(raw: bytes) -> dict[str, NationalProcedure]:
    procedures: dict[str, NationalProcedure] = {}
    for line in _lines(raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")):
        procedure = parse_line(line)
        procedures.setdefault(procedure.id, procedure)
    return procedures


def _lines(raw: bytes) -> Iterator[str]:
    """The list's non-blank lines, decoded one at a time.

    Splitting the whole text at once held every line (and, parsed together, every record) in
    memory at the same moment: about 10 MB more at the peak for a list of 1 MB.
    """
    for line in io.BytesIO(raw):
        if line.strip():
            yield line.decode("utf-8")


class LazyNational(Mapping[str, NationalProcedure]):
    """The national list as `load_national` returns it, read when first looked into: a
    front end that starts with it shows its first prompt before reading it."""

    def __init__(self, path: Path | None = None) -> None:
        """Remember where the list is; nothing is read yet."""
        self._path = path
        self._procedures: dict[str, NationalProcedure] | None = None

    def _loaded(self) -> dict[str, NationalProcedure]:
        if self._procedures is None:
            self._procedures = load_national(self._path)
        return self._procedures

    def __getitem__(self, key: str) -> NationalProcedure:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __contains__(self, key: object) -> bool:
        return key in self._loaded()


def official_names(path: Path | None = None) -> dict[str, str]:
    """Return code -> official name from the national list (the shipped file by default).

    Only two fields of each record are read (cleaned as `parse_line` cleans them): `check`
    needs no more. The first record of a code wins, as in `load_national`; callers must not
    change the dict they get.
    """
    return _names(*_version(path))


@lru_cache(maxsize=4)
def _names(source: Path, mtime_ns: int, size: int) -> dict[str, str]:
    loaded = _LOADED.get((source, mtime_ns, size))
    if loaded is not None:  # the same strings, not a copy (keys are `tthc:<code>`, one a code)
        return {procedure.code: procedure.name for procedure in loaded.values()}
    raw = source.read_bytes()
    code = derived.code_key([__name__])
    return derived.cached("national-names", raw, "", code, lambda: _parse_names(raw))


def _parse_names(raw: bytes) -> dict[str, str]:
    names: dict[str, str] = {}
    for line in _lines(raw):  # a record at a time, each dropped before the next is read
        record = json.loads(line)
        code = _clean(record["code"])
        if code not in names:
            names[code] = _clean(record["name"])
    return names

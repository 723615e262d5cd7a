"""The communes of the province since 1 July 2025 and the old units merged into each.

Built from `communes.yaml` (checked first by `communes_check`): each new xã or phường lists the
old xã, phường and thị trấn it took in, with their old district. An old unit split between two
new ones appears under both, marked `split`. `CommunesHolder` keeps the last good file in
service and re-reads it when staff save a change.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.catalogue import derived
from bot.catalogue.model import to_date, to_strings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class District:
    """An old huyện, thị xã or thành phố (gone since 1 July 2025)."""

    name: str
    kind: str  # huyện, thị xã, thành phố
    province: str  # the old province: Hưng Yên or Thái Bình

    @property
    def title(self) -> str:
        """'huyện Khoái Châu', 'thành phố Thái Bình'."""
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class OldUnit:
    """An old xã, phường or thị trấn, as merged into one new commune."""

    name: str
    kind: str  # xã, phường, thị trấn
    district: str
    code: str = ""
    aka: tuple[str, ...] = ()
    split: bool = False
    note: str = ""

    @property
    def title(self) -> str:
        """'xã Dân Tiến'."""
        return f"{self.kind} {self.name}"

    @property
    def key(self) -> str:
        """Identifies the old unit across new communes (its code, else name and district)."""
        return self.code or f"{self.name}|{self.district}"


@dataclass(frozen=True)
class Commune:
    """A xã or phường since 1 July 2025."""

    name: str
    kind: str  # xã, phường
    code: str
    clause: int = 0
    old: tuple[OldUnit, ...] = ()
    address: str = ""
    phone: str = ""
    source: str = ""

    @property
    def title(self) -> str:
        """'xã Tiên Tiến', 'phường Sơn Nam'."""
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class Communes:
    """The whole communes file."""

    updated: dt.date
    resolution: str
    effective: dt.date
    districts: Mapping[str, District]
    communes: tuple[Commune, ...]
    source: str = ""
    # old unit key -> the new communes that took it (two for a split unit)
    successors: Mapping[str, tuple[Commune, ...]] = field(default_factory=dict)

    def old_units(self) -> list[OldUnit]:
        """Every old unit once (a split unit is listed once)."""
        seen: dict[str, OldUnit] = {}
        for commune in self.communes:
            for unit in commune.old:
                seen.setdefault(unit.key, unit)
        return list(seen.values())

    def by_code(self, code: str) -> Commune | None:
        """The new commune with that code."""
        return next((c for c in self.communes if c.code == code), None)

    def old_by_key(self, key: str) -> OldUnit | None:
        """The old unit with that key (its code)."""
        for commune in self.successors.get(key, ()):
            for unit in commune.old:
                if unit.key == key:
                    return unit
        return None

    def in_district(self, district: str) -> list[tuple[Commune, list[OldUnit]]]:
        """The new communes that took old units of a district, with those units."""
        found = []
        for commune in self.communes:
            units = [u for u in commune.old if u.district == district]
            if units:
                found.append((commune, units))
        return found


def build(data: Mapping[str, Any], source: str = "") -> Communes:
    """Build the communes from an already checked YAML document."""
    districts = {
        str(name): District(str(name), str(d["kind"]), str(d.get("province", "")))
        for name, d in (data.get("districts") or {}).items()
    }
    communes = []
    for raw in data.get("communes") or ():
        old = tuple(
            OldUnit(
                name=str(u["name"]),
                kind=str(u["kind"]),
                district=str(u["district"]),
                code=str(u.get("code", "")),
                aka=to_strings(u.get("aka")),
                split=bool(u.get("split", False)),
                note=str(u.get("note", "")),
            )
            for u in raw.get("from") or ()
        )
        communes.append(
            Commune(
                name=str(raw["name"]),
                kind=str(raw["kind"]),
                code=str(raw.get("code", "")),
                clause=int(raw.get("clause", 0) or 0),
                old=old,
                address=str(raw.get("address", "")),
                phone=str(raw.get("phone", "")),
                source=str(raw.get("source", "")),
            )
        )
    successors: dict[str, tuple[Commune, ...]] = {}
    for commune in communes:
        for unit in commune.old:
            successors[unit.key] = (*successors.get(unit.key, ()), commune)
    return Communes(
        updated=to_date(data["updated"]),
        resolution=str(data.get("resolution", "")),
        effective=to_date(data.get("effective") or data["updated"]),
        districts=districts,
        communes=tuple(communes),
        source=source,
        successors=successors,
    )


class CommunesHolder:
    """Keeps the communes file in service; re-reads it (at most every `interval` seconds) when
    it changed on disk, and keeps the last good version when the new one has errors."""

    def __init__(self, path: Path, interval: float = 2.0) -> None:
        """Load the file at once; a missing or broken file leaves the lookup empty (logged)."""
        self.path = Path(path)
        self.interval = interval
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._checked = 0.0
        self._current: Communes | None = None
        self.problems: list[str] = []
        self._refresh()

    @property
    def current(self) -> Communes | None:
        """The communes in service (None when no good file was ever loaded)."""
        if time.monotonic() - self._checked >= self.interval:
            self._refresh()
        return self._current

    def _refresh(self) -> None:
        with self._lock:
            self._checked = time.monotonic()
            try:
                stat = self.path.stat()
            except OSError:
                if self._stamp is not None or self._current is None:
                    log.warning("communes file %s not found; commune lookup is off", self.path)
                self._stamp = None
                return
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp == self._stamp:
                return
            self._stamp = stamp
            problems, summary, communes = checked(self.path)
            if communes is None:
                self.problems = problems
                log.warning("communes file %s not loaded: %s", self.path, "; ".join(self.problems))
                return
            self.problems = []
            self._current = communes
            log.info("communes loaded: %s", summary)


Outcome = tuple[list[str], str, Communes | None]  # the errors, the summary, the communes


def checked(path: Path) -> Outcome:
    """Check a communes file and build it: its errors (then no communes) and its summary.

    Kept in the derived-data cache, so that a bot that starts again on an unchanged file needs
    neither the checker nor the YAML parser.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return _checked(path, None)  # the checker says what is wrong in the staff's words
    code = derived.files_key(derived.code_files())
    return derived.cached("communes-built", raw, str(path), code, lambda: _checked(path, raw))


def _checked(path: Path, raw: bytes | None) -> Outcome:
    from bot.catalogue.communes_check import check_path, check_text

    report = check_path(path) if raw is None else check_text(raw, str(path))
    if report.errors or report.data is None:
        return [str(p) for p in report.errors], report.summary(), None
    return [], report.summary(), build(report.data, source=str(path))

"""Hot reload of the catalogue that never takes the bot down.

`CatalogueHolder` keeps the last good catalogue and its index together in one immutable
`Loaded` snapshot. A reload reads the file, validates it, builds the catalogue and the index,
and only then swaps the snapshot in with a single assignment; any problem on the way (a typo, a
file caught half-written or gone, an exception in the index builder) leaves the old snapshot in
service and is reported. Readers take `holder.current` once per turn, so a conversation in
progress keeps a consistent view across a swap.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import html
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from bot import messages as m
from bot.catalogue.model import Catalogue, CatalogueError, build
from bot.catalogue.validation import VIETNAM, check_text

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_LISTED = 15  # problems listed in one staff message; `python -m bot check` shows them all


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """One catalogue in service, with the index built from it."""

    catalogue: Catalogue
    index: T
    mtime_ns: int
    loaded_at: dt.datetime


@dataclass(frozen=True)
class ReloadOutcome:
    """What one reload attempt did: swapped in a new catalogue, found nothing new, or failed."""

    ok: bool
    changed: bool
    problems: list[str]
    warnings: list[str]
    summary: str
    kept_since: dt.datetime | None = None  # when the catalogue still in service was loaded
    fingerprint: str = ""  # identifies the file content (or absence) this outcome is about
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC), compare=False)

    def staff_message(self, html_mode: bool = True) -> str:
        """Return the Vietnamese text for the staff chat (Telegram HTML unless `html_mode`)."""
        esc: Callable[[str], str] = (lambda s: html.escape(s, quote=False)) if html_mode else str
        if self.ok:
            head = m.RELOAD_CHANGED if self.changed else m.RELOAD_UNCHANGED
            lines = [head + esc(self.summary)]
            if self.warnings:
                lines.append(m.RELOAD_WARNINGS)
                lines += _listed(self.warnings, esc)
            return "\n".join(lines)
        since = m.RELOAD_SINCE.format(at=_local(self.kept_since)) if self.kept_since else ""
        lines = [m.RELOAD_BROKEN.format(since=since)]
        lines += _listed(self.problems, esc)
        lines.append(m.RELOAD_HOW_TO_FIX)
        return "\n".join(lines)


def _listed(items: list[str], esc: Callable[[str], str]) -> list[str]:
    shown = [f"• {esc(item)}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        shown.append(m.RELOAD_MORE.format(count=len(items) - MAX_LISTED))
    return shown


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(VIETNAM).strftime(m.RELOAD_TIME_FORMAT)


class CatalogueHolder(Generic[T]):
    """Holds the catalogue in service and replaces it only with a checked, fully built one."""

    def __init__(self, path: Path, make_index: Callable[[Catalogue], T]) -> None:
        """Load the catalogue at once; raise `CatalogueError` if this first load fails."""
        self.path = Path(path)
        self._make_index = make_index
        self._lock = threading.Lock()  # one reload at a time (watcher thread and /reload)
        self._stamp: tuple[int, int] | None = None  # (mtime_ns, size) last read
        self._digest = ""  # sha256 of the content in service
        self._failure: ReloadOutcome | None = None  # the last failure, for an unchanged file
        self._current: Loaded[T] | None = None
        self._notified_failure: str | None = None  # the failure `poll` last reported
        outcome = self.reload(force=True)
        if not outcome.ok:
            raise CatalogueError(outcome.problems)

    @property
    def current(self) -> Loaded[T]:
        """The snapshot in service; read it once per turn and use that object throughout."""
        current = self._current
        assert current is not None  # set in __init__ or __init__ raised
        return current

    def reload(self, force: bool = False) -> ReloadOutcome:
        """Re-read the file if it changed (or if `force`); swap the result in only if good."""
        with self._lock:
            try:
                return self._reload(force)
            except Exception as exc:  # last line of defence: the bot keeps the old catalogue
                log.exception("catalogue reload failed unexpectedly")
                return self._failed([m.RELOAD_UNEXPECTED.format(path=self.path, error=exc)])

    async def reload_async(self, force: bool = False) -> ReloadOutcome:
        """Run `reload` in a worker thread, so the event loop keeps answering meanwhile."""
        return await asyncio.to_thread(self.reload, force)

    async def poll(self, notify: Callable[[ReloadOutcome], Awaitable[None]]) -> None:
        """Check the file once; notify on a swap and on a new failure (not on repeats).

        A scheduler calls this every few seconds (the front end's job queue or owner).
        """
        outcome = await self.reload_async()
        last = self._notified_failure
        report = outcome.changed if outcome.ok else outcome.fingerprint != last
        self._notified_failure = None if outcome.ok else outcome.fingerprint
        if report:
            try:
                await notify(outcome)
            except Exception:  # a failed message must not stop the watching
                log.exception("could not deliver a catalogue reload notice")

    async def watch(
        self, notify: Callable[[ReloadOutcome], Awaitable[None]], interval: float = 2.0
    ) -> None:
        """Poll the file forever (`poll` every `interval` seconds)."""
        while True:
            await self.poll(notify)
            await asyncio.sleep(interval)

    def _reload(self, force: bool) -> ReloadOutcome:
        name = str(self.path)
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp = None
            return self._failed(
                [m.RELOAD_MISSING.format(path=name)],
                fingerprint="missing",
            )
        except OSError as exc:
            self._stamp = None
            return self._failed([m.RELOAD_UNREADABLE.format(path=name, error=exc.strerror or exc)])
        stamp = (stat.st_mtime_ns, stat.st_size)
        if not force and stamp == self._stamp:
            return self._failure or self._unchanged()
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            return self._failed([m.RELOAD_UNREADABLE.format(path=name, error=exc.strerror or exc)])
        self._stamp = stamp
        digest = hashlib.sha256(raw).hexdigest()
        if not force and digest == self._digest:
            self._failure = None
            return self._unchanged()
        report = check_text(raw, name)
        warnings = [str(p) for p in report.warnings]
        if report.errors or report.data is None:
            problems = [str(p) for p in report.errors]
            return self._failed(problems, warnings, report.summary(), digest)
        try:
            catalogue = build(report.data, source=name)
            index = self._make_index(catalogue)
        except Exception as exc:
            log.exception("building the catalogue or its index failed")
            problem = m.RELOAD_INDEX_FAILED.format(path=name, error=f"{type(exc).__name__}: {exc}")
            return self._failed([problem], warnings, report.summary(), digest)
        changed = digest != self._digest
        # The swap: one assignment of an immutable snapshot, so a reader sees old or new whole.
        self._current = Loaded(catalogue, index, stat.st_mtime_ns, dt.datetime.now(dt.UTC))
        self._digest = digest
        self._failure = None
        log.info("catalogue loaded: %s", report.summary())
        return ReloadOutcome(True, changed, [], warnings, report.summary(), fingerprint=digest)

    def _unchanged(self) -> ReloadOutcome:
        current = self.current
        cat = current.catalogue
        summary = m.RELOAD_SUMMARY.format(
            path=self.path,
            procedures=len(cat.procedures),
            guides=len(cat.guides),
            agencies=len(cat.agencies),
        )
        return ReloadOutcome(True, False, [], [], summary, current.loaded_at, self._digest)

    def _failed(
        self,
        problems: list[str],
        warnings: list[str] | None = None,
        summary: str = "",
        fingerprint: str = "",
    ) -> ReloadOutcome:
        kept = self._current.loaded_at if self._current is not None else None
        outcome = ReloadOutcome(
            ok=False,
            changed=False,
            problems=problems,
            warnings=warnings or [],
            summary=summary or m.RELOAD_NOT_LOADED.format(path=self.path),
            kept_since=kept,
            fingerprint=fingerprint or "|".join(problems),
        )
        self._failure = outcome
        return outcome

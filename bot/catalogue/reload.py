"""Hot reload of the catalogue that never takes the bot down.

`CatalogueHolder` keeps the last good catalogue and its index together in one immutable
`Loaded` snapshot. A reload reads the file, validates it, builds the catalogue and the index,
and only then swaps the snapshot in with a single assignment; any problem on the way (a typo, a
file caught half-written or gone, an exception in the index builder) leaves the old snapshot in
service and is reported. Readers take `holder.current` once per turn, so a conversation in
progress keeps a consistent view across a swap.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Generic, TypeVar

from bot import messages as m
from bot.catalogue.diff import CatalogueDiff, diff, is_truncated
from bot.catalogue.loader import VIETNAM, checked
from bot.catalogue.model import Catalogue, CatalogueError
from bot.digest import hexdigest

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_LISTED = 15  # problems listed in one staff message; `python -m bot check` shows them all
# A reload waits until the file has not changed for this long: an editor that saves on every
# keystroke, or a copy in progress, is read once it is done, not once per save.
SETTLE_SECONDS = 3.0
LAST_GOOD_NAME = "procedures.last-good.yaml"
_PART = 1 << 20  # bytes of the last good copy read at a time when comparing it


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
    diff: CatalogueDiff = field(default_factory=CatalogueDiff)  # entries this swap changed
    previous: Catalogue | None = field(default=None, compare=False)  # in service before it
    last_good: Path | None = None  # set when the bot started on the last good copy
    at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC), compare=False)

    def staff_message(
        self,
        html_mode: bool = True,
        bot_username: str = "",
        changes: CatalogueDiff | None = None,
    ) -> str:
        """Return the Vietnamese text for the staff chat (Telegram HTML unless `html_mode`).

        `changes` (default: this swap's own diff) lists the entries added, removed and changed,
        each with its deep link `t.me/<bot>?start=<id>` when `bot_username` is known.
        """
        esc: Callable[[str], str] = (lambda s: html.escape(s, quote=False)) if html_mode else str
        if self.ok:
            head = m.RELOAD_CHANGED if self.changed else m.RELOAD_UNCHANGED
            lines = [head + esc(self.summary)]
            lines += diff_lines(self.diff if changes is None else changes, bot_username, html_mode)
            if self.warnings:
                lines.append(m.RELOAD_WARNINGS)
                lines += _listed(self.warnings, esc)
            return "\n".join(lines)
        since = m.RELOAD_SINCE.format(at=_local(self.kept_since)) if self.kept_since else ""
        lines = [m.RELOAD_BROKEN.format(since=since)]
        if self.last_good is not None and self.kept_since is not None:
            at = _local(self.kept_since)
            lines = [m.RELOAD_STARTED_ON_LAST_GOOD.format(backup=esc(str(self.last_good)), at=at)]
        lines += _listed(self.problems, esc)
        lines.append(m.RELOAD_HOW_TO_FIX)
        return "\n".join(lines)


def deep_link(bot_username: str, entry_id: str) -> str:
    """The link that opens an entry's card in the bot (`t.me/<bot>?start=<id>`)."""
    return f"https://t.me/{bot_username}?start={entry_id}"


def diff_lines(changes: CatalogueDiff, bot_username: str, html_mode: bool = True) -> list[str]:
    """One line per kind of change, each entry linked to its card for a preview."""
    if not changes:
        return []

    def named(entry_id: str, link: bool) -> str:
        if not (link and bot_username):
            return entry_id
        url = deep_link(bot_username, entry_id)
        return f'<a href="{url}">{entry_id}</a>' if html_mode else f"{entry_id} ({url})"

    lines = []
    for label, ids, link in (
        (m.RELOAD_DIFF_ADDED, changes.added, True),
        (m.RELOAD_DIFF_CHANGED, changes.changed, True),
        (m.RELOAD_DIFF_REMOVED, changes.removed, False),
    ):
        if ids:
            shown = ", ".join(named(i, link) for i in ids[:MAX_LISTED])
            more = f" (+{len(ids) - MAX_LISTED})" if len(ids) > MAX_LISTED else ""
            lines.append(f"{label} {shown}{more}")
    return lines


def _listed(items: list[str], esc: Callable[[str], str]) -> list[str]:
    shown = [f"• {esc(item)}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        shown.append(m.RELOAD_MORE.format(count=len(items) - MAX_LISTED))
    return shown


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(VIETNAM).strftime(m.RELOAD_TIME_FORMAT)


class CatalogueHolder(Generic[T]):
    """Holds the catalogue in service and replaces it only with a checked, fully built one."""

    def __init__(
        self,
        path: Path,
        make_index: Callable[[Catalogue], T],
        *,
        last_good: Path | None = None,
        settle: float = SETTLE_SECONDS,
    ) -> None:
        """Load the catalogue at once; if it is broken, the last good copy kept at `last_good`.

        Raise `CatalogueError` only when neither can be used. When the bot starts on the last
        good copy, `startup_failure` says what is wrong with the file (the watcher tells staff).
        """
        self.path = Path(path)
        self._make_index = make_index
        self.last_good = Path(last_good) if last_good is not None else None
        self.settle = settle
        # The text of the catalogue in service, unless the last good copy holds it (it is then
        # read from there when needed: a province's catalogue is megabytes).
        self._good_raw: bytes | None = None
        self.startup_failure: ReloadOutcome | None = None
        self._lock = threading.Lock()  # one reload at a time (watcher thread and /reload)
        self._stamp: tuple[int, int] | None = None  # (mtime_ns, size) last read
        self._digest = ""  # sha256 of the content in service
        self._failure: ReloadOutcome | None = None  # the last failure, for an unchanged file
        self._current: Loaded[T] | None = None
        self._notified_failure: str | None = None  # the failure `poll` last reported
        outcome = self.reload(force=True)
        self._seen: tuple[int, int] | None = self._stamp  # the file as `poll` last saw it
        self._still_since = time.monotonic()
        if not outcome.ok:
            if not self._serve_last_good():
                raise CatalogueError(outcome.problems)
            failed = self._failed(
                outcome.problems, outcome.warnings, outcome.summary, outcome.fingerprint
            )
            self.startup_failure = self._failure = replace(failed, last_good=self.last_good)

    @property
    def current(self) -> Loaded[T]:
        """The snapshot in service; read it once per turn and use that object throughout."""
        current = self._current
        assert current is not None  # set in __init__ or __init__ raised
        return current

    def reload(self, force: bool = False, still_for: float = 0.0) -> ReloadOutcome:
        """Re-read the file if it changed (or if `force`); swap the result in only if good."""
        with self._lock:
            try:
                return self._reload(force, still_for)
            except Exception as exc:  # last line of defence: the bot keeps the old catalogue
                log.exception("catalogue reload failed unexpectedly")
                return self._failed([m.RELOAD_UNEXPECTED.format(path=self.path, error=exc)])

    async def reload_async(self, force: bool = False, still_for: float = 0.0) -> ReloadOutcome:
        """Run `reload` in a worker thread, so the event loop keeps answering meanwhile."""
        import asyncio  # here, not at the top: `check` and the benchmarks load without a loop

        return await asyncio.to_thread(self.reload, force, still_for)

    async def poll(self, notify: Callable[[ReloadOutcome], Awaitable[None]]) -> None:
        """Check the file once; notify on a swap, on a new failure (not on repeats) and when a
        failure is mended. A scheduler calls this every few seconds (the front end's job queue
        or owner).

        A changed file is read only once it has stayed the same for `settle` seconds, so that
        a burst of saves (an editor saving as one types, a copy in progress) is one reload.
        A failure at start-up (the bot serving the last good copy) is told at the first poll.
        """
        stamp = self._peek()
        now = time.monotonic()
        if stamp != self._seen:
            self._seen, self._still_since = stamp, now
        if stamp != self._stamp and now - self._still_since < self.settle:
            return  # still being written
        outcome = await self.reload_async(still_for=self.settle)
        last = self._notified_failure
        # A swap, a mended failure, or a failure other than the one last told.
        mended = outcome.ok and last is not None
        report = outcome.changed or mended or (not outcome.ok and outcome.fingerprint != last)
        self._notified_failure = None if outcome.ok else outcome.fingerprint
        if report:
            try:
                await notify(outcome)
            except Exception:  # a failed message must not stop the watching
                log.exception("could not deliver a catalogue reload notice")

    async def tell_startup_failure(
        self, notify: Callable[[ReloadOutcome], Awaitable[None]]
    ) -> None:
        """At start-up on the last good copy, tell what is wrong with the file at once (once)."""
        failure = self.startup_failure
        if failure is None or self._notified_failure == failure.fingerprint:
            return
        self._notified_failure = failure.fingerprint
        try:
            await notify(failure)
        except Exception:
            log.exception("could not deliver the start-up catalogue notice")

    async def watch(
        self, notify: Callable[[ReloadOutcome], Awaitable[None]], interval: float = 2.0
    ) -> None:
        """Poll the file forever (`poll` every `interval` seconds)."""
        import asyncio

        while True:
            await self.poll(notify)
            await asyncio.sleep(interval)

    def _peek(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)

    def _serve_last_good(self) -> bool:
        """Put the last good copy in service (start-up with a broken file); False if unusable."""
        if self.last_good is None:
            return False
        try:
            raw = self.last_good.read_bytes()
            moment = dt.datetime.fromtimestamp(self.last_good.stat().st_mtime, dt.UTC)
        except OSError:
            return False
        report = checked(raw, str(self.last_good))
        if not report.usable:
            log.error("the last good catalogue %s is not usable either", self.last_good)
            return False
        try:
            catalogue = report.model(str(self.last_good))
            index = self._make_index(catalogue)
        except Exception:
            log.exception("building the last good catalogue failed")
            return False
        self._current = Loaded(catalogue, index, 0, moment)
        self._digest = hexdigest(raw)
        self._good_raw = None  # the last good copy holds it
        log.warning("catalogue broken: serving the last good copy %s", self.last_good)
        return True

    def _holds(self, raw: bytes) -> bool:
        """Whether the last good copy holds exactly this text (compared in parts, as it is read:
        far cheaper than hashing it)."""
        if self.last_good is None:
            return False
        text = memoryview(raw)
        try:
            with self.last_good.open("rb") as copy:
                if os.fstat(copy.fileno()).st_size != len(raw):
                    return False
                done = 0
                while block := copy.read(_PART):
                    if text[done : done + len(block)] != block:
                        return False
                    done += len(block)
                return done == len(raw)
        except OSError:
            return False

    def _good_text(self) -> bytes | None:
        """The text of the catalogue in service (None if it cannot be had any more)."""
        if self._good_raw is not None or self.last_good is None or self._current is None:
            return self._good_raw
        try:
            raw = self.last_good.read_bytes()
        except OSError:
            return None
        return raw if hexdigest(raw) == self._digest else None

    def _keep(self, raw: bytes) -> bool:
        """Write the catalogue just loaded to the last good copy (atomically: it differs, see
        `_holds`); True once the copy holds it."""
        if self.last_good is None:
            return False
        try:
            self.last_good.parent.mkdir(parents=True, exist_ok=True)
            partial = self.last_good.with_name(self.last_good.name + ".part")
            with partial.open("wb") as out:
                out.write(raw)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, self.last_good)
        except OSError as exc:  # the bot runs on; only a later broken start-up would miss it
            log.warning("could not keep the last good catalogue at %s: %s", self.last_good, exc)
            return False
        return True

    def _reload(self, force: bool, still_for: float = 0.0) -> ReloadOutcome:
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
        if not force and time.time_ns() - stat.st_mtime_ns < still_for * 1e9:
            # Written less than `still_for` seconds ago: maybe still being written (an editor's
            # save truncates first). Read it at a later poll, once it has been still.
            return self._failure or self._unchanged()
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            return self._failed([m.RELOAD_UNREADABLE.format(path=name, error=exc.strerror or exc)])
        if not force and (len(raw) != stat.st_size or self._peek() != stamp):
            # Saved again while being read: read it at the next poll, once it is still.
            return self._failure or self._unchanged()
        self._stamp = stamp
        digest = hexdigest(raw)
        if not force and digest == self._digest:
            self._failure = None
            return self._unchanged()
        # A start on an unchanged file reads the outcome from the derived-data cache.
        report = checked(raw, name, bytes.fromhex(digest))
        warnings = [str(p) for p in report.warnings]
        first_line = report.errors[0].line if report.errors else 0
        # (Only a failure, or a text that stops mid-line, can be a save caught half-written.)
        suspect = not report.usable or not raw.endswith(b"\n")
        cut = suspect and is_truncated(raw, self._good_text(), first_line)
        if not report.usable or (cut and not raw.endswith(b"\n")):
            problems = [str(p) for p in report.errors]
            if cut:
                problems.insert(0, m.RELOAD_TRUNCATED.format(path=name))
            return self._failed(problems, warnings, report.summary(), digest)
        kept = self._holds(raw)  # the last good copy has this text already
        if kept:
            raw = b""  # not needed any more: the index is built without it held in memory
        try:
            # The checker built it already from the same data and name: used as it is.
            catalogue = report.model(name)
            index = self._make_index(catalogue)
        except Exception as exc:
            log.exception("building the catalogue or its index failed")
            problem = m.RELOAD_INDEX_FAILED.format(path=name, error=f"{type(exc).__name__}: {exc}")
            return self._failed([problem], warnings, report.summary(), digest)
        changed = digest != self._digest
        previous = self._current.catalogue if self._current is not None else None
        # The swap: one assignment of an immutable snapshot, so a reader sees old or new whole.
        self._current = Loaded(catalogue, index, stat.st_mtime_ns, dt.datetime.now(dt.UTC))
        self._digest = digest
        self._good_raw = None if kept or self._keep(raw) else raw
        self._failure = None
        log.info("catalogue loaded: %s", report.summary())
        return ReloadOutcome(
            True,
            changed,
            [],
            warnings,
            report.summary(),
            fingerprint=digest,
            diff=diff(previous, catalogue) if previous is not None else CatalogueDiff(),
            previous=previous,
        )

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

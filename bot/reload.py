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

from bot.catalogue import Catalogue, CatalogueError, build
from bot.validation import VIETNAM, check_text

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
            head = "✅ Đã cập nhật danh mục: " if self.changed else "Danh mục không thay đổi: "
            lines = [head + esc(self.summary)]
            if self.warnings:
                lines.append("Cảnh báo (bot vẫn chạy bình thường):")
                lines += _listed(self.warnings, esc)
            return "\n".join(lines)
        since = f" (cập nhật lúc {_local(self.kept_since)})" if self.kept_since else ""
        lines = [f"⚠️ Danh mục mới có lỗi, bot vẫn dùng bản cũ{since}:"]
        lines += _listed(self.problems, esc)
        lines.append(
            "Sửa xong và lưu tệp, bot sẽ tự nạp lại (hoặc gõ /reload). "
            "Xem hướng dẫn: docs/huong-dan-bien-tap.md"
        )
        return "\n".join(lines)


def _listed(items: list[str], esc: Callable[[str], str]) -> list[str]:
    shown = [f"• {esc(item)}" for item in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        shown.append(
            f"… và {len(items) - MAX_LISTED} mục khác (chạy python -m bot check để xem hết)."
        )
    return shown


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y")


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
                return self._failed([f"{self.path}: lỗi không mong đợi khi nạp lại ({exc})."])

    async def reload_async(self, force: bool = False) -> ReloadOutcome:
        """Run `reload` in a worker thread, so the event loop keeps answering meanwhile."""
        return await asyncio.to_thread(self.reload, force)

    async def watch(
        self, notify: Callable[[ReloadOutcome], Awaitable[None]], interval: float = 2.0
    ) -> None:
        """Poll the file forever; notify on each swap and on each new failure (not repeats)."""
        last_failure: str | None = None
        while True:
            outcome = await self.reload_async()
            report = outcome.changed if outcome.ok else outcome.fingerprint != last_failure
            last_failure = None if outcome.ok else outcome.fingerprint
            if report:
                try:
                    await notify(outcome)
                except Exception:  # a failed message must not stop the watching
                    log.exception("could not deliver a catalogue reload notice")
            await asyncio.sleep(interval)

    def _reload(self, force: bool) -> ReloadOutcome:
        name = str(self.path)
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp = None
            return self._failed(
                [f"{name}: không tìm thấy tệp (có thể đang được lưu, đổi tên hoặc đã bị xoá)."],
                fingerprint="missing",
            )
        except OSError as exc:
            self._stamp = None
            return self._failed([f"{name}: không đọc được tệp ({exc.strerror or exc})."])
        stamp = (stat.st_mtime_ns, stat.st_size)
        if not force and stamp == self._stamp:
            return self._failure or self._unchanged()
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            return self._failed([f"{name}: không đọc được tệp ({exc.strerror or exc})."])
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
            problem = (
                f"{name}: danh mục hợp lệ nhưng không dựng được bộ tìm kiếm "
                f"({type(exc).__name__}: {exc}); hãy báo người phụ trách kỹ thuật."
            )
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
        summary = (
            f"{self.path}: {len(cat.procedures)} thủ tục, {len(cat.guides)} hướng dẫn, "
            f"{len(cat.agencies)} cơ quan."
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
            summary=summary or f"{self.path}: chưa nạp được; bot vẫn dùng bản cũ.",
            kept_since=kept,
            fingerprint=fingerprint or "|".join(problems),
        )
        self._failure = outcome
        return outcome

"""Database faults at run time, as the operator must see them (see `bot.storage.faults`).

- The staff chat is told in plain Vietnamese when the database cannot be written (read-only,
  disk I/O errors, a full disk), at most once every TELL_EVERY seconds, and told again once it
  can be written. Citizens meanwhile get the polite "busy" answer (the front end's own).
- The heartbeat file beside the database, which the container's health check reads, is removed
  while a fault is in force, so that the check fails instead of saying all is well.
- A database file deleted or replaced under the bot: it is logged, the staff chat is told, and
  the bot stops (`stop`) with the message, so that its supervisor starts it again on the file
  now at that path; it never goes on writing into a deleted file.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bot import messages as m
from bot.addresses import Address
from bot.core.replies import Reply, Sender, esc
from bot.storage.database import Database
from bot.storage.faults import StorageFault

log = logging.getLogger("bot.frontends.telegram.bot")

TELL_EVERY = 3600.0
# How long the staff message about a deleted file may take before the bot stops anyway.
GONE_NOTICE_SECONDS = 10.0


class StorageAlerts:
    """Listens to the database's faults: tells the staff chat, keeps the heartbeat honest."""

    def __init__(
        self,
        db: Database,
        staff_chat: Address | None,
        sender: Sender,
        stop: Callable[[str], None],
        heartbeat: Path | None = None,
    ) -> None:
        self.db = db
        self.staff_chat = staff_chat
        self.sender = sender
        self.stop = stop
        self.heartbeat = heartbeat
        self.stopping = ""  # why the bot stops, once it does
        self._told_at: float | None = None  # when the staff chat last heard of a fault
        self._told_fault = False  # whether it heard of the fault in force
        self._tasks: set[asyncio.Task[None]] = set()
        db.listen(self.on_fault)

    def on_fault(self, fault: StorageFault | None) -> None:
        """The database's listener: a fault began (or changed), or None: writes work again."""
        if fault is None:
            if self._told_fault:
                self._told_fault = False
                self._tell(m.STORAGE_RECOVERED.format(path=esc(self.db.location)))
            self.beat()
            return
        self._remove_heartbeat()
        if fault.kind == "gone":
            self._gone(fault)
            return
        now = time.monotonic()
        if self._told_at is not None and now - self._told_at < TELL_EVERY:
            return
        self._told_at = now
        self._told_fault = True
        text = m.STORAGE_FAULT.format(
            path=esc(fault.location),
            reason=m.STORAGE_REASONS.get(fault.kind, fault.kind),
            detail=esc(fault.detail),
            todo=m.STORAGE_TODO.get(fault.kind, ""),
        )
        self._tell(text)

    def beat(self) -> None:
        """Touch the heartbeat file, unless the database has a fault (then remove it)."""
        if self.heartbeat is None:
            return
        if self.db.check() is not None:
            self._remove_heartbeat()
            return
        try:
            self.heartbeat.touch()
        except OSError as exc:
            log.warning("could not touch the heartbeat file: %s", exc)

    def _remove_heartbeat(self) -> None:
        if self.heartbeat is not None:
            try:
                self.heartbeat.unlink(missing_ok=True)
            except OSError as exc:  # a read-only folder: the file goes stale all the same
                log.warning("could not remove the heartbeat file: %s", exc)

    def _gone(self, fault: StorageFault) -> None:
        if self.stopping:
            return
        self.stopping = m.DATABASE_GONE.format(path=fault.location)
        log.critical("the database file %s was deleted or replaced: stopping", fault.location)

        async def tell_then_stop() -> None:
            try:
                if self.staff_chat is not None:
                    text = m.STAFF_DATABASE_GONE.format(message=esc(self.stopping))
                    reply = Reply(text, chat=self.staff_chat)
                    await asyncio.wait_for(self.sender(reply), GONE_NOTICE_SECONDS)
            except Exception as exc:  # the bot stops all the same
                log.warning("could not tell the staff chat: %s", type(exc).__name__)
            finally:
                self.stop(self.stopping)

        self._start(tell_then_stop())

    def _tell(self, text: str) -> None:
        if self.staff_chat is None:
            return
        reply = Reply(text, chat=self.staff_chat)

        async def tell() -> None:
            try:
                await self.sender(reply)
            except Exception as exc:
                log.warning("could not tell the staff chat: %s", type(exc).__name__)

        self._start(tell())

    def _start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

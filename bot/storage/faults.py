"""Faults of the database that do not pass by themselves, as the operator must hear of them.

A database that cannot be written (a read-only file or disk, disk I/O errors, a full disk), or
whose file was deleted or replaced under the running bot, is a `StorageFault`. The backend
records each one in its `Health` (classifying the error with `classify`); whoever runs the bot
(the Telegram front end) listens to it: it tells the staff chat, stops touching the heartbeat
file that the health check reads, and stops the bot when the file is gone. The next successful
write ends a fault (listeners hear None).
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

FaultKind = Literal["read-only", "disk", "full", "gone"]


@dataclass(frozen=True)
class StorageFault:
    """What keeps the database from being written: its kind, the file, the error's text."""

    kind: FaultKind
    location: str
    detail: str


class DatabaseGone(sqlite3.OperationalError):
    """The database file was deleted or replaced while the bot had it open."""


_OS_KINDS: dict[int, FaultKind] = {
    errno.EROFS: "read-only",
    errno.EACCES: "read-only",
    errno.EPERM: "read-only",
    errno.EIO: "disk",
    errno.ENOSPC: "full",
}


def classify(exc: BaseException) -> FaultKind | None:
    """The kind of storage fault an error is, or None for an error of one unit of work only."""
    if isinstance(exc, DatabaseGone):
        return "gone"
    if isinstance(exc, OSError) and exc.errno in _OS_KINDS:
        return _OS_KINDS[exc.errno]
    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return "read-only"
    if "disk i/o" in text or "unable to open database file" in text:
        return "disk"
    if "disk is full" in text:
        return "full"
    return None


Listener = Callable[[StorageFault | None], None]


class Health:
    """The fault in force (None when writes work), and who hears when it begins or ends."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.fault: StorageFault | None = None
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        """Call `listener` with each new fault, and with None once writes work again."""
        self._listeners.append(listener)

    def failed(self, exc: BaseException) -> StorageFault | None:
        """Record an error if it is a storage fault; return the fault (None if it is not one)."""
        kind = classify(exc)
        if kind is None:
            return None
        fault = StorageFault(kind, self.location, str(exc) or type(exc).__name__)
        if self.fault is None or self.fault.kind != kind:
            log.error("the database %s cannot be written (%s): %s", self.location, kind, exc)
            self.fault = fault
            self._tell(fault)
        return fault

    def worked(self) -> None:
        """A write went through: a fault in force is over (except a file that is gone)."""
        if self.fault is not None and self.fault.kind != "gone":
            log.warning("the database %s can be written again", self.location)
            self.fault = None
            self._tell(None)

    def _tell(self, fault: StorageFault | None) -> None:
        for listener in self._listeners:
            try:
                listener(fault)
            except Exception:  # a listener's failure never becomes the writer's
                log.exception("a storage fault listener failed")

"""The SQLite backend: one long-lived aiosqlite connection, WAL, one writer (and a read-only
connection for the look-up every text needs, see `SQLiteDatabase.peek`).

It implements `bot.storage.backend.Database`, which the per-concern storage functions use; the
schema comes from `bot.storage.migrations`, applied when the database is opened.

Durability. Every commit is synced to disk (`synchronous = FULL`): whatever the bot confirmed
to a citizen (a rating, a comment, a guide step, a checklist tick, a hand-off, what it waits for
them to type) is committed before the reply is sent, and survives a SIGKILL, an OS crash and a
power cut. The analytics rows that nobody is ever shown as confirmed (the log of questions
asked and of questions declined, for the weekly review) are queued with `later()`
instead, and written in batches: with the next unit of work, before the next read that asks
for them, at close (a SIGTERM closes the database), or `LATER_SECONDS` after they were
queued. A SIGKILL or a crash may lose the last `LATER_SECONDS` or so of that log (more only if
the file stayed locked by another process), and never anything confirmed. This takes one
transaction and one disk sync per batch rather than per question. `synchronous = NORMAL`
would have saved the syncs of the confirmed writes too, at the price of losing the last of
them on an OS crash or power cut, and is not used for them. One unit of work uses it
(`write(synced=False)`): storing a batch of received updates, which must survive a SIGKILL
before it is handled (a commit in the write-ahead log does: the system keeps the file's
writes) and a power cut only before Telegram is told it was received, which waits for `sync`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.storage.faults import DatabaseGone, Health, Listener, StorageFault, classify
from bot.storage.migrations import apply
from bot.storage.url import MEMORY
from bot.storage.usable import check_usable

BUSY_TIMEOUT_MS = 5000
BUSY_RETRIES = 5
# SQLite's page cache, per connection (SQLite's default is 2 MB). Each update writes the inbox
# and the question log, so the cache fills with pages written once and never read again: about
# 1 KB of memory per citizen until it is full. The pages that matter (the tables' and indexes'
# last leaves, the schema) fit in far less; any other page comes from the operating system's
# file cache. (`python -m bot bench-load`: its peak memory.)
PAGE_CACHE_KIB = 256
# Queued analytics rows are written at the latest this long after they were queued (see the
# module's docstring): the most of the question log a SIGKILL can take.
LATER_SECONDS = 0.25
# Queued rows kept while the database cannot be written; past this the oldest are dropped.
MAX_QUEUED = 10_000

log = logging.getLogger(__name__)


class SQLiteTransaction:
    """The statements of one unit of work on the connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return how many rows it changed."""
        return await _on_thread(self._conn, _execute, sql, tuple(params))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """Run one query (or a statement with RETURNING); return its first row, if any."""
        return await _on_thread(self._conn, _fetch_one, sql, tuple(params))


class SQLiteDatabase:
    """The bot's one SQLite connection; writes are serialised by a lock."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._later: list[tuple[str, tuple[Any, ...]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()
        self._reader: sqlite3.Connection | None = None  # see `peek`
        self.health = Health(str(path))
        # The file's (device, inode) when opened: a file deleted or replaced since is noticed.
        self._identity: tuple[int, int] | None = None
        self._dropped = 0  # queued rows dropped past MAX_QUEUED

    @property
    def location(self) -> str:
        """The database file's name (or `:memory:`), for logs."""
        return self.path.name if str(self.path) != MEMORY else MEMORY

    @classmethod
    async def open(cls, path: Path | str) -> SQLiteDatabase:
        """Open (creating if needed) and migrate the database file at `path` (or `:memory:`)."""
        path = Path(path)
        if str(path) != MEMORY:
            check_usable(path)  # DatabaseUnusable, in plain words, before any thread starts
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a reply confirmed to a citizen must survive a power cut or SIGKILL (above).
            await conn.execute("PRAGMA synchronous = FULL")
            await conn.execute("PRAGMA foreign_keys = ON")
            # What is deleted or overwritten (an answered update's text, an erasure) is zeroed
            # in the file, not left in free pages.
            await conn.execute("PRAGMA secure_delete = ON")
            await conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
            db = cls(conn, path)
            await apply(db)
        except BaseException:
            await conn.close()  # else its thread would keep the process alive
            raise
        if str(path) != MEMORY:  # another connection to :memory: would be another database
            # Never waits for a lock (timeout 0): `peek` falls back to `read` instead.
            reader = sqlite3.connect(str(path), timeout=0, isolation_level=None)
            reader.row_factory = sqlite3.Row
            reader.execute("PRAGMA query_only = ON")
            reader.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
            db._reader = reader
            db._identity = _identity(path)
        return db

    @property
    def fault(self) -> StorageFault | None:
        """What keeps the database from being written just now (None when all is well)."""
        return self.health.fault

    def listen(self, listener: Listener) -> None:
        """Call `listener` when a storage fault begins, and with None when it is over."""
        self.health.listen(listener)

    def check(self) -> StorageFault | None:
        """Notice a file deleted or replaced under the bot (one `stat`); the fault in force."""
        if self._identity is not None and _identity(self.path) != self._identity:
            self.health.failed(DatabaseGone(f"{self.path} was deleted or replaced"))
        return self.health.fault

    async def close(self) -> None:
        """Close the connection after pending writes (queued rows too) finish."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            await self.flush()
        except Exception as exc:  # the connection is closed all the same, or its thread lingers
            trace = None if classify(exc) else exc
            log.error("closing with %d queued rows not written: %s", len(self._later), exc,
                      exc_info=trace)  # fmt: skip
            self._later = []
        finally:
            if self._reader is not None:
                self._reader.close()  # first: the last connection to close removes the WAL
                self._reader = None
            async with self._lock:
                await self._conn.close()

    @asynccontextmanager
    async def write(
        self, *, secure: bool = False, synced: bool = True
    ) -> AsyncIterator[SQLiteTransaction]:
        """One unit of work: serialised, in a transaction, committed on success.

        Rows queued with `later()` are written first, in the same transaction, so that every
        write (an erasure too) sees them. `secure` overwrites what the unit deletes. When the
        unit fails, its COMMIT included, it is rolled back and the queued rows wait for the next
        write. A file deleted or replaced since it was opened is never written: `DatabaseGone`.
        `synced=False` commits without waiting for the disk (`synchronous = NORMAL`: in the
        write-ahead log, which the system keeps when the process is killed); `sync`, or the
        next synced commit, puts it on the disk.
        """
        async with self._lock:
            fault = self.check()
            if fault is not None and fault.kind == "gone":
                raise DatabaseGone(fault.detail)
            queued, self._later = self._later, []
            try:
                queued = await self._begin(queued, secure, synced)
                yield SQLiteTransaction(self._conn)
                await _on_thread(self._conn, _commit, synced)
            except BaseException as exc:
                await self._rollback(synced)
                # Rolled back with the caller's work, the queued rows wait for the next write.
                self._later[:0] = queued
                del self._later[:-MAX_QUEUED]  # while it cannot be written, the newest are kept
                if self._later:
                    self._schedule()
                self.health.failed(exc)
                raise
            self.health.worked()

    async def _begin(
        self, queued: list[tuple[str, tuple[Any, ...]]], secure: bool, synced: bool
    ) -> list[tuple[str, tuple[Any, ...]]]:
        """Begin the unit of work and write the queued rows (see `_open_unit`); return the rows
        written."""
        for attempt in range(BUSY_RETRIES):
            try:
                return await _on_thread(self._conn, _open_unit, queued, secure, synced)
            except sqlite3.OperationalError as exc:
                # Another process (a staff report, a backup) holds the file: wait and retry.
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                await self._rollback(synced)
                await asyncio.sleep(0.05 * 2**attempt)
        raise sqlite3.OperationalError("database is locked")

    async def _rollback(self, synced: bool = True) -> None:
        """End a failed unit of work; a ROLLBACK that fails too is logged, never raised."""
        try:
            if self._conn.in_transaction:
                await self._conn.execute("ROLLBACK")
            if not synced:
                await self._conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error:
            log.exception("could not roll back a failed unit of work")

    async def sync(self) -> None:
        """Put what was committed without `synced` on the disk: the write-ahead log, synced
        (what a synced commit would have done)."""
        if str(self.path) != MEMORY:
            await _on_thread(self._conn, _sync_log, Path(f"{self.path}-wal"))

    def later(self, sql: str, params: Iterable[Any] = ()) -> None:
        """Queue an analytics row (never one confirmed to anybody), written in a batch soon.

        It is written with the next unit of work, before the next read, at close, or within
        `LATER_SECONDS`; a SIGKILL in between loses it (see the module's docstring).
        """
        self._later.append((sql, tuple(params)))
        if len(self._later) > MAX_QUEUED:  # the database cannot be written for a while now
            del self._later[0]
            self._dropped += 1
            if self._dropped % 1000 == 1:
                log.warning("dropped %d queued rows: the database is not written", self._dropped)
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_later(LATER_SECONDS, self._flush_soon)

    def _flush_soon(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self.flush())
        self._flushing.add(task)
        task.add_done_callback(self._flushed)

    def _flushed(self, task: asyncio.Task[None]) -> None:
        self._flushing.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None:
            # A storage fault was logged when it began (see `faults`): one line, no traceback.
            trace = None if classify(error) else error
            log.error("could not write the queued rows: %s", error, exc_info=trace)

    async def flush(self) -> None:
        """Write the rows queued with `later()` now."""
        if self._later:
            async with self.write():
                pass

    async def read(
        self, sql: str, params: Iterable[Any] = (), *, queued: bool = True
    ) -> list[sqlite3.Row]:
        """Run a query and return every row.

        Queued rows are written first, so that the query sees them; `queued=False` skips that
        for a query on a table `later()` never writes to.
        """
        if queued and self._later:
            await self.flush()
        rows = await self._conn.execute_fetchall(sql, tuple(params))
        return list(rows)

    async def peek(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """A small read of committed rows (a look-up by key), for what every update asks.

        It runs on the event loop's thread, on a second, read-only connection: a look-up by key
        takes microseconds there, less than handing it to the database thread and back. When
        that connection cannot read at once (the file locked, as while it is recovered after a
        crash; an in-memory database), it goes through `read`. Rows queued with `later()` and a
        unit of work not yet committed are not seen.
        """
        if self._reader is not None:
            try:
                return self._reader.execute(sql, tuple(params)).fetchall()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
        return await self.read(sql, params, queued=False)

    async def read_one(
        self, sql: str, params: Iterable[Any] = (), *, queued: bool = True
    ) -> sqlite3.Row | None:
        """Run a query and return its first row, if any."""
        found = await self.read(sql, params, queued=queued)
        return found[0] if found else None

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement in its own unit of work; return how many rows it changed."""
        async with self.write() as tx:
            return await tx.execute(sql, params)

    async def tables(self) -> dict[str, set[str]]:
        """Every table of the database with its column names."""
        found = await self.read("SELECT name FROM sqlite_master WHERE type = 'table'")
        columns: dict[str, set[str]] = {}
        for (name,) in found:
            info = await self.read(f'PRAGMA table_info("{name}")')
            columns[name] = {row[1] for row in info}
        return columns

    async def scrub(self) -> None:
        """Leave no copy of deleted rows behind: fold the log into the file and truncate it."""
        try:
            await self.read("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # a busy reader only delays this until the next checkpoint
            log.warning("could not checkpoint the write-ahead log", exc_info=True)

    def local_date(self, column: str, offset_minutes: int) -> str:
        """The SQL for the local date (ISO) of a UTC timestamp column, `offset_minutes` ahead."""
        return f"date({column}, '{int(offset_minutes):+d} minutes')"


# Each call into the database thread waits for the event loop to take its answer, which under
# load is a turn of the loop (several milliseconds while replies are being worked out): so a
# unit of work makes few calls, each doing all it can there (`_open_unit`, one per statement).
T = TypeVar("T")


async def _on_thread(conn: aiosqlite.Connection, function: Callable[..., T], *args: Any) -> T:
    """Run `function(connection, *args)` on the connection's thread, in one call."""
    result: T = await conn._execute(function, conn._conn, *args)  # type: ignore[no-untyped-call]
    return result


def _execute(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> int:
    """Run one statement; return how many rows it changed (on the database thread)."""
    cursor = conn.execute(sql, params)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _fetch_one(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> Any:
    """Run one query; return its first row, if any (on the database thread)."""
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


def _open_unit(
    conn: sqlite3.Connection,
    queued: list[tuple[str, tuple[Any, ...]]],
    secure: bool,
    synced: bool = True,
) -> list[tuple[str, tuple[Any, ...]]]:
    """Begin a unit of work and insert the queued rows, one `executemany` per statement;
    return the rows written (on the database thread). Not `synced`: its commit does not wait
    for the disk (SQLite takes this only outside a transaction).

    A row that cannot be written (text that cannot be encoded, a constraint) is dropped and
    logged, and the rest are written: a log of questions must never cost a citizen a
    confirmation, nor block the writes after it. A failure that ends the transaction (disk
    full, I/O) is raised, and every row waits for the next write.
    """
    if not synced:
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("BEGIN IMMEDIATE")
    if secure:
        conn.execute("PRAGMA secure_delete = ON")
    batches: dict[str, list[tuple[Any, ...]]] = {}
    for sql, params in queued:
        batches.setdefault(sql, []).append(params)
    written: list[tuple[str, tuple[Any, ...]]] = []
    for sql, rows in batches.items():
        conn.execute("SAVEPOINT queued")
        try:
            conn.executemany(sql, rows)
        except (sqlite3.Error, ValueError, OverflowError):
            if not conn.in_transaction:  # the transaction is gone (disk full, I/O)
                raise
            conn.execute("ROLLBACK TO queued")
            rows = _write_rows(conn, sql, rows)
        conn.execute("RELEASE queued")
        written.extend((sql, row) for row in rows)
    return written


def _commit(conn: sqlite3.Connection, synced: bool) -> None:
    """Commit the unit of work; then commits wait for the disk again (on the database
    thread)."""
    conn.execute("COMMIT")
    if not synced:
        conn.execute("PRAGMA synchronous = FULL")


def _sync_log(conn: sqlite3.Connection, wal: Path) -> None:
    """Sync the write-ahead log file to disk (on the database thread, between statements).

    Every commit is in it, or was copied from it into the database file by a checkpoint, which
    syncs the log first and the file after. No log file: the last connection's close folded it
    into the database file, synced.
    """
    try:
        fd = os.open(wal, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_rows(
    conn: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Insert rows one by one, dropping (and logging, without their content) bad ones."""
    good = []
    for row in rows:
        try:
            conn.execute(sql, row)
        except (sqlite3.Error, ValueError, OverflowError) as exc:
            if not conn.in_transaction:
                raise
            log.error("dropped a queued row that cannot be written: %s", type(exc).__name__)
            continue
        good.append(row)
    return good


def _identity(path: Path) -> tuple[int, int] | None:
    """The (device, inode) of a file, None if there is none at `path`."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)

"""SQLite storage: one long-lived aiosqlite connection, WAL, numbered migrations, one writer.

Feature modules (progress, feedback, ...) keep their SQL next to their logic and reach the
database through `Database.write()` and `Database.read()`. Migrations are numbered here so
that every database, old or new, ends at the same schema.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

# Each migration runs once, in order, inside one transaction; its number is recorded in
# schema_migrations. Never edit a migration that has shipped: add a new one.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "questions the bot was asked",
        """
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_hash TEXT NOT NULL,
            text TEXT NOT NULL,
            normalized TEXT NOT NULL,
            decision TEXT NOT NULL,
            entry_id TEXT,
            score REAL
        );
        CREATE INDEX questions_at ON questions(at);
        """,
    ),
    (
        2,
        "guide progress and document checklists",
        """
        CREATE TABLE flow_progress (
            user_hash TEXT PRIMARY KEY,
            guide_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            history TEXT NOT NULL DEFAULT '[]',
            procedure_id TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE checklists (
            user_hash TEXT NOT NULL,
            procedure_id TEXT NOT NULL,
            ticked TEXT NOT NULL DEFAULT '[]',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_hash, procedure_id)
        );
        """,
    ),
    (
        3,
        "feedback, unanswered questions, hand-offs, weekly aggregates",
        """
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_hash TEXT NOT NULL,
            entry_id TEXT,
            rating INTEGER,
            reason TEXT,
            comment TEXT,
            saved_trip INTEGER,
            question TEXT
        );
        CREATE INDEX feedback_at ON feedback(at);
        CREATE TABLE unanswered (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_hash TEXT NOT NULL,
            text TEXT NOT NULL,
            normalized TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX unanswered_at ON unanswered(at);
        CREATE TABLE handoffs (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_hash TEXT NOT NULL,
            chat_id INTEGER NOT NULL,
            question TEXT NOT NULL,
            staff_message_id INTEGER,
            status TEXT NOT NULL DEFAULT 'open',
            answered_at TEXT
        );
        CREATE TABLE pending_input (
            user_hash TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL
        );
        CREATE TABLE weekly_aggregates (
            week TEXT PRIMARY KEY,
            data TEXT NOT NULL
        );
        """,
    ),
    (
        5,
        "indexes for deleting a citizen's data and for retention",
        """
        CREATE INDEX questions_user ON questions(user_hash);
        CREATE INDEX unanswered_user ON unanswered(user_hash);
        CREATE INDEX feedback_user ON feedback(user_hash, entry_id);
        CREATE INDEX handoffs_user ON handoffs(user_hash, at);
        CREATE INDEX handoffs_at ON handoffs(at);
        """,
    ),
]

BUSY_TIMEOUT_MS = 5000
BUSY_RETRIES = 5


def utcnow() -> str:
    """The current time in UTC, ISO 8601, as stored in every table."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """The bot's one SQLite connection; writes are serialised by a lock."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        """Open (creating if needed) and migrate the database at `path`."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a reply confirmed to a citizen must survive a power cut or SIGKILL.
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("PRAGMA foreign_keys = ON")
        db = cls(conn, path)
        await db.migrate()
        return db

    async def close(self) -> None:
        """Close the connection after pending writes finish."""
        async with self._lock:
            await self._conn.close()

    async def migrate(self) -> list[int]:
        """Apply the migrations this database has not seen; return their numbers."""
        async with self._lock:
            await self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            cursor = await self._conn.execute("SELECT number FROM schema_migrations")
            done = {row[0] for row in await cursor.fetchall()}
            applied = []
            for number, name, sql in MIGRATIONS:
                if number in done:
                    continue
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in sql.split(";"):
                        if statement.strip():
                            await self._conn.execute(statement)
                    await self._conn.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)", (number, name, utcnow())
                    )
                    await self._conn.execute("COMMIT")
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
                applied.append(number)
            return applied

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One unit of work: serialised, in a transaction, committed on success."""
        async with self._lock:
            for attempt in range(BUSY_RETRIES):
                try:
                    await self._conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    # Another process (a staff report, a backup) holds the file: wait and retry.
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    await asyncio.sleep(0.05 * 2**attempt)
            else:
                raise sqlite3.OperationalError("database is locked")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run a query and return every row."""
        cursor = await self._conn.execute(sql, tuple(params))
        rows = await cursor.fetchall()
        await cursor.close()
        return list(rows)

    async def read_one(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        """Run a query and return its first row, if any."""
        found = await self.read(sql, params)
        return found[0] if found else None

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> None:
        """Run one write statement in its own unit of work."""
        async with self.write() as conn:
            await conn.execute(sql, tuple(params))

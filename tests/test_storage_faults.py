"""Faults of the database, contained: one queued row that cannot be written, a COMMIT that fails,
the file deleted or replaced under the bot, a database that turns read-only. Each costs at most
the one unit of work it hit; nothing is written silently where nobody will read it."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.storage import questions
from bot.storage.database import Database, open_database
from bot.storage.faults import DatabaseGone, StorageFault, classify

QUESTION = (
    "INSERT INTO unanswered (at, user_hash, text, normalized, reason) VALUES (?, ?, ?, ?, ?)"
)


def queue(db: Database, text: str) -> None:
    """Queue one unanswered question (an analytics row) with `text`."""
    db.later(QUESTION, ("2026-12-01T08:00:00+00:00", "u1", text, text, "none"))


def stored(path: Path) -> list[str]:
    """The texts of the unanswered questions in the file."""
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM unanswered ORDER BY id")]


async def test_a_row_that_cannot_be_encoded_costs_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    queue(db, "hỏi một")
    queue(db, "hỏng \ud800 ở đây")  # a lone surrogate: UTF-8 cannot hold it
    queue(db, "hỏi hai")
    await db.execute("INSERT INTO counters (name, value) VALUES ('probe', 1)")
    # Later writes work, and so does close (a SIGTERM closes the database): no hang.
    queue(db, "hỏi ba")
    assert await db.execute("UPDATE counters SET value = 2 WHERE name = 'probe'") == 1
    await asyncio.wait_for(db.close(), 10)
    assert stored(path) == ["hỏi một", "hỏi hai", "hỏi ba"]


async def test_a_bad_row_queued_on_its_own_does_not_block_close(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    questions.log_unanswered(db, "u1", "hỏi \udfff", "hoi", "none")
    questions.log_unanswered(db, "u1", "hỏi đúng", "hoi dung", "none")
    await asyncio.wait_for(db.close(), 10)
    assert stored(path) == ["hỏi đúng"]


async def test_a_failed_commit_rolls_back_and_keeps_the_queued_rows(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    async with db.write() as tx:
        await tx.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        await tx.execute(
            "CREATE TABLE child (parent INTEGER REFERENCES parent(id)"
            " DEFERRABLE INITIALLY DEFERRED)"
        )
    queue(db, "hỏi trước khi hỏng")
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as tx:  # checked only at COMMIT: a deferred foreign key
            await tx.execute("INSERT INTO child (parent) VALUES (99)")
    # Rolled back (no transaction left open), and the queued row waits for the next write.
    assert await db.read("SELECT * FROM child", queued=False) == []
    await db.execute("INSERT INTO parent (id) VALUES (1)")
    assert stored(path) == ["hỏi trước khi hỏng"]
    await db.close()


@pytest.mark.parametrize("how", ["deleted", "replaced"])
async def test_a_deleted_or_replaced_file_is_never_written_silently(
    tmp_path: Path, how: str
) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    heard: list[StorageFault | None] = []
    db.listen(heard.append)
    await db.execute("INSERT INTO counters (name, value) VALUES ('probe', 1)")
    assert db.check() is None
    if how == "deleted":
        path.unlink()
    else:  # a backup copied beside it and moved over it
        shutil.copy(path, tmp_path / "copy.sqlite3")
        os.replace(tmp_path / "copy.sqlite3", path)
    with pytest.raises(DatabaseGone):
        await db.execute("UPDATE counters SET value = 2 WHERE name = 'probe'")
    assert db.fault is not None and db.fault.kind == "gone"
    assert [f.kind if f else None for f in heard] == ["gone"]
    with pytest.raises(DatabaseGone):  # and every write after it
        await db.execute("UPDATE counters SET value = 3 WHERE name = 'probe'")
    await asyncio.wait_for(db.close(), 10)


async def test_a_file_deleted_while_idle_is_noticed_without_a_write(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    db = await open_database(path)
    path.unlink()
    fault = db.check()
    assert fault is not None and fault.kind == "gone" and str(path) in fault.location
    await db.close()


async def test_a_database_turned_read_only_is_a_fault_until_a_write_works(
    tmp_path: Path,
) -> None:
    db = await open_database(tmp_path / "bot.sqlite3")
    heard: list[StorageFault | None] = []
    db.listen(heard.append)
    conn = db._conn  # type: ignore[attr-defined]
    await conn.execute("PRAGMA query_only = ON")  # SQLite's own "readonly database" error
    for _ in range(3):
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await db.execute("INSERT INTO counters (name, value) VALUES ('probe', 1)")
    assert db.fault is not None and db.fault.kind == "read-only"
    await conn.execute("PRAGMA query_only = OFF")
    await db.execute("INSERT INTO counters (name, value) VALUES ('probe', 1)")
    assert db.fault is None
    assert [f.kind if f else None for f in heard] == ["read-only", None]  # told once, not thrice
    await db.close()


def test_faults_are_told_apart_from_errors_of_one_unit_of_work() -> None:
    assert classify(sqlite3.OperationalError("attempt to write a readonly database")) == (
        "read-only"
    )
    assert classify(sqlite3.OperationalError("disk I/O error")) == "disk"
    assert classify(sqlite3.OperationalError("database or disk is full")) == "full"
    assert classify(OSError(30, "Read-only file system")) == "read-only"
    assert classify(sqlite3.IntegrityError("UNIQUE constraint failed: counters.name")) is None
    assert classify(sqlite3.OperationalError("database is locked")) is None
    assert classify(ValueError("no")) is None

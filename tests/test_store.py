"""The database: migrations once, writes all-or-nothing, data kept across reopening."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.database import MIGRATIONS, Database


async def test_migrations_run_once_and_are_recorded(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    assert await db.migrate() == []
    rows = await db.read("SELECT number FROM schema_migrations ORDER BY number")
    assert [r["number"] for r in rows] == [n for n, _, _ in MIGRATIONS]
    await db.close()
    again = await Database.open(tmp_path / "a.sqlite3")
    assert await again.migrate() == []
    await again.close()


async def test_a_failed_unit_of_work_leaves_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    with pytest.raises(RuntimeError):
        async with db.write() as conn:
            await conn.execute(
                "INSERT INTO unanswered (at, user_hash, text, normalized, reason) "
                "VALUES ('t', 'u', 'x', 'x', 'declined')"
            )
            raise RuntimeError("boom")
    assert await db.read("SELECT * FROM unanswered") == []
    await db.close()


async def test_written_rows_survive_reopening(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    await db.execute(
        "INSERT INTO unanswered (at, user_hash, text, normalized, reason) "
        "VALUES ('t', 'u', 'x', 'x', 'declined')"
    )
    await db.close()
    db = await Database.open(tmp_path / "a.sqlite3")
    row = await db.read_one("SELECT text FROM unanswered")
    assert row is not None and row["text"] == "x"
    mode = await db.read_one("PRAGMA journal_mode")
    assert mode is not None and mode[0] == "wal"
    await db.close()


INSERT = (
    "INSERT INTO unanswered (at, user_hash, text, normalized, reason) "
    "VALUES ('t', 'u', ?, ?, 'declined')"
)


async def test_queued_analytics_rows_are_seen_by_the_next_read(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    db.later(INSERT, ("hỏi một", "hoi mot"))
    db.later(INSERT, ("hỏi hai", "hoi hai"))
    rows = await db.read("SELECT text FROM unanswered ORDER BY id")
    assert [r["text"] for r in rows] == ["hỏi một", "hỏi hai"]
    await db.close()


async def test_queued_analytics_rows_are_written_at_close(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.sqlite3")
    db.later(INSERT, ("hỏi ba", "hoi ba"))
    await db.close()
    again = await Database.open(tmp_path / "a.sqlite3")
    rows = await again.read("SELECT text FROM unanswered")
    assert [r["text"] for r in rows] == ["hỏi ba"]
    await again.close()

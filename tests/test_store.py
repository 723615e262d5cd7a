"""The database: named migrations once, writes all-or-nothing, data kept across reopening."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.addresses import telegram
from bot.cli import main
from bot.features import feedback, handoff, progress
from bot.storage import migrations
from bot.storage.database import open_database

FIXTURES = Path(__file__).parent / "fixtures"


async def test_migrations_run_once_and_are_recorded_by_name(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "a.sqlite3")
    assert await migrations.apply(db) == []
    assert list(await migrations.applied(db)) == sorted(migrations.MIGRATIONS)
    assert list(migrations.MIGRATIONS) == sorted(migrations.MIGRATIONS)  # run in name order
    await db.close()
    again = await open_database(tmp_path / "a.sqlite3")
    assert await migrations.apply(again) == []
    await again.close()


def test_a_migration_name_cannot_be_used_twice() -> None:
    async def m001_questions(tx: object) -> None:
        """A second migration under a name that shipped."""

    with pytest.raises(ValueError, match="m001_questions"):
        migrations.migration(m001_questions)


async def test_a_failed_unit_of_work_leaves_nothing(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "a.sqlite3")
    with pytest.raises(RuntimeError):
        async with db.write() as tx:
            await tx.execute(
                "INSERT INTO unanswered (at, user_hash, text, normalized, reason) "
                "VALUES ('t', 'u', 'x', 'x', 'declined')"
            )
            raise RuntimeError("boom")
    assert await db.read("SELECT * FROM unanswered") == []
    await db.close()


async def test_written_rows_survive_reopening(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "a.sqlite3")
    await db.execute(
        "INSERT INTO unanswered (at, user_hash, text, normalized, reason) "
        "VALUES ('t', 'u', 'x', 'x', 'declined')"
    )
    await db.close()
    db = await open_database(tmp_path / "a.sqlite3")
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
    db = await open_database(tmp_path / "a.sqlite3")
    db.later(INSERT, ("hỏi một", "hoi mot"))
    db.later(INSERT, ("hỏi hai", "hoi hai"))
    rows = await db.read("SELECT text FROM unanswered ORDER BY id")
    assert [r["text"] for r in rows] == ["hỏi một", "hỏi hai"]
    await db.close()


async def test_queued_analytics_rows_are_written_at_close(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "a.sqlite3")
    db.later(INSERT, ("hỏi ba", "hoi ba"))
    await db.close()
    again = await open_database(tmp_path / "a.sqlite3")
    rows = await again.read("SELECT text FROM unanswered")
    assert [r["text"] for r in rows] == ["hỏi ba"]
    await again.close()


# --- a database made before migrations had names ----------------------------------------------

OLD_ROWS = """
INSERT INTO questions VALUES (1, '2026-11-24T02:00:00+00:00', 'u1', 'đăng ký khai sinh',
    'dang ky khai sinh', 'answer', 'dang-ky-khai-sinh', 0.91);
INSERT INTO unanswered VALUES (1, '2026-11-24T02:05:00+00:00', 'u1', 'xin visa', 'xin visa',
    'declined');
INSERT INTO feedback VALUES (7, '2026-11-24T02:01:00+00:00', 'u1', 'dang-ky-khai-sinh', -1,
    'missing', 'thiếu mẫu tờ khai', NULL, 'đăng ký khai sinh');
INSERT INTO flow_progress VALUES ('u1', 'g:tai-khoan', 's2', '["s1"]', 'dang-ky-khai-sinh',
    '2026-11-24T02:02:00+00:00');
INSERT INTO checklists VALUES ('u1', 'dang-ky-khai-sinh', '["Tờ khai"]',
    '2026-11-24T02:03:00+00:00');
INSERT INTO handoffs (id, at, user_hash, chat_id, question) VALUES (3,
    '2026-11-24T02:04:00+00:00', 'u1', 4242, 'hỏi cán bộ');
INSERT INTO pending_input VALUES ('u1', 'feedback-comment', '7', '2026-11-24T02:01:30+00:00');
INSERT INTO weekly_aggregates VALUES ('2026-W40', '{"week": "2026-W40"}');
"""
TABLES = (
    "questions",
    "unanswered",
    "feedback",
    "flow_progress",
    "checklists",
    "handoffs",
    "pending_input",
    "weekly_aggregates",
)


def make_numbered_database(path: Path, drop_migration_5: bool = False) -> None:
    """A database as the old code path left it, with a row in every table."""
    with sqlite3.connect(path) as conn:
        conn.executescript((FIXTURES / "numbered_schema.sql").read_text(encoding="utf-8"))
        conn.executescript(OLD_ROWS)
        if drop_migration_5:
            for index in ("questions_user", "unanswered_user", "feedback_user", "handoffs_user"):
                conn.execute(f"DROP INDEX {index}")
            conn.execute("DROP INDEX handoffs_at")
            conn.execute("DELETE FROM schema_migrations WHERE number = 5")
    conn.close()


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the bot's tables, and the schema, read with the standard library."""
    with sqlite3.connect(path) as conn:
        found = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master"
            " WHERE name NOT LIKE '%migrations%' ORDER BY name"
        ).fetchall()
        # Compared as statements, whatever their indentation.
        found["schema"] = [(*row[:3], " ".join((row[3] or "").split())) for row in schema]
    conn.close()
    return found


async def test_an_old_numbered_database_upgrades_in_place_keeping_its_data(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old.sqlite3"
    make_numbered_database(old)
    before = dump(old)
    fresh = await open_database(tmp_path / "fresh.sqlite3")
    await fresh.close()

    db = await open_database(old)
    done = await migrations.applied(db)
    assert {name: done[name] for name in migrations.NUMBERED.values()} == {
        "m001_questions": "2026-11-21T08:00:00+00:00",
        "m002_progress_and_checklists": "2026-11-22T08:00:00+00:00",
        "m003_feedback_unanswered_handoffs": "2026-11-23T08:00:00+00:00",
        "m005_indexes_for_erasure_and_retention": "2026-11-25T08:00:00+00:00",
    }
    assert set(done) == set(migrations.MIGRATIONS)  # the later ones applied now
    assert "schema_migrations" not in await db.tables()
    # What a citizen left is still there, through the bot's own functions.
    walk = await progress.get_progress(db, "u1")
    assert walk is not None and (walk.state.step, walk.state.history) == ("s2", ("s1",))
    assert await progress.get_ticks(db, "u1", "dang-ky-khai-sinh") == {"Tờ khai"}
    assert await feedback.set_comment(db, "u1", 7, "cần thêm mẫu")
    assert await handoff.mark_answered(db, 3) == telegram(4242)  # an old row: a bare id
    assert await feedback.record_rating(db, "u2", "dang-ky-khai-sinh", 1) == 8
    await db.close()

    after = dump(old)
    assert after["schema"] == dump(tmp_path / "fresh.sqlite3")["schema"]
    for table in ("questions", "unanswered", "flow_progress", "checklists", "weekly_aggregates"):
        assert after[table] == before[table]


async def test_an_old_database_without_migration_5_gets_it(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    make_numbered_database(old, drop_migration_5=True)
    db = await open_database(old)
    done = await migrations.applied(db)
    assert done["m003_feedback_unanswered_handoffs"] == "2026-11-23T08:00:00+00:00"
    assert done["m005_indexes_for_erasure_and_retention"] > "2026-11-25"
    indexes = await db.read("SELECT name FROM sqlite_master WHERE type = 'index'")
    assert {"questions_user", "handoffs_at"} <= {row[0] for row in indexes}
    assert await migrations.apply(db) == []
    await db.close()
    assert dump(old)["questions"] == [
        (1, "2026-11-24T02:00:00+00:00", "u1", "đăng ký khai sinh", "dang ky khai sinh",
         "answer", "dang-ky-khai-sinh", 0.91)
    ]  # fmt: skip


# --- the database URL -----------------------------------------------------------------------


async def test_a_relative_sqlite_url_names_a_file_under_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = await open_database("sqlite:///data/bot.sqlite3")
    await db.close()
    assert (tmp_path / "data" / "bot.sqlite3").exists()


async def test_an_absolute_sqlite_url_and_a_plain_path_name_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "abs.sqlite3"
    db = await open_database(f"sqlite:///{path}")  # sqlite:////tmp/... : four slashes
    await db.execute(INSERT, ("hỏi", "hoi"))
    await db.close()
    again = await open_database(str(path))
    assert len(await again.read("SELECT * FROM unanswered")) == 1
    await again.close()


@pytest.mark.parametrize("url", ["sqlite://:memory:", ":memory:", "sqlite:///:memory:"])
async def test_an_in_memory_database_leaves_no_file(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = await open_database(url)
    await db.execute(INSERT, ("hỏi", "hoi"))
    assert len(await db.read("SELECT * FROM unanswered")) == 1
    await db.close()
    assert list(tmp_path.iterdir()) == []


def test_an_unsupported_database_is_refused_in_plain_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_DATABASE", "postgres://bot:s3cret@db.example/tthc")
    with pytest.raises(SystemExit) as stopped:
        main(["report", "--week", "2026-W47"])
    said = str(stopped.value.code)
    assert "BOT_DATABASE" in said and "“postgres”" in said
    assert "sqlite:///data/bot.sqlite3" in said
    assert "s3cret" not in said


async def test_a_write_left_to_sync_is_committed_and_confirmed_writes_stay_synced(
    tmp_path: Path,
) -> None:
    db = await open_database(tmp_path / "bot.sqlite3")
    conn = db._conn  # type: ignore[attr-defined]
    try:
        async with db.write(synced=False) as tx:
            await tx.execute("INSERT INTO counters (name, value) VALUES ('unsynced', 1)")
        await db.sync()
        with pytest.raises(sqlite3.IntegrityError):
            async with db.write(synced=False) as tx:
                await tx.execute("INSERT INTO counters (name, value) VALUES ('unsynced', 2)")
        # Every other write still waits for the disk (2: FULL), also after a failed one.
        assert [tuple(r) for r in await conn.execute_fetchall("PRAGMA synchronous")] == [(2,)]
    finally:
        await db.close()
    with sqlite3.connect(tmp_path / "bot.sqlite3") as other:  # committed: seen by another
        assert other.execute("SELECT value FROM counters WHERE name = 'unsynced'").fetchall() == [
            (1,)
        ]

"""The schema, as named migrations recorded in the database (in `_migrations`: name, applied_at).

Each migration is a function `mNNN_what(tx)` registered with `@migration`, run once, in the
order written, in one unit of work with the row that records it. Never edit a migration that
has shipped: add a new one. Databases made before migrations had names recorded numbers in
`schema_migrations`; `apply` records those under their names (keeping when they were applied)
and drops that table, so an old database upgrades in place and keeps its data.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.storage.backend import Database, Transaction, utcnow

log = logging.getLogger(__name__)

Migration = Callable[[Transaction], Awaitable[None]]

MIGRATIONS: dict[str, Migration] = {}

# The numbers of `schema_migrations` (number 4 never shipped) and the names they have now.
NUMBERED = {
    1: "m001_questions",
    2: "m002_progress_and_checklists",
    3: "m003_feedback_unanswered_handoffs",
    5: "m005_indexes_for_erasure_and_retention",
}


def migration(step: Migration) -> Migration:
    """Register a migration under its function's name (refusing a name used twice)."""
    name = getattr(step, "__name__", "")
    if name in MIGRATIONS:
        raise ValueError(f"migration {name} is defined twice")
    MIGRATIONS[name] = step
    return step


async def _script(tx: Transaction, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            await tx.execute(statement)


@migration
async def m001_questions(tx: Transaction) -> None:
    """Questions the bot was asked."""
    await _script(
        tx,
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
    )


@migration
async def m002_progress_and_checklists(tx: Transaction) -> None:
    """Guide progress and document checklists."""
    await _script(
        tx,
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
    )


@migration
async def m003_feedback_unanswered_handoffs(tx: Transaction) -> None:
    """Feedback, unanswered questions, hand-offs, pending input, weekly aggregates."""
    await _script(
        tx,
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
    )


@migration
async def m005_indexes_for_erasure_and_retention(tx: Transaction) -> None:
    """Indexes for deleting a citizen's data and for retention."""
    await _script(
        tx,
        """
        CREATE INDEX questions_user ON questions(user_hash);
        CREATE INDEX unanswered_user ON unanswered(user_hash);
        CREATE INDEX feedback_user ON feedback(user_hash, entry_id);
        CREATE INDEX handoffs_user ON handoffs(user_hash, at);
        CREATE INDEX handoffs_at ON handoffs(at);
        """,
    )


@migration
async def m006_handoff_numbers_and_quota(tx: Transaction) -> None:
    """Hand-off numbers never given twice, and the daily hand-off quota apart from the user.

    `counters` holds the last hand-off number ever given (deleting hand-offs, by /xoadulieu or
    retention, never lowers it, so a staff answer can never reach another citizen by an old
    number). `handoff_quota` counts hand-offs per day under a key of its own, not the user
    hash, so that erasing one's data does not reset the limit; rows older than a day go.
    """
    await _script(
        tx,
        """
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO counters (name, value) SELECT 'handoff', COALESCE(MAX(id), 0) FROM handoffs;
        CREATE TABLE handoff_quota (
            key TEXT NOT NULL,
            day TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (key, day)
        );
        """,
    )


@migration
async def m007_handoffs_remember_the_card(tx: Transaction) -> None:
    """Hand-offs keep the card they were about and the question that produced that card."""
    await _script(
        tx,
        """
        ALTER TABLE handoffs ADD COLUMN entry_id TEXT;
        ALTER TABLE handoffs ADD COLUMN card_question TEXT;
        """,
    )


@migration
async def m008_inbox(tx: Transaction) -> None:
    """Updates received and not answered yet (`bot.storage.inbox`).

    `body` (the update's JSON) and `user_hash` are set to NULL once the update is answered;
    the row is kept for the id alone, and deleted after about a day.
    """
    await _script(
        tx,
        """
        CREATE TABLE inbox (
            bot_id INTEGER NOT NULL,
            update_id INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            user_hash TEXT,
            body TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            started INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (bot_id, update_id)
        );
        CREATE INDEX inbox_received_at ON inbox(received_at);
        CREATE INDEX inbox_user ON inbox(user_hash);
        """,
    )


_RECORD = "INSERT INTO _migrations (name, applied_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING"


async def _adopt_numbered(db: Database) -> None:
    """Record the migrations of `schema_migrations` under their names, then drop that table."""
    rows = await db.read("SELECT number, applied_at FROM schema_migrations", queued=False)
    async with db.write() as tx:
        for number, applied_at in rows:
            name = NUMBERED.get(int(number))
            if name is None:
                log.warning("schema_migrations holds an unknown migration %s", number)
                continue
            await tx.execute(_RECORD, (name, applied_at))
        await tx.execute("DROP TABLE IF EXISTS schema_migrations")
    log.info("recorded %d numbered migrations by name", len(rows))


async def applied(db: Database) -> dict[str, str]:
    """The migrations recorded in the database, with when they were applied."""
    rows = await db.read("SELECT name, applied_at FROM _migrations ORDER BY name", queued=False)
    return {row[0]: row[1] for row in rows}


async def apply(db: Database) -> list[str]:
    """Apply the migrations this database has not recorded; return their names."""
    # Nothing is written to a database that is up to date (it may be a read-only copy).
    present = await db.tables()
    if "_migrations" not in present:
        await db.execute(
            "CREATE TABLE IF NOT EXISTS _migrations"
            " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
    if "schema_migrations" in present:
        await _adopt_numbered(db)
    done = await applied(db)
    unknown = sorted(set(done) - set(MIGRATIONS))
    if unknown:
        log.warning("the database has migrations this code does not know: %s", unknown)
    ran = []
    for name, step in MIGRATIONS.items():
        if name in done:
            continue
        async with db.write() as tx:
            # Another process may have applied it since `done` was read: check under the lock.
            if await tx.fetch_one("SELECT 1 FROM _migrations WHERE name = ?", (name,)):
                continue
            await step(tx)
            await tx.execute(_RECORD, (name, utcnow()))
        ran.append(name)
    return ran

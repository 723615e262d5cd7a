"""What is kept and for how long: retention of raw data, and /xoadulieu (delete my data).

Raw rows (questions, unanswered questions, feedback, hand-offs) older than
`settings.retention_days` are deleted; before a week's first rows go, its aggregate (numbers
only) is stored in weekly_aggregates, so the report keeps its figures. A citizen can delete
everything stored under their user hash at any time, after a confirmation (`d:yes` / `d:no`).
Deleted rows are overwritten (secure_delete) and the write-ahead log is truncated, so that the
bytes do not linger in the database files.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from bot import messages as m
from bot.core.assistant import Assistant, Turn
from bot.core.replies import Button, Reply, rows
from bot.report.weekly import store_aggregate, stored_aggregate
from bot.report.weeks import VIETNAM, Week, iso_utc
from bot.storage.database import Database

log = logging.getLogger(__name__)

PREFIX = "d"
# Raw tables and the column that dates each row.
RAW_TABLES = {"questions": "at", "unanswered": "at", "feedback": "at", "handoffs": "at"}
# Progress kept for a citizen to continue later is personal too; it goes after the same time.
PROGRESS_TABLES = {"flow_progress": "updated_at", "checklists": "updated_at"}
# Tables never emptied by a citizen's request: figures without anyone in them.
KEPT_TABLES = frozenset({"weekly_aggregates", "schema_migrations"})
# A week's aggregate needs the whole week still stored when its first rows are deleted.
MIN_DAYS = 7
PENDING_MAX = dt.timedelta(days=1)


@dataclass(frozen=True)
class Purged:
    """What one retention run did."""

    weeks: tuple[str, ...] = ()
    deleted: dict[str, int] = field(default_factory=dict)


async def tables(db: Database) -> dict[str, set[str]]:
    """Every table of the database with its column names."""
    found = await db.read("SELECT name FROM sqlite_master WHERE type = 'table'")
    columns: dict[str, set[str]] = {}
    for (name,) in found:
        info = await db.read(f'PRAGMA table_info("{name}")')
        columns[name] = {row[1] for row in info}
    return columns


async def _scrub(db: Database) -> None:
    # Fold the log into the main file and truncate it, so deleted rows leave no copy behind.
    try:
        await db.read("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:  # a busy reader only delays this until the next checkpoint
        log.warning("could not checkpoint the write-ahead log", exc_info=True)


async def _weeks_before(
    db: Database, present: dict[str, set[str]], cutoff: str, tz: dt.tzinfo, now: dt.datetime
) -> list[Week]:
    offset = int((tz.utcoffset(now) or dt.timedelta()).total_seconds() // 60)
    days: set[str] = set()
    for table, column in RAW_TABLES.items():
        if table not in present:
            continue
        rows = await db.read(
            f"SELECT DISTINCT date({column}, '{offset:+d} minutes') FROM {table}"
            f" WHERE {column} < ?",
            (cutoff,),
        )
        days.update(row[0] for row in rows if row[0])
    weeks = {Week.containing(dt.date.fromisoformat(day), tz) for day in days}
    return sorted(weeks, key=lambda w: w.label)


async def purge(
    db: Database,
    retention_days: int,
    now: dt.datetime | None = None,
    tz: dt.tzinfo = VIETNAM,
) -> Purged:
    """Delete raw rows older than the retention time, keeping each week's aggregate first."""
    now = now or dt.datetime.now(dt.UTC)
    cutoff = iso_utc(now - dt.timedelta(days=max(retention_days, MIN_DAYS)))
    present = await tables(db)
    stored = []
    for week in await _weeks_before(db, present, cutoff, tz, now):
        if await stored_aggregate(db, week) is None:
            await store_aggregate(db, week, replace=False)
            stored.append(week.label)
    deleted: dict[str, int] = {}
    async with db.write() as conn:
        await conn.execute("PRAGMA secure_delete = ON")
        for table, column in {**RAW_TABLES, **PROGRESS_TABLES}.items():
            if table in present:
                cursor = await conn.execute(f"DELETE FROM {table} WHERE {column} < ?", (cutoff,))
                deleted[table] = cursor.rowcount
        if "pending_input" in present:
            stale = iso_utc(now - PENDING_MAX)
            cursor = await conn.execute("DELETE FROM pending_input WHERE at < ?", (stale,))
            deleted["pending_input"] = cursor.rowcount
    await _scrub(db)
    if any(deleted.values()) or stored:
        log.info("retention: aggregated %s, deleted %s", stored, deleted)
    return Purged(tuple(stored), deleted)


async def erase_user(db: Database, user: str) -> int:
    """Delete every row stored under a user hash, in every table that has one; return the count."""
    present = await tables(db)
    count = 0
    async with db.write() as conn:
        await conn.execute("PRAGMA secure_delete = ON")
        for table, columns in sorted(present.items()):
            if "user_hash" in columns and table not in KEPT_TABLES:
                cursor = await conn.execute(f'DELETE FROM "{table}" WHERE user_hash = ?', (user,))
                count += max(cursor.rowcount, 0)
    await _scrub(db)
    return count


# --- /xoadulieu ------------------------------------------------------------------------------


async def ask_erase(turn: Turn) -> list[Reply]:
    """/xoadulieu: ask for confirmation before deleting anything."""
    buttons = rows(
        Button(m.BUTTON_ERASE_YES, data=f"{PREFIX}:yes"),
        Button(m.BUTTON_ERASE_NO, data=f"{PREFIX}:no"),
        width=2,
    )
    return [Reply(m.ERASE_CONFIRM, buttons)]


async def on_button(turn: Turn) -> list[Reply]:
    """Delete the citizen's data on `d:yes`; keep it on `d:no`."""
    action = turn.args[0] if turn.args else ""
    if action == "yes":
        count = await erase_user(turn.db, turn.user)
        turn.context.last_question = ""
        turn.context.last_entry = None
        return [Reply(m.ERASED.format(count=count), edit=True)]
    if action == "no":
        return [Reply(m.ERASE_KEPT, edit=True)]
    return turn.assistant.stale()


def register(assistant: Assistant) -> None:
    """Add /xoadulieu and its confirmation buttons."""
    assistant.command("xoadulieu", ask_erase)
    assistant.button(PREFIX, on_button)

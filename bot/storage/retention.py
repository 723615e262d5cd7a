"""Deleting stored rows: raw rows past the retention time, and everything of one citizen.

Deleted rows are overwritten (`Database.write(secure=True)`) and the write-ahead log is folded
back and truncated (`Database.scrub`), so that the bytes do not linger in the database files.
"""

from __future__ import annotations

import logging

from bot.storage.backend import Database

log = logging.getLogger(__name__)

# Raw tables and the column that dates each row.
RAW_TABLES = {"questions": "at", "unanswered": "at", "feedback": "at", "handoffs": "at"}
# Progress kept for a citizen to continue later is personal too; it goes after the same time.
PROGRESS_TABLES = {"flow_progress": "updated_at", "checklists": "updated_at"}
# Tables never emptied by a citizen's request: figures without anyone in them, bookkeeping.
# The hand-off counter and quota hold no user hash: erasure must not lower the one (numbers would
# be given again) nor reset the other (one account could flood the staff chat).
KEPT_TABLES = frozenset(
    {"weekly_aggregates", "schema_migrations", "_migrations", "counters", "handoff_quota"}
)


async def local_days_before(db: Database, cutoff: str, offset_minutes: int) -> set[str]:
    """The local days (ISO dates, UTC shifted by `offset_minutes`) of raw rows before `cutoff`."""
    present = await db.tables()
    days: set[str] = set()
    for table, column in RAW_TABLES.items():
        if table not in present:
            continue
        rows = await db.read(
            f"SELECT DISTINCT {db.local_date(column, offset_minutes)} FROM {table}"
            f" WHERE {column} < ?",
            (cutoff,),
        )
        days.update(row[0] for row in rows if row[0])
    return days


async def delete_before(db: Database, cutoff: str, pending_cutoff: str) -> dict[str, int]:
    """Delete raw rows and progress dated before `cutoff`, and what the bot waited for since
    before `pending_cutoff`; return how many rows went, by table."""
    present = await db.tables()
    deleted: dict[str, int] = {}
    async with db.write(secure=True) as tx:
        for table, column in {**RAW_TABLES, **PROGRESS_TABLES}.items():
            if table in present:
                sql = f"DELETE FROM {table} WHERE {column} < ?"
                deleted[table] = await tx.execute(sql, (cutoff,))
        if "pending_input" in present:
            sql = "DELETE FROM pending_input WHERE at < ?"
            deleted["pending_input"] = await tx.execute(sql, (pending_cutoff,))
    await db.scrub()
    return deleted


async def erase_user(db: Database, user: str) -> int:
    """Delete every row stored under a user hash, in every table that has one; return the count."""
    present = await db.tables()
    count = 0
    async with db.write(secure=True) as tx:
        for table, columns in sorted(present.items()):
            if "user_hash" in columns and table not in KEPT_TABLES:
                sql = f'DELETE FROM "{table}" WHERE user_hash = ?'
                count += max(await tx.execute(sql, (user,)), 0)
    await db.scrub()
    return count

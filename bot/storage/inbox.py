"""Updates received from Telegram and not answered yet, so that a crash loses none of them.

A front end records each batch of updates (one transaction, synced to disk) before it tells
Telegram they were received, marks each one answered once its replies were sent, and at start
answers those the last run left unanswered. An update's body (its JSON, holding what a citizen
typed and their name) is kept only until the update is answered; then only its id is kept, for
`KEEP_IDS`, so that an update Telegram delivers again after a crash is recognised and not
answered twice. A citizen's erasure (`retention.erase_user`) deletes their unanswered updates
with the rest, by `user_hash`; `purge` deletes every row older than `KEEP_IDS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.storage.backend import Database, utcnow
from bot.storage.faults import classify

# Telegram keeps an update it could not deliver for 24 hours; ids are kept a little longer.
KEEP_IDS = dt.timedelta(hours=26)
# An update left unanswered by this many runs (each ending in a crash) is given up: it may be
# what crashes the bot.
MAX_ATTEMPTS = 3

_INSERT = "INSERT INTO inbox (bot_id, update_id, received_at, user_hash, body, attempts) VALUES "
_STARTED = "UPDATE inbox SET started = 1 WHERE bot_id = ? AND update_id = ?"
_ANSWERED = "UPDATE inbox SET body = NULL, user_hash = NULL WHERE bot_id = ? AND update_id = ?"


class NotStored(Exception):
    """The database could not store a batch. A passing failure (busy, locked): do not
    acknowledge it, Telegram delivers it again. A lasting fault (`lasting`: read-only, disk
    errors, full, file gone; see `bot.storage.faults`): answer without storing, since waiting
    would leave every citizen without an answer until an operator steps in."""

    def __init__(self, message: str, *, lasting: bool = False) -> None:
        super().__init__(message)
        self.lasting = lasting


@dataclass(frozen=True)
class Received:
    """One update as it is stored: its id, the sender's hash (if any), its JSON."""

    update_id: int
    user_hash: str | None
    body: str


async def record(db: Database, bot_id: int, updates: Sequence[Received]) -> list[int]:
    """Store a batch of updates of a bot in one transaction (committed and synced when this
    returns); return the ids of those not stored before, in the order given.

    Update ids are a bot's own: another bot (a new token) on the same database has its own.
    """
    if not updates:
        return []
    now = utcnow()
    ids = [update.update_id for update in updates]
    marks = ", ".join("?" * len(ids))
    try:
        # Two statements whatever the batch's size: each costs a trip to the database thread.
        async with db.write() as tx:
            found = await tx.fetch_one(
                "SELECT group_concat(update_id) FROM inbox"
                f" WHERE bot_id = ? AND update_id IN ({marks})",
                (bot_id, *ids),
            )
            known = {int(i) for i in str(found[0]).split(",")} if found and found[0] else set()
            new = [update for update in updates if update.update_id not in known]
            rows = list({update.update_id: update for update in new}.values())  # once each
            if rows:
                params = [
                    value
                    for row in rows
                    for value in (bot_id, row.update_id, now, row.user_hash, row.body)
                ]
                await tx.execute(_INSERT + ", ".join(["(?, ?, ?, ?, ?, 0)"] * len(rows)), params)
    except Exception as exc:  # whatever the backend raises, nothing was stored
        lasting = classify(exc) is not None
        raise NotStored(f"{type(exc).__name__}: {exc}", lasting=lasting) from exc
    return [row.update_id for row in rows]


async def known(db: Database, bot_id: int, ids: Sequence[int]) -> set[int]:
    """Those of a bot's update ids that are stored (committed) already: Telegram delivers again
    what a crash kept it from being told about. Raises `NotStored` when the database cannot
    tell, as `record` would."""
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    try:
        rows = await db.peek(
            f"SELECT update_id FROM inbox WHERE bot_id = ? AND update_id IN ({marks})",
            (bot_id, *ids),
        )
    except Exception as exc:  # whatever the backend raises
        raise NotStored(f"{type(exc).__name__}: {exc}", lasting=classify(exc) is not None) from exc
    return {int(row[0]) for row in rows}


def mark_started(db: Database, bot_id: int, update_id: int) -> None:
    """The bot begins handling an update. Written with the next write at the latest, so that it
    is on disk before anything the handling changes (which is written after it, or with it)."""
    db.later(_STARTED, (bot_id, update_id))


def mark_answered(db: Database, bot_id: int, update_id: int) -> None:
    """Forget an update's body (keeping its id); written with the next write, within a second.

    Until it is written, a crash makes the update be answered again after the restart: this is
    a risk of a duplicate answer only, never of a lost one.
    """
    db.later(_ANSWERED, (bot_id, update_id))


async def take_unanswered(db: Database, bot_id: int) -> tuple[list[tuple[int, str, bool]], int]:
    """A bot's unanswered updates (id, JSON, whether its handling had begun) in the order
    received, counting this as one more attempt; those tried `MAX_ATTEMPTS` times are forgotten
    instead. Return both."""
    async with db.write(secure=True) as tx:
        await tx.execute(
            "UPDATE inbox SET attempts = attempts + 1 WHERE bot_id = ? AND body IS NOT NULL",
            (bot_id,),
        )
        given_up = await tx.execute(
            "UPDATE inbox SET body = NULL, user_hash = NULL"
            " WHERE bot_id = ? AND body IS NOT NULL AND attempts > ?",
            (bot_id, MAX_ATTEMPTS),
        )
    rows = await db.read(
        "SELECT update_id, body, started FROM inbox WHERE bot_id = ? AND body IS NOT NULL"
        " ORDER BY update_id",
        (bot_id,),
    )
    return [(int(row[0]), str(row[1]), bool(row[2])) for row in rows], max(given_up, 0)


async def purge(db: Database, now: dt.datetime | None = None) -> int:
    """Delete every row received more than `KEEP_IDS` ago (answered or not); return how many."""
    cutoff = ((now or dt.datetime.now(dt.UTC)) - KEEP_IDS).isoformat(timespec="seconds")
    async with db.write(secure=True) as tx:
        old_bodies = await tx.fetch_one(
            "SELECT count(*) FROM inbox WHERE received_at < ? AND body IS NOT NULL", (cutoff,)
        )
        deleted = await tx.execute("DELETE FROM inbox WHERE received_at < ?", (cutoff,))
    if old_bodies is not None and old_bodies[0]:
        await db.scrub()  # what a citizen typed must not linger in the write-ahead log
    return max(deleted, 0)


async def count(db: Database) -> tuple[int, int]:
    """How many updates are stored, and how many of them still have a body (for tests, logs)."""
    row = await db.read_one("SELECT count(*), count(body) FROM inbox")
    return (int(row[0]), int(row[1])) if row is not None else (0, 0)

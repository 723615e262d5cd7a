"""Hand-offs to staff: a citizen's (redacted) question sent to the staff chat, and its status."""

from __future__ import annotations

from bot.addresses import Address, telegram
from bot.storage.backend import Database, utcnow


async def create_handoff(
    db: Database,
    user: str,
    chat: Address,
    question: str,
    entry_id: str | None = None,
    card_question: str | None = None,
    at: str | None = None,
) -> int:
    """Store an open hand-off with the citizen's chat address, the card it is about and the
    question behind that card; return its number.

    The number comes from a counter that deletions never lower: no number is given twice.
    """
    async with db.write() as tx:
        row = await tx.fetch_one(
            "UPDATE counters SET value = value + 1 WHERE name = 'handoff' RETURNING value"
        )
        if row is None:  # a counter row lost somehow: continue after every number in sight
            row = await tx.fetch_one(
                "INSERT INTO counters (name, value)"
                " SELECT 'handoff', COALESCE(MAX(id), 0) + 1 FROM handoffs RETURNING value"
            )
        number = int(row[0]) if row else 0
        await tx.execute(
            "INSERT INTO handoffs (id, at, user_hash, chat_id, question, entry_id, card_question)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (number, at or utcnow(), user, chat, question, entry_id, card_question),
        )
        return number


async def take_quota(db: Database, key: str, day: str, limit: int) -> bool:
    """Count one hand-off for `key` on `day`; False (nothing counted) once `limit` is reached.

    Rows of earlier days are deleted on the way: the quota is kept for one day only.
    """
    async with db.write() as tx:
        await tx.execute("DELETE FROM handoff_quota WHERE day < ?", (day,))
        row = await tx.fetch_one(
            "SELECT count FROM handoff_quota WHERE key = ? AND day = ?", (key, day)
        )
        if row is not None and int(row[0]) >= limit:
            return False
        await tx.execute(
            "INSERT INTO handoff_quota (key, day, count) VALUES (?, ?, 1)"
            " ON CONFLICT (key, day) DO UPDATE SET count = count + 1",
            (key, day),
        )
        return True


async def count_handoffs_since(db: Database, user: str, since: str) -> int:
    """How many hand-offs a user asked for at or after `since` (UTC, ISO 8601)."""
    row = await db.read_one(
        "SELECT COUNT(*) FROM handoffs WHERE user_hash = ? AND at >= ?", (user, since)
    )
    return int(row[0]) if row else 0


def _chat(stored: object) -> Address:
    """A stored chat as an address (rows from before addresses hold a bare Telegram id)."""
    return telegram(stored) if isinstance(stored, int) else str(stored)


async def mark_answered(db: Database, handoff_id: int) -> Address | None:
    """Mark a hand-off answered; return the citizen's chat address, None if unknown, "" if it
    was answered already.

    The chat address is kept only while the hand-off is open: it is cleared with the answer.
    """
    async with db.write() as tx:
        row = await tx.fetch_one("SELECT chat_id FROM handoffs WHERE id = ?", (handoff_id,))
        if row is None:
            return None
        if row[0] in ("", None):
            return ""
        await tx.execute(
            "UPDATE handoffs SET status = 'answered', answered_at = ?, chat_id = '' WHERE id = ?",
            (utcnow(), handoff_id),
        )
        return _chat(row[0])


async def remember_post(db: Database, handoff_id: int, message_id: int) -> bool:
    """Keep the id of a hand-off's post in the staff chat (to edit it if it is withdrawn);
    False if the hand-off is gone already."""
    sql = "UPDATE handoffs SET staff_message_id = ? WHERE id = ?"
    return await db.execute(sql, (message_id, handoff_id)) > 0


async def open_posts(db: Database, user: str) -> list[tuple[int, int]]:
    """(number, staff post id) of a user's open hand-offs whose post is known."""
    return await _open_posts(db, "user_hash = ?", user)


async def open_posts_before(db: Database, cutoff: str) -> list[tuple[int, int]]:
    """(number, staff post id) of the open hand-offs made before `cutoff` whose post is known."""
    return await _open_posts(db, "at < ?", cutoff)


async def _open_posts(db: Database, condition: str, value: str) -> list[tuple[int, int]]:
    rows = await db.read(
        "SELECT id, staff_message_id FROM handoffs"
        f" WHERE {condition} AND status = 'open' AND staff_message_id IS NOT NULL ORDER BY id",
        (value,),
        queued=False,
    )
    return [(int(row[0]), int(row[1])) for row in rows]

"""Hand-offs to staff: a citizen's (redacted) question sent to the staff chat, and its status."""

from __future__ import annotations

from bot.addresses import Address, telegram
from bot.storage.backend import Database, utcnow


async def create_handoff(db: Database, user: str, chat: Address, question: str) -> int:
    """Store an open hand-off with the citizen's chat address; return its number."""
    async with db.write() as tx:
        row = await tx.fetch_one(
            "INSERT INTO handoffs (at, user_hash, chat_id, question) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            (utcnow(), user, chat, question),
        )
        return int(row[0]) if row else 0


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
    """Mark a hand-off answered; return the citizen's chat address, or None if unknown."""
    async with db.write() as tx:
        row = await tx.fetch_one("SELECT chat_id FROM handoffs WHERE id = ?", (handoff_id,))
        if row is None:
            return None
        await tx.execute(
            "UPDATE handoffs SET status = 'answered', answered_at = ? WHERE id = ?",
            (utcnow(), handoff_id),
        )
        return _chat(row[0])

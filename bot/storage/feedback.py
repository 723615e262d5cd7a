"""Ratings: 👍 / 👎 on a card or a guide, with the reason, whether it saved a trip, a comment,
and the (redacted) question that led there."""

from __future__ import annotations

from typing import Literal

from bot.storage.backend import Database

# The follow-ups a citizen may add to their own rating.
Detail = Literal["reason", "saved_trip", "comment"]


async def rate(
    db: Database, user: str, entry_id: str, rating: int, question: str | None, at: str, since: str
) -> int:
    """Store a rating; one by the same user on the same entry at or after `since` is changed
    instead (its follow-ups cleared). Return the rating's id."""
    async with db.write() as tx:
        found = await tx.fetch_one(
            "SELECT id FROM feedback WHERE user_hash = ? AND entry_id = ? AND at >= ?"
            " ORDER BY id DESC LIMIT 1",
            (user, entry_id, since),
        )
        if found is not None:
            await tx.execute(
                "UPDATE feedback SET rating = ?, reason = NULL, saved_trip = NULL, at = ?"
                " WHERE id = ?",
                (rating, at, found[0]),
            )
            return int(found[0])
        row = await tx.fetch_one(
            "INSERT INTO feedback (at, user_hash, entry_id, rating, question)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            (at, user, entry_id, rating, question),
        )
        return int(row[0]) if row else 0


_DETAIL_SQL: dict[str, str] = {
    detail: f"UPDATE feedback SET {detail} = ? WHERE id = ? AND user_hash = ?"
    for detail in ("reason", "saved_trip", "comment")
}


async def add_detail(
    db: Database, user: str, feedback_id: int, detail: Detail, value: str | int
) -> bool:
    """Set a follow-up of a rating; False if the rating is not this user's (or is gone)."""
    return await db.execute(_DETAIL_SQL[detail], (value, feedback_id, user)) > 0

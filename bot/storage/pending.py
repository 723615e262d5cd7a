"""What the bot waits for a citizen to type next (a comment, a question for staff): one row per
user, replaced by the next thing the bot asks for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.storage.backend import Database, utcnow


@dataclass(frozen=True)
class Pending:
    """What the bot waits for from one user, and since when."""

    kind: str
    payload: str
    at: dt.datetime

    def age(self, now: dt.datetime | None = None) -> dt.timedelta:
        """How long the bot has been waiting."""
        return (now or dt.datetime.now(dt.UTC)) - self.at


async def set_pending(db: Database, user: str, kind: str, payload: str = "") -> None:
    """Wait for the user's next text (replacing whatever the bot waited for before)."""
    await db.execute(
        "INSERT INTO pending_input (user_hash, kind, payload, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(user_hash) DO UPDATE SET kind = excluded.kind, "
        "payload = excluded.payload, at = excluded.at",
        (user, kind, payload, utcnow()),
    )


_READ = "SELECT kind, payload, at FROM pending_input WHERE user_hash = ?"


async def read_pending(db: Database, user: str) -> Pending | None:
    """What the bot waits for from this user, of whatever kind (committed rows only)."""
    rows = await db.peek(_READ, (user,))
    if not rows:
        return None
    kind, payload, at = rows[0]
    return Pending(kind, payload, dt.datetime.fromisoformat(at))


async def forget_pending(db: Database, user: str, kind: str) -> None:
    """Stop waiting for the user's text of this kind."""
    await db.execute("DELETE FROM pending_input WHERE user_hash = ? AND kind = ?", (user, kind))

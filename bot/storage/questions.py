"""The question log for the weekly review: questions asked and questions the bot declined.

These rows are analytics, confirmed to nobody: they are queued (`Database.later`) and written in
batches, so that a question costs no transaction of its own. Callers redact the text first.
"""

from __future__ import annotations

from bot.storage.backend import Database, utcnow

_QUESTION = (
    "INSERT INTO questions (at, user_hash, text, normalized, decision, entry_id, score) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_UNANSWERED = (
    "INSERT INTO unanswered (at, user_hash, text, normalized, reason) VALUES (?, ?, ?, ?, ?)"
)


def log_question(
    db: Database,
    user: str,
    text: str,
    normalized: str,
    decision: str,
    entry_id: str | None,
    score: float | None,
    at: str | None = None,
) -> None:
    """Queue a (redacted) question with how the bot read it."""
    db.later(_QUESTION, (at or utcnow(), user, text, normalized, decision, entry_id, score))


def log_unanswered(
    db: Database, user: str, text: str, normalized: str, reason: str, at: str | None = None
) -> None:
    """Queue a (redacted) question the bot declined, or whose suggestions were refused."""
    db.later(_UNANSWERED, (at or utcnow(), user, text, normalized, reason))


async def questions_between(
    db: Database, start: str, end: str
) -> list[tuple[str, str, str | None]]:
    """Every (redacted) question asked between two moments: (text, decision, entry id shown)."""
    rows = await db.read(
        "SELECT text, decision, entry_id FROM questions WHERE at >= ? AND at < ? ORDER BY at",
        (start, end),
    )
    return [(row[0], row[1], row[2]) for row in rows]

"""What the weekly review needs to know happened: questions asked and questions not answered.

Everything a citizen typed is redacted before it reaches the database.
"""

from __future__ import annotations

from bot.matching import Match
from bot.privacy import redact
from bot.store import Database, utcnow
from bot.text import normalize

# Stored questions are cut to this length: the review needs the gist, not a life story.
STORED_CHARS = 300


async def record_question(db: Database, user: str, text: str, match: Match) -> None:
    """Log a question with how the bot read it."""
    top = match.candidates[0] if match.candidates else None
    clean = redact(text)[:STORED_CHARS]
    await db.execute(
        "INSERT INTO questions (at, user_hash, text, normalized, decision, entry_id, score) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            utcnow(),
            user,
            clean,
            normalize(clean),
            match.decision,
            top.id if top else None,
            top.score if top else None,
        ),
    )


async def record_unanswered(db: Database, user: str, text: str, reason: str) -> None:
    """Log a question the bot declined, or whose suggestions the citizen refused."""
    if not text:
        return
    clean = redact(text)[:STORED_CHARS]
    await db.execute(
        "INSERT INTO unanswered (at, user_hash, text, normalized, reason) VALUES (?, ?, ?, ?, ?)",
        (utcnow(), user, clean, normalize(clean), reason),
    )

"""What the weekly review needs to know happened: questions asked and questions not answered;
and what the bot is waiting for a citizen to type next (a comment, a question for staff).

Everything a citizen typed is redacted before it reaches the database. Questions asked and
declined are analytics, confirmed to nobody: they are queued and written in batches
(`Database.later`), so that a question costs no transaction of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.privacy import redact
from bot.storage import pending as stored
from bot.storage import questions
from bot.storage.database import Database
from bot.storage.pending import Pending
from bot.text import normalize

if TYPE_CHECKING:
    from bot.matching.matcher import Match

__all__ = ["Pending"]

# Stored questions are cut to this length: the review needs the gist, not a life story.
STORED_CHARS = 300


def clean(text: str, limit: int = STORED_CHARS) -> str:
    """Citizen text as it may be stored: redacted, trimmed, cut to `limit` characters."""
    return redact(text.strip())[:limit].strip()


async def record_question(
    db: Database, user: str, text: str, match: Match, at: str | None = None
) -> None:
    """Log a question with how the bot read it (queued: written within a moment)."""
    top = match.candidates[0] if match.candidates else None
    text = clean(text)
    entry_id, score = (top.id, top.score) if top else (None, None)
    questions.log_question(db, user, text, normalize(text), match.decision, entry_id, score, at)


async def record_unanswered(
    db: Database, user: str, text: str, reason: str, at: str | None = None
) -> None:
    """Log a question the bot declined, or whose suggestions the citizen refused (queued)."""
    text = clean(text)
    if text:
        questions.log_unanswered(db, user, text, normalize(text), reason, at)


# --- pending input: the next text a citizen types answers a question of the bot -------------


async def set_pending(db: Database, user: str, kind: str, payload: str = "") -> None:
    """Wait for the user's next text (replacing whatever the bot waited for before)."""
    await stored.set_pending(db, user, kind, payload)


async def read_pending(db: Database, user: str) -> Pending | None:
    """What the bot waits for from this user, of whatever kind (committed)."""
    return await stored.read_pending(db, user)


async def pending(db: Database, user: str, kinds: tuple[str, ...]) -> Pending | None:
    """What the bot waits for from this user, if it is one of `kinds`."""
    found = await read_pending(db, user)
    return found if found is not None and found.kind in kinds else None


async def clear_pending(db: Database, user: str, kinds: tuple[str, ...]) -> bool:
    """Stop waiting for the user's text if it is one of `kinds`; True if something was waiting."""
    found = await pending(db, user, kinds)
    if found is None:
        return False
    await forget_pending(db, user, found.kind)
    return True


async def forget_pending(db: Database, user: str, kind: str) -> None:
    """Stop waiting for the user's text of this kind, without reading it first."""
    await stored.forget_pending(db, user, kind)

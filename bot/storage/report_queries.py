"""What the weekly report reads: counts over a span of time, the week's questions and ratings,
and the weekly aggregates kept once retention has deleted the raw rows.

Moments are UTC ISO 8601 strings; a span is `start <= at < end`.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.storage.backend import Database


class Counts(NamedTuple):
    """Figures of a span of time, named as `bot.report.weekly.Volume` names them."""

    conversations: int
    questions: int
    answered: int
    clarified: int
    declined: int
    unanswered: int
    ratings_up: int
    ratings_down: int
    saved_trips: int
    handoffs: int
    handoffs_answered: int


class RatingRow(NamedTuple):
    """One rating as the report reads it."""

    entry_id: str | None
    rating: int
    reason: str | None
    comment: str | None
    saved_trip: int | None
    question: str | None


def _flag(condition: str) -> str:
    """A count of the rows meeting `condition`, 0 on no rows (portable SQL)."""
    return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


_PEOPLE = (
    "SELECT COUNT(DISTINCT user_hash) FROM ("
    " SELECT user_hash FROM questions WHERE at >= ? AND at < ?"
    " UNION SELECT user_hash FROM unanswered WHERE at >= ? AND at < ?"
    " UNION SELECT user_hash FROM feedback WHERE at >= ? AND at < ?"
    " UNION SELECT user_hash FROM handoffs WHERE at >= ? AND at < ?) AS people"
)
_ANSWER, _CLARIFY, _NONE = (_flag(f"decision = '{d}'") for d in ("answer", "clarify", "none"))
_ASKED = f"SELECT COUNT(*), {_ANSWER}, {_CLARIFY}, {_NONE} FROM questions WHERE at >= ? AND at < ?"
_MISSED = "SELECT COUNT(*) FROM unanswered WHERE at >= ? AND at < ?"
_RATED = (
    f"SELECT {_flag('rating > 0')}, {_flag('rating < 0')}, {_flag('saved_trip = 1')}"
    " FROM feedback WHERE at >= ? AND at < ?"
)
_ANSWERED = _flag("status = 'answered'")
_HANDED = f"SELECT COUNT(*), {_ANSWERED} FROM handoffs WHERE at >= ? AND at < ?"


async def counts(db: Database, start: str, end: str) -> Counts:
    """Figures for questions, ratings and hand-offs between two moments."""
    span = (start, end)
    people = await db.read_one(_PEOPLE, span * 4)
    asked = await db.read_one(_ASKED, span)
    missed = await db.read_one(_MISSED, span)
    rated = await db.read_one(_RATED, span)
    handed = await db.read_one(_HANDED, span)
    assert people and asked and missed and rated and handed  # aggregates always return a row
    return Counts(
        conversations=people[0],
        questions=asked[0],
        answered=asked[1],
        clarified=asked[2],
        declined=asked[3],
        unanswered=missed[0],
        ratings_up=rated[0],
        ratings_down=rated[1],
        saved_trips=rated[2],
        handoffs=handed[0],
        handoffs_answered=handed[1],
    )


async def questions_per_day(
    db: Database, start: str, end: str, offset_minutes: int
) -> dict[str, int]:
    """Questions asked per local day (ISO date, days shifted by `offset_minutes` from UTC)."""
    rows = await db.read(
        f"SELECT {db.local_date('at', offset_minutes)} AS day, COUNT(*) FROM questions"
        " WHERE at >= ? AND at < ? GROUP BY day",
        (start, end),
    )
    return {row[0]: row[1] for row in rows}


async def most_answered(db: Database, start: str, end: str, limit: int) -> list[tuple[str, int]]:
    """The entries questions were answered with most often, with their counts."""
    rows = await db.read(
        "SELECT entry_id, COUNT(*) AS n FROM questions WHERE at >= ? AND at < ?"
        " AND decision = 'answer' AND entry_id IS NOT NULL"
        " GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT ?",
        (start, end, limit),
    )
    return [(row[0], row[1]) for row in rows]


async def unanswered_texts(db: Database, start: str, end: str) -> list[tuple[str, str]]:
    """The (redacted) text and normalized form of every question not answered, oldest first."""
    rows = await db.read(
        "SELECT text, normalized FROM unanswered WHERE at >= ? AND at < ? ORDER BY at",
        (start, end),
    )
    return [(row[0], row[1]) for row in rows]


async def ratings(db: Database, start: str, end: str) -> list[RatingRow]:
    """Every rating given between two moments, oldest first."""
    rows = await db.read(
        "SELECT entry_id, rating, reason, comment, saved_trip, question FROM feedback"
        " WHERE at >= ? AND at < ? AND rating IS NOT NULL ORDER BY at",
        (start, end),
    )
    return [RatingRow(*row) for row in rows]


async def save_aggregate(db: Database, week: str, data: str, replace: bool = True) -> None:
    """Keep a week's aggregate (JSON text); an existing one is kept unless `replace`."""
    keep = "DO UPDATE SET data = excluded.data" if replace else "DO NOTHING"
    await db.execute(
        f"INSERT INTO weekly_aggregates (week, data) VALUES (?, ?) ON CONFLICT(week) {keep}",
        (week, data),
    )


async def load_aggregate(db: Database, week: str) -> str | None:
    """The aggregate (JSON text) kept for a week, if any."""
    row = await db.read_one("SELECT data FROM weekly_aggregates WHERE week = ?", (week,))
    return str(row[0]) if row else None


async def unanswered_with_reason(db: Database, start: str, end: str) -> list[tuple[str, str]]:
    """The (redacted) text and reason ('declined', 'none-of-these') of each question not
    answered between two moments, oldest first."""
    rows = await db.read(
        "SELECT text, reason FROM unanswered WHERE at >= ? AND at < ? ORDER BY at",
        (start, end),
    )
    return [(row[0], row[1]) for row in rows]


async def clarified_questions(db: Database, start: str, end: str) -> list[tuple[str, str | None]]:
    """The text and first candidate of each question the bot asked the citizen to choose for."""
    rows = await db.read(
        "SELECT text, entry_id FROM questions WHERE at >= ? AND at < ? AND decision = 'clarify'"
        " ORDER BY at",
        (start, end),
    )
    return [(row[0], row[1]) for row in rows]


async def open_handoffs(
    db: Database, before: str
) -> list[tuple[int, str, str, str | None, str | None]]:
    """Hand-offs still open that were asked before a moment: (number, at, question, entry id,
    the question that produced that entry's card), oldest first."""
    rows = await db.read(
        "SELECT id, at, question, entry_id, card_question FROM handoffs"
        " WHERE status = 'open' AND at < ? ORDER BY at",
        (before,),
    )
    return [(row[0], row[1], row[2], row[3], row[4]) for row in rows]

"""What is kept and for how long: retention of raw data, and /xoadulieu (delete my data).

Raw rows (questions, unanswered questions, feedback, hand-offs) older than
`settings.retention_days` are deleted; before a week's first rows go, its aggregate (numbers
only) is stored in weekly_aggregates, so the report keeps its figures. A citizen can delete
everything stored under their user hash at any time, after a confirmation (`d:yes` / `d:no`).
Deleted rows are overwritten and the database's log truncated, so that the bytes do not linger
in the database files (see `bot.storage.retention`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from bot import messages as m
from bot.core.assistant import Assistant
from bot.core.replies import Button, Reply, rows
from bot.core.turn import Turn
from bot.features.handoff import withdrawn
from bot.report.weeks import VIETNAM, Week, iso_utc
from bot.storage import handoffs
from bot.storage import retention as stored
from bot.storage.database import Database

log = logging.getLogger(__name__)

PREFIX = "d"
# A week's aggregate needs the whole week still stored when its first rows are deleted.
MIN_DAYS = 7
PENDING_MAX = dt.timedelta(days=1)


@dataclass(frozen=True)
class Purged:
    """What one retention run did."""

    weeks: tuple[str, ...] = ()
    deleted: dict[str, int] = field(default_factory=dict)
    # (number, staff post id) of the open hand-offs deleted: their posts are to be edited.
    closed: tuple[tuple[int, int], ...] = ()


async def purge(
    db: Database,
    retention_days: int,
    now: dt.datetime | None = None,
    tz: dt.tzinfo = VIETNAM,
) -> Purged:
    """Delete raw rows older than the retention time, keeping each week's aggregate first."""
    now = now or dt.datetime.now(dt.UTC)
    cutoff = iso_utc(now - dt.timedelta(days=max(retention_days, MIN_DAYS)))
    offset = int((tz.utcoffset(now) or dt.timedelta()).total_seconds() // 60)
    days = await stored.local_days_before(db, cutoff, offset)
    weeks = sorted({Week.containing(dt.date.fromisoformat(d), tz) for d in days}, key=_label)
    kept = []
    if weeks:  # the report's modules only when there is something to keep (not at every start)
        from bot.report.weekly import store_aggregate, stored_aggregate
    for week in weeks:
        if await stored_aggregate(db, week) is None:
            await store_aggregate(db, week, replace=False)
            kept.append(week.label)
    closed = await handoffs.open_posts_before(db, cutoff)
    deleted = await stored.delete_before(db, cutoff, iso_utc(now - PENDING_MAX))
    if any(deleted.values()) or kept:
        log.info("retention: aggregated %s, deleted %s", kept, deleted)
    return Purged(tuple(kept), deleted, tuple(closed))


def _label(week: Week) -> str:
    return week.label


async def erase_user(db: Database, user: str) -> int:
    """Delete every row stored under a user hash, in every table that has one; return the count."""
    return await stored.erase_user(db, user)


# --- /xoadulieu ------------------------------------------------------------------------------


async def ask_erase(turn: Turn) -> list[Reply]:
    """/xoadulieu: ask for confirmation before deleting anything."""
    buttons = rows(
        Button(m.BUTTON_ERASE_YES, data=f"{PREFIX}:yes"),
        Button(m.BUTTON_ERASE_NO, data=f"{PREFIX}:no"),
        width=2,
    )
    return [Reply(m.ERASE_CONFIRM, buttons)]


async def on_button(turn: Turn) -> list[Reply]:
    """Delete the citizen's data on `d:yes`; keep it on `d:no`."""
    action = turn.args[0] if turn.args else ""
    if action == "yes":
        posts = await handoffs.open_posts(turn.db, turn.user)
        count = await erase_user(turn.db, turn.user)
        turn.context.last_question = ""
        turn.context.last_entry = None
        # The open hand-offs' posts in the staff chat lose the question too.
        edits = withdrawn(posts, turn.settings.staff_chat, m.HANDOFF_WITHDRAWN)
        return [Reply(m.ERASED.format(count=count), edit=True), *edits]
    if action == "no":
        return [Reply(m.ERASE_KEPT, edit=True)]
    return turn.assistant.stale()


def register(assistant: Assistant) -> None:
    """Add /xoadulieu and its confirmation buttons."""
    assistant.registry.command("xoadulieu", ask_erase, owner="retention")
    assistant.registry.button(PREFIX, on_button, owner="retention")

"""Feedback: 👍 / 👎 under every card and at the end of a guide, a reason on 👎, a comment.

Buttons carry `r:<action>:<arg>` payloads:
  r:u:<entry>         👍 on an entry            r:d:<entry>         👎 on an entry
  r:t:<id>:<1|0>      👍 saved a trip or not    r:w:<id>:<reason>   the reason of a 👎
  r:s:<id>            no comment, thanks
A rating is stored at once (with the entry and the question that led there); the follow-ups
update that row, and only the row of the user who pressed them.
"""

from __future__ import annotations

import datetime as dt

from bot import messages as m
from bot.catalogue.model import Procedure
from bot.core import events
from bot.core.assistant import Assistant
from bot.core.conversation import can_hand_off
from bot.core.replies import MAX_CALLBACK_BYTES, Button, Reply, esc, rows
from bot.core.turn import Turn
from bot.storage import feedback as stored
from bot.storage.database import Database, utcnow

OWNER = "feedback"
PREFIX = "r"
COMMENT = "feedback-comment"
# A comment is taken from the next text only within this time; later text is a new question.
COMMENT_WINDOW = dt.timedelta(minutes=15)
# Pressing 👍 or 👎 again on the same entry within this time changes the rating, not adds one.
REPEAT_WINDOW = dt.timedelta(hours=1)
COMMENT_CHARS = 500


def feedback_row(entry_id: str) -> tuple[Button, ...]:
    """The 👍 / 👎 row for a card or the end of a guide (empty if the id is too long)."""
    if len(f"{PREFIX}:u:{entry_id}".encode()) > MAX_CALLBACK_BYTES:
        return ()
    return (
        Button(m.BUTTON_USEFUL, data=f"{PREFIX}:u:{entry_id}"),
        Button(m.BUTTON_NOT_USEFUL, data=f"{PREFIX}:d:{entry_id}"),
    )


def card_rows(turn: Turn, procedure: Procedure) -> list[tuple[Button, ...]]:
    """The feedback row under a procedure card (a card hook)."""
    row = feedback_row(procedure.id)
    return [row] if row else []


# --- storage ---------------------------------------------------------------------------------


async def record_rating(
    db: Database,
    user: str,
    entry_id: str,
    rating: int,
    question: str = "",
    at: str | None = None,
) -> int:
    """Store a 👍 (1) or 👎 (-1); a repeat on the same entry soon after changes the rating."""
    now = at or utcnow()
    since = (dt.datetime.fromisoformat(now) - REPEAT_WINDOW).isoformat(timespec="seconds")
    asked = events.clean(question) or None
    return await stored.rate(db, user, entry_id, rating, asked, now, since)


async def set_reason(db: Database, user: str, feedback_id: int, reason: str) -> bool:
    """Record why a 👎 (one of messages.FEEDBACK_REASONS); False if the row is not theirs."""
    return await stored.add_detail(db, user, feedback_id, "reason", reason)


async def set_saved_trip(db: Database, user: str, feedback_id: int, saved: bool) -> bool:
    """Record whether a 👍 saved a trip to the counter; False if the row is not theirs."""
    return await stored.add_detail(db, user, feedback_id, "saved_trip", int(saved))


async def set_comment(db: Database, user: str, feedback_id: int, comment: str) -> bool:
    """Record a comment, redacted; False if the row is not theirs."""
    text = events.clean(comment, COMMENT_CHARS)
    return await stored.add_detail(db, user, feedback_id, "comment", text)


# --- handlers --------------------------------------------------------------------------------


def _id(arg: str) -> int | None:
    return int(arg) if arg.isdigit() else None


async def on_button(turn: Turn) -> list[Reply]:
    """Every `r:` button: a rating, its reason, the saved trip, skipping the comment."""
    args = turn.args
    action = args[0] if args else ""
    if action in ("u", "d") and len(args) >= 2:
        return await _rated(turn, ":".join(args[1:]), up=action == "u")
    feedback_id = _id(args[1]) if len(args) >= 2 else None
    if feedback_id is None:
        return turn.assistant.stale()
    if action == "t" and len(args) == 3 and args[2] in ("0", "1"):
        if await set_saved_trip(turn.db, turn.user, feedback_id, args[2] == "1"):
            return [Reply(m.FEEDBACK_TRIP_THANKS, edit=True, notice=m.FEEDBACK_THANKS)]
    elif action == "w" and len(args) == 3 and args[2] in m.FEEDBACK_REASONS:
        if await set_reason(turn.db, turn.user, feedback_id, args[2]):
            await events.set_pending(turn.db, turn.user, COMMENT, str(feedback_id))
            skip = Button(m.BUTTON_SKIP_COMMENT, data=f"{PREFIX}:s:{feedback_id}")
            return [Reply(m.FEEDBACK_ASK_COMMENT, rows(skip), edit=True)]
    elif action == "s":
        await events.clear_pending(turn.db, turn.user, (COMMENT,))
        return [_comment_thanks(turn, edit=True)]
    return turn.assistant.stale()


async def _rated(turn: Turn, entry_id: str, up: bool) -> list[Reply]:
    if turn.catalogue.get(entry_id) is None:
        return turn.assistant.stale()
    feedback_id = await record_rating(
        turn.db, turn.user, entry_id, 1 if up else -1, turn.context.card_question(entry_id)
    )
    if up:
        buttons = rows(
            Button(m.BUTTON_SAVED_TRIP_YES, data=f"{PREFIX}:t:{feedback_id}:1"),
            Button(m.BUTTON_SAVED_TRIP_NO, data=f"{PREFIX}:t:{feedback_id}:0"),
            width=2,
        )
        return [Reply(m.FEEDBACK_SAVED_TRIP, buttons, notice=m.FEEDBACK_THANKS)]
    buttons = rows(
        *(
            Button(label, data=f"{PREFIX}:w:{feedback_id}:{code}")
            for code, label in m.FEEDBACK_REASONS.items()
        )
    )
    return [Reply(m.FEEDBACK_ASK_REASON, buttons)]


def _comment_thanks(turn: Turn, edit: bool = False) -> Reply:
    handoff = can_hand_off(turn.assistant)
    text = m.FEEDBACK_COMMENT_THANKS.format(
        hotline=esc(turn.catalogue.hotline), or_handoff=m.FEEDBACK_OR_HANDOFF if handoff else ""
    )
    buttons = rows(Button(m.BUTTON_HANDOFF, data="h")) if handoff else ()
    return Reply(text, buttons, edit=edit)


async def on_text(turn: Turn) -> list[Reply] | None:
    """Take the text as the comment on a 👎 the citizen just explained (a text hook)."""
    waiting = await turn.waiting((COMMENT,))
    if waiting is None:
        return None
    await turn.stop_waiting(waiting)
    feedback_id = _id(waiting.payload)
    if waiting.age() > COMMENT_WINDOW or feedback_id is None:
        return None
    if not await set_comment(turn.db, turn.user, feedback_id, turn.incoming.text):
        return None
    return [_comment_thanks(turn)]


async def on_cancel(turn: Turn) -> bool:
    """/huy stops waiting for a comment."""
    return await events.clear_pending(turn.db, turn.user, (COMMENT,))


def register(assistant: Assistant) -> None:
    """Add the feedback row to cards, its buttons, and the comment text hook."""
    registry = assistant.registry
    registry.button(PREFIX, on_button, owner=OWNER)
    registry.card_rows("feedback-row", card_rows, owner=OWNER)
    registry.text_hook("feedback-comment", on_text, owner=OWNER)
    registry.cancel_hook("feedback-comment", on_cancel, owner=OWNER)

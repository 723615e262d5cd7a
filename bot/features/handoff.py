"""Hand-off to staff: a citizen's question goes to the staff chat, a staff reply comes back.

The citizen asks with /gapcanbo or the "Gặp cán bộ" button (`h`), agrees (`h:ok`), and their
last question (or the next text they type) is posted to BOT_STAFF_CHAT_ID with a tag `#HS<id>`.
A staff member answers by replying to that message; the bot finds the tag in the message
replied to and delivers the answer to the citizen's chat (its opaque address, whatever the
channel). The staff chat sees the redacted question only, never the citizen's name or id.

Buttons: h (ask to confirm), h:ok (send), h:new (type another question), h:no (cancel).
"""

from __future__ import annotations

import datetime as dt
import re

from bot import messages as m
from bot.addresses import Address
from bot.core import events
from bot.core.assistant import Assistant
from bot.core.replies import Button, Reply, esc, rows
from bot.core.turn import Turn
from bot.privacy import user_hash
from bot.report.weeks import local_zone
from bot.storage import handoffs
from bot.storage.database import Database

OWNER = "handoff"
PREFIX = "h"
CONFIRM = "handoff-confirm"
TYPING = "handoff"
TAG = re.compile(r"#HS(\d+)\b")
# The question typed after agreeing is taken within this time; later text is a new question.
TYPING_WINDOW = dt.timedelta(minutes=30)
MAX_PER_DAY = 5
# The usual opening hours of the one-stop counters (public holidays are not known here).
OPEN_HOURS = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))


def next_opening(now: dt.datetime) -> dt.datetime | None:
    """None during the usual working hours, else when they next begin (same time zone)."""
    for days in range(8):
        day = (now + dt.timedelta(days=days)).date()
        if day.weekday() >= 5:
            continue
        for start, end in OPEN_HOURS:
            opens = dt.datetime.combine(day, start, now.tzinfo)
            closes = dt.datetime.combine(day, end, now.tzinfo)
            if opens <= now < closes:
                return None
            if now < opens:
                return opens
    raise AssertionError("there is always a weekday within eight days")


def when_text(moment: dt.datetime, now: dt.datetime) -> str:
    """A moment as a citizen reads it: '7:30 ngày mai (02/12)', '13:30 hôm nay'."""
    time = f"{moment.hour}:{moment.minute:02d}"
    days = (moment.date() - now.date()).days
    if days == 0:
        return m.WHEN_TODAY.format(time=time)
    date = moment.strftime("%d/%m")
    if days == 1:
        return m.WHEN_TOMORROW.format(time=time, date=date)
    return m.WHEN_DAY.format(time=time, weekday=m.WEEKDAYS[moment.weekday()], date=date)


def after_hours_note(now: dt.datetime, hotline: str) -> str:
    """The note on when to expect an answer, or '' during working hours."""
    opens = next_opening(now)
    if opens is None:
        return ""
    return m.HANDOFF_AFTER_HOURS.format(when=when_text(opens, now), hotline=esc(hotline))


# --- storage ---------------------------------------------------------------------------------


async def create(
    db: Database,
    user: str,
    chat: Address,
    question: str,
    entry_id: str | None = None,
    card_question: str = "",
) -> int:
    """Store an open hand-off (texts redacted, the citizen's chat address) with the card it is
    about and the question that produced that card; return its number."""
    return await handoffs.create_handoff(
        db, user, chat, events.clean(question), entry_id, events.clean(card_question) or None
    )


async def recent_count(db: Database, user: str, hours: int = 24) -> int:
    """How many hand-offs a user asked for in the last `hours`."""
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).isoformat(timespec="seconds")
    return await handoffs.count_handoffs_since(db, user, since)


async def take_quota(turn: Turn) -> bool:
    """Count a hand-off against the citizen's daily limit; False once it is reached.

    The count is kept under its own key (not the user hash), so /xoadulieu leaves it.
    """
    key = user_hash(f"handoff-quota:{turn.user}", turn.settings.salt)
    day = dt.datetime.now(local_zone(turn.settings.timezone)).date().isoformat()
    return await handoffs.take_quota(turn.db, key, day, MAX_PER_DAY)


async def mark_answered(db: Database, handoff_id: int) -> Address | None:
    """Mark a hand-off answered; return the citizen's chat address, or None if unknown."""
    return await handoffs.mark_answered(db, handoff_id)


# --- the citizen's side ----------------------------------------------------------------------


def _unavailable(turn: Turn) -> list[Reply]:
    catalogue = turn.catalogue
    text = m.HANDOFF_UNAVAILABLE.format(
        hotline=esc(catalogue.hotline), hotline_note=esc(catalogue.hotline_note)
    )
    return [Reply(text)]


async def ask(turn: Turn) -> list[Reply]:
    """Offer to send the question to staff, after the citizen agrees (/gapcanbo, button h)."""
    if turn.settings.staff_chat_id is None:
        return _unavailable(turn)
    typed = turn.incoming.args if turn.incoming.kind == "command" else ""
    question = events.clean(typed or turn.context.last_question)
    await events.set_pending(turn.db, turn.user, CONFIRM, question)
    cancel = Button(m.BUTTON_HANDOFF_CANCEL, data=f"{PREFIX}:no")
    send = Button(m.BUTTON_HANDOFF_SEND, data=f"{PREFIX}:ok")
    if not question:
        return [Reply(m.HANDOFF_CONFIRM_ASK, rows(send, cancel))]
    other = Button(m.BUTTON_HANDOFF_OTHER, data=f"{PREFIX}:new")
    text = m.HANDOFF_CONFIRM.format(question=esc(question))
    return [Reply(text, rows(send, other, cancel))]


async def on_button(turn: Turn) -> list[Reply]:
    """The hand-off buttons: ask, send, type another question, cancel."""
    action = turn.args[0] if turn.args else ""
    if not action:
        return await ask(turn)
    if turn.settings.staff_chat_id is None:
        return _unavailable(turn)
    if action == "no":
        await events.clear_pending(turn.db, turn.user, (CONFIRM, TYPING))
        return [Reply(m.HANDOFF_CANCELLED, edit=True)]
    if action == "new":
        await events.set_pending(turn.db, turn.user, TYPING)
        return [Reply(m.HANDOFF_TYPE_QUESTION, edit=True)]
    if action == "ok":
        agreed = await events.pending(turn.db, turn.user, (CONFIRM,))
        if agreed is None:
            return await ask(turn)
        if not agreed.payload:
            await events.set_pending(turn.db, turn.user, TYPING)
            return [Reply(m.HANDOFF_TYPE_QUESTION, edit=True)]
        await events.clear_pending(turn.db, turn.user, (CONFIRM,))
        return await send(turn, agreed.payload, edit=True)
    return turn.assistant.stale()


async def send(turn: Turn, question: str, edit: bool = False) -> list[Reply]:
    """Post the question to the staff chat and tell the citizen when to expect an answer."""
    staff_chat = turn.settings.staff_chat
    if staff_chat is None:
        return _unavailable(turn)
    catalogue = turn.catalogue
    if not await take_quota(turn):
        text = m.HANDOFF_TOO_MANY.format(
            hotline=esc(catalogue.hotline), hotline_note=esc(catalogue.hotline_note)
        )
        return [Reply(text)]
    entry = catalogue.get(turn.context.last_entry or "")
    card_question = turn.context.card_question(entry.id) if entry else ""
    number = await create(
        turn.db,
        turn.user,
        turn.incoming.chat,
        question,
        entry.id if entry else None,
        card_question,
    )
    now = dt.datetime.now(local_zone(turn.settings.timezone))
    citizen = m.HANDOFF_SENT.format(id=number)
    note = after_hours_note(now, catalogue.hotline)
    if note:
        citizen += "\n\n" + note
    context = ""
    if entry:
        asked = events.clean(card_question)
        origin = m.HANDOFF_STAFF_CARD_QUESTION.format(question=esc(asked)) if asked else ""
        context = m.HANDOFF_STAFF_CONTEXT.format(entry=esc(entry.name), origin=origin)
    staff = m.HANDOFF_STAFF.format(
        id=number, question=esc(events.clean(question)), context=context
    )
    db = turn.db

    async def posted(message_id: int) -> None:
        # Kept to edit the post should the citizen erase their data (see `withdrawn`).
        await handoffs.remember_post(db, number, message_id)

    return [Reply(citizen, edit=edit), Reply(staff, chat=staff_chat, on_sent=posted)]


def withdrawn(posts: list[tuple[int, int]], staff_chat: Address | None, text: str) -> list[Reply]:
    """Edits of hand-off posts in the staff chat to `text` (m.HANDOFF_WITHDRAWN or _EXPIRED):
    the question leaves the staff chat with the citizen's data."""
    if staff_chat is None:
        return []
    return [
        Reply(text.format(id=number), chat=staff_chat, replaces=post) for number, post in posts
    ]


async def on_text(turn: Turn) -> list[Reply] | None:
    """A text hook: staff answers in the staff chat, and the question typed after agreeing."""
    staff_chat = turn.settings.staff_chat
    if staff_chat is not None and turn.incoming.chat == staff_chat:
        return await staff_reply(turn)
    waiting = await turn.waiting((TYPING,))
    if waiting is None:
        return None
    await turn.stop_waiting(waiting)
    if waiting.age() > TYPING_WINDOW:
        return None
    return await send(turn, turn.incoming.text)


async def staff_reply(turn: Turn) -> list[Reply] | None:
    """Deliver a staff member's reply to a `#HS<id>` message to the citizen, and confirm.

    Only a staff member's reply to one of the bot's own posts counts: anyone else in the staff
    chat, or a reply to a message someone else wrote with a tag in it, reaches no citizen.
    """
    incoming = turn.incoming
    tag = TAG.search(incoming.reply_to_text) if incoming.reply_to_bot else None
    if tag is None or not turn.assistant.staff_place(turn):
        # Staff talk among themselves in a group; in a private staff chat the bot still answers.
        return [] if turn.incoming.group else None
    number = int(tag.group(1))
    answer = turn.incoming.text.strip()
    here = turn.incoming.message_id
    chat = await mark_answered(turn.db, number)
    if chat is None:
        return [Reply(m.HANDOFF_UNKNOWN.format(id=number), reply_to_message_id=here)]
    if not chat:
        return [Reply(m.HANDOFF_ALREADY_ANSWERED.format(id=number), reply_to_message_id=here)]
    more = rows(Button(m.BUTTON_HANDOFF_MORE, data=PREFIX))
    return [
        Reply(m.HANDOFF_ANSWER.format(id=number, answer=esc(answer)), more, chat=chat),
        Reply(m.HANDOFF_DELIVERED.format(id=number), reply_to_message_id=here),
    ]


async def on_cancel(turn: Turn) -> bool:
    """/huy stops a hand-off in progress."""
    return await events.clear_pending(turn.db, turn.user, (CONFIRM, TYPING))


def register(assistant: Assistant) -> None:
    """Add /gapcanbo, the `h` buttons and the text hook for staff replies and typed questions."""
    registry = assistant.registry
    registry.command("gapcanbo", ask, owner=OWNER)
    registry.button(PREFIX, on_button, owner=OWNER)
    registry.text_hook("handoff", on_text, owner=OWNER)
    registry.cancel_hook("handoff", on_cancel, owner=OWNER)

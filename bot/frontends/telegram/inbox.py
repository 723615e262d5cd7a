"""Updates stored before Telegram is told they were received, and answered once, even after a
crash.

Telegram forgets an update once the bot says it received it: with long polling, by the offset
of the next getUpdates call, which python-telegram-bot makes right after queueing a batch; with
a webhook, by the 200 answer. A SIGKILL would lose every update received but not yet answered.
So, before either happens, the batch is stored (`bot.storage.inbox.record`, one transaction
per batch, synced to disk), and an update is marked answered (its body forgotten) once the bot
is done with it: its replies sent, also those queued for other chats, or given up for good.
At start the updates the last run left unanswered are handled first, in the order received.

- Polling: `InboxBot.get_updates` starts storing each batch as it hands it to the framework;
  each update is handled once its batch is committed (`ChatOrderedProcessor` waits for it:
  committed, it survives the process being killed), and the next call, whose offset is what
  tells Telegram, waits until the batch is synced to disk too (which a power cut asks for).
  So the store runs beside the framework's own work, and the disk sync beside the handling
  and the pause between two calls, not before them.
  Updates already stored (Telegram delivers again what a crash kept it from being told about)
  are dropped there, so that none is answered twice. When the database cannot store a batch
  (busy, full), its updates are not handled and it is not acknowledged: Telegram delivers it
  again.
- Webhook: `bot.frontends.telegram.webhook` records the update before answering 200 (503 when
  it cannot: Telegram tries again later).

What no design closes: a reply sent and the process killed before its update is marked answered
(the mark is written with the next write, within `MARK_SECONDS`), or while the send's answer is
on its way back: the update is answered again after the restart. That can duplicate a reply,
never lose one (a SIGKILL in a burst of 200 at full speed: about 5 to 15 duplicates).

Bodies hold what a citizen typed and their name: they are kept only until answered, with id,
phone and e-mail numbers of citizens' texts redacted (`bot.privacy.redact`; staff messages,
whose numbers a citizen may need, are kept as they are).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from telegram import Update
from telegram._utils.types import JSONDict
from telegram.ext import Application, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from bot.addresses import Address, telegram
from bot.core.replies import Reply
from bot.frontends.telegram.delivery import Delivery
from bot.frontends.telegram.transport import client_settings
from bot.privacy import redact, user_hash
from bot.storage import inbox as stored
from bot.storage.backend import Database

log = logging.getLogger("bot.frontends.telegram.bot")

# How long polling waits after the database could not store a batch, before asking again.
RETRY_SECONDS = 1.0
# Updates marked answered are written at the latest this long after: a crash in between makes
# them be answered again (one transaction per this time at most, while the bot answers).
MARK_SECONDS = 0.05
# What `redact` could change: a digit, an "@" or a spelled-out "(at)" / "[a còng]".
_MAYBE_PERSONAL = re.compile(r"[\d@]|[(\[{]\s?(?:at|a\s?còng)\s?[)\]}]", re.IGNORECASE)
# Fields of a message holding what its author typed.
_TEXT_FIELDS = ("text", "caption")


class UpdatesRequest(HTTPXRequest):
    """The getUpdates connection, keeping the raw updates of its last answer.

    The raw JSON is stored as it came: rebuilding it from PTB's objects would cost more than
    parsing did.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"httpx_kwargs": client_settings(), **kwargs})
        self.last: list[JSONDict] = []

    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        """Parse an answer as PTB does, keeping its `result` list."""
        data = BaseRequest.parse_json_payload(payload)
        result = data.get("result") if isinstance(data, dict) else None
        self.last = result if isinstance(result, list) else []
        return data


class Inbox:
    """The front end's side of `bot.storage.inbox`: what to store, and when it was answered."""

    def __init__(self, db: Database, bot_id: int, salt: str, staff: Iterable[int] = ()) -> None:
        self.db = db
        self.bot_id = bot_id
        self.salt = salt
        self.staff = frozenset(staff)  # ids (users, the staff chat) whose texts stay as typed
        self.closed = False
        self._flush: asyncio.TimerHandle | None = None
        self._writing: set[asyncio.Task[None]] = set()
        # Updates handed out while their batch is being stored: whether they may be handled.
        self._gates: dict[int, asyncio.Future[bool]] = {}

    def entry(self, raw: JSONDict) -> stored.Received:
        """An update as stored: its sender's hash and its JSON, citizens' numbers redacted."""
        message = next(
            (raw[k] for k in ("message", "edited_message", "callback_query") if k in raw), None
        )
        sender = message.get("from") if isinstance(message, dict) else None
        user_id = sender.get("id") if isinstance(sender, dict) else None
        hashed = user_hash(telegram(user_id), self.salt) if isinstance(user_id, int) else None
        chat = message.get("chat") if isinstance(message, dict) else None
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        if isinstance(message, dict) and user_id not in self.staff and chat_id not in self.staff:
            raw = _redacted(raw, message)
        # ASCII: a lone surrogate (an undecodable character) must not make the batch unstorable.
        return stored.Received(int(raw["update_id"]), hashed, json.dumps(raw))

    async def record(self, raws: Sequence[JSONDict]) -> set[int]:
        """Store a batch (synced to disk); return the ids not stored before. Raises when the
        database cannot store it."""
        fresh = await stored.record(self.db, self.bot_id, [self.entry(raw) for raw in raws])
        return set(fresh)

    async def known(self, ids: Sequence[int]) -> set[int]:
        """Those of the ids that are stored already. Raises `NotStored` when the database
        cannot tell."""
        return await stored.known(self.db, self.bot_id, ids)

    def store(self, raws: Sequence[JSONDict]) -> asyncio.Task[set[int]]:
        """Start storing a batch about to be handled; each of its updates waits in `ready`
        until the batch is committed, and the task ends once it is synced to disk too."""
        loop = asyncio.get_running_loop()
        gate: asyncio.Future[bool] = loop.create_future()
        for raw in raws:
            self._gates[int(raw["update_id"])] = gate
        task = loop.create_task(self._store(raws, gate))
        task.add_done_callback(lambda done: _open(gate, done))
        return task

    async def _store(self, raws: Sequence[JSONDict], gate: asyncio.Future[bool]) -> set[int]:
        # Committed, a batch survives the process being killed: its handling may begin. The
        # disk sync that a power cut asks for only has to come before Telegram is told (also
        # for a batch whose every update was stored before: by a run killed before its sync).
        fresh: list[int] = []
        if raws:
            entries = [self.entry(raw) for raw in raws]
            fresh = await stored.record(self.db, self.bot_id, entries, synced=False)
        if not gate.done():
            gate.set_result(True)
        await stored.sync(self.db)
        return set(fresh)

    async def ready(self, update_id: int) -> bool:
        """Wait until an update's batch is stored (at once when it is not being stored);
        False when it could not be for a passing reason: the update is not to be handled now,
        Telegram delivers it again."""
        gate = self._gates.pop(update_id, None)
        return True if gate is None else await gate

    def answered(self, update_id: int) -> None:
        """The bot is done with an update: forget its body, written within `MARK_SECONDS` with
        the other marks and queued rows of that time, in one transaction."""
        if self.closed:
            return
        stored.mark_answered(self.db, self.bot_id, update_id)
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(MARK_SECONDS, self._write_marks)

    def _write_marks(self) -> None:
        self._flush = None
        if not self.closed:
            task = asyncio.get_running_loop().create_task(self.db.flush())
            self._writing.add(task)
            task.add_done_callback(self._written)

    def _written(self, task: asyncio.Task[None]) -> None:
        self._writing.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The marks stay queued for the next write; a crash meanwhile only repeats answers.
            log.warning("could not write answered marks: %s", type(task.exception()).__name__)

    def started(self, update_id: int) -> None:
        """The bot begins handling an update (on disk before anything the handling writes)."""
        if not self.closed:
            stored.mark_started(self.db, self.bot_id, update_id)

    async def take_unanswered(self) -> list[JSONDict]:
        """The updates the last run left unanswered, in the order received (logged).

        A button press whose handling had begun is not handled again: what it changed (a box
        ticked, a step taken, a rating, a hand-off sent) may be stored already, and pressing
        twice would undo or repeat it; the citizen sees no answer and presses again. Messages
        and commands are answered again (at worst a second answer).
        """
        rows, given_up = await stored.take_unanswered(self.db, self.bot_id)
        if given_up:
            log.warning(
                "gave up %d updates left unanswered by %d runs in a row", given_up,
                stored.MAX_ATTEMPTS,
            )  # fmt: skip
        left, pressed = [], 0
        for update_id, body, begun in rows:
            raw = json.loads(body)
            if begun and "callback_query" in raw:
                pressed += 1
                self.answered(update_id)
            else:
                left.append(raw)
        if pressed:
            log.info("not repeating %d button presses begun before the stop", pressed)
        if left:
            log.info("answering %d updates left unanswered by the last run", len(left))
        return left

    async def purge(self) -> None:
        """Delete the ids (and any body) older than `bot.storage.inbox.KEEP_IDS`."""
        deleted = await stored.purge(self.db)
        if deleted:
            log.info("forgot %d received update ids", deleted)


def _open(gate: asyncio.Future[bool], store: asyncio.Task[set[int]]) -> None:
    """A batch's store ended: its updates may be handled when it is stored, or when a lasting
    fault keeps the database from storing anything (they are answered unstored)."""
    if store.cancelled():
        may = False
    else:
        exc = store.exception()
        may = exc is None or (isinstance(exc, stored.NotStored) and exc.lasting)
    if not gate.done():
        gate.set_result(may)


def _redacted(raw: JSONDict, message: JSONDict) -> JSONDict:
    """The update with the message's text and caption redacted (a copy, if anything changed)."""
    changes: dict[str, str] = {}
    for name in _TEXT_FIELDS:
        text = message.get(name)
        if isinstance(text, str) and _MAYBE_PERSONAL.search(text):
            hidden = redact(text)
            if hidden != text:
                changes[name] = hidden
    if not changes:
        return raw
    copy = {**message, **changes}
    # Offsets into the text no longer hold; a command's entity at its start still does.
    for name in ("entities", "caption_entities"):
        if name in copy:
            copy[name] = [
                e for e in copy[name] if e.get("type") == "bot_command" and e.get("offset") == 0
            ]
    key = next(k for k in ("message", "edited_message", "callback_query") if k in raw)
    return {**raw, key: copy}


class InboxBot(ExtBot[None]):
    """PTB's bot, storing each batch of updates before the next getUpdates acknowledges it."""

    def __init__(self, token: str, *, get_updates_request: UpdatesRequest, **kwargs: Any) -> None:
        super().__init__(token, get_updates_request=get_updates_request, **kwargs)
        self._updates_request = get_updates_request
        self._inbox: Inbox | None = None
        self._acknowledged = 0  # the offset that tells Telegram what was stored
        # The batch handed out last, while it is being stored: its store, its size, its offset.
        self._storing: tuple[asyncio.Task[set[int]], int, int] | None = None

    def attach(self, inbox: Inbox) -> None:
        """Store the updates received from now on in `inbox`."""
        self._inbox = inbox

    @property
    def inbox(self) -> Inbox | None:
        """Where received updates are stored (None until the database is open)."""
        return self._inbox

    async def get_updates(
        self, offset: int | None = None, *args: Any, **kwargs: Any
    ) -> tuple[Update, ...]:
        """Updates not received before, being stored (each is handled once stored); () when
        the batch before could not be stored for a passing reason (not acknowledged, so
        Telegram delivers it again); all of them, unstored, when the database cannot store
        them for a lasting one (read-only, failing, full, gone)."""
        inbox = self.inbox
        if inbox is None or inbox.closed:
            return await super().get_updates(offset, *args, **kwargs)
        if not await self._settle():
            return ()
        # The offset tells Telegram what was stored (PTB's own would pass a batch that was not).
        updates = await super().get_updates(self._acknowledged or None, *args, **kwargs)
        if not updates:
            return updates
        raws = self._updates_request.last
        if [r.get("update_id") for r in raws] != [u.update_id for u in updates]:
            raws = [u.to_dict() for u in updates]  # never expected: PTB parsed another answer
        end = updates[-1].update_id + 1
        try:
            known = await inbox.known([u.update_id for u in updates])
        except stored.NotStored as exc:
            if not await self._failed(exc, len(updates), end):
                return ()
            return tuple(updates)
        if known:
            log.info("dropped %d updates received before", len(known))
        fresh = [raw for raw in raws if raw.get("update_id") not in known]
        self._storing = (inbox.store(fresh), len(fresh), end)
        return tuple(u for u in updates if u.update_id not in known)

    async def _settle(self) -> bool:
        """Wait until the batch handed out last is stored; then the next call acknowledges it.
        False when it could not be, for a passing reason (Telegram delivers it again)."""
        if self._storing is None:
            return True
        task, count, end = self._storing
        self._storing = None
        try:
            await task
        except stored.NotStored as exc:
            return await self._failed(exc, count, end)
        self._acknowledged = end
        return True

    async def _failed(self, exc: stored.NotStored, count: int, end: int) -> bool:
        """The database could not store a batch: whether it is answered all the same."""
        if exc.lasting:
            # The staff chat is told of the fault (bot.storage.faults); citizens are still
            # answered, only a crash before their answer would lose their message now.
            log.warning("could not store %d updates (%s); answering them unstored", count, exc)
            self._acknowledged = end
            return True
        log.warning("could not store %d updates (%s); Telegram will deliver them again",
                    count, exc)  # fmt: skip
        await asyncio.sleep(RETRY_SECONDS)
        return False


def from_stored(raws: Sequence[JSONDict], bot: ExtBot[Any]) -> list[Update]:
    """Updates as PTB objects, from their stored JSON (one that no longer parses is skipped)."""
    updates = []
    for raw in raws:
        try:
            update = Update.de_json(raw, bot)
        except Exception:  # stored by another version of the library, say
            log.exception("a stored update could not be read again")
            continue
        if update is not None:
            updates.append(update)
    return updates


class AnsweredDelivery(Delivery):
    """Delivery that marks each update answered once every reply it made was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox: Inbox | None = None
        # The messages queued for other chats by each update being handled, by update id.
        self._sends: dict[int, list[asyncio.Future[object]]] = {}

    async def open_inbox(
        self,
        application: Application,  # type: ignore[type-arg]
        db: Database,
        salt: str,
        staff: Iterable[int] = (),
    ) -> None:
        """Store received updates from now on; queue those the last run left unanswered, to be
        handled before any received from now on, in the order received."""
        bot = application.bot
        if not isinstance(bot, InboxBot):
            return
        self.inbox = Inbox(db, bot.id, salt, staff)
        for update in from_stored(await self.inbox.take_unanswered(), bot):
            application.update_queue.put_nowait(update)
        bot.attach(self.inbox)

    def enqueue(
        self,
        application: Application,  # type: ignore[type-arg]
        reply: Reply,
        target: Address,
        update_id: int | None = None,
    ) -> asyncio.Future[object]:
        """Send a reply from the target chat's queue; its update is answered once it is sent."""
        done = super().enqueue(application, reply, target, update_id)
        if update_id is not None and self.inbox is not None:
            self._sends.setdefault(update_id, []).append(done)
        return done

    async def ready(self, update: object) -> bool:
        """Wait until an update is stored, before it goes through the handlers; False when it
        could not be (for a passing reason): it is not handled now, Telegram delivers it
        again."""
        if self.inbox is None or not isinstance(update, Update):
            return True
        return await self.inbox.ready(update.update_id)

    def started(self, update: object) -> None:
        """An update is about to go through the handlers."""
        if self.inbox is not None and isinstance(update, Update):
            self.inbox.started(update.update_id)

    def finished(self, update: object) -> None:
        """An update went through the handlers: answered once the messages it queued are sent
        (a message dropped for good counts as sent; one cancelled by a stop does not)."""
        if not isinstance(update, Update):
            return
        update_id = update.update_id
        sends = self._sends.pop(update_id, [])
        inbox = self.inbox
        if inbox is None:
            return
        waiting = [send for send in sends if not send.done()]
        if not waiting:
            if not any(send.cancelled() for send in sends):
                inbox.answered(update_id)
            return
        left = [len(waiting)]

        def sent(send: asyncio.Future[object]) -> None:
            left[0] -= 1
            if not left[0] and not any(s.cancelled() for s in sends):
                inbox.answered(update_id)

        for send in waiting:
            send.add_done_callback(sent)


__all__ = ["AnsweredDelivery", "Inbox", "InboxBot", "UpdatesRequest", "from_stored"]

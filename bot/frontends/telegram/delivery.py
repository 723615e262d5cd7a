"""Sending replies through the Bot API: split, with buttons, retried, never twice.

Every Bot API call that fails for a reason that passes (flood control, a 5xx answer, a dropped
connection) is retried with a growing wait; a refusal (bad request, a blocked bot) is not.
A reply marked `edit` replaces the message whose button was pressed, when it can; every button
press is answered exactly once.

Exactly once holds for every failure where Telegram did not take the message (429, 5xx, a
connection refused or dropped before the answer). A time-out after the request was sent is
ambiguous: Telegram may have delivered it. It is retried too, because a citizen is better
served by a rare duplicate than by a missing answer (PTB's read time-out is 5 s; Telegram
usually answers in well under one).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from bot.addresses import Address, telegram_id
from bot.bounded import BoundedMemo
from bot.core.markup import to_telegram_html
from bot.core.replies import Attachment, Incoming, Keyboard, Reply, split_text
from bot.frontends.telegram.queues import BACKGROUND_SLOTS, ChatQueues, is_group
from bot.frontends.telegram.sendrate import Priority, SendRate

log = logging.getLogger("bot.frontends.telegram.bot")
T = TypeVar("T")

# Connections to the Bot API. Few is plenty (Telegram takes ~30 messages a second anyway), and
# httpcore's pool spends time per request in proportion to its size: PTB's default of 256 costs
# the bot three quarters of its throughput under load (python -m bot bench-load).
CONNECTIONS = 16
# Bot API calls under way at once. Fewer than the pool's connections: the pool opens a connection
# only when none is free, and checks every open one at each request, so that a bot that keeps
# its calls to 8 spends about a fifth less CPU per update under load than one that fills all
# 16 (python -m bot bench-load). Telegram answers in well under 100 ms, and takes about 30
# messages a second from a bot anyway: 8 at a time is plenty.
SEND_SLOTS = 8
# Tries of one Bot API call that fails for a passing reason, waiting 0.25, 0.5, 1, 2, 4 s.
ATTEMPTS = 6
RETRY_BASE_SECONDS = 0.25
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # a link in a card opens no preview box
# Sends and edits go through `Bot.do_api_request`, which keeps Telegram's answer as JSON: the
# framework's own methods build a full `Message` from every answer (with each button of its
# keyboard), which nothing here reads and which cost more CPU than the rest of the call. PTB
# advises, on each such call, to use its method instead; that advice is not for us.
warnings.filterwarnings(
    "ignore",
    message=r"Please use 'Bot\.(send_message|edit_message_text)'",
    category=PTBUserWarning,
)


# Built once per distinct keyboard: the same cards are sent again and again, and PTB's objects
# are immutable, so they can be shared.
@functools.lru_cache(maxsize=2048)
def keyboard_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """Inline keyboard for a reply's buttons."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.data)
                for b in row
            ]
            for row in keyboard
        ]
    )


@functools.lru_cache(maxsize=2048)
def keyboard_json(keyboard: Keyboard) -> str | None:
    """A reply's buttons as the Bot API's `reply_markup` parameter (the JSON that the framework
    would write for `keyboard_markup(keyboard)`), made once per distinct keyboard."""
    markup = keyboard_markup(keyboard)
    return None if markup is None else json.dumps(markup.to_dict())


# The Bot API parameters of every message and edit (the framework's JSON for NO_PREVIEW).
_COMMON = {
    "parse_mode": ParseMode.HTML.value,
    "link_preview_options": json.dumps(NO_PREVIEW.to_dict()),
}


async def post(bot: Bot, method: str, params: dict[str, Any]) -> Any:
    """Call a Bot API method and return Telegram's answer as JSON (see NO_PREVIEW's note)."""
    return await bot.do_api_request(method, api_kwargs=params)


def message_id(answer: object) -> int | None:
    """The id of the message in a Bot API answer (None if the answer holds none)."""
    found = answer.get("message_id") if isinstance(answer, dict) else None
    return found if isinstance(found, int) else None


# The same cards and menus go out again and again: their rendering is kept, within a few MB
# (replies may quote what a citizen typed, so the bound is in bytes).
_RENDERED: BoundedMemo[str, str] = BoundedMemo(4 * 1024 * 1024, to_telegram_html)


def telegram_text(text: str) -> str:
    """A reply's text in the core's markup as Telegram HTML."""
    return _RENDERED[text]


def _seconds(exc: RetryAfter) -> float:
    """How long Telegram asks to wait (an int or a timedelta, depending on PTB's settings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        delay: object = exc.retry_after
    total = getattr(delay, "total_seconds", None)
    return float(total()) if callable(total) else float(delay)  # type: ignore[arg-type]


async def with_retries(
    call: Callable[[], Awaitable[T]],
    what: str,
    on_flood: Callable[[float], None] | None = None,
) -> T:
    """Run a Bot API call, retrying flood control, 5xx answers and dropped connections.

    A refusal (BadRequest, Forbidden) is raised at once; the last failure after ATTEMPTS tries.
    On flood control (429, which Telegram answers before taking the message, so that a retry
    cannot make a duplicate) `on_flood` hears how long Telegram asked the bot to wait.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == ATTEMPTS:
                raise
            seconds = _seconds(exc)
            log.info("flood control: Telegram asks to wait %.1f s (%s)", seconds, what)
            if on_flood is not None:
                on_flood(seconds)
            await asyncio.sleep(seconds)
        except BadRequest:
            raise
        except NetworkError as exc:  # 5xx, a dropped connection, a time-out
            if attempt == ATTEMPTS:
                raise
            log.warning("%s failed (attempt %d): %s", what, attempt, exc)
            await asyncio.sleep(RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


class Delivery:
    """Sends core replies through an application's bot."""

    def __init__(self) -> None:
        # Telegram's overall limit, shared out by priority (build_application sets the rate).
        self.rate = SendRate(0)
        self._slots: asyncio.Semaphore | None = None
        self._background: asyncio.Semaphore | None = None
        # Messages for groups and for other chats than the update's go through these queues.
        self.queues = ChatQueues()
        # Tests set this to wait for the queued messages of an update (by update id).
        self.track_queued = False
        self.queued: dict[int, list[asyncio.Future[object]]] = {}

    async def deliver(
        self,
        application: Application,  # type: ignore[type-arg]
        update: Update,
        incoming: Incoming,
        replies: Sequence[Reply],
    ) -> int:
        """Send replies and answer the button press (always, once); return messages delivered."""
        query = update.callback_query
        notice = next((r.notice for r in replies if r.notice), "")
        if query is not None:
            try:  # outside Telegram's overall limit: the button stops spinning at once
                await self.call_api(lambda: query.answer(text=notice[:200] or None), "answer")
            except TelegramError as exc:  # an old query can no longer be answered
                log.info("could not answer a callback query: %s", exc)
        delivered = 0
        # A citizen's typed question is answered before anything else the bot has to send.
        priority = Priority.ANSWER if incoming.kind == "text" else Priority.FOLLOW_UP
        for reply in replies:
            pressed = query.message if query is not None else None
            if (
                reply.edit
                and isinstance(pressed, Message)
                and await self.edit(pressed, reply, priority)
            ):
                delivered += 1
                continue
            target = reply.chat or incoming.chat
            number = telegram_id(target)
            if (number is not None and is_group(number)) or target != incoming.chat:
                # A group's pace or another chat's queue must not hold this turn.
                self.enqueue(application, reply, target, update.update_id)
                continue
            delivered += len(await self.send(application, reply, target, priority))
        return delivered

    def enqueue(
        self,
        application: Application,  # type: ignore[type-arg]
        reply: Reply,
        target: Address,
        update_id: int | None = None,
    ) -> asyncio.Future[object]:
        """Send a reply from the target chat's queue, in the background."""

        async def job() -> list[int]:
            return await self.send(application, reply, target)

        done = self.queues.put(target, job)
        if self.track_queued and update_id is not None:
            self.queued.setdefault(update_id, []).append(done)
        return done

    async def call_api(
        self, call: Callable[[], Awaitable[T]], what: str, priority: Priority | None = None
    ) -> T:
        """A Bot API call with retries, at most SEND_SLOTS at a time.

        A message or an edit (`priority` given) first waits for its turn within Telegram's
        overall limit (`SendRate`), holding nothing; a button press's answer does not count
        towards that limit and goes at once. Waiting here is cheap; waiting inside httpcore's
        connection pool costs CPU for every request queued there, each time a connection frees
        up. Background sends (the chat queues) have slots of their own, so that they never hold
        up a citizen's reply.
        """
        if self._slots is None:
            self._slots = asyncio.Semaphore(SEND_SLOTS)
            self._background = asyncio.Semaphore(BACKGROUND_SLOTS)
        background = priority == Priority.BACKGROUND and self._background is not None
        slots = self._background if background and self._background else self._slots
        paced = priority is not None and self.rate.enabled

        async def one_at_a_slot() -> T:
            if not paced or priority is None:
                async with slots:
                    return await call()
            async with self.rate.sending(priority), slots:
                return await call()

        return await with_retries(one_at_a_slot, what, self.rate.pause)

    async def edit(
        self, message: Message, reply: Reply, priority: Priority = Priority.FOLLOW_UP
    ) -> bool:
        """Replace a message's text and buttons; False when a new message is needed instead."""
        parts = split_text(telegram_text(reply.text))
        if len(parts) > 1:
            return False
        params = {
            "chat_id": message.chat_id,
            "message_id": message.message_id,
            "text": parts[0],
            "reply_markup": keyboard_json(reply.buttons),
            **_COMMON,
        }
        return await self._edit(message.get_bot(), params, priority)

    async def send(
        self,
        application: Application,  # type: ignore[type-arg]
        reply: Reply,
        chat: Address | None = None,
        priority: Priority = Priority.BACKGROUND,
    ) -> list[int]:
        """Send a reply, split on line boundaries (the buttons go with the last part); return
        the ids of the messages sent.

        `priority` places it within Telegram's overall limit (a citizen's answer first; by
        default it waits behind them). A reply addressed to a chat of another channel (a web
        visitor) cannot go through Telegram; it is logged and dropped.
        """
        address = chat or reply.chat
        if address is None:
            return []
        target = telegram_id(address)
        if target is None:
            log.warning("a reply for a chat of another channel cannot be sent on Telegram")
            return []
        parts = split_text(telegram_text(reply.text))
        if reply.replaces is not None:
            replaced = len(parts) == 1 and await self._replace(
                application, target, parts[0], reply, priority
            )
            if replaced:
                return []
            # Not editable (deleted, too long): a new message, quoting the old one if it is there.
            reply = dataclasses.replace(reply, reply_to_message_id=reply.replaces, replaces=None)
        sent: list[int] = []
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            message = await self._send_part(
                application, target, part, reply if last else None, priority
            )
            if message is not None:
                sent.append(message)
        if reply.document is not None:
            document = await self._send_document(application, target, reply.document, priority)
            if document is not None:
                sent.append(document.message_id)
        if reply.on_sent is not None and sent:
            try:
                await reply.on_sent(sent[0])
            except Exception:  # the message went; what the core notes of it is a bonus
                log.exception("could not note a sent message")
        return sent

    async def _replace(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int,
        text: str,
        reply: Reply,
        priority: Priority = Priority.BACKGROUND,
    ) -> bool:
        """Edit the earlier message of the bot's that `reply.replaces`; False if it cannot."""
        params = {
            "chat_id": chat_id,
            "message_id": reply.replaces,
            "text": text,
            "reply_markup": keyboard_json(reply.buttons),
            **_COMMON,
        }
        return await self._edit(application.bot, params, priority)

    async def _edit(self, bot: Bot, params: dict[str, Any], priority: Priority) -> bool:
        """Edit a message in place; False when Telegram refuses (send a new one instead)."""
        try:
            await self.call_api(lambda: post(bot, "edit_message_text", params), "edit", priority)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.info("could not edit a message, sending a new one: %s", exc)
            return False
        except TelegramError as exc:
            log.warning("could not edit a message, sending a new one: %s", exc)
            return False
        return True

    async def _send_document(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int,
        attachment: Attachment,
        priority: Priority,
    ) -> Message | None:
        file = InputFile(attachment.data, filename=attachment.filename)
        try:
            return await self.call_api(
                lambda: application.bot.send_document(
                    chat_id, file, caption=attachment.caption or None
                ),
                "document",
                priority,
            )
        except TelegramError as exc:
            log.error("could not send the file %s: %s", attachment.filename, exc)
            return None

    async def _send_part(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int,
        text: str,
        reply: Reply | None,
        priority: Priority,
    ) -> int | None:
        markup = keyboard_json(reply.buttons) if reply else None
        quote = reply.reply_to_message_id if reply else None
        bot = application.bot

        def call(quoted: int | None) -> Callable[[], Awaitable[Any]]:
            params: dict[str, Any] = {"chat_id": chat_id, "text": text, "reply_markup": markup}
            params.update(_COMMON)
            if quoted is not None:
                params["reply_parameters"] = ReplyParameters(message_id=quoted)
            return lambda: post(bot, "send_message", params)

        # If the message to quote is gone, send without the quote rather than not at all.
        for quoted in (quote, None) if quote is not None else (None,):
            try:
                async with self.queues.paced(chat_id):  # a group's turn, awaited without a slot
                    return message_id(await self.call_api(call(quoted), "send", priority))
            except Forbidden as exc:
                log.info("a chat blocked the bot: %s", exc)
                return None
            except BadRequest as exc:
                if quoted is not None and "reply" in str(exc).lower():
                    continue
                log.warning("message refused by the Bot API: %s", exc)
                return None
            except TelegramError as exc:
                log.error("gave up sending a message: %s", exc)
                return None
        return None

"""The Telegram front end: Update -> Incoming, Reply -> Bot API calls. Nothing else.

Every handler is registered in `build_application`, in order, with a comment each. Resources
are opened in `post_init` and closed in `post_shutdown`; handlers reach them through the
`TelegramFrontEnd` instance, never through `bot_data`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Sequence
from urllib.parse import urlparse

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import messages as m
from bot.catalogue import CatalogueError
from bot.replies import Incoming, Keyboard, Reply, split_text
from bot.runtime import Runtime, open_runtime
from bot.settings import Settings

log = logging.getLogger(__name__)

_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
# What the citizen sees in Telegram's command menu.
MENU_COMMANDS = [
    ("start", "Bắt đầu, chọn lĩnh vực"),
    ("thutuc", "Xem thủ tục theo lĩnh vực"),
    ("huongdan", "Hướng dẫn làm trên Cổng Dịch vụ công"),
    ("tieptuc", "Tiếp tục hướng dẫn đang làm dở"),
    ("gapcanbo", "Gặp cán bộ"),
    ("huy", "Dừng việc đang làm"),
    ("xoadulieu", "Xóa dữ liệu của tôi"),
    ("help", "Trợ giúp"),
]
MEDIA_KINDS = ("sticker", "photo", "voice", "video", "video_note", "audio", "document",
               "animation", "location", "contact", "poll", "dice")


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


def to_incoming(update: Update) -> Incoming | None:
    """Convert a Telegram update to what the core understands; None for what it ignores."""
    query = update.callback_query
    if query is not None:
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        return Incoming(
            chat_id=chat_id,
            user_id=query.from_user.id,
            kind="button",
            data=query.data or "",
            message_id=message.message_id if message is not None else None,
            user_name=query.from_user.full_name,
        )
    message = update.message
    if message is None or message.from_user is None:
        return None
    base = {
        "chat_id": message.chat.id,
        "user_id": message.from_user.id,
        "message_id": message.message_id,
        "reply_to_message_id": (
            message.reply_to_message.message_id if message.reply_to_message else None
        ),
        "reply_to_text": (
            (message.reply_to_message.text or "") if message.reply_to_message else ""
        ),
        "user_name": message.from_user.full_name,
    }
    if message.text is not None:
        command = _COMMAND.match(message.text.strip())
        if command:
            return Incoming(
                kind="command",
                command=command.group(1),
                args=(command.group(2) or "").strip(),
                text=message.text,
                **base,  # type: ignore[arg-type]
            )
        return Incoming(kind="text", text=message.text, **base)  # type: ignore[arg-type]
    media = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
    return Incoming(kind="media", media=media, text=message.caption or "", **base)  # type: ignore[arg-type]


class TelegramFrontEnd:
    """Holds the runtime and turns updates into replies."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime: Runtime | None = None
        self._watcher: asyncio.Task[None] | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def post_init(self, application: Application) -> None:  # type: ignore[type-arg]
        """Open the catalogue and the database, publish the command menu, watch the file."""
        self.runtime = await open_runtime(self.settings)
        try:
            await application.bot.set_my_commands([BotCommand(c, d) for c, d in MENU_COMMANDS])
        except TelegramError as exc:  # the menu is a convenience; never fail start-up on it
            log.warning("could not set the command menu: %s", exc)
        holder = self.runtime.holder

        async def notify(outcome: object) -> None:
            text = getattr(outcome, "staff_message", lambda: str(outcome))()
            log.info("catalogue reload: %s", text.splitlines()[0] if text else "")
            if self.settings.staff_chat_id:
                await self.send(application, Reply(text, chat_id=self.settings.staff_chat_id))

        self._watcher = asyncio.create_task(
            holder.watch(notify, interval=self.settings.reload_interval)
        )
        for hook in self.runtime.assistant.startup_hooks:
            await hook(application_sender(self, application))

    async def post_shutdown(self, application: Application) -> None:  # type: ignore[type-arg]
        """Stop watching and close the database."""
        if self._watcher is not None:
            self._watcher.cancel()
        if self.runtime is not None:
            await self.runtime.close()

    # --- updates ---------------------------------------------------------------------------

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer any update the handlers route here."""
        incoming = to_incoming(update)
        if incoming is None or self.runtime is None:
            return
        started = time.perf_counter()
        try:
            replies = await self.runtime.assistant.handle(incoming)
        except Exception:
            log.exception("failed to handle an update of kind %s", incoming.kind)
            replies = [Reply(m.BUSY, notice=m.BUSY[:190])]
        await self.deliver(context.application, update, incoming, replies)
        log.info(
            "update kind=%s replies=%d ms=%.1f",
            incoming.kind,
            len(replies),
            (time.perf_counter() - started) * 1000,
        )

    async def deliver(
        self,
        application: Application,  # type: ignore[type-arg]
        update: Update,
        incoming: Incoming,
        replies: Sequence[Reply],
    ) -> None:
        """Send replies; answer the button press (always, exactly once)."""
        query = update.callback_query
        notice = next((r.notice for r in replies if r.notice), "")
        if query is not None:
            try:
                await query.answer(text=notice[:200] or None)
            except TelegramError as exc:  # an old query can no longer be answered
                log.info("could not answer a callback query: %s", exc)
        for reply in replies:
            if reply.edit and query is not None and isinstance(query.message, Message):
                if await self.edit(query.message, reply):
                    continue
            target = reply.chat_id or incoming.chat_id
            await self.send(application, reply, target)

    async def edit(self, message: Message, reply: Reply) -> bool:
        """Replace a message's text and buttons; False when a new message is needed instead."""
        parts = split_text(reply.text)
        if len(parts) > 1:
            return False
        try:
            await message.edit_text(
                parts[0],
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard_markup(reply.buttons),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.info("edit failed, sending a new message: %s", exc)
            return False
        return True

    async def send(
        self,
        application: Application,  # type: ignore[type-arg]
        reply: Reply,
        chat_id: int | None = None,
    ) -> list[Message]:
        """Send a reply, split on line boundaries; the buttons go with the last part."""
        target = chat_id or reply.chat_id
        if target is None:
            return []
        parts = split_text(reply.text)
        sent: list[Message] = []
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            sent_message = await self._send_part(
                application, target, part, reply if last else None
            )
            if sent_message is not None:
                sent.append(sent_message)
        return sent

    async def _send_part(
        self,
        application: Application,  # type: ignore[type-arg]
        chat_id: int,
        text: str,
        reply: Reply | None,
    ) -> Message | None:
        markup = keyboard_markup(reply.buttons) if reply else None
        reply_to = reply.reply_to_message_id if reply else None
        for attempt in range(4):
            try:
                return await application.bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    reply_to_message_id=reply_to,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except RetryAfter as exc:
                # The rate limiter already retries; this is a last line of defence.
                delay = exc.retry_after
                seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else delay
                await asyncio.sleep(float(seconds))
            except Forbidden as exc:
                log.info("chat %s blocked the bot: %s", chat_id, exc)
                return None
            except BadRequest as exc:
                if reply_to is not None and "reply" in str(exc).lower():
                    reply_to = None
                    continue
                log.warning("message rejected by the Bot API: %s", exc)
                return None
            except NetworkError as exc:
                log.warning("network error sending a message (attempt %d): %s", attempt + 1, exc)
                await asyncio.sleep(0.5 * 2**attempt)
        log.error("gave up sending a message to chat %s", chat_id)
        return None


def application_sender(front: TelegramFrontEnd, application: Application):  # type: ignore[no-untyped-def,type-arg]
    """A function that sends a core Reply through this application (for scheduled jobs)."""

    async def send(reply: Reply) -> list[int]:
        return [message.message_id for message in await front.send(application, reply)]

    return send


def build_application(
    settings: Settings, front: TelegramFrontEnd | None = None
) -> Application:  # type: ignore[type-arg]
    """The PTB application with every handler registered, in order."""
    front = front or TelegramFrontEnd(settings)
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        # Queue bursts instead of failing: Telegram allows about 30 messages a second.
        .rate_limiter(AIORateLimiter(max_retries=3))
        # Answer citizens concurrently; one slow chat must not hold up the others.
        .concurrent_updates(64)
        .post_init(front.post_init)
        .post_shutdown(front.post_shutdown)
        .build()
    )
    # 1. Button presses: every one is answered, also forged or outdated ones.
    application.add_handler(CallbackQueryHandler(front.on_update))
    # 2. Commands (/start, /thutuc, /huy, staff commands...): routed by the core.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, front.on_update))
    # 3. Free text questions.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, front.on_update))
    # 4. Everything else a citizen can send (stickers, photos, voice...): a polite hint.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, front.on_update))
    application.add_error_handler(_on_error)
    return application


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("unhandled error in an update", exc_info=context.error)


def run(settings: Settings) -> None:
    """Run the bot until interrupted: webhook when WEBHOOK_URL is set, else long polling."""
    application = build_application(settings)
    if settings.webhook_url:
        path = urlparse(settings.webhook_url).path.strip("/")
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret or None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


__all__ = ["CatalogueError", "TelegramFrontEnd", "build_application", "run", "to_incoming"]

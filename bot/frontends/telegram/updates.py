"""Telegram updates as the core reads them: `Update` -> `Incoming` (or None for what the bot
ignores)."""

from __future__ import annotations

import re
from typing import Any

from telegram import Update
from telegram.ext import filters

from bot.addresses import telegram
from bot.core.replies import Incoming

_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@(\w+))?(?:\s+(.*))?$", re.DOTALL)
MEDIA_KINDS = (
    "sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
    "location", "contact", "poll", "dice",
)  # fmt: skip


def to_incoming(update: Update, bot_username: str = "", bot_id: int = 0) -> Incoming | None:
    """Convert a Telegram update to what the core understands; None for what it ignores.

    Ignored: service messages (someone joined, a pinned message...), and commands addressed
    to another bot (`/start@other_bot` in a group).
    """
    query = update.callback_query
    if query is not None:
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        return Incoming(
            chat=telegram(chat_id),
            user=telegram(query.from_user.id),
            group=chat_id < 0,
            kind="button",
            data=query.data or "",
            message_id=message.message_id if message is not None else None,
            user_name=query.from_user.full_name,
        )
    message = update.message
    if message is None or message.from_user is None:
        return None
    if filters.StatusUpdate.ALL.check_update(update):
        return None
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    reply_to_bot = author is not None and bot_id != 0 and author.id == bot_id
    base: dict[str, Any] = {
        "chat": telegram(message.chat.id),
        "user": telegram(message.from_user.id),
        # Telegram's groups and channels have negative ids, private chats positive ones.
        "group": message.chat.id < 0,
        "message_id": message.message_id,
        "reply_to_message_id": replied.message_id if replied else None,
        "reply_to_text": (replied.text or "") if replied else "",
        "user_name": message.from_user.full_name,
        "reply_to_bot": reply_to_bot,
    }
    if message.text is not None:
        command = _COMMAND.match(message.text.strip())
        if command:
            addressed = command.group(2)
            if addressed and bot_username and addressed.lower() != bot_username.lower():
                return None
            args = (command.group(3) or "").strip()
            return Incoming(
                kind="command", command=command.group(1), args=args, text=message.text, **base
            )
        return Incoming(kind="text", text=message.text, **base)
    media = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
    return Incoming(kind="media", media=media, text=message.caption or "", **base)

"""The same-size-reply ceiling of `bench-load`: a bare python-telegram-bot bot that answers every
message with a reply as big as ours.

`typical_reply` picks, among the first replies our bot sent during its warm-up (varied citizen
questions), the typical one: the median number of inline buttons, and among the replies with
that many, the one whose text length is nearest the median. `run_reply_bot` sends exactly that
text, parse mode and keyboard to every message, with our concurrency, connection pool and poll
interval: what the framework costs for a reply of our size, with no thinking at all.
"""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPLY_FILE = "BENCH_REPLY_FILE"


def typical_reply(sent: Sequence[Any]) -> dict[str, Any]:
    """The typical reply among fake-server `Outgoing` records: text, parse mode and keyboard."""
    first: dict[int, Any] = {}
    for out in sent:
        if out.method == "sendMessage":
            first.setdefault(out.chat_id, out)
    replies = list(first.values())
    if not replies:
        return {"text": "Xin chào", "parse_mode": None, "reply_markup": None}
    buttons = sorted(len(out.buttons) for out in replies)[len(replies) // 2]
    length = statistics.median(len(str(out.params.get("text", out.text))) for out in replies)
    same = [out for out in replies if len(out.buttons) == buttons]
    chosen = min(same, key=lambda out: abs(len(str(out.params.get("text", out.text))) - length))
    return {
        "text": str(chosen.params.get("text", chosen.text)),
        "parse_mode": chosen.params.get("parse_mode"),
        "reply_markup": chosen.reply_markup,
        "median_text_chars": length,
        "buttons": buttons,
    }


def write_reply(sent: Sequence[Any], path: Path) -> dict[str, Any]:
    """Write the typical reply to `path` (for the reply bot) and return it."""
    reply = typical_reply(sent)
    path.write_text(json.dumps(reply, ensure_ascii=False), encoding="utf-8")
    return reply


def _keyboard(markup: dict[str, Any] | None) -> Any:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    if not markup or not markup.get("inline_keyboard"):
        return None
    rows = [
        [
            InlineKeyboardButton(
                str(b["text"]), callback_data=b.get("callback_data"), url=b.get("url")
            )
            for b in row
        ]
        for row in markup["inline_keyboard"]
    ]
    return InlineKeyboardMarkup(rows)


def _run(reply: Any | None) -> None:
    """Poll with our concurrency, pool and interval; echo each text, or send `reply`."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    from bot.frontends.telegram.bot import POLL_INTERVAL, POOL_TIMEOUT
    from bot.frontends.telegram.delivery import CONNECTIONS
    from bot.frontends.telegram.ordering import CONCURRENT_UPDATES

    keyboard = _keyboard(reply.get("reply_markup")) if reply else None

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is None or update.message.text is None:
            return
        if reply is None:
            await update.message.reply_text(update.message.text)
        else:
            await update.message.reply_text(
                str(reply["text"]), parse_mode=reply.get("parse_mode"), reply_markup=keyboard
            )

    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_URL"])
        .concurrent_updates(CONCURRENT_UPDATES)
        .connection_pool_size(CONNECTIONS)
        .pool_timeout(POOL_TIMEOUT)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, answer))
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=POLL_INTERVAL)


def run_echo_bot() -> None:
    """A bare PTB echo bot with our concurrency and connection pool (the framework's ceiling)."""
    _run(None)


def run_reply_bot() -> None:
    """A bare PTB bot sending the typical reply (from BENCH_REPLY_FILE) to every message."""
    _run(json.loads(Path(os.environ[REPLY_FILE]).read_text(encoding="utf-8")))


if __name__ == "__main__":
    run_reply_bot()

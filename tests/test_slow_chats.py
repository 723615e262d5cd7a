"""A slow chat never delays another chat's reply: posts to a group wait for the group's pace
(Telegram takes 20 messages a minute there) without holding what answers private chats."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot import messages as m
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import start_bot

STAFF_CHAT = -100300
CITIZENS = range(3000, 3030)  # 30 hand-offs: ten more than the staff group takes in a minute


async def test_thirty_handoffs_to_the_staff_group_do_not_delay_a_private_reply(
    fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    async with start_bot(fake_tg, tmp_path, staff_chat_id=STAFF_CHAT) as bot:
        asked = [
            fake_tg.push_command(c, "gapcanbo", "hỏi về chia tách thửa đất") for c in CITIZENS
        ]
        for update_id in asked:
            await bot.wait_handled(update_id)
        for chat in CITIZENS:
            fake_tg.push_callback(chat, "h:ok")
        # Every citizen is told at once that the question went to staff...
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            told = [c for c in CITIZENS if any("#HS" in o.text for o in fake_tg.outgoing(c))]
            if len(told) == len(CITIZENS):
                break
            await asyncio.sleep(0.05)
        assert len(told) == len(CITIZENS)
        # ...while the staff group takes its twenty, and the rest wait for the group's turn.
        await asyncio.sleep(1.0)
        assert 1 <= len(fake_tg.outgoing(STAFF_CHAT)) <= 20
        began = time.monotonic()
        sent = await bot.chat(4000).command("start")
        took = time.monotonic() - began
        assert m.GREETING.split("{")[0][:10] in sent[0].text
        assert took < 1.0, f"a private reply waited {took:.1f} s behind the staff group"

"""End to end: the running bot notices an edited catalogue, swaps in a good edit, keeps the
last good catalogue on a broken one, and tells the staff chat either way."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import CATALOGUE, BotHarness, start_bot

STAFF_CHAT = -100777


@asynccontextmanager
async def watching_bot(
    fake_tg: FakeTelegram, tmp_path: Path, path: Path
) -> AsyncIterator[BotHarness]:
    """The bot on its own copy of the shipped catalogue at `path`, watched every 0.2 s."""
    shutil.copy(CATALOGUE, path)
    async with start_bot(
        fake_tg,
        tmp_path,
        shared_catalogue=False,
        catalogue=path,
        national_tier=False,
        reload_interval=0.2,
        staff_chat_id=STAFF_CHAT,
    ) as bot:
        yield bot


async def test_edited_catalogue_is_reloaded_and_staff_are_told(
    fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    path = tmp_path / "procedures.yaml"
    async with watching_bot(fake_tg, tmp_path, path) as bot:
        staff = bot.chat(STAFF_CHAT)
        original = path.read_text(encoding="utf-8")

        path.write_text(
            original.replace("Miễn lệ phí khi đăng ký đúng hạn", "Miễn lệ phí (mới) khi", 1),
            encoding="utf-8",
        )
        notice = await staff.next_messages(timeout=20)
        assert "Đã cập nhật danh mục" in notice[0].text
        card = await bot.say("lam giay khai sinh cho con")
        assert "Miễn lệ phí (mới) khi" in card[0].text

        path.write_text(original.replace("  - id: dang-ky-ket-hon", "  - id dang-ky-ket-hon"))
        problems = await staff.next_messages(timeout=20)
        assert "bot vẫn dùng bản cũ" in problems[0].text
        assert f"{path}:" in problems[0].text
        still = await bot.say("đăng ký kết hôn cần gì")
        assert "Đăng ký kết hôn" in still[0].text


async def test_a_burst_of_saves_gives_one_staff_message_edited_in_place_with_links(
    fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    path = tmp_path / "procedures.yaml"
    async with watching_bot(fake_tg, tmp_path, path) as bot:
        original = path.read_text(encoding="utf-8")
        for i in range(10):  # a save per typed character
            typed = "Miễn lệ phí khi đăng ký đúng hạn"[: 20 + i]
            path.write_text(original.replace("Miễn lệ phí khi đăng ký đúng hạn", typed, 1))
            await asyncio.sleep(0.2)
        first = await bot.chat(STAFF_CHAT).next_messages(timeout=20)
        await asyncio.sleep(1.0)
        assert len(fake_tg.outgoing(STAFF_CHAT)) == 1
        assert "t.me/tthc_bot?start=dang-ky-khai-sinh" in str(first[0].params)

        path.write_text(original.replace("  - id: dang-ky-ket-hon", "  - id dang-ky-ket-hon"))
        edited = await bot.chat(STAFF_CHAT).next_messages(timeout=20)
        assert edited[0].method == "editMessageText"
        assert edited[0].message_id == first[0].message_id
        assert "bot vẫn dùng bản cũ" in edited[0].text

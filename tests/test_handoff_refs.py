"""Hand-off numbers and limits hold against erasure, through the real bot: a number is never
given twice (a staff answer can never reach another citizen by an old number), /xoadulieu does
not reset the daily limit, and the citizen's chat is kept only while the hand-off is open."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot import messages as m
from bot.features.handoff import MAX_PER_DAY
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import STAFF_CHAT, STAFF_MEMBER, BotHarness, start_bot


@pytest.fixture
def bot(staffed_bot: BotHarness) -> BotHarness:
    """The real bot with a staff chat and one staff member."""
    return staffed_bot


async def hand_off(citizen: BotHarness, question: str) -> str:
    """The citizen sends a question to staff; the bot's confirmation."""
    await citizen.command("gapcanbo", question)
    return (await citizen.press(m.BUTTON_HANDOFF_SEND))[0].text


async def erase(citizen: BotHarness) -> None:
    """The citizen deletes their data."""
    await citizen.command("xoadulieu")
    await citizen.press(m.BUTTON_ERASE_YES)


async def staff_answers(bot: BotHarness, post_text: str, answer: str) -> list[str]:
    """A staff member replies to the bot's post holding `post_text`; what the staff chat sees."""
    fake = bot.fake
    post = next(o for o in fake.outgoing(STAFF_CHAT) if post_text in o.text)
    staff = bot.chat(STAFF_CHAT)
    said = fake.push_text(STAFF_CHAT, answer, STAFF_MEMBER, reply_to=post.message_id)
    return [o.text for o in await staff.turn(said)]


async def test_a_number_is_never_given_twice_after_erasure(bot: BotHarness) -> None:
    first, second, third = bot.chat(8001), bot.chat(8002), bot.chat(8003)
    assert "#HS1" in await hand_off(first, "hỏi về đất ở của ông A")
    assert "#HS2" in await hand_off(second, "hỏi về thừa kế nhà của bà B")
    await erase(second)  # deletes the newest hand-off
    assert "#HS3" in await hand_off(third, "hỏi về hộ khẩu của anh C")
    # Staff answer the erased citizen's post: it reaches nobody, least of all the third.
    seen = await staff_answers(bot, "#HS2", "Bà B mang sổ đỏ lên xã.")
    assert seen == [m.HANDOFF_UNKNOWN.format(id=2)]
    assert not any("Bà B mang sổ đỏ" in o.text for o in bot.fake.outgoing(8003))


async def test_erasure_does_not_reset_the_daily_limit(bot: BotHarness) -> None:
    citizen = bot.chat(8101)
    for i in range(MAX_PER_DAY):
        assert "#HS" in await hand_off(citizen, f"câu hỏi số {i + 1} về đất đai")
    await erase(citizen)
    refused = await hand_off(citizen, "câu hỏi thêm về đất đai")
    assert "#HS" not in refused
    posts = [o for o in bot.fake.outgoing(STAFF_CHAT) if o.method == "sendMessage"]
    assert len(posts) == MAX_PER_DAY  # (the erasure edited the open ones to "withdrawn")


async def test_the_citizens_chat_is_kept_only_while_the_handoff_is_open(
    bot: BotHarness, tmp_path: Path
) -> None:
    citizen = bot.chat(8201)
    await hand_off(citizen, "hỏi về giấy phép xây dựng")
    database = tmp_path / "bot.sqlite3"
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT chat_id FROM handoffs").fetchall() == [("tg:8201",)]
    seen = await staff_answers(bot, "#HS1", "Anh nộp ở bộ phận một cửa.")
    assert seen == [m.HANDOFF_DELIVERED.format(id=1)]
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT chat_id, status FROM handoffs").fetchall() == [
            ("", "answered")
        ]
    again = await staff_answers(bot, "#HS1", "Bổ sung: mang theo bản vẽ.")
    assert again == [m.HANDOFF_ALREADY_ANSWERED.format(id=1)]


async def test_the_staff_chat_is_told_at_start_when_bot_salt_is_the_default(
    fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    async with start_bot(fake_tg, tmp_path, staff_chat_id=STAFF_CHAT, salt="tthc-bot"):
        told = fake_tg.outgoing(STAFF_CHAT)
    assert [o.text.splitlines()[0] for o in told] == ["⚠️ <b>Cần đặt BOT_SALT</b>"]
    assert "openssl rand -hex 32" in told[0].text

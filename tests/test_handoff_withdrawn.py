"""An open hand-off whose data goes (the citizen's /xoadulieu, or retention): its post in the
staff chat is edited to a short line saying so, with nothing of the question left in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot import messages as m
from bot.frontends.telegram.bot import application_sender
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import STAFF_CHAT, STAFF_MEMBER, BotHarness

QUESTION = "nhà bà Trần Thị Mơ ở thôn Đông có được tách thửa không"


@pytest.fixture
def bot(staffed_bot: BotHarness) -> BotHarness:
    """The real bot with a staff chat and one staff member."""
    return staffed_bot


async def hand_off(citizen: BotHarness, question: str) -> int:
    """The citizen sends a question to staff; the id of the bot's post in the staff chat."""
    await citizen.command("gapcanbo", question)
    await citizen.press(m.BUTTON_HANDOFF_SEND)
    posts = [o for o in citizen.fake.outgoing(STAFF_CHAT) if o.method == "sendMessage"]
    return posts[-1].message_id


def staff_edits(fake: FakeTelegram) -> list[tuple[int, str]]:
    """(message id, text) of every edit in the staff chat."""
    return [(o.message_id, o.text) for o in fake.outgoing(STAFF_CHAT) if o.method != "sendMessage"]


async def test_erasing_ones_data_edits_the_open_handoffs_post_to_withdrawn(
    bot: BotHarness,
) -> None:
    citizen, other = bot.chat(8001), bot.chat(8002)
    post = await hand_off(citizen, QUESTION)
    others = await hand_off(other, "hỏi về cấp đổi căn cước")
    await citizen.command("xoadulieu")
    await citizen.press(m.BUTTON_ERASE_YES)
    assert staff_edits(bot.fake) == [(post, m.HANDOFF_WITHDRAWN.format(id=1))]
    assert "Trần Thị Mơ" not in m.HANDOFF_WITHDRAWN
    # The other citizen's post is untouched, and a staff reply to the withdrawn one reaches
    # nobody.
    assert all(message_id != others for message_id, _ in staff_edits(bot.fake))
    staff = bot.chat(STAFF_CHAT)
    said = bot.fake.push_text(STAFF_CHAT, "Bà mang sổ đỏ lên xã.", STAFF_MEMBER, reply_to=post)
    assert [o.text for o in await staff.turn(said)] == [m.HANDOFF_UNKNOWN.format(id=1)]
    assert not any("sổ đỏ" in o.text for o in bot.fake.outgoing(8001))


async def test_an_answered_handoff_is_not_called_withdrawn(bot: BotHarness) -> None:
    citizen = bot.chat(8101)
    post = await hand_off(citizen, QUESTION)
    staff = bot.chat(STAFF_CHAT)
    await staff.turn(bot.fake.push_text(STAFF_CHAT, "Được ạ.", STAFF_MEMBER, reply_to=post))
    await citizen.command("xoadulieu")
    await citizen.press(m.BUTTON_ERASE_YES)
    assert staff_edits(bot.fake) == []


async def test_retention_deleting_an_open_handoff_edits_its_post(
    bot: BotHarness, tmp_path: Path
) -> None:
    post = await hand_off(bot.chat(8201), QUESTION)
    recent = await hand_off(bot.chat(8202), "hỏi về đăng ký kết hôn")
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:  # the first is a year old
        conn.execute("UPDATE handoffs SET at = '2025-01-02T08:00:00+00:00' WHERE id = 1")
    front = bot.front
    assert front.runtime is not None
    job = next(j for j in front.runtime.assistant.registry.jobs if j.name == "retention")
    await job.run(application_sender(front, bot.application))
    assert staff_edits(bot.fake) == [(post, m.HANDOFF_EXPIRED.format(id=1))]
    assert all(message_id != recent for message_id, _ in staff_edits(bot.fake))

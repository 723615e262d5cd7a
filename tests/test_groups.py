"""Groups and the staff chat, through the real bot and the fake Bot API: a group gets one
polite line (nothing is answered, stored, handed off or erased there), commands for another bot
are ignored, service messages and stickers among staff get no reply, staff commands work only
in the staff chat or a staff member's private chat, and only a staff member's reply to one of
the bot's own hand-off posts reaches a citizen."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot import messages as m
from tests.harness import CHAT, STAFF_CHAT, STAFF_MEMBER, BotHarness

OUTSIDER = 666
GROUP = -100900


@pytest.fixture
def bot(staffed_bot: BotHarness) -> BotHarness:
    """The real bot with a staff chat and one staff member."""
    return staffed_bot


async def stored(path: Path, table: str) -> int:
    """Rows in a table of the bot's database, read as an operator would."""
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


async def test_a_group_gets_one_polite_line_and_nothing_is_answered_or_stored(
    bot: BotHarness, tmp_path: Path
) -> None:
    group = bot.chat(GROUP)
    first = await group.say("làm giấy khai sinh cho con, tôi là Nguyễn Văn A ở thôn 3", 11)
    assert [o.text for o in first] == [m.GROUP_DECLINED]
    assert first[0].buttons[0]["url"] == "https://t.me/tthc_bot"
    assert await group.say("đăng ký kết hôn cần giấy tờ gì", 12) == []
    assert await group.command("gapcanbo") == []
    assert await stored(tmp_path / "bot.sqlite3", "questions") == 0
    assert bot.fake.outgoing(STAFF_CHAT) == []


async def test_a_button_pressed_in_a_group_gets_a_toast_only(bot: BotHarness) -> None:
    group = bot.chat(GROUP)
    await group.say("xin chào")
    assert await group.callback("h:ok", user_id=13) == []
    toasts = [c.params.get("text") for c in bot.fake.calls("answerCallbackQuery")]
    assert toasts == [m.GROUP_DECLINED_NOTICE]


async def test_a_command_for_another_bot_is_ignored(bot: BotHarness) -> None:
    assert await bot.say("/start@other_bot") == []
    mine = await bot.say("/start@tthc_bot")
    assert len(mine) == 1
    assert mine[0].text.startswith("Xin chào")


async def test_service_messages_and_stickers_in_the_staff_chat_get_no_reply(
    bot: BotHarness,
) -> None:
    fake = bot.fake
    staff = bot.chat(STAFF_CHAT)
    joined = fake._message(STAFF_CHAT, STAFF_MEMBER, new_chat_members=[fake._user(OUTSIDER)])
    assert await staff.turn(fake.push_update({"message": joined})) == []
    pinned = fake._message(CHAT, CHAT, new_chat_title="Nhóm mới")
    assert await bot.turn(fake.push_update({"message": pinned})) == []
    assert await staff.turn(fake.push_media(STAFF_CHAT, "sticker", user_id=STAFF_MEMBER)) == []
    assert await staff.turn(fake.push_media(STAFF_CHAT, "photo", user_id=OUTSIDER)) == []


async def test_staff_commands_work_only_in_the_staff_chat_or_in_private(
    bot: BotHarness,
) -> None:
    fake = bot.fake
    in_staff_chat = await bot.chat(STAFF_CHAT).turn(
        fake.push_command(STAFF_CHAT, "thongke", "", STAFF_MEMBER)
    )
    assert in_staff_chat[0].text.startswith("📈") or "hôm nay" in in_staff_chat[0].text.lower()
    in_private = await bot.chat(STAFF_MEMBER).command("thongke")
    assert in_private[0].text == in_staff_chat[0].text
    elsewhere = await bot.chat(GROUP).turn(fake.push_command(GROUP, "thongke", "", STAFF_MEMBER))
    assert [o.text for o in elsewhere] == [m.GROUP_DECLINED]
    # A staff member writing in a citizen's chat (the chat id is not theirs) is not staff there.
    other = await bot.chat(CHAT).turn(fake.push_command(CHAT, "thongke", "", STAFF_MEMBER))
    assert [o.text for o in other] == [m.UNKNOWN_COMMAND]


async def test_only_a_staff_members_reply_to_the_bots_own_post_reaches_the_citizen(
    bot: BotHarness,
) -> None:
    fake = bot.fake
    await bot.command("gapcanbo", "xin giấy phép nuôi chim yến trong nhà")
    await bot.press(m.BUTTON_HANDOFF_SEND)
    post = fake.outgoing(STAFF_CHAT)[0]
    staff = bot.chat(STAFF_CHAT)
    # Someone in the staff chat who is not staff replies to the post: nothing reaches anyone.
    outsider = fake.push_text(STAFF_CHAT, "Trả lời bừa", OUTSIDER, reply_to=post.message_id)
    assert await staff.turn(outsider) == []
    # A staff member replies to a message a person wrote with the tag copied in it: nothing.
    copied = fake.push_text(STAFF_CHAT, f"{post.text}\nai trả lời giúp?", OUTSIDER)
    await staff.turn(copied)
    copied_id = max(k[1] for k in fake._messages if k[0] == STAFF_CHAT)
    wrong = fake.push_text(STAFF_CHAT, "Bạn hỏi UBND xã.", STAFF_MEMBER, reply_to=copied_id)
    await staff.turn(wrong)
    await asyncio.sleep(0.3)
    assert fake.outgoing(CHAT, since=post.seq) == []
    # The staff member replies to the bot's post: the citizen gets the answer.
    right = fake.push_text(STAFF_CHAT, "Bạn hỏi UBND xã.", STAFF_MEMBER, reply_to=post.message_id)
    confirmed = await staff.turn(right)
    assert [o.text for o in confirmed] == [m.HANDOFF_DELIVERED.format(id=1)]
    answer = fake.outgoing(CHAT, since=post.seq)
    assert len(answer) == 1
    assert "Bạn hỏi UBND xã." in answer[0].text

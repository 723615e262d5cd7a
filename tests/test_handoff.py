"""Hand-off to staff: confirm, post to the staff chat with a tag, deliver the staff reply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot import messages as m
from bot.addresses import telegram
from bot.core.assistant import Assistant
from bot.core.replies import Incoming
from bot.features import handoff
from bot.privacy import ID_NUMBER, PHONE
from bot.report.weeks import VIETNAM
from tests.core_fixtures import CHAT, command, joined, make_assistant, payloads, press, text

STAFF_CHAT = -100123
STAFF_MEMBER = 777


BOT_SETTINGS = {"staff_chat_id": STAFF_CHAT, "staff_ids": frozenset({STAFF_MEMBER})}


def staff_reply(said: str, replied_to: str) -> Incoming:
    return Incoming(
        chat=telegram(STAFF_CHAT),
        user=telegram(STAFF_MEMBER),
        group=True,
        kind="text",
        text=said,
        message_id=99,
        reply_to_message_id=50,
        reply_to_text=replied_to,
        reply_to_bot=True,
    )


async def test_not_found_offers_the_handoff_button(bot: Assistant) -> None:
    replies = (await bot.handle(text("tiền điện tháng này sao cao thế"))).replies
    assert "h" in payloads(replies)


async def test_button_asks_to_confirm_with_the_last_question(bot: Assistant) -> None:
    await bot.handle(text("tiền điện tháng này sao cao thế"))
    replies = (await bot.handle(press("h"))).replies
    assert "tiền điện tháng này sao cao thế" in replies[0].text
    assert payloads(replies) == ["h:ok", "h:new", "h:no"]
    assert await bot.db.read("SELECT * FROM handoffs") == []


async def test_agreeing_posts_the_tagged_question_to_the_staff_chat(bot: Assistant) -> None:
    await bot.handle(text("tiền điện tháng này sao cao thế, sđt 0912345678"))
    await bot.handle(press("h"))
    replies = (await bot.handle(press("h:ok"))).replies
    number = (await bot.db.read("SELECT id FROM handoffs"))[0][0]
    citizen, staff = replies
    assert citizen.chat is None
    assert f"#HS{number}" in citizen.text
    assert staff.chat == telegram(STAFF_CHAT)
    assert staff.text.startswith(f"🙋 <b>#HS{number}</b>")
    assert f"tiền điện tháng này sao cao thế, sđt {PHONE}" in staff.text
    assert "0912345678" not in staff.text
    stored = await bot.db.read("SELECT chat_id, question, status FROM handoffs")
    assert [tuple(r) for r in stored] == [
        (telegram(CHAT), f"tiền điện tháng này sao cao thế, sđt {PHONE}", "open")
    ]


async def test_command_without_a_question_takes_the_next_text(bot: Assistant) -> None:
    first = (await bot.handle(command("gapcanbo"))).replies
    assert first[0].text == m.HANDOFF_CONFIRM_ASK
    assert payloads(first) == ["h:ok", "h:no"]
    asked = (await bot.handle(press("h:ok"))).replies
    assert asked[0].text == m.HANDOFF_TYPE_QUESTION
    replies = (await bot.handle(text("cccd 034190001234 của tôi bị sai tên"))).replies
    staff = [r for r in replies if r.chat == telegram(STAFF_CHAT)]
    assert len(staff) == 1
    assert f"cccd {ID_NUMBER} của tôi bị sai tên" in staff[0].text


async def test_command_arguments_are_the_question(bot: Assistant) -> None:
    replies = (await bot.handle(command("gapcanbo", "hỏi về đất nông nghiệp"))).replies
    assert "hỏi về đất nông nghiệp" in replies[0].text


async def test_typing_another_question_replaces_the_last_one(bot: Assistant) -> None:
    await bot.handle(text("tiền điện tháng này sao cao thế"))
    await bot.handle(press("h"))
    await bot.handle(press("h:new"))
    replies = (await bot.handle(text("xin giấy phép bán hàng rong"))).replies
    staff = next(r for r in replies if r.chat == telegram(STAFF_CHAT))
    assert "xin giấy phép bán hàng rong" in staff.text


async def test_declining_sends_nothing(bot: Assistant) -> None:
    await bot.handle(text("tiền điện tháng này sao cao thế"))
    await bot.handle(press("h"))
    replies = (await bot.handle(press("h:no"))).replies
    assert replies[0].text == m.HANDOFF_CANCELLED
    assert await bot.db.read("SELECT * FROM handoffs") == []
    assert await bot.db.read("SELECT * FROM pending_input") == []


async def test_staff_reply_is_delivered_to_the_citizen_and_confirmed(bot: Assistant) -> None:
    await bot.handle(text("tiền điện tháng này sao cao thế"))
    await bot.handle(press("h"))
    posted = ((await bot.handle(press("h:ok"))).replies)[1]
    number = (await bot.db.read("SELECT id FROM handoffs"))[0][0]
    replies = (await bot.handle(staff_reply("Bạn liên hệ Điện lực xã nhé.", posted.text))).replies
    to_citizen, to_staff = replies
    assert to_citizen.chat == telegram(CHAT)
    assert "Bạn liên hệ Điện lực xã nhé." in to_citizen.text
    assert payloads([to_citizen]) == ["h"]
    assert to_staff.chat is None
    assert to_staff.reply_to_message_id == 99
    assert to_staff.text == m.HANDOFF_DELIVERED.format(id=number)
    status = await bot.db.read("SELECT status FROM handoffs")
    assert status[0][0] == "answered"


async def test_staff_reply_to_an_unknown_tag_is_reported_to_staff(bot: Assistant) -> None:
    replies = (
        await bot.handle(staff_reply("ok", "🙋 #HS999 Người dân cần cán bộ hỗ trợ"))
    ).replies
    assert replies[0].text == m.HANDOFF_UNKNOWN.format(id=999)
    assert replies[0].chat is None


async def test_staff_chatter_in_the_group_gets_no_answer(bot: Assistant) -> None:
    said = Incoming(
        chat=telegram(STAFF_CHAT), user=telegram(STAFF_MEMBER), group=True, text="chào mọi người"
    )
    assert (await bot.handle(said)).replies == []


async def test_a_citizen_cannot_fill_the_staff_chat(bot: Assistant) -> None:
    for n in range(handoff.MAX_PER_DAY + 1):
        await bot.handle(command("gapcanbo", f"câu hỏi số {n}"))
        replies = (await bot.handle(press("h:ok"))).replies
    assert "18001096" in joined(replies)
    assert all(r.chat is None for r in replies)
    count = await bot.db.read("SELECT COUNT(*) FROM handoffs")
    assert count[0][0] == handoff.MAX_PER_DAY


async def test_without_a_staff_chat_the_citizen_gets_the_hotline(tmp_path: Path) -> None:
    bot = await make_assistant(tmp_path)
    try:
        replies = (await bot.handle(command("gapcanbo"))).replies
        assert "Telegram" in replies[0].text and "18001096" in replies[0].text
        assert payloads(replies) == []
    finally:
        await bot.db.close()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 11, 23, 9, 0), None),  # Monday morning
        (dt.datetime(2026, 11, 23, 14, 0), None),  # Monday afternoon
        (dt.datetime(2026, 11, 23, 6, 0), dt.datetime(2026, 11, 23, 7, 30)),
        (dt.datetime(2026, 11, 23, 12, 0), dt.datetime(2026, 11, 23, 13, 30)),
        (dt.datetime(2026, 11, 23, 17, 0), dt.datetime(2026, 11, 24, 7, 30)),
        (dt.datetime(2026, 11, 27, 20, 0), dt.datetime(2026, 11, 30, 7, 30)),  # Friday night
        (dt.datetime(2026, 11, 29, 10, 0), dt.datetime(2026, 11, 30, 7, 30)),  # Sunday
    ],
)
def test_next_opening_follows_the_usual_hours(
    now: dt.datetime, expected: dt.datetime | None
) -> None:
    found = handoff.next_opening(now.replace(tzinfo=VIETNAM))
    assert found == (expected.replace(tzinfo=VIETNAM) if expected else None)


def test_after_hours_note_says_when_to_expect_an_answer() -> None:
    friday_night = dt.datetime(2026, 11, 27, 20, 0, tzinfo=VIETNAM)
    note = handoff.after_hours_note(friday_night, "18001096")
    assert "7:30 thứ Hai (30/11)" in note
    assert "18001096" in note
    lunch = dt.datetime(2026, 11, 24, 12, 0, tzinfo=VIETNAM)
    assert "13:30 hôm nay" in handoff.after_hours_note(lunch, "1")
    evening = dt.datetime(2026, 11, 24, 18, 0, tzinfo=VIETNAM)
    assert "7:30 ngày mai (25/11)" in handoff.after_hours_note(evening, "1")
    assert handoff.after_hours_note(dt.datetime(2026, 11, 24, 8, 0, tzinfo=VIETNAM), "1") == ""


async def test_a_handoff_names_the_card_and_the_question_that_produced_it(
    bot: Assistant,
) -> None:
    await bot.handle(text("đăng ký kết hôn cần gì"))
    await bot.handle(text("tiền điện tháng này sao cao thế"))
    await bot.handle(press("h"))
    replies = (await bot.handle(press("h:ok"))).replies
    staff = replies[-1]
    assert "Đăng ký kết hôn" in staff.text
    assert "thẻ mở từ câu hỏi: “đăng ký kết hôn cần gì”" in staff.text
    stored = await bot.db.read("SELECT question, entry_id, card_question FROM handoffs")
    assert [tuple(r) for r in stored] == [
        ("tiền điện tháng này sao cao thế", "dang-ky-ket-hon", "đăng ký kết hôn cần gì")
    ]

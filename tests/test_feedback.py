"""Feedback under cards: 👍 with the saved trip, 👎 with a reason and an optional comment."""

from __future__ import annotations

import pytest

from bot import messages as m
from bot.core import events
from bot.core.assistant import Assistant
from bot.features import feedback
from bot.privacy import PHONE
from tests.conftest import MakeBot
from tests.core_fixtures import command, payloads, press, text


async def rows(bot: Assistant) -> list[tuple[object, ...]]:
    found = await bot.db.read(
        "SELECT entry_id, rating, reason, comment, saved_trip, question FROM feedback ORDER BY id"
    )
    return [tuple(row) for row in found]


async def test_card_ends_with_a_thumbs_row_carrying_the_entry_id(bot: Assistant) -> None:
    replies = (await bot.handle(text("đăng ký kết hôn"))).replies
    last_row = [b.data for b in replies[0].buttons[-1]]
    assert last_row == ["r:u:dang-ky-ket-hon", "r:d:dang-ky-ket-hon"]


def test_feedback_row_for_guides_has_both_buttons() -> None:
    row = feedback.feedback_row("tai-khoan-dich-vu-cong")
    assert [(b.label, b.data) for b in row] == [
        (m.BUTTON_USEFUL, "r:u:tai-khoan-dich-vu-cong"),
        (m.BUTTON_NOT_USEFUL, "r:d:tai-khoan-dich-vu-cong"),
    ]


def test_feedback_row_is_empty_when_the_payload_would_be_too_long() -> None:
    assert feedback.feedback_row("x" * 70) == ()


async def test_thumbs_up_stores_the_rating_with_the_question_and_asks_about_the_trip(
    bot: Assistant,
) -> None:
    await bot.handle(text("đăng ký kết hôn cần gì"))
    replies = (await bot.handle(press("r:u:dang-ky-ket-hon"))).replies
    assert replies[0].text == m.FEEDBACK_SAVED_TRIP
    assert replies[0].notice == m.FEEDBACK_THANKS
    feedback_id = (await bot.db.read("SELECT id FROM feedback"))[0][0]
    assert payloads(replies) == [f"r:t:{feedback_id}:1", f"r:t:{feedback_id}:0"]
    assert await rows(bot) == [("dang-ky-ket-hon", 1, None, None, None, "đăng ký kết hôn cần gì")]

    thanks = (await bot.handle(press(f"r:t:{feedback_id}:1"))).replies
    assert thanks[0].text == m.FEEDBACK_TRIP_THANKS
    assert (await rows(bot))[0][4] == 1


async def test_thumbs_down_asks_a_reason_then_takes_a_redacted_comment(bot: Assistant) -> None:
    await bot.handle(text("đổi cccd hết bao nhiêu tiền"))
    replies = (await bot.handle(press("r:d:cap-doi-cap-lai-can-cuoc"))).replies
    assert replies[0].text == m.FEEDBACK_ASK_REASON
    feedback_id = (await bot.db.read("SELECT id FROM feedback"))[0][0]
    assert payloads(replies) == [f"r:w:{feedback_id}:{code}" for code in m.FEEDBACK_REASONS]

    asked = (await bot.handle(press(f"r:w:{feedback_id}:old"))).replies
    assert asked[0].text == m.FEEDBACK_ASK_COMMENT
    assert payloads(asked) == [f"r:s:{feedback_id}"]

    thanks = (await bot.handle(text("Lệ phí đã đổi rồi, gọi tôi 0912345678"))).replies
    assert "Xin cảm ơn góp ý" in thanks[0].text
    assert await rows(bot) == [
        (
            "cap-doi-cap-lai-can-cuoc",
            -1,
            "old",
            f"Lệ phí đã đổi rồi, gọi tôi {PHONE}",
            None,
            "đổi cccd hết bao nhiêu tiền",
        )
    ]


async def test_text_after_the_comment_is_answered_as_a_question_again(bot: Assistant) -> None:
    await bot.handle(press("r:d:dang-ky-ket-hon"))
    feedback_id = (await bot.db.read("SELECT id FROM feedback"))[0][0]
    await bot.handle(press(f"r:w:{feedback_id}:hard"))
    await bot.handle(text("khó đọc quá"))
    replies = (await bot.handle(text("đăng ký kết hôn"))).replies
    assert "Đăng ký kết hôn" in replies[0].text


async def test_skipping_the_comment_stops_waiting_for_one(bot: Assistant) -> None:
    await bot.handle(press("r:d:dang-ky-ket-hon"))
    feedback_id = (await bot.db.read("SELECT id FROM feedback"))[0][0]
    await bot.handle(press(f"r:w:{feedback_id}:other"))
    skipped = (await bot.handle(press(f"r:s:{feedback_id}"))).replies
    assert skipped[0].edit is True
    replies = (await bot.handle(text("đăng ký kết hôn"))).replies
    assert "Đăng ký kết hôn" in replies[0].text
    assert (await rows(bot))[0][3] is None


async def test_cancel_stops_waiting_for_a_comment(bot: Assistant) -> None:
    await bot.handle(press("r:d:dang-ky-ket-hon"))
    feedback_id = (await bot.db.read("SELECT id FROM feedback"))[0][0]
    await bot.handle(press(f"r:w:{feedback_id}:other"))
    replies = (await bot.handle(command("huy"))).replies
    assert replies[0].text == m.CANCELLED
    assert await bot.db.read("SELECT * FROM pending_input") == []


async def test_pressing_again_changes_the_rating_instead_of_adding_one(bot: Assistant) -> None:
    await bot.handle(press("r:u:dang-ky-ket-hon"))
    await bot.handle(press("r:d:dang-ky-ket-hon"))
    assert [(r[0], r[1]) for r in await rows(bot)] == [("dang-ky-ket-hon", -1)]


async def test_someone_elses_feedback_row_cannot_be_changed(bot: Assistant) -> None:
    await bot.handle(press("r:d:dang-ky-ket-hon", user=1))
    feedback_id = (await bot.db.read("SELECT id FROM feedback"))[0][0]
    replies = (await bot.handle(press(f"r:w:{feedback_id}:wrong", user=2))).replies
    assert replies[0].text == m.STALE_BUTTON_TEXT
    assert (await rows(bot))[0][2] is None


@pytest.mark.parametrize("data", ["r:u:khong-co-thu-tuc-nay", "r:w:abc:old", "r:t:1:9", "r"])
async def test_forged_or_unknown_feedback_buttons_are_stale(bot: Assistant, data: str) -> None:
    replies = (await bot.handle(press(data))).replies
    assert replies[0].text == m.STALE_BUTTON_TEXT


async def test_a_comment_is_not_taken_long_after_the_reason(bot: Assistant) -> None:
    await bot.handle(press("r:d:dang-ky-ket-hon"))
    feedback_id = (await bot.db.read("SELECT id FROM feedback"))[0][0]
    await bot.handle(press(f"r:w:{feedback_id}:other"))
    await bot.db.execute("UPDATE pending_input SET at = '2020-01-01T00:00:00+00:00'")
    replies = (await bot.handle(text("đăng ký kết hôn"))).replies
    assert "Đăng ký kết hôn" in replies[0].text
    assert (await rows(bot))[0][3] is None


async def test_declined_and_none_of_these_questions_are_logged_redacted(bot: Assistant) -> None:
    await bot.handle(text("tiền điện nhà tôi 0912345678 sao cao thế"))
    await bot.handle(press("x"))
    found = await bot.db.read("SELECT text, reason FROM unanswered ORDER BY id")
    assert [tuple(r) for r in found] == [
        (f"tiền điện nhà tôi {PHONE} sao cao thế", "declined"),
        (f"tiền điện nhà tôi {PHONE} sao cao thế", "none-of-these"),
    ]


async def test_pending_input_of_another_kind_is_left_alone(bot: Assistant) -> None:
    await events.set_pending(bot.db, bot.user_key("tg:4242"), "something-else", "x")
    assert await events.pending(bot.db, bot.user_key("tg:4242"), ("feedback-comment",)) is None
    assert not await events.clear_pending(bot.db, bot.user_key("tg:4242"), ("feedback-comment",))


async def test_a_rating_is_linked_to_the_question_that_produced_the_card(
    bot: Assistant,
) -> None:
    await bot.handle(text("đăng ký kết hôn cần gì"))  # the card rated below
    await bot.handle(text("tiền điện tháng này sao cao thế"))  # asked since, no card
    await bot.handle(press("r:d:dang-ky-ket-hon"))
    assert [r[5] for r in await rows(bot)] == ["đăng ký kết hôn cần gì"]


async def test_opening_a_section_keeps_the_question_behind_the_card(bot: Assistant) -> None:
    await bot.handle(text("đăng ký kết hôn cần gì"))
    await bot.handle(text("lam giay khai sinh cho con"))
    await bot.handle(press("s:dang-ky-ket-hon:documents"))  # a section of the first card
    await bot.handle(press("r:u:dang-ky-ket-hon"))
    assert [r[5] for r in await rows(bot)] == ["đăng ký kết hôn cần gì"]


async def test_comment_thanks_names_gap_can_bo_only_where_staff_can_be_reached(
    make_bot: MakeBot,
) -> None:
    for staff, offered in ((None, False), (-100, True)):
        bot = await make_bot(staff_chat_id=staff)
        await bot.handle(press("r:d:dang-ky-ket-hon"))
        feedback_id = (await bot.db.read("SELECT id FROM feedback"))[0][0]
        await bot.handle(press(f"r:w:{feedback_id}:other"))
        thanks = (await bot.handle(text("chữ nhỏ quá, khó đọc"))).replies
        assert ("Gặp cán bộ" in thanks[0].text) is offered
        assert ("h" in payloads(thanks)) is offered

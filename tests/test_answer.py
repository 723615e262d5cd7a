"""What the core returns besides the replies: the decision of each turn, and opaque addresses."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import messages as m
from bot.addresses import telegram, telegram_id
from bot.core.assistant import Assistant
from bot.core.replies import Decision, Incoming
from bot.features import progress
from bot.privacy import user_hash
from tests.conftest import MakeBot
from tests.core_fixtures import command, make_assistant, payloads, press, text
from tests.flow_fixtures import tiny, unlimited

STAFF_CHAT = -100123


@pytest.fixture
async def small(make_bot: MakeBot) -> Assistant:
    return unlimited(await make_bot(tiny(), staff_chat_id=STAFF_CHAT, staff_ids=frozenset({777})))


async def test_a_card_shown_for_a_question_is_an_answer_with_its_procedure_and_aspect(
    bot: Assistant,
) -> None:
    answer = await bot.handle(text("đăng ký khai sinh cần giấy tờ gì"))
    assert answer.decision.kind == "answer"
    assert answer.decision.procedure == "dang-ky-khai-sinh"
    assert answer.decision.candidates[0] == "dang-ky-khai-sinh"
    assert answer.decision.aspect == "documents"
    assert "Đăng ký khai sinh" in answer.replies[0].text


async def test_a_short_choice_is_a_clarify_with_the_candidates_offered(small: Assistant) -> None:
    answer = await small.handle(text("đăng ký"))
    assert answer.replies[0].text == m.CLARIFY
    assert answer.decision.kind == "clarify"
    assert answer.decision.procedure is None
    offered = [p.removeprefix("p:") for p in payloads(answer.replies) if p.startswith("p:")]
    assert list(answer.decision.candidates[: len(offered)]) == offered


async def test_a_question_the_bot_cannot_answer_is_a_none(small: Assistant) -> None:
    answer = await small.handle(text("qwerty asdfgh zxcv"))
    assert answer.decision == Decision(kind="none")
    assert "18001096" in answer.replies[0].text
    off_topic = await small.handle(text("giá vàng hôm nay"))  # one line on what it covers
    assert (off_topic.decision, off_topic.replies[0].text) == (Decision(kind="none"), m.OFF_TOPIC)


async def test_buttons_commands_and_small_talk_are_other(small: Assistant) -> None:
    card = await small.handle(press("p:khai-sinh"))
    assert card.decision == Decision(kind="other", procedure="khai-sinh")
    menu = await small.handle(command("start"))
    assert menu.decision == Decision()
    hello = await small.handle(text("xin chào"))
    assert hello.decision.kind == "other"


# --- opaque addresses -------------------------------------------------------------------------


def test_telegram_addresses_convert_both_ways() -> None:
    assert telegram(12345) == "tg:12345"
    assert telegram_id("tg:-100123") == -100123
    assert telegram_id("web:12345") is None
    assert telegram_id("tg:abc") is None
    assert text("xin chào", user="web:3f9a").channel == "web"
    assert text("xin chào", user=4242).channel == "tg"


def test_a_telegram_user_keeps_the_hash_stored_before_addresses_had_a_channel() -> None:
    assert user_hash("tg:4242", "salt") == user_hash("4242", "salt")
    assert user_hash("web:4242", "salt") != user_hash("tg:4242", "salt")


async def test_a_web_visitor_and_a_telegram_user_with_the_same_number_are_two_people(
    small: Assistant,
) -> None:
    visitor = "web:4242"
    await small.handle(press("g:tai-khoan", user=visitor))
    assert await progress.get_progress(small.db, small.user_key(visitor)) is not None
    assert await progress.get_progress(small.db, small.user_key("tg:4242")) is None


async def test_a_staff_answer_reaches_a_web_visitor_at_their_address(small: Assistant) -> None:
    visitor = "web:3f9a0c"
    await small.handle(command("gapcanbo", "hỏi về đất nông nghiệp", user=visitor))
    posted = (await small.handle(press("h:ok", user=visitor))).replies[-1]
    assert posted.chat == telegram(STAFF_CHAT)
    staff = Incoming(
        chat=telegram(STAFF_CHAT),
        user=telegram(777),
        group=True,
        text="Bạn mang sổ đỏ đến xã nhé.",
        reply_to_text=posted.text,
        reply_to_bot=True,
    )
    delivered = (await small.handle(staff)).replies
    assert delivered[0].chat == visitor
    assert "Bạn mang sổ đỏ đến xã nhé." in delivered[0].text


async def test_staff_commands_are_for_telegram_staff_ids_only(tmp_path: Path) -> None:
    bot = await make_assistant(tmp_path, tiny(), staff_ids=frozenset({777}))
    try:
        staff = await bot.handle(command("thongke", user="tg:777"))
        stranger = await bot.handle(command("thongke", user="web:777"))
    finally:
        await bot.db.close()
    assert staff.replies[0].text != m.UNKNOWN_COMMAND
    assert stranger.replies[0].text == m.UNKNOWN_COMMAND

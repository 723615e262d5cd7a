"""End to end through Telegram: the real PTB application polling the fake Bot API server."""

from __future__ import annotations

import logging

import pytest

from bot import messages as m
from bot.frontends.telegram.application import StatelessApplication
from bot.frontends.telegram.bot import send_rate
from bot.messages import MENU_COMMANDS
from bot.settings import SettingsError
from bot.tools.fakebotapi.server import FakeTelegram
from bot.tools.fakebotapi.telegram_html import parse_html
from tests.harness import BotHarness


def refused(fake: FakeTelegram) -> list[str]:
    """Every Bot API call the fake server refused (bad HTML, too long, ...)."""
    return [f"{c.method}: {c.status}" for c in fake.calls() if c.status not in (200,)]


async def test_unaccented_question_gets_the_birth_card_in_html_with_buttons(
    tg_bot: BotHarness,
) -> None:
    sent = await tg_bot.say("lam giay khai sinh cho con")
    assert [s.method for s in sent] == ["sendMessage"]
    card = sent[0]
    assert card.params["parse_mode"] == "HTML"
    assert "<b>Đăng ký khai sinh</b>" in card.text
    assert "Giấy chứng sinh" in card.text  # the documents to bring, on the card itself
    assert "v:dang-ky-khai-sinh" in [b.get("callback_data") for b in card.buttons]
    assert len(card.buttons) <= 6
    assert refused(tg_bot.fake) == []


async def test_section_button_edits_the_card_in_place_and_answers_the_press(
    tg_bot: BotHarness,
) -> None:
    card = (await tg_bot.say("lam giay khai sinh cho con"))[0]
    more = await tg_bot.press(m.BUTTON_MORE)
    assert [(e.method, e.message_id) for e in more] == [("editMessageText", card.message_id)]
    edits = await tg_bot.press("s:dang-ky-khai-sinh:documents")
    assert [(e.method, e.message_id) for e in edits] == [("editMessageText", card.message_id)]
    assert "Giấy tờ cần mang" in edits[0].text
    assert "Giấy chứng sinh" in edits[0].text
    assert list(tg_bot.fake.answered_callbacks().values()) == [1, 1]
    assert refused(tg_bot.fake) == []


async def test_pressing_by_label_works_like_a_citizen_tapping(tg_bot: BotHarness) -> None:
    await tg_bot.say("lam giay khai sinh cho con")
    edits = await tg_bot.press("Nơi nộp")
    assert "Nơi nộp" in edits[0].text


async def test_start_greets_and_shows_the_fields(tg_bot: BotHarness) -> None:
    sent = await tg_bot.command("start")
    assert len(sent) == 1
    assert "Xin chào" in sent[0].text
    assert "f:ho-tich" in [b.get("callback_data") for b in sent[0].buttons]


async def test_choosing_a_field_then_a_procedure_opens_its_card(tg_bot: BotHarness) -> None:
    await tg_bot.command("start")
    field = await tg_bot.press("f:ho-tich")
    assert "p:dang-ky-khai-sinh" in [b.get("callback_data") for b in field[-1].buttons]
    card = await tg_bot.press("p:dang-ky-khai-sinh")
    assert "<b>Đăng ký khai sinh</b>" in card[-1].text


async def test_forged_button_payload_is_answered_politely(tg_bot: BotHarness) -> None:
    await tg_bot.command("start")
    sent = await tg_bot.callback("zz:' OR 1=1;--<script>")
    assert m.STALE_BUTTON_TEXT.split("<")[0][:30] in sent[-1].text
    answers = [c.params for c in tg_bot.fake.calls("answerCallbackQuery")]
    assert [a.get("text") for a in answers] == [m.STALE_BUTTON]
    assert list(tg_bot.fake.answered_callbacks().values()) == [1]
    assert refused(tg_bot.fake) == []


async def test_press_on_a_message_the_bot_never_sent_is_still_answered(
    tg_bot: BotHarness,
) -> None:
    sent = await tg_bot.callback("s:dang-ky-khai-sinh:documents", message_id=999)
    assert sent  # a new message instead of an edit of a message that does not exist
    assert list(tg_bot.fake.answered_callbacks().values()) == [1]


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice"])
async def test_media_gets_a_polite_hint(tg_bot: BotHarness, kind: str) -> None:
    sent = await tg_bot.media(kind)
    assert [s.text for s in sent] == [m.MEDIA_HINT[kind]]


async def test_a_ten_thousand_character_message_is_answered_within_limits(
    tg_bot: BotHarness,
) -> None:
    sent = await tg_bot.say(("lam giay khai sinh cho con " * 400)[:10_000])
    assert sent
    assert all(len(s.text) <= 4096 for s in sent)
    assert all(len(parse_html(s.text)) <= 4096 for s in sent)
    assert refused(tg_bot.fake) == []


async def test_html_in_a_question_is_never_sent_back_unescaped(tg_bot: BotHarness) -> None:
    await tg_bot.say("<b>xin chao</b> & <script>alert(1)</script>")
    assert refused(tg_bot.fake) == []


async def test_command_menu_is_published_at_start_up(tg_bot: BotHarness) -> None:
    calls = tg_bot.fake.calls("setMyCommands")
    assert len(calls) == 1
    published = [(c["command"], c["description"]) for c in calls[0].params["commands"]]
    assert published == MENU_COMMANDS


async def test_two_citizens_are_answered_in_their_own_chats(tg_bot: BotHarness) -> None:
    other = tg_bot.chat(2002)
    mine = await tg_bot.say("lam giay khai sinh cho con")
    theirs = await other.command("start")
    assert {s.chat_id for s in mine} == {tg_bot.chat_id}
    assert {s.chat_id for s in theirs} == {2002}


async def test_each_update_is_logged_in_one_line_without_personal_data(
    tg_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.frontends.telegram.bot")
    await tg_bot.say("lam giay khai sinh cho con 0912345678")
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("update ")]
    assert len(lines) == 1
    # The card, and the note that the bot never needs a phone number.
    assert "kind=text decision=answer replies=2 sent=2" in lines[0]
    assert "0912345678" not in lines[0]
    assert "khai sinh" not in lines[0]
    assert str(tg_bot.chat_id) not in lines[0]


async def test_one_citizens_messages_are_answered_in_the_order_sent(tg_bot: BotHarness) -> None:
    said = ["xin chao", "/help", "cam on", "/start", "xin chao"]
    updates = [tg_bot.fake.push_text(tg_bot.chat_id, text) for text in said]
    for update in updates:
        await tg_bot.wait_handled(update)
    texts = [o.text for o in tg_bot.fake.outgoing(tg_bot.chat_id)]
    assert [t[:12] for t in texts] == [
        t[:12] for t in (m.HELLO_REPLY, m.HELP, m.THANKS_REPLY, m.GREETING, m.HELLO_REPLY)
    ]


def test_send_rate_defaults_to_telegrams_limit_and_can_be_turned_off() -> None:
    assert send_rate({}) == 30.0
    assert send_rate({"BOT_SEND_RATE": "0"}) == 0.0
    with pytest.raises(SettingsError):
        send_rate({"BOT_SEND_RATE": "nhanh"})


async def test_many_citizens_leave_no_trace_in_the_framework_memory(tg_bot: BotHarness) -> None:
    # PTB notes every chat and user for a persistence; the bot sets none, so nothing is noted
    # (else memory would grow by every citizen ever seen, as long as the bot runs).
    for chat in range(40, 52):
        assert await tg_bot.chat(chat).say("xin chao")
    application = tg_bot.application
    assert isinstance(application, StatelessApplication)
    assert application.noted_for_persistence() == 0
    assert not application.chat_data and not application.user_data

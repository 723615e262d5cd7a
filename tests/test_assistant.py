"""The conversation as a citizen sees it, as dialogue transcripts through the core."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot import messages as m
from bot.catalogue.model import build
from bot.core.assistant import Assistant
from bot.core.replies import Incoming
from tests.core_fixtures import (
    command,
    labels,
    make_assistant,
    payloads,
    press,
    shipped_catalogue,
    text,
    transcript,
)


async def test_start_greets_and_offers_fields_and_guides(bot: Assistant) -> None:
    replies = (await bot.handle(command("start"))).replies
    assert "Xin chào" in replies[0].text
    assert "f:ho-tich" in payloads(replies)
    # The guides are offered once: by their field, not again by a button of their own.
    assert "f:truc-tuyen" in payloads(replies)
    assert "G" not in payloads(replies)
    guides = [label for label in labels(replies) if "Hướng dẫn" in label]
    assert len(guides) == 1


async def test_guides_outside_every_field_keep_their_own_button(tmp_path: Path) -> None:
    catalogue = shipped_catalogue()
    kept = [f for f in catalogue.fields if f.id != "truc-tuyen"]
    assistant = await make_assistant(tmp_path, dataclasses.replace(catalogue, fields=kept))
    replies = (await assistant.handle(command("start"))).replies
    assert "G" in payloads(replies)


async def test_unaccented_birth_question_gets_the_birth_card(bot: Assistant) -> None:
    replies = (await bot.handle(text("lam giay khai sinh cho con"))).replies
    card = replies[0].text
    assert "Đăng ký khai sinh" in card
    assert "1.001193" in card
    assert "Lệ phí" in card and "Thời hạn" in card and "Nơi nộp" in card
    assert "đối chiếu" in card  # when it was compared with its sources, or that it never was
    # The documents are on the card itself, so their own button waits behind "Thêm…".
    assert "Giấy chứng sinh" in card and "bản chính" in card
    assert "s:dang-ky-khai-sinh:documents" not in payloads(replies)
    assert "v:dang-ky-khai-sinh" in payloads(replies)


async def test_section_button_opens_documents_in_place(bot: Assistant) -> None:
    replies = (await bot.handle(press("s:dang-ky-khai-sinh:documents"))).replies
    assert replies[0].edit is True
    assert "Giấy chứng sinh" in replies[0].text
    assert "bản chính" in replies[0].text
    assert "v:dang-ky-khai-sinh:0" in payloads(replies)  # back to the card's summary


async def test_follow_up_fee_question_refers_to_the_last_card(bot: Assistant) -> None:
    await transcript(
        bot,
        [
            (text("đăng ký kết hôn"), "Đăng ký kết hôn"),
            (text("hết bao nhiêu tiền?"), "Lệ phí"),
        ],
    )
    replies = (await bot.handle(text("hết bao nhiêu tiền?"))).replies
    assert "Đăng ký kết hôn" in replies[0].text


async def test_aspect_question_opens_the_card_at_that_section(bot: Assistant) -> None:
    replies = (await bot.handle(text("đăng ký khai sinh cần giấy tờ gì"))).replies
    assert m.SECTION_TITLES["documents"] in replies[0].text


async def test_small_talk_is_never_answered_with_a_procedure(bot: Assistant) -> None:
    for said in ("thời tiết hôm nay thế nào", "giá vàng hôm nay", "asdfgh"):
        replies = (await bot.handle(text(said))).replies
        if replies[0].text != m.OFF_TOPIC:  # off topic: one line on what the bot covers
            assert "Xin lỗi bạn, tôi chưa tìm được" in replies[0].text, said
            assert "18001096" in replies[0].text
    hello = (await bot.handle(text("xin chào"))).replies
    assert hello[0].text == m.HELLO_REPLY
    thanks = (await bot.handle(text("cảm ơn nhé"))).replies
    assert thanks[0].text == m.THANKS_REPLY


async def test_declined_question_is_logged_as_unanswered(bot: Assistant) -> None:
    await bot.handle(text("giá vàng hôm nay bao nhiêu"))
    rows = await bot.db.read("SELECT text, reason FROM unanswered")
    assert [(r["text"], r["reason"]) for r in rows] == [("giá vàng hôm nay bao nhiêu", "declined")]


async def test_unsure_question_offers_at_most_three_choices_and_none_of_these(
    bot: Assistant,
) -> None:
    replies = (await bot.handle(text("lam cccd"))).replies
    if replies[0].text == m.CLARIFY:
        choices = [p for p in payloads(replies) if p.startswith("p:")]
        assert 1 <= len(choices) <= 3
        assert payloads(replies)[-1] == "x"
        refused = (await bot.handle(press("x"))).replies
        assert "chưa hiểu đúng ý" in refused[0].text
        rows = await bot.db.read("SELECT reason FROM unanswered")
        assert [r["reason"] for r in rows] == ["none-of-these"]
    else:
        assert "căn cước" in replies[0].text.lower()


async def test_deep_link_opens_the_card_directly(bot: Assistant) -> None:
    replies = (await bot.handle(command("start", "dang-ky-ket-hon"))).replies
    assert "Đăng ký kết hôn" in replies[0].text


async def test_browsing_by_field_lists_its_procedures(bot: Assistant) -> None:
    fields = (await bot.handle(command("thutuc"))).replies
    assert "f:ho-tich" in payloads(fields)
    listing = (await bot.handle(press("f:ho-tich"))).replies
    assert "p:dang-ky-khai-sinh" in payloads(listing)
    card = (await bot.handle(press("p:dang-ky-khai-sinh"))).replies
    assert "1.001193" in card[0].text


async def test_forged_or_stale_buttons_get_a_polite_answer(bot: Assistant) -> None:
    for data in ("p:khong-co", "s:dang-ky-khai-sinh:bogus", "zz:1", "f:nope", "", "s:x", "p:"):
        replies = (await bot.handle(press(data))).replies
        assert replies[0].notice == m.STALE_BUTTON, data
        assert "m" in payloads(replies)


async def test_media_gets_a_hint_not_a_crash(bot: Assistant) -> None:
    for kind in ("sticker", "photo", "voice", "document", "location"):
        replies = (
            await bot.handle(Incoming(chat="tg:1", user="tg:1", kind="media", media=kind))
        ).replies
        assert replies and "chữ" in replies[0].text


async def test_empty_and_huge_messages_are_answered(bot: Assistant) -> None:
    empty = (await bot.handle(text("   "))).replies
    assert empty[0].text == m.EMPTY_TEXT
    huge = (await bot.handle(text("lam giay khai sinh cho con " + "rất " * 5000))).replies
    assert huge[0].text == m.TOO_LONG
    assert len(huge) >= 2


async def test_unknown_command_and_cancel(bot: Assistant) -> None:
    unknown = (await bot.handle(command("khongcolenhnay"))).replies
    assert unknown[0].text == m.UNKNOWN_COMMAND
    cancelled = (await bot.handle(command("huy"))).replies
    assert cancelled[0].text in (m.CANCELLED, m.NOTHING_TO_CANCEL)


async def test_catalogue_text_is_html_escaped(tmp_path: Path) -> None:
    data = {
        "version": 1,
        "updated": "2026-11-27",
        "hotline": {"number": "18001096"},
        "fields": [{"id": "ho-tich", "name": "Hộ <tịch>"}],
        "agencies": {"ubnd": {"name": "UBND & xã", "level": "commune", "where": "Một cửa <xã>"}},
        "procedures": [
            {
                "id": "thu-tuc-a",
                "name": "Thủ tục <b>thử</b> & kiểm tra",
                "field": "ho-tich",
                "agency": "ubnd",
                "level": "commune",
                "documents": [{"name": "Tờ khai <mẫu 1>"}],
                "time": "1 < 2 ngày",
                "fee": "Miễn",
                "online": {"level": "none"},
                "verified": "2026-11-01",
                "aliases": ["thủ tục thử nghiệm"],
            }
        ],
    }
    assistant = await make_assistant(tmp_path, build(data))
    try:
        card = (await assistant.handle(press("p:thu-tuc-a"))).replies
        assert "Thủ tục &lt;b&gt;thử&lt;/b&gt; &amp; kiểm tra" in card[0].text
        assert "Một cửa &lt;xã&gt;" in card[0].text
        docs = (await assistant.handle(press("s:thu-tuc-a:documents"))).replies
        assert "Tờ khai &lt;mẫu 1&gt;" in docs[0].text
    finally:
        await assistant.db.close()


async def test_every_shipped_procedure_card_and_section_renders(bot: Assistant) -> None:
    catalogue = shipped_catalogue()
    for n, procedure in enumerate(catalogue.procedures.values()):
        user = 10_000 + n  # one citizen per card: each stays well inside the flood limit
        card = (await bot.handle(press(f"p:{procedure.id}", user))).replies
        assert procedure.code in card[0].text
        assert m.FEEDBACK_QUESTION in card[0].text
        for section in m.SECTION_TITLES:
            replies = (await bot.handle(press(f"s:{procedure.id}:{section}", user))).replies
            assert replies[0].notice != m.STALE_BUTTON, (procedure.id, section)
            assert all(len(b.encode()) <= 64 for b in payloads(replies))
    assert labels((await bot.handle(command("huongdan"))).replies)


async def test_phone_and_id_numbers_do_not_blur_the_question(bot: Assistant) -> None:
    replies = (
        await bot.handle(text("đổi cccd 001203004567 hết bao nhiêu tiền, sđt 0912345678"))
    ).replies
    assert "căn cước" in replies[0].text.lower()
    assert replies[0].text != m.CLARIFY


async def test_hand_off_is_offered_only_where_staff_can_answer(tmp_path: Path) -> None:
    console_like = await make_assistant(tmp_path / "a")
    with_staff = await make_assistant(tmp_path / "b", staff_chat_id=-100)
    try:
        declined = (await console_like.handle(text("qwerty asdfgh zxcv"))).replies
        assert "h" not in payloads(declined)
        assert m.BUTTON_HANDOFF not in declined[0].text  # never a button it does not show
        declined = (await with_staff.handle(text("qwerty asdfgh zxcv"))).replies
        assert "h" in payloads(declined)
    finally:
        await console_like.db.close()
        await with_staff.db.close()


async def test_finishing_a_guide_asks_whether_it_helped(bot: Assistant) -> None:
    replies = (await bot.handle(press("g:tra-cuu-ho-so"))).replies
    for _ in range(40):
        forward = [p for p in payloads(replies) if p.startswith("g:") and p[-2:] in (":n", "c0")]
        if not forward:
            break
        replies = (await bot.handle(press(forward[0]))).replies
    assert m.FEEDBACK_QUESTION in replies[0].text
    assert "r:u:tra-cuu-ho-so" in payloads(replies)
    thanks = (await bot.handle(press("r:u:tra-cuu-ho-so"))).replies
    rows = await bot.db.read("SELECT entry_id, rating FROM feedback")
    assert [(r["entry_id"], r["rating"]) for r in rows] == [("tra-cuu-ho-so", 1)]
    assert "cảm ơn" in thanks[0].text

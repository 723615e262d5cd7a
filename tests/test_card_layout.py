"""The procedure card: documents on the first answer, at most six buttons, the rest behind
"Thêm…"."""

from __future__ import annotations

from dataclasses import replace
from itertools import count as numbers

from bot import messages as m
from bot.catalogue.model import Procedure
from bot.core import cards
from bot.core.assistant import Assistant
from bot.core.replies import Incoming, Reply
from tests.core_fixtures import payloads, press, text

MAX_BUTTONS = 6
_USERS = numbers(5000)


def tap(data: str) -> Incoming:
    """A button press from a new citizen each time, so the rate limit never answers."""
    return press(data, user=next(_USERS))


def count(reply: Reply) -> int:
    """How many buttons a reply carries."""
    return sum(len(row) for row in reply.buttons)


def procedures(bot: Assistant) -> list[Procedure]:
    """Every procedure of the shipped catalogue."""
    return list(bot.snapshot()[0].procedures.values())


async def test_the_first_birth_card_lists_the_documents_and_the_conditional_ones_apart(
    bot: Assistant,
) -> None:
    card = (await bot.handle(text("lam giay khai sinh cho con"))).replies[0].text
    assert m.CARD_DOCS_TITLE in card and m.CARD_DOCS_IF in card
    everybody, _, some = card.partition(m.CARD_DOCS_IF)
    assert "1. Tờ khai đăng ký khai sinh (nộp trực tuyến" in everybody
    assert "Giấy chứng sinh do cơ sở y tế cấp — 1 bản chính" in everybody
    assert "trẻ bị bỏ rơi" not in everybody
    assert "Biên bản về việc trẻ bị bỏ rơi — 1 bản chính" in some
    assert "Chỉ khi khai sinh cho trẻ bị bỏ rơi." in some
    assert "Chỉ khi trẻ được sinh ra do mang thai hộ." in some
    # Place, time, fee and online still follow the documents.
    assert some.index("Nơi nộp") < some.index("Thời hạn") < some.index("Lệ phí")
    assert "loại giấy tờ" not in card


async def test_no_card_keyboard_has_more_than_six_buttons(bot: Assistant) -> None:
    for procedure in procedures(bot):
        card = (await bot.handle(tap(f"p:{procedure.id}"))).replies[0]
        assert count(card) <= MAX_BUTTONS, procedure.id
        assert len(card.text) <= 4096, procedure.id
        assert f"s:{procedure.id}:documents" not in payloads([card]), procedure.id
        for data in payloads([card]):
            if data.startswith("s:"):
                section = (await bot.handle(tap(data))).replies[0]
                assert count(section) <= MAX_BUTTONS, data


async def test_more_reveals_the_other_sections_and_every_revealed_button_works(
    bot: Assistant,
) -> None:
    for procedure in procedures(bot):
        first = (await bot.handle(tap(f"p:{procedure.id}"))).replies
        more = (await bot.handle(tap(f"v:{procedure.id}"))).replies[0]
        assert more.edit is True
        revealed = payloads([more])
        assert f"s:{procedure.id}:documents" in revealed, procedure.id
        assert not set(revealed) & set(payloads(first)), procedure.id
        links = [b.url for row in more.buttons for b in row if b.url]
        if procedure.online.level != "none" and procedure.online.url:
            assert links == [procedure.online.url], procedure.id
        for data in revealed:
            replies = (await bot.handle(tap(data))).replies
            assert replies and replies[0].text != m.STALE_BUTTON_TEXT, data
            assert replies[0].edit is True, data
        back = (await bot.handle(tap(f"v:{procedure.id}:0"))).replies[0]
        assert payloads([back]) == payloads(first), procedure.id


def test_cards_rendered_once_are_those_of_the_catalogue_in_service(bot: Assistant) -> None:
    catalogue = bot.snapshot()[0]
    birth = catalogue.procedures["dang-ky-khai-sinh"]
    texts = cards.CardTexts()
    assert texts.text(catalogue, birth) == cards.card_text(catalogue, birth)
    assert texts.text(catalogue, birth, "time") == cards.section_text(catalogue, birth, "time")
    assert texts.text(catalogue, birth, where="UBND xã A") == cards.card_text(
        catalogue, birth, where="UBND xã A"
    )
    # A reloaded catalogue with another fee: its card, not the one rendered before.
    dearer = replace(birth, fee="Lệ phí mới 99.000 đồng")
    edited = replace(catalogue, procedures={**catalogue.procedures, birth.id: dearer})
    assert "99.000" in texts.text(edited, dearer)
    assert "99.000" in texts.text(edited, dearer, "time")
    assert "99.000" not in texts.text(catalogue, birth)

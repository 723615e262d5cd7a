"""Old-commune questions end to end through Telegram (the real PTB application, fake Bot API)."""

from __future__ import annotations

from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import BotHarness


def refused(fake: FakeTelegram) -> list[str]:
    """Every Bot API call the fake server refused (bad HTML, too long, ...)."""
    return [f"{c.method}: {c.status}" for c in fake.calls() if c.status != 200]


async def test_old_commune_questions_on_telegram(tg_bot: BotHarness) -> None:
    sent = await tg_bot.say("nha toi o xa dan tien cu thi gio nop ho so o dau")
    assert [s.method for s in sent] == ["sendMessage"]
    assert "nay thuộc <b>xã Việt Tiến</b>" in sent[0].text
    assert "Trung tâm Phục vụ hành chính công <b>xã Việt Tiến</b>" in sent[0].text
    sent = await tg_bot.say("thai tho thai thuy gio la xa nao")
    assert "nay thuộc <b>xã Nam Thái Ninh</b>" in sent[0].text
    sent = await tg_bot.say("huyen khoai chau cu gio co nhung xa nao")
    assert "<b>xã Châu Ninh</b>: xã Đại Tập, xã Tứ Dân" in sent[0].text
    assert refused(tg_bot.fake) == []


async def test_split_ambiguous_and_unknown_names_on_telegram(tg_bot: BotHarness) -> None:
    sent = await tg_bot.say("xã Đình Dù cũ giờ thuộc xã nào")
    assert "<b>xã Như Quỳnh</b>" in sent[0].text and "<b>xã Đại Đồng</b>" in sent[0].text
    sent = await tg_bot.say("hoa binh cu gio la xa nao")
    assert sent[0].labels == [
        "Hòa Bình (huyện Hưng Hà)",
        "Hòa Bình (huyện Kiến Xương)",
        "Hòa Bình (huyện Vũ Thư)",
    ]
    edits = await tg_bot.press("Hòa Bình (huyện Vũ Thư)")
    assert [e.method for e in edits] == ["editMessageText"]
    assert "nay thuộc <b>xã Vũ Thư</b>" in edits[0].text
    sent = await tg_bot.say("xa abcxyz cu gio la xa nao")
    assert "chưa tìm thấy xã, phường, thị trấn nào tên “Abcxyz”" in sent[0].text
    assert refused(tg_bot.fake) == []


async def test_card_place_line_uses_the_citizens_commune_on_telegram(tg_bot: BotHarness) -> None:
    sent = await tg_bot.say("toi o xa dan tien cu, lam khai sinh o dau")
    assert "<b>Đăng ký khai sinh</b>" in sent[0].text
    assert "Trung tâm Phục vụ hành chính công xã Việt Tiến" in sent[0].text
    sent = await tg_bot.say("lam cccd o dau")
    assert "Việt Tiến" not in sent[0].text or "Công an xã Việt Tiến" in sent[0].text
    other = await tg_bot.chat(2002).say("dang ky ket hon")
    assert "Việt Tiến" not in other[0].text
    assert refused(tg_bot.fake) == []

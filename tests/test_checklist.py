"""The document checklist through the core: ticking, what is missing, the summary to keep."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import messages as m
from bot.core.assistant import Assistant
from bot.core.replies import Reply
from bot.features import progress
from tests.core_fixtures import command, labels, make_assistant, payloads, press
from tests.flow_fixtures import tiny

BOT_CATALOGUE = tiny


def toggles(replies: list[Reply]) -> list[str]:
    """The labels of the document toggles, in order."""
    return [label for label in labels(replies) if label[:1] in (m.CHECK_ON, m.CHECK_OFF)]


async def test_opening_lists_every_document_unticked_in_a_new_message(bot: Assistant) -> None:
    replies = (await bot.handle(press("c:khai-sinh"))).replies
    assert not replies[0].edit
    assert toggles(replies) == [
        "☐ 1. Tờ khai đăng ký khai sinh",
        "☐ 2. Giấy chứng sinh",
        "☐ 3. Văn bản ủy quyền",
        "☐ 4. Thẻ căn cước",
    ]
    assert payloads(replies) == [
        "c:khai-sinh:t0",
        "c:khai-sinh:t1",
        "c:khai-sinh:t2",
        "c:khai-sinh:t3",
        "c:khai-sinh:m",
        "c:khai-sinh:d",
    ]
    text = replies[0].text
    assert "☐ 3. Văn bản ủy quyền — 2 bản sao có chứng thực" in text
    assert "Chỉ khi nhờ người khác đi làm" in text
    assert "☐ 4. Thẻ căn cước — mang bản chính để xuất trình" in text
    # Counted: what everybody needs; the authorisation ("Chỉ khi …") is listed apart.
    assert "Đã có 0/3 giấy tờ." in text
    assert text.index(m.CARD_DOCS_IF) < text.index("☐ 3. Văn bản ủy quyền")
    assert text.index("☐ 4. Thẻ căn cước") < text.index(m.CARD_DOCS_IF)


async def test_ticking_and_unticking_edit_the_list_in_place(bot: Assistant) -> None:
    ticked = (await bot.handle(press("c:khai-sinh:t1"))).replies
    assert ticked[0].edit
    assert toggles(ticked)[1] == "☑ 2. Giấy chứng sinh"
    assert "Đã có 1/3 giấy tờ." in ticked[0].text
    unticked = (await bot.handle(press("c:khai-sinh:t1"))).replies
    assert toggles(unticked)[1] == "☐ 2. Giấy chứng sinh"
    assert "Đã có 0/3 giấy tờ." in unticked[0].text


async def test_missing_lists_only_what_is_not_ticked(bot: Assistant) -> None:
    await bot.handle(press("c:khai-sinh:t0"))
    await bot.handle(press("c:khai-sinh:t3"))
    replies = (await bot.handle(press("c:khai-sinh:m"))).replies
    text = replies[0].text
    assert replies[0].edit
    assert "Giấy chứng sinh" in text and "Văn bản ủy quyền" in text
    assert "Tờ khai" not in text and "Thẻ căn cước" not in text
    assert "Văn bản ủy quyền" in text.split(m.CARD_DOCS_IF, 1)[1]  # apart, "Chỉ khi …"
    assert payloads(replies) == ["c:khai-sinh:l", "c:khai-sinh:d"]
    back = (await bot.handle(press("c:khai-sinh:l"))).replies
    assert back[0].edit
    assert "Đã có 2/3 giấy tờ." in back[0].text


async def test_missing_when_everything_is_ticked_congratulates(bot: Assistant) -> None:
    for i in range(4):
        await bot.handle(press(f"c:khai-sinh:t{i}"))
    replies = (await bot.handle(press("c:khai-sinh:m"))).replies
    assert replies[0].text == m.MISSING_NONE.format(name="Đăng ký khai sinh")


async def test_done_gives_one_summary_to_keep(bot: Assistant) -> None:
    await bot.handle(press("c:khai-sinh:t0"))
    replies = (await bot.handle(press("c:khai-sinh:d"))).replies
    assert len(replies) == 1
    summary = replies[0]
    assert not summary.edit
    expected_lines = [
        "📋 <b>Mang theo khi đi nộp: Đăng ký khai sinh</b>",
        "☑ 1. Tờ khai đăng ký khai sinh — 1 bản chính",
        "☐ 2. Giấy chứng sinh — 1 bản chính",
        "☐ 3. Văn bản ủy quyền — 2 bản sao có chứng thực",
        "☐ 4. Thẻ căn cước — mang bản chính để xuất trình",
        "⚠️ Bạn còn thiếu 2 giấy tờ (đánh dấu ☐), nhớ chuẩn bị trước khi đi.",
        "🏛 <b>Nơi nộp:</b> Bộ phận Một cửa xã, phường",
        "<b>Địa chỉ:</b> Số 1 đường Chùa Chuông",
        "<b>Điện thoại:</b> 0221 000 000",
        "🕘 <b>Giờ làm việc:</b> Sáng 7:30–11:30, chiều 13:30–17:00",
        "⏱ <b>Thời hạn:</b> Trong ngày",
        "💰 <b>Lệ phí:</b> Miễn lệ phí",
        "   Nộp trực tuyến tại: https://dichvucong.gov.vn/khai-sinh",
        m.SUMMARY_KEEP,
    ]
    lines = summary.text.split("\n")
    assert [line for line in lines if line in expected_lines] == expected_lines
    assert m.ONLINE["full"] in summary.text


async def test_the_papers_everybody_needs_are_enough_to_be_ready(bot: Assistant) -> None:
    for i in (0, 1, 3):  # not the authorisation, needed only when someone else goes
        await bot.handle(press(f"c:khai-sinh:t{i}"))
    missing = (await bot.handle(press("c:khai-sinh:m"))).replies[0].text
    assert missing.startswith(m.MISSING_NONE.format(name="Đăng ký khai sinh"))
    assert "Văn bản ủy quyền" in missing.split(m.CARD_DOCS_IF, 1)[1]
    summary = (await bot.handle(press("c:khai-sinh:d"))).replies[0].text
    assert m.SUMMARY_ALL_READY in summary


async def test_done_with_everything_ticked_says_all_ready(bot: Assistant) -> None:
    await bot.handle(press("c:muc-2:t0"))
    replies = (await bot.handle(press("c:muc-2:d"))).replies
    assert m.SUMMARY_ALL_READY in replies[0].text
    assert m.ONLINE["none"] in replies[0].text
    assert "Nộp trực tuyến tại" not in replies[0].text


async def test_a_procedure_without_documents_still_sums_up(bot: Assistant) -> None:
    opened = (await bot.handle(press("c:khong-giay-to"))).replies
    assert m.NO_DOCUMENTS in opened[0].text
    assert payloads(opened) == ["c:khong-giay-to:m", "c:khong-giay-to:d"]
    summary = (await bot.handle(press("c:khong-giay-to:d"))).replies
    assert "50.000 đồng" in summary[0].text


async def test_ticks_survive_closing_and_reopening_the_database(tmp_path: Path) -> None:
    first = await make_assistant(tmp_path, tiny())
    await first.handle(press("c:khai-sinh:t2"))
    await first.db.close()
    second = await make_assistant(tmp_path, tiny())
    try:
        replies = (await second.handle(press("c:khai-sinh"))).replies
        assert toggles(replies)[2] == "☑ 3. Văn bản ủy quyền"
    finally:
        await second.db.close()


async def test_ticks_are_kept_per_citizen_and_per_procedure(bot: Assistant) -> None:
    await bot.handle(press("c:khai-sinh:t0", user=1))
    other_citizen = (await bot.handle(press("c:khai-sinh", user=2))).replies
    other_procedure = (await bot.handle(press("c:muc-2", user=1))).replies
    assert m.CHECK_ON not in "".join(toggles(other_citizen))
    assert m.CHECK_ON not in "".join(toggles(other_procedure))


async def test_huy_does_not_forget_the_checklist(bot: Assistant) -> None:
    await bot.handle(press("c:khai-sinh:t0"))
    await bot.handle(command("huy"))
    replies = (await bot.handle(press("c:khai-sinh"))).replies
    assert toggles(replies)[0] == "☑ 1. Tờ khai đăng ký khai sinh"


async def test_a_toggle_for_a_document_that_is_gone_redraws_the_list(bot: Assistant) -> None:
    replies = (await bot.handle(press("c:khai-sinh:t9"))).replies
    assert replies[0].notice == m.CHECKLIST_CHANGED
    assert len(toggles(replies)) == 4


@pytest.mark.parametrize(
    "data", ["c", "c:unknown", "c:unknown:t0", "c:khai-sinh:x", "c:khai-sinh:t0:t1", "c:#99"]
)
async def test_forged_checklist_payloads_get_a_polite_answer(bot: Assistant, data: str) -> None:
    replies = (await bot.handle(press(data))).replies
    assert replies[0].notice == m.STALE_BUTTON


async def test_an_oversized_checklist_payload_gets_a_polite_answer(bot: Assistant) -> None:
    replies = (await bot.handle(press("c:khai-sinh:t0" + ":" * 70))).replies
    assert replies[0].notice == m.STALE_BUTTON


async def test_two_quick_presses_do_not_lose_a_tick(bot: Assistant) -> None:
    await asyncio.gather(
        progress.toggle_tick(bot.db, "u", "khai-sinh", "A"),
        progress.toggle_tick(bot.db, "u", "khai-sinh", "B"),
    )
    assert await progress.get_ticks(bot.db, "u", "khai-sinh") == frozenset({"A", "B"})

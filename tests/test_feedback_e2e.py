"""End to end through Telegram: feedback buttons, a hand-off answered by staff, staff commands
refused to citizens, and no personal number left in the database files."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot import messages as m
from bot.privacy import ID_NUMBER, PHONE
from bot.storage.database import open_database
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import CHAT, STAFF_CHAT, STAFF_MEMBER, BotHarness, start_bot


def refused(fake: FakeTelegram) -> list[str]:
    """Every Bot API call the fake server refused (bad HTML, too long, ...)."""
    return [f"{c.method}: {c.status}" for c in fake.calls() if c.status != 200]


async def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Read the bot's database from a second connection, as an operator would."""
    db = await open_database(path)
    try:
        return [tuple(r) for r in await db.read(sql)]
    finally:
        await db.close()


async def test_thumbs_down_with_reason_and_comment_is_stored(
    tg_bot: BotHarness, tmp_path: Path
) -> None:
    card = (await tg_bot.say("đăng ký kết hôn cần giấy tờ gì"))[0]
    assert card.labels[-2:] == [m.BUTTON_USEFUL, m.BUTTON_NOT_USEFUL]
    asked = await tg_bot.press("r:d:dang-ky-ket-hon")
    assert asked[0].text == m.FEEDBACK_ASK_REASON
    assert m.FEEDBACK_REASONS["hard"] in asked[0].labels
    comment = await tg_bot.press(m.FEEDBACK_REASONS["hard"])
    assert comment[0].method == "editMessageText"
    thanks = await tg_bot.say("Phần giấy tờ viết khó hiểu quá")
    assert "Xin cảm ơn góp ý" in thanks[0].text
    stored = await rows(
        tmp_path / "bot.sqlite3",
        "SELECT entry_id, rating, reason, comment, question FROM feedback",
    )
    assert stored == [
        (
            "dang-ky-ket-hon",
            -1,
            "hard",
            "Phần giấy tờ viết khó hiểu quá",
            "đăng ký kết hôn cần giấy tờ gì",
        )
    ]
    assert refused(tg_bot.fake) == []


async def test_thumbs_up_asks_whether_it_saved_a_trip(tg_bot: BotHarness, tmp_path: Path) -> None:
    await tg_bot.say("lam giay khai sinh cho con")
    asked = await tg_bot.press(m.BUTTON_USEFUL)
    assert asked[0].text == m.FEEDBACK_SAVED_TRIP
    toasts = [c.params.get("text") for c in tg_bot.fake.calls("answerCallbackQuery")]
    assert toasts == [m.FEEDBACK_THANKS]
    await tg_bot.press(m.BUTTON_SAVED_TRIP_YES)
    stored = await rows(tmp_path / "bot.sqlite3", "SELECT rating, saved_trip FROM feedback")
    assert stored == [(1, 1)]


async def test_handoff_reaches_staff_and_the_staff_reply_reaches_the_citizen(
    staffed_bot: BotHarness,
) -> None:
    fake = staffed_bot.fake
    staff = staffed_bot.chat(STAFF_CHAT)
    declined = await staffed_bot.say("xin giấy phép nuôi chim yến trong nhà")
    assert m.BUTTON_HANDOFF in declined[-1].labels
    confirm = await staffed_bot.press(m.BUTTON_HANDOFF)
    assert "xin giấy phép nuôi chim yến trong nhà" in confirm[0].text
    sent = await staffed_bot.press(m.BUTTON_HANDOFF_SEND)
    assert "#HS1" in sent[0].text

    posted = fake.outgoing(STAFF_CHAT)
    assert len(posted) == 1
    assert "#HS1" in posted[0].text
    assert "xin giấy phép nuôi chim yến trong nhà" in posted[0].text
    assert str(CHAT) not in posted[0].text

    reply = fake.push_text(
        STAFF_CHAT, "Bạn liên hệ UBND xã nhé.", STAFF_MEMBER, reply_to=posted[0].message_id
    )
    confirmed = await staff.turn(reply)
    assert [s.text for s in confirmed][-1] == m.HANDOFF_DELIVERED.format(id=1)
    answer = await staffed_bot.next_messages(1)
    assert "Bạn liên hệ UBND xã nhé." in answer[0].text
    assert "#HS1" in answer[0].text
    assert refused(fake) == []


async def test_staff_commands_are_unknown_to_citizens_and_work_for_staff(
    staffed_bot: BotHarness,
) -> None:
    for name in ("baocao", "thongke", "reload"):
        sent = await staffed_bot.command(name)
        assert [s.text for s in sent] == [m.UNKNOWN_COMMAND]
    staff = staffed_bot.chat(STAFF_CHAT)
    report = await staff.turn(
        staffed_bot.fake.push_command(STAFF_CHAT, "baocao", "", STAFF_MEMBER)
    )
    assert report[0].text.startswith("📊")
    # The full report follows the summary as an HTML file (sendDocument).
    files = [s for s in report if s.method == "sendDocument"]
    assert [f.params.get("document_name", "").endswith(".html") for f in files] == [True]
    reload = await staff.turn(
        staffed_bot.fake.push_command(STAFF_CHAT, "reload", "", STAFF_MEMBER)
    )
    assert "danh mục" in reload[0].text.lower()
    assert refused(staffed_bot.fake) == []


SECRETS = ("034190001234", "0912345678", "0912 345 678", "034 190 001 234", "nguyenvana@gmail")


def database_bytes(path: Path) -> bytes:
    """The raw bytes of the database and its -wal and -shm files."""
    return b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()
    )


def leaks(blob: bytes) -> list[str]:
    """Which secrets appear in the bytes, in UTF-8 or UTF-16 (SQLite may use either)."""
    found = []
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if secret.encode(encoding) in blob:
                found.append(f"{secret} ({encoding})")
    return found


async def test_id_and_phone_numbers_leave_no_trace_in_the_database_files(
    fake_tg: FakeTelegram, tmp_path: Path
) -> None:
    path = tmp_path / "bot.sqlite3"
    async with start_bot(fake_tg, tmp_path, staff_chat_id=STAFF_CHAT) as bot:
        # A question the bot declines (logged twice: questions and unanswered).
        await bot.say(
            "cccd 034190001234 của tôi sai tên, gọi 0912 345 678, mail nguyenvana@gmail.com"
        )
        # A question it asks to clarify, a card, a comment on a 👎, a hand-off.
        await bot.say("đổi cccd 034 190 001 234 hết bao nhiêu tiền, sđt 0912345678")
        await bot.press("v:cap-doi-cap-lai-can-cuoc:0")
        await bot.press(m.BUTTON_NOT_USEFUL)
        await bot.press(m.FEEDBACK_REASONS["other"])
        await bot.say("số của tôi 0912345678, cccd 034190001234")
        await bot.command("gapcanbo", "cccd 034190001234, sđt 0912 345 678")
        await bot.press(m.BUTTON_HANDOFF_SEND)
        stored = await rows(path, "SELECT text FROM questions")
        assert len(stored) == 2
        comments = await rows(path, "SELECT comment FROM feedback")
        assert comments == [(f"số của tôi {PHONE}, cccd {ID_NUMBER}",)]
        handed = await rows(path, "SELECT question FROM handoffs")
        assert handed == [(f"cccd {ID_NUMBER}, sđt {PHONE}",)]
        assert leaks(database_bytes(path)) == []
        staff_view = fake_tg.outgoing(STAFF_CHAT)
        assert staff_view and "034190001234" not in staff_view[0].text
    await asyncio.sleep(0)
    assert leaks(database_bytes(path)) == []

"""Transcripts of a conversation around the cards, in the terminal chat and on Telegram.

Every follow-up and small-talk case the citizen may type: the same transcript runs through the
terminal chat (piped, one message a line) and through the real Telegram front end polling the
fake Bot API; each line's answer must hold one of the expected fragments.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot import messages as m
from bot.core.markup import to_plain as plain
from bot.core.smalltalk import address_form, classify
from bot.frontends.console import chat
from bot.matching.aspects import detect_aspect
from tests.core_fixtures import make_assistant, press, text
from tests.harness import BotHarness

NOTES = m.SECTION_TITLES["notes"]
DOCUMENTS = m.SECTION_TITLES["documents"]
PLACE = m.SECTION_TITLES["place"]

# (what the citizen types, fragments of which one must be in the answer)
TRANSCRIPT: list[tuple[str, tuple[str, ...]]] = [
    ("lam giay khai sinh cho con", ("Đăng ký khai sinh",)),
    ("hs gồm j", (DOCUMENTS,)),
    ("giấy tờ", (DOCUMENTS,)),
    ("lưu ý gì", (NOTES,)),
    ("đăng ký kết hôn", ("Đăng ký kết hôn",)),
    ("có cần hai người cùng đến không", (NOTES,)),
    ("thứ 7 có làm việc không", (PLACE,)),
    ("ủy quyền được không", (NOTES,)),
    ("/huy", (m.NOTHING_TO_CANCEL, m.CANCELLED)),
    ("hết bao nhiêu tiền", ("lệ phí của thủ tục nào",)),
    ("bạn là ai", ("trợ lý tự động",)),
    ("có phải người thật không", ("không phải người thật",)),
    # With a staff chat the hand-off asks to send; without one, the hotline.
    ("cho tôi gặp cán bộ", ("Gặp cán bộ", "để được cán bộ hỗ trợ")),
    ("gặp người thật", ("Gặp cán bộ", "để được cán bộ hỗ trợ")),
    ("ok", (m.ACK_REPLY,)),
    ("vâng", (m.ACK_REPLY,)),
    ("🙏", (m.ACK_REPLY,)),
    ("thời tiết hôm nay thế nào", (m.OFF_TOPIC,)),
    ("bot ngu thế", ("chưa giúp được như ý",)),
    ("số tôi 0912345678, làm căn cước lần đầu", ("không cần gửi số căn cước",)),
    ("qwerty asdfgh zxcv", ("tôi chưa tìm được thủ tục cho “qwerty asdfgh zxcv”",)),
    # An elder who calls the bot "cháu" is answered as "bác" from then on.
    ("cảm ơn cháu", ("Chúc bác làm thủ tục thuận lợi",)),
    ("vâng", ("Bác cần hỏi thêm",)),
]


def check(answers: list[str]) -> None:
    """Each answer holds one of its line's fragments."""
    assert len(answers) == len(TRANSCRIPT)
    for (said, fragments), answer in zip(TRANSCRIPT, answers, strict=True):
        assert any(plain(f) in answer for f in fragments), (said, answer)


async def test_the_transcript_in_the_terminal_chat(tmp_path: Path) -> None:
    assistant = await make_assistant(tmp_path)
    out = io.StringIO()
    try:
        await chat(assistant, io.StringIO("".join(f"{s}\n" for s, _ in TRANSCRIPT)), out)
    finally:
        await assistant.db.close()
    # Each answer follows the line it answers, echoed after the prompt.
    parts = re.split(rf"^{re.escape(m.CONSOLE_PROMPT)}.*$", out.getvalue(), flags=re.M)
    assert "Xin chào" in parts[0]  # the greeting, before the first line
    check(parts[1:])


async def test_the_transcript_on_telegram(tg_bot: BotHarness) -> None:
    answers = []
    citizen = tg_bot
    for number, (said, _) in enumerate(TRANSCRIPT):
        if number == len(TRANSCRIPT) // 2:
            # A second citizen takes over: one chat this fast would meet the flood limit.
            citizen = tg_bot.chat(4243)
        if said.startswith("/"):
            sent = await citizen.command(said[1:])
        else:
            sent = await citizen.say(said)
        answers.append(plain("\n".join(s.text for s in sent)))
    check(answers)


async def test_piped_input_is_read_in_full_and_empty_input_still_greets(tmp_path: Path) -> None:
    assistant = await make_assistant(tmp_path)
    lines = ["lam giay khai sinh"] * 40  # far past the flood limit of a Telegram chat
    out, empty = io.StringIO(), io.StringIO()
    try:
        await chat(assistant, io.StringIO("".join(f"{line}\n" for line in lines)), out)
        await chat(assistant, io.StringIO(""), empty)
    finally:
        await assistant.db.close()
    assert out.getvalue().count("Mã thủ tục: 1.001193") == 40
    assert m.SLOW_DOWN not in out.getvalue()
    assert "Xin chào" in empty.getvalue()


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("cho mình gặp nhân viên", "person"),
        ("gap nguoi that", "person"),
        ("may la ai", "identity"),
        ("ban co phai nguoi that ko", "identity"),
        ("Dạ vâng ạ", "ack"),
        ("👍", "ack"),
        ("ok cảm ơn", "thanks"),
        ("cam on chau nhieu", "thanks"),
        ("đồ vô dụng", "insult"),
        ("xin chào", "hello"),
        ("ngủ ngon", None),  # "ngủ" is not "ngu"
        ("thi bằng lái A1", None),
        ("có cần hai người cùng đến không", None),
    ],
)
def test_small_talk_is_told_apart_from_questions(said: str, kind: str | None) -> None:
    assert classify(said) == kind


def test_address_follows_what_the_citizen_says_of_themselves() -> None:
    assert address_form("cảm ơn cháu") == "bác"
    assert address_form("bác hỏi cái này") == "bác"
    assert address_form("ông muốn làm sổ đỏ") == "ông"
    assert address_form("ông tôi mất rồi, khai tử thế nào") is None  # a relative
    assert address_form("có cần hai người không") is None


def test_follow_ups_read_the_part_of_the_card_asked_for() -> None:
    assert detect_aspect("hs gồm j") == "documents"
    assert detect_aspect("giấy tờ") == "documents"
    assert detect_aspect("lưu ý gì") == "notes"
    assert detect_aspect("thứ 7 có làm việc không") == "place"
    assert detect_aspect("ủy quyền được không") == "notes"


async def test_a_link_and_a_guide_never_share_an_icon(tmp_path: Path) -> None:
    assistant = await make_assistant(tmp_path)
    try:
        card = (await assistant.handle(text("lam giay khai sinh cho con"))).replies
        card += (await assistant.handle(press("v:dang-ky-khai-sinh"))).replies
    finally:
        await assistant.db.close()
    buttons = [b for r in card for row in r.buttons for b in row]
    links = {b.label.split()[0] for b in buttons if b.url}
    others = {b.label.split()[0] for b in buttons if not b.url}
    assert links and not links & others

"""End to end: the real bot process, a fake Bot API server, a walk interrupted by SIGKILL.

The citizen walks two steps of the login guide and ticks a document, the process is killed
hard, started again, and everything is where the citizen left it.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from bot import messages as m
from bot.tools.fakebotapi.server import FakeTelegram, Outgoing
from tests.harness import BotProcess

CHAT = 5005
GUIDE = "g:tai-khoan-dich-vu-cong"


def command(proc: BotProcess, name: str, args: str = "") -> list[Outgoing]:
    """Send /name and wait for the bot's answer."""
    return proc.turn(CHAT, proc.fake.push_command(CHAT, name, args), 1, 0.3, 15.0)


def callback(proc: BotProcess, data: str, message_id: int) -> tuple[list[Outgoing], str]:
    """Press a button with `data` on a given message; the answer and the callback query id."""
    update_id = proc.fake.push_callback(CHAT, data, message_id)
    sent = proc.turn(CHAT, update_id, 1, 0.3, 15.0)
    return sent, f"q{update_id}"


def settle(fake: FakeTelegram, timeout: float = 10.0) -> None:
    """Wait until the bot has confirmed every update, so that a kill loses none in flight."""
    deadline = time.monotonic() + timeout
    while fake.pending_updates() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake.pending_updates() == 0


def test_walk_and_checklist_survive_a_hard_kill(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess]
) -> None:
    proc = bot_process()
    proc.start()
    proc.wait_ready()

    card = command(proc, "start", "tai-khoan-dich-vu-cong")
    assert m.BUTTON_START_GUIDE in card[-1].labels
    first = proc.press(CHAT, GUIDE)
    assert "Bước 1/5: Tài khoản VNeID" in first[-1].text
    step_message = first[-1].message_id
    second = proc.press(CHAT, "Tôi đã có VNeID mức độ 2")
    assert "Bước 2/5: Mở Cổng Dịch vụ công" in second[-1].text
    assert second[-1].method == "editMessageText"
    assert second[-1].message_id == step_message

    birth = command(proc, "start", "dang-ky-khai-sinh")
    assert m.BUTTON_CHECKLIST in birth[-1].labels
    checklist = proc.press(CHAT, "c:dang-ky-khai-sinh")
    ticked = proc.press(CHAT, "c:dang-ky-khai-sinh:t1")
    assert ticked[-1].message_id == checklist[-1].message_id
    assert any(label.startswith("☑ 2.") for label in ticked[-1].labels)

    settle(fake_tg)
    assert proc.kill(signal.SIGKILL) == -signal.SIGKILL
    proc.start()
    proc.wait_ready()

    resumed = command(proc, "tieptuc")
    assert "Bước 2/5: Mở Cổng Dịch vụ công" in resumed[-1].text

    # The step message from before the restart still works, from the step it shows.
    moved, query = callback(proc, f"{GUIDE}:mo-cong:n", step_message)
    assert "Bước 3/5: Chọn cách đăng nhập" in moved[-1].text
    assert moved[-1].message_id == step_message
    assert fake_tg.answered_callbacks()[query] == 1

    # A button for a step that does not exist gets a polite answer, not silence.
    stale, query = callback(proc, f"{GUIDE}:khong-con:n", step_message)
    assert m.STALE_BUTTON_TEXT in stale[-1].text
    assert fake_tg.answered_callbacks()[query] == 1

    reopened = proc.press(CHAT, m.BUTTON_CHECKLIST)
    labels = reopened[-1].labels
    assert [label[:4] for label in labels if label[:1] in "☐☑"][:2] == ["☐ 1.", "☑ 2."]

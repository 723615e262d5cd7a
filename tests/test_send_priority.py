"""A citizen's question is answered first within Telegram's overall limit (about 30 messages a
second): 40 hand-offs at once and 16 noisy groups do not hold it up, through the real process
against a fake Bot API that answers 429 above 30 sends a second, as Telegram does."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import BotProcess

STAFF_CHAT = -100_777
BASELINE_CHATS = 7_000_000
STORM_CHATS = 7_100_000
HANDOFF_CHATS = range(5_000_000, 5_000_040)  # 40 citizens hand off at the same moment
GROUPS = [-2_000_000 - g for g in range(16)]  # 16 groups writing to the bot twice a second
QUESTIONS = ["lam giay khai sinh cho con", "đăng ký kết hôn cần giấy tờ gì", "dang ky tam tru"]
RATE = 8.0  # private questions a second, in both phases
SECONDS = 4.0


def ask_steadily(fake: FakeTelegram, first_chat: int, seconds: float) -> dict[int, float]:
    """New citizens ask one question each at RATE a second; when each was asked."""
    asked: dict[int, float] = {}
    began = time.monotonic()
    for i in range(int(RATE * seconds)):
        time.sleep(max(0.0, began + i / RATE - time.monotonic()))
        asked[first_chat + i] = time.monotonic()
        fake.push_text(first_chat + i, QUESTIONS[i % len(QUESTIONS)])
    return asked


def waits(fake: FakeTelegram, asked: dict[int, float], timeout: float = 30.0) -> list[float]:
    """How long each citizen waited for the first message of the answer, sorted."""
    deadline = time.monotonic() + timeout
    found = []
    for chat, at in asked.items():
        got = fake.wait_outgoing(chat, 1, 0, max(0.0, deadline - time.monotonic()))
        found.append(got[0].at - at if got else float("inf"))
    return sorted(found)


def handoff_storm(fake: FakeTelegram) -> None:
    """Every hand-off citizen asks for staff at once, then all confirm as soon as asked."""
    for chat in HANDOFF_CHATS:
        fake.push_command(chat, "gapcanbo", "tranh chấp ranh giới thửa đất với hàng xóm")
    for chat in HANDOFF_CHATS:
        fake.wait_outgoing(chat, 1, 0, 30.0)
    for chat in HANDOFF_CHATS:
        fake.push_callback(chat, "h:ok")


def noisy_groups(fake: FakeTelegram, seconds: float) -> None:
    """Each group writes to the bot twice a second."""
    began = time.monotonic()
    for n in range(int(2 * len(GROUPS) * seconds)):
        time.sleep(max(0.0, began + n / (2 * len(GROUPS)) - time.monotonic()))
        fake.push_text(GROUPS[n % len(GROUPS)], "làm giấy khai sinh", user_id=9_000_000 + n % 7)


def in_background(*jobs: Callable[[], None]) -> list[threading.Thread]:
    """Start each job in a thread of its own."""
    threads = [threading.Thread(target=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    return threads


def per_chat(fake: FakeTelegram, chats: dict[int, float]) -> dict[str, set[int]]:
    """How many messages each question got (by question), to see that none came twice."""
    counts: dict[str, set[int]] = {}
    for i, chat in enumerate(sorted(chats)):
        counts.setdefault(QUESTIONS[i % len(QUESTIONS)], set()).add(len(fake.outgoing(chat)))
    return counts


def test_forty_handoffs_and_noisy_groups_do_not_delay_a_citizens_answer(
    fake_tg: FakeTelegram, bot_process: Callable[..., BotProcess]
) -> None:
    bot = bot_process(env={"BOT_STAFF_CHAT_ID": str(STAFF_CHAT), "BOT_SALT": "send-priority"})
    bot.start()
    bot.wait_ready()
    fake_tg.set_flood_limit(30)  # like Telegram: 429 above 30 sends a second
    ask_steadily(fake_tg, BASELINE_CHATS - 10, 1.0)  # warm-up
    baseline = ask_steadily(fake_tg, BASELINE_CHATS, SECONDS)
    calm = waits(fake_tg, baseline)

    storm = in_background(lambda: handoff_storm(fake_tg), lambda: noisy_groups(fake_tg, SECONDS))
    asked = ask_steadily(fake_tg, STORM_CHATS, SECONDS)
    stormy = waits(fake_tg, asked)
    for thread in storm:
        thread.join(40.0)
    confirmed = [
        chat
        for chat in HANDOFF_CHATS
        if any("#HS" in o.text for o in fake_tg.wait_outgoing(chat, 2, 0, 20.0))
    ]
    time.sleep(1.0)  # anything sent twice would have arrived by now

    # Every citizen was answered, and in the storm as soon as in the calm (a second's margin for
    # a loaded machine; before, the storm's answers waited 3 to 6 s behind the rest).
    ninetieth = int(0.9 * len(stormy))
    figures = f"calm {calm[ninetieth]:.2f} s, storm {stormy[ninetieth]:.2f} s (90th percentile)"
    assert stormy[-1] < float("inf"), figures
    assert stormy[ninetieth] <= calm[int(0.9 * len(calm))] + 1.0, figures
    # ...each exactly once,
    assert per_chat(fake_tg, asked) == per_chat(fake_tg, baseline)
    assert all(len(found) == 1 for found in per_chat(fake_tg, asked).values())
    # ...while every hand-off was confirmed once, the staff group got the posts at its pace
    # (20 a minute), and each group was told once that the bot answers in private chats.
    assert len(confirmed) == len(HANDOFF_CHATS)
    for chat in HANDOFF_CHATS:
        assert sum("#HS" in o.text for o in fake_tg.outgoing(chat)) == 1
    assert 1 <= len(fake_tg.outgoing(STAFF_CHAT)) <= 20
    assert all(len(fake_tg.outgoing(group)) <= 1 for group in GROUPS)

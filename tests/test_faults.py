"""The Bot API misbehaves (flood control, 5xx, dropped connections, slowness): every citizen
still gets each reply exactly once, every button press is answered, and the bot keeps running.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from bot import messages as m
from bot.frontends.telegram import delivery
from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import BotHarness

QUESTION = "lam giay khai sinh cho con"
FAULTS = [
    pytest.param({"kind": "429", "retry_after": 1}, id="429-retry-after"),
    pytest.param({"kind": "500"}, id="500"),
    pytest.param({"kind": "502"}, id="502"),
    pytest.param({"kind": "drop"}, id="dropped-connection"),
    pytest.param({"kind": "delay", "delay_ms": 800}, id="slow"),
]


def sends(fake: FakeTelegram, chat_id: int) -> list[str]:
    """The texts of the messages a chat received."""
    return [o.text for o in fake.outgoing(chat_id) if o.method == "sendMessage"]


async def still_answers(bot: BotHarness) -> None:
    """The bot answers the next citizen normally."""
    sent = await bot.chat(bot.chat_id + 1).command("start")
    assert len(sent) == 1
    assert "Xin chào" in sent[0].text


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_failing_send_is_delivered_exactly_once(tg_bot: BotHarness, fault: dict) -> None:
    tg_bot.fake.fault("sendMessage", **fault)
    sent = await tg_bot.say(QUESTION)
    await asyncio.sleep(0.3)  # nothing more arrives later
    assert len(sends(tg_bot.fake, tg_bot.chat_id)) == 1
    assert "<b>Đăng ký khai sinh</b>" in sent[0].text
    await still_answers(tg_bot)


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_failing_poll_loses_no_update_and_repeats_none(
    tg_bot: BotHarness, fault: dict
) -> None:
    tg_bot.fake.fault("getUpdates", **fault)
    sent = await tg_bot.say(QUESTION)
    await asyncio.sleep(0.3)
    assert len(sent) == 1
    assert len(sends(tg_bot.fake, tg_bot.chat_id)) == 1
    await still_answers(tg_bot)


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_press_is_answered_and_its_edit_made_despite_faults(
    tg_bot: BotHarness, fault: dict
) -> None:
    card = (await tg_bot.say(QUESTION))[0]
    tg_bot.fake.fault("answerCallbackQuery", **fault)
    tg_bot.fake.fault("editMessageText", **fault)
    edits = await tg_bot.press("s:dang-ky-khai-sinh:place")
    assert [(e.method, e.message_id) for e in edits] == [("editMessageText", card.message_id)]
    assert list(tg_bot.fake.answered_callbacks().values()) == [1]


async def test_a_send_refused_for_good_does_not_stop_the_bot(
    tg_bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "RETRY_BASE_SECONDS", 0.01)
    tg_bot.fake.fault("sendMessage", "500", times=100)
    await tg_bot.say(QUESTION)  # gives up after a few tries, logs it
    tg_bot.fake.clear_faults()
    await still_answers(tg_bot)


async def test_many_citizens_under_random_faults_each_get_one_reply(
    tg_bot: BotHarness,
) -> None:
    fake = tg_bot.fake
    rng = random.Random(7)
    # Polling faults back off for long (PTB's own loop); the sends are what is at stake here.
    for method in ("sendMessage", "answerCallbackQuery", "editMessageText"):
        for kind in ("429", "500", "502", "drop", "delay"):
            fake.fault(method, kind, times=2, delay_ms=300, retry_after=1)
    chats = list(range(3001, 3031))
    questions = [QUESTION, "/start", "xin chao", "doi cccd het bao nhieu tien"]
    asked = [fake.push_text(chat, rng.choice(questions)) for chat in chats]
    await asyncio.gather(*(tg_bot.wait_handled(u, timeout=60) for u in asked))
    with_card = [chat for chat in chats if sends(fake, chat)[0].startswith("📋")]
    # "Thêm…" is on every card, whether it opened on its summary or on a section.
    pressed = [fake.press(chat, m.BUTTON_MORE) for chat in with_card]
    await asyncio.gather(*(tg_bot.wait_handled(u, timeout=60) for u in pressed))

    assert {chat: len(sends(fake, chat)) for chat in chats} == dict.fromkeys(chats, 1)
    edits = [o.chat_id for o in fake.outgoing() if o.method == "editMessageText"]
    assert sorted(edits) == with_card
    assert set(fake.answered_callbacks().values()) <= {1}
    assert len(fake.answered_callbacks()) == len(with_card)
    await still_answers(tg_bot)


async def test_a_flooding_citizen_is_slowed_down_and_others_are_not(tg_bot: BotHarness) -> None:
    fake = tg_bot.fake
    flood = [fake.push_text(tg_bot.chat_id, "xin chao") for _ in range(40)]
    others = [fake.push_text(chat, "xin chao") for chat in range(4001, 4006)]
    await asyncio.gather(*(tg_bot.wait_handled(u) for u in flood + others))
    mine = sends(fake, tg_bot.chat_id)
    assert mine.count(m.SLOW_DOWN) == 1
    assert len(mine) < 40
    assert {chat: sends(fake, chat) for chat in range(4001, 4006)} == {
        chat: [m.HELLO_REPLY] for chat in range(4001, 4006)
    }

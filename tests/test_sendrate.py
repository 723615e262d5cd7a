"""Telegram's overall limit shared out by priority: never more than the limit, a citizen's
answer first, the rest never starved, a 429 pauses every send."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.frontends.telegram.queues import ChatQueues
from bot.frontends.telegram.sendrate import SHARE, Priority, SendRate

WINDOW = 0.2  # a short window keeps these tests quick; Telegram's is a second


async def take_turns(rate: SendRate, priorities: list[Priority]) -> list[tuple[float, Priority]]:
    """All ask for a turn at once (in this order); when each got it, in the order given."""
    given: list[tuple[float, Priority]] = []

    async def one(priority: Priority) -> None:
        async with rate.sending(priority):
            given.append((time.monotonic(), priority))

    await asyncio.gather(*(one(p) for p in priorities))
    return given


async def test_never_more_turns_within_a_window_than_the_rate() -> None:
    rate = SendRate(10, WINDOW)
    given = await take_turns(rate, [Priority.ANSWER, Priority.BACKGROUND] * 20)
    times = sorted(at for at, _ in given)
    assert len(times) == 40
    for first, eleventh in zip(times, times[10:], strict=False):
        assert eleventh - first >= WINDOW * 0.9  # (a little slack: resumed after the turn)


async def test_an_answer_goes_before_the_background_sends_already_waiting() -> None:
    rate = SendRate(10, WINDOW)
    background = asyncio.ensure_future(take_turns(rate, [Priority.BACKGROUND] * 30))
    await asyncio.sleep(WINDOW / 2)  # the background sends fill what they may and wait
    began = time.monotonic()
    answers = await take_turns(rate, [Priority.ANSWER] * 3)
    assert not background.done()
    assert max(at for at, _ in answers) - began < WINDOW / 2  # the reserved turns, at once
    assert rate.waiting() > 10  # ...while most background sends still wait
    await background


async def test_follow_ups_go_before_background_and_after_answers() -> None:
    rate = SendRate(10, WINDOW)
    await take_turns(rate, [Priority.ANSWER] * 10)  # the window is full: the rest must queue
    order = await take_turns(
        rate, [Priority.BACKGROUND, Priority.FOLLOW_UP, Priority.BACKGROUND, Priority.ANSWER]
    )
    assert [p for _, p in order] == [
        Priority.ANSWER,
        Priority.FOLLOW_UP,
        Priority.BACKGROUND,
        Priority.BACKGROUND,
    ]


@pytest.mark.parametrize("busy", [Priority.ANSWER, Priority.FOLLOW_UP])
async def test_background_sends_get_a_share_while_others_keep_coming(busy: Priority) -> None:
    rate = SendRate(10, WINDOW)
    await take_turns(rate, [Priority.ANSWER] * 10)
    order = [p for _, p in await take_turns(rate, [busy] * 20 + [Priority.BACKGROUND])]
    assert Priority.BACKGROUND in order[: SHARE + 1]


async def test_telegrams_wait_holds_every_send() -> None:
    rate = SendRate(30, 1.0)
    rate.pause(0.3)
    began = time.monotonic()
    await take_turns(rate, [Priority.ANSWER])
    assert time.monotonic() - began >= 0.29


async def test_a_send_cancelled_while_waiting_does_not_hold_the_others() -> None:
    rate = SendRate(2, WINDOW)
    await take_turns(rate, [Priority.ANSWER] * 2)
    cancelled = asyncio.ensure_future(take_turns(rate, [Priority.ANSWER]))
    await asyncio.sleep(0)
    cancelled.cancel()
    began = time.monotonic()
    await asyncio.wait_for(take_turns(rate, [Priority.ANSWER]), 5 * WINDOW)
    assert time.monotonic() - began < 2 * WINDOW


async def test_no_limit_at_rate_zero() -> None:
    rate = SendRate(0)
    began = time.monotonic()
    await take_turns(rate, [Priority.BACKGROUND] * 500)
    assert time.monotonic() - began < 0.5


async def test_a_group_gets_its_messages_a_period_apart_not_a_second_burst() -> None:
    queues = ChatQueues(group_messages=3, group_period=WINDOW)
    began = time.monotonic()
    paced = []
    for _ in range(7):
        async with queues.paced(-100):
            paced.append(time.monotonic() - began)
    async with queues.paced(100):  # a private chat is not paced
        assert time.monotonic() - began - paced[-1] < WINDOW / 2
    assert paced[2] < WINDOW / 2  # the first three at once
    assert paced[3] >= WINDOW * 0.95 and paced[6] >= 2 * WINDOW * 0.95


async def test_a_send_counts_until_a_window_after_its_answer() -> None:
    # A machine too busy to send at once must not crowd a window's sends into less: a send
    # still under way, or answered less than a window ago, holds its turn.
    rate = SendRate(1, WINDOW)
    slow = asyncio.Event()

    async def under_way() -> None:
        async with rate.sending(Priority.ANSWER):
            await slow.wait()

    first = asyncio.ensure_future(under_way())
    await asyncio.sleep(0)
    waiting = asyncio.ensure_future(take_turns(rate, [Priority.ANSWER]))
    await asyncio.sleep(2 * WINDOW)
    assert not waiting.done()  # the first send has no answer yet
    answered = time.monotonic()
    slow.set()
    await first
    await waiting
    assert time.monotonic() - answered >= WINDOW * 0.95

"""The per-citizen flood limit: a polite notice once, then silence until the bucket refills."""

from __future__ import annotations

from pathlib import Path

from bot import messages as m
from bot.core import ratelimit
from bot.core.ratelimit import FloodLimiter
from tests.core_fixtures import make_assistant, text


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_is_allowed_then_one_warning_then_silence() -> None:
    limiter = FloodLimiter(burst=3, rate=1.0, clock=Clock())
    verdicts = [limiter.check("tg:7") for _ in range(6)]
    assert verdicts == ["ok", "ok", "ok", "warn", "drop", "drop"]


def test_the_bucket_refills_with_time_and_warns_again_after() -> None:
    clock = Clock()
    limiter = FloodLimiter(burst=2, rate=0.5, clock=clock)
    assert [limiter.check("tg:7") for _ in range(3)] == ["ok", "ok", "warn"]
    clock.now += 1.0  # half a token
    assert limiter.check("tg:7") == "drop"
    clock.now += 1.0  # one token
    assert [limiter.check("tg:7") for _ in range(3)] == ["ok", "warn", "drop"]


def test_a_flooding_citizen_does_not_use_up_anyone_elses_tokens() -> None:
    limiter = FloodLimiter(burst=2, rate=1.0, clock=Clock())
    for _ in range(50):
        limiter.check("tg:1")
    assert [limiter.check("tg:2"), limiter.check("tg:2")] == ["ok", "ok"]


def test_forgotten_citizens_start_again_with_a_full_bucket() -> None:
    limiter = FloodLimiter(burst=1, rate=0.0, clock=Clock(), max_tracked=2)
    assert limiter.check("tg:1") == "ok"
    limiter.check("tg:2")
    limiter.check("tg:3")  # pushes citizen 1 out of memory
    assert limiter.check("tg:1") == "ok"


def test_memory_holds_only_citizens_whose_bucket_is_not_full_again() -> None:
    clock = Clock()
    limiter = FloodLimiter(burst=2, rate=1.0, clock=clock)  # full again 2 s after the last
    for citizen in range(100):
        limiter.check(f"tg:{citizen}")
        clock.now += 0.1
    # Those of the last 2 seconds are held (one or two more until the next check sweeps them).
    assert 20 <= limiter.tracked() <= 22
    clock.now += 60
    limiter.check("tg:new")
    limiter.check("tg:newer")
    assert limiter.tracked() < 22


def test_a_flooding_citizen_stays_slowed_down_while_others_come_and_go() -> None:
    clock = Clock()
    limiter = FloodLimiter(burst=2, rate=0.5, clock=clock)  # full again 4 s after the last
    assert [limiter.check("tg:flood") for _ in range(3)] == ["ok", "ok", "warn"]
    for citizen in range(30):  # many others write meanwhile, 0.1 s apart
        clock.now += 0.1
        assert limiter.check(f"tg:{citizen}") == "ok"
    assert limiter.check("tg:flood") == "ok"  # 3 s: one token and a half back, not a new bucket
    assert limiter.check("tg:flood") == "warn"


async def test_assistant_answers_a_flood_with_one_polite_notice(tmp_path: Path) -> None:
    assistant = await make_assistant(tmp_path)
    ratelimit.install(assistant, FloodLimiter(burst=2, rate=0.0, clock=Clock()))
    try:
        answers = [(await assistant.handle(text("xin chao"))).replies for _ in range(5)]
        other = (await assistant.handle(text("xin chao", user=99))).replies
    finally:
        await assistant.db.close()
    assert [len(a) for a in answers] == [1, 1, 1, 0, 0]
    assert answers[2][0].text == m.SLOW_DOWN
    assert other[0].text == m.HELLO_REPLY


async def test_staff_are_never_slowed_down(tmp_path: Path) -> None:
    assistant = await make_assistant(tmp_path, staff_ids=frozenset({4242}))
    ratelimit.install(assistant, FloodLimiter(burst=1, rate=0.0, clock=Clock()))
    try:
        answers = [(await assistant.handle(text("xin chao"))).replies for _ in range(3)]
    finally:
        await assistant.db.close()
    assert [a[0].text for a in answers] == [m.HELLO_REPLY] * 3

"""One registry of commands, button prefixes, hooks and jobs, which refuses a duplicate; and the
one owner of background work outside Telegram."""

from __future__ import annotations

import asyncio
import datetime as dt
import types
from pathlib import Path

import pytest

from bot import messages as m
from bot.app import FEATURES, register_features
from bot.core.assistant import Assistant
from bot.core.registry import DuplicateEntry, Job, Registry
from bot.core.replies import Reply
from bot.core.turn import Turn
from bot.frontends.background import Background
from bot.frontends.telegram.jobs import ptb_days
from tests.core_fixtures import command, make_assistant, press
from tests.flow_fixtures import tiny


async def nothing(turn: Turn) -> list[Reply]:
    return []


def test_a_command_registered_twice_is_refused_naming_both_owners() -> None:
    registry = Registry()
    registry.command("gapcanbo", nothing, owner="handoff")
    with pytest.raises(DuplicateEntry, match=r"/gapcanbo .* by handoff and by copy"):
        registry.command("GapCanBo", nothing, owner="copy")


def test_a_button_prefix_registered_twice_is_refused() -> None:
    registry = Registry()
    registry.button("r", nothing, owner="feedback")
    with pytest.raises(DuplicateEntry, match=r"prefix 'r' .* by feedback and by rating"):
        registry.button("r", nothing, owner="rating")
    with pytest.raises(ValueError, match="non-empty word"):
        registry.button("r:u", nothing, owner="rating")


async def test_a_feature_that_takes_a_core_button_stops_the_start_up(tmp_path: Path) -> None:
    def register(assistant: Assistant) -> None:
        assistant.registry.button("p", nothing, owner="cards-again")

    clash = types.SimpleNamespace(register=register)
    with pytest.raises(DuplicateEntry, match=r"prefix 'p' .* by core and by cards-again"):
        await make_assistant(tmp_path, tiny(), features=[*FEATURES, clash])


async def test_registering_the_features_twice_is_refused(tmp_path: Path) -> None:
    bot = await make_assistant(tmp_path, tiny())
    try:
        with pytest.raises(DuplicateEntry, match="registered twice"):
            register_features(bot)
    finally:
        await bot.db.close()


def test_hooks_and_jobs_keep_their_order_and_refuse_a_second_of_the_same_name() -> None:
    registry = Registry()

    async def first(turn: Turn) -> list[Reply] | None:
        return None

    async def second(turn: Turn) -> list[Reply] | None:
        return None

    registry.text_hook("comment", first, owner="feedback")
    registry.text_hook("handoff", second, owner="handoff")
    assert registry.text_hooks == (first, second)
    with pytest.raises(DuplicateEntry, match="text hook 'comment'"):
        registry.text_hook("comment", second, owner="other")

    async def run(sender: object) -> None:
        return None

    registry.job(Job("retention", run, "staff", at=dt.time(3, 0)))
    with pytest.raises(DuplicateEntry, match="job 'retention'"):
        registry.job(Job("retention", run, "other", every=5.0))
    with pytest.raises(ValueError, match="exactly one"):
        Job("both", run, "x", at=dt.time(3, 0), every=5.0)


async def test_every_feature_is_reachable_through_the_registry(tmp_path: Path) -> None:
    bot = await make_assistant(tmp_path, tiny(), staff_chat_id=-100)
    try:
        owners = {route.key: route.owner for route in bot.registry.commands}
        buttons = {route.key: route.owner for route in bot.registry.buttons}
        resumed = (await bot.handle(command("tieptuc"))).replies
        stale = (await bot.handle(press("zz:1"))).replies
    finally:
        await bot.db.close()
    assert owners["gapcanbo"] == "handoff" and owners["xoadulieu"] == "retention"
    assert buttons["r"] == "feedback" and buttons["c"] == "checklist"
    assert resumed[0].text == m.RESUME_NOTHING
    assert stale[0].text == m.STALE_BUTTON_TEXT


def test_job_days_follow_ptb_which_counts_from_sunday() -> None:
    assert ptb_days(0) == (1,)  # Monday
    assert ptb_days(6) == (0,)  # Sunday
    assert ptb_days(None) == (0, 1, 2, 3, 4, 5, 6)


async def test_the_background_owner_runs_jobs_and_stops_them_all() -> None:
    ran: list[str] = []

    async def tick(sender: object) -> None:
        ran.append("tick")

    async def broken(sender: object) -> None:
        ran.append("broken")
        raise RuntimeError("the staff chat is gone")

    async def sender(reply: Reply) -> None:
        return None

    jobs = [
        Job("tick", tick, "test", every=0.01),
        Job("broken", broken, "test", every=0.01, at_start=True),
        Job("weekly", tick, "test", at=dt.time(8, 0), weekday=0),
    ]
    owner = Background(jobs, sender, dt.UTC)
    async with owner:
        assert owner.running == 3
        for _ in range(500):  # until each repeating job ran twice (a loaded machine is slow)
            if ran.count("tick") >= 2 and ran.count("broken") >= 2:
                break
            await asyncio.sleep(0.01)
        assert owner.running == 3  # a failing job keeps its schedule
    assert owner.running == 0
    assert ran.count("tick") >= 2 and ran.count("broken") >= 2
    assert ran[0] == "broken"  # at start, before its first interval
    count = len(ran)
    await asyncio.sleep(0.05)
    assert len(ran) == count  # nothing runs after stop

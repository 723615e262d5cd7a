"""Fixtures for the Telegram layer's tests (see tests/harness.py for the API)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bot.tools.fakebotapi.server import FakeTelegram
from tests.harness import BotHarness, BotProcess, start_bot


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    """A fresh fake Bot API server on a free 127.0.0.1 port."""
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def tg_bot(fake_tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The real bot, in process, polling the fake server; a citizen's chat with it."""
    async with start_bot(fake_tg, tmp_path) as harness:
        yield harness


@pytest.fixture
def bot_process(fake_tg: FakeTelegram, tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    """A factory of `python -m bot run` subprocesses against the fake server (stopped after)."""
    made: list[BotProcess] = []

    def make(env: dict[str, str] | None = None) -> BotProcess:
        process = BotProcess(fake_tg, tmp_path, env)
        made.append(process)
        return process

    yield make
    for process in made:
        process.stop()

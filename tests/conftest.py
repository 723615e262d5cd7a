"""Shared fixtures: the one bot of the core's tests, and the Telegram layer's (tests/harness.py).

`bot` is an assistant with every feature on a fresh database, closed after the test. A test
module sets what its bot needs with two module attributes: `BOT_CATALOGUE` (a function that
returns a catalogue, e.g. `flow_fixtures.tiny`; the shipped catalogue by default) and
`BOT_SETTINGS` (keyword arguments for `Settings`, e.g. a staff chat). `make_bot` makes more.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.catalogue.model import Catalogue
from bot.core.assistant import Assistant
from bot.tools.fakebotapi.server import FakeTelegram
from tests.core_fixtures import make_assistant
from tests.harness import STAFF_CHAT, STAFF_MEMBER, BotHarness, BotProcess, start_bot

MakeBot = Callable[..., Awaitable[Assistant]]


def _database_threads() -> set[threading.Thread]:
    """The live worker threads of aiosqlite connections (each keeps the process alive)."""
    return {t for t in threading.enumerate() if "_connection_worker_thread" in t.name}


@pytest.fixture(autouse=True, scope="session")
def _derived_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the derived-data cache (bot.catalogue.derived) of a test run in its tmp folder, for
    the tests' own processes and the bots they start."""
    before = os.environ.get("BOT_CACHE_DIR")
    os.environ["BOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("derived-cache"))
    yield
    if before is None:
        del os.environ["BOT_CACHE_DIR"]
    else:
        os.environ["BOT_CACHE_DIR"] = before


@pytest.fixture(autouse=True)
def _no_database_left_open() -> Iterator[None]:
    """Fail a test that leaves a database connection open: its thread would keep the test
    run (or, in the bot, the process) alive after the end, so that nothing restarts it."""
    before = _database_threads()
    yield
    deadline = time.monotonic() + 5.0
    while (left := _database_threads() - before) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not left, f"{len(left)} database connection(s) left open by this test"


@pytest.fixture
async def make_bot(tmp_path: Path) -> AsyncIterator[MakeBot]:
    """Make assistants (`await make_bot(catalogue, **settings)`), each on its own database."""
    made: list[Assistant] = []

    async def make(catalogue: Catalogue | None = None, **settings: Any) -> Assistant:
        folder = tmp_path / f"bot{len(made)}" if made else tmp_path  # the first in tmp_path
        folder.mkdir(exist_ok=True)
        assistant = await make_assistant(folder, catalogue, **settings)
        made.append(assistant)
        return assistant

    yield make
    for assistant in made:
        await assistant.db.close()


@pytest.fixture
async def bot(request: pytest.FixtureRequest, make_bot: MakeBot) -> Assistant:
    """An assistant with every feature, as the test module's BOT_CATALOGUE/BOT_SETTINGS say."""
    catalogue = getattr(request.module, "BOT_CATALOGUE", None)
    settings = getattr(request.module, "BOT_SETTINGS", {})
    return await make_bot(catalogue() if catalogue else None, **settings)


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
async def staffed_bot(fake_tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The real bot with a staff chat (STAFF_CHAT) and one staff member (STAFF_MEMBER)."""
    async with start_bot(
        fake_tg, tmp_path, staff_chat_id=STAFF_CHAT, staff_ids=frozenset({STAFF_MEMBER})
    ) as harness:
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

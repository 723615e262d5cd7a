"""Shared fixtures for the web chat's tests: a server on a free port, and visitors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.core.assistant import Assistant
from bot.frontends.web.server import WebChat
from bot.frontends.web.service import WebService, start
from tests.core_fixtures import make_assistant


@dataclass
class RunningWeb:
    """A web chat serving on 127.0.0.1, and what it serves."""

    url: str
    chat: WebChat
    service: WebService

    @property
    def assistant(self) -> Assistant:
        """The assistant behind the page."""
        return self.chat.assistant

    def visitor(self) -> httpx.AsyncClient:
        """A fresh browser-like client: its own cookie jar, redirects followed."""
        return httpx.AsyncClient(base_url=self.url, follow_redirects=True, timeout=10)


async def start_web(tmp_path: Path, **settings: Any) -> RunningWeb:
    """An assistant on a fresh database, served by the web chat on a free port."""
    assistant = await make_assistant(tmp_path, **settings)
    chat = WebChat(assistant, assistant.settings)
    service = start(chat, "127.0.0.1", 0)
    return RunningWeb(f"http://127.0.0.1:{service.port}", chat, service)


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[RunningWeb]:
    """The web chat on the shipped catalogue, on a free port of 127.0.0.1."""
    running = await start_web(tmp_path, bot_username="hungyen_tthc_bot")
    try:
        yield running
    finally:
        await running.service.close()
        await running.assistant.db.close()

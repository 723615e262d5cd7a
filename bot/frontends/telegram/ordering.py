"""The order updates are handled in: different chats at once, one chat's one after another."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

CONCURRENT_UPDATES = 256


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Handle updates of different chats at once, and those of one chat one after another.

    A citizen who presses two buttons quickly gets the answers in that order, and a walkthrough
    step is never handled on top of the one before it.
    """

    def __init__(
        self,
        max_concurrent_updates: int = CONCURRENT_UPDATES,
        started: Callable[[object], None] | None = None,
        finished: Callable[[object], None] | None = None,
        ready: Callable[[object], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}
        self._ready = ready  # awaited before each update is handled; False: not handled now
        self._started = started  # told of each update about to go through the handlers
        self._finished = finished  # told of each update gone through every handler

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's earlier updates, then handle this one."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await self._handle(update, coroutine)
            return
        lock, users = self._locks.setdefault(chat.id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await self._handle(update, coroutine)
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[chat.id]

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers once the update may be (stored); then the update is done with (also
        when they failed for good), unless the bot is stopping (cancelled: it is answered after
        the restart)."""
        if self._ready is not None and not await self._ready(update):
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # not stored: Telegram delivers it again
            return
        if self._started is not None:
            self._started(update)
        try:
            await coroutine
        except asyncio.CancelledError:
            raise
        except BaseException:
            if self._finished is not None:
                self._finished(update)
            raise
        if self._finished is not None:
            self._finished(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

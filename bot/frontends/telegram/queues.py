"""Per-chat send queues, so that a slow chat never delays another chat's reply.

Telegram takes at most 20 messages a minute in one group (the staff chat, a group a citizen
added the bot to). Messages for a group, and messages for a chat other than the one whose update
is being handled (a hand-off post, a staff answer), are not sent by the handler: they go to the
target chat's own queue, whose worker waits for the group's pace on its own and then sends with
one of a few background slots. The handler returns at once; the slots that answer citizens in
their private chats are never held by a message waiting for a group's turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.addresses import Address
from bot.frontends.telegram.sendrate import SendRate

log = logging.getLogger("bot.frontends.telegram.bot")

# Telegram's limit for one group: 20 messages a minute.
GROUP_MESSAGES = 20
GROUP_PERIOD = 60.0
# Messages waiting for one chat; past this the newest are dropped with a log line (at a group's
# pace, 200 messages is ten minutes of sending).
QUEUE_LIMIT = 200
# Background sends under way at once (the private replies have their own slots).
BACKGROUND_SLOTS = 4

Job = Callable[[], Awaitable[Any]]


def is_group(chat_id: int) -> bool:
    """Whether a Telegram chat id is a group, supergroup or channel (they are negative)."""
    return chat_id < 0


class ChatQueues:
    """One queue and one worker per chat with messages waiting; a pacer for each group."""

    def __init__(
        self,
        group_messages: float = GROUP_MESSAGES,
        group_period: float = GROUP_PERIOD,
        limit: int = QUEUE_LIMIT,
    ) -> None:
        self._group_messages = group_messages
        self._group_period = group_period
        self._limit = limit
        self._queues: dict[Address, asyncio.Queue[tuple[Job, asyncio.Future[Any]]]] = {}
        self._workers: dict[Address, asyncio.Task[None]] = {}
        self._pacers: dict[int, SendRate] = {}
        self.slots: asyncio.Semaphore | None = None

    def pending(self, chat: Address | None = None) -> int:
        """Messages waiting (for one chat, or for all)."""
        if chat is not None:
            queue = self._queues.get(chat)
            return queue.qsize() if queue is not None else 0
        return sum(q.qsize() for q in self._queues.values())

    def put(self, chat: Address, job: Job) -> asyncio.Future[Any]:
        """Queue a send for a chat; the future is done once it was sent (or dropped)."""
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        queue = self._queues.get(chat)
        if queue is None:
            queue = self._queues[chat] = asyncio.Queue()
            self._workers[chat] = asyncio.create_task(self._work(chat, queue))
        if queue.qsize() >= self._limit:
            log.warning("a chat has %d messages waiting; a new one is dropped", queue.qsize())
            done.set_result(None)
            return done
        queue.put_nowait((job, done))
        return done

    def paced(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """Send to a group inside this block: it waits for the group's turn (at most
        GROUP_MESSAGES within any GROUP_PERIOD, counted from the turn to the answer); other
        chats pass at once."""
        if not is_group(chat_id) or self._group_messages <= 0:
            return contextlib.nullcontext()
        pacer = self._pacers.get(chat_id)
        if pacer is None:
            if len(self._pacers) > 1024:  # forget the groups that are idle
                for key, idle in list(self._pacers.items()):
                    if idle.idle():
                        del self._pacers[key]
            pacer = SendRate(self._group_messages, self._group_period)
            self._pacers[chat_id] = pacer
        return pacer.sending()

    async def _work(
        self, chat: Address, queue: asyncio.Queue[tuple[Job, asyncio.Future[Any]]]
    ) -> None:
        try:
            while not queue.empty():
                job, done = queue.get_nowait()
                try:
                    result = await job()  # a group's pace is awaited by the send itself
                except asyncio.CancelledError:
                    done.cancel()
                    raise
                except Exception as exc:  # one failed message never stops the queue
                    log.error("a queued message failed: %s", type(exc).__name__)
                    done.set_result(None)
                else:
                    done.set_result(result)
        finally:
            if self._queues.get(chat) is queue:
                del self._queues[chat]
                del self._workers[chat]
            while not queue.empty():  # cancelled: nothing more will be sent
                queue.get_nowait()[1].cancel()

    async def close(self, timeout: float = 5.0) -> None:
        """Send what can be sent within `timeout`, then drop the rest (logged)."""
        workers = list(self._workers.values())
        if not workers:
            return
        _, late = await asyncio.wait(workers, timeout=timeout)
        if late:
            log.warning("stopping with %d queued messages not sent", self.pending())
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

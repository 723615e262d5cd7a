"""Telegram's overall limit (about 30 messages a second), shared out by priority.

Every message and edit the bot sends takes a turn here (`sending`) before it takes a
connection. Telegram counts a message when it arrives, at a moment the bot does not know, but
which lies between the request leaving and its answer coming back; so a send counts here from
its turn until `window` seconds after its answer. Fewer than `rate` may count at any moment:
then no `window` of Telegram's ever holds more than `rate` of our messages, however late a busy
machine sends what it was allowed to (a plain count of turns given lets a stalled process send
a second's turns at once, and Telegram answers 429).

When turns are short, the waiting sends are served in this order:

- ANSWER: a reply to a question a citizen typed in their private chat;
- FOLLOW_UP: other replies in the private chat of the update being handled (a command, a
  button's edit: the press itself is acknowledged at once, since answering a button press does
  not count towards the limit);
- BACKGROUND: everything else (hand-off posts, messages to groups, staff answers to citizens,
  scheduled messages, notices), from the chat queues.

Lower priorities never take the last `reserve` turns and are spaced evenly (no bursts), so that
an answer finds a free turn at once or within a few milliseconds. So that nothing waits for ever
while higher priorities use up the limit, after `SHARE` turns in a row given to the highest
priority waiting while others waited, the next turn goes to the lower-priority send that has
waited longest. When Telegram still answers 429, every send waits the time it asked for
(`pause`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import time
from collections.abc import AsyncIterator


class Priority(enum.IntEnum):
    """Which sends go first when the turns are short (lower goes first)."""

    ANSWER = 0
    FOLLOW_UP = 1
    BACKGROUND = 2


# Telegram's window (a send counts from its turn until this long after its answer).
WINDOW_SECONDS = 1.0
# Turns that only answers may take (a quarter of Telegram's 30 a second).
RESERVE_SHARE = 0.25
# With lower-priority sends waiting, at most this many turns in a row to the first priority.
SHARE = 4


class SendRate:
    """Fewer than `rate` sends count at once (see above), answers first; rate 0: no limit."""

    def __init__(self, rate: float, window: float = WINDOW_SECONDS) -> None:
        self.rate = int(rate)
        self.window = window
        self.reserve = int(self.rate * RESERVE_SHARE)
        self._spacing = window / self.rate if self.rate > 0 else 0.0
        self._under_way = 0  # sends between their turn and their answer
        self._expiring: collections.deque[float] = collections.deque()  # when each stops counting
        self._last_low = float("-inf")  # when a lower-priority send last had its turn
        self._in_a_row = 0  # turns given to the first priority waiting while others waited
        self._paused_until = 0.0
        # For each priority, the sends waiting: when each began to wait, and its future.
        self._waiting: dict[Priority, collections.deque[tuple[float, asyncio.Future[None]]]] = {
            p: collections.deque() for p in Priority
        }
        self._timer: asyncio.TimerHandle | None = None

    @property
    def enabled(self) -> bool:
        """Whether sends are limited at all."""
        return self.rate > 0

    def waiting(self) -> int:
        """Sends waiting for a turn."""
        return sum(1 for q in self._waiting.values() for _, f in q if not f.done())

    def idle(self) -> bool:
        """Whether nothing waits, is under way, or still counts."""
        now = time.monotonic()
        recent = bool(self._expiring) and self._expiring[-1] > now
        return not self.waiting() and not self._under_way and not recent

    @contextlib.asynccontextmanager
    async def sending(self, priority: Priority = Priority.ANSWER) -> AsyncIterator[None]:
        """Wait for a turn, then send inside the block (the send counts until `window` after).

        With one priority only (the default), turns go first come, first served: as the chat
        queues use it for each group's 20 messages a minute.
        """
        if not self.enabled:
            yield
            return
        await self._turn(priority)
        try:
            yield
        finally:
            self._under_way -= 1
            self._expiring.append(time.monotonic() + self.window)
            if any(self._waiting.values()):
                self._dispatch()

    def pause(self, seconds: float) -> None:
        """Telegram said to wait: no send goes for `seconds` (from now)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        if any(self._waiting.values()):
            self._dispatch()

    async def _turn(self, priority: Priority) -> None:
        """Wait until this send may go (at once when a turn is free and nobody waits)."""
        if not any(self._waiting.values()):
            wait = self._ready_in(priority, time.monotonic())
            if wait is not None and wait <= 0:
                self._give(priority, time.monotonic())
                return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[priority].append((time.monotonic(), future))
        self._dispatch()
        try:
            await future  # cancelled while waiting: the future is cancelled and skipped
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():  # a turn given, never to be used
                self._under_way -= 1
                self._dispatch()
            raise

    def _ready_in(self, priority: Priority, now: float) -> float | None:
        """Seconds until a send of this priority may go (0 or less: now; None: once a send
        under way has its answer)."""
        expiring = self._expiring
        while expiring and expiring[0] <= now:
            expiring.popleft()
        limit = self.rate if priority == Priority.ANSWER else max(1, self.rate - self.reserve)
        at = self._paused_until
        excess = self._under_way + len(expiring) - limit  # this many and one more must end
        if excess >= 0:
            if excess >= len(expiring):
                return None
            at = max(at, expiring[excess])
        if priority != Priority.ANSWER:
            at = max(at, self._last_low + self._spacing)
        return at - now

    def _give(self, priority: Priority, now: float) -> None:
        self._under_way += 1
        if priority != Priority.ANSWER:
            self._last_low = now
        higher = any(q for p, q in self._waiting.items() if p < priority)
        lower = any(q for p, q in self._waiting.items() if p > priority)
        self._in_a_row = 0 if higher or not lower else self._in_a_row + 1

    def _candidates(self) -> list[tuple[Priority, asyncio.Future[None]]]:
        """The first send waiting at each priority, in the order they are preferred."""
        for queue in self._waiting.values():
            while queue and queue[0][1].done():  # cancelled while waiting
                queue.popleft()
        heads = [(p, q[0]) for p, q in self._waiting.items() if q]
        if len(heads) > 1 and self._in_a_row >= SHARE:
            share = min(heads[1:], key=lambda head: head[1][0])  # lower, waiting longest
            heads.remove(share)
            heads.insert(0, share)
        return [(p, future) for p, (_, future) in heads]

    def _dispatch(self) -> None:
        """Give the turns that are free now; come back when the next one will be."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while True:
            heads = self._candidates()
            if not heads:
                return
            now = time.monotonic()
            waits = [(self._ready_in(p, now), p, f) for p, f in heads]
            ready = next(((p, f) for wait, p, f in waits if wait is not None and wait <= 0), None)
            if ready is None:
                later = [wait for wait, _, _ in waits if wait is not None]
                if later:  # else a send under way will call again when it ends
                    loop = asyncio.get_running_loop()
                    self._timer = loop.call_later(min(later), self._dispatch)
                return
            priority, future = ready
            self._waiting[priority].popleft()
            self._give(priority, now)
            future.set_result(None)

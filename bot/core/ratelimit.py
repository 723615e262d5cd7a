"""A per-citizen token bucket, so that one person flooding the bot cannot slow it for others.

Each citizen has a bucket of `burst` tokens that refills at `rate` tokens a second; every
message, command or button press takes one. When the bucket is empty the citizen gets one
polite "please slow down" and then silence until a token is back. Pure and clock-injectable;
`gate` is what the assistant calls at the top of every turn.
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from bot import messages as m
from bot.addresses import CONSOLE, channel
from bot.core.replies import Incoming, Reply

# A person reads and types: a few messages in a row, then pauses. Clicking through a card's
# sections or ticking a checklist is the fastest honest use, and fits in the burst.
BURST = 20
RATE = 1.0  # tokens per second
MAX_TRACKED = 50_000  # buckets kept in memory; the least recently seen are forgotten

Verdict = Literal["ok", "warn", "drop"]


@dataclass(slots=True)  # one per citizen seen lately (up to MAX_TRACKED)
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class FloodLimiter:
    """Token buckets per user address: `check(user)` says ok, warn (first refusal) or drop."""

    def __init__(
        self,
        burst: int = BURST,
        rate: float = RATE,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.burst = burst
        self.rate = rate
        self.clock = clock
        self.max_tracked = max_tracked
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def check(self, user: str) -> Verdict:
        """Take a token for this user: 'ok', or 'warn' once when empty, then 'drop'."""
        now = self.clock()
        buckets = self._buckets
        bucket = buckets.pop(user, None) or _Bucket(float(self.burst), now)
        buckets[user] = bucket
        if len(buckets) > self.max_tracked:
            buckets.popitem(last=False)
        self._forget_refilled(now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return "ok"
        if bucket.warned:
            return "drop"
        bucket.warned = True
        return "warn"

    def _forget_refilled(self, now: float) -> None:
        """Forget the least recently seen citizens whose bucket is full again: a new bucket is
        the same, so memory follows the citizens writing lately, not every one ever seen."""
        if self.rate <= 0:
            return
        full_after = self.burst / self.rate
        buckets = self._buckets
        for _ in range(2):  # at most two a call: each call adds at most one
            oldest = next(iter(buckets.values()))
            if now - oldest.at < full_after or len(buckets) == 1:
                return
            buckets.popitem(last=False)

    def tracked(self) -> int:
        """How many citizens' buckets are held in memory."""
        return len(self._buckets)


class _Limited(Protocol):
    """What `gate` needs of the assistant: its settings, to let staff through."""

    @property
    def settings(self) -> _Staff: ...


class _Staff(Protocol):
    def is_staff(self, user: str) -> bool: ...


_LIMITERS: weakref.WeakKeyDictionary[object, FloodLimiter] = weakref.WeakKeyDictionary()


def limiter_for(owner: object) -> FloodLimiter:
    """The limiter of one assistant (created with the defaults on first use)."""
    limiter = _LIMITERS.get(owner)
    if limiter is None:
        limiter = _LIMITERS[owner] = FloodLimiter()
    return limiter


def install(owner: object, limiter: FloodLimiter) -> None:
    """Give an assistant its own limiter (other limits, a test clock)."""
    _LIMITERS[owner] = limiter


def gate(owner: _Limited, incoming: Incoming) -> list[Reply] | None:
    """None to answer this turn; else the replies instead of it (one polite notice, then none)."""
    if owner.settings.is_staff(incoming.user) or channel(incoming.user) == CONSOLE:
        # Staff, and the one person at the terminal (piped input is read in full).
        return None
    verdict = limiter_for(owner).check(incoming.user)
    if verdict == "ok":
        return None
    if verdict == "warn":
        return [Reply(m.SLOW_DOWN, notice=m.SLOW_DOWN[:190])]
    return []

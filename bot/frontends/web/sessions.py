"""Anonymous visitors of the web chat: a random token in an HttpOnly cookie, nothing else.

The token is never kept: a visitor is known by a hash of it (`Session.key`), and the core
stores data under the salted hash of that, like a Telegram id. What a visitor sees on the page
(the transcript) lives only in memory, for a bounded number of visitors and messages, and is
forgotten when idle; their progress in guides and checklists is in the database like anyone's.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.addresses import WEB, Address, address, channel, local
from bot.core.replies import Incoming, IncomingKind, Keyboard

COOKIE = "tthc_phien"
COOKIE_DAYS = 30  # a guide or checklist can be continued for a month from the same browser
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
MAX_SESSIONS = 5_000  # visitors whose transcript is kept in memory (least recent forgotten)
MAX_MESSAGES = 40  # transcript entries kept per visitor
IDLE_SECONDS = 12 * 3600.0  # a transcript not touched for this long is forgotten


@dataclass
class Message:
    """One entry of the transcript: the visitor's own text, or a reply of the bot."""

    id: int
    mine: bool
    text: str  # the visitor's raw text (escaped when shown), or the reply's markup
    buttons: Keyboard = ()


@dataclass
class Session:
    """One visitor: their transcript and what was last said to them as a notice."""

    key: str
    messages: list[Message] = field(default_factory=list)
    notice: str = ""
    seen: float = 0.0
    next_id: int = 1
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def address(self) -> Address:
        """The address under which the core knows this visitor: "web:<hash of the token>"."""
        return address(WEB, self.key)

    def incoming(
        self, kind: IncomingKind, text: str = "", command: str = "", args: str = "", data: str = ""
    ) -> Incoming:
        """What the visitor did, as the core's `Incoming`."""
        return Incoming(
            chat=self.address,
            user=self.address,
            kind=kind,
            text=text,
            command=command,
            args=args,
            data=data,
        )

    def add(self, mine: bool, text: str, buttons: Keyboard = ()) -> Message:
        """Append to the transcript (the oldest entries go past MAX_MESSAGES)."""
        message = Message(self.next_id, mine, text, buttons)
        self.next_id += 1
        self.messages.append(message)
        del self.messages[:-MAX_MESSAGES]
        return message

    def find(self, message_id: int) -> Message | None:
        """A transcript entry by id, if still kept."""
        return next((m for m in self.messages if m.id == message_id), None)

    def clear(self) -> None:
        """Forget the transcript (after the visitor erased their data)."""
        self.messages.clear()
        self.notice = ""


def new_token() -> str:
    """A fresh random session token for the cookie."""
    return secrets.token_urlsafe(32)


def valid_token(token: str | None) -> bool:
    """Whether a cookie value has the shape of a token this server hands out."""
    return bool(token) and _TOKEN.match(token or "") is not None


def token_key(token: str) -> str:
    """The hash a visitor is known by; the token itself is never kept."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


class SessionStore:
    """The visitors seen recently, least recently seen forgotten first."""

    def __init__(
        self,
        max_sessions: int = MAX_SESSIONS,
        idle: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_sessions = max_sessions
        self.idle = idle
        self.clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def find(self, addr: Address) -> Session | None:
        """The visitor at an address, if their session is still in memory."""
        return self._sessions.get(local(addr)) if channel(addr) == WEB else None

    def get(self, token: str) -> Session:
        """The visitor holding this token (a new, empty session if unknown or expired)."""
        now = self.clock()
        self._expire(now)
        key = token_key(token)
        session = self._sessions.pop(key, None) or Session(key)
        session.seen = now
        self._sessions[key] = session
        while len(self._sessions) > self.max_sessions:
            self._sessions.popitem(last=False)
        return session

    def _expire(self, now: float) -> None:
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.seen <= self.idle:
                return
            self._sessions.popitem(last=False)

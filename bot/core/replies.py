"""Plain data in and out of the core: what a citizen sent, what the bot answers.

Nothing here knows about Telegram; each front end converts to and from these types. Users and
chats are opaque addresses with their channel ("tg:12345", "web:…", "console:local"; see
`bot.addresses`). `Assistant.handle` returns an `Answer`: the replies, and the `Decision` it
took (which front ends log, and tools measure), so that nothing needs a hook into the turn.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.addresses import Address, channel
from bot.core.markup import esc

__all__ = ["Answer", "Button", "Decision", "Incoming", "Keyboard", "Reply", "esc", "rows"]

# Telegram's limits, which every front end respects so that the core's replies fit anywhere.
MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64

IncomingKind = Literal["text", "command", "button", "media"]


@dataclass(frozen=True)
class Incoming:
    """One thing a citizen did: wrote text, sent a command, pressed a button, sent media."""

    chat: Address
    user: Address
    kind: IncomingKind = "text"
    text: str = ""
    command: str = ""
    args: str = ""
    data: str = ""
    media: str = ""
    message_id: int | None = None
    reply_to_message_id: int | None = None
    reply_to_text: str = ""
    user_name: str = ""
    # A chat of several people (a Telegram group): the bot keeps quiet there unless addressed.
    group: bool = False
    # Whether the message replied to is one of the bot's own (a hand-off post, for staff).
    reply_to_bot: bool = False

    @property
    def channel(self) -> str:
        """The channel the citizen wrote on ("tg", "web", "console"), from their address."""
        return channel(self.user)


@dataclass(frozen=True)
class Button:
    """An inline button: either a payload sent back to the bot, or a link."""

    label: str
    data: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        if bool(self.data) == bool(self.url):
            raise ValueError(f"button {self.label!r} needs exactly one of data or url")
        if len(self.data.encode()) > MAX_CALLBACK_BYTES:
            raise ValueError(f"button payload too long: {self.data!r}")


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Attachment:
    """A file sent after a reply's text (the weekly report as HTML)."""

    filename: str
    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class Reply:
    """One message from the bot.

    `text` is in the core's markup (`bot.core.markup`: b, i, code, links, newlines; citizen
    and catalogue text escaped with `esc`), rendered by each front end; `notice` (a short
    toast) and button labels are plain text.
    """

    text: str
    buttons: Keyboard = ()
    edit: bool = False
    notice: str = ""
    # Where to send it; None: the chat the turn came from.
    chat: Address | None = None
    reply_to_message_id: int | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=False)
    document: Attachment | None = None  # sent as a file right after the text
    # The id of a message in `chat` that this reply replaces (edits), e.g. a staff post.
    replaces: int | None = None
    # Called by the front end with the id of the message it sent (the first part), so that
    # the core can find the message again (a hand-off's post, to edit when it is withdrawn).
    on_sent: Callable[[int], Awaitable[None]] | None = field(default=None, compare=False)


DecisionKind = Literal["answer", "clarify", "none", "other"]


@dataclass(frozen=True)
class Decision:
    """What the core made of a turn.

    `kind` is the matcher's reading of a free-text question: show a card ("answer"), offer a
    short choice ("clarify"), or say it does not know ("none"); "other" for everything else
    (commands, buttons, small talk, text a feature was waiting for, media). `procedure` is the
    entry whose card (or section) the turn showed, if any; `candidates` the ids the matcher
    ranked, best first; `aspect` the part of the card asked about ("fee", "documents"...).
    """

    kind: DecisionKind = "other"
    procedure: str | None = None
    candidates: tuple[str, ...] = ()
    aspect: str | None = None


@dataclass(frozen=True)
class Answer:
    """What the core returns for one turn: the replies to send, and what it decided."""

    replies: list[Reply]
    decision: Decision = field(default_factory=Decision)


# Pushes a reply to `reply.chat` outside a turn (scheduled reports, staff answers).
Sender = Callable[["Reply"], Awaitable[Any]]


def rows(*buttons: Button, width: int = 1) -> Keyboard:
    """Lay buttons out in rows of `width`."""
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a long message on line boundaries so that each part fits Telegram's limit.

    Lines are never cut inside a tag: the core's markup is per line, and an overlong
    single line is cut at a space (or hard) as a last resort.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            # Never leave a half entity such as "&am" at the cut.
            amp = line.rfind("&", 0, cut)
            if amp != -1 and ";" not in line[amp:cut]:
                cut = amp
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return [p for p in parts if p.strip()] or [text[:limit]]

"""Who and where: opaque addresses of users and chats, each with its channel.

The core never sees a transport's own ids. A front end turns them into an address
`"<channel>:<local id>"` ("tg:12345", "web:3f9a…", "console:local") on the way in and back on
the way out; everything between (rate limits, remembered context, stored hashes, hand-offs)
treats an address as an opaque string.
"""

from __future__ import annotations

TELEGRAM = "tg"
WEB = "web"
CONSOLE = "console"

# An address is a plain string, so that it stores, logs and compares without ceremony.
Address = str


def address(channel: str, local: object) -> Address:
    """The address of a user or chat of a channel: `address("tg", 12345) == "tg:12345"`."""
    return f"{channel}:{local}"


def channel(addr: Address) -> str:
    """The channel an address belongs to ("tg", "web", "console")."""
    return addr.partition(":")[0]


def local(addr: Address) -> str:
    """The part of an address its channel understands ("12345" for "tg:12345")."""
    return addr.partition(":")[2]


def telegram(telegram_id: int) -> Address:
    """The address of a Telegram user or chat id."""
    return address(TELEGRAM, telegram_id)


def telegram_id(addr: Address) -> int | None:
    """The Telegram id of a Telegram address; None for any other channel or a malformed one."""
    if channel(addr) != TELEGRAM:
        return None
    try:
        return int(local(addr))
    except ValueError:
        return None

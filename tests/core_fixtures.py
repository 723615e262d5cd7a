"""Shared helpers for tests of the core: an assistant on a fresh database, the citizen's turns,
and the one transcript helper. The `bot` and `make_bot` fixtures (tests/conftest.py) use them."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from bot.addresses import Address, telegram
from bot.app import FEATURES, Feature, register_features
from bot.catalogue.model import Catalogue, build
from bot.core.assistant import Assistant
from bot.core.replies import Incoming, Reply
from bot.core.turn import Static
from bot.matching.matcher import Matcher
from bot.settings import Settings
from bot.storage.database import open_database

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "procedures.yaml"
CHAT = 4242


@functools.cache
def shipped_catalogue() -> Catalogue:
    """The catalogue shipped in the repository (read once per test session)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(CATALOGUE.read_text(encoding="utf-8"), Loader=loader)
    return build(data, source=str(CATALOGUE))


@functools.cache
def shipped_matcher() -> Matcher:
    """The index of the shipped catalogue, built once per test session."""
    return Matcher(shipped_catalogue())


async def make_assistant(
    tmp_path: Path,
    catalogue: Catalogue | None = None,
    features: Sequence[Feature] = FEATURES,
    **settings: Any,
) -> Assistant:
    """An assistant with the features (by default all) registered, on a fresh database."""

    matcher = Matcher(catalogue) if catalogue else shipped_matcher()
    catalogue = catalogue or shipped_catalogue()
    db = await open_database(tmp_path / "bot.sqlite3")
    settings.setdefault("database", tmp_path / "bot.sqlite3")
    try:
        assistant = Assistant(Static(catalogue, matcher), db, Settings(**settings))
        register_features(assistant, features)
    except BaseException:
        await db.close()
        raise
    return assistant


def who(user: int | Address) -> Address:
    """An address: a bare number is a Telegram user (whose private chat has the same id)."""
    return telegram(user) if isinstance(user, int) else user


def text(said: str, user: int | Address = CHAT) -> Incoming:
    """A citizen's text message, in their private chat."""
    return Incoming(chat=who(user), user=who(user), kind="text", text=said)


def command(name: str, args: str = "", user: int | Address = CHAT) -> Incoming:
    """A citizen's command, e.g. command('start')."""
    return Incoming(chat=who(user), user=who(user), kind="command", command=name, args=args)


def press(data: str, user: int | Address = CHAT) -> Incoming:
    """A citizen pressing a button with this payload."""
    return Incoming(chat=who(user), user=who(user), kind="button", data=data, message_id=1)


def payloads(replies: list[Reply]) -> list[str]:
    """Every button payload in the replies, in order."""
    return [b.data for r in replies for row in r.buttons for b in row if b.data]


def labels(replies: list[Reply]) -> list[str]:
    """Every button label in the replies, in order."""
    return [b.label for r in replies for row in r.buttons for b in row]


def joined(replies: list[Reply]) -> str:
    """All reply texts as one string."""
    return "\n".join(r.text for r in replies)


Transcript = list[tuple[Incoming, str]]


async def transcript(bot: Assistant, turns: Transcript) -> list[list[Reply]]:
    """Play a dialogue: each expected fragment must appear in the bot's answer to its turn
    (the texts, the notices or the button labels); return every turn's replies."""
    seen = []
    for said, expected in turns:
        replies = (await bot.handle(said)).replies
        shown = "\n".join([joined(replies), *(r.notice for r in replies), *labels(replies)])
        assert expected in shown, (said, replies)
        seen.append(replies)
    return seen

"""What one turn of the conversation works with: the chat's remembered context, the catalogue
and index in service (`Source`, `Snapshot`), the `Turn` every handler receives, and `Core`,
what a handler may ask of the assistant (`bot.core.assistant.Assistant` is it: this module
does not import it, so that the two never import each other)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from bot.catalogue.model import Catalogue
from bot.catalogue.national import NationalProcedure
from bot.core import events
from bot.core.events import Pending
from bot.core.registry import Registry
from bot.core.replies import DecisionKind, Incoming, Keyboard, Reply
from bot.settings import Settings
from bot.storage.database import Database

if TYPE_CHECKING:  # the matcher is imported with the index, not before the greeting
    from bot.matching.matcher import Match, Matcher

CARD_QUESTIONS_KEPT = 10


class Snapshot(Protocol):
    """A catalogue and the index built for it (bot.catalogue.reload.Loaded fits)."""

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def index(self) -> Matcher: ...


class Source(Protocol):
    """Where the assistant reads the snapshot in service (a `CatalogueHolder` fits)."""

    @property
    def current(self) -> Snapshot: ...


@dataclass(slots=True)  # one per chat seen lately (up to CONTEXT_CHATS): kept small
class ChatContext:
    """What the assistant remembers of a chat between turns, in memory only."""

    last_entry: str | None = None
    last_question: str = ""
    # How the citizen is addressed when they said it ("bác" ...); None: the default "bạn".
    address: str | None = None
    # The question that produced each card shown lately (entry id -> question), so that a
    # rating or a hand-off about a card is linked to it, not to whatever was asked since.
    card_questions: dict[str, str] = field(default_factory=dict)

    def card_question(self, entry_id: str | None) -> str:
        """The question that produced the card of `entry_id` (the latest one if unknown)."""
        if entry_id is None:
            return self.last_question
        return self.card_questions.get(entry_id, self.last_question)

    def saw_card(self, entry_id: str, question: str) -> None:
        """Remember the question behind a card (a few cards per chat, the newest kept)."""
        self.card_questions.pop(entry_id, None)
        self.card_questions[entry_id] = question
        while len(self.card_questions) > CARD_QUESTIONS_KEPT:
            del self.card_questions[next(iter(self.card_questions))]


@dataclass
class Turn:
    """Everything a handler needs for one incoming event."""

    incoming: Incoming
    catalogue: Catalogue
    matcher: Matcher
    user: str
    context: ChatContext
    assistant: Core
    args: list[str] = field(default_factory=list)
    # What the bot waits for this user to type, once read (Turn.waiting; for the text hooks).
    pending: Pending | None = None
    pending_read: bool = False
    # What the turn decided, for the Answer: set by the matcher's reading and by the cards shown.
    kind: DecisionKind = "other"
    shown: str | None = None
    match: Match | None = None

    @property
    def settings(self) -> Settings:
        """The bot's settings."""
        return self.assistant.settings

    @property
    def db(self) -> Database:
        """The bot's database."""
        return self.assistant.db

    async def waiting(self, kinds: tuple[str, ...]) -> Pending | None:
        """What the bot waits for from this user, if one of `kinds` (read once per turn)."""
        if not self.pending_read:
            self.pending = await events.read_pending(self.db, self.user)
            self.pending_read = True
        found = self.pending
        return found if found is not None and found.kind in kinds else None

    async def stop_waiting(self, found: Pending) -> None:
        """Stop waiting for what `waiting` found."""
        await events.forget_pending(self.db, self.user, found.kind)
        self.pending = None


@dataclass(frozen=True)
class Static:
    """A fixed catalogue and index, for tools and tests that need no reload."""

    catalogue: Catalogue
    index: Matcher

    @property
    def current(self) -> Static:
        """Itself: a static source never changes."""
        return self


class Core(Protocol):
    """What a handler may ask of the assistant through `Turn.assistant`."""

    settings: Settings
    db: Database
    source: Source
    registry: Registry[Turn]
    national: Mapping[str, NationalProcedure]

    def stale(self) -> list[Reply]:
        """The answer to a button of a card or list that no longer exists."""
        ...

    def staff_place(self, turn: Turn) -> bool:
        """Whether the turn comes from staff, where staff commands may be answered."""
        ...

    def entry_replies(
        self, turn: Turn, entry_id: str, section: str | None = None, edit: bool = False
    ) -> list[Reply]:
        """The card of an entry (or one of its sections)."""
        ...

    def entry_label(self, catalogue: Catalogue, entry_id: str) -> str:
        """An entry's name as a button or a list shows it."""
        ...

    def fields_keyboard(self, catalogue: Catalogue) -> Keyboard:
        """The buttons of the catalogue's fields."""
        ...

    async def cancel_now(self, turn: Turn, edit: bool = False) -> list[Reply]:
        """Cancel whatever the citizen was doing."""
        ...

"""One registry of what the features add to the conversation, each entry named and in order.

A feature registers, at start-up:
- its commands (`/gapcanbo`) and the prefixes of its button payloads (`h:...`): a command or a
  prefix registered twice is refused with `DuplicateEntry`, naming both owners, so that two
  features can never silently answer the same button;
- hooks, run in the order they were registered: text hooks (the next text answers a question
  the bot asked), cancel hooks (`/huy`), rows under a procedure card, rows on the greeting,
  the card's place line for this citizen (the first that gives one wins);
- background jobs (weekly report, retention), which the front end's one owner schedules (on
  Telegram the framework's JobQueue, elsewhere `bot.frontends.background.Background`);
- preparations: work the first question would otherwise wait for (an index built on first
  use), which a front end may run ahead, in a worker thread, while the citizen types.

The assistant reads the registry; nothing else adds to it or pokes at its lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.catalogue.model import Procedure
from bot.core.replies import Button, Reply, Sender

# The turn a handler gets (`bot.core.assistant.Turn`); a type parameter, so that this module
# needs nothing from the assistant, which needs the registry.
T = TypeVar("T")
H = TypeVar("H")
Rows = list[tuple[Button, ...]]
JobRun = Callable[[Sender], Awaitable[None]]


class DuplicateEntry(ValueError):
    """Two registrations of the same command, button prefix, hook or job."""


@dataclass(frozen=True)
class Route(Generic[H]):
    """A command or button prefix, the handler it goes to, and who registered it."""

    key: str
    handler: H
    owner: str
    staff: bool = False


@dataclass(frozen=True)
class Hook(Generic[H]):
    """A named hook, run in registration order."""

    name: str
    run: H
    owner: str


@dataclass(frozen=True)
class Job:
    """Background work: every `every` seconds, or daily at the local time `at` (only on
    `weekday`, 0 = Monday, when set); `at_start` also runs it once when the bot starts."""

    name: str
    run: JobRun
    owner: str
    at: dt.time | None = None
    weekday: int | None = None
    every: float | None = None
    at_start: bool = False

    def __post_init__(self) -> None:
        if (self.at is None) == (self.every is None):
            raise ValueError(f"job {self.name!r} needs exactly one of `at` or `every`")
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError(f"job {self.name!r}: weekday must be 0 (Monday) to 6")


class Registry(Generic[T]):
    """Commands, button prefixes, hooks and jobs, each registered once (T: the turn type)."""

    def __init__(self) -> None:
        self._commands: dict[str, Route[Callable[[T], Awaitable[list[Reply]]]]] = {}
        self._buttons: dict[str, Route[Callable[[T], Awaitable[list[Reply]]]]] = {}
        self._text: list[Hook[Callable[[T], Awaitable[list[Reply] | None]]]] = []
        self._cancel: list[Hook[Callable[[T], Awaitable[bool]]]] = []
        self._cancel_checks: list[Hook[Callable[[T], Awaitable[str | None]]]] = []
        self._card: list[Hook[Callable[[T, Procedure], Rows]]] = []
        self._menu: list[Hook[Callable[[T], Awaitable[Rows]]]] = []
        self._place: list[Hook[Callable[[T, Procedure], str | None]]] = []
        self._jobs: list[Job] = []
        self._prepare: list[Hook[Callable[[], object]]] = []

    # --- registration ----------------------------------------------------------------------

    def command(
        self,
        name: str,
        handler: Callable[[T], Awaitable[list[Reply]]],
        owner: str,
        staff: bool = False,
    ) -> None:
        """Route `/name` to a handler; staff commands are invisible to everyone else."""
        key = name.lower()
        _refuse(self._commands, key, owner, f"the command /{key}")
        self._commands[key] = Route(key, handler, owner, staff)

    def button(
        self, prefix: str, handler: Callable[[T], Awaitable[list[Reply]]], owner: str
    ) -> None:
        """Route button payloads `prefix` and `prefix:...` to a handler."""
        if not prefix or ":" in prefix:
            raise ValueError(f"{owner}: a button prefix is a non-empty word, not {prefix!r}")
        _refuse(self._buttons, prefix, owner, f"the button prefix {prefix!r}")
        self._buttons[prefix] = Route(prefix, handler, owner)

    def text_hook(
        self, name: str, hook: Callable[[T], Awaitable[list[Reply] | None]], owner: str
    ) -> None:
        """Offer every free text to `hook` first (in order); its answer, if any, is the turn's."""
        self._text.append(_hook(self._text, name, hook, owner, "text hook"))

    def cancel_hook(self, name: str, hook: Callable[[T], Awaitable[bool]], owner: str) -> None:
        """Run `hook` on /huy; it says whether it stopped something."""
        self._cancel.append(_hook(self._cancel, name, hook, owner, "cancel hook"))

    def cancel_check(
        self, name: str, hook: Callable[[T], Awaitable[str | None]], owner: str
    ) -> None:
        """Before /huy erases work in progress, `hook` says what it is (None: nothing), so that
        the citizen is asked first."""
        self._cancel_checks.append(_hook(self._cancel_checks, name, hook, owner, "cancel check"))

    def card_rows(self, name: str, hook: Callable[[T, Procedure], Rows], owner: str) -> None:
        """Add the rows `hook` gives under every procedure card (in order)."""
        self._card.append(_hook(self._card, name, hook, owner, "card hook"))

    def menu_rows(self, name: str, hook: Callable[[T], Awaitable[Rows]], owner: str) -> None:
        """Put the rows `hook` gives at the top of the greeting."""
        self._menu.append(_hook(self._menu, name, hook, owner, "menu hook"))

    def place_line(
        self, name: str, hook: Callable[[T, Procedure], str | None], owner: str
    ) -> None:
        """Let `hook` write a card's "Nơi nộp" line for this citizen (None: the catalogue's)."""
        self._place.append(_hook(self._place, name, hook, owner, "place hook"))

    def prepare(self, name: str, hook: Callable[[], object], owner: str) -> None:
        """Let a front end run `hook` ahead of the first question (in a worker thread: it must
        be safe to run beside the conversation, and calling it again must cost nothing)."""
        self._prepare.append(_hook(self._prepare, name, hook, owner, "preparation"))

    def job(self, job: Job) -> None:
        """Background work for the front end's owner to schedule."""
        for known in self._jobs:
            if known.name == job.name:
                raise DuplicateEntry(
                    f"the job {job.name!r} is registered twice: by {known.owner} "
                    f"and by {job.owner}"
                )
        self._jobs.append(job)

    # --- reading ---------------------------------------------------------------------------

    def find_command(self, name: str) -> Route[Callable[[T], Awaitable[list[Reply]]]] | None:
        """The route of a command, if any."""
        return self._commands.get(name.lower())

    def find_button(self, prefix: str) -> Route[Callable[[T], Awaitable[list[Reply]]]] | None:
        """The route of a button prefix, if any."""
        return self._buttons.get(prefix)

    def has_command(self, name: str) -> bool:
        """Whether some feature answers `/name` (e.g. the hand-off's /gapcanbo)."""
        return name.lower() in self._commands

    @property
    def commands(self) -> tuple[Route[Callable[[T], Awaitable[list[Reply]]]], ...]:
        """Every command, in registration order."""
        return tuple(self._commands.values())

    @property
    def buttons(self) -> tuple[Route[Callable[[T], Awaitable[list[Reply]]]], ...]:
        """Every button prefix, in registration order."""
        return tuple(self._buttons.values())

    @property
    def text_hooks(self) -> tuple[Callable[[T], Awaitable[list[Reply] | None]], ...]:
        """The text hooks, in order."""
        return tuple(h.run for h in self._text)

    @property
    def cancel_hooks(self) -> tuple[Callable[[T], Awaitable[bool]], ...]:
        """The cancel hooks, in order."""
        return tuple(h.run for h in self._cancel)

    @property
    def cancel_checks(self) -> tuple[Callable[[T], Awaitable[str | None]], ...]:
        """The cancel checks, in order."""
        return tuple(h.run for h in self._cancel_checks)

    @property
    def card_hooks(self) -> tuple[Callable[[T, Procedure], Rows], ...]:
        """The card hooks, in order."""
        return tuple(h.run for h in self._card)

    @property
    def menu_hooks(self) -> tuple[Callable[[T], Awaitable[Rows]], ...]:
        """The menu hooks, in order."""
        return tuple(h.run for h in self._menu)

    @property
    def place_hooks(self) -> tuple[Callable[[T, Procedure], str | None], ...]:
        """The place-line hooks, in order."""
        return tuple(h.run for h in self._place)

    @property
    def preparations(self) -> tuple[Callable[[], object], ...]:
        """The preparations, in order."""
        return tuple(h.run for h in self._prepare)

    @property
    def jobs(self) -> tuple[Job, ...]:
        """The background jobs, in order."""
        return tuple(self._jobs)


def _refuse(routes: dict[str, Route[H]], key: str, owner: str, what: str) -> None:
    known = routes.get(key)
    if known is not None:
        raise DuplicateEntry(f"{what} is registered twice: by {known.owner} and by {owner}")


def _hook(hooks: list[Hook[H]], name: str, run: H, owner: str, what: str) -> Hook[H]:
    for known in hooks:
        if known.name == name:
            raise DuplicateEntry(
                f"the {what} {name!r} is registered twice: by {known.owner} and by {owner}"
            )
    return Hook(name, run, owner)

"""The conversation around the cards: small talk, "not found", the way a citizen is addressed,
the note on personal numbers and /huy asking before it erases a walk in progress.

Kept apart from `bot.core.assistant`, which routes a turn; these build the replies.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from bot import messages as m
from bot.catalogue.model import Catalogue
from bot.core import smalltalk
from bot.core.replies import Button, Keyboard, Reply, esc, rows
from bot.privacy import strip_personal

if TYPE_CHECKING:  # the matcher is imported with the index, not before the greeting
    from bot.matching.matcher import Match

# What a walk in progress is, in words, when /huy would erase it; None when there is none.
# (Any: the assistant's own Turn, which this module cannot name without an import cycle.)
CancelCheck = Callable[[Any], Awaitable[str | None]]


class _Settings(Protocol):
    @property
    def staff_chat_id(self) -> object: ...


class _Context(Protocol):
    last_question: str


class _Registry(Protocol):
    def has_command(self, name: str) -> bool: ...

    def find_command(self, name: str) -> Any: ...

    @property
    def cancel_checks(self) -> tuple[CancelCheck, ...]: ...


class Assistant(Protocol):
    """What these replies need of `bot.core.assistant.Assistant` (which imports this module)."""

    @property
    def registry(self) -> _Registry: ...

    @property
    def settings(self) -> _Settings: ...

    @property
    def national(self) -> Mapping[str, object]: ...

    def fields_keyboard(self, catalogue: Catalogue) -> Keyboard: ...

    def entry_label(self, catalogue: Catalogue, entry_id: str) -> str: ...

    async def cancel_now(self, turn: Any, edit: bool = False) -> list[Reply]: ...


class Turn(Protocol):
    """What these replies need of `bot.core.assistant.Turn`."""

    @property
    def assistant(self) -> Assistant: ...

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def context(self) -> _Context: ...

    @property
    def args(self) -> list[str]: ...


CANCEL_PREFIX = "k"
# Closest national procedures offered when nothing curated fits.
NOT_FOUND_CLOSEST = 2
_UNDERSTOOD_CHARS = 60


def can_hand_off(assistant: Assistant) -> bool:
    """Whether a question can be handed to staff here (a staff chat to send it to)."""
    return (
        assistant.registry.has_command("gapcanbo") and assistant.settings.staff_chat_id is not None
    )


async def small_talk(turn: Turn, kind: smalltalk.Kind) -> list[Reply]:
    """The short answer to a message that is not a question about a procedure."""
    assistant = turn.assistant
    catalogue = turn.catalogue
    hotline = {"hotline": esc(catalogue.hotline), "hotline_note": esc(catalogue.hotline_note)}
    handoff = rows(Button(m.BUTTON_HANDOFF, data="h"))
    if kind == "hello":
        return [Reply(m.HELLO_REPLY, assistant.fields_keyboard(catalogue))]
    if kind == "thanks":
        return [Reply(m.THANKS_REPLY)]
    if kind == "ack":
        return [Reply(m.ACK_REPLY)]
    if kind == "identity":
        offer = handoff if can_hand_off(assistant) else ()
        return [Reply(m.IDENTITY_REPLY.format(**hotline), offer)]
    if kind == "person":
        if can_hand_off(assistant):
            handoff_route = assistant.registry.find_command("gapcanbo")
            replies: list[Reply] = await handoff_route.handler(turn)
            return replies
        return [Reply(m.PERSON_BY_PHONE.format(**hotline))]
    if can_hand_off(assistant):
        return [Reply(m.INSULT_REPLY_HANDOFF, handoff)]
    return [Reply(m.INSULT_REPLY.format(**hotline))]


def declined(turn: Turn, match: Match) -> Reply | None:
    """A one-line answer instead of "not found": which procedure an aspect question is about,
    or what the bot covers when the question is off topic; None for a real "not found"."""
    from bot.matching.aspects import is_small_talk  # loaded with the index (a match exists)

    keyboard = turn.assistant.fields_keyboard(turn.catalogue)
    if is_small_talk(match.query):
        return Reply(m.OFF_TOPIC, keyboard)
    # "làm thế nào" alone is too weak a sign of a question about a card.
    if match.aspect is not None and match.aspect != "steps":
        name = m.ASPECT_NAMES.get(match.aspect, m.ASPECT_NAMES["documents"])
        return Reply(m.ASPECT_WHICH_PROCEDURE.format(aspect=name), keyboard)
    return None


def not_found(turn: Turn, match: Match | None = None) -> Reply:
    """Three short lines (what was understood, what to do, the hotline) and buttons: the
    closest national procedures, the fields, a hand-off when there is one."""
    assistant = turn.assistant
    catalogue = turn.catalogue
    question = strip_personal(turn.context.last_question)
    if len(question) > _UNDERSTOOD_CHARS:
        question = question[: _UNDERSTOOD_CHARS - 1].rstrip() + "…"
    candidates = match.candidates if match else ()
    closest = [c.id for c in candidates if c.id in assistant.national][:NOT_FOUND_CLOSEST]
    text = m.NOT_FOUND.format(
        understood=esc(question or "…"),
        hint=m.NOT_FOUND_HINT_CLOSE if closest else m.NOT_FOUND_HINT,
        hotline=esc(catalogue.hotline),
        hotline_note=esc(catalogue.hotline_note),
    )
    keyboard = [(Button(assistant.entry_label(catalogue, c), data=f"p:{c}"),) for c in closest]
    keyboard.append((Button(m.BUTTON_FIELDS, data="F"),))
    if can_hand_off(assistant):
        keyboard.append((Button(m.BUTTON_HANDOFF, data="h"),))
    return Reply(text, tuple(keyboard))


def personal_note(text: str, question: str) -> Reply | None:
    """A gentle note when a message carried an id or phone number (already kept out)."""
    return Reply(m.PERSONAL_NOTE) if question != " ".join(text.split()) else None


_YOU = re.compile(r"\b([Bb])ạn\b")


def addressed(replies: list[Reply], form: str | None) -> list[Reply]:
    """Replies with "bạn" turned into the citizen's own form of address ("bác", "ông" ...)."""
    if not form:
        return replies

    def swap(found: re.Match[str]) -> str:
        return form.capitalize() if found.group(1) == "B" else form

    return [replace(r, text=_YOU.sub(swap, r.text)) for r in replies]


async def cancel(turn: Turn) -> list[Reply] | None:
    """/huy while a walk is in progress: ask before erasing it (None: nothing to ask)."""
    for check in turn.assistant.registry.cancel_checks:
        described = await check(turn)
        if described:
            buttons = rows(
                Button(m.BUTTON_CANCEL_YES, data=f"{CANCEL_PREFIX}:yes"),
                Button(m.BUTTON_CANCEL_NO, data=f"{CANCEL_PREFIX}:no"),
            )
            return [Reply(described, buttons)]
    return None


async def cancel_button(turn: Turn) -> list[Reply]:
    """The answer to /huy's question: erase the walk, or keep it."""
    if turn.args[:1] == ["yes"]:
        return await turn.assistant.cancel_now(turn, edit=True)
    return [Reply(m.CANCEL_KEPT, edit=True)]

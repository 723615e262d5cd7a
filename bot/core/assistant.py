"""The assistant: turns one `Incoming` into an `Answer` (the replies and what it decided).

No transport here: users and chats are opaque addresses, replies plain data.

Routing is table-driven: commands by name, buttons by the prefix of their payload
(`prefix:arg:arg`). The core's own commands and buttons, and those of the feature modules
(guides, checklists, feedback, hand-off, staff tools), are entries of one `Registry`
(`Assistant.registry`), which refuses a duplicate; this module stays the one place that
decides what a turn means.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot import messages as m
from bot.addresses import Address
from bot.catalogue.model import Catalogue, Guide, Procedure
from bot.catalogue.national import NationalProcedure
from bot.core import cards, conversation, events, ratelimit, smalltalk
from bot.core.registry import Registry
from bot.core.replies import (
    Answer,
    Button,
    Decision,
    Incoming,
    Keyboard,
    Reply,
    esc,
    rows,
)
from bot.core.turn import ChatContext, Source, Turn
from bot.privacy import strip_personal, user_hash
from bot.settings import Settings
from bot.storage.database import Database

if TYPE_CHECKING:  # the matcher is imported with the index, not before the greeting
    from bot.matching.matcher import Match, Matcher

log = logging.getLogger(__name__)

# Only the start of a very long message is read: a question fits in a few lines, and matching
# cost grows with length.
MAX_QUESTION_CHARS = 600
CONTEXT_CHATS = 20_000
CARD_BUTTONS = 6  # the most buttons under a card; the rest wait behind "Thêm…"


class Assistant:
    """The conversation core shared by the Telegram bot and the terminal chat."""

    def __init__(
        self,
        source: Source,
        db: Database,
        settings: Settings,
        national: Mapping[str, NationalProcedure] | None = None,
    ) -> None:
        self.source = source
        self.db = db
        self.settings = settings
        # Not `national or {}`: a list read on first use (LazyNational) stays unread until then.
        self.national: Mapping[str, NationalProcedure] = {} if national is None else national
        self.registry: Registry[Turn] = Registry()
        self._contexts: OrderedDict[Address, ChatContext] = OrderedDict()
        self._cards = cards.CardTexts()
        self._register_core()

    # --- registration ----------------------------------------------------------------------

    def _register_core(self) -> None:
        command, button = self.registry.command, self.registry.button
        for name in ("start", "menu"):
            command(name, self._start, owner="core")
        command("help", self._help, owner="core")
        command("trogiup", self._help, owner="core")
        command("thutuc", self._fields, owner="core")
        command("huongdan", self._guides, owner="core")
        command("huy", self._cancel, owner="core")
        button("m", self._start, owner="core")  # the greeting
        button("F", self._fields, owner="core")  # the list of fields
        button("f", self._field, owner="core")  # one field's entries
        button("G", self._guides, owner="core")  # the list of guides
        button("p", self._entry, owner="core")  # a card
        button("s", self._section, owner="core")  # a section of a card
        button("v", self._more, owner="core")  # a card's other buttons ("Thêm…"), or back
        button("x", self._none_of_these, owner="core")  # "none of these" after a choice
        button(
            conversation.CANCEL_PREFIX, conversation.cancel_button, owner="core"
        )  # /huy's question

    # --- the turn --------------------------------------------------------------------------

    def snapshot(self) -> tuple[Catalogue, Matcher]:
        """The catalogue and index in service right now, read once per turn."""
        current = self.source.current
        return current.catalogue, current.index

    def context_for(self, chat: Address) -> ChatContext:
        """The remembered context of a chat (least recently used chats are forgotten)."""
        ctx = self._contexts.pop(chat, None) or ChatContext()
        self._contexts[chat] = ctx
        if len(self._contexts) > CONTEXT_CHATS:
            self._contexts.popitem(last=False)
        return ctx

    def staff_place(self, turn: Turn) -> bool:
        """Whether a staff member writes in the staff chat or in their own private chat.

        Staff commands and answers work only there: in any other group, whoever reads along
        would see reports and citizens' questions.
        """
        incoming = turn.incoming
        if not self.settings.is_staff(incoming.user):
            return False
        return incoming.chat in (self.settings.staff_chat, incoming.user)

    def user_key(self, user: Address) -> str:
        """The salted hash under which a user's data is stored."""
        return user_hash(user, self.settings.salt)

    async def handle(self, incoming: Incoming) -> Answer:
        """Answer one incoming event: the replies, and what the core decided."""
        slowed = ratelimit.gate(self, incoming)  # a citizen flooding the bot waits politely
        if slowed is not None:
            return Answer(slowed)
        catalogue, matcher = self.snapshot()
        turn = Turn(
            incoming=incoming,
            catalogue=catalogue,
            matcher=matcher,
            user=self.user_key(incoming.user),
            context=self.context_for(incoming.chat),
            assistant=self,
        )
        replies = conversation.addressed(await self._route(turn), turn.context.address)
        match = turn.match
        decision = Decision(
            kind=turn.kind,
            procedure=turn.shown,
            candidates=tuple(c.id for c in match.candidates) if match else (),
            aspect=match.aspect if match else None,
        )
        return Answer(replies, decision)

    async def _route(self, turn: Turn) -> list[Reply]:
        incoming = turn.incoming
        if incoming.kind == "media":
            return [Reply(m.MEDIA_HINT.get(incoming.media, m.MEDIA_OTHER))]
        if incoming.kind == "command":
            return await self._on_command(turn)
        if incoming.kind == "button":
            return await self._on_button(turn)
        return await self._on_text(turn)

    async def _on_command(self, turn: Turn) -> list[Reply]:
        name = turn.incoming.command.lower()
        route = self.registry.find_command(name)
        if route is None or (route.staff and not self.staff_place(turn)):
            return [Reply(m.UNKNOWN_COMMAND)]
        turn.args = turn.incoming.args.split()
        return await route.handler(turn)

    async def _on_button(self, turn: Turn) -> list[Reply]:
        prefix, _, rest = turn.incoming.data.partition(":")
        route = self.registry.find_button(prefix)
        if route is None:
            return self.stale()
        turn.args = rest.split(":") if rest else []
        return await route.handler(turn)

    async def _on_text(self, turn: Turn) -> list[Reply]:
        text = turn.incoming.text.strip()
        if not text:
            return [Reply(m.EMPTY_TEXT)]
        prefix: list[Reply] = []
        if len(text) > MAX_QUESTION_CHARS:
            text = text[:MAX_QUESTION_CHARS]
            prefix.append(Reply(m.TOO_LONG))
        for hook in self.registry.text_hooks:
            answered = await hook(turn)
            if answered is not None:
                return answered
        turn.context.address = smalltalk.address_form(text) or turn.context.address
        kind = smalltalk.classify(text)
        if kind is not None:
            turn.kind = "other"
            return [*prefix, *await conversation.small_talk(turn, kind)]
        # Phone and id numbers say nothing about the procedure; they only blur the match.
        question = strip_personal(text) or text
        note = conversation.personal_note(text, question)
        if note is not None:
            prefix.append(note)
        match = turn.matcher.match(question, top=3, context=turn.context.last_entry)
        turn.context.last_question = text
        turn.match = match
        await events.record_question(self.db, turn.user, text, match)
        return prefix + await self._answer(turn, match)

    async def _answer(self, turn: Turn, match: Match) -> list[Reply]:
        top = match.candidates[0].id if match.candidates else None
        if match.decision == "answer" and top:
            section = cards.ASPECT_SECTION.get(match.aspect or "")
            replies = self.entry_replies(turn, top, section)
            if replies:
                turn.kind = "answer"
                return replies
        if match.decision in ("answer", "clarify") and match.candidates:
            turn.kind = "clarify"
            buttons = [
                Button(self.entry_label(turn.catalogue, c.id), data=f"p:{c.id}")
                for c in match.candidates[:3]
                if self.entry_label(turn.catalogue, c.id)
            ]
            buttons.append(Button(m.BUTTON_NONE_OF_THESE, data="x"))
            return [Reply(m.CLARIFY, rows(*buttons))]
        turn.kind = "none"
        await events.record_unanswered(self.db, turn.user, turn.context.last_question, "declined")
        short = conversation.declined(turn, match)
        return [short if short is not None else conversation.not_found(turn, match)]

    # --- replies shared with feature modules -----------------------------------------------

    def not_found(self, turn: Turn) -> Reply:
        """The kind 'I do not know': what was understood, the fields, the hotline."""
        return conversation.not_found(turn)

    def stale(self) -> list[Reply]:
        """Answer a button the bot no longer understands: a toast and a way back."""
        return [
            Reply(
                m.STALE_BUTTON_TEXT,
                rows(Button(m.BUTTON_MENU, data="m")),
                notice=m.STALE_BUTTON,
            )
        ]

    def entry_label(self, catalogue: Catalogue, entry_id: str) -> str:
        """A short button label for a catalogue or national entry."""
        entry = catalogue.get(entry_id)
        name = entry.name if entry else ""
        if not entry and entry_id in self.national:
            name = self.national[entry_id].name
        return name if len(name) <= 60 else name[:57].rstrip() + "…"

    def entry_replies(
        self, turn: Turn, entry_id: str, section: str | None = None, edit: bool = False
    ) -> list[Reply]:
        """The card of a procedure, guide or national entry; empty if the id is unknown."""
        entry = turn.catalogue.get(entry_id)
        if isinstance(entry, Procedure | Guide) and (
            section is None or turn.incoming.kind == "text"
        ):
            # A new card (not a section of one already shown): note the question behind it.
            asked = "" if turn.incoming.kind == "command" else turn.context.last_question
            turn.context.saw_card(entry.id, asked)
        if isinstance(entry, Procedure):
            turn.context.last_entry = turn.shown = entry.id
            where = next(
                (w for hook in self.registry.place_hooks if (w := hook(turn, entry))), None
            )
            text = self._cards.text(turn.catalogue, entry, section, where)
            keyboard = self.card_keyboard(turn, entry, section)
            return [Reply(text, keyboard, edit=edit)]
        if isinstance(entry, Guide):
            turn.context.last_entry = turn.shown = entry.id
            start = rows(
                Button(m.BUTTON_START_GUIDE, data=f"g:{entry.id}"), Button(m.BUTTON_MENU, data="m")
            )
            return [Reply(cards.guide_text(entry), start, edit=edit)]
        national = self.national.get(entry_id)
        if national is not None:
            turn.context.last_entry = None
            turn.shown = entry_id
            buttons: list[tuple[Button, ...]] = []
            if national.url.startswith("http"):
                buttons.append((Button(m.BUTTON_OFFICIAL_PAGE, url=national.url),))
            buttons.append((Button(m.BUTTON_FIELDS, data="F"),))
            return [Reply(cards.national_text(national), tuple(buttons), edit=edit)]
        return []

    def card_keyboard(
        self, turn: Turn, procedure: Procedure, section: str | None = None, more: bool = False
    ) -> Keyboard:
        """At most CARD_BUTTONS buttons: the features' first row, sections, then the rest."""
        rows_: list[tuple[Button, ...]] = []
        for hook in self.registry.card_hooks:
            rows_.extend(row for row in hook(turn, procedure) if row)
        room = CARD_BUTTONS - sum(len(row) for row in rows_)
        if more:
            return cards.more_keyboard(procedure, room)
        if section:
            mine = list(cards.section_buttons(procedure))
        else:
            buttons = cards.first_buttons(procedure, room)
            mine = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
        return tuple(rows_[:1] + mine + rows_[1:])

    async def _more(self, turn: Turn) -> list[Reply]:
        entry = turn.catalogue.get(turn.args[0]) if turn.args else None
        if not isinstance(entry, Procedure):
            return self.stale()
        turn.context.last_entry = turn.shown = entry.id
        where = next((w for hook in self.registry.place_hooks if (w := hook(turn, entry))), None)
        text = self._cards.text(turn.catalogue, entry, where=where)
        more = turn.args[1:] != ["0"]
        return [Reply(text, self.card_keyboard(turn, entry, more=more), edit=True)]

    def fields_keyboard(self, catalogue: Catalogue) -> Keyboard:
        """Two buttons a row, one per field that has entries."""
        buttons = [
            Button(f"{f.icon} {f.name}".strip(), data=f"f:{f.id}")
            for f in catalogue.fields
            if catalogue.in_field(f.id)
        ]
        return rows(*buttons, width=2)

    # --- core handlers ---------------------------------------------------------------------

    async def _start(self, turn: Turn) -> list[Reply]:
        if turn.args and turn.incoming.kind == "command":
            # A deep link from a poster: t.me/<bot>?start=<entry id>.
            replies = self.entry_replies(turn, turn.args[0].replace("_", "."))
            if replies:
                return replies
        keyboard = list(self.fields_keyboard(turn.catalogue))
        for hook in self.registry.menu_hooks:
            keyboard[:0] = await hook(turn)
        fields = {f.id for f in turn.catalogue.fields}
        if any(g.field not in fields for g in turn.catalogue.guides.values()):
            # Guides no field lists are reached by their own button (else a field holds them).
            keyboard.append((Button(m.BUTTON_GUIDES, data="G"),))
        text = m.GREETING.format(bot_name=m.BOT_NAME)
        return [Reply(text, tuple(keyboard), edit=turn.incoming.kind == "button")]

    async def _help(self, turn: Turn) -> list[Reply]:
        return [Reply(m.HELP, rows(Button(m.BUTTON_FIELDS, data="F")))]

    async def _fields(self, turn: Turn) -> list[Reply]:
        keyboard = self.fields_keyboard(turn.catalogue)
        return [Reply(m.FIELDS_TITLE, keyboard, edit=turn.incoming.kind == "button")]

    async def _field(self, turn: Turn) -> list[Reply]:
        field_id = turn.args[0] if turn.args else ""
        known = next((f for f in turn.catalogue.fields if f.id == field_id), None)
        if known is None:
            return self.stale()
        entries = turn.catalogue.in_field(field_id)
        label = self.entry_label
        buttons = [Button(label(turn.catalogue, e.id), data=f"p:{e.id}") for e in entries]
        buttons.append(Button(m.BUTTON_BACK_TO_FIELDS, data="F"))
        text = m.FIELD_TITLE.format(icon=known.icon, name=esc(known.name))
        if not entries:
            text = m.FIELD_EMPTY
        return [Reply(text, rows(*buttons), edit=True)]

    async def _guides(self, turn: Turn) -> list[Reply]:
        buttons = [
            Button(g.name if len(g.name) <= 60 else g.name[:57] + "…", data=f"p:{g.id}")
            for g in turn.catalogue.guides.values()
        ]
        return [Reply(m.GUIDES_TITLE, rows(*buttons), edit=turn.incoming.kind == "button")]

    async def _entry(self, turn: Turn) -> list[Reply]:
        entry_id = ":".join(turn.args)
        replies = self.entry_replies(turn, entry_id)
        return replies or self.stale()

    async def _section(self, turn: Turn) -> list[Reply]:
        if len(turn.args) != 2 or turn.args[1] not in m.SECTION_TITLES:
            return self.stale()
        entry = turn.catalogue.get(turn.args[0])
        if not isinstance(entry, Procedure):
            return self.stale()
        return self.entry_replies(turn, entry.id, turn.args[1], edit=True)

    async def _none_of_these(self, turn: Turn) -> list[Reply]:
        question = turn.context.last_question
        if question:
            await events.record_unanswered(self.db, turn.user, question, "none-of-these")
        text = m.NONE_OF_THESE.format(hotline=esc(turn.catalogue.hotline))
        reply = self.not_found(turn)
        return [Reply(text, reply.buttons, edit=True)]

    async def _cancel(self, turn: Turn) -> list[Reply]:
        asked = await conversation.cancel(turn)
        return asked if asked is not None else await self.cancel_now(turn)

    async def cancel_now(self, turn: Turn, edit: bool = False) -> list[Reply]:
        """Stop whatever is in progress (guide walk, pending questions) for this citizen."""
        cancelled = False
        for hook in self.registry.cancel_hooks:
            cancelled = await hook(turn) or cancelled
        turn.context.last_entry = None
        return [Reply(m.CANCELLED if cancelled else m.NOTHING_TO_CANCEL, edit=edit)]


__all__ = ["Assistant"]

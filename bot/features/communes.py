"""Where to go after the merger: old commune and district questions, and the citizen's commune
in the "Nơi nộp" line of a card.

Plugged into the assistant as a text hook (it answers only questions that name a place, see
`bot.matching.places`), a button prefix `xa:` (`xa:o:<old unit>` picks one of several old units
of the same name, `xa:n:<code>` a new commune), a card hook for the place line, and a cancel
hook that forgets the commune. The commune a citizen gave is remembered per chat, in memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot import place_messages as pm
from bot.addresses import Address
from bot.catalogue.communes import Commune, Communes, CommunesHolder, OldUnit
from bot.catalogue.model import Catalogue, Procedure
from bot.core import cards, events
from bot.core.assistant import Assistant
from bot.core.replies import Button, Keyboard, Reply, esc, rows
from bot.core.turn import Turn
from bot.text import fold

if TYPE_CHECKING:  # the place index is imported on first use, not before the greeting
    from bot.matching.matcher import Match
    from bot.matching.places import Place, PlaceIndex

PREFIX = "xa"
CHATS = 20_000
MAX_QUESTION_CHARS = 600


@dataclass(frozen=True)
class Home:
    """Where a citizen said they live: an old unit (with its new communes) or a new commune."""

    communes: tuple[Commune, ...]
    old: OldUnit | None = None


class CommuneLookup:
    """The commune feature: reads place questions and remembers each chat's commune."""

    def __init__(self, holder: CommunesHolder) -> None:
        self.holder = holder
        self._index: PlaceIndex | None = None
        self._index_lock = threading.Lock()  # built once, by a question or a preparation
        self._homes: OrderedDict[Address, Home] = OrderedDict()
        # The old units of one name the bot just asked a chat to choose among.
        self._choices: OrderedDict[Address, tuple[OldUnit, ...]] = OrderedDict()

    def index(self) -> PlaceIndex | None:
        """The name index of the communes in service (rebuilt when the file was reloaded)."""
        communes = self.holder.current
        if communes is None:
            return None
        index = self._index
        if index is None or index.communes is not communes:
            with self._index_lock:
                index = self._index
                if index is None or index.communes is not communes:
                    from bot.matching.places import PlaceIndex

                    index = self._index = PlaceIndex(communes)
        return index

    def home(self, chat: Address) -> Home | None:
        """The commune this chat gave, if any."""
        return self._homes.get(chat)

    def remember(self, chat: Address, home: Home) -> None:
        """Remember a chat's commune (least recently told chats are forgotten first)."""
        self._homes.pop(chat, None)
        self._homes[chat] = home
        if len(self._homes) > CHATS:
            self._homes.popitem(last=False)

    # --- the assistant's hooks ---------------------------------------------------------------

    async def on_text(self, turn: Turn) -> list[Reply] | None:
        """Answer a question that names a place; None lets the procedure matcher answer."""
        from bot.matching.places import Place, Routed, route

        index = self.index()
        text = turn.incoming.text.strip()[:MAX_QUESTION_CHARS]
        if index is None or not text:
            return None
        chat = turn.incoming.chat
        choices = self._choices.pop(chat, ())
        routed = route(index, turn.matcher, text)
        picked = _pick(choices, text) if choices else None
        if picked is not None and (routed is None or routed.place.kind == "district"):
            # "Phù Cừ" typed instead of pressing a button after "which district?".
            routed = Routed(Place("old", old=(picked,), old_said=True))
        if routed is None:
            return None
        place, communes = routed.place, index.communes
        if place.kind == "ambiguous":
            self._choices[chat] = place.old
            if len(self._choices) > CHATS:
                self._choices.popitem(last=False)
        if place.kind == "unknown":
            # Staff see the names the list lacks among the week's unanswered questions.
            await events.record_unanswered(turn.db, turn.user, text, "unknown-commune")
        home = _home(communes, place)
        if home is not None:
            self.remember(turn.incoming.chat, home)
        if routed.procedure is not None:
            card = await self._card(turn, routed.procedure, text)
            if card:
                return card
        return [self.describe(turn, communes, place)]

    async def _card(self, turn: Turn, match: Match, text: str) -> list[Reply]:
        """The card of a procedure asked about in the same breath ("ở xã X, làm khai sinh")."""
        turn.context.last_question = text
        turn.match = match
        await events.record_question(turn.db, turn.user, text, match)
        section = cards.ASPECT_SECTION.get(match.aspect or "")
        replies = turn.assistant.entry_replies(turn, match.candidates[0].id, section)
        if replies:
            turn.kind = "answer"
        return replies

    async def on_button(self, turn: Turn) -> list[Reply]:
        """`xa:o:<old unit>` or `xa:n:<code>`: the answer for the place the citizen picked."""
        from bot.matching.places import Place

        index = self.index()
        if index is None or len(turn.args) != 2:
            return turn.assistant.stale()
        kind, key = turn.args
        communes = index.communes
        if kind == "o" and key in index.old:
            place = Place("old", old=(index.old[key],), old_said=True)
        elif kind == "n" and key in index.new:
            place = Place("new", commune=index.new[key])
        else:
            return turn.assistant.stale()
        home = _home(communes, place)
        if home is not None:
            self.remember(turn.incoming.chat, home)
        reply = self.describe(turn, communes, place)
        return [Reply(reply.text, reply.buttons, edit=True)]

    def card_place(self, turn: Turn, procedure: Procedure) -> str | None:
        """The "Nơi nộp" line for this chat's commune, for a procedure done at commune level."""
        home = self.home(turn.incoming.chat)
        if home is None or not _at_commune(turn.catalogue, procedure):
            return None
        agency = turn.catalogue.agencies.get(procedure.agency)
        offices = _offices(home.communes, agency.name if agency else "", html=False)
        new = pm.OFFICE_OR.join(c.title for c in home.communes)
        if home.old is None:
            return pm.CARD_LOCAL_NEW.format(offices=offices)
        if len(home.communes) > 1:
            return pm.CARD_LOCAL_SPLIT.format(offices=offices, old=home.old.title)
        return pm.CARD_LOCAL.format(offices=offices, old=home.old.title, new=new)

    async def on_cancel(self, turn: Turn) -> bool:
        """/huy also forgets the commune (nothing to report: it is not a task in progress)."""
        self._homes.pop(turn.incoming.chat, None)
        return False

    # --- replies -----------------------------------------------------------------------------

    def describe(self, turn: Turn, communes: Communes, place: Place) -> Reply:
        """The answer to a place question, by what the question named."""
        catalogue = turn.catalogue
        if place.kind == "ambiguous":
            return _ambiguous(communes, place)
        if place.kind == "unknown":
            said = " ".join(_capital(w) for w in place.said.split())
            text = pm.UNKNOWN.format(name=esc(said), hotline=esc(catalogue.hotline))
            return Reply(text, _buttons(catalogue))
        if place.kind == "district" and place.district is not None:
            return Reply(_district(communes, place), _buttons(catalogue))
        lines: list[str] = []
        if place.kind == "old" and place.old:
            unit = place.old[0]
            lines += _old_lines(communes, unit)
            targets = communes.successors.get(unit.key, ())
        elif place.commune is not None:
            lines += _new_lines(communes, place)
            targets = (place.commune,)
        else:
            return Reply(pm.UNKNOWN.format(name=esc(place.said), hotline=esc(catalogue.hotline)))
        lines.append(pm.OFFICE_LINE.format(offices=_offices(targets, "", html=True)))
        lines += _contact_lines(catalogue, targets)
        lines.append("")
        lines.append(pm.REMEMBERED)
        lines.append(_basis(communes))
        return Reply("\n".join(lines), _buttons(catalogue))


def _pick(choices: tuple[OldUnit, ...], text: str) -> OldUnit | None:
    """The one old unit whose district a short answer names ("phu cu", "huyện Kiến Xương")."""
    said = f" {fold(text)} "
    if len(said.split()) > 6:
        return None
    found = [u for u in choices if f" {fold(u.district)} " in said]
    return found[0] if len(found) == 1 else None


def _home(communes: Communes, place: Place) -> Home | None:
    if place.kind == "old" and place.old:
        found = communes.successors.get(place.old[0].key, ())
        return Home(found, place.old[0]) if found else None
    if place.kind == "new" and place.commune is not None:
        return Home((place.commune,))
    return None


def _at_commune(catalogue: Catalogue, procedure: Procedure) -> bool:
    agency = catalogue.agencies.get(procedure.agency)
    level = agency.level if agency else procedure.level
    return level == "commune" and procedure.level == "commune"


def _offices(targets: tuple[Commune, ...], agency_name: str, html: bool) -> str:
    form = pm.OFFICE
    for prefix, office in pm.LOCAL_OFFICE.items():
        if agency_name.startswith(prefix):
            form = office
    wrap = (lambda s: f"<b>{esc(s)}</b>") if html else (lambda s: s)
    return pm.OFFICE_OR.join(form.format(unit=wrap(c.title)) for c in targets)


def _district_of(communes: Communes, unit: OldUnit) -> str:
    district = communes.districts.get(unit.district)
    return district.title if district else unit.district


def _old_lines(communes: Communes, unit: OldUnit) -> list[str]:
    targets = communes.successors.get(unit.key, ())
    old = esc(_capital(unit.title))
    district = esc(_district_of(communes, unit))
    if len(targets) > 1:
        parts = []
        for commune in targets:
            part = next((u for u in commune.old if u.key == unit.key), unit)
            name = esc(commune.title)
            note = esc(part.note)
            parts.append(
                pm.SPLIT_PART.format(note=note, new=name)
                if note
                else pm.SPLIT_PART_PLAIN.format(new=name)
            )
        return [pm.OLD_SPLIT.format(old=old, district=district, parts="; ".join(parts))]
    commune = targets[0]
    title = esc(commune.title)
    lines = [pm.OLD_TO_NEW.format(old=old, district=district, new=title)]
    made = pm.MADE_FROM.format(new=esc(_capital(commune.title)), units=_units(communes, commune))
    return [*lines, made]


def _new_lines(communes: Communes, place: Place) -> list[str]:
    assert place.commune is not None
    new = place.commune
    since = cards.vn_date(communes.effective)
    lines = [pm.NEW_UNIT.format(new=esc(_capital(new.title)), since=since)]
    lines.append(pm.MADE_FROM.format(new=esc(_capital(new.title)), units=_units(communes, new)))
    for unit in place.old:
        targets = communes.successors.get(unit.key, ())
        if new not in targets and targets:
            lines.append(
                pm.SAME_NAME_ELSEWHERE.format(
                    old=esc(unit.title),
                    district=esc(_district_of(communes, unit)),
                    new=esc(" / ".join(c.title for c in targets)),
                )
            )
    return lines


def _units(communes: Communes, commune: Commune) -> str:
    """'xã A, xã B (huyện X); thị trấn C (huyện Y)': the old units of a commune by district."""
    by_district: dict[str, list[str]] = {}
    for unit in commune.old:
        name = unit.title + (pm.PART_MARK if unit.split else "")
        by_district.setdefault(unit.district, []).append(name)
    groups = [
        f"{', '.join(names)} ({_district_of(communes, OldUnit('', '', district))})"
        for district, names in by_district.items()
    ]
    return esc("; ".join(groups))


def _contact_lines(catalogue: Catalogue, targets: tuple[Commune, ...]) -> list[str]:
    lines = []
    for commune in targets:
        source = esc(commune.source)
        if commune.address:
            lines.append(pm.ADDRESS_KNOWN.format(address=esc(commune.address), source=source))
        if commune.phone:
            lines.append(pm.PHONE_KNOWN.format(phone=esc(commune.phone), source=source))
    if len(lines) < len(targets):
        portal = catalogue.portals.get("province")
        where = (
            f'<a href="{esc(portal.url)}">{esc(portal.name)}</a>' if portal else pm.PORTAL_FALLBACK
        )
        lines.append(pm.ADDRESS_HOW.format(portal=where, hotline=esc(catalogue.hotline)))
    return lines


def _district(communes: Communes, place: Place) -> str:
    assert place.district is not None
    district = place.district
    found = communes.in_district(district.name)
    head = pm.DISTRICT.format(
        district=esc(_capital(district.title)),
        district_lower=esc(district.title),
        province=esc(f"tỉnh {district.province}") if district.province else "",
        since=cards.vn_date(communes.effective),
        count=len(found),
    )
    lines = [head]
    for commune, units in found:
        names = ", ".join(u.title + (pm.PART_MARK if u.split else "") for u in units)
        lines.append(pm.DISTRICT_LINE.format(new=esc(commune.title), units=esc(names)))
    example = found[0][1][-1].name if found else "Dân Tiến"
    lines += ["", pm.DISTRICT_ASK.format(example=esc(example)), _basis(communes)]
    return "\n".join(lines)


def _ambiguous(communes: Communes, place: Place) -> Reply:
    name = place.old[0].name
    buttons = [
        Button(
            pm.AMBIGUOUS_BUTTON.format(name=unit.name, district=_district_of(communes, unit)),
            data=f"{PREFIX}:o:{unit.key}",
        )
        for unit in place.old
    ]
    text = pm.AMBIGUOUS.format(count=len(place.old), name=esc(name))
    return Reply(text, rows(*buttons))


def _basis(communes: Communes) -> str:
    return pm.BASIS.format(
        resolution=esc(communes.resolution), since=cards.vn_date(communes.effective)
    )


def _buttons(catalogue: Catalogue) -> Keyboard:
    buttons = []
    portal = catalogue.portals.get("province")
    if portal is not None and portal.url.startswith("http"):
        buttons.append(Button(pm.BUTTON_PORTAL, url=portal.url))
    buttons.append(Button(pm.BUTTON_PROCEDURES, data="F"))
    return rows(*buttons)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


_SHARED: dict[Path, CommunesHolder] = {}


def holder_for(path: Path, interval: float) -> CommunesHolder:
    """One holder per communes file for the whole process (assistants in tests share it)."""
    key = Path(path).resolve()
    if key not in _SHARED:
        _SHARED[key] = CommunesHolder(key, interval)
    return _SHARED[key]


def register(assistant: Assistant) -> None:
    """Add the place text hook, the `xa:` buttons, the card's place line and the cancel hook,
    on the communes file of the settings."""
    settings = assistant.settings
    attach(assistant, holder_for(settings.communes_path(), settings.reload_interval))


def attach(assistant: Assistant, holder: CommunesHolder) -> CommuneLookup:
    """Register the commune lookup on `holder` in the assistant's registry."""
    lookup = CommuneLookup(holder)
    registry = assistant.registry
    registry.text_hook("old-commune", lookup.on_text, owner="communes")
    registry.button(PREFIX, lookup.on_button, owner="communes")  # pick one old unit of a name
    registry.place_line("citizen-commune", lookup.card_place, owner="communes")
    registry.cancel_hook("forget-commune", lookup.on_cancel, owner="communes")
    registry.prepare("place-index", lookup.index, owner="communes")
    return lookup

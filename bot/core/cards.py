"""The procedure card: a short summary first, each section one button away."""

from __future__ import annotations

import datetime as dt

from bot import messages as m
from bot.catalogue.model import Agency, Catalogue, Document, Guide, Procedure
from bot.catalogue.national import NationalProcedure
from bot.core.markup import link
from bot.core.replies import Button, Keyboard, esc

Section = str  # one of SECTIONS
SECTIONS: tuple[Section, ...] = ("documents", "place", "time", "online", "steps", "legal", "notes")
# Aspects the matcher detects map onto card sections.
ASPECT_SECTION = {
    "documents": "documents",
    "fee": "time",
    "time": "time",
    "place": "place",
    "online": "online",
    "legal": "legal",
    "steps": "steps",
    "notes": "notes",
}


def vn_date(day: dt.date) -> str:
    """A date as Vietnamese readers write it: 27/11/2026."""
    return day.strftime("%d/%m/%Y")


def where_text(catalogue: Catalogue, procedure: Procedure) -> str:
    """Where to submit, from the entry or its agency."""
    agency = catalogue.agencies.get(procedure.agency)
    return procedure.where or (agency.where if agency else "")


def fee_text(procedure: Procedure) -> str:
    """The fee, with the end date of a temporary reduction."""
    if procedure.fee_until:
        return f"{procedure.fee} {m.FEE_UNTIL.format(date=vn_date(procedure.fee_until))}"
    return procedure.fee


def card_header(catalogue: Catalogue, procedure: Procedure) -> list[str]:
    """Title, code, field and level."""
    lines = [f"📋 <b>{esc(procedure.name)}</b>"]
    code = procedure.code or "—"
    lines.append(
        m.CARD_CODE.format(
            code=esc(code),
            field=esc(catalogue.field_name(procedure.field)),
            level=m.LEVEL[procedure.level],
        )
    )
    return lines


def card_text(catalogue: Catalogue, procedure: Procedure, where: str | None = None) -> str:
    """The short card: what, where (`where` for the citizen's own commune), how long, how
    much, online or not."""
    lines = card_header(catalogue, procedure)
    if procedure.summary:
        lines.append(f"<i>{esc(procedure.summary)}</i>")
    lines.append("")
    lines.extend(card_documents(procedure))
    lines.append("")
    lines.append(m.CARD_WHERE.format(where=esc(where or where_text(catalogue, procedure))))
    lines.append(m.CARD_TIME.format(time=esc(procedure.time)))
    lines.append(m.CARD_FEE.format(fee=esc(fee_text(procedure))))
    lines.append(m.CARD_ONLINE.format(online=m.ONLINE[procedure.online.level]))
    lines.extend(confirm_lines(procedure))
    lines.append("")
    lines.append(verified_line(procedure))
    lines.append(m.FEEDBACK_QUESTION)
    return "\n".join(lines)


class CardTexts:
    """The cards and sections of the catalogue in service, each rendered once: the same few
    cards go out again and again. Another catalogue (a reload) starts afresh."""

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._catalogue: Catalogue | None = None
        self._texts: dict[tuple[str, Section | None, str | None], str] = {}

    def text(
        self,
        catalogue: Catalogue,
        procedure: Procedure,
        section: Section | None = None,
        where: str | None = None,
    ) -> str:
        """`card_text`, or `section_text` when a section is given, of a catalogue's entry."""
        if catalogue is not self._catalogue:
            self._catalogue = catalogue
            self._texts.clear()
        key = (procedure.id, section, where)
        found = self._texts.get(key)
        if found is None:
            if section:
                found = section_text(catalogue, procedure, section, where=where)
            else:
                found = card_text(catalogue, procedure, where=where)
            if len(self._texts) >= self._limit:  # `where` names a commune: a few thousand
                self._texts.clear()
            self._texts[key] = found
        return found


def verified_line(procedure: Procedure) -> str:
    """When the entry was last compared with its sources, or that it never was."""
    if procedure.verified is None:
        return m.CARD_UNVERIFIED
    return m.CARD_VERIFIED.format(date=vn_date(procedure.verified))


def confirm_lines(procedure: Procedure) -> list[str]:
    """Facts the catalogue could not confirm, to check at the counter."""
    if not procedure.confirm:
        return []
    return ["", m.CARD_CONFIRM, *(f"• {esc(c)}" for c in procedure.confirm)]


def section_text(
    catalogue: Catalogue, procedure: Procedure, section: Section, where: str | None = None
) -> str:
    """One section of the card, under the card's title (`where`: the citizen's commune)."""
    title = f"📋 <b>{esc(procedure.name)}</b>\n<b>{m.SECTION_TITLES[section]}</b>\n"
    if section == "place" and where:
        body = _place(catalogue, procedure, where)
    else:
        body = _SECTION_BODIES[section](catalogue, procedure)
    return title + "\n".join(body)


def document_kind(doc: Document) -> str:
    """How a document is handed in: '2 bản sao', 'mang bản chính để xuất trình'..."""
    if doc.kind in ("show", "data"):
        return m.DOC_KIND[doc.kind]
    return f"{doc.count} {m.DOC_KIND[doc.kind]}"


def _documents(catalogue: Catalogue, procedure: Procedure) -> list[str]:
    if not procedure.documents:
        return [m.NO_DOCUMENTS]
    lines = []
    for n, doc in enumerate(procedure.documents, 1):
        lines.append(m.DOC_LINE.format(n=n, name=esc(doc.name), kind=document_kind(doc)))
        if doc.when:
            lines.append(m.DOC_WHEN.format(when=esc(doc.when)))
        if doc.form:
            form = esc(doc.form)
            if doc.form_url:
                form = link(doc.form, doc.form_url)
            lines.append(m.DOC_FORM.format(form=form))
    return lines


def card_documents(procedure: Procedure) -> list[str]:
    """The documents on the card: those everybody brings, then those only some need."""
    if not procedure.documents:
        return [m.CARD_DOCS_TITLE, m.NO_DOCUMENTS]
    lines = [m.CARD_DOCS_TITLE]
    always = [d for d in procedure.documents if not d.conditional]
    some = [d for d in procedure.documents if d.conditional]
    for n, doc in enumerate(always, 1):
        lines.append(m.DOC_LINE.format(n=n, name=esc(doc.name), kind=document_kind(doc)))
        if doc.when:
            lines.append(m.DOC_WHEN.format(when=esc(doc.when)))
    if some:
        lines.append(m.CARD_DOCS_IF)
        for doc in some:
            lines.append(f"• {esc(doc.name)} — {document_kind(doc)}")
            lines.append(m.DOC_WHEN.format(when=esc(doc.when)))
    return lines


def agency_contact(agency: Agency) -> list[str]:
    """The address, phone and opening hours of an agency, where the catalogue has them."""
    lines = []
    if agency.address:
        lines.append(m.AGENCY_ADDRESS.format(address=esc(agency.address)))
    if agency.phone:
        lines.append(m.AGENCY_PHONE.format(phone=esc(agency.phone)))
    if agency.hours:
        lines.append(m.AGENCY_HOURS.format(hours=esc(agency.hours)))
    return lines


def _place(catalogue: Catalogue, procedure: Procedure, where: str | None = None) -> list[str]:
    lines = [esc(where or where_text(catalogue, procedure))]
    agency = catalogue.agencies.get(procedure.agency)
    if agency:
        lines.append("")
        lines.append(m.AGENCY_LINE.format(name=esc(agency.name), level=m.LEVEL[agency.level]))
        lines.extend(agency_contact(agency))
        if agency.notes:
            lines.append(f"<i>{esc(agency.notes)}</i>")
    return lines


def _time(catalogue: Catalogue, procedure: Procedure) -> list[str]:
    lines = [
        m.CARD_TIME.format(time=esc(procedure.time)),
        m.CARD_FEE.format(fee=esc(fee_text(procedure))),
    ]
    return lines + confirm_lines(procedure)


def _online(catalogue: Catalogue, procedure: Procedure) -> list[str]:
    lines = [m.ONLINE[procedure.online.level] + "."]
    if procedure.online.note:
        lines.append(esc(procedure.online.note))
    if procedure.online.url and procedure.online.level != "none":
        lines.append(m.ONLINE_LINK.format(url=esc(procedure.online.url)))
    return lines


def _steps(catalogue: Catalogue, procedure: Procedure) -> list[str]:
    if not procedure.steps:
        return [m.STEPS_EMPTY]
    return [f"{n}. {esc(step)}" for n, step in enumerate(procedure.steps, 1)]


def _legal(catalogue: Catalogue, procedure: Procedure) -> list[str]:
    lines = [f"• {esc(item)}" for item in procedure.legal_basis] or [m.LEGAL_EMPTY]
    if procedure.sources:
        lines += ["", m.SOURCES_TITLE]
        for source in procedure.sources:
            title = esc(source.title)
            if source.url:
                title = f'<a href="{esc(source.url)}">{title}</a>'
            kind = m.SOURCE_KIND[source.kind]
            lines.append(m.SOURCE_LINE.format(title=title, kind=kind, date=vn_date(source.read)))
    lines += ["", verified_line(procedure)]
    return lines


def _notes(catalogue: Catalogue, procedure: Procedure) -> list[str]:
    lines = [f"• {esc(note)}" for note in procedure.notes] + confirm_lines(procedure)
    return lines or [m.STEPS_EMPTY]


_SECTION_BODIES = {
    "documents": _documents,
    "place": _place,
    "time": _time,
    "fee": _time,
    "online": _online,
    "steps": _steps,
    "legal": _legal,
    "notes": _notes,
}


# Sections offered on the card itself, most useful first; the rest wait behind "Thêm…".
FIRST_SECTIONS: tuple[Section, ...] = ("place", "steps")
# The card's own text already holds time, fee and the documents' list.
_ON_CARD: tuple[Section, ...] = ("time",)


def first_buttons(procedure: Procedure, room: int) -> list[Button]:
    """Up to `room` section buttons for the card, then "Thêm…" (room counts it)."""
    shown = [s for s in FIRST_SECTIONS if s in _offered(procedure)][: max(room - 1, 0)]
    buttons = [Button(m.SECTION_TITLES[s], data=f"s:{procedure.id}:{s}") for s in shown]
    return [*buttons, Button(m.BUTTON_MORE, data=f"v:{procedure.id}")]


def more_keyboard(procedure: Procedure, room: int) -> Keyboard:
    """What "Thêm…" reveals: the sections not on the card, the portal link, and a way back."""
    first = {b.data for b in first_buttons(procedure, room)}
    buttons = [
        Button(m.SECTION_TITLES[s], data=f"s:{procedure.id}:{s}")
        for s in _offered(procedure)
        if s not in _ON_CARD and f"s:{procedure.id}:{s}" not in first
    ]
    keyboard = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    if procedure.online.level != "none" and procedure.online.url:
        keyboard.append((Button(m.BUTTON_SUBMIT_ONLINE, url=procedure.online.url),))
    keyboard.append((Button(m.BUTTON_LESS, data=f"v:{procedure.id}:0"),))
    return tuple(keyboard)


def section_buttons(procedure: Procedure) -> Keyboard:
    """Under one section: back to the card's summary, or the other sections."""
    return (
        (
            Button(m.BUTTON_SUMMARY, data=f"v:{procedure.id}:0"),
            Button(m.BUTTON_MORE, data=f"v:{procedure.id}"),
        ),
    )


def _offered(procedure: Procedure) -> list[Section]:
    has_notes = bool(procedure.notes or procedure.confirm)
    return [s for s in SECTIONS if s != "notes" or has_notes]


def guide_text(guide: Guide) -> str:
    """The introduction of a guide, before its first step."""
    return m.GUIDE_CARD.format(
        name=esc(guide.name), summary=esc(guide.summary), count=len(guide.steps)
    )


def national_text(entry: NationalProcedure) -> str:
    """Basic information on a procedure from the national database."""
    return m.NATIONAL_CARD.format(
        name=esc(entry.name),
        code=esc(entry.code),
        level=esc(entry.level),
        field=esc(entry.field),
        agency=esc(entry.agency),
    )

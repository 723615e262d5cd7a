"""The document checklist: the citizen ticks what they already have, sees what is missing,
and gets one summary message to keep (what to bring, where, hours, time, fee, online)."""

from __future__ import annotations

from collections.abc import Sequence

from bot import messages as m
from bot.catalogue.model import Catalogue, Document, Procedure
from bot.core import cards
from bot.core.payloads import checklist_data, lookup, short
from bot.core.replies import MAX_CALLBACK_BYTES, Button, Keyboard, Reply, esc
from bot.core.turn import Turn
from bot.features import progress


def _document_lines(
    documents: Sequence[tuple[int, Document]], ticked: frozenset[str]
) -> list[str]:
    lines = []
    for n, doc in documents:
        mark = m.CHECK_ON if doc.name in ticked else m.CHECK_OFF
        lines.append(
            m.CHECKLIST_LINE.format(
                mark=mark, n=n, name=esc(doc.name), amount=cards.document_kind(doc)
            )
        )
        if doc.when:
            lines.append(m.CHECKLIST_WHEN.format(when=esc(doc.when)))
    return lines


def _split(
    documents: Sequence[tuple[int, Document]],
) -> tuple[list[tuple[int, Document]], list[tuple[int, Document]]]:
    """Numbered documents everybody needs, and those needed only in some cases ("Chỉ khi")."""
    needed = [(n, d) for n, d in documents if not d.conditional]
    return needed, [(n, d) for n, d in documents if d.conditional]


def checklist_reply(
    turn: Turn, procedure: Procedure, ticked: frozenset[str], edit: bool, notice: str = ""
) -> Reply:
    """The checklist: every document as a ☐/☑ toggle, then "Còn thiếu" and "Xong"."""
    docs = list(enumerate(procedure.documents, 1))
    needed, some = _split(docs)
    lines = [m.CHECKLIST_TITLE.format(name=esc(procedure.name), on=m.CHECK_ON), ""]
    if docs:
        lines += _document_lines(needed, ticked)
        if some:
            lines += ["", m.CARD_DOCS_IF, *_document_lines(some, ticked)]
        # Only what everybody needs is counted: papers for some cases do not hold anyone back.
        have = sum(1 for _, d in needed if d.name in ticked)
        lines += ["", m.CHECKLIST_COUNT.format(have=have, total=len(needed))]
    else:
        lines.append(m.NO_DOCUMENTS)
    keyboard: list[tuple[Button, ...]] = []
    for n, doc in docs:
        mark = m.CHECK_ON if doc.name in ticked else m.CHECK_OFF
        data = checklist_data(turn.catalogue, procedure.id, f"t{n - 1}")
        keyboard.append((Button(short(f"{mark} {n}. {doc.name}"), data=data),))
    keyboard.append(
        (
            Button(m.BUTTON_MISSING, data=checklist_data(turn.catalogue, procedure.id, "m")),
            Button(
                m.BUTTON_CHECKLIST_DONE, data=checklist_data(turn.catalogue, procedure.id, "d")
            ),
        )
    )
    return Reply("\n".join(lines), tuple(keyboard), edit=edit, notice=notice)


def missing_reply(turn: Turn, procedure: Procedure, ticked: frozenset[str]) -> Reply:
    """What the citizen still lacks, with a way back to the list and to the summary."""
    needed, some = _split(list(enumerate(procedure.documents, 1)))
    missing = [(n, d) for n, d in needed if d.name not in ticked]
    if missing:
        lines = [m.MISSING_TITLE.format(name=esc(procedure.name)), ""]
        lines += _document_lines(missing, ticked)
        if any(d.when for _, d in missing):
            lines += ["", m.MISSING_WHEN_NOTE]
    else:
        lines = [m.MISSING_NONE.format(name=esc(procedure.name))]
    unticked = [(n, d) for n, d in some if d.name not in ticked]
    if unticked:
        lines += ["", m.CARD_DOCS_IF, *_document_lines(unticked, ticked)]
    keyboard: Keyboard = (
        (
            Button(
                m.BUTTON_BACK_TO_CHECKLIST, data=checklist_data(turn.catalogue, procedure.id, "l")
            ),
            Button(
                m.BUTTON_CHECKLIST_DONE, data=checklist_data(turn.catalogue, procedure.id, "d")
            ),
        ),
    )
    return Reply("\n".join(lines), keyboard, edit=True)


def summary_text(catalogue: Catalogue, procedure: Procedure, ticked: frozenset[str]) -> str:
    """The one message to keep: what to bring, where, hours, time, fee and the online option."""
    lines = [m.SUMMARY_TITLE.format(name=esc(procedure.name)), ""]
    docs = list(enumerate(procedure.documents, 1))
    if docs:
        lines += [m.SUMMARY_DOCUMENTS, *_document_lines(docs, ticked)]
        lacking = sum(1 for _, d in _split(docs)[0] if d.name not in ticked)
        if lacking:
            lines.append(m.SUMMARY_MISSING.format(count=lacking, off=m.CHECK_OFF))
        else:
            lines.append(m.SUMMARY_ALL_READY)
    else:
        lines.append(m.NO_DOCUMENTS)
    lines.append("")
    lines.append(m.CARD_WHERE.format(where=esc(cards.where_text(catalogue, procedure))))
    agency = catalogue.agencies.get(procedure.agency)
    if agency is not None:
        lines.extend(cards.agency_contact(agency))
    lines.append(m.CARD_TIME.format(time=esc(procedure.time)))
    lines.append(m.CARD_FEE.format(fee=esc(cards.fee_text(procedure))))
    lines.append(m.CARD_ONLINE.format(online=m.ONLINE[procedure.online.level]))
    if procedure.online.level != "none" and procedure.online.url:
        lines.append(m.SUMMARY_ONLINE_LINK.format(url=esc(procedure.online.url)))
    lines.extend(cards.confirm_lines(procedure))
    lines += ["", m.SUMMARY_KEEP]
    return "\n".join(lines)


async def checklist_button(turn: Turn) -> list[Reply]:
    """Open a checklist, tick or untick a document, show what is missing, or sum up."""
    args = turn.args
    if len(turn.incoming.data.encode()) > MAX_CALLBACK_BYTES or not 1 <= len(args) <= 2:
        return turn.assistant.stale()
    procedure_id = lookup(list(turn.catalogue.procedures), args[0])
    procedure = turn.catalogue.procedures.get(procedure_id or "")
    if procedure is None:
        return turn.assistant.stale()
    action = args[1] if len(args) == 2 else ""
    if action.startswith("t") and action[1:].isdigit():
        index = int(action[1:])
        if index >= len(procedure.documents):
            ticked = await progress.get_ticks(turn.db, turn.user, procedure.id)
            return [checklist_reply(turn, procedure, ticked, True, m.CHECKLIST_CHANGED)]
        name = procedure.documents[index].name
        ticked = await progress.toggle_tick(turn.db, turn.user, procedure.id, name)
        return [checklist_reply(turn, procedure, ticked, edit=True)]
    ticked = await progress.get_ticks(turn.db, turn.user, procedure.id)
    if action == "":
        return [checklist_reply(turn, procedure, ticked, edit=False)]
    if action == "l":
        return [checklist_reply(turn, procedure, ticked, edit=True)]
    if action == "m":
        return [missing_reply(turn, procedure, ticked)]
    if action == "d":
        text = summary_text(turn.catalogue, procedure, ticked)
        return [Reply(text, notice=m.DONE_NOTICE)]
    return turn.assistant.stale()

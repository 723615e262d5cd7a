"""Guided walkthroughs (and the checklist buttons), plugged into the assistant.

Button payloads (each at most 64 bytes; a long id falls back to `#<position>`):
- `g:<guide>` start a guide; `g:<guide>:<step>` show a step (resume);
  `g:<guide>:<step>:<action>` with action `n` next, `b` back, `c<i>` choice i, `x` leave,
  `v` "I am stuck here". The step in the payload is the one the message showed, so a button
  of an older message acts from that step, not from wherever the citizen is now.
- `o:<procedure>` start the submission guide for a procedure that can be filed online.
- `c:<procedure>` open its checklist; `:l` redraw it, `:t<i>` tick or untick document i,
  `:m` what is missing, `:d` the one summary message to keep.
"""

from __future__ import annotations

from bot import messages as m
from bot.catalogue.model import Catalogue, Guide, Procedure
from bot.core import cards
from bot.core.assistant import Assistant
from bot.core.conversation import can_hand_off
from bot.core.payloads import checklist_data, lookup, online_data, short, step_data
from bot.core.replies import MAX_CALLBACK_BYTES, Button, Reply, esc
from bot.core.turn import Turn
from bot.features import checklist, feedback, flows, progress
from bot.features.flows import Ended, FlowError, State

SUBMISSION_GUIDE = "nop-ho-so-truc-tuyen"
_ACTIONS = {"n": flows.NEXT, "b": flows.BACK, "x": flows.LEAVE}


def register(assistant: Assistant) -> None:
    """Add /tieptuc, the g/o/c buttons and the card, menu and cancel hooks."""
    registry = assistant.registry
    registry.command("tieptuc", resume, owner="walkthrough")
    registry.button("g", guide_button, owner="walkthrough")  # a guide's steps
    registry.button("o", online_button, owner="walkthrough")  # submit a procedure online
    registry.button("c", checklist.checklist_button, owner="checklist")
    registry.card_rows("guide-and-checklist", card_buttons, owner="walkthrough")
    registry.menu_rows("resume-walk", menu_buttons, owner="walkthrough")
    registry.cancel_hook("walk", cancel, owner="walkthrough")
    registry.cancel_check("walk", in_progress, owner="walkthrough")


# --- guides ----------------------------------------------------------------------------------


def step_reply(
    turn: Turn,
    guide: Guide,
    state: State,
    procedure: Procedure | None = None,
    edit: bool = False,
    notice: str = "",
) -> Reply:
    """One step of a walk: "Bước i/n", its text, its choices, and the buttons to move on."""
    step = flows.current(guide, state)
    number, total = flows.position(guide, state)
    lines = [m.GUIDE_STEP_HEAD.format(name=esc(guide.name))]
    if procedure is not None:
        lines.append(m.GUIDE_FOR_PROCEDURE.format(name=esc(procedure.name)))
        # The guide is generic; these two lines say what it means for this procedure.
        agency = turn.catalogue.agencies.get(procedure.agency)
        if agency is not None:
            lines.append(m.GUIDE_PROCEDURE_AGENCY.format(agency=esc(agency.name)))
        lines.append(m.CARD_ONLINE.format(online=m.ONLINE[procedure.online.level]))
    lines.append("")
    if step.title:
        lines.append(m.GUIDE_STEP_TITLE.format(i=number, n=total, title=esc(step.title)))
    else:
        lines.append(m.GUIDE_STEP_NUMBER.format(i=number, n=total))
    lines.append(esc(step.text))
    portal = procedure.online.url if procedure is not None else ""
    if portal:
        lines += ["", m.GUIDE_PORTAL_LINE.format(url=esc(portal))]
    if flows.following(guide, step) is None:
        lines += ["", m.GUIDE_CHOOSE_HINT]
    keyboard = tuple(_step_keyboard(turn, guide, state, procedure))
    return Reply("\n".join(lines), keyboard, edit=edit, notice=notice)


def _step_keyboard(
    turn: Turn, guide: Guide, state: State, procedure: Procedure | None
) -> list[tuple[Button, ...]]:
    """ "Tiếp theo" always on top, then choices, links, "back", "I am stuck" and "pause"."""
    step = flows.current(guide, state)

    def data(action: str) -> str:
        return step_data(turn.catalogue, guide, step.id, action)

    keyboard: list[tuple[Button, ...]] = []
    # "Tiếp theo" keeps one place on every step (the first row), so a thumb finds it without
    # reading; steps that branch have no "next", their choices come first instead.
    after = flows.following(guide, step)
    if after is not None:
        label = m.BUTTON_GUIDE_FINISH if after == "" else m.BUTTON_GUIDE_NEXT
        keyboard.append((Button(label, data=data("n")),))
    for i, choice in enumerate(step.choices):
        if choice.next:
            keyboard.append((Button(short(choice.label), data=data(f"c{i}")),))
        elif choice.procedure and turn.catalogue.get(choice.procedure) is not None:
            card = f"p:{choice.procedure}"
            if len(card.encode()) <= MAX_CALLBACK_BYTES:
                keyboard.append((Button(short(f"📋 {choice.label}"), data=card),))
        elif choice.link:
            keyboard.append((Button(short(f"🌐 {choice.label}"), url=choice.link),))
    portal = procedure.online.url if procedure is not None else ""
    links = [Button(m.BUTTON_GUIDE_LINK, url=step.link)] if step.link else []
    if portal and portal != step.link:
        links.append(Button(m.BUTTON_GUIDE_PORTAL, url=portal))
    if links:
        keyboard.append(tuple(links))
    if procedure is not None and not state.history:
        checklist_button = Button(
            m.BUTTON_CHECKLIST, data=checklist_data(turn.catalogue, procedure.id)
        )
        keyboard.append((checklist_button,))
    if state.history:
        keyboard.append((Button(m.BUTTON_GUIDE_BACK, data=data("b")),))
    keyboard.append((Button(m.BUTTON_GUIDE_STUCK, data=data("v")),))
    keyboard.append((Button(m.BUTTON_GUIDE_LEAVE, data=data("x")),))
    return keyboard


def _guide(catalogue: Catalogue, token: str) -> Guide | None:
    guide_id = lookup(list(catalogue.guides), token)
    return catalogue.guides.get(guide_id) if guide_id else None


def _procedure(catalogue: Catalogue, token: str) -> Procedure | None:
    procedure_id = lookup(list(catalogue.procedures), token)
    return catalogue.procedures.get(procedure_id) if procedure_id else None


async def guide_button(turn: Turn) -> list[Reply]:
    """Start a guide, show a step, or apply next/back/choice/leave/stuck from a step message."""
    args = turn.args
    if len(turn.incoming.data.encode()) > MAX_CALLBACK_BYTES or not 1 <= len(args) <= 3:
        return turn.assistant.stale()
    guide = _guide(turn.catalogue, args[0])
    if guide is None or not guide.steps:
        return turn.assistant.stale()
    if len(args) == 1:
        state = flows.start(guide)
        await progress.save_progress(turn.db, turn.user, state)
        return [step_reply(turn, guide, state, edit=True)]
    step_id = lookup([s.id for s in guide.steps], args[1])
    if step_id is None:
        return turn.assistant.stale()
    stored = await progress.get_progress(turn.db, turn.user)
    same_guide = stored is not None and stored.state.guide == guide.id
    procedure = _procedure(turn.catalogue, stored.procedure) if stored and same_guide else None
    state = flows.resync(guide, stored.state if stored else None, step_id)
    token = args[2] if len(args) == 3 else ""
    if token == "v":
        return [_stuck_reply(turn, guide, state)]
    if token == "":
        await progress.save_progress(turn.db, turn.user, state, _id(procedure))
        return [step_reply(turn, guide, state, procedure, edit=True)]
    action = _ACTIONS.get(token)
    if action is None and token[:1] == "c" and token[1:].isdigit():
        action = flows.choose(int(token[1:]))
    if action is None:
        return turn.assistant.stale()
    try:
        outcome = flows.advance(guide, state, action)
    except FlowError:
        # The message is older than the catalogue (a choice moved): show the step as it is now.
        await progress.save_progress(turn.db, turn.user, state, _id(procedure))
        return [step_reply(turn, guide, state, procedure, edit=True, notice=m.GUIDE_RESYNCED)]
    return await _after(turn, guide, state, outcome, action, procedure)


def _id(procedure: Procedure | None) -> str:
    return procedure.id if procedure is not None else ""


async def _after(
    turn: Turn,
    guide: Guide,
    before: State,
    outcome: State | Ended,
    action: flows.Action,
    procedure: Procedure | None,
) -> list[Reply]:
    if outcome == flows.LEFT:
        await progress.save_progress(turn.db, turn.user, before, _id(procedure))
        title = flows.current(guide, before).title or guide.name
        text = m.GUIDE_LEFT.format(name=esc(guide.name), title=esc(title))
        resume_label = short(m.BUTTON_RESUME.format(name=guide.name))
        buttons = (
            (Button(resume_label, data=step_data(turn.catalogue, guide, before.step)),),
            (Button(m.BUTTON_MENU, data="m"),),
        )
        return [Reply(text, buttons, edit=True, notice=m.DONE_NOTICE)]
    if isinstance(outcome, Ended):
        await progress.clear_progress(turn.db, turn.user)
        keyboard: list[tuple[Button, ...]] = []
        if procedure is not None:
            data = checklist_data(turn.catalogue, procedure.id)
            keyboard.append((Button(m.BUTTON_CHECKLIST, data=data),))
        # Ask whether the walk helped, as under a procedure card.
        rating = feedback.feedback_row(guide.id)
        if rating:
            keyboard.insert(0, rating)
        keyboard.append((Button(m.BUTTON_MENU, data="m"),))
        text = m.GUIDE_FINISHED.format(name=esc(guide.name))
        if rating:
            text += "\n\n" + m.FEEDBACK_QUESTION
        return [Reply(text, tuple(keyboard), edit=True, notice=m.DONE_NOTICE)]
    await progress.save_progress(turn.db, turn.user, outcome, _id(procedure))
    replies = [step_reply(turn, guide, outcome, procedure, edit=True)]
    if action.kind == "choose":
        card = flows.current(guide, before).choices[action.choice].procedure
        if card:
            replies += turn.assistant.entry_replies(turn, card)
    return replies


def _stuck_reply(turn: Turn, guide: Guide, state: State) -> Reply:
    step = flows.current(guide, state)
    catalogue = turn.catalogue
    text = m.GUIDE_STUCK.format(
        title=esc(step.title or guide.name),
        hotline=esc(catalogue.hotline),
        hotline_note=esc(catalogue.hotline_note),
    )
    keyboard = []
    if can_hand_off(turn.assistant):
        text += "\n\n" + m.GUIDE_STUCK_HANDOFF
        keyboard.append((Button(m.BUTTON_HANDOFF, data="h"),))
    keyboard.append(
        (Button(m.BUTTON_GUIDE_BACK_TO_STEP, data=step_data(turn.catalogue, guide, step.id)),)
    )
    return Reply(text, tuple(keyboard))


async def resume(turn: Turn) -> list[Reply]:
    """/tieptuc: show the step the citizen stopped at, days or restarts later."""
    stored = await progress.get_progress(turn.db, turn.user)
    guides_button = ((Button(m.BUTTON_GUIDES, data="G"),),)
    if stored is None:
        return [Reply(m.RESUME_NOTHING, guides_button)]
    guide = turn.catalogue.guides.get(stored.state.guide)
    if guide is None:
        await progress.clear_progress(turn.db, turn.user)
        return [Reply(m.RESUME_GUIDE_GONE, guides_button)]
    try:
        flows.current(guide, stored.state)
    except FlowError:
        await progress.clear_progress(turn.db, turn.user)
        restart = Button(
            m.BUTTON_GUIDE_RESTART, data=step_data(turn.catalogue, guide, guide.steps[0].id)
        )
        return [Reply(m.RESUME_GONE, ((restart,),))]
    procedure = turn.catalogue.procedures.get(stored.procedure)
    return [step_reply(turn, guide, stored.state, procedure)]


async def menu_buttons(turn: Turn) -> list[tuple[Button, ...]]:
    """A "Tiếp tục" button on the greeting when a walk is in progress."""
    stored = await progress.get_progress(turn.db, turn.user)
    if stored is None:
        return []
    guide = turn.catalogue.guides.get(stored.state.guide)
    if guide is None or guide.step(stored.state.step) is None:
        return []
    label = short(m.BUTTON_RESUME.format(name=guide.name))
    return [(Button(label, data=step_data(turn.catalogue, guide, stored.state.step)),)]


async def in_progress(turn: Turn) -> str | None:
    """/huy asks first when a walk is in progress: which guide, at which step."""
    stored = await progress.get_progress(turn.db, turn.user)
    if stored is None:
        return None
    guide = turn.catalogue.guides.get(stored.state.guide)
    if guide is None or guide.step(stored.state.step) is None:
        return None
    try:
        number, total = flows.position(guide, stored.state)  # counted as each step shows it
    except FlowError:
        return None
    return m.CANCEL_GUIDE_CONFIRM.format(name=esc(guide.name), step=number, steps=total)


async def cancel(turn: Turn) -> bool:
    """/huy: forget the walk in progress (checklists stay: they record what the citizen has)."""
    return await progress.clear_progress(turn.db, turn.user)


async def online_button(turn: Turn) -> list[Reply]:
    """Start the submission guide for one procedure, its portal link shown on every step."""
    if len(turn.incoming.data.encode()) > MAX_CALLBACK_BYTES or len(turn.args) != 1:
        return turn.assistant.stale()
    procedure = _procedure(turn.catalogue, turn.args[0])
    if procedure is None:
        return turn.assistant.stale()
    if procedure.online.level == "none":
        where = esc(cards.where_text(turn.catalogue, procedure))
        text = m.ONLINE_NOT_AVAILABLE.format(name=esc(procedure.name), where=where)
        return [Reply(text, ((Button(m.BUTTON_PROCEDURE_CARD, data=f"p:{procedure.id}"),),))]
    guide = turn.catalogue.guides.get(SUBMISSION_GUIDE)
    if guide is None or not guide.steps:
        # No submission guide in this catalogue: the card's online section still has the link.
        return turn.assistant.entry_replies(turn, procedure.id, "online")
    state = flows.start(guide)
    await progress.save_progress(turn.db, turn.user, state, procedure.id)
    return [step_reply(turn, guide, state, procedure)]


def card_buttons(turn: Turn, procedure: Procedure) -> list[tuple[Button, ...]]:
    """The row under every procedure card: check my documents, and submit online."""
    row = [Button(m.BUTTON_CHECKLIST, data=checklist_data(turn.catalogue, procedure.id))]
    if procedure.online.level != "none":
        row.append(Button(m.BUTTON_ONLINE_GUIDE, data=online_data(turn.catalogue, procedure.id)))
    return [tuple(row)]


# --- checklists ------------------------------------------------------------------------------

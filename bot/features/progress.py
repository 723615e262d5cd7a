"""Where each citizen stands, kept in the database so that it survives restarts: the guide walk
in progress (one per citizen) and the documents ticked on each procedure's checklist.

Rows are keyed by the salted user hash; nothing a citizen typed is stored here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.features.flows import State
from bot.storage import progress as stored
from bot.storage.database import Database


@dataclass(frozen=True)
class Progress:
    """A stored walk: the flow state and the procedure it is for (submission guide), if any."""

    state: State
    procedure: str = ""
    updated_at: str = ""


async def get_progress(db: Database, user: str) -> Progress | None:
    """The walk a citizen left unfinished, if any."""
    walk = await stored.get_walk(db, user)
    if walk is None:
        return None
    return Progress(State(walk.guide, walk.step, walk.history), walk.procedure, walk.updated_at)


async def save_progress(db: Database, user: str, state: State, procedure: str = "") -> None:
    """Remember where a citizen is (replacing any earlier walk)."""
    await stored.save_walk(db, user, state.guide, state.step, tuple(state.history), procedure)


async def clear_progress(db: Database, user: str) -> bool:
    """Forget a citizen's walk; True if there was one."""
    return await stored.clear_walk(db, user)


get_ticks = stored.get_ticks
save_ticks = stored.save_ticks
toggle_tick = stored.toggle_tick
clear_checklists = stored.clear_checklists

"""Where each citizen stands, kept in SQLite so that it survives restarts: the guide walk in
progress (one per citizen) and the documents ticked on each procedure's checklist.

Rows are keyed by the salted user hash; nothing a citizen typed is stored here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.features.flows import State
from bot.storage.database import Database, utcnow


@dataclass(frozen=True)
class Progress:
    """A stored walk: the flow state and the procedure it is for (submission guide), if any."""

    state: State
    procedure: str = ""
    updated_at: str = ""


def _strings(raw: str) -> tuple[str, ...]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value)


async def get_progress(db: Database, user: str) -> Progress | None:
    """The walk a citizen left unfinished, if any."""
    row = await db.read_one(
        "SELECT guide_id, step_id, history, procedure_id, updated_at FROM flow_progress "
        "WHERE user_hash = ?",
        (user,),
    )
    if row is None:
        return None
    state = State(row["guide_id"], row["step_id"], _strings(row["history"]))
    return Progress(state, row["procedure_id"] or "", row["updated_at"])


async def save_progress(db: Database, user: str, state: State, procedure: str = "") -> None:
    """Remember where a citizen is (replacing any earlier walk)."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO flow_progress "
            "(user_hash, guide_id, step_id, history, procedure_id, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(user_hash) DO UPDATE SET guide_id = excluded.guide_id, "
            "step_id = excluded.step_id, history = excluded.history, "
            "procedure_id = excluded.procedure_id, updated_at = excluded.updated_at",
            (
                user,
                state.guide,
                state.step,
                json.dumps(list(state.history), ensure_ascii=False),
                procedure or None,
                utcnow(),
            ),
        )


async def clear_progress(db: Database, user: str) -> bool:
    """Forget a citizen's walk; True if there was one."""
    async with db.write() as conn:
        cursor = await conn.execute("DELETE FROM flow_progress WHERE user_hash = ?", (user,))
        return cursor.rowcount > 0


async def get_ticks(db: Database, user: str, procedure: str) -> frozenset[str]:
    """The documents (by name) a citizen has ticked for a procedure."""
    row = await db.read_one(
        "SELECT ticked FROM checklists WHERE user_hash = ? AND procedure_id = ?",
        (user, procedure),
    )
    return frozenset(_strings(row["ticked"])) if row else frozenset()


_UPSERT_TICKS = (
    "INSERT INTO checklists (user_hash, procedure_id, ticked, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(user_hash, procedure_id) DO UPDATE SET ticked = excluded.ticked, "
    "updated_at = excluded.updated_at"
)


def _tick_params(user: str, procedure: str, ticked: frozenset[str]) -> tuple[str, ...]:
    return (user, procedure, json.dumps(sorted(ticked), ensure_ascii=False), utcnow())


async def save_ticks(db: Database, user: str, procedure: str, ticked: frozenset[str]) -> None:
    """Store the documents a citizen has ticked for a procedure."""
    async with db.write() as conn:
        await conn.execute(_UPSERT_TICKS, _tick_params(user, procedure, ticked))


async def toggle_tick(db: Database, user: str, procedure: str, document: str) -> frozenset[str]:
    """Tick a document, or untick it if it was ticked; return the ticks now stored."""
    # Read and write in one unit of work, so that two quick presses cannot lose a tick.
    async with db.write() as conn:
        cursor = await conn.execute(
            "SELECT ticked FROM checklists WHERE user_hash = ? AND procedure_id = ?",
            (user, procedure),
        )
        row = await cursor.fetchone()
        await cursor.close()
        ticked = frozenset(_strings(row[0])) if row else frozenset()
        ticked = ticked - {document} if document in ticked else ticked | {document}
        await conn.execute(_UPSERT_TICKS, _tick_params(user, procedure, ticked))
    return ticked


async def clear_checklists(db: Database, user: str) -> int:
    """Forget every checklist of a citizen; return how many there were."""
    async with db.write() as conn:
        cursor = await conn.execute("DELETE FROM checklists WHERE user_hash = ?", (user,))
        return cursor.rowcount

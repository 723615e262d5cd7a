"""Where each citizen stands: the guide walk in progress (one per citizen) and the documents
ticked on each procedure's checklist. Rows are keyed by the salted user hash."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.storage.backend import Database, utcnow


@dataclass(frozen=True)
class StoredWalk:
    """A stored guide walk: guide, step, the steps before it, and the procedure it is for."""

    guide: str
    step: str
    history: tuple[str, ...]
    procedure: str
    updated_at: str


def _strings(raw: str) -> tuple[str, ...]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return ()
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value)


async def get_walk(db: Database, user: str) -> StoredWalk | None:
    """The walk a citizen left unfinished, if any."""
    row = await db.read_one(
        "SELECT guide_id, step_id, history, procedure_id, updated_at FROM flow_progress "
        "WHERE user_hash = ?",
        (user,),
    )
    if row is None:
        return None
    guide, step, history, procedure, updated_at = row
    return StoredWalk(guide, step, _strings(history), procedure or "", updated_at)


async def save_walk(
    db: Database, user: str, guide: str, step: str, history: tuple[str, ...], procedure: str = ""
) -> None:
    """Remember where a citizen is (replacing any earlier walk)."""
    await db.execute(
        "INSERT INTO flow_progress "
        "(user_hash, guide_id, step_id, history, procedure_id, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(user_hash) DO UPDATE SET guide_id = excluded.guide_id, "
        "step_id = excluded.step_id, history = excluded.history, "
        "procedure_id = excluded.procedure_id, updated_at = excluded.updated_at",
        (
            user,
            guide,
            step,
            json.dumps(list(history), ensure_ascii=False),
            procedure or None,
            utcnow(),
        ),
    )


async def clear_walk(db: Database, user: str) -> bool:
    """Forget a citizen's walk; True if there was one."""
    return await db.execute("DELETE FROM flow_progress WHERE user_hash = ?", (user,)) > 0


_TICKS = "SELECT ticked FROM checklists WHERE user_hash = ? AND procedure_id = ?"
_UPSERT_TICKS = (
    "INSERT INTO checklists (user_hash, procedure_id, ticked, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(user_hash, procedure_id) DO UPDATE SET ticked = excluded.ticked, "
    "updated_at = excluded.updated_at"
)


def _tick_params(user: str, procedure: str, ticked: frozenset[str]) -> tuple[str, ...]:
    return (user, procedure, json.dumps(sorted(ticked), ensure_ascii=False), utcnow())


async def get_ticks(db: Database, user: str, procedure: str) -> frozenset[str]:
    """The documents (by name) a citizen has ticked for a procedure."""
    row = await db.read_one(_TICKS, (user, procedure))
    return frozenset(_strings(row[0])) if row else frozenset()


async def save_ticks(db: Database, user: str, procedure: str, ticked: frozenset[str]) -> None:
    """Store the documents a citizen has ticked for a procedure."""
    await db.execute(_UPSERT_TICKS, _tick_params(user, procedure, ticked))


async def toggle_tick(db: Database, user: str, procedure: str, document: str) -> frozenset[str]:
    """Tick a document, or untick it if it was ticked; return the ticks now stored."""
    # Read and write in one unit of work, so that two quick presses cannot lose a tick.
    async with db.write() as tx:
        row = await tx.fetch_one(_TICKS, (user, procedure))
        ticked = frozenset(_strings(row[0])) if row else frozenset()
        ticked = ticked - {document} if document in ticked else ticked | {document}
        await tx.execute(_UPSERT_TICKS, _tick_params(user, procedure, ticked))
    return ticked


async def clear_checklists(db: Database, user: str) -> int:
    """Forget every checklist of a citizen; return how many there were."""
    return await db.execute("DELETE FROM checklists WHERE user_hash = ?", (user,))

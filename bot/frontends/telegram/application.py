"""PTB's Application, without the note it keeps of every chat and user for a persistence.

After each update, `Application` adds the chat's and the user's ids to two sets that only
`update_persistence` empties, and only when a persistence is set. This bot keeps what it must
remember in its own database and sets none, so the sets would grow by every citizen ever
seen (about 120 bytes each) for as long as the bot runs. With no persistence, nothing is noted.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, Job


class StatelessApplication(Application[Any, Any, Any, Any, Any, Any]):
    """An `Application` that notes chats and users for a persistence only when it has one."""

    __slots__ = ()

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Job[Any] | None = None
    ) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)

    def noted_for_persistence(self) -> int:
        """How many chat and user ids wait for a persistence update (0 without one)."""
        chats = self._chat_ids_to_be_updated_in_persistence
        users = self._user_ids_to_be_updated_in_persistence
        return len(chats) + len(users)

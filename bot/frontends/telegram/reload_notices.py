"""Catalogue reload notices in the staff chat: one message per editing session, edited in place.

A staff member who saves the file ten times in a few minutes sees one message that follows the
latest save (what is wrong now, or which entries changed since the session began, each with a
deep link to preview its card), not ten messages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot import messages as m
from bot.catalogue.diff import CatalogueDiff, diff
from bot.catalogue.model import Catalogue
from bot.catalogue.quickcheck import VIETNAM
from bot.catalogue.reload import CatalogueHolder, ReloadOutcome
from bot.core.replies import split_text

log = logging.getLogger(__name__)

SESSION = dt.timedelta(minutes=15)  # saves closer together than this edit the same message


class ReloadNotices:
    """Sends the first notice of a session and edits it on each later save."""

    def __init__(
        self,
        holder: CatalogueHolder[object],
        chat_id: int | None,
        sending: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    ) -> None:
        self.holder = holder
        self.chat_id = chat_id
        # Each message or edit is sent inside this: its turn within Telegram's overall limit.
        self.sending = sending or contextlib.nullcontext
        self.message_id: int | None = None
        self.last: dt.datetime | None = None
        self.saves = 0
        self.base: Catalogue | None = None  # the catalogue in service when the session began

    async def notify(self, application: Application, outcome: ReloadOutcome) -> None:  # type: ignore[type-arg]
        """Tell the staff chat about one reload outcome (edit this session's message)."""
        text = outcome.staff_message().splitlines()
        log.info("catalogue reload: %s", text[0] if text else "")
        if self.chat_id is None:
            return
        now = dt.datetime.now(dt.UTC)
        if self.last is None or now - self.last > SESSION:
            self.message_id, self.saves = None, 0
            self.base = outcome.previous if outcome.previous is not None else None
            if self.base is None and outcome.ok is False:
                self.base = self.holder.current.catalogue
        self.last = now
        self.saves += 1
        body = self.compose(application.bot.username or "", outcome, now)
        bot = application.bot
        if self.message_id is not None:
            try:
                async with self.sending():
                    await bot.edit_message_text(
                        body, self.chat_id, self.message_id, parse_mode=ParseMode.HTML,
                        disable_web_page_preview=True,
                    )  # fmt: skip
                return
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return
                log.info("could not edit the reload notice, sending a new one: %s", exc)
            except TelegramError as exc:
                log.warning("could not edit the reload notice: %s", exc)
                return
        async with self.sending():
            sent = await bot.send_message(
                self.chat_id, body, parse_mode=ParseMode.HTML, disable_web_page_preview=True
            )
        self.message_id = sent.message_id

    def compose(self, username: str, outcome: ReloadOutcome, now: dt.datetime) -> str:
        """The notice text: the latest outcome, changes since the session began, save count."""
        changes: CatalogueDiff | None = None
        if outcome.ok and self.base is not None:
            changes = diff(self.base, self.holder.current.catalogue)
        text = outcome.staff_message(bot_username=username, changes=changes)
        if self.saves > 1:
            at = now.astimezone(VIETNAM).strftime("%H:%M:%S")
            text += "\n" + m.RELOAD_SESSION.format(count=self.saves, at=at)
        return split_text(text)[0]

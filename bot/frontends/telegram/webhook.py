"""The webhook's HTTP handler: the secret is checked before a byte of the body is read.

python-telegram-bot's own handler reads the whole body (tornado allows 100 MB) and only then
checks the `X-Telegram-Bot-Api-Secret-Token` header, so anyone who knows the URL can make the
bot read 100 MB per request. Here the handler streams the body: `prepare()` runs as soon as the
headers arrive, refuses a wrong or missing secret with 403 and an announced body over
`MAX_UPDATE_BYTES` with 413, and caps what tornado will read for the rest. The library builds
its tornado application in `telegram.ext._updater` without a hook, so `install()` swaps in this
small subclass there; tests/test_webhook.py runs the real bot to prove it is still in place.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from http import HTTPStatus

import tornado.web
from telegram import Bot
from telegram.ext import _updater
from telegram.ext._utils.webhookhandler import TelegramHandler, WebhookAppClass

from bot.storage.inbox import NotStored

# Telegram's updates are a few kilobytes (a message holds at most 4096 characters).
MAX_UPDATE_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

log = logging.getLogger("bot.frontends.telegram.bot")


@tornado.web.stream_request_body
class GuardedTelegramHandler(TelegramHandler):
    """PTB's handler, refusing forged or oversized posts before their body is read."""

    def prepare(self) -> None:
        """Check the secret, then the announced length, as soon as the headers are in."""
        if self.secret_token is not None:
            given = self.request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        announced = self.request.headers.get("Content-Length", "0")
        try:
            length = int(announced)
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        if length > MAX_UPDATE_BYTES:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        # A chunked body announces no length: tornado drops the connection past the cap.
        connection = self.request.connection
        if connection is not None and hasattr(connection, "set_max_body_size"):
            connection.set_max_body_size(MAX_UPDATE_BYTES)
        self._received = bytearray()

    def data_received(self, chunk: bytes) -> None:
        """Collect the body (already known to be within the cap)."""
        self._received += chunk

    async def post(self) -> None:
        """Store the update (see `bot.frontends.telegram.inbox`), then hand it to the library's
        own processing; 200 tells Telegram it was received, so it comes only after storing.

        One stored before (Telegram delivers again what it was not told about) is answered 200
        and not handled again; one the database cannot store gets 503: Telegram tries again.
        """
        self.request.body = bytes(self._received)
        inbox = getattr(self.bot, "inbox", None)
        if inbox is not None and not inbox.closed:
            try:
                raw = json.loads(self.request.body)
                update_id = int(raw["update_id"])
            except (ValueError, KeyError, TypeError):
                raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
            try:
                fresh = await inbox.record([raw])
            except NotStored as exc:
                if not exc.lasting:
                    log.warning("could not store an update (%s); Telegram will retry", exc)
                    raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE) from None
                # A lasting fault (staff are told): answer it unstored rather than never.
                log.warning("could not store an update (%s); answering it unstored", exc)
                fresh = [update_id]
            if update_id not in fresh:
                self.set_status(HTTPStatus.OK)
                return
        await super().post()


class GuardedWebhookApp(WebhookAppClass):
    """PTB's webhook application, serving `GuardedTelegramHandler` instead of its own."""

    def __init__(
        self,
        webhook_path: str,
        bot: Bot,
        update_queue: asyncio.Queue[object],
        secret_token: str | None = None,
    ) -> None:
        self.shared_objects = {
            "bot": bot,
            "update_queue": update_queue,
            "secret_token": secret_token,
        }
        handlers = [(rf"{webhook_path}/?", GuardedTelegramHandler, self.shared_objects)]
        tornado.web.Application.__init__(self, handlers)


def install() -> None:
    """Make `Application.run_webhook` serve the guarded handler."""
    setattr(_updater, "WebhookAppClass", GuardedWebhookApp)  # noqa: B010


__all__ = ["MAX_UPDATE_BYTES", "GuardedTelegramHandler", "GuardedWebhookApp", "install"]

"""The Bot API methods of the fake server, checked the way Telegram checks them.

A mixin of `botapi.BotApi`: `api_<method>(params)` answers one call with its decoded
parameters or raises `BotApiError` with Telegram's own wording. Messages must be valid Telegram
HTML, at most 4096 characters, with callback data of at most 64 bytes and at most 100 buttons.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
from typing import Any

from bot.tools.fakebotapi.models import BOT_USER, BotApiError, Fault, Outgoing, chat_of
from bot.tools.fakebotapi.telegram_html import HtmlError, parse_html


class BotApiMethods:
    """Answers Bot API calls; the state it works on lives in BotApi."""

    _cond: threading.Condition
    _updates: list[dict[str, Any]]
    _messages: dict[tuple[int, int], dict[str, Any]]
    _outgoing: list[Outgoing]
    _callbacks: dict[str, int]
    _faults: dict[str, list[Fault]]
    _webhook: dict[str, Any]
    _sends: list[float]
    _closed: bool
    _offset: int
    flood_limit: int
    on_outgoing: list[Any]

    def _new_message_id(self, chat_id: int) -> int:
        raise NotImplementedError

    def webhook(self) -> dict[str, Any]:
        raise NotImplementedError

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        with self._cond:
            for key in (method, "*"):
                for fault in self._faults.get(key, []):
                    if fault.times > 0 and fault.chat_id in (None, params.get("chat_id")):
                        fault.times -= 1
                        return fault
        return None

    def _flooded(self, method: str) -> bool:
        if not self.flood_limit or method not in (
            "sendMessage",
            "editMessageText",
            "sendDocument",
        ):
            return False
        now = time.monotonic()
        with self._cond:
            self._sends = [t for t in self._sends if now - t < 1.0]
            if len(self._sends) >= self.flood_limit:
                return True
            self._sends.append(now)
        return False

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """Answer one Bot API call (raises BotApiError for an error answer)."""
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            raise BotApiError(404, "Not Found: method not found")
        if self._flooded(method):
            raise BotApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        return handler(params)

    def _check_markup(self, markup: Any) -> None:
        if markup is None:
            return
        buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
        if len(buttons) > 100:
            raise BotApiError(400, "Bad Request: reply markup is too long")
        for button in buttons:
            if len(button.get("callback_data", "").encode()) > 64:
                raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise BotApiError(400, "Bad Request: text buttons are unallowed")

    def _check_text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        plain = text
        if params.get("parse_mode", "").upper() == "HTML":
            try:
                plain = parse_html(text)
            except HtmlError as exc:
                raise BotApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        if not plain.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        if len(plain) > 4096:
            raise BotApiError(400, "Bad Request: message is too long")
        self._check_markup(params.get("reply_markup"))
        return plain

    def _record(self, method: str, message: dict[str, Any], params: dict[str, Any]) -> None:
        chat_id = message["chat"]["id"]
        with self._cond:
            self._messages[(chat_id, message["message_id"])] = message
            out = Outgoing(
                len(self._outgoing) + 1,
                method,
                chat_id,
                message["message_id"],
                params.get("text", ""),
                message.get("reply_markup"),
                params,
                time.monotonic(),
            )
            self._outgoing.append(out)
            self._cond.notify_all()
        for listener in list(self.on_outgoing):
            listener(out)

    def api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    def api_getUpdates(self, params: dict[str, Any]) -> Any:
        if self._webhook.get("url"):
            raise BotApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is "
                "active; use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._cond:
            if offset:
                self._offset = offset
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closed and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return self._updates[:limit]

    def api_sendMessage(self, params: dict[str, Any]) -> Any:
        plain = self._check_text(params)
        chat_id = int(params["chat_id"])
        with self._cond:
            message_id = self._new_message_id(chat_id)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": chat_of(chat_id),
            "text": plain,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._record("sendMessage", message, params)
        return message

    def api_editMessageText(self, params: dict[str, Any]) -> Any:
        plain = self._check_text(params)
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        with self._cond:
            old = self._messages.get(key)
        if old is None or not old["from"]["is_bot"]:
            raise BotApiError(400, "Bad Request: message to edit not found")
        if old.get("text") == plain and old.get("reply_markup") == params.get("reply_markup"):
            raise BotApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same",
            )
        message = {**old, "text": plain, "edit_date": int(time.time())}
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._record("editMessageText", message, params)
        return message

    def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        self._check_markup(params.get("reply_markup"))
        key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        with self._cond:
            old = self._messages.get(key)
        if old is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        message = {k: v for k, v in old.items() if k != "reply_markup"}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._record("editMessageReplyMarkup", message, {**params, "text": old.get("text", "")})
        return message

    def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = params.get("callback_query_id", "")
        with self._cond:
            if self._callbacks.get(query_id, 1) > 0:  # unknown, or answered already
                raise BotApiError(
                    400,
                    "Bad Request: query is too old and response timeout "
                    "expired or query ID is invalid",
                )
            self._callbacks[query_id] = 1
        if len(str(params.get("text", ""))) > 200:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def api_sendDocument(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        with self._cond:
            message_id = self._new_message_id(chat_id)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": chat_of(chat_id),
            "document": {
                "file_id": f"F{message_id}",
                "file_unique_id": f"f{message_id}",
                "file_name": params.get("document_name", ""),
            },
        }
        if params.get("caption"):
            message["caption"] = params["caption"]
        self._record("sendDocument", message, {**params, "text": params.get("caption", "")})
        return message

    def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    def api_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    def api_setWebhook(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self._webhook = dict(params)
        return True

    def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        with self._cond:
            self._webhook = {}
            if params.get("drop_pending_updates"):
                self._updates = []
        return True

    def api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        with self._cond:
            return {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }

    def api_close(self, params: dict[str, Any]) -> Any:
        return True

    def api_logOut(self, params: dict[str, Any]) -> Any:
        return True

    def _deliver_webhook(self, update: dict[str, Any]) -> None:
        hook = self.webhook()
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        request = urllib.request.Request(hook["url"], json.dumps(update).encode(), headers)
        for _ in range(20):
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(request, timeout=5) as answer,
            ):
                if answer.status == 200:
                    with self._cond:
                        self._updates = [u for u in self._updates if u is not update]
                    return
            time.sleep(0.1)

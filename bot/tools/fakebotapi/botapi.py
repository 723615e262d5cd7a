"""The state and methods of the fake Bot API (see bot/tools/fakebotapi/server.py for the server).

`BotApi` keeps the updates waiting for the bot, the messages of every chat, every call and the
programmed faults; `api_<method>` answers one Bot API method with its decoded parameters.
Everything is guarded by one condition variable, so tests may call it from any thread.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from bot.tools.fakebotapi.methods import BotApiMethods
from bot.tools.fakebotapi.models import MEDIA, TOKEN, Call, Fault, Outgoing, chat_of


class BotApi(BotApiMethods):
    """Bot API state: updates to deliver, messages, recorded calls, faults."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self._cond = threading.Condition()
        self.on_outgoing: list[Any] = []  # callables(Outgoing), called in the server thread
        self.reset()

    def reset(self) -> None:
        """Forget every update, message, call and fault (update ids keep growing)."""
        with self._cond:
            self._closed = False
            self._updates: list[dict[str, Any]] = []
            # Update ids only grow, as Telegram's do: a bot polling since before a reset
            # must still see the updates pushed after it.
            self._next_update = getattr(self, "_next_update", 1)
            self._offset = getattr(self, "_offset", 0)
            self._pushed_at: dict[int, float] = {}
            self._messages: dict[tuple[int, int], dict[str, Any]] = {}
            self._next_message: dict[int, int] = {}
            self._outgoing: list[Outgoing] = []
            self._calls: list[Call] = []
            self._callbacks: dict[str, int] = {}  # query id -> times answered
            self._faults: dict[str, list[Fault]] = {}
            self._webhook: dict[str, Any] = {}
            self.flood_limit = 0  # >0: at most this many sends per second, else 429
            self._sends: list[float] = []
            self._held: set[str] = set()  # methods whose calls wait for `release`
            self._waiting: dict[int, str] = {}  # held call -> "" (waiting), "pass" or "drop"
            self._cond.notify_all()

    # --- what a citizen does -------------------------------------------------------------

    def _user(self, user_id: int) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"Dân {user_id}",
            "language_code": "vi",
        }

    def _new_message_id(self, chat_id: int) -> int:
        self._next_message[chat_id] = self._next_message.get(chat_id, 0) + 1
        return self._next_message[chat_id]

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (its update_id is assigned); returns the update_id."""
        with self._cond:
            update_id = self._next_update
            self._next_update += 1
            update = {"update_id": update_id, **update}
            self._updates.append(update)
            self._pushed_at[update_id] = time.monotonic()
            self._cond.notify_all()
        if self._webhook.get("url"):
            threading.Thread(target=self._deliver_webhook, args=(update,), daemon=True).start()
        return update_id

    def _message(self, chat_id: int, user_id: int | None, **content: Any) -> dict[str, Any]:
        with self._cond:
            message_id = self._new_message_id(chat_id)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat_of(chat_id),
            "from": self._user(user_id or chat_id),
            **content,
        }
        with self._cond:
            self._messages[(chat_id, message_id)] = message
        return message

    def push_text(
        self, chat_id: int, text: str, user_id: int | None = None, reply_to: int | None = None
    ) -> int:
        """A citizen writes a text message ('/cmd ...' gets its bot_command entity)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0]) if text.split() else 1
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            with self._cond:
                content["reply_to_message"] = self._messages.get((chat_id, reply_to))
        return self.push_update({"message": self._message(chat_id, user_id, **content)})

    def push_command(
        self, chat_id: int, command: str, args: str = "", user_id: int | None = None
    ) -> int:
        """A citizen sends /command (with optional arguments)."""
        return self.push_text(chat_id, f"/{command} {args}".strip(), user_id)

    def push_media(
        self, chat_id: int, kind: str = "sticker", caption: str = "", user_id: int | None = None
    ) -> int:
        """A citizen sends a sticker, photo, voice, document, video, location or contact."""
        content: dict[str, Any] = {kind: MEDIA[kind]}
        if caption:
            content["caption"] = caption
        return self.push_update({"message": self._message(chat_id, user_id, **content)})

    def push_callback(
        self, chat_id: int, data: str, message_id: int | None = None, user_id: int | None = None
    ) -> int:
        """A callback query with any payload, on a recorded message (newest if not given)."""
        with self._cond:
            if message_id is None:
                mine = [k[1] for k in self._messages if k[0] == chat_id]
                message_id = max(mine) if mine else self._new_message_id(chat_id)
            message = self._messages.get((chat_id, message_id)) or {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat_of(chat_id),
            }
            query_id = f"q{self._next_update}"
            self._callbacks[query_id] = 0
        query = {
            "id": query_id,
            "from": self._user(user_id or chat_id),
            "message": message,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def press(self, chat_id: int, label_or_payload: str, user_id: int | None = None) -> int:
        """Press the button whose label or payload matches, on the newest message showing it.

        A label matches exactly, or else by containing the text; raises LookupError if no
        message in the chat shows such a button.
        """
        with self._cond:
            messages = sorted(
                (
                    m
                    for (c, _), m in self._messages.items()
                    if c == chat_id and m["from"]["is_bot"]
                ),
                key=lambda m: m["message_id"],
                reverse=True,
            )
        for exact in (True, False):
            for message in messages:
                rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in (b for row in rows for b in row):
                    label, data = button["text"], button.get("callback_data")
                    hit = (
                        (label == label_or_payload or data == label_or_payload)
                        if exact
                        else label_or_payload.lower() in label.lower()
                    )
                    if hit and data is not None:
                        return self.push_callback(chat_id, data, message["message_id"], user_id)
        raise LookupError(f"no button {label_or_payload!r} in chat {chat_id}")

    # --- what the tests observe ----------------------------------------------------------

    def wait_outgoing(
        self, chat_id: int | None = None, count: int = 1, since: int = 0, timeout: float = 5.0
    ) -> list[Outgoing]:
        """Wait until `count` messages/edits with seq > since reached the chat; return them all.

        Returns what arrived by the timeout even if fewer (the caller asserts on it).
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    o
                    for o in self._outgoing
                    if o.seq > since and (chat_id is None or o.chat_id == chat_id)
                ]
                left = deadline - time.monotonic()
                if len(found) >= count or left <= 0 or self._closed:
                    return found
                self._cond.wait(left)

    def outgoing(self, chat_id: int | None = None, since: int = 0) -> list[Outgoing]:
        """Every message and edit the bot made so far (to one chat, or all)."""
        return self.wait_outgoing(chat_id, count=0, since=since, timeout=0)

    @property
    def last_seq(self) -> int:
        """The sequence number of the newest outgoing message or edit."""
        with self._cond:
            return self._outgoing[-1].seq if self._outgoing else 0

    def calls(self, method: str | None = None) -> list[Call]:
        """Every Bot API call (of one method), in order, with its decoded parameters."""
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def answered_callbacks(self) -> dict[str, int]:
        """How many times each callback query was answered successfully."""
        with self._cond:
            return dict(self._callbacks)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a message (after edits)."""
        with self._cond:
            return self._messages.get((chat_id, message_id))

    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet (with a getUpdates offset)."""
        with self._cond:
            return len(self._updates)

    def pushed_at(self, update_id: int) -> float:
        """When an update was queued (time.monotonic)."""
        with self._cond:
            return self._pushed_at[update_id]

    def webhook(self) -> dict[str, Any]:
        """The webhook the bot set (url, secret_token, ...), or {}."""
        with self._cond:
            return dict(self._webhook)

    def clear_faults(self) -> None:
        """Remove every programmed fault."""
        with self._cond:
            self._faults = {}

    def fault(
        self,
        method: str,
        kind: str,
        times: int = 1,
        retry_after: int = 1,
        delay_ms: int = 0,
        chat_id: int | None = None,
    ) -> None:
        """Fail the next `times` calls of a method ('*' for any) the given way."""
        with self._cond:
            self._faults.setdefault(method, []).append(
                Fault(kind, times, retry_after, delay_ms, chat_id)
            )

    def hold(self, method: str) -> None:
        """Keep the calls of a method waiting, unanswered and not carried out, until `release`."""
        with self._cond:
            self._held.add(method)

    def held(self) -> int:
        """How many calls are waiting for `release`."""
        with self._cond:
            return sum(1 for state in self._waiting.values() if not state)

    def release(self, drop: bool = False) -> None:
        """Stop holding: carry out and answer the waiting calls, or with `drop` drop their
        connections without carrying them out (as if Telegram never got them)."""
        with self._cond:
            self._held.clear()
            for key, state in self._waiting.items():
                if not state:
                    self._waiting[key] = "drop" if drop else "pass"

    def set_flood_limit(self, per_second: int) -> None:
        """Answer 429 (retry_after 1) to sends beyond this many a second; 0 turns it off."""
        with self._cond:
            self.flood_limit = per_second

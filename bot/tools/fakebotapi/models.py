"""Data shared by the fake Bot API's modules: calls, outgoing messages, faults, errors."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

TOKEN = "123456:TEST-TOKEN"


def chat_of(chat_id: int) -> dict[str, Any]:
    """A chat as Telegram describes it: negative ids are groups, positive ones private chats."""
    if chat_id < 0:
        return {"id": chat_id, "type": "supergroup", "title": f"Nhóm {-chat_id}"}
    return {"id": chat_id, "type": "private", "first_name": f"Dân {chat_id}"}


BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Trợ lý TTHC",
    "username": "tthc_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters whose values PTB sends as plain strings; every other value is JSON-encoded.
STRING_PARAMS = {
    "text",
    "callback_query_id",
    "url",
    "secret_token",
    "parse_mode",
    "caption",
    "ip_address",
    "language_code",
    "scope_type",
    "description",
    "title",
}
MEDIA = {
    "sticker": {
        "file_id": "S1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    },
    "photo": [{"file_id": "P1", "file_unique_id": "p1", "width": 90, "height": 90}],
    "voice": {"file_id": "V1", "file_unique_id": "v1", "duration": 3},
    "document": {"file_id": "D1", "file_unique_id": "d1", "file_name": "cccd.pdf"},
    "video": {"file_id": "W1", "file_unique_id": "w1", "width": 9, "height": 9, "duration": 1},
    "location": {"latitude": 20.65, "longitude": 106.05},
    "contact": {"phone_number": "0900000000", "first_name": "A"},
}


@dataclasses.dataclass
class Call:
    """One Bot API call as the server saw it."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


@dataclasses.dataclass
class Outgoing:
    """A message the bot sent or edited (what a citizen sees change)."""

    seq: int
    method: str
    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    params: dict[str, Any]
    at: float

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def labels(self) -> list[str]:
        """The labels of the inline buttons."""
        return [button["text"] for button in self.buttons]


@dataclasses.dataclass
class Fault:
    """A programmed failure: '429', '500', '502', 'drop' (close without answer) or 'delay'."""

    kind: str
    times: int = 1
    retry_after: int = 1
    delay_ms: int = 0
    chat_id: int | None = None


class BotApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def decode_params(params: dict[str, str]) -> dict[str, Any]:
    """Decode PTB's form values: JSON for all but the plain-string parameters."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key in STRING_PARAMS:
            out[key] = value
            continue
        try:
            out[key] = json.loads(value)
        except (TypeError, ValueError):
            out[key] = value
    return out

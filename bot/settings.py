"""Settings from the environment (and an optional `.env` file), with the documented defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.addresses import Address, telegram

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_WEB_PORT = 8080


class SettingsError(ValueError):
    """A setting has a value the bot cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the operator can set, read once at start-up."""

    token: str = ""
    api_url: str = DEFAULT_API_URL
    catalogue: Path = Path("procedures.yaml")
    communes: Path | None = None  # None: communes.yaml next to the catalogue
    # A URL (sqlite:///data/bot.sqlite3) or a plain path; read by bot.storage.url.
    database: str = "sqlite:///data/bot.sqlite3"
    staff_ids: frozenset[int] = field(default_factory=frozenset)
    staff_chat_id: int | None = None
    webhook_url: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str = ""
    national_tier: bool = True
    salt: str = "tthc-bot"
    retention_days: int = 180
    reload_interval: float = 2.0
    timezone: str = "Asia/Ho_Chi_Minh"
    # The web chat: where it listens (`run` serves it only when WEB_PORT is set).
    web_host: str = "127.0.0.1"
    web_port: int | None = None
    web_behind_proxy: bool = False
    # For links and posters: the bot's Telegram username and the web chat's public address.
    bot_username: str = ""
    web_public_url: str = ""

    def communes_path(self) -> Path:
        """The communes file: BOT_COMMUNES, else communes.yaml next to the catalogue."""
        return self.communes or self.catalogue.with_name("communes.yaml")

    @cached_property
    def staff_users(self) -> frozenset[Address]:
        """The addresses of the users allowed to use staff commands (BOT_STAFF_IDS)."""
        return frozenset(telegram(i) for i in self.staff_ids)

    @property
    def staff_chat(self) -> Address | None:
        """The address of the chat that receives reports and hand-offs, if one is set."""
        return telegram(self.staff_chat_id) if self.staff_chat_id is not None else None

    def is_staff(self, user: Address) -> bool:
        """Whether a user (an address such as "tg:12345") may use staff commands."""
        return user in self.staff_users


# Sane bounds of each number the operator sets: (lowest, highest, what the number counts).
BOUNDS: dict[str, tuple[float, float, str]] = {
    "WEBHOOK_PORT": (1, 65535, "số cổng"),
    "BOT_RETENTION_DAYS": (1, 3650, "số ngày"),
    # Below half a second the watcher would keep a core busy; a day is the longest useful.
    "BOT_RELOAD_INTERVAL": (0.5, 86400, "số giây"),
    "BOT_SEND_RATE": (0, 1000, "số tin nhắn mỗi giây, 0 là không giới hạn"),
}


def _bounded(name: str, value: float, raw: str) -> None:
    low, high, unit = BOUNDS.get(name, (float("-inf"), float("inf"), ""))
    if not low <= value <= high:
        raise SettingsError(
            f"{name} phải từ {low:g} đến {high:g} ({unit}), nhận được {raw!r}. "
            f"Bạn sửa lại trong biến môi trường hoặc tệp .env rồi chạy lại nhé."
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(
            f"{name} phải là một số nguyên (ví dụ {default}), nhận được {raw!r}"
        ) from exc
    _bounded(name, value, raw)
    return value


def number(env: Mapping[str, str], name: str, default: float) -> float:
    """A number setting (a decimal point or comma both work), checked against its bounds."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw.replace(",", "."))
    except ValueError as exc:
        raise SettingsError(
            f"{name} phải là một số (ví dụ {default:g}), nhận được {raw!r}"
        ) from exc
    if value != value:  # NaN
        raise SettingsError(f"{name} phải là một số (ví dụ {default:g}), nhận được {raw!r}")
    _bounded(name, value, raw)
    return value


def _ids(raw: str, name: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(";", ",").split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{name} phải là các số id Telegram cách nhau bởi dấu phẩy") from exc


def read_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines from a .env file; missing file gives nothing."""
    values: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return values
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def load_settings(env: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
    """Build settings from the environment; `.env` values fill in what the environment lacks."""
    source: dict[str, str] = {}
    if env is None:
        source.update(read_dotenv(dotenv or Path(".env")))
        source.update(os.environ)
    else:
        source.update(env)
    staff_chat = source.get("BOT_STAFF_CHAT_ID", "").strip()
    return Settings(
        token=source.get("TELEGRAM_BOT_TOKEN", "").strip(),
        api_url=source.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL,
        catalogue=Path(source.get("BOT_CATALOGUE", "").strip() or "procedures.yaml"),
        communes=Path(source["BOT_COMMUNES"].strip())
        if source.get("BOT_COMMUNES", "").strip()
        else None,
        database=source.get("BOT_DATABASE", "").strip() or "sqlite:///data/bot.sqlite3",
        staff_ids=_ids(source.get("BOT_STAFF_IDS", ""), "BOT_STAFF_IDS"),
        staff_chat_id=_int(source, "BOT_STAFF_CHAT_ID", 0) if staff_chat else None,
        webhook_url=source.get("WEBHOOK_URL", "").strip(),
        webhook_listen=source.get("WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
        webhook_port=_int(source, "WEBHOOK_PORT", 8443),
        webhook_secret=source.get("WEBHOOK_SECRET", "").strip(),
        national_tier=source.get("BOT_NATIONAL_TIER", "1").strip().lower()
        not in {"0", "false", "no", "off"},
        salt=source.get("BOT_SALT", "").strip() or "tthc-bot",
        retention_days=_int(source, "BOT_RETENTION_DAYS", 180),
        reload_interval=number(source, "BOT_RELOAD_INTERVAL", 2.0),
        web_host=source.get("WEB_HOST", "").strip() or "127.0.0.1",
        web_port=_port(source, "WEB_PORT"),
        web_behind_proxy=_flag(source.get("WEB_BEHIND_PROXY", "")),
        bot_username=source.get("BOT_USERNAME", "").strip().lstrip("@"),
        web_public_url=source.get("WEB_PUBLIC_URL", "").strip().rstrip("/"),
    )


def _flag(raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _port(env: Mapping[str, str], name: str) -> int | None:
    if not env.get(name, "").strip():
        return None
    port = _int(env, name, 0)
    if not 0 <= port <= 65535:
        raise SettingsError(f"{name} phải là số cổng từ 0 đến 65535, nhận được {port}")
    return port

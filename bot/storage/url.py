"""Reading `BOT_DATABASE`: a database URL or a plain file path (no database is opened here).

Accepted: `sqlite:///data/bot.sqlite3` (a path relative to the working directory),
`sqlite:////var/lib/tthc-bot/bot.sqlite3` (absolute), a plain path (`data/bot.sqlite3`), and
`sqlite://:memory:` or `:memory:` (a database that lives as long as the process, for tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot import messages as m
from bot.settings import SettingsError

DEFAULT_URL = "sqlite:///data/bot.sqlite3"
MEMORY = ":memory:"
# The schemes a backend exists for (see `bot.storage.database.OPENERS`).
SCHEMES = frozenset({"sqlite"})


class UnsupportedDatabase(SettingsError):
    """BOT_DATABASE names a kind of database the bot cannot open."""


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed database URL: its scheme and what follows (a file path for SQLite)."""

    scheme: str
    path: str


def parse_url(url: str | Path) -> DatabaseURL:
    """Read a database URL or a plain file path; raise UnsupportedDatabase for another scheme."""
    text = str(url).strip() or DEFAULT_URL
    scheme, found, rest = text.partition("://")
    if not found:  # a plain path, or :memory:
        return DatabaseURL("sqlite", text)
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        # Never echo a password: past the scheme, show nothing of a URL with credentials.
        shown = f"{scheme}://…" if "@" in rest else text
        raise UnsupportedDatabase(m.DATABASE_UNSUPPORTED.format(scheme=scheme, url=shown))
    # sqlite:///relative/path, sqlite:////absolute/path, sqlite://:memory:, sqlite:// (memory)
    path = rest.removeprefix("/")
    return DatabaseURL(scheme, path if path not in ("", MEMORY) else MEMORY)


def database_file(url: str | Path) -> Path | None:
    """The file a URL names, or None for an in-memory or server database."""
    found = parse_url(url)
    if found.scheme != "sqlite" or found.path == MEMORY:
        return None
    return Path(found.path)

"""Opening the bot's database from its URL (`BOT_DATABASE`, read by `bot.storage.url`), and the
names the rest of the bot uses for it: `Database` (the protocol every storage function takes)
and `utcnow`.

A server database is one new module implementing `bot.storage.backend.Database`, an entry in
`OPENERS` and its scheme in `bot.storage.url.SCHEMES`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.storage.backend import Database, Row, Transaction, utcnow
from bot.storage.sqlite import SQLiteDatabase
from bot.storage.url import DatabaseURL, UnsupportedDatabase, database_file, parse_url
from bot.storage.usable import DatabaseUnusable, check_usable

__all__ = [
    "Database",
    "DatabaseURL",
    "DatabaseUnusable",
    "Row",
    "Transaction",
    "UnsupportedDatabase",
    "check_database",
    "database_file",
    "open_database",
    "parse_url",
    "utcnow",
]


async def _open_sqlite(url: DatabaseURL) -> Database:
    return await SQLiteDatabase.open(url.path)


OPENERS: dict[str, Callable[[DatabaseURL], Awaitable[Database]]] = {"sqlite": _open_sqlite}


async def open_database(url: str | Path) -> Database:
    """Open (creating and migrating if needed) the database a URL or file path names."""
    found = parse_url(url)
    return await OPENERS[found.scheme](found)


def check_database(url: str | Path) -> None:
    """Raise DatabaseUnusable (in plain words, naming the file) unless the database a URL names
    can be opened, read and written; nothing is left running either way."""
    file = database_file(url)
    if file is not None:
        check_usable(file)

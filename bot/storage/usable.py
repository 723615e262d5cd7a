"""Before the bot opens its database: is the file usable at all? A plain answer if not.

A database path that is a folder, a file that is not an SQLite database (or is damaged), a file
or folder the bot may not write: each is found here, synchronously, before the long-lived
connection starts its thread (a connection that fails half-way leaves a thread behind that keeps
the process alive, so that nothing restarts it). `DatabaseUnusable` carries a Vietnamese message
that names the file and says what to do; the command line prints it and exits at once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot import messages as m
from bot.settings import SettingsError


class DatabaseUnusable(SettingsError):
    """The database file cannot be used; the message names it and says what to do."""


def check_usable(path: Path) -> None:
    """Raise DatabaseUnusable unless `path` can be opened, read and written as SQLite."""
    where = str(path.resolve()) if path.is_absolute() or path.parent.exists() else str(path)
    if path.is_dir():
        raise DatabaseUnusable(m.DATABASE_IS_FOLDER.format(path=where))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnusable(
            m.DATABASE_NOT_WRITABLE.format(path=where, reason=exc.strerror or exc)
        ) from None
    try:
        conn = sqlite3.connect(str(path), timeout=5, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseUnusable(m.DATABASE_NOT_WRITABLE.format(path=where, reason=exc)) from None
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE _write_probe (x)")
        conn.execute("ROLLBACK")
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            message = m.DATABASE_NOT_WRITABLE.format(path=where, reason=exc)
        elif "locked" in text or "busy" in text:
            return  # another process writes just now: the bot waits for its turn as usual
        else:
            message = m.DATABASE_DAMAGED.format(path=where, reason=exc)
        raise DatabaseUnusable(message) from None
    finally:
        conn.close()

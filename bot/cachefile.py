"""The bot's cache folder, and reading and writing its files safely.

The folder is BOT_CACHE_DIR if set (an empty value turns the cache off), else
`$XDG_CACHE_HOME/tthc-bot` or `~/.cache/tthc-bot`; it is created private to its user. A file
begins with its kind's magic line, the key it was stored under and a digest of what follows;
it is read only when it is a regular file of this user that no one else may write, stored
under the expected key, with its digest intact. Anything else reads as missing, so the caller
derives the value again. A file is written whole under a temporary name and then renamed, so
that a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.digest import SIZE, blake2b

__all__ = ["cache_dir", "read", "write"]


def cache_dir() -> Path | None:
    """Where the cache files are kept, or None when the cache is turned off."""
    chosen = os.environ.get("BOT_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tthc-bot"


def read(path: Path, magic: bytes, key: bytes) -> memoryview | None:
    """What `write` stored in `path` under `magic` and `key`, or None when the file is missing,
    unreadable, not this user's own regular file, writable by others, stored under another
    magic or key, or damaged (its digest differs)."""
    head = len(magic) + len(key) + SIZE
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        foreign = info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        if foreign or not stat.S_ISREG(info.st_mode) or info.st_size < head:
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read()
    except OSError:
        return None
    finally:
        os.close(handle)
    view = memoryview(data)
    if view[: len(magic)] != magic or view[len(magic) : len(magic) + len(key)] != key:
        return None
    payload = view[head:]
    if blake2b(payload, digest_size=SIZE).digest() != view[head - SIZE : head]:
        return None
    return payload


def write(path: Path, magic: bytes, key: bytes, payload: bytes) -> None:
    """Store `payload` in `path` (its folder created private if missing), whole or not at all;
    raises OSError when it cannot be written."""
    # Here, not at the top: a start that finds everything in the cache never needs it (it
    # brings shutil, random, bz2 and lzma along: 1.3 MB).
    import tempfile

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(magic + key + blake2b(payload, digest_size=SIZE).digest())
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise

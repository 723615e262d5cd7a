"""A cache of data derived from a source file (the national list, a checked communes file).

Each entry is keyed by a hash of the source file's bytes, of whatever else the result depends
on (such as the file's name, shown in messages) and of the source code of the modules that
derive it: an edited file, or a new version of the bot, simply misses and is derived again. A
missing, unreadable or corrupt entry is derived again too, silently; a cache folder that cannot
be written leaves the cache off. Nothing a citizen or staff member sees depends on whether an
entry was found.

The folder is BOT_CACHE_DIR if set (an empty value turns the cache off), else
`$XDG_CACHE_HOME/tthc-bot` or `~/.cache/tthc-bot`; it is created private to its user, since an
entry is a pickle and is trusted when read.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_FORMAT = b"derived-1"
KEEP = 8  # entries kept of each kind (a few files, or a few versions of one)


def cache_dir() -> Path | None:
    """Where the entries are kept, or None when the cache is turned off."""
    chosen = os.environ.get("BOT_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tthc-bot"


def code_key(modules: Iterable[str]) -> bytes:
    """A digest of the source code of the named (already imported) modules."""
    digest = hashlib.sha256(_FORMAT + sys.version.encode())
    for name in modules:
        file = getattr(sys.modules.get(name), "__file__", None)
        digest.update(name.encode() + b"\0")
        if file:
            try:
                digest.update(Path(file).read_bytes())
            except OSError:
                digest.update(b"?")
    return digest.digest()


def files_key(files: Iterable[Path]) -> bytes:
    """A digest of the bytes of the given files (code or data a result depends on)."""
    digest = hashlib.sha256(_FORMAT + sys.version.encode())
    for file in files:
        digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0")
        try:
            digest.update(file.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.digest()


def code_files() -> list[Path]:
    """The source files of the catalogue's modules, and of the text helpers they use."""
    here = Path(__file__).resolve().parent
    return [*sorted(here.glob("*.py")), here.parent / "text.py", here.parent / "bounded.py"]


def cached(
    kind: str,
    source: bytes,
    extra: str,
    code: bytes,
    derive: Callable[[], T],
    keep: Callable[[T], bool] | None = None,
) -> T:
    """Return `derive()`, from the cache when an entry for the same source, extra key and code
    is there; otherwise derive it and store it (silently skipped when it cannot be, or when
    `keep` says the value is not to be kept)."""
    folder = cache_dir()
    if folder is None:
        return derive()
    digest = hashlib.sha256(code)
    digest.update(extra.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(source)
    entry = folder / f"{kind}-{digest.hexdigest()[:40]}.pickle"
    try:
        value: T = pickle.loads(entry.read_bytes())
        return value
    except Exception:  # missing, unreadable, truncated or from another format: derive again
        pass
    value = derive()
    if keep is None or keep(value):
        _store(folder, kind, entry, value)
    return value


def _age(path: Path) -> float:
    try:
        return -path.stat().st_mtime
    except OSError:
        return 0.0


def _store(folder: Path, kind: str, entry: Path, value: object) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(prefix=f".{kind}-", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, entry)  # readers see the old entry or the whole new one
        except BaseException:
            os.unlink(temporary)
            raise
        # Only the newest entries of a kind are kept (older versions of a file are of no use).
        entries = sorted(folder.glob(f"{kind}-*.pickle"), key=_age)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass

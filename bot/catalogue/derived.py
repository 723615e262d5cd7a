"""A cache of data derived from a source file (the national list, a checked communes file).

Each entry is keyed by a hash of the source file's bytes, of whatever else the result depends
on (such as the file's name, shown in messages) and of the modules and data files that derive
it (their source code, or for the bot's own installed files their size and modification time,
as Python's bytecode cache does): an edited file, or a new version of the bot, simply misses
and is derived again. A
missing, unreadable or corrupt entry is derived again too, silently; a cache folder that cannot
be written leaves the cache off. Nothing a citizen or staff member sees depends on whether an
entry was found.

The entries live in the bot's cache folder (`bot.cachefile`: BOT_CACHE_DIR, an empty value
turning the cache off). An entry is a pickle, so it is never read blindly: `cachefile` reads it
only when it is a regular file of this user that no one else may write, stored under the same
key, with its digest intact. A damaged, stale or foreign entry is derived again (and
replaced), like a missing one.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from bot import cachefile
from bot.digest import SIZE, blake2b

T = TypeVar("T")
_FORMAT = b"derived-4"
_MAGIC = b"tthc-derived-4\n"  # an entry: this, the key (32 bytes), the pickle's digest, the pickle
_NEWOBJ: Callable[..., object] = vars(copyreg)["__newobj__"]  # pickled as the NEWOBJ opcode
KEEP = 8  # entries kept of each kind (a few files, or a few versions of one)


def code_key(modules: Iterable[str]) -> bytes:
    """A digest of the source code of the named (already imported) modules."""
    digest = blake2b(_FORMAT + sys.version.encode(), digest_size=SIZE)
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
    """What identifies the versions of the given files (code or data a result depends on):
    each one's path, size, modification time and inode, as Python's own bytecode cache tells
    a changed source file. These are the bot's own installed files, never edited in place by
    staff; reading and hashing them all (1.4 MB, mostly the national list) took longer than
    reading the cached result itself."""
    digest = blake2b(_FORMAT + sys.version.encode(), digest_size=SIZE)
    for file in files:
        digest.update(str(file).encode("utf-8", "surrogateescape") + b"\0")
        try:
            info = file.stat()
        except OSError:
            digest.update(b"?")
            continue
        digest.update(f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}\0".encode())
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
    source_digest: bytes | None = None,
    share: bool | Callable[[T], bool] = True,
) -> T:
    """Return `derive()`, from the cache when an entry for the same source, extra key and code
    is there; otherwise derive it and store it (silently skipped when it cannot be, or when
    `keep` says the value is not to be kept). A caller that has hashed the source already
    (`bot.digest`) passes that digest as `source_digest`, so that a large file is hashed once.
    `share` False (or a function of the value saying so) stores the value as pickle does by
    default: for a value whose equal texts are one object already (`model.build` makes them
    so), which pickle then writes once by itself, at a tenth of the sharing pickler's cost
    (3,000 entries: 0.03 s against 0.3 s)."""
    folder = cachefile.cache_dir()
    if folder is None:
        return derive()
    digest = blake2b(code, digest_size=SIZE)
    digest.update(extra.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(source_digest or blake2b(source, digest_size=SIZE).digest())
    digest.update(kind.encode() + b"\0")
    key = digest.digest()
    entry = folder / f"{kind}-{digest.hexdigest()[:40]}.pickle"
    payload = cachefile.read(entry, _MAGIC, key)
    if payload is not None:
        try:
            value: T = pickle.loads(payload)
            return value
        except Exception:  # checked, yet unreadable (a class renamed): derive again
            pass
    value = derive()
    if keep is None or keep(value):
        _store(folder, kind, entry, key, value, share(value) if callable(share) else share)
    return value


class _SharingPickler(pickle.Pickler):
    """A pickler that writes each distinct text of the dataclasses it meets once: equal strings
    (an agency's name, a document that many procedures ask for) are one object when read back,
    which makes the entry smaller, quicker to read and lighter in memory. The objects are
    rebuilt exactly as pickle's default does it (`__newobj__`, then their attributes)."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._texts: dict[str, str] = {}

    def reducer_override(self, obj: object) -> Any:
        """Dataclass instances with plain attributes: their state with shared strings."""
        kind = type(obj)
        # (A dataclass, told without importing `dataclasses`: `check` keeps its imports few.)
        plain = hasattr(kind, "__dataclass_fields__") and not hasattr(kind, "__slots__")
        if not plain or kind.__reduce_ex__ is not object.__reduce_ex__:
            return NotImplemented
        if getattr(kind, "__getstate__", None) is not object.__getstate__:
            return NotImplemented
        return _NEWOBJ, (kind,), self._share(vars(obj))

    def _share(self, value: object) -> object:
        if type(value) is str:
            return self._texts.setdefault(value, value)
        if type(value) is tuple:
            return tuple(self._share(v) for v in value)
        if type(value) is list:
            return [self._share(v) for v in value]
        if type(value) is dict:
            return {self._share(k): self._share(v) for k, v in value.items()}
        if type(value) is frozenset:
            return frozenset(self._share(v) for v in value)
        return value


def _dumps(value: object, share: bool = True) -> bytes:
    """`value` pickled, each distinct string of its dataclasses written once (with `share`)."""
    if not share:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    out = io.BytesIO()
    _SharingPickler(out).dump(value)
    return out.getvalue()


def _age(path: Path) -> float:
    try:
        return -path.stat().st_mtime
    except OSError:
        return 0.0


def _store(
    folder: Path, kind: str, entry: Path, key: bytes, value: object, share: bool = True
) -> None:
    try:
        cachefile.write(entry, _MAGIC, key, _dumps(value, share))
        # Only the newest entries of a kind are kept (older versions of a file are of no use).
        entries = sorted(folder.glob(f"{kind}-*.pickle"), key=_age)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        pass

"""The compiled methods of dataclasses, kept between starts like Python's own bytecode.

`dataclasses` writes each method it makes for a class (`__init__`, `__repr__`, `__eq__`,
`__hash__`, a frozen class's `__setattr__` and `__delattr__`) as source text and compiles it
with `exec`, one compile per method (Python 3.11 and 3.12): 282 compiles before `chat` shows
its greeting, about a quarter of its start (callgrind: Python's parser and compiler, 180 M of
636 M instructions). The same text always compiles to the same code. So `install` has
`dataclasses` run, for a text it has met before, the code compiled from that text then, kept
in one file of the cache folder (`bot.cachefile`) per Python version; `save` adds the texts met
for the first time. The classes get the very methods they got before: the code is looked up by
the whole text, compiled as `exec` would compile it. A missing, damaged or foreign file, or the
cache turned off, means compiling as before.
"""

from __future__ import annotations

import builtins
import marshal
import sys
from collections.abc import Mapping
from types import CodeType
from typing import Any

from bot import cachefile
from bot.digest import SIZE, blake2b

__all__ = ["install", "save"]

_MAGIC = b"tthc-classcode-1\n"
# The code of one Python build only (marshal's format and the bytecode change between them).
_KEY = blake2b(_MAGIC + sys.version.encode(), digest_size=SIZE).digest()
_NAME = f"classcode-{_KEY.hex()[:16]}.marshal"
_LIMIT = 5000  # texts kept; past it (old versions' classes piling up) only this process's
_known: dict[str, CodeType] = {}  # text -> its code: those read from the file, and the new
_new: set[str] = set()  # texts compiled here, not in the file yet
_used: set[str] = set()
_read = [False]


def install() -> None:
    """Have `dataclasses` run stored code for the method texts it has compiled before."""
    import dataclasses

    # A module global of that name is what its `exec(...)` calls, before the builtin.
    vars(dataclasses)["exec"] = _exec


def _exec(
    source: Any,
    scope: dict[str, Any] | None = None,
    names: Mapping[str, object] | None = None,
    /,
) -> None:
    """`exec`, with a text's code taken from the store when it has been compiled before."""
    if type(source) is str:
        source = _code(source)
    builtins.exec(source, scope, names)


def _code(text: str) -> CodeType:
    if not _read[0]:
        _read[0] = True
        _load()
    _used.add(text)
    code = _known.get(text)
    if code is None:
        # As `exec` compiles a text given by `dataclasses`, which has no __future__ imports.
        code = compile(text, "<string>", "exec", dont_inherit=True)
        _known[text] = code
        _new.add(text)
    return code


def _load() -> None:
    folder = cachefile.cache_dir()
    payload = None if folder is None else cachefile.read(folder / _NAME, _MAGIC, _KEY)
    if payload is None:
        return
    try:
        stored = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return
    if isinstance(stored, dict):
        _known.update(
            (text, code)
            for text, code in stored.items()
            if type(text) is str and type(code) is CodeType and text not in _known
        )


def save() -> None:
    """Store the code of the texts compiled for the first time in this process (quietly
    nothing when there are none, or when the cache is off or cannot be written)."""
    folder = cachefile.cache_dir()
    if not _new or folder is None:
        return
    kept = _known if len(_known) <= _LIMIT else {t: _known[t] for t in _used}
    try:
        cachefile.write(folder / _NAME, _MAGIC, _KEY, marshal.dumps(kept))
    except (OSError, ValueError):
        return
    _new.clear()

"""glibc's allocator as the bot tunes it through ctypes: `mallopt`, `malloc_trim` and the
numbers of the two settings it changes (glibc's malloc.h). Nothing here on another system or
C library (musl has no `mallopt` to speak of)."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value for the mapping bar
_LIBC: list[Any] = []  # (mallopt, malloc_trim), or None: looked up once

Calls = tuple[Callable[[int, int], int], Callable[[int], int]]


def glibc() -> Calls | None:
    """Return glibc's `mallopt` and `malloc_trim`, typed, or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    if not _LIBC:
        try:
            libc = ctypes.CDLL(None)  # the C library the interpreter runs on
            mallopt, trim = libc.mallopt, libc.malloc_trim
        except (OSError, AttributeError):
            _LIBC.append(None)
        else:
            mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
            trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
            _LIBC.append((mallopt, trim))
    found: Calls | None = _LIBC[0]
    return found

"""Large blocks from the heap while a large index is built, handed back once it is.

The long-running front ends keep glibc's bar for mapping a block on its own at 128 KiB
(`bot.frontends.memory`): a block that large is mapped when asked for and unmapped when freed.
Building a large catalogue's index in numpy makes hundreds of temporary arrays of megabytes, so
each one was mapped afresh and its pages were faulted in and zeroed by the kernel: at 10,000
entries half a second of system time, a fifth of the build. While an index is built the bar is
raised, so that those arrays reuse the heap; afterwards it is set back and the heap's free
memory is handed back to the system (`malloc_trim`), so the bot keeps its compact memory.

Only on Linux with glibc, and never when the environment sets the bar itself.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.allocator import M_MMAP_THRESHOLD, MMAP_THRESHOLD, Calls, glibc

# The bar outside a build: glibc's starting value, fixed there as the front ends fix it (a
# process that left the bar to glibc has it fixed after a large build: no slower, measured).
KEPT = MMAP_THRESHOLD
# The bar during a build: arrays of up to 2 MB reuse the heap, larger ones are still mapped. A
# first `run` start on 3,000 entries, medians of runs taking turns: no raise 4.26 s CPU and
# 145 MB at ready, 2 MB 3.77-3.93 s and 148 MB, 8 MB 3.59-3.75 s and 151-155 MB (past the
# 150 MB goal); at 10,000 entries a bar of 32 MB saved no more time than 8 MB, for 13 MB more.
BUILDING = 2 * 1024 * 1024
_LOCK = threading.Lock()
_BUILDS = [0]  # builds under way (threads may build at once: the last one sets the bar back)


def _allocator() -> Calls | None:
    """Return glibc's `mallopt` and `malloc_trim`, or None elsewhere or when the environment
    sets the bar itself."""
    if os.environ.get("MALLOC_MMAP_THRESHOLD_"):
        return None
    return glibc()


@contextmanager
def roomy() -> Iterator[None]:
    """Let large blocks come from the heap while the body runs (see above)."""
    calls = _allocator()
    if calls is None:
        yield
        return
    mallopt, trim = calls
    with _LOCK:
        _BUILDS[0] += 1
        mallopt(M_MMAP_THRESHOLD, BUILDING)
    try:
        yield
    finally:
        with _LOCK:
            _BUILDS[0] -= 1
            if not _BUILDS[0]:
                mallopt(M_MMAP_THRESHOLD, KEPT)
                trim(0)

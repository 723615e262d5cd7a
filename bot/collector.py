"""Python's cycle collector paused around work that makes many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block (left as it was found, on or off, after it).

    Checking a province's catalogue or building its index makes millions of objects and no
    reference cycles; the collector would otherwise walk them all again and again as they are
    made (half of a large file's parse, a fifth of a first index build at 10,000 entries). The
    bot collects once when it is ready (and `gc.freeze` then keeps all this out of later
    passes).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()

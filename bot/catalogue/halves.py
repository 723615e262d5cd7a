"""A province-sized clean catalogue read on both cores: the procedure list cut in two.

Reading YAML is most of `check`'s time on a large file, and it is one core's work. A file of
`MIN_CHARS` or more (off for now: see there) is cut where an entry of its top-level
`procedures:` list starts, near the middle; a forked copy of the process reads the second half
while this one reads the first, and the two halves' data are joined. The second half is given
the `procedures:` line and blank lines in front of it, so each value keeps its line and every
message stays the same. A cut that is not a real boundary (inside a quoted text or a bracket
running over several lines) makes one half unreadable, and the file is then read whole, as
before; so is any file in a process that runs other threads (forking them is unsafe), and any
file with something unusual in either half.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from bot.catalogue.limits import MAX_NODES
from bot.catalogue.rules import Found

# Files from this size on are read on two cores. Off for now (no file is that large): measured
# on the shared 2-core machine, with the other core busy, reading 3,000 entries in two halves
# took 0.3 s more CPU and 17 MB more memory (the halves are copies of the text) and was no
# sooner; on a machine with a core to spare it should save about a third of the reading time.
# Set it to a few million characters (3,000 entries are 12 million) to turn it on.
MIN_CHARS = sys.maxsize
_PROCEDURES = re.compile(r"^procedures:[ \t]*(?:#[^\n]*)?\n", re.MULTILINE)
# Blank and comment lines, then the first item of the list (its indentation in group 1).
_FIRST_ITEM = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*( *)- ")

# The data, the silent findings, the count of values, and where each top-level list's items
# are written (first character, line, end).
Read = tuple[dict[str, Any], list[Found], int, dict[Any, tuple[int, int, int]]]


def cut(text: str) -> tuple[str, str] | None:
    """The two halves to read, or None when the file has no clear place to cut."""
    if len(text) < MIN_CHARS:
        return None
    heads = list(_PROCEDURES.finditer(text))
    if len(heads) != 1:
        return None
    first = _FIRST_ITEM.match(text, heads[0].end())
    if first is None:
        return None
    indent = first.group(1)
    # The list ends at the next line written at the left edge (a new top-level key).
    edge = re.compile(r"\n[^ \t\n#-]" if not indent else r"\n[^ \t\n#]")
    after = edge.search(text, first.end())
    end = after.start() if after is not None else len(text)
    at = text.find("\n" + indent + "- ", (first.start(1) + end) // 2, end)
    if at < 0:
        return None
    at += 1
    line = text.count("\n", 0, at)  # 0-based; the `procedures:` line is above it
    return text[:at], "procedures:\n" + "\n" * (line - 1) + text[at:]


def read_in_two(text: str, read: Callable[[str], Read]) -> Read | None:
    """`read(text)` done on both cores; None when it must be done whole, in this process."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return None
    halves = cut(text)
    if halves is None:
        return None
    import pickle  # only for a large file

    first, second = halves
    inlet, outlet = os.pipe()
    child = os.fork()
    if child == 0:  # the copy: read the second half, hand its data back, and leave
        try:
            os.close(inlet)
            try:
                theirs: Read | None = read(second)
            except Exception:
                theirs = None
            with os.fdopen(outlet, "wb") as out:
                pickle.dump(theirs, out, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(outlet)
    mine: Read | None = None
    try:
        mine = read(first)
        with os.fdopen(inlet, "rb") as pipe:
            theirs = pickle.load(pipe)
    except Exception:
        return None
    finally:
        if mine is None:
            os.close(inlet)
            os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    return _join(mine, theirs, len(text) - len(second))


def _join(mine: Read, theirs: Read | None, shift: int) -> Read | None:
    """The whole file's data from its two halves', or None when they do not fit together;
    `shift` turns a place in the second half's text into one in the whole text."""
    if theirs is None:
        return None
    data, found, nodes, spans = mine
    rest, more, counted, places = theirs
    if not data or not rest or next(reversed(data)) != "procedures":
        return None
    keys = iter(rest)
    if next(keys) != "procedures" or any(key in data for key in keys):
        return None  # a key written twice at the top: the careful path names it
    head, tail = data["procedures"], rest.pop("procedures")
    if not isinstance(head, list) or not isinstance(tail, list):
        return None
    for (section, i), (start, line, end) in places.items():
        at = i + len(head) if section == "procedures" else i
        spans[(section, at)] = (start + shift, line, end + shift if end >= 0 else end)
    head.extend(tail)
    data.update(rest)
    nodes += counted - 2  # the second half's root and its `procedures:` were counted twice
    if nodes > MAX_NODES:
        return None
    return data, found + more, nodes, spans

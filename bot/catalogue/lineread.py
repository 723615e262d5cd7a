"""The fastest way through a catalogue file: the block YAML staff write, read line by line.

Staff write block mappings and lists, plain and quoted values, '>-' / '|' texts, one-line
[ ] lists and { } mappings, comments and blank lines. Each line is cut into its indentation,
its '- ', its key and the rest with str methods (C loops), and the data is built from those
pieces in one loop, with no object per YAML event. The values are exactly what the event reader
in `stream` makes (types by the resolver's rules, strings in NFC, every line, the silent-mistake
findings after plain values); a file with anything else in it (tabs, anchors, tags, '<<', '?',
'---', a key written twice, odd indentation, other line breaks, control characters, a value
this module is not sure of) raises `Unusual`, and the caller reads it the event way instead.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate
from typing import Any

from bot.catalogue import linescalars, silent
from bot.catalogue.limits import MAX_DEPTH, MAX_NODES
from bot.catalogue.linescalars import Unusual
from bot.catalogue.rules import Found, Loc

__all__ = ["Unusual", "walk"]

# What the event reader must see: a character YAML refuses or counts as a line break, a tab,
# a byte-order mark, a document marker or a directive. (Searched for only when a quicker test
# says one may be there.)
_UNSURE = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    r"|^(?:---|\.\.\.)(?= |$)|^%",
    re.MULTILINE,
)
# A value starting with one of these is not a plain word: quoted, block, flow or unusual.
_SPECIAL = frozenset("#'\"[]{}&*!|>%@`,?:-")
_NOT_A_KEY = frozenset("#'\"[]{}&*!|>%@`,?:- ")
_BLOCK_HEADERS = frozenset((">", ">-", "|", "|-"))
_ONE_MORE = (1).__add__
Spans = dict[Loc, tuple[int, int, int]]


class _Mark:
    """Where a plain value starts or ends, as `silent.plain_scalar` reads a libyaml mark."""

    __slots__ = ("index", "line")

    def __init__(self, index: int, line: int) -> None:
        self.index = index
        self.line = line


def walk(
    text: str,
    lines: dict[Loc, int] | None = None,
    raw: dict[Loc, str] | None = None,
    spans: Spans | None = None,
    base: int = 0,
) -> tuple[dict[str, Any], list[Found], int]:
    """The data of a catalogue text, its silent findings and its count of values; with
    `lines`, also each value's line (and each key's, under '#key') and, in `raw`, non-string
    values as typed; with `spans`, where each item of a top-level list is written (first
    character, 0-based line, end). Lines are counted from `base` + 1. `Unusual` when unsure."""
    if not linescalars.SIMPLE or _unsure(text):
        raise Unusual
    raws = text.split("\n")
    record = lines is not None
    if lines is None:
        lines = {}
    if raw is None:
        raw = {}
    # The hot loop of `check` on a large file: one round per line, everything it reads bound
    # to a local name first, the few dozen keys normalised once each.
    found: list[Found] = []
    keys: dict[str, str] = {}  # a key as written -> the key (NFC)
    typed = linescalars.typed
    normalize = unicodedata.normalize
    special, not_a_key, implicit = _SPECIAL, _NOT_A_KEY, linescalars.IMPLICIT
    root: dict[str, Any] = {}
    cur: Any = root  # the container being filled, its indentation and place
    is_map = True
    indent = 0
    path: Loc = ()
    stack: list[tuple[Any, bool, int, Loc]] = []  # the containers around it
    nodes = 1
    started = False
    waiting: str | None = None  # a key whose value starts on a later line
    waiting_row = 0
    # The plain value that may go on over the next lines: its container (its place is in
    # `slot`), its text so far, its first and last rows, the indentation a line must pass to
    # go on with it, whether a line was glued on by a '-', whether it is in `raw`.
    last: Any = None
    slot: Any = None
    so_far = ""
    first_row = end_row = last_indent = 0
    glued = last_raw = False
    starts: dict[Loc, int] = {}  # the first and the next row of each top-level list item
    ends: dict[Loc, int] = {}
    want_spans = spans is not None
    skip = 0  # rows up to here belong to a value read already
    for at, line in enumerate(raws):
        if at < skip:
            continue
        words = line.lstrip(" ")
        if not words:
            continue
        first = words[0]
        if first == "#":
            if last is not None:  # a comment ends a plain value
                if glued:
                    _check(so_far, raws, first_row, end_row, len(raws[end_row]), base, found)
                last = None
            continue
        column = len(line) - len(words)
        if last is not None:
            if column > last_indent:  # the plain value above goes on on this line
                words = words.rstrip(" ")
                cut = words.find(" #") if "#" in words else -1
                part = words if cut < 0 else words[:cut].rstrip(" ")
                if ":" in part and (": " in part or part[-1] == ":"):
                    raise Unusual
                so_far += (" " if at == end_row + 1 else "\n" * (at - end_row - 1)) + part
                if first == "-" and words[:2] != "- ":
                    glued = True
                end_row = at
                resolvers = implicit.get(so_far[0])
                if last_raw or (resolvers is not None and len(so_far) <= resolvers[0]):
                    value = typed(so_far)
                    where = (*path, slot)
                    raw.pop(where, None)
                    last_raw = not isinstance(value, str)
                    if last_raw:
                        raw[where] = so_far
                else:
                    value = so_far if so_far.isascii() else normalize("NFC", so_far)
                last[slot] = value
                if cut >= 0:
                    if isinstance(value, str):
                        end = column + len(part)
                        _check(so_far, raws, first_row, at, end, base, found)
                    glued = False
                    last = None
                continue
            if glued:
                _check(so_far, raws, first_row, end_row, len(raws[end_row]), base, found)
            last = None
        # The line's '- ', its key and the rest.
        dashes = 0
        rest = words
        if first == "-" and (len(words) == 1 or words[1] == " "):
            rest = words[1:].lstrip(" ")
            dashes = len(words) - len(rest)
            if rest[:1] == "-" and (len(rest) == 1 or rest[1] == " "):
                raise Unusual  # a list right inside a list item
        key = None
        if rest and rest[0] not in not_a_key and ":" in rest:
            if ": " in rest:
                key, _, rest = rest.partition(": ")
                key = key.rstrip(" ")
                rest = rest.lstrip(" ")
            elif rest[-1] == ":":
                key = rest[:-1].rstrip(" ")
                rest = ""
        if not started:
            if column or dashes or key is None:
                raise Unusual
            started = True
            lines[()] = at + 1 + base
        if waiting is not None and column > indent and key is None and not dashes:
            slot, waiting = waiting, None  # a value on the line below its key
        else:
            if waiting is not None:
                if (column > indent and (key is not None or dashes)) or (
                    dashes and column == indent
                ):
                    # the value waiting is a mapping or a list starting here
                    if len(path) >= MAX_DEPTH - 1:
                        raise Unusual
                    child: Any = [] if dashes else {}
                    cur[waiting] = child
                    stack.append((cur, is_map, indent, path))
                    path = (*path, waiting)
                    if record:
                        lines[path] = at + 1 + base
                    cur, is_map, indent = child, not dashes, column
                    nodes += 1
                else:  # nothing after its ':': null, at the key's line
                    nodes += 1
                    if record:
                        lines[(*path, waiting)] = waiting_row + 1 + base
                    raw[(*path, waiting)] = ""
                waiting = None
            while column < indent or (column == indent and not is_map and not dashes):
                if not stack:
                    raise Unusual
                if want_spans and len(path) == 2 and path in starts:
                    ends[path] = at
                cur, is_map, indent, path = stack.pop()
            if dashes:
                if is_map or column != indent:
                    raise Unusual
                slot = len(cur)
                if key is not None:  # a mapping starts on the item's line
                    if len(path) >= MAX_DEPTH - 1:
                        raise Unusual
                    child = {}
                    cur.append(child)
                    stack.append((cur, is_map, indent, path))
                    path = (*path, slot)
                    if record:
                        lines[path] = at + 1 + base
                    if want_spans and len(path) == 2:
                        starts[path] = at
                    cur, is_map, indent = child, True, column + dashes
                    nodes += 1
                    column = indent
                elif not rest or rest[0] == "#":
                    raise Unusual  # an item with nothing after its '-'
                else:
                    cur.append(None)
            elif key is None:
                raise Unusual  # a line that is neither a key nor an item
            if key is not None:
                if not is_map or column != indent:
                    raise Unusual
                slot = keys.get(key)
                if slot is None:
                    if not key or key == "<<" or " #" in key:
                        raise Unusual
                    slot = keys[key] = key if key.isascii() else normalize("NFC", key)
                if slot in cur:
                    raise Unusual
                if record:
                    lines[(*path, "#key", slot)] = at + 1 + base
                if not rest or rest[0] == "#":
                    waiting, waiting_row = slot, at
                    cur[slot] = None
                    continue
        nodes += 1
        if record:
            lines[(*path, slot)] = at + 1 + base
        first = rest[0]
        if first not in special or (first == "-" and rest[1:2] not in ("", " ")):
            # a plain word, the common case: read right here
            cut = rest.find(" #") if "#" in rest else -1
            part = (rest if cut < 0 else rest[:cut]).rstrip(" ")
            if ":" in part and (": " in part or part[-1] == ":"):
                raise Unusual
            resolvers = implicit.get(first)
            if resolvers is not None and len(part) <= resolvers[0]:
                value = typed(part)
                last_raw = not isinstance(value, str)
                if last_raw:
                    raw[(*path, slot)] = part
            else:
                value = part if part.isascii() else normalize("NFC", part)
                last_raw = False
            cur[slot] = value
            if cut < 0:
                last, so_far, first_row, end_row, glued = cur, part, at, at, False
                last_indent = indent
            elif isinstance(value, str):
                _check(part, raws, at, at, len(line) - len(rest) + len(part), base, found)
            continue
        value, nested, skip = _special(rest, raws, at, indent, keys)
        cur[slot] = value
        if nested:
            nodes += len(nested)
            where = (*path, slot)
            for place, typed_as, keyed in nested:
                if record:
                    lines[(*where, *place)] = at + 1 + base
                    if keyed:
                        lines[(*where, *place[:-1], "#key", place[-1])] = at + 1 + base
                if typed_as is not None:
                    raw[(*where, *place)] = typed_as
    if waiting is not None:
        nodes += 1
        if record:
            lines[(*path, waiting)] = waiting_row + 1 + base
        raw[(*path, waiting)] = ""
    if last is not None and glued:
        _check(so_far, raws, first_row, end_row, len(raws[end_row]), base, found)
    if not started or nodes > MAX_NODES:
        raise Unusual
    if want_spans and starts:
        assert spans is not None
        _spans(raws, starts, ends, len(text), spans)
    return root, found, nodes


_Nested = linescalars.Places


def _unsure(text: str) -> bool:
    """Whether the text may hold something `_UNSURE` finds (tabs are looked for first)."""
    if "\t" in text:
        return True
    if (
        not text.replace("\n", " ").isprintable()
        or text.startswith(("---", "...", "%"))
        or "\n---" in text
        or "\n..." in text
        or "\n%" in text
    ):
        return _UNSURE.search(text) is not None
    return False


def _special(
    rest: str, raws: list[str], at: int, indent: int, keys: dict[str, str]
) -> tuple[Any, _Nested | None, int]:
    """A value that is not a plain word: its value, the places in it when it is a [ ] or { },
    and the first row after it."""
    first = rest[0]
    if first == "'":
        closed = linescalars.SINGLE.match(rest)
        if closed is not None:
            if not linescalars.after_value(rest[closed.end() :]):
                raise Unusual
            return linescalars.text(closed.group(1).replace("''", "'")), None, at + 1
        body, at, after = linescalars.single_lines(raws, at, rest[1:], indent)
        if not linescalars.after_value(after):
            raise Unusual
        return linescalars.text(body), None, at + 1
    if first == '"':
        closed = linescalars.DOUBLE.match(rest)
        if closed is None or not linescalars.after_value(rest[closed.end() :]):
            raise Unusual  # over several lines, or a key: not sure
        return linescalars.text(linescalars.unescape(closed.group(1))), None, at + 1
    if first in "[{":
        value, places, after = linescalars.flow(rest, keys)
        if not linescalars.after_value(after):
            raise Unusual
        return value, places, at + 1
    header = rest.rstrip(" ")
    if header in _BLOCK_HEADERS:
        body, after_row = linescalars.block(raws, at, header, indent)
        return linescalars.text(body), None, after_row
    raise Unusual


def _check(
    typed: str, raws: list[str], first: int, last: int, end: int, base: int, found: list[Found]
) -> None:
    """`silent.plain_scalar` for a plain text on rows `first` to `last`, ending at column
    `end` of the last one."""
    piece = "\n".join(raws[first : last + 1])
    start = len(raws[first]) - len(raws[first].lstrip(" "))
    silent.plain_scalar(
        typed,
        _Mark(start, first + base),
        _Mark(len(piece) - len(raws[last]) + end, last + base),
        piece,
        found,
    )


def _spans(
    raws: list[str], starts: dict[Loc, int], ends: dict[Loc, int], size: int, spans: Spans
) -> None:
    offsets = list(accumulate(map(_ONE_MORE, map(len, raws)), initial=0))
    for where, row in starts.items():
        end = ends.get(where)
        spans[where] = (offsets[row], row, size if end is None else min(offsets[end], size))

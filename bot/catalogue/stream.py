"""The fast way through a clean catalogue file: plain data straight from libyaml's events.

Composing the whole node tree first (what `tree` does) costs about ten times the file's size in
memory and most of `check`'s time at a province's size. A file with nothing unusual in it (no
'&' / '*', no '<<', no '!tag', no key written twice, no word split off by a comma inside { }) is
read here in one pass over the parser's events instead, keeping no tree. Anything unusual, or any
syntax error, returns None and the file goes the careful way, so every message stays the same.
The lines of each value (needed only to name a problem) are found by a second pass, on demand.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from bot.catalogue import halves, lineread, silent
from bot.catalogue.limits import MAX_DEPTH, MAX_NODES
from bot.catalogue.linescalars import FAST_LOADER, IMPLICIT, Unusual
from bot.catalogue.linescalars import SIMPLE as _SIMPLE
from bot.catalogue.rules import Found, Loc
from bot.catalogue.tree import STR_TAG, scalar_value

_IMPLICIT = IMPLICIT
_INT = "tag:yaml.org,2002:int"
_DATE = "tag:yaml.org,2002:timestamp"
# Line breaks libyaml counts besides '\n': with them, its line numbers and ours could differ.
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


# A line that starts with a '-' not followed by a space: an item glued onto a value above.
_MAYBE_GLUED = re.compile(r"\n[^\S\n]*-(?! )")


def _comment_lines(text: str) -> set[int]:
    """The 0-based lines where a plain value may be followed by a comment: a '#' right after a
    blank, with something other than spaces and tabs before it on its line."""
    lines: set[int] = set()
    line = counted = 0
    at = text.find("#")
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        before = text[start:at]
        if before[-1:].isspace() and before.strip(" \t"):
            line += text.count("\n", counted, at)
            counted = at
            lines.add(line)
        at = text.find("#", at + 1)
    return lines


class _Unusual(Unusual):
    """Something only the careful path handles; the caller falls back to it."""


# Where each item of a top-level list is written: (first character, its line, end), by location.
Spans = dict[Loc, tuple[int, int, int]]


class Streamed:
    """What one pass made of a clean file: its data, the silent findings, lines on demand."""

    def __init__(
        self,
        data: dict[str, Any],
        text: str | Callable[[], str],
        found: list[Found],
        nodes: int,
        spans: Spans | None = None,
        by_line: bool = False,
    ) -> None:
        self.data = data
        self.found = found
        self.nodes = nodes
        self.by_line = by_line
        self.lines = LazyLines(text, data, spans, by_line)


def read(
    text: str, by_line: bool = True, again: Callable[[], str] | None = None
) -> Streamed | None:
    """Read a clean catalogue text in one pass; None when the careful path must read it.

    The staff's usual YAML is read line by line (`lineread`); a file with anything else in it
    goes through libyaml's events here (`by_line=False`: always the events). With `again`
    (which gives the same text again), the lines found on demand do not keep the text: the
    caller can let it go once read."""
    keep: str | Callable[[], str] = text if again is None else again
    if not _SIMPLE:
        return None
    if by_line:  # (`lineread` hands a text with any of `_OTHER_BREAKS` on: unprintable)
        spans: Spans = {}
        try:
            data, found, nodes = lineread.walk(text, None, None, spans)
        except Unusual:
            pass
        else:
            return Streamed(data, keep, found, nodes, spans, by_line=True)
    if any(b in text for b in _OTHER_BREAKS):
        return None
    try:
        # A province-sized file is read on both cores when it can be cut cleanly in two.
        both = halves.read_in_two(text, _data)
        data, found, nodes, spans = both if both is not None else _data(text)
    except (_Unusual, yaml.YAMLError, RecursionError):
        return None
    return Streamed(data, keep, found, nodes, spans)


def _data(text: str) -> tuple[dict[str, Any], list[Found], int, Spans]:
    spans: Spans = {}
    data, found, nodes = _walk(text, None, None, spans)
    return data, found, nodes, spans


class LazyLines(Mapping[Loc, int]):
    """The line of every value (and of every key, under '#key'), found when first asked for.

    A file with a few problems needs the lines of a few entries only: an item of a top-level
    list whose place the first pass noted is read again alone (its own lines, blank lines in
    front, so every line number stays), and the whole file only past `ENTRIES_ALONE` of them.
    """

    ENTRIES_ALONE = 64

    def __init__(
        self,
        text: str | Callable[[], str],
        data: dict[str, Any] | None = None,
        spans: Spans | None = None,
        by_line: bool = False,
    ) -> None:
        self._text = text  # or what gives it again, when first needed
        self._walk = lineread.walk if by_line else _walk
        self._by_line = by_line
        self._lines: dict[Loc, int] | None = None
        self._raw: dict[Loc, str] = {}
        self._data = data
        self._spans = spans or {}
        self._entries: dict[Loc, tuple[dict[Loc, int], dict[Loc, str]] | None] = {}

    def _source(self) -> str:
        if not isinstance(self._text, str):
            self._text = self._text()
        return self._text

    def _table(self) -> dict[Loc, int]:
        if self._lines is None:
            lines: dict[Loc, int] = {}
            self._walk(self._source(), lines, self._raw)
            self._lines = lines
            self._text = ""
            self._entries.clear()
        return self._lines

    def _entry(self, loc: object) -> tuple[dict[Loc, int], dict[Loc, str]] | None:
        """The lines and raw values of the entry holding `loc`, when it can be read alone."""
        if self._lines is not None or not isinstance(loc, tuple) or len(loc) < 2:
            return None
        head = loc[:2]
        if head in self._entries:
            return self._entries[head]
        span = self._spans.get(head)
        if span is None or len(self._entries) >= self.ENTRIES_ALONE:
            return None
        found = self._entries[head] = self._read_entry(head, *span)
        return found

    def _read_entry(
        self, head: Loc, start: int, line: int, end: int
    ) -> tuple[dict[Loc, int], dict[Loc, str]] | None:
        text = self._source()
        begin = text.rfind("\n", 0, start) + 1
        if line < 1 or self._data is None:
            return None
        lines: dict[Loc, int] = {}
        raw: dict[Loc, str] = {}
        try:
            if self._by_line:  # the same lines, counted from the entry's first
                data, _, _ = lineread.walk("x:\n" + text[begin:end], lines, raw, None, line - 1)
            else:
                data, _, _ = _walk("x:\n" + "\n" * (line - 1) + text[begin:end], lines, raw)
            section = self._data.get(str(head[0]))
            item = section[int(head[1])] if isinstance(section, list) else None
        except (Unusual, yaml.YAMLError, RecursionError, IndexError, ValueError):
            return None
        if data != {"x": [item]}:
            return None  # read alone it is not the same: the whole file is read instead
        own_lines = {(*head, *loc[2:]): n for loc, n in lines.items() if loc[:2] == ("x", 0)}
        own_raw = {(*head, *loc[2:]): r for loc, r in raw.items() if loc[:2] == ("x", 0)}
        return own_lines, own_raw

    @property
    def raw(self) -> Mapping[Loc, str]:
        """Non-string values as typed (1.001190, not the float 1.00119), by location."""
        return _RawView(self)

    def __getitem__(self, loc: Loc) -> int:
        entry = self._entry(loc)
        if entry is not None:
            return entry[0][loc]
        return self._table()[loc]

    def __contains__(self, loc: object) -> bool:
        entry = self._entry(loc)
        if entry is not None:
            return loc in entry[0]
        return loc in self._table()

    def __iter__(self) -> Iterator[Loc]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


class _RawView(Mapping[Loc, str]):
    def __init__(self, lines: LazyLines) -> None:
        self._owner = lines

    def _table(self) -> dict[Loc, str]:
        self._owner._table()
        return self._owner._raw

    def __getitem__(self, loc: Loc) -> str:
        entry = self._owner._entry(loc)
        if entry is not None:
            return entry[1][loc]
        return self._table()[loc]

    def __iter__(self) -> Iterator[Loc]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())


def _walk(
    text: str,
    lines: dict[Loc, int] | None,
    raw: dict[Loc, str] | None,
    spans: Spans | None = None,
) -> tuple[dict[str, Any], list[Found], int]:
    """One pass over the events; with `lines`, also record each location's line and raw value;
    with `spans`, where each item of a top-level list is written."""
    assert FAST_LOADER is not None
    loader = FAST_LOADER(text)
    try:
        return _events(loader, text, lines, raw, {} if spans is None else spans)
    finally:
        loader.dispose()


def _events(
    loader: Any,
    text: str,
    lines: dict[Loc, int] | None,
    raw: dict[Loc, str] | None,
    spans: Spans,
) -> tuple[dict[str, Any], list[Found], int]:
    # The hot loop of `check`: one round per YAML event, hundreds of thousands of them in a
    # province's file. Everything it reads is bound to a local name first, and keys (a few dozen
    # distinct ones, written again in every entry) are normalised once each.
    get = loader.get_event
    implicit = _IMPLICIT
    constructor = yaml.SafeLoader("")
    normalize = unicodedata.normalize
    plain_scalar = silent.plain_scalar
    scalar_kind, alias_kind = ScalarEvent, AliasEvent
    map_start, seq_start = MappingStartEvent, SequenceStartEvent
    str_tag, max_depth, max_nodes = STR_TAG, MAX_DEPTH - 1, MAX_NODES
    keys: dict[str, str] = {}  # a key as written -> the key (NFC)
    found: list[Found] = []
    # Only where a value may have text cut off as a comment after it, or a line glued onto it
    # by a '-' without a space, can `silent.plain_scalar` find anything: it is called there.
    cut_lines = _comment_lines(text)
    glued = _MAYBE_GLUED.search(text) is not None
    get()  # the stream's start
    event: Any = get()
    if type(event) is not DocumentStartEvent:
        raise _Unusual
    event = get()
    if type(event) is not MappingStartEvent:
        raise _Unusual
    root: dict[str, Any] = {}
    first: Any = event.start_mark
    if lines is not None:
        lines[()] = first.line + 1
    # The container being filled, with the path to it and, in a mapping, the key waiting for
    # its value; the containers around it wait on `stack`.
    current: Any = root
    in_map = True
    flow = bool(event.flow_style)
    path: Loc = ()
    key: str | None = None
    key_event: Any = None
    stack: list[tuple[Any, bool, bool, Loc, str | None, Any]] = []
    nodes = 1
    while True:
        event = get()
        kind = type(event)
        if kind is scalar_kind:
            # An anchor ('&') alone changes nothing; its use ('*') is an AliasEvent, below.
            typed = event.value
            if in_map and key is None:
                key = keys.get(typed)
                if key is None:
                    if typed == "<<":
                        raise _Unusual
                    key = keys[typed] = typed if typed.isascii() else normalize("NFC", typed)
                if key in current:
                    raise _Unusual
                key_event = event
                continue
            nodes += 1
            explicit = event.tag
            if explicit is not None and explicit != "!":
                raise _Unusual
            tag = str_tag
            if event.implicit[0]:  # plain: YAML may read it as a number, a date, yes/no...
                resolvers = implicit.get(typed[:1])
                if resolvers is not None and len(typed) <= resolvers[0]:
                    for maybe, pattern in resolvers[1]:
                        if pattern.match(typed):
                            tag = maybe
                            break
                if tag == str_tag:
                    value: Any = typed if typed.isascii() else normalize("NFC", typed)
                    end = event.end_mark
                    if end.line in cut_lines or (glued and end.line != event.start_mark.line):
                        plain_scalar(typed, event.start_mark, end, text, found)
                elif (
                    tag == _INT
                    and typed.isascii()
                    and typed.isdigit()
                    and (typed[0] != "0" or typed == "0")
                ):
                    value = int(typed)  # a count: what the constructor makes of it, sooner
                elif tag == _DATE and len(typed) == 10:  # YYYY-MM-DD, the only 10-letter form
                    try:
                        value = dt.date(int(typed[:4]), int(typed[5:7]), int(typed[8:]))
                    except ValueError:
                        value = typed  # an impossible date: the rules report it
                else:
                    node = ScalarNode(tag, typed, event.start_mark, event.end_mark, event.style)
                    value, problem = scalar_value(constructor, node)
                    if problem is not None:
                        raise _Unusual
            else:
                value = typed if typed.isascii() else normalize("NFC", typed)
                if not event.style:  # plain, with the bare tag '!'
                    end = event.end_mark
                    if end.line in cut_lines or (glued and end.line != event.start_mark.line):
                        plain_scalar(typed, event.start_mark, end, text, found)
            if in_map:
                if flow and typed == "" and event.start_mark.index == key_event.end_mark.index:
                    raise _Unusual  # a word split off by a comma inside { }
                current[key] = value
                if lines is not None:
                    assert key is not None
                    lines[(*path, "#key", key)] = key_event.start_mark.line + 1
                    lines[(*path, key)] = event.start_mark.line + 1
                    if raw is not None and not isinstance(value, str):
                        raw[(*path, key)] = str(typed)
                key = None
            else:
                if lines is not None:
                    lines[(*path, len(current))] = event.start_mark.line + 1
                    if raw is not None and not isinstance(value, str):
                        raw[(*path, len(current))] = str(typed)
                current.append(value)
        elif kind is map_start or kind is seq_start:
            if (in_map and key is None) or len(path) >= max_depth:
                raise _Unusual
            nodes += 1
            if nodes > max_nodes:
                raise _Unusual
            child: Any = {} if kind is map_start else []
            if in_map:
                assert key is not None
                where: Loc = (*path, key)
                current[key] = child
                if lines is not None:
                    lines[(*path, "#key", key)] = key_event.start_mark.line + 1
            else:
                where = (*path, len(current))
                current.append(child)
                if len(path) == 1:  # an item of a top-level list: its end comes below
                    mark = event.start_mark
                    spans[where] = (mark.index, mark.line, -1)
            if lines is not None:
                lines[where] = event.start_mark.line + 1
            stack.append((current, in_map, flow, path, key, key_event))
            current, in_map, path, key = child, kind is map_start, where, None
            flow = bool(event.flow_style)
        elif kind is alias_kind:
            raise _Unusual
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                break
            if len(path) == 2 and path in spans:
                spans[path] = (spans[path][0], spans[path][1], event.end_mark.index)
            current, in_map, flow, path, _, _ = stack.pop()
            key = None
        else:  # anything else a clean file does not have
            raise _Unusual
    if nodes > MAX_NODES:
        raise _Unusual
    if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
        raise _Unusual  # a second document: the careful path names it
    return root, found, nodes

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
from array import array
from collections.abc import Sequence
from itertools import accumulate
from operator import itemgetter, sub
from typing import Any

from bot.catalogue import lineblocks, linescalars, silent
from bot.catalogue.limits import MAX_DEPTH, MAX_NODES
from bot.catalogue.linescalars import Unusual
from bot.catalogue.rules import Found, Loc

__all__ = ["Unusual", "walk"]

# What the event reader must see: a character YAML refuses or counts as a line break, a tab,
# a byte-order mark, a document marker or a directive. (Searched for only when a quicker test
# says one may be there; compiled then too, since its character class takes a while.)
_UNSURE_PATTERN = (
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
    r"|^(?:---|\.\.\.)(?= |$)|^%"
)
# How a line at the left edge starts when `_unsure` may find a marker or directive on it.
_MARKERS = ("---", "...", "%")
# A value starting with one of these is not a plain word: quoted, block, flow or unusual.
_SPECIAL = frozenset("#'\"[]{}&*!|>%@`,?:- ")
_NOT_A_KEY = frozenset("#'\"[]{}&*!|>%@`,?:- ")
_BLOCK_HEADERS = frozenset((">", ">-", "|", "|-"))
# The longest plain word, by its first character, that the resolver may read as something else
# than a string (a number, a date, yes/no, null); longer words are strings.
_BOUNDS = {first: bound for first, (bound, _) in linescalars.IMPLICIT.items()}
_ANY = 1 << 16  # a bound this high: any length (numbers)
_FIRST_LETTER = itemgetter(0)
_CHUNK = 4096
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
    if not linescalars.SIMPLE:
        raise Unusual
    # Every line without its indentation, and that indentation, cut in C (`str.lstrip` cuts
    # other blanks too, but a text with any of them is not all printable).
    held: list[Any] = [text.split("\n")]
    try:
        return _walk_lines(text, held, lines, raw, spans, base)
    finally:
        # The readers below call one another, a cycle that (with the collector paused during
        # a check) would keep every line, table and the blocks read (with the text) alive
        # until the collector next runs: empty them now.
        for table in held:
            table.clear()


def _walk_lines(
    text: str,
    held: list[Any],
    lines: dict[Loc, int] | None,
    raw: dict[Loc, str] | None,
    spans: Spans | None,
    base: int,
) -> tuple[dict[str, Any], list[Found], int]:
    texts: list[str] = held[0]
    printable = all(map(str.isprintable, texts))
    if not printable and _unsure(text):
        raise Unusual
    lengths = list(map(len, texts))
    strip = str.lstrip if printable else _lstrip_spaces
    for start in range(0, len(texts), _CHUNK):  # in place, a few lines at a time: less memory
        texts[start : start + _CHUNK] = map(strip, texts[start : start + _CHUNK])
    columns = list(map(sub, lengths, map(len, texts)))
    if printable and _marked(texts, columns) and _unsure(text):
        raise Unusual
    count = len(texts)
    texts.append("#")  # a comment at the left edge after the last line: no value goes past it
    columns.append(0)
    record = lines is not None
    table: dict[Loc, int] = lines if lines is not None else {}
    as_typed: dict[Loc, str] = raw if raw is not None else {}
    found: list[Found] = []
    keys: dict[str, str] = {}  # a key as written -> the key (NFC)
    # Each distinct text is kept once: a document, fee, time or legal basis written on many
    # entries (and every word of a level or kind) is one string in the data and the model.
    shared: dict[str, str] = {}
    share = shared.setdefault
    # The short plain words that may be something else than text (a number, a date, yes/no):
    # a few dozen distinct ones, each typed once. (Their values are all immutable.)
    known: dict[str, Any] = {}
    held += (lengths, columns, shared, known)
    starts: dict[Loc, int] = {}  # the first and the next row of each top-level list item
    ends: dict[Loc, int] = {}
    want_spans = spans is not None
    typed = linescalars.typed
    normalize = unicodedata.normalize
    special, bounds = _SPECIAL, _BOUNDS
    nodes = 1
    # A block written again word for word is read once (not while lines are recorded).
    blocks = None if record else lineblocks.Blocks(text, texts, columns, lengths)
    if blocks is not None and not blocks.on:
        blocks = None
    if blocks is not None:
        held.append(blocks)  # (it holds the text: let go of it with the tables)
    codes = blocks.codes if blocks is not None else bytearray()
    item_code = lineblocks.DASH
    longest = max(bound for first, bound in bounds.items() if first and bound < _ANY)
    any_length = frozenset(first for first, bound in bounds.items() if bound >= _ANY)

    def settle(part: str) -> Any:
        """A plain word of an item (NFC) as the loop below makes it (typed when it may be)."""
        if len(part) > bounds.get(part[0], 0):
            return share(part, part)
        value = known.get(part, known)
        if value is known:
            value = known[part] = typed(part)
        return share(value, value) if value.__class__ is str else value

    def reuse(at: int, column: int, path: Loc, seq: bool) -> tuple[Any, int]:
        """The list (`seq`) or mapping starting on row `at`, read or reused."""
        nonlocal nodes
        reader = block_seq if seq else block_map
        if blocks is None or len(path) < 3 or not blocks.worth:  # (a section, a whole entry)
            return reader(at, column, path)
        name = path[-1]
        if name in blocks.unseen:  # blocks under this key are nearly all new: not looked up
            return reader(at, column, path)
        end, ticket, seen = blocks.look(at, column, len(path), seq, name)
        if seen is not None:
            nodes += seen[1]
            return seen[0], end
        counted, findings = nodes, len(found)
        value, after = reader(at, column, path)
        if after == end and len(found) == findings:
            blocks.keep(ticket, value, nodes - counted)
        return value, after

    # The hot loops of `check` on a large file, one round per line: a mapping's lines, then a
    # list's. Each reads the plain one-line words (the common case) itself and hands any other
    # value to `scalar`; a nested mapping or list is read by a call of its own.
    def block_map(at: int, indent: int, path: Loc) -> tuple[dict[str, Any], int]:
        nonlocal nodes
        if len(path) >= MAX_DEPTH:
            raise Unusual
        mapping: dict[str, Any] = {}
        plain = -1  # the row of the last plain value, which the lines below may go on with
        slot: Any = ""
        rest = ""
        while True:
            words = texts[at]
            if not words:
                at += 1
                continue
            if words[0] == "#":
                if at >= count:
                    break
                plain = -1  # a comment ends a plain value
                at += 1
                continue
            column = columns[at]
            if column != indent:
                if column < indent:
                    break
                if plain < 0:
                    raise Unusual
                # the plain value above goes on on this line: read it again, whole
                mapping[slot], at = scalar(plain, rest, indent, (*path, slot))
                plain = -1
                at += 1
                continue
            key, colon, rest = words.partition(": ")
            if not colon:
                if words[-1] != ":":
                    raise Unusual  # a line that is not `key: value`
                key, rest = words[:-1], ""
            slot = keys.get(key)
            if slot is None:
                slot = keys[key] = _key(key)
            if slot in mapping:
                raise Unusual  # a key written twice: the careful path names it
            if not rest:
                if record:
                    table[(*path, "#key", slot)] = at + 1 + base
                mapping[slot], at = nested(at, indent, path, slot)
                plain = -1
                continue
            if record:
                table[(*path, "#key", slot)] = table[(*path, slot)] = at + 1 + base
            first = rest[0]
            if first not in special and "#" not in rest and ":" not in rest:
                part = rest.rstrip(" ")
                if len(part) <= bounds.get(first, 0):
                    value = known.get(part, known)
                    if value is known:
                        value = known[part] = typed(part)
                    if value.__class__ is not str:
                        as_typed[(*path, slot)] = part
                    else:
                        value = share(value, value)
                else:
                    value = part if part.isascii() else normalize("NFC", part)
                    value = share(value, value)
                plain = at
            elif first == "#" or (first == " " and rest.lstrip(" ")[:1] in ("", "#")):
                if record:
                    del table[(*path, slot)]
                mapping[slot], at = nested(at, indent, path, slot)
                plain = -1
                continue
            else:
                value, at = scalar(at, rest, indent, (*path, slot))
                plain = -1
            mapping[slot] = value
            at += 1
        nodes += len(mapping)
        return mapping, at

    def block_seq(at: int, indent: int, path: Loc) -> tuple[list[Any], int]:
        nonlocal nodes
        if len(path) >= MAX_DEPTH:
            raise Unusual
        items: list[Any] = []
        top = len(path) == 1
        plain = -1  # the row of the last plain item, which the lines below may go on with
        rest = ""
        while True:
            words = texts[at]
            if not words:
                at += 1
                continue
            if words[0] == "#":
                if at >= count:
                    break
                plain = -1
                at += 1
                continue
            column = columns[at]
            if column != indent or words[0] != "-":
                if column <= indent:
                    break  # a key after a list written at its key's indentation, or less
                if plain < 0:
                    raise Unusual
                items[-1], at = scalar(plain, rest, indent, (*path, len(items) - 1))
                plain = -1
                at += 1
                continue
            if blocks is not None and codes[at + 1] == item_code + indent:
                written = blocks.plain_items(at, indent)
                if written is not None:  # a run of plain words, read in one go
                    if min(map(len, written)) > longest and any_length.isdisjoint(
                        map(_FIRST_LETTER, written)
                    ):
                        items += map(share, written, written)
                    else:
                        items += map(settle, written)
                    at += len(written)
                    plain = -1
                    continue
            if words[1:2] != " ":
                raise Unusual  # '-' alone, or a word glued to it
            rest = words[2:]
            if rest[:1] == " ":
                rest = rest.lstrip(" ")
            index = len(items)
            if record:
                table[(*path, index)] = at + 1 + base
            if not rest:
                raise Unusual  # an empty item
            first = rest[0]
            if first not in special and "#" not in rest and ":" not in rest:
                part = rest.rstrip(" ")
                if len(part) <= bounds.get(first, 0):
                    value = known.get(part, known)
                    if value is known:
                        value = known[part] = typed(part)
                    if value.__class__ is not str:
                        as_typed[(*path, index)] = part
                    else:
                        value = share(value, value)
                else:
                    value = part if part.isascii() else normalize("NFC", part)
                    value = share(value, value)
                items.append(value)
                plain = at
                at += 1
                continue
            plain = -1
            if first == "#" or (first == "-" and rest[1:2] in ("", " ")):
                raise Unusual  # an empty item, or a list right inside an item
            if first not in not_a_key and ":" in rest and _keyed(rest):
                # a mapping starts on the item's line: read it as if the '- ' were spaces
                column += len(words) - len(rest)
                texts[at], columns[at] = rest, column
                start = at
                child, at = reuse(at, column, (*path, index), False)
                if top:  # nothing reads an entry's lines again: let them go
                    texts[start:at] = [""] * (at - start)
                    if want_spans:
                        starts[(*path, index)], ends[(*path, index)] = start, at
                items.append(child)
                continue
            value, at = scalar(at, rest, indent, (*path, index))
            items.append(value)
            at += 1
        nodes += len(items)
        return items, at

    def nested(at: int, indent: int, path: Loc, slot: str) -> tuple[Any, int]:
        """The value of a key with nothing after its ':' (on row `at`), and the next row."""
        where = (*path, slot)
        below = at + 1
        while True:
            words = texts[below]
            if words and (words[0] != "#" or below >= count):
                break
            below += 1
        column = columns[below]
        dash = words[0] == "-" and words[1:2] in ("", " ")
        if below < count and (column > indent or (column == indent and dash)):
            if record:
                table[where] = below + 1 + base
            if dash:
                return reuse(below, column, where, True)
            if words[0] not in not_a_key and ":" in words and _keyed(words):
                return reuse(below, column, where, False)
            value, last = scalar(below, words, indent, where)  # a value below its key
            return value, last + 1
        if record:
            table[where] = at + 1 + base
        as_typed[where] = ""
        return None, at + 1

    def scalar(at: int, rest: str, indent: int, where: Loc) -> tuple[Any, int]:
        """Any value but a block mapping or list, starting with `rest` on row `at` in a block
        indented `indent`: its value and the last row it is written on."""
        nonlocal nodes
        if rest[:1] == " ":
            rest = rest.lstrip(" ")
        first = rest[0]
        if first in special and (first != "-" or rest[1:2] in ("", " ")):
            value, places, after = _special(rest, texts, columns, at, indent, keys)
            if places:
                if len(where) + linescalars.FLOW_DEPTH >= MAX_DEPTH:
                    raise Unusual
                nodes += len(places)
                for place, text_as_typed, keyed in places:
                    if record:
                        table[(*where, *place)] = at + 1 + base
                        if keyed:
                            table[(*where, *place[:-1], "#key", place[-1])] = at + 1 + base
                    if text_as_typed is not None:
                        as_typed[(*where, *place)] = text_as_typed
            return (share(value, value) if value.__class__ is str else value), after - 1
        cut = rest.find(" #") if "#" in rest else -1
        part = (rest if cut < 0 else rest[:cut]).rstrip(" ")
        if ":" in part and (": " in part or part[-1] == ":"):
            raise Unusual  # YAML refuses it: the careful path names the line
        last, glued = at, False
        end = columns[at] + len(texts[at]) - len(rest) + len(part)
        if cut < 0:  # the plain text goes on over the more indented lines below, if any
            blanks = 0
            below = at + 1
            while True:
                words = texts[below].rstrip(" ")
                if not words:
                    blanks += 1
                    below += 1
                    continue
                column = columns[below]
                if words[0] == "#" or column <= indent:
                    break
                cut = words.find(" #") if "#" in words else -1
                piece = words if cut < 0 else words[:cut].rstrip(" ")
                if ":" in piece and (": " in piece or piece[-1] == ":"):
                    raise Unusual
                part += (" " if not blanks else "\n" * blanks) + piece
                blanks = 0
                glued = glued or (words[0] == "-" and words[:2] != "- ")
                last, end = below, column + len(piece)
                if cut >= 0:
                    break
                below += 1
        value = typed(part)
        as_typed.pop(where, None)
        if value.__class__ is not str:
            as_typed[where] = part
            return value, last
        if cut >= 0 or glued:
            _check(part, texts, columns, at, last, end, base, found)
        return share(value, value), last

    not_a_key = _NOT_A_KEY
    at = 0
    while at < count and texts[at][:1] in ("", "#"):
        at += 1
    if at >= count or columns[at] or texts[at][0] == "-":
        raise Unusual  # an empty file, a list or a value at the top: the careful path says
    table[()] = at + 1 + base
    root, at = block_map(at, 0, ())
    if at < count or nodes > MAX_NODES:
        raise Unusual
    if want_spans and starts:
        assert spans is not None
        _spans(blocks.before if blocks is not None else lengths, starts, ends, len(text), spans)
    return root, found, nodes


def _lstrip_spaces(line: str) -> str:
    return line.lstrip(" ")


def _keyed(words: str) -> bool:
    """Whether a line's words (not starting with an indicator) are `key: ...` or `key:`."""
    return ": " in words or words.rstrip(" ")[-1] == ":"


def _key(written: str) -> str:
    """A key as the checker reads it (NFC), or `Unusual` when it is not a plain one-line key."""
    key = written.rstrip(" ")
    if not key or key[0] in _NOT_A_KEY or key == "<<" or " #" in key:
        raise Unusual
    return key if key.isascii() else unicodedata.normalize("NFC", key)


_Nested = linescalars.Places


def _unsure(text: str) -> bool:
    """Whether `_UNSURE_PATTERN` is found in the text."""
    return re.compile(_UNSURE_PATTERN, re.MULTILINE).search(text) is not None


def _marked(texts: list[str], columns: list[int]) -> bool:
    """Whether a line starts like a document marker or a directive (where `_unsure` may find
    one): only the lines written at the left edge are looked at, found in C."""
    at = -1
    try:
        while True:
            at = columns.index(0, at + 1)
            if texts[at].startswith(_MARKERS):
                return True
    except ValueError:  # no more lines at the left edge
        return False


def _special(
    rest: str, texts: list[str], columns: list[int], at: int, indent: int, keys: dict[str, str]
) -> tuple[Any, _Nested | None, int]:
    """A value that is not a plain word: its value, the places in it when it is a [ ] or { },
    and the first row after it."""
    first = rest[0]
    if first == "'":
        close = linescalars.closing_quote(rest, 1)
        if close >= 0:
            if not linescalars.after_value(rest[close + 1 :]):
                raise Unusual
            return linescalars.text(rest[1:close].replace("''", "'")), None, at + 1
        body, at, after = linescalars.single_lines(texts, columns, at, rest[1:], indent)
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
        body, after_row = linescalars.block(texts, columns, at, header, indent)
        return linescalars.text(body), None, after_row
    raise Unusual


def _check(
    typed: str,
    texts: list[str],
    columns: list[int],
    first: int,
    last: int,
    end: int,
    base: int,
    found: list[Found],
) -> None:
    """`silent.plain_scalar` for a plain text on rows `first` to `last`, ending at column
    `end` of the last one."""
    lines = [" " * columns[at] + texts[at] for at in range(first, last + 1)]
    piece = "\n".join(lines)
    silent.plain_scalar(
        typed,
        _Mark(columns[first], first + base),
        _Mark(len(piece) - len(lines[-1]) + end, last + base),
        piece,
        found,
    )


def _spans(
    lengths: list[int] | Sequence[int],
    starts: dict[Loc, int],
    ends: dict[Loc, int],
    size: int,
    spans: Spans,
) -> None:
    """Where each top-level list item is written, from each line's length (a list) or the
    characters before each line, without line breaks, already worked out (an array)."""
    before = lengths if isinstance(lengths, array) else list(accumulate(lengths, initial=0))
    for where, row in starts.items():
        end = ends.get(where)
        start = before[row] + row
        spans[where] = (start, row, size if end is None else min(before[end] + end, size))

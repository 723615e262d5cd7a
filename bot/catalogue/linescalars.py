"""The values `lineread` meets, made exactly as libyaml and PyYAML's safe resolver make them.

Plain words are typed by the resolver's own patterns (numbers, yes/no words, dates, null);
quoted text is unescaped; '>' / '|' block text is folded or kept line by line; a one-line
[ ] list or { } mapping is split into its items. Whatever falls outside what these functions
are sure of raises `Unusual`, and the caller hands the file to the event reader in `stream`.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import unicodedata
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from bot.catalogue.tree import STR_TAG, scalar_value

FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
_INT = "tag:yaml.org,2002:int"
_DATE = "tag:yaml.org,2002:timestamp"


class Unusual(Exception):
    """Something only the event reader (or the node tree) handles; the caller falls back."""


def _implicit_resolvers() -> dict[str, tuple[int, tuple[tuple[str, Any], ...]]]:
    """The resolver's patterns for a plain scalar, by its first character (as `resolve` does),
    with the longest text any of them can match: a longer text is surely a string."""
    table = getattr(FAST_LOADER, "yaml_implicit_resolvers", {})
    anywhere = list(table.get(None, []))
    resolvers = {}
    widths: dict[Any, int] = {}  # a handful of patterns, listed under many first characters
    for first, pairs in table.items():
        if first is not None:
            patterns = tuple(list(pairs) + anywhere)
            for _, pattern in patterns:
                if pattern not in widths:
                    widths[pattern] = _longest(pattern)
            resolvers[first] = (max(widths[p] for _, p in patterns), patterns)
    return resolvers


def _longest(pattern: Any) -> int:
    """The longest text a pattern matches (one more for the break '$' may stand before)."""
    text = str(pattern.pattern)
    if not text.endswith("$") or text.endswith("\\$"):
        return sys.maxsize  # it may match the start of a longer text
    try:
        from re import _parser  # type: ignore[attr-defined]

        longest = int(_parser.parse(pattern.pattern, pattern.flags).getwidth()[1])
    except Exception:  # another Python's internals: every text is tried
        return sys.maxsize
    return longest + 1 if longest < 65_535 else sys.maxsize


IMPLICIT = _implicit_resolvers()
# A resolver with path rules, or patterns for any first character, is read the careful way.
SIMPLE = (
    FAST_LOADER is not None
    and not FAST_LOADER.yaml_path_resolvers
    and None not in FAST_LOADER.yaml_implicit_resolvers
)
_CONSTRUCTOR = yaml.SafeLoader("")


def typed(text: str) -> Any:
    """The value of a plain scalar written `text`: what the resolver and constructor make."""
    tag = STR_TAG
    resolvers = IMPLICIT.get(text[:1])
    if resolvers is not None and len(text) <= resolvers[0]:
        for maybe, pattern in resolvers[1]:
            if pattern.match(text):
                tag = maybe
                break
    if tag == STR_TAG:
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    if tag == _INT and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return int(text)
    if tag == _DATE and len(text) == 10:  # YYYY-MM-DD, the only 10-letter form
        try:
            return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            return text  # an impossible date: the rules report it
    value, problem = scalar_value(_CONSTRUCTOR, ScalarNode(tag, text))
    if problem is not None:
        raise Unusual
    return value


def text(value: str) -> str:
    """A quoted or block text as the value the checker reads (NFC)."""
    return value if value.isascii() else unicodedata.normalize("NFC", value)


# One escape of a double-quoted text; any other backslash is not sure.
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}


def _escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) == 1:
        if code not in _ESCAPES:
            raise Unusual
        return _ESCAPES[code]
    number = int(code[1:], 16)
    if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
        raise Unusual
    return chr(number)


def unescape(body: str) -> str:
    """The text of a double-quoted scalar written on one line (between its quotes)."""
    return _ESCAPE.sub(_escape, body) if "\\" in body else body


# A quoted scalar closed on the line it opens on: its body, then what follows it.
DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"')


def closing_quote(text: str, start: int) -> int:
    """Where the single quote closing a single-quoted text is, from `start` ('' is a quote
    written inside it); -1 when the text goes on past the end of `text`."""
    at = text.find("'", start)
    while at >= 0 and text.startswith("'", at + 1):
        at = text.find("'", at + 2)
    return at


def after_value(rest: str) -> bool:
    """Whether what follows a value on its line is nothing or a comment; False when unsure
    (a ':' after a quoted text makes it a key, anything else is not this subset)."""
    stripped = rest.lstrip(" ")
    return not stripped or (stripped[0] == "#" and len(stripped) < len(rest))


def single_lines(
    words: list[str], columns: list[int], row: int, body: str, indent: int
) -> tuple[str, int, str]:
    """A single-quoted text that opens on `row` (`body` follows the quote) and closes below:
    its folded text, the row it closes on and what follows the closing quote there. (`words`
    and `columns` are each line without its indentation, and that indentation; their last
    line is the caller's sentinel, not the text's.)"""
    parts = [body.rstrip(" ")]
    blanks = 0
    for at in range(row + 1, len(words) - 1):
        stripped = words[at]
        if not stripped.strip(" "):
            blanks += 1
            continue
        if columns[at] <= indent:
            raise Unusual  # libyaml may take it; a less indented line is not sure
        parts.append(" " if not blanks else "\n" * blanks)
        blanks = 0
        close = closing_quote(stripped, 0)
        if close >= 0:
            parts.append(stripped[:close])
            return "".join(parts).replace("''", "'"), at, stripped[close + 1 :]
        parts.append(stripped.rstrip(" "))
    raise Unusual  # never closed: the careful path names the line


def block(
    words: list[str], columns: list[int], row: int, header: str, indent: int
) -> tuple[str, int]:
    """A '>' / '>-' / '|' / '|-' block text whose header is on `row`, inside a block indented
    `indent`: its text and the first row after it. (`words` and `columns` as for
    `single_lines`.)"""
    folded = header[0] == ">"
    count = len(words) - 1
    at = row + 1
    leading = 0
    width = -1
    while at < count:
        if words[at]:
            width = columns[at]
            break
        leading = max(leading, columns[at])
        at += 1
    if width <= indent or leading > width:
        raise Unusual  # an empty block text, or blank lines more indented than the text
    parts = ["\n" * (at - row - 1)]
    blanks = 0
    first = True
    last = at
    while at < count:
        stripped = words[at]
        column = columns[at]
        if not stripped and column <= width:
            blanks += 1
            at += 1
            continue
        if column < width:
            break
        if folded and column > width:
            raise Unusual  # a more indented line keeps its breaks: not this subset
        if first:
            first = False
        elif folded:
            parts.append(" " if not blanks else "\n" * blanks)
        else:
            parts.append("\n" * (blanks + 1))
        parts.append(" " * (column - width) + stripped)
        blanks = 0
        last = at
        at += 1
    if header[-1] != "-" and last < count - 1:
        parts.append("\n")  # clip: the last line's break (none at the very end of the file)
    return "".join(parts), at


# One value of a [ ] list or { } mapping written on one line: a quoted text or a plain word
# with none of the characters that could make it something else.
_WORD = r"[^\s,\[\]{}#&*!|>'\"%@`?:-](?:[^,\[\]{}:#]*[^\s,\[\]{}:#])?"
_SCALAR = re.compile(r" *(?:'((?:[^']|'')*)'|\"((?:[^\"\\]|\\.)*)\"|(" + _WORD + "))")
_KEY = re.compile(r" *(" + _WORD + r") *: +")
_AFTER = {"[": re.compile(r" *([,\]])"), "{": re.compile(r" *([,}])")}
_EMPTY = {"[": re.compile(r" *\]"), "{": re.compile(r" *}")}
FLOW_DEPTH = 20
Places = list[tuple[tuple[Any, ...], str | None, bool]]  # place, as typed, after a key


def flow(rest: str, keys: dict[str, str]) -> tuple[Any, Places, str]:
    """A [ ] list or { } mapping closed on its line: the list or dict, the place of every
    value in it with its text as typed when it is not a string (and whether a key names it),
    and what follows the closing bracket."""
    places: Places = []
    value, at = _flow(rest, 0, (), places, keys)
    return value, places, rest[at:]


def _flow(
    rest: str, at: int, where: tuple[Any, ...], places: Places, keys: dict[str, str]
) -> tuple[Any, int]:
    """The [ ] or { } opening at `at`, and where it ends."""
    opener = rest[at]
    if len(where) > FLOW_DEPTH:
        raise Unusual
    empty = _EMPTY[opener].match(rest, at + 1)
    if empty is not None:
        return ([] if opener == "[" else {}), empty.end()
    after = _AFTER[opener]
    items: list[Any] = []
    pairs: dict[str, Any] = {}
    at += 1
    while True:
        if opener == "[":
            place: Any = len(items)
        else:
            match = _KEY.match(rest, at)
            if match is None:
                raise Unusual  # a word with no ':' after it, a quoted key...
            written = match.group(1)
            place = keys.get(written)
            if place is None:
                if written == "<<":
                    raise Unusual
                place = keys[written] = text(written)
            if place in pairs:
                raise Unusual
            at = match.end()
        inner = (*where, place)
        while rest.startswith(" ", at):
            at += 1
        if rest.startswith(("[", "{"), at):
            places.append((inner, None, opener == "{"))
            value, at = _flow(rest, at, inner, places, keys)
        else:
            scalar = _SCALAR.match(rest, at)
            if scalar is None:
                raise Unusual
            value, typed_as = _item(scalar.group(1), scalar.group(2), scalar.group(3))
            places.append((inner, typed_as, opener == "{"))
            at = scalar.end()
        if opener == "[":
            items.append(value)
        else:
            pairs[place] = value
        close = after.match(rest, at)
        if close is None:
            raise Unusual
        at = close.end()
        if close.group(1) != ",":
            return (items if opener == "[" else pairs), at


def _item(single: str | None, double: str | None, plain: str | None) -> tuple[Any, str | None]:
    if plain is not None:
        value = typed(plain)
        return value, (None if isinstance(value, str) else plain)
    if single is not None:
        return text(single.replace("''", "'")), None
    assert double is not None
    return text(unescape(double)), None

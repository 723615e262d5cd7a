"""Mistakes that YAML accepts and that change what citizens see without a word.

Each rule here caught a real edit that passed the older checker with 0 warnings: an alias that
another entry already claims once the marks are folded, text after " #" dropped as a comment,
"-alias" without a space glued onto the item above, an editor snippet's placeholder left in,
a national code copied from the entry above, a level that contradicts the agency, a fee written
as "50k" or with no amount at all, and an unclosed quote reported far below where it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.catalogue import placeholders
from bot.catalogue.links import alias_key
from bot.catalogue.placeholders import PLACEHOLDERS as PLACEHOLDERS
from bot.catalogue.provenance import MARKS
from bot.catalogue.rules import Found, Lines, Loc
from bot.text import spelling, strip_marks_uncached, typed_text, typed_words

_SHORT_MONEY = re.compile(r"\b\d+(?:[.,]\d+)?\s*(k|K|tr|triệu|nghìn|ngàn)\b")
_AMOUNT = re.compile(r"\d[\d.,]*\s*(?:đồng|đ\b|vnđ|vnd|%)", re.IGNORECASE)
# A fee with no amount must say it is free, or where its amount is set.
_FEE_WORDS = ("miễn", "không mất phí", "không thu", "không ghi mức", "quy định", "thông tư",
              "tính theo", "theo mức", "nghị định", "nghị quyết", "hđnd", "hội đồng nhân dân",
              "hỏi", "xác nhận")  # fmt: skip
_QUOTED_START = re.compile(r"""^\s*(?:-\s+)?(?:[^\s"'#][^:#"']*:\s+)?(["'])(.*)$""")


def _what(entry: dict[str, Any], index: int) -> str:
    entry_id = entry.get("id")
    return f"thủ tục '{entry_id}'" if isinstance(entry_id, str) else f"thủ tục thứ {index + 1}"


def _texts(value: Any) -> list[tuple[int | None, str]]:
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def check_data(data: dict[str, Any], lines: Lines) -> list[Found]:
    """Return the silent mistakes found in the parsed document (every value type tolerated)."""
    found: list[Found] = []

    def line(loc: Loc) -> int:
        while loc not in lines and loc:
            loc = loc[:-1]
        return lines.get(loc, 1)

    def error(loc: Loc, message: str) -> None:
        found.append((line(loc), message, "error"))

    entries: list[tuple[str, dict[str, Any], Loc, str]] = []
    for section, word in (("procedures", "thủ tục"), ("guides", "hướng dẫn")):
        items = data.get(section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                entry_id = item.get("id")
                what = f"{word} '{entry_id}'" if isinstance(entry_id, str) else f"{word} {i + 1}"
                entries.append((section, item, (section, i), what))
    _aliases(entries, error, line)
    raw_agencies = data.get("agencies")
    agencies: dict[str, Any] = raw_agencies if isinstance(raw_agencies, dict) else {}
    codes: dict[str, tuple[Loc, Any]] = {}  # code -> (where, the entry's id)
    procedures = data.get("procedures")
    fees: dict[str, tuple[str, str] | None] = {}  # the same fee is written on many entries
    clean: placeholders.Clean = {}
    free = placeholders.free_fields(procedures) if isinstance(procedures, list) else frozenset()
    for i, item in enumerate(procedures if isinstance(procedures, list) else []):
        if not isinstance(item, dict):
            continue
        loc: Loc = ("procedures", i)
        what = _what(item, i)
        placeholders.find(item, loc, what, error, clean, free)
        code = item.get("code")
        if isinstance(code, str) and code.strip():
            first = codes.get(code)
            if first is not None and not _related(item, first[1], procedures):
                error(
                    (*loc, "code"),
                    f"{what}: mã thủ tục '{code}' trùng với thủ tục ở dòng {line(first[0])}; "
                    "có lẽ được chép từ mục trên. Hãy tra lại mã đúng trên Cổng Dịch vụ công, "
                    "hoặc bỏ trường 'code' nếu chưa chắc. (Nếu hai mục thật sự là một thủ tục "
                    "quốc gia, hãy ghi id của nhau trong 'related'.)",
                )
            codes.setdefault(code, ((*loc, "code"), item.get("id")))
        agency_id = item.get("agency")
        agency = agencies.get(agency_id) if isinstance(agency_id, str) else None
        level = item.get("level")
        agency_level = agency.get("level") if isinstance(agency, dict) else None
        if (
            isinstance(agency, dict)
            and isinstance(level, str)
            and isinstance(agency_level, str)
            and level != agency_level
        ):
            error(
                (*loc, "level"),
                f"{what}: cấp giải quyết '{level}' không khớp với cơ quan '{item['agency']}' "
                f"(cơ quan này là '{agency_level}'); hãy sửa 'level' hoặc chọn đúng cơ quan.",
            )
        fee = item.get("fee")
        if isinstance(fee, str):
            if fee not in fees:
                fees[fee] = _fee_verdict(fee)
            verdict = fees[fee]
            if verdict is not None:
                _fee(verdict, fee, (*loc, "fee"), what, error)
    return found


def _related(item: dict[str, Any], other_id: Any, procedures: Any) -> bool:
    """Whether two entries name each other in `related` (a national code shared on purpose)."""

    def ids(value: Any) -> list[Any]:
        return [value] if isinstance(value, str) else value if isinstance(value, list) else []

    if other_id in ids(item.get("related")):
        return True
    for other in procedures if isinstance(procedures, list) else []:
        if isinstance(other, dict) and other.get("id") == other_id:
            return item.get("id") in ids(other.get("related"))
    return False


def fold(text: str) -> str:
    """`bot.text.fold` without filling its caches: each name and alias is folded once here."""
    return _Folder().fold(text)


# Texts folded together: enough to fold in C loops, few enough that their words (held all at
# once while folded) stay small beside the catalogue.
_FOLD_BATCH = 512


def fold_all(texts: list[str]) -> list[str]:
    """`fold` of every text, worked out a batch of texts at a time (the same results)."""
    folder = _Folder()
    folded: list[str] = []
    for start in range(0, len(texts), _FOLD_BATCH):
        folded += _fold_batch(texts[start : start + _FOLD_BATCH], folder)
    return folded


def _fold_batch(texts: list[str], folder: _Folder) -> list[str]:
    """`fold` of each of a few hundred texts, worked out over all of them at once."""
    typed = typed_text(texts)
    if typed is not None:
        # All words in one list, a '|' (punctuation: never part of a typed word) between texts,
        # each folded, and the texts parted again: unless a text has no word at all, which
        # leaves two '|' side by side and fewer parts.
        words = typed.replace("\n", " | ").split()
        del typed
        folded = " ".join(map(folder.__getitem__, words)).split(" | ")
        if len(folded) == len(texts):
            return folded
    return list(map(folder.fold, texts))


def _fold_word(word: str) -> str:
    """One word of `fold`: marks are dropped character by character, so word by word too."""
    plain = spelling(word)
    if plain.isascii():
        return plain
    bare = MARKS.sub("", unicodedata.normalize("NFD", plain)).replace("đ", "d").replace("Đ", "D")
    # Left with more than ASCII: a letter outside Vietnamese, folded the complete way.
    return bare if bare.isascii() else strip_marks_uncached(plain)


class _Folder(dict[str, str]):
    """`fold` for one check: each distinct word (a few thousand syllables) is folded once."""

    def __missing__(self, word: str) -> str:
        folded = self[word] = _fold_word(word)
        return folded

    def fold(self, text: str) -> str:
        """The folded form of a text, as `fold` gives it."""
        return " ".join(map(self.__getitem__, typed_words(text)))


def _aliases(entries: list[tuple[str, dict[str, Any], Loc, str]], error: Any, line: Any) -> None:
    """An alias must not be another entry's alias or name once marks and case are folded."""
    names: list[tuple[str, Loc]] = []
    texts: list[str] = []
    for _, item, loc, what in entries:
        name = item.get("name")
        if isinstance(name, str) and name.strip():
            names.append((what, (*loc, "name")))
            texts.append(name)
    sizes: list[int] = []  # each entry's count of aliases
    for _, item, _, _ in entries:
        value = item.get("aliases")
        before = len(texts)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(value if set(map(type, value)) <= {str} else _strings(value))
        sizes.append(len(texts) - before)
    folded = fold_all(texts)
    keys = folded[len(names) :]
    distinct = set(keys)
    if len(distinct) == len(keys) and distinct.isdisjoint(folded[: len(names)]):
        return  # (the usual case) no alias is folded into a name or another alias
    _alias_owners(entries, sizes, names, folded, error, line)


def _strings(values: list[Any]) -> list[str]:
    return [value for value in values if isinstance(value, str)]


def _alias_owners(
    entries: list[tuple[str, dict[str, Any], Loc, str]],
    sizes: list[int],
    names: list[tuple[str, Loc]],
    folded: list[str],
    error: Any,
    line: Any,
) -> None:
    """Name each alias folded into an earlier entry's name or alias, at the alias's line."""
    name_keys, alias_keys = folded[: len(names)], folded[len(names) :]
    # Only the folded forms written more than once can clash: the others are passed over.
    counts = Counter(alias_keys)
    clashing = {key for key, count in counts.items() if count > 1}
    clashing.update(counts.keys() & set(name_keys))
    clashing.discard("")
    # folded -> (what, where, "tên" or "cách gọi", as written)
    owners: dict[str, tuple[str, Loc, str, str]] = {}
    for (what, where), key in zip(names, name_keys, strict=True):
        if key in clashing:
            owners.setdefault(key, (what, where, "tên", ""))
    done = 0  # the aliases of the entries before
    for (_, item, loc, what), size in zip(entries, sizes, strict=True):
        first, done = done, done + size
        if clashing.isdisjoint(alias_keys[first:done]):
            continue
        texts = _texts(item.get("aliases"))
        for (j, alias), key in zip(texts, alias_keys[first:done], strict=True):
            if key not in clashing:
                continue
            where = (*loc, "aliases") if j is None else (*loc, "aliases", j)
            owner = owners.get(key)
            if owner is None:
                owners[key] = (what, where, "cách gọi", alias)
                continue
            if owner[0] == what or (owner[2] == "cách gọi" and _same(alias, owner[3])):
                continue  # its own name, or the same words and marks (links.py reports that)
            error(
                where,
                f"{what}: cách gọi '{alias}' trùng với {owner[2]} của {owner[0]} (dòng "
                f"{line(owner[1])}) khi bỏ dấu, mà người dân hay gõ không dấu; bot sẽ không "
                "biết chọn mục nào. Hãy xoá hoặc sửa ở một trong hai nơi.",
            )
    if done != len(alias_keys):
        raise ValueError("aliases and their folded forms differ in number")


def _same(one: str, other: str) -> bool:
    return alias_key(one) == alias_key(other)


def _fee_verdict(fee: str) -> tuple[str, str] | None:
    """What is wrong with a fee: ("short", the short amount), ("none", ""), or None."""
    short = _SHORT_MONEY.search(fee)
    if short:
        return "short", short.group(0)
    lowered = fee.casefold()
    if _AMOUNT.search(fee) or any(word in lowered for word in _FEE_WORDS):
        return None
    return "none", ""


def _fee(verdict: tuple[str, str], fee: str, loc: Loc, what: str, error: Any) -> None:
    if verdict[0] == "short":
        error(
            loc,
            f"{what}: lệ phí '{verdict[1]}' viết tắt; hãy ghi đủ số tiền bằng chữ số và "
            "đơn vị, ví dụ 50.000 đồng, để người dân không hiểu nhầm.",
        )
        return
    error(
        loc,
        f"{what}: phần lệ phí '{fee.strip()}' không có số tiền, cũng không nói là miễn phí; hãy "
        "ghi số tiền (ví dụ 50.000 đồng), 'Miễn phí', hoặc nơi quy định mức phí.",
    )


def _scalars(node: Node) -> Iterator[tuple[ScalarNode, bool]]:
    """Every scalar in the tree, with whether it is a mapping key."""
    if isinstance(node, ScalarNode):
        yield node, False
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                yield key, True
            yield from _scalars(value)


_COMMENT_CUT = re.compile(r"\s+#\s*(\S.*)$")


def check_nodes(root: Node, text: str) -> list[Found]:
    """Text cut by ' #' and list items glued by '-' without a space, at their own line."""
    found: list[Found] = []
    source = text.split("\n")
    for node, is_key in _scalars(root):
        # A plain (unquoted) scalar: style None from PyYAML, '' from the C loader.
        if is_key or node.style or node.tag != "tag:yaml.org,2002:str":
            continue
        end = node.end_mark
        rest = source[end.line][end.column :] if end.line < len(source) else ""
        last = min(end.line, len(source) - 1)
        between = (source[n] for n in range(node.start_mark.line + 1, last + 1))
        _plain(str(node.value), rest, end.line, node.start_mark.line + 1, between, found)
    return found


def plain_scalar(value: str, start: Any, end: Any, text: str, found: list[Found]) -> None:
    """`check_nodes` for one plain string value, from its marks in `text` (only '\n' breaks)."""
    stop = text.find("\n", end.index)
    if stop < 0:
        stop = len(text)
    rest = text[end.index : stop]
    # The lines after its first: only one with a '-' in it can be an item glued on.
    if end.line == start.line or "-" not in text[text.find("\n", start.index) : stop]:
        if rest:
            _plain(value, rest, end.line, start.line + 1, iter(()), found)
        return
    _plain(
        value,
        rest,
        end.line,
        start.line + 1,
        _lines_after(text, start.index, end.line - start.line),
        found,
    )


def _lines_after(text: str, index: int, count: int) -> Iterator[str]:
    """The `count` lines after the one holding `index`."""
    begin = text.find("\n", index) + 1
    for _ in range(count):
        stop = text.find("\n", begin)
        yield text[begin:stop] if stop >= 0 else text[begin:]
        begin = stop + 1


def _plain(
    value: str, rest: str, end_line: int, first: int, between: Iterator[str], found: list[Found]
) -> None:
    """Findings for one plain scalar: `rest` follows it on its last line (0-based `end_line`);
    `between` gives the lines after its first one (0-based `first` onwards) up to its last."""
    cut = _COMMENT_CUT.match(rest)
    if cut and (" " in value.strip() or not value.isascii()):
        found.append(
            (
                end_line + 1,
                f"phần '#{cut.group(1)}' sau '{_short(value)}' bị YAML coi là chú thích và "
                "bị bỏ đi, người dân sẽ không thấy. Nếu đó là nội dung, hãy đặt cả giá trị "
                'trong ngoặc kép ("..."); nếu là chú thích, hãy chuyển nó lên một dòng riêng.',
                "error",
            )
        )
    for number, line in enumerate(between, start=first):
        stripped = line.strip()
        if stripped.startswith("-") and not stripped.startswith("- "):
            found.append(
                (
                    number + 1,
                    f"dòng '{_short(stripped)}' thiếu dấu cách sau '-', nên YAML nối nó vào "
                    "mục ở dòng trên thành một mục. Hãy viết '- ' (gạch ngang rồi dấu cách).",
                    "error",
                )
            )
            break


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


GLUED_DASH = (
    "dòng này thiếu dấu cách sau '-', nên YAML nối nó vào mục ở dòng trên (hoặc không đọc "
    "được). Hãy viết '- ' (gạch ngang rồi dấu cách)."
)


def glued_dash_line(text: str, near: int) -> int | None:
    """A line just above a syntax error (1-based `near`) that starts with '-' and no space."""
    lines = text.split("\n")
    for number in range(near, max(near - 3, 0), -1):
        if number - 1 < len(lines):
            stripped = lines[number - 1].strip()
            if re.match(r"-[^\s-]", stripped):
                return number
    return None


def unclosed_quote_line(text: str, before: int) -> int | None:
    """The first line up to `before` (1-based) whose value opens a quote it never closes."""
    for number, raw in enumerate(text.split("\n")[:before], start=1):
        match = _QUOTED_START.match(raw)
        if not match:
            continue
        quote, rest = match.group(1), match.group(2)
        if quote == '"':
            closed = re.search(r'(?<!\\)(?:\\\\)*"', rest) is not None
        else:
            closed = "'" in rest.replace("''", "")
        if not closed:
            return number
    return None

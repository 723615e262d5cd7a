"""The rules a catalogue document must follow, each problem worded for the staff who edit it.

`Checker` walks the plain data built from the YAML, with `lines` mapping every location (a
tuple of keys and list positions) to its 1-based line, and collects `(line, message, severity)`.
Shapes and values are checked here; ids, references and dates across entries in
`validation_links`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal, TypeGuard
from urllib.parse import urlsplit

from bot.catalogue import limits
from bot.catalogue.spec import CHOICE_LABELS, CHOICE_WORDS, Spec

Loc = tuple[str | int, ...]
Lines = Mapping[Loc, int]
Severity = Literal["error", "warning"]
Found = tuple[int, str, Severity]

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE = re.compile(r"\d+\.\d{6}")
PHONE = re.compile(r"\+?[0-9][0-9 .()-]{2,}")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# How a field that holds several lines is written, for a staff member who wrote `online: có`.
OBJECT_EXAMPLES = {
    "online": "viết 'online:' một dòng, dòng dưới lùi vào 'level: full' (hoặc partial, none), "
    "rồi 'url: ...' nếu có",
    "hotline": "viết 'hotline:' một dòng, dòng dưới lùi vào 'number: \"18001096\"'",
}


def slugify(text: str) -> str:
    """Return a lowercase ASCII id made from any text ('Đăng ký' -> 'dang-ky')."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "-".join(re.findall(r"[a-z0-9]+", plain))


def closest(word: str, options: Any, cutoff: float = 0.6) -> str | None:
    """Return the option most like `word` (a likely typo), if any is close enough."""
    import difflib  # only when a name is wrong: `check` on a good file never needs it

    names = [str(o) for o in options]
    lowered = {n.lower(): n for n in names}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def parse_date(value: Any) -> dt.date | None:
    """Return the date a YAML value stands for, or None if it is not a real YYYY-MM-DD date."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and (m := ISO_DATE.fullmatch(value.strip())):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def describe(value: Any) -> str:
    """Name what YAML made of a value, in words a staff member knows."""
    if value is None:
        return "ô trống"
    if isinstance(value, bool):
        return "giá trị đúng/sai (YAML hiểu yes, no, true, false, on, off như vậy)"
    if isinstance(value, int | float):
        return "một con số"
    if isinstance(value, dt.date):
        return "một ngày tháng"
    if isinstance(value, list):
        return "một danh sách (các dòng bắt đầu bằng '-')"
    if isinstance(value, dict):
        return "một nhóm trường 'tên: giá trị'"
    return f"chữ '{value}'"


def _plainly_fine(value: Any, spec: Spec, name: str) -> bool:
    """Whether `Checker.value` surely accepts a value silently (False: ask it, it decides)."""
    kind = spec.kind
    if kind == "text" or kind == "ref":
        return isinstance(value, str) and name != "icon" and bool(value.strip())
    if kind == "texts" or kind == "refs":
        if isinstance(value, str):
            return bool(value.strip())
        return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    if kind == "map" or kind == "object":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "date":
        return type(value) is dt.date
    if kind == "int":
        return type(value) is int and value >= 1
    if kind == "enum":
        return isinstance(value, str) and name != "icon" and value.strip() in spec.choices
    return False


# How `Checker.mapping` tells a field's value is surely fine, by the field's kind (`_plainly_fine`
# written out for the kinds most fields have; `_ASK` calls it).
_ASK, _TEXT, _TEXTS, _DICT = range(4)
_PLANS: dict[int, tuple[dict[str, Spec], list[tuple[str, Spec, int]]]] = {}


def _plan(specs: dict[str, Spec]) -> list[tuple[str, Spec, int]]:
    """The fields of `specs` with their quick check, worked out once per set of fields."""
    known = _PLANS.get(id(specs))
    if known is not None and known[0] is specs:
        return known[1]
    plan: list[tuple[str, Spec, int]] = []
    for name, spec in specs.items():
        kind = spec.kind
        fast = _ASK
        if (kind == "text" or kind == "ref") and name != "icon":
            fast = _TEXT
        elif kind == "texts" or kind == "refs":
            fast = _TEXTS
        elif kind == "map" or kind == "object":
            fast = _DICT
        plan.append((name, spec, fast))
    if len(_PLANS) < 64:  # the sections' field sets: a dozen, made once at import
        _PLANS[id(specs)] = (specs, plan)
    return plan


# Values `Checker.value` surely accepts in silence, by kind, for `Checker.mapping`'s quick pass
# over an object whose every field is fine (the usual case: one look per value, no message).
_Q_ASK, _Q_TEXT, _Q_TEXTS, _Q_DICT, _Q_LIST, _Q_DATE, _Q_INT, _Q_ENUM, _Q_ID, _Q_CODE, _Q_URL = (
    range(11)
)
# An http(s) link whose host is plain letters and dots, with no space, quote or angle bracket:
# `Checker.url` and `limits.unsendable` accept all of these (anything else is asked in full).
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/?#][^\s\"<>]*)?")
_QUICK: dict[int, tuple[dict[str, Spec], Any, frozenset[str], dict[str, tuple[int, Spec]]]] = {}


def _quick(
    specs: dict[str, Spec],
) -> tuple[dict[str, Spec], Any, frozenset[str], dict[str, tuple[int, Spec]]]:
    """(specs, the field names, the required ones, each field's quick test), once per set."""
    known = _QUICK.get(id(specs))
    if known is not None and known[0] is specs:
        return known
    how: dict[str, tuple[int, Spec]] = {}
    for name, spec in specs.items():
        kind = spec.kind
        quick = {
            "texts": _Q_TEXTS,
            "refs": _Q_TEXTS,
            "map": _Q_DICT,
            "object": _Q_DICT,
            "list": _Q_LIST,
            "date": _Q_DATE,
            "int": _Q_INT,
            "enum": _Q_ENUM,
            "id": _Q_ID,
            "code": _Q_CODE,
            "url": _Q_URL,
        }.get(kind, _Q_ASK)
        if (kind == "text" or kind == "ref") and name != "icon":  # an icon is asked in full
            quick = _Q_TEXT
        how[name] = (quick, spec)
    required = frozenset(name for name, spec in specs.items() if spec.required)
    made = (specs, specs.keys(), required, how)
    if len(_QUICK) < 64:  # the sections' field sets: a dozen, made once
        _QUICK[id(specs)] = made
    return made


def plainly_fine(value: Any, specs: dict[str, Spec]) -> TypeGuard[dict[str, Any]]:
    """Whether `Checker.mapping` surely finds nothing to say about an object (one quick look)."""
    if type(value) is not dict:
        return False
    _, names, required, how = _quick(specs)
    return value.keys() <= names and required <= value.keys() and _all_fine(value, how)


def _all_fine(value: dict[str, Any], how: dict[str, tuple[int, Spec]]) -> bool:
    """Whether every field of an object holds a value `Checker.value` accepts without a word."""
    for name, field in value.items():
        quick, spec = how[name]
        if quick == _Q_TEXT:
            if type(field) is str and field and not field.isspace():
                continue
        elif quick == _Q_TEXTS:
            if type(field) is list:
                try:  # every item a text with something besides spaces (a TypeError if not)
                    if "" in field or any(map(str.isspace, field)):
                        return False
                except TypeError:
                    return False
                continue
            if type(field) is str and field and not field.isspace():
                continue
        elif quick == _Q_DICT:
            if type(field) is dict:
                continue
        elif quick == _Q_ENUM:
            if type(field) is str and field in spec.choices:
                continue
        elif quick == _Q_URL:
            if type(field) is str and _PLAIN_URL.fullmatch(field):
                continue
        elif quick == _Q_DATE:
            if type(field) is dt.date:
                continue
        elif quick == _Q_ID:
            if type(field) is str and len(field) <= limits.MAX_ID_CHARS and SLUG.fullmatch(field):
                continue
        elif quick == _Q_CODE:
            if type(field) is str and CODE.fullmatch(field):
                continue
        elif quick == _Q_LIST:
            if type(field) is list:
                continue
        elif quick == _Q_INT and type(field) is int and field >= 1:
            continue
        return False
    return True


class Checker:
    """Collect problems about one document, each at the line of the value concerned."""

    def __init__(self, lines: Lines, today: dt.date, raw: Mapping[Loc, str] | None = None) -> None:
        self.lines = lines
        self.today = today
        self.raw = raw if raw is not None else {}  # non-string scalars as typed, for messages
        self.found: list[Found] = []
        # What `fine` said of each object it was asked about, kept with the object (so that no
        # other object takes its id while the answer is kept); the data is never changed.
        self._fine: dict[tuple[int, int], tuple[Any, bool]] = {}

    def fine(self, value: Any, specs: dict[str, Spec]) -> TypeGuard[dict[str, Any]]:
        """`plainly_fine(value, specs)`, asked once of an object the reader made once for a
        block written several times (a document, a source, an 'online' part)."""
        key = (id(value), id(specs))
        known = self._fine.get(key)
        if known is not None:
            return known[1]
        answer = plainly_fine(value, specs)
        self._fine[key] = (value, answer)
        return answer

    def line(self, loc: Loc) -> int:
        """Return the line of a location, or of its nearest parent that has one."""
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return self.lines.get(loc, 1)

    def key_line(self, loc: Loc) -> int:
        """Return the line where the key of a location is written."""
        if loc and isinstance(loc[-1], str):
            line = self.lines.get((*loc[:-1], "#key", loc[-1]))
            if line is not None:
                return line
        return self.line(loc)

    def error(self, loc: Loc, message: str, *, key: bool = False) -> None:
        """Record an error at a location (at its key's line if `key`)."""
        self.found.append((self.key_line(loc) if key else self.line(loc), message, "error"))

    def warn(self, loc: Loc, message: str) -> None:
        """Record a warning at a location."""
        self.found.append((self.line(loc), message, "warning"))

    def mapping(self, value: Any, loc: Loc, specs: dict[str, Spec], what: str) -> dict[str, Any]:
        """Check an object's fields (unknown, missing, values); return it, or {} if unusable."""
        if self.fine(value, specs):
            return value  # nothing to say: what the walk below would find, cheaply
        if not isinstance(value, dict):
            self.error(
                loc, f"{what}: phải là các dòng 'tên: giá trị' nhưng đang là {describe(value)}."
            )
            return {}
        guessed: set[str] = set()
        for key in value:
            if key in specs:
                continue
            guess = closest(key, specs)
            if guess is not None and guess not in value:
                guessed.add(guess)
                hint = f"có phải ý bạn là '{guess}' ({specs[guess].label})?"
            else:
                hint = "các trường được dùng ở đây: " + ", ".join(specs) + "."
            self.error((*loc, key), f"{what}: không có trường '{key}'; {hint}", key=True)
        for name, spec, fast in _plan(specs):
            if name in value:
                field = value[name]
                # What `value` would accept without a word, checked cheaply (`_plainly_fine`).
                if fast == _TEXT:
                    if isinstance(field, str) and field and not field.isspace():
                        continue
                elif fast == _TEXTS:
                    if isinstance(field, str):
                        if field and not field.isspace():
                            continue
                    elif isinstance(field, list):
                        for item in field:
                            if not isinstance(item, str) or not item or item.isspace():
                                break
                        else:
                            continue
                elif fast == _DICT:
                    if isinstance(field, dict):
                        continue
                elif _plainly_fine(field, spec, name):
                    continue
                self.value(field, (*loc, name), spec, f"{what}: '{name}' ({spec.label})")
            elif spec.required and name not in guessed:
                self.error(loc, f"{what}: thiếu trường bắt buộc '{name}' ({spec.label}).")
        return value

    def value(self, value: Any, loc: Loc, spec: Spec, what: str) -> bool:
        """Check one value against its kind; return whether it is usable."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.error(
                loc,
                f"{what} đang để trống; hãy điền vào, hoặc xoá cả dòng nếu không cần."
                if not spec.required
                else f"{what} đang để trống; hãy điền vào.",
            )
            return False
        kind = spec.kind
        if kind in ("texts", "refs"):
            return self.texts(value, loc, what)
        if kind == "map":
            return self.expect(
                isinstance(value, dict), value, loc, what, "các dòng 'tên: giá trị'"
            )
        if kind == "list":
            return self.expect(isinstance(value, list), value, loc, what, "một danh sách")
        if kind == "object":  # its fields are checked by the section that owns it
            if isinstance(value, dict):
                return True
            example = OBJECT_EXAMPLES.get(str(loc[-1]) if loc else "", "")
            hint = f" Cách viết: {example}." if example else ""
            self.error(
                loc,
                f"{what} phải là các dòng 'tên: giá trị' viết lùi vào ở dưới, nhưng đang là "
                f"{describe(value)}.{hint}",
            )
            return False
        if kind == "int":
            return self.count(value, loc, what)
        if kind == "date":
            return self.date(value, loc, what)
        if not isinstance(value, str):
            self.error(
                loc,
                f"{what} phải là chữ nhưng YAML đọc thành {describe(value)}; "
                f"{self.quote_hint(loc, value)}",
            )
            return False
        return self.text(value.strip(), loc, spec, what)

    def quote_hint(self, loc: Loc, value: Any) -> str:
        """Say how to write a value so YAML keeps it as text, quoting what was typed."""
        typed = self.raw.get(loc)
        if typed is None or isinstance(value, list | dict):
            return "hãy viết nó thành một đoạn chữ."
        key = f"{loc[-1]}: " if loc and isinstance(loc[-1], str) else "- "
        return f'hãy đặt trong ngoặc kép để giữ nguyên: {key}"{typed}".'

    def expect(self, ok: bool, value: Any, loc: Loc, what: str, shape: str) -> bool:
        """Report a value of the wrong shape."""
        if not ok:
            self.error(loc, f"{what} phải là {shape} nhưng đang là {describe(value)}.")
        return ok

    def texts(self, value: Any, loc: Loc, what: str) -> bool:
        """Check a string, or a list of non-empty strings."""
        if isinstance(value, str):
            return True
        if not isinstance(value, list):
            self.error(
                loc,
                f"{what} phải là chữ hoặc một danh sách (các dòng bắt đầu bằng '- ')"
                f" nhưng đang là {describe(value)}.",
            )
            return False
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                what_item = f"{what}, mục thứ {i + 1},"
                if isinstance(item, str) or item is None:
                    self.error((*loc, i), f"{what_item} đang để trống; hãy điền hoặc xoá dòng đó.")
                else:
                    self.error(
                        (*loc, i),
                        f"{what_item} phải là chữ nhưng YAML đọc thành "
                        f"{describe(item)}; {self.quote_hint((*loc, i), item)}",
                    )
                ok = False
        return ok

    def count(self, value: Any, loc: Loc, what: str) -> bool:
        """Check a whole number of at least 1."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                loc, f"{what} phải là một số nguyên như 1, 2 nhưng đang là {describe(value)}."
            )
            return False
        if value < 1:
            self.error(
                loc,
                f"{what} phải từ 1 trở lên (đang là {value}); nếu giấy tờ chỉ cần "
                "trong một số trường hợp, hãy ghi rõ trong 'when'.",
            )
            return False
        return True

    def date(self, value: Any, loc: Loc, what: str) -> bool:
        """Check a real calendar date written as YYYY-MM-DD."""
        if parse_date(value) is not None:
            return True
        text = str(value).strip()
        m = ISO_DATE.fullmatch(text)
        if isinstance(value, dt.datetime):
            why = "chỉ ghi ngày, không ghi giờ, ví dụ 2026-11-27."
        elif m and 1 <= int(m[2]) <= 12:
            import calendar  # only for a date that does not exist

            days = calendar.monthrange(int(m[1]), int(m[2]))[1]
            why = (
                f"ngày '{text}' không có thật (tháng {int(m[2])} năm {m[1]} chỉ có {days} "
                "ngày); hãy sửa lại cho đúng."
            )
        elif m:
            why = f"ngày '{text}' không có thật (tháng phải từ 1 đến 12); hãy sửa lại cho đúng."
        else:
            why = f"phải viết theo dạng năm-tháng-ngày, ví dụ 2026-11-27 (đang là '{text}')."
        self.error(loc, f"{what}: {why}")
        return False

    def text(self, value: str, loc: Loc, spec: Spec, what: str) -> bool:
        """Check the string kinds: ids, codes, phones, links, allowed values."""
        kind = spec.kind
        unsendable = limits.unsendable(kind, str(loc[-1]) if loc else "", value, what)
        if unsendable:
            self.error(loc, unsendable)
            return False
        if kind == "id" and not SLUG.fullmatch(value):
            hint = slugify(value)
            example = f", ví dụ '{hint}'" if hint else ""
            self.error(
                loc,
                f"{what} '{value}' chỉ được gồm chữ thường không dấu a-z, chữ số và "
                f"dấu gạch ngang{example}.",
            )
            return False
        if kind == "code" and not CODE.fullmatch(value):
            self.error(
                loc,
                f"{what} '{value}' không đúng dạng mã thủ tục, ví dụ \"1.001193\"; "
                "nếu chưa chắc chắn, hãy bỏ trường này.",
            )
            return False
        if kind == "phone" and not PHONE.fullmatch(value):
            self.error(
                loc,
                f"{what} '{value}' không giống số điện thoại; chỉ ghi chữ số, dấu "
                'cách, dấu chấm, ví dụ "0221 3862 345".',
            )
            return False
        if kind == "url":
            return self.url(value, loc, what)
        if kind == "enum" and value not in spec.choices:
            options = ", ".join(f"{c} ({CHOICE_LABELS.get(c, c)})" for c in spec.choices)
            guess = CHOICE_WORDS.get(slugify(value)) or closest(value, spec.choices)
            guess = guess if guess in spec.choices else None
            hint = f" Có phải ý bạn là '{guess}'?" if guess else ""
            if value in ("district", "huyen", "huyện"):
                hint = " Từ 01/7/2025 không còn cấp huyện: việc của huyện nay do xã hoặc tỉnh làm."
            self.error(
                loc, f"{what}: giá trị '{value}' không hợp lệ; chỉ được chọn: {options}.{hint}"
            )
            return False
        return True

    def url(self, value: str, loc: Loc, what: str) -> bool:
        """Check an http(s) link with a host name."""
        parts = urlsplit(value)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https"):
            self.error(
                loc,
                f"{what} '{value}' phải bắt đầu bằng https:// (hoặc http://), ví dụ "
                "https://dichvucong.gov.vn.",
            )
            return False
        if "." not in host or re.search(r"\s", value) or host.startswith("."):
            self.error(
                loc,
                f"{what} '{value}' không phải một địa chỉ trang web hợp lệ (cần tên "
                "miền như dichvucong.gov.vn, không có dấu cách).",
            )
            return False
        return True


UNCLOSED_QUOTE = (
    "lỗi cú pháp YAML: dấu ngoặc kép (hoặc ngoặc đơn) mở ở dòng này chưa được đóng; hãy thêm "
    "dấu đóng ở cuối giá trị. Nếu trong chữ có dấu ngoặc kép, hãy bọc cả giá trị bằng ngoặc "
    "đơn '...'."
)

_YAML_MESSAGES = [
    (
        "found character '\\t'",
        "có ký tự Tab; YAML chỉ cho thụt lề bằng dấu cách. Hãy thay Tab bằng dấu cách (VS Code: "
        "bấm 'Tab Size' ở góc dưới → 'Indent Using Spaces', rồi 'Convert Indentation to Spaces').",
    ),
    (
        "while scanning a quoted scalar",
        "dấu ngoặc kép (hoặc ngoặc đơn) mở ở dòng này chưa được đóng; hãy thêm dấu đóng ở cuối "
        "giá trị. Nếu trong chữ có dấu ngoặc kép, hãy bọc cả giá trị bằng ngoặc đơn '...'.",
    ),
    (
        "mapping values are not allowed",
        "dấu hai chấm ':' không đúng chỗ: thường do thụt lề sai, hoặc giá trị chứa ': ' — khi "
        "đó hãy đặt cả giá trị trong ngoặc kép.",
    ),
    (
        "could not find expected ':'",
        "thiếu dấu hai chấm ':' sau tên trường, hoặc dòng này thụt lề sai so với dòng trên.",
    ),
    (
        "expected <block end>",
        "thụt lề không đúng: dòng này lệch so với các dòng cùng cấp ở trên; hãy căn thẳng hàng "
        "với các trường cùng mục (mỗi cấp lùi vào 2 dấu cách).",
    ),
    (
        "did not find expected key",
        "thụt lề không đúng: dòng này lệch so với các dòng cùng cấp ở trên; hãy căn thẳng hàng "
        "với các trường cùng mục (mỗi cấp lùi vào 2 dấu cách).",
    ),
    (
        "did not find expected '-' indicator",
        "danh sách bị thụt lề sai: các mục cùng danh sách phải bắt đầu bằng '- ' thẳng hàng nhau.",
    ),
    (
        "expected ',' or ']'",
        "danh sách trong ngoặc vuông [ ] chưa đóng, hoặc thiếu dấu phẩy giữa các mục.",
    ),
    (
        "expected ',' or '}'",
        "nhóm trong ngoặc nhọn { } chưa đóng, hoặc thiếu dấu phẩy giữa các trường.",
    ),
    (
        "while scanning an alias",
        "giá trị bắt đầu bằng '*' (YAML hiểu là tham chiếu); hãy đặt cả giá trị trong ngoặc kép.",
    ),
    (
        "found undefined alias",
        "giá trị bắt đầu bằng '*' (YAML hiểu là tham chiếu); hãy đặt cả giá trị trong ngoặc kép.",
    ),
    (
        "that cannot start any token",
        "giá trị bắt đầu bằng ký tự đặc biệt (như @, `, %); hãy đặt cả giá trị trong ngoặc kép.",
    ),
    (
        "found unknown escape character",
        "trong ngoặc kép, dấu '\\' có nghĩa đặc biệt; hãy dùng ngoặc đơn '...' hoặc viết '\\\\'.",
    ),
    (
        "special characters are not allowed",
        "có ký tự điều khiển không nhìn thấy (thường do dán từ Word, PDF); hãy gõ lại dòng này.",
    ),
    (
        "expected a single document",
        "tệp chỉ được có một phần; hãy xoá dòng '---' thừa (chỉ được có ở đầu tệp).",
    ),
]


def yaml_error(exc: Any) -> tuple[int, str]:
    """Translate a PyYAML syntax error into (1-based line, Vietnamese message)."""
    problem = str(getattr(exc, "problem", "") or getattr(exc, "reason", "") or "")
    context = str(getattr(exc, "context", "") or "")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    both = f"{context} {problem}"
    for needle, message in _YAML_MESSAGES:
        if needle in both:
            if needle == "while scanning a quoted scalar":
                start = getattr(exc, "context_mark", None)
                line = start.line + 1 if start is not None else line
            return line, f"lỗi cú pháp YAML: {message}"
    detail = "; ".join(part for part in (context, problem) if part) or str(exc)
    return line, f"lỗi cú pháp YAML ở dòng này hoặc ngay trên ({detail})."

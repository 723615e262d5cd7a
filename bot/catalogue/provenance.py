"""Where the catalogue's facts come from: sources per entry, replaced law, national codes.

Three checks, all warnings (the file still loads, but a citizen could be told something stale):
- every procedure records its `sources` (each with a kind and the day it was read);
- no procedure cites, in `legal_basis`, a document listed in the top-level `replaced_laws`;
- every `code` is in the bundled national list (or in `extra_codes`, with where it comes
  from), names the same procedure as the entry, and is not used by two entries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from itertools import chain
from typing import Any

from bot.catalogue import spec
from bot.catalogue.national import DEFAULT_PATH, official_names
from bot.catalogue.rules import Checker, Loc, parse_date

# A document number as written in Vietnamese law: 55/2021/TT-BCA, 60/2014/QH13, 63/2024/NĐ-CP.
DOC_NUMBER = re.compile(r"\d+/\d{4}/[0-9A-Za-zĐđ]+(?:-[0-9A-Za-zĐđ]+)*")
# Words so common in procedure names that sharing them says nothing.
COMMON_WORDS = frozenset(
    {
        "thu",
        "tuc",
        "cap",
        "dang",
        "ky",
        "doi",
        "lai",
        "va",
        "cua",
        "cho",
        "voi",
        "tai",
        "theo",
        "hoac",
        "cac",
        "the",
        "truong",
        "hop",
        "thuc",
        "hien",
        "bang",
        "dich",
        "vu",
        "cong",
        "truc",
        "tuyen",
        "mot",
        "phan",
        "toan",
        "trinh",
        "tiep",
        "giay",
        "chung",
        "nhan",
        "o",
        "trong",
    }
)
SHORT_FORMS = {"bhxh": "bao hiem xa hoi", "bhyt": "bao hiem y te", "tnhh": "trach nhiem huu han"}
SAME_NAME_SHARE = 0.5  # below this share of telling words in common, the names "differ clearly"


@lru_cache(maxsize=1)
def bundled_national_names() -> Mapping[str, str]:
    """Return code -> official name from the national list shipped with the bot.

    Only two fields of each record are read (cleaned as `national.parse_line` cleans them):
    `check` needs no more, and reading whole records was a third of its start-up.
    """
    return official_names(DEFAULT_PATH)  # kept in the derived-data cache


# The combining marks Vietnamese letters decompose into (and their neighbours), dropped at once.
MARKS = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]"
)


def fold_words(text: str) -> set[str]:
    """Return the telling words of a name: no marks, lowercase, common words dropped."""
    # Folding works character by character and spaces part words either way, so each word
    # written (a few thousand syllables in all) is folded once and remembered.
    return set(chain.from_iterable(map(_token_words, text.split())))


@lru_cache(maxsize=65_536)
def _token_words(token: str) -> tuple[str, ...]:
    plain = unicodedata.normalize("NFD", token.replace("đ", "d").replace("Đ", "D")).lower()
    bare = MARKS.sub("", plain)
    # Anything left beyond ASCII may be a rarer combining mark: the complete, slower way.
    plain = bare if bare.isascii() else "".join(c for c in plain if not unicodedata.combining(c))
    words: list[str] = []
    for word in re.findall(r"[a-z0-9]+", plain):
        words.extend(SHORT_FORMS.get(word, word).split())
    return tuple(w for w in words if w not in COMMON_WORDS)


def names_differ(ours: str, official: str) -> bool:
    """Whether two names clearly name different procedures (few telling words in common)."""
    if ours == official:  # the official name copied: all its words shared, or none to compare
        return False
    a, b = fold_words(ours), fold_words(official)
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) < SAME_NAME_SHARE


def document_key(text: str) -> str:
    """The form a legal document is compared in: its number if it has one, else its words."""
    text = unicodedata.normalize("NFC", text)
    found = DOC_NUMBER.search(text)
    key = found.group(0) if found else text
    return " ".join(key.casefold().replace("đ", "d").split())


def check_provenance(
    c: Checker, data: Mapping[str, Any], national: Mapping[str, str] | None = None
) -> None:
    """Check sources, replaced law and national codes of a parsed catalogue document."""
    names = bundled_national_names() if national is None else national
    _agencies(c, data.get("agencies"))
    replaced = _Replaced(_replaced_laws(c, data.get("replaced_laws")))
    known = dict(names) | _extra_codes(c, data.get("extra_codes"), names)
    seen: dict[str, tuple[str, Loc]] = {}
    procedures = data.get("procedures")
    for i, item in enumerate(procedures if isinstance(procedures, list) else ()):
        if not isinstance(item, dict):
            continue
        loc: Loc = ("procedures", i)
        what = f"thủ tục '{item.get('id', i + 1)}'"
        _sources(c, item, loc, what, required=True)
        _legal_basis(c, item, loc, what, replaced)
        _code(c, item, loc, what, known, seen)
    guides = data.get("guides")
    for i, item in enumerate(guides if isinstance(guides, list) else ()):
        if isinstance(item, dict):
            what = f"hướng dẫn '{item.get('id', i + 1)}'"
            _sources(c, item, ("guides", i), what, required=False)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _agencies(c: Checker, value: Any) -> None:
    # "Where do I go" must never dead-end: no address means saying how to find it out.
    for key, agency in (value or {}).items() if isinstance(value, dict) else ():
        if isinstance(agency, dict) and not any(
            agency.get(k) for k in ("address", "phone", "notes")
        ):
            c.warn(
                ("agencies", key),
                f"cơ quan '{key}': chưa có địa chỉ, số điện thoại, cũng chưa có 'notes' chỉ "
                "cách hỏi; hãy ghi địa chỉ (khi có nguồn) hoặc ghi người dân hỏi ở đâu (tổng đài "
                "1800 1096, Trung tâm Phục vụ hành chính công xã, phường...).",
            )


def _replaced_laws(c: Checker, value: Any) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for i, raw in enumerate(_items(value)):
        item = c.mapping(
            raw, ("replaced_laws", i), spec.REPLACED_LAW, f"văn bản thay thế thứ {i + 1}"
        )
        since = parse_date(item.get("since"))
        if isinstance(item.get("document"), str) and isinstance(item.get("replaced_by"), str):
            when = f"{since:%d/%m/%Y}" if since else "?"
            found[document_key(item["document"])] = (item["replaced_by"], when)
    return found


def _extra_codes(c: Checker, value: Any, national: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for i, raw in enumerate(_items(value)):
        loc: Loc = ("extra_codes", i)
        item = c.mapping(raw, loc, spec.EXTRA_CODE, f"mã ngoài danh sách thứ {i + 1}")
        code, name = item.get("code"), item.get("name")
        if not isinstance(code, str) or not isinstance(name, str):
            continue
        if code in national:
            c.warn(
                (*loc, "code"),
                f"mã {code} đã có trong danh sách thủ tục quốc gia đi kèm ('{national[code]}'); "
                "không cần ghi ở 'extra_codes' nữa, hãy xoá mục này.",
            )
        found[code] = name
    return found


def _sources(c: Checker, item: dict[str, Any], loc: Loc, what: str, *, required: bool) -> None:
    sources = item.get("sources")
    if sources is None or sources == []:
        if required:
            c.warn(
                loc,
                f"{what}: chưa ghi nguồn ('sources'); hãy ghi thông tin lấy từ đâu (trang Cổng "
                "Dịch vụ công, văn bản pháp luật hoặc nguồn thứ cấp) và ngày đọc.",
            )
        return
    for j, raw in enumerate(_items(sources)):
        if c.fine(raw, spec.SOURCE):
            source = raw  # (its place and name made only when there is something to say)
        else:
            source = c.mapping(
                raw, (*loc, "sources", j), spec.SOURCE, f"{what}, nguồn thứ {j + 1}"
            )
        read = parse_date(source.get("read"))
        if read is not None and read > c.today:
            c.error(
                (*loc, "sources", j, "read"),
                f"{what}, nguồn thứ {j + 1}: ngày đọc {read:%d/%m/%Y} là ngày trong tương lai; "
                "hãy ghi ngày thực sự đã đọc.",
            )


def _legal_basis(
    c: Checker, item: dict[str, Any], loc: Loc, what: str, replaced: _Replaced
) -> None:
    basis = item.get("legal_basis")
    for j, text in enumerate([basis] if isinstance(basis, str) else _items(basis)):
        if not isinstance(text, str):
            continue
        hits = replaced.hits(text)
        if hits:
            where = (*loc, "legal_basis") if isinstance(basis, str) else (*loc, "legal_basis", j)
            c.warn(
                where,
                f"{what}: căn cứ '{text}' dẫn văn bản đã được thay bằng "
                f"{', '.join(dict.fromkeys(hits))} (xem 'replaced_laws'); hãy đối chiếu lại thủ "
                "tục theo văn bản mới rồi sửa căn cứ pháp lý.",
            )


class _Replaced:
    """The documents listed in `replaced_laws`, and which of them a line of law cites.

    The same line is cited by many entries (every procedure of a field names the same law), so
    each distinct line is looked at once.
    """

    def __init__(self, found: dict[str, tuple[str, str]]) -> None:
        # (key, is a document number, "new document (từ date)", the new document's key)
        self._laws = [
            (key, DOC_NUMBER.match(key) is not None, f"{by} (từ {since})", document_key(by))
            for key, (by, since) in found.items()
        ]
        self._seen: dict[str, list[str]] = {}

    def hits(self, text: str) -> list[str]:
        """What replaced each document the line cites (none when it also names the new one)."""
        known = self._seen.get(text)
        if known is not None:
            return known
        hits: list[str] = []
        if self._laws:
            cited = {document_key(m.group(0)) for m in DOC_NUMBER.finditer(text)}
            whole = _lazy_key(text)
            hits = [
                said
                for key, numbered, said, new_key in self._laws
                if (key in cited or (not numbered and key in whole()))
                # A line that also names the new document only says what that one replaced.
                and new_key not in cited
            ]
        self._seen[text] = hits
        return hits


def _lazy_key(text: str) -> Any:
    """`document_key(text)`, worked out on the first call only (most lines never need it)."""
    known: list[str] = []

    def key() -> str:
        if not known:
            known.append(document_key(text))
        return known[0]

    return key


def _code(
    c: Checker,
    item: dict[str, Any],
    loc: Loc,
    what: str,
    known: Mapping[str, str],
    seen: dict[str, tuple[str, Loc]],
) -> None:
    code = item.get("code")
    if not isinstance(code, str) or not code.strip():
        return
    where: Loc = (*loc, "code")
    if code in seen:
        other, other_loc = seen[code]
        c.warn(
            where,
            f"{what}: mã {code} đã dùng cho {other} (dòng {c.line(other_loc)}); một mã thủ tục "
            "chỉ nên thuộc một mục. Nếu hai mục thật sự là một thủ tục, hãy bỏ 'code' ở một mục "
            "và nhắc mã trong 'notes'.",
        )
    else:
        seen[code] = (what, where)
    official = known.get(code)
    if official is None:
        c.warn(
            where,
            f"{what}: mã {code} không có trong danh sách thủ tục quốc gia đi kèm "
            "(bot/data/national-procedures.jsonl). Hãy kiểm tra lại mã trên Cổng Dịch vụ công; "
            "nếu mã đúng mà danh sách chưa có, ghi nó vào 'extra_codes' kèm nguồn.",
        )
    elif isinstance(item.get("name"), str) and names_differ(item["name"], official):
        c.warn(
            where,
            f"{what}: mã {code} trong danh sách quốc gia là '{official}', khác hẳn tên "
            f"'{item['name']}'; hãy kiểm tra lại mã hoặc tên.",
        )

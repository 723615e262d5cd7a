"""Walk a whole catalogue document: each section's shape, then what ties entries together.

Ids must be unique, references must point at something that exists, the ids other tools rely on
(`bot/data/required.yaml`) must be there under their kind, an alias belongs to one entry only,
and dates must be real and not in the future. Old `verified` dates and passed `fee_until` dates
are warnings: the file still loads.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from itertools import chain, repeat
from typing import Any

from bot.catalogue import spec as spec
from bot.catalogue.provenance import check_provenance
from bot.catalogue.rules import (
    SLUG,
    Checker,
    Found,
    Lines,
    Loc,
    closest,
    parse_date,
    slugify,
)

STALE_AFTER_DAYS = 180
KIND_WORDS = {"procedure": "thủ tục", "guide": "hướng dẫn"}
SECTION = {"procedure": "procedures", "guide": "guides"}


def alias_key(text: str) -> str:
    """Return the form two aliases are compared in: NFC, lowercase, single spaces."""
    # str.split() and the pattern \s split on the same (Unicode) spaces.
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def alias_keys(texts: list[str]) -> list[str]:
    """`alias_key` of every text, the composing and casefolding done once for them all."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:  # a text with a line break inside
        return list(map(alias_key, texts))
    if not unicodedata.is_normalized("NFC", joined):
        joined = unicodedata.normalize("NFC", joined)
    folded = joined.casefold()
    lines = folded.split("\n")
    # A line already written with single plain spaces is its own key (every other kind of space
    # is unprintable), which is how aliases are almost always written.
    if (
        all(map(str.isprintable, lines))
        and "  " not in folded
        and " \n" not in folded
        and "\n " not in folded
        and folded[:1] != " "
        and folded[-1:] != " "
    ):
        return lines
    return [" ".join(line.split()) for line in lines]


def all_written(values: list[Any]) -> bool:
    """Whether every value is a text with something besides spaces in it."""
    try:
        return "" not in values and not any(map(str.isspace, values))
    except TypeError:  # a value that is not a text
        return False


def check_document(
    data: dict[str, Any],
    lines: Lines,
    today: dt.date,
    required: Mapping[str, str],
    raw: Mapping[Loc, str] | None = None,
    national: Mapping[str, str] | None = None,
) -> list[Found]:
    """Return every (line, message, severity) found in a parsed catalogue document.

    `national` maps national procedure codes to their official names (the bundled list when
    None).
    """
    walk = _Walk(Checker(lines, today, raw))
    walk.document(data, required)
    check_provenance(walk.c, data, national)
    return walk.c.found


class _Walk:
    def __init__(self, checker: Checker) -> None:
        self.c = checker
        self.field_ids: set[str] = set()
        self.agency_ids: set[str] = set()
        self.entries: dict[str, tuple[str, Loc]] = {}  # id -> (kind, location of the id)
        self.refs: list[tuple[Loc, str, str, str]] = []  # (loc, what, target kind, id)
        # alias key -> (what, the entry's place, the alias's position; -1: one alias, no list)
        self.aliases: dict[str, tuple[str, Loc, int]] = {}
        # The keys of each list of aliases all written (by the list, kept with it), worked out
        # for all entries in one go.
        self.keys_of: dict[int, tuple[list[Any], list[str]]] = {}

    def all_alias_keys(self, *sections: Any) -> None:
        """Work out `alias_keys` of every entry's list of aliases at once (the same keys)."""
        lists: list[list[Any]] = []
        for section in sections:
            for raw in self.items(section):
                aliases = raw.get("aliases") if isinstance(raw, dict) else None
                if isinstance(aliases, list) and aliases and all_written(aliases):
                    lists.append(aliases)
        keys = alias_keys(list(chain.from_iterable(lists)))
        start = 0
        for aliases in lists:
            end = start + len(aliases)
            self.keys_of[id(aliases)] = (aliases, keys[start:end])
            start = end

    def document(self, data: dict[str, Any], required: Mapping[str, str]) -> None:
        top = self.c.mapping(data, (), spec.TOP, "phần đầu tệp")
        self.date_not_future(top.get("updated"), ("updated",), "'updated' (ngày cập nhật)")
        for key, portal in self.keyed(top.get("portals"), "portals", "cổng"):
            self.c.mapping(portal, ("portals", key), spec.PORTAL, f"cổng '{key}'")
        if isinstance(top.get("hotline"), dict):
            self.c.mapping(top["hotline"], ("hotline",), spec.HOTLINE, "đường dây nóng")
        self.fields(top.get("fields"))
        for key, agency in self.keyed(top.get("agencies"), "agencies", "cơ quan"):
            self.c.mapping(agency, ("agencies", key), spec.AGENCY, f"cơ quan '{key}'")
            self.agency_ids.add(key)
        for key, words in self.keyed(top.get("vocabulary"), "vocabulary", "từ"):
            what = f"từ vựng '{key}'"
            self.c.value(words, ("vocabulary", key), spec.Spec("cách hiểu", "texts"), what)
        self.all_alias_keys(top.get("procedures"), top.get("guides"))
        for i, raw in enumerate(self.items(top.get("procedures"))):
            self.procedure(raw, ("procedures", i), i)
        for i, raw in enumerate(self.items(top.get("guides"))):
            self.guide(raw, ("guides", i), i)
        self.references(required)
        self.required(required)

    def keyed(self, value: Any, section: str, word: str) -> list[tuple[str, Any]]:
        """Return the (key, value) pairs of an id -> object section, checking each key."""
        if not isinstance(value, dict):
            return []
        for key in value:
            if section != "vocabulary" and not SLUG.fullmatch(key):
                self.c.error(
                    (section, key),
                    f"mã {word} '{key}' chỉ được gồm chữ thường không "
                    "dấu a-z, chữ số và dấu gạch ngang.",
                    key=True,
                )
        return list(value.items())

    @staticmethod
    def items(value: Any) -> list[Any]:
        return value if isinstance(value, list) else []

    def fields(self, value: Any) -> None:
        seen: dict[str, Loc] = {}
        for i, raw in enumerate(self.items(value)):
            loc: Loc = ("fields", i)
            item = self.c.mapping(raw, loc, spec.FIELD, f"lĩnh vực thứ {i + 1}")
            field_id = item.get("id")
            if isinstance(field_id, str):
                if field_id in seen:
                    self.c.error(
                        (*loc, "id"),
                        f"lĩnh vực '{field_id}' bị khai báo hai lần "
                        f"(lần đầu ở dòng {self.c.line(seen[field_id])}).",
                    )
                seen[field_id] = (*loc, "id")
                self.field_ids.add(field_id)

    def entry(self, item: dict[str, Any], loc: Loc, kind: str, i: int) -> str:
        """Register an entry's id; return how messages name it."""
        word = KIND_WORDS[kind]
        entry_id = item.get("id")
        if not isinstance(entry_id, str) or not entry_id.strip():
            return f"{word} thứ {i + 1} trong mục '{SECTION[kind]}'"
        if entry_id in self.entries:
            other_kind, other = self.entries[entry_id]
            self.c.error(
                (*loc, "id"),
                f"id '{entry_id}' bị trùng với {KIND_WORDS[other_kind]} ở "
                f"dòng {self.c.line(other)}; mỗi thủ tục, hướng dẫn cần một id riêng.",
            )
        else:
            self.entries[entry_id] = (kind, (*loc, "id"))
        return f"{word} '{entry_id}'"

    def procedure(self, raw: Any, loc: Loc, i: int) -> None:
        if not isinstance(raw, dict):
            self.c.mapping(raw, loc, spec.PROCEDURE, f"thủ tục thứ {i + 1}")
            return
        what = self.entry(raw, loc, "procedure", i)
        item = self.c.mapping(raw, loc, spec.PROCEDURE, what)
        documents = item.get("documents")
        if isinstance(documents, list) and not documents:
            self.c.error(
                (*loc, "documents"),
                f"{what}: danh sách giấy tờ đang rỗng; thủ tục nào "
                "cũng cần ít nhất một giấy tờ (ví dụ tờ khai).",
            )
        for j, doc in enumerate(self.items(documents)):
            if not self.c.fine(doc, spec.DOCUMENT):  # (its place and name made only if not)
                self.c.mapping(
                    doc, (*loc, "documents", j), spec.DOCUMENT, f"{what}, giấy tờ thứ {j + 1}"
                )
        online = item.get("online")
        if isinstance(online, dict) and not self.c.fine(online, spec.ONLINE):
            self.c.mapping(online, (*loc, "online"), spec.ONLINE, f"{what}, phần 'online'")
        self.common(item, loc, what)
        # Fields and agencies are all known by now: only a reference to none waits for the end.
        field, agency = item.get("field"), item.get("agency")
        if isinstance(field, str) and field not in self.field_ids:
            self.refs.append(((*loc, "field"), what, "field", field))
        if isinstance(agency, str) and agency not in self.agency_ids:
            self.refs.append(((*loc, "agency"), what, "agency", agency))
        related = item.get("related")
        for j, target in enumerate([related] if isinstance(related, str) else self.items(related)):
            if isinstance(target, str):
                where = (*loc, "related") if isinstance(related, str) else (*loc, "related", j)
                self.refs.append((where, f"{what}, 'related'", "entry", target))
        fee_until = parse_date(item.get("fee_until"))
        if fee_until is not None and fee_until < self.c.today:
            self.c.warn(
                (*loc, "fee_until"),
                f"{what}: mức phí chỉ áp dụng đến "
                f"{fee_until:%d/%m/%Y}, nay đã hết hạn; hãy kiểm tra mức phí mới rồi sửa "
                "'fee' và 'fee_until'.",
            )

    def common(self, item: dict[str, Any], loc: Loc, what: str) -> None:
        """Checks shared by procedures and guides: aliases and the `verified` date."""
        aliases = item.get("aliases")
        single = isinstance(aliases, str)
        listed: list[Any] = [aliases] if single else self.items(aliases)
        texts: list[str]
        known = self.keys_of.get(id(aliases))
        if known is not None and known[0] is aliases:
            texts, places, keys = aliases, list(range(len(aliases))), known[1]
        else:
            if all_written(listed):
                texts, places = listed, list(range(len(listed)))
            else:
                places = [j for j, a in enumerate(listed) if isinstance(a, str) and a.strip()]
                texts = [listed[j] for j in places]
            keys = alias_keys(texts)
        if len(set(keys)) == len(keys) and self.aliases.keys().isdisjoint(keys):
            # Every alias new (the usual case): each remembered with where it is written.
            marks = [-1] if single and places else places
            places_of = zip(repeat(what), repeat(loc), marks, strict=False)  # (repeat: endless)
            self.aliases.update(zip(keys, places_of, strict=False))
        else:
            self.clashing_aliases(texts, places, keys, loc, what, single)
        verified = self.date_not_future(
            item.get("verified"),
            (*loc, "verified"),
            f"{what}: 'verified' (ngày kiểm tra thông tin)",
        )
        if verified is not None and (self.c.today - verified).days > STALE_AFTER_DAYS:
            self.c.warn(
                (*loc, "verified"),
                f"{what}: thông tin được kiểm tra lần cuối ngày "
                f"{verified:%d/%m/%Y}, đã hơn {STALE_AFTER_DAYS} ngày; hãy đối chiếu lại "
                "với Cổng Dịch vụ công rồi cập nhật 'verified'.",
            )

    def clashing_aliases(
        self,
        texts: list[str],
        places: list[int],
        keys: list[str],
        loc: Loc,
        what: str,
        single: bool,
    ) -> None:
        """Name each alias written twice in an entry, or already another entry's."""
        own: set[str] = set()
        for j, alias, key in zip(places, texts, keys, strict=True):
            where: Loc = (*loc, "aliases") if single else (*loc, "aliases", j)
            owner = self.aliases.get(key)
            if key in own:
                self.c.warn(where, f"{what}: cách gọi '{alias}' bị ghi lặp lại; hãy xoá một dòng.")
            elif owner is not None:
                other, other_loc, other_j = owner
                other_where = (*other_loc, "aliases", other_j)
                if other_j < 0:
                    other_where = (*other_loc, "aliases")
                self.c.error(
                    where,
                    f"{what}: cách gọi '{alias}' đã thuộc về {other} (dòng "
                    f"{self.c.line(other_where)}); một cách gọi chỉ được thuộc một mục, nếu "
                    "không bot không biết chọn mục nào. Hãy xoá ở một trong hai nơi.",
                )
            else:
                self.aliases[key] = (what, loc, -1 if single else j)
            own.add(key)

    def date_not_future(self, value: Any, loc: Loc, what: str) -> dt.date | None:
        day = parse_date(value)
        if day is not None and day > self.c.today:
            self.c.error(
                loc,
                f"{what} là {day:%d/%m/%Y}, một ngày trong tương lai; hãy ghi "
                "ngày thực sự đã kiểm tra (hôm nay hoặc trước đó).",
            )
            return None
        return day

    def guide(self, raw: Any, loc: Loc, i: int) -> None:
        if not isinstance(raw, dict):
            self.c.mapping(raw, loc, spec.GUIDE, f"hướng dẫn thứ {i + 1}")
            return
        what = self.entry(raw, loc, "guide", i)
        item = self.c.mapping(raw, loc, spec.GUIDE, what)
        self.common(item, loc, what)
        field = item.get("field", "truc-tuyen")
        if isinstance(field, str):
            self.refs.append(((*loc, "field") if "field" in item else loc, what, "field", field))
        steps = item.get("steps")
        if isinstance(steps, list) and not steps:
            self.c.error(
                (*loc, "steps"), f"{what}: danh sách bước đang rỗng; cần ít nhất một bước."
            )
        step_ids: dict[str, Loc] = {}
        links: list[tuple[Loc, str, str]] = []
        for j, raw_step in enumerate(self.items(steps)):
            sloc: Loc = (*loc, "steps", j)
            step = self.c.mapping(raw_step, sloc, spec.STEP, f"{what}, bước thứ {j + 1}")
            sid = step.get("id")
            swhat = f"{what}, bước '{sid}'" if isinstance(sid, str) else f"{what}, bước {j + 1}"
            if isinstance(sid, str):
                if sid in step_ids:
                    self.c.error(
                        (*sloc, "id"),
                        f"{swhat}: mã bước bị trùng với bước ở dòng "
                        f"{self.c.line(step_ids[sid])}; mỗi bước cần một mã riêng.",
                    )
                step_ids.setdefault(sid, (*sloc, "id"))
            if isinstance(step.get("next"), str):
                links.append(((*sloc, "next"), swhat, step["next"]))
            for k, raw_choice in enumerate(self.items(step.get("choices"))):
                self.choice(raw_choice, (*sloc, "choices", k), f"{swhat}, nút thứ {k + 1}", links)
        for where, owner, target in links:
            if target not in step_ids:
                guess = closest(target, step_ids)
                hint = f" Có phải ý bạn là '{guess}'?" if guess else ""
                self.c.error(
                    where,
                    f"{owner}: bước tiếp theo '{target}' không có trong hướng dẫn này.{hint}",
                )

    def choice(self, raw: Any, loc: Loc, what: str, links: list[tuple[Loc, str, str]]) -> None:
        choice = self.c.mapping(raw, loc, spec.CHOICE, what)
        if choice and not any(choice.get(k) for k in ("next", "procedure", "link")):
            self.c.error(
                loc,
                f"{what}: nút không dẫn tới đâu; hãy thêm 'next' (bước tiếp theo), "
                "'procedure' (thủ tục mở ra) hoặc 'link' (đường dẫn).",
            )
        if isinstance(choice.get("next"), str):
            links.append(((*loc, "next"), what, choice["next"]))
        if isinstance(choice.get("procedure"), str):
            self.refs.append(((*loc, "procedure"), what, "entry", choice["procedure"]))

    def references(self, required: Mapping[str, str]) -> None:
        known = {"field": self.field_ids, "agency": self.agency_ids, "entry": set(self.entries)}
        names = {"field": "lĩnh vực", "agency": "cơ quan", "entry": "thủ tục hoặc hướng dẫn"}
        places = {
            "field": "'fields'",
            "agency": "'agencies'",
            "entry": "'procedures' hoặc 'guides'",
        }
        for loc, what, kind, target in self.refs:
            if target in known[kind]:
                continue
            guess = closest(target, known[kind], cutoff=0.8)
            hint = f"có phải ý bạn là '{guess}'?" if guess else f"hãy thêm nó vào {places[kind]}."
            if kind == "entry" and target in required:
                hint = "đây là id bắt buộc: hãy xem lỗi về id này ở trên hoặc ở dưới."
            self.c.error(loc, f"{what}: {names[kind]} '{target}' không có trong danh mục; {hint}")

    def required(self, required: Mapping[str, str]) -> None:
        # An id typed with capitals or marks is compared in the form it should have had.
        # (An id already written as an id is its own slug.)
        extra = {
            (i if SLUG.fullmatch(i) else slugify(i)): i for i in self.entries if i not in required
        }
        for entry_id, kind in required.items():
            found = self.entries.get(entry_id)
            word = KIND_WORDS.get(kind, kind)
            if found is not None:
                if found[0] != kind:
                    self.c.error(
                        found[1],
                        f"'{entry_id}' phải là một {word} (nằm trong mục "
                        f"'{SECTION.get(kind, kind)}'), không phải "
                        f"{KIND_WORDS[found[0]]}; hãy chuyển nó sang đúng mục.",
                    )
                continue
            guess = closest(entry_id, extra, cutoff=0.75)
            if guess is not None:
                renamed = extra[guess]
                self.c.error(
                    self.entries[renamed][1],
                    f"id '{renamed}' có vẻ là '{entry_id}' bị "
                    f"đổi tên; id '{entry_id}' là id bắt buộc, không được đổi. Hãy đổi "
                    f"lại thành '{entry_id}'.",
                )
                continue
            section = SECTION.get(kind, "procedures")
            self.c.error(
                (section,),
                f"thiếu {word} bắt buộc '{entry_id}' trong mục '{section}'; "
                "id này phải luôn có mặt (xem bot/data/required.yaml), hãy thêm lại.",
                key=True,
            )

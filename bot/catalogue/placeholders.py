"""Values still equal to the placeholder an editor's snippet wrote, never filled in.

The schema's snippets (procedures.schema.json, defaultSnippets) write a placeholder in each
field ("Tên thủ tục", "cách người dân hay gọi"...); an entry that still holds one was never
finished, and citizens would read the placeholder. The rule is `silent`'s; the look over the
fields that hold long lists of short texts (aliases, ids, codes, documents, legal bases) is
done once for all entries, since a placeholder is nearly never there.
"""

from __future__ import annotations

import re
from typing import Any

from bot.catalogue.rules import Loc

# The placeholders of the schema's snippets (procedures.schema.json, defaultSnippets), by field:
# a value still equal to one of them was never filled in.
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "id": ("ma-thu-tuc",),
    "code": ("1.000000",),
    "name": ("Tên thủ tục",),
    "summary": ("Tóm tắt",),
    "aliases": ("cách người dân hay gọi",),
    "documents.name": ("Tờ khai",),
    "time": ("Thời hạn giải quyết",),
    "fee": ("Lệ phí",),
    "legal_basis": ("Văn bản pháp lý",),
}
_FOLDED_PLACEHOLDERS = {
    name: {v.casefold() for v in values} for name, values in PLACEHOLDERS.items()
}
_LONGEST_PLACEHOLDER = max(len(v) for values in _FOLDED_PLACEHOLDERS.values() for v in values)
_ZERO_CODE = re.compile(r"\d+\.0{6}")


# The fields whose values are looked over for all entries at once: short texts, or lists of
# them, which `find` would otherwise look at one by one (the others are long texts, which it
# passes over at a glance).
_SCREENED = ("id", "code", "aliases", "documents.name", "legal_basis")


def free_fields(items: list[Any]) -> frozenset[str]:
    """The fields in which no entry holds a placeholder, each found with one look over every
    entry's values of it. A placeholder (with whatever spaces or last '.' around it) is written
    inside its value, and case folding works letter by letter, so it is inside the value's
    folded text too; a code of zeros holds '.000000'. A field with any value that is not a
    text (or a list of texts) is left to `find`."""
    free: set[str] = set()
    for name in _SCREENED:
        field = "documents" if name == "documents.name" else name
        texts: list[Any] = []
        lists: set[int] = set()  # (the reader makes one list of a block written many times)
        for item in items:
            if not isinstance(item, dict):
                continue
            value = item.get(field)
            if value is None:
                continue
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, list) and id(value) not in lists:
                lists.add(id(value))
                if name == "documents.name":
                    texts += [d.get("name") for d in value if isinstance(d, dict)]
                else:
                    texts += value
        try:
            whole = "\n".join(texts).casefold()
        except TypeError:  # a value that is not a text: looked at entry by entry
            continue
        if name == "code" and ".000000" in whole:
            continue
        if not any(placeholder in whole for placeholder in _FOLDED_PLACEHOLDERS[name]):
            free.add(name)
    return frozenset(free)


# The lists found free of placeholders, by field and list (kept with the list, so that no other
# list takes its id): the reader makes one list of a block written on many entries, such as the
# same documents or legal basis, and it is looked through once.
Clean = dict[tuple[str, int], list[Any]]


def find(
    item: dict[str, Any],
    loc: Loc,
    what: str,
    error: Any,
    clean: Clean | None = None,
    free: frozenset[str] = frozenset(),
) -> None:
    """Report each value of an entry still equal to its field's placeholder (`error(loc,
    message)`); the fields in `free` hold none in any entry (`free_fields`)."""
    for name, values in _FOLDED_PLACEHOLDERS.items():
        if name in free:
            continue
        if name == "documents.name":
            listed = _items(item.get("documents"))
            texts = [d.get("name") if isinstance(d, dict) else None for d in listed]
            where: tuple[Any, ...] = (*loc, "documents")
        else:
            value = item.get(name)
            if value is None:
                continue
            if isinstance(value, str):
                # Longer than any placeholder, with nothing `_placeholder` strips at either
                # end (spaces, a last '.'): surely not one (a code is always asked in full).
                if (
                    len(value) > _LONGEST_PLACEHOLDER
                    and value[-1] != "."
                    and not value[-1].isspace()
                    and not value[0].isspace()
                    and name != "code"
                ):
                    continue
                if _placeholder(name, value, values):
                    _placeholder_found(error, (*loc, name), what, name, value)
                continue
            texts = listed = _items(value)
            where = (*loc, name)
        if not listed:
            continue
        if clean is not None:
            seen = clean.get((name, id(listed)))
            if seen is listed:
                continue
            clean[(name, id(listed))] = listed  # (taken back below if a placeholder is found)
        for j, text in enumerate(texts):
            if type(text) is str and name != "code":  # `_placeholder`, written out
                bare = text.strip().rstrip(".")
                if len(bare) > _LONGEST_PLACEHOLDER or bare.casefold() not in values:
                    continue
            elif not _placeholder(name, text, values):
                continue
            found = (*where, j, "name") if name == "documents.name" else (*where, j)
            _placeholder_found(error, found, what, name, text)
            if clean is not None:
                clean.pop((name, id(listed)), None)


def _placeholder_found(error: Any, where: Loc, what: str, name: str, text: Any) -> None:
    error(
        where,
        f"{what}: '{name.split('.')[-1]}' vẫn là chữ mẫu '{str(text).strip()}' của khung "
        "soạn sẵn; hãy điền nội dung thật (hoặc xoá dòng nếu không bắt buộc).",
    )


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _placeholder(name: str, text: Any, values: set[str]) -> bool:
    """Whether a value is still the snippet's placeholder for its field."""
    if not isinstance(text, str):
        return False
    bare = text.strip()
    if name == "code" and _ZERO_CODE.fullmatch(bare) is not None:
        return True
    bare = bare.rstrip(".")
    # Casefolding never shortens a text: a longer one cannot be a placeholder.
    return len(bare) <= _LONGEST_PLACEHOLDER and bare.casefold() in values

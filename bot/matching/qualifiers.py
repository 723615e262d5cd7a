"""Words that narrow a question down to a narrower procedure than the one that matched.

"bị mất cà vẹt xe" matches the card for registering a vehicle, but the loss makes it another
procedure (the reissue). A question that names such a qualifier, when the card holds none of
its words (in its name, aliases or summary), is not covered by that card: the bot must not give
it as a sure answer. Each class lists the ways citizens and official names say the same thing
(folded: no marks, đ → d); a card or a national procedure that holds any of them covers it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from bot.matching.index import Index
from bot.text import normalize, strip_marks

QUALIFIERS: dict[str, tuple[str, ...]] = {
    # A foreign element: another country, a foreigner, a Vietnamese living abroad.
    "foreign": (
        "nuoc ngoai",
        "ngoai quoc",
        "yeu to nuoc ngoai",
        "viet kieu",
        "quoc tich",
        "nguoi han",
        "han quoc",
        "trung quoc",
        "nguoi trung",
        "nhat ban",
        "nguoi nhat",
        "dai loan",
        "nguoi my",
        "nguoi uc",
        "khach tay",
        "nguoi phap",
        "nguoi duc",
        "campuchia",
        "thai lan",
    ),
    "international": ("quoc te",),
    # A loss or damage: the paper is issued again, not for the first time.
    "reissue": (
        "cap lai",
        "bi mat",
        "lam mat",
        "danh mat",
        "mat giay",
        "mat the",
        "mat so",
        "mat bien",
        "that lac",
        "bi hong",
        "bi rach",
        "lam lai",
    ),
    # Registering again something registered long ago whose record is lost.
    "again": ("dang ky lai", "dang ki lai"),
    # A first-time test, or a first issue where the card is about renewing.
    # ("thi" alone is also "thì" typed without marks.)
    "test": ("thi giay", "thi bang", "thi xe", "di thi", "sat hach", "hoc lai xe", "hoc bang"),
    "first": ("lan dau",),
    "extension": ("gia han", "het han"),
    "temporary": ("tam thoi",),
    "stop": (
        "cham dut",
        "tam ngung",
        "ngung kinh doanh",
        "giai the",
        "dong cua",
        "nghi ban",
        "tam hoan",
        "hoan nghia vu",
        "hoan goi",
    ),
    "change": ("thay doi", "dieu chinh", "dinh chinh", "sua doi", "doi dia chi", "doi bien"),
    "revoke": ("thu hoi", "khoa", "mo khoa", "xoa"),
    # A civil status event settled abroad, recorded here.
    "recording": ("ghi vao so", "ghi chu"),
    # A company, where the card is about a household business (or the other way round).
    "company": ("doanh nghiep", "cong ty"),
    "adoption": ("con nuoi",),
    "guardian": ("giam ho",),
    "parcel": ("tach thua", "hop thua"),
    # ("thue" alone is also "thuê", to rent.)
    "tax": ("khai thue", "nop thue", "thue khoan", "quyet toan thue", "thue thu nhap"),
    "proxy": ("uy quyen", "linh thay"),
    "convalescence": ("duong suc",),
    "sickness": ("om dau", "nghi om"),
    "voluntary": ("tu nguyen",),
    "translation": ("nguoi dich", "ban dich"),
    "military": ("quan su",),
    # Trades that need a licence of their own besides the business registration.
    "licensed trade": (
        "ruou",
        "thuoc la",
        "xang dau",
        "karaoke",
        "casino",
        "game",
        "vu truong",
        "cam do",
        "nha thuoc",
        "quang cao",
        "nha xuong",
    ),
}


# A class that only narrows cards about something: a company is another procedure than a
# household business's, but "bị công ty cho nghỉ việc" is still about unemployment benefit.
SCOPES: dict[str, tuple[str, ...]] = {"company": ("kinh doanh", "doanh nghiep")}

# Folded as the matcher folds (its spelling conventions included: "mỹ" reads "mi").
QUALIFIERS = {
    name: tuple(dict.fromkeys(strip_marks(normalize(p)) for p in phrases))
    for name, phrases in QUALIFIERS.items()
}


def _features(phrase: str) -> tuple[str, ...]:
    """Return the index features that hold a phrase: its word, or its word pairs."""
    words = phrase.split()
    if len(words) == 1:
        return (words[0],)
    return tuple(f"{a} {b}" for a, b in itertools.pairwise(words))


# Each class's phrases as the index features that hold them, worked out once.
_FEATURES = {name: tuple(map(_features, phrases)) for name, phrases in QUALIFIERS.items()}
_SCOPE_FEATURES = {name: tuple(map(_features, phrases)) for name, phrases in SCOPES.items()}
_NAMES = tuple(QUALIFIERS)


# Every phrase by its first word, with the rest of its words and its class (by number): a
# question's words are looked up one by one rather than each phrase searched for in the text.
def _by_first() -> dict[str, list[tuple[list[str], int]]]:
    by_first: dict[str, list[tuple[list[str], int]]] = {}
    for number, phrases in enumerate(QUALIFIERS.values()):
        for phrase in phrases:
            first, *rest = phrase.split()
            by_first.setdefault(first, []).append((rest, number))
    return by_first


_BY_FIRST = _by_first()


def named(folded: Sequence[str], typed: str = "") -> list[str]:
    """Return the qualifier classes a question names: in its folded words (in order, as read
    by the matcher), or as typed (a typo repair can turn "mỹ" into another word)."""
    # A phrase is named when its words follow one another in either reading ("|" parts them).
    words = [*folded, "|", *strip_marks(normalize(typed)).split()]
    found: set[int] = set()
    by_first = _BY_FIRST
    for at, word in enumerate(words):
        phrases = by_first.get(word)
        if phrases is None:
            continue
        for rest, number in phrases:
            if not rest or words[at + 1 : at + 1 + len(rest)] == rest:
                found.add(number)
    return [_NAMES[number] for number in sorted(found)]


def _holds_any(index: Index, entry: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(all(index.holds(entry, f) for f in features) for features in phrases)


def holds(index: Index, entry: int, name: str) -> bool:
    """Return whether an indexed entry's texts hold any phrase of a qualifier class."""
    return _holds_any(index, entry, _FEATURES[name])


def _concerns(index: Index, entry: int, name: str) -> bool:
    scope = _SCOPE_FEATURES.get(name)
    return scope is None or _holds_any(index, entry, scope)


def missing(index: Index, entry: int, folded: Sequence[str], typed: str = "") -> list[str]:
    """Return the qualifier classes a question names that an indexed entry does not hold
    (and that concern it)."""
    return lacked(index, entry, named(folded, typed))


def lacked(index: Index, entry: int, names: Sequence[str]) -> list[str]:
    """Return the qualifier classes of `names` (those a question names) that an indexed entry
    does not hold (and that concern it)."""
    return [n for n in names if _concerns(index, entry, n) and not holds(index, entry, n)]

"""Read a question that names a place: an old xã / phường / thị trấn, a new commune, or an old
district, with or without diacritics, with small typos.

Only a question that clearly speaks of a place is read as one, so that procedure questions
("làm cccd ở đâu") are never taken: a place word (xã, phường, thị trấn, huyện, thành phố,
thị xã) right before a known name, or a known name of two syllables or more together with a
word about the merger (cũ, giờ là, nay là, sáp nhập, trước đây, xã nào ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.catalogue.communes import Commune, Communes, District, OldUnit
from bot.catalogue.model import Procedure
from bot.matching.matcher import Match, Matcher
from bot.text import normal_words, strip_marks, word_set

TargetKind = Literal["old", "new", "district"]
PlaceKind = Literal["old", "new", "district", "ambiguous", "unknown"]

# Place words, folded, longest first: what kind of name follows them.
_MARKERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("thi", "tran"), "unit"),
    (("thanh", "pho"), "district"),
    (("thi", "xa"), "district"),
    (("xa",), "unit"),
    (("phuong",), "unit"),
    (("huyen",), "district"),
)
_MARKER_FIRST = frozenset(words[0] for words, _ in _MARKERS)
_SHORT = {"tp": ("thanh", "pho"), "tx": ("thi", "xa"), "tt": ("thi", "tran")}
# "xã hội" (society), "xa nhà" (far from home): not a place word.
_NOT_AFTER_XA = {"hoi", "nha", "xoi", "lam", "qua", "lanh", "la"}
# Words about the merger, folded, as word sequences.
_CUES: tuple[tuple[str, ...], ...] = tuple(
    tuple(c.split())
    for c in (
        "gio la",
        "nay la",
        "bay gio",
        "hien nay",
        "hien gio",
        "sap nhap",
        "sat nhap",
        "xap nhap",
        "sap xep",
        "truoc day",
        "truoc kia",
        "ngay xua",
        "xa nao",
        "phuong nao",
        "thuoc xa",
        "thuoc phuong",
        "gio thuoc",
        "nay thuoc",
        "ten moi",
        "xa moi",
        "phuong moi",
        "doi ten",
        "nhung xa",
        "cac xa",
        "gom nhung",
        "gom xa",
        "nhap vao",
        "nhap voi",
    )
)
_CUES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _cue in _CUES:
    _CUES_BY_FIRST.setdefault(_cue[0], []).append(_cue)
# A lone "cu" is "cũ" (old) unless it is "cư" of cư trú, cư dân.
_CU_NOT_BEFORE = {"tru", "dan", "ngu", "xu", "si", "ly", "tri"}
# Words that end the name the citizen typed after a place word (for an unknown name).
_STOP = word_set(
    "nao nay minh toi em anh chi noi o dau thi la co cua do gi khac moi cu hoi nha xa phuong "
    "huyen duoc khong va hay ben nhung cac gio lam nop ho so truoc thuoc tinh voi thanh pho "
    "tran ma sau khi tai vao"
)
MAX_WORDS = 4


@dataclass(frozen=True)
class Target:
    """Something a name can stand for."""

    kind: TargetKind
    key: str  # old unit key, new commune code or district name


@dataclass(frozen=True)
class Mention:
    """A known name found in the question, with the place word before it (if any)."""

    start: int
    end: int
    marker: str  # "unit", "district" or ""
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Place:
    """How the bot reads a place question."""

    kind: PlaceKind
    said: str = ""  # the name as the citizen wrote it
    old: tuple[OldUnit, ...] = ()  # the old unit, or the candidates when ambiguous
    commune: Commune | None = None  # for kind "new"
    district: District | None = None  # for kind "district"
    old_said: bool = False  # the citizen said the unit is old (cũ, trước đây ...)
    spans: tuple[tuple[int, int], ...] = ()  # the words that name places (and place words)
    words: tuple[str, ...] = ()  # the question's words as read


class PlaceIndex:
    """Every name of the communes file, with and without diacritics."""

    def __init__(self, communes: Communes) -> None:
        self.communes = communes
        self.exact: dict[str, list[Target]] = {}
        self.folded: dict[str, list[Target]] = {}
        self.old: dict[str, OldUnit] = {}
        self.new: dict[str, Commune] = {c.code: c for c in communes.communes}
        for commune in communes.communes:
            self._add(commune.name, Target("new", commune.code))
            for unit in commune.old:
                self.old.setdefault(unit.key, unit)
                for name in (unit.name, *unit.aka):
                    self._add(name, Target("old", unit.key))
        for district in communes.districts.values():
            self._add(district.name, Target("district", district.name))
        # Names by syllable count, and by syllable count and first syllable, for near misses.
        self.by_length: dict[int, list[str]] = {}
        self.by_start: dict[tuple[int, str], list[str]] = {}
        for name in self.folded:
            words = name.split()
            self.by_length.setdefault(len(words), []).append(name)
            self.by_start.setdefault((len(words), words[0]), []).append(name)

    def _add(self, name: str, target: Target) -> None:
        exact = " ".join(normal_words(name))
        for table, key in ((self.exact, exact), (self.folded, strip_marks(exact))):
            found = table.setdefault(key, [])
            if target not in found:
                found.append(target)

    def lookup(
        self, typed: list[str], folded: list[str], fuzzy: int, anchored: bool = True
    ) -> tuple[Target, ...]:
        """The targets of a span of words: exact spelling first, then folded, then a near miss
        (away from a place word, only among names whose first syllable was typed right)."""
        exact = self.exact.get(" ".join(typed))
        if exact:
            return tuple(exact)
        key = " ".join(folded)
        found = self.folded.get(key)
        if found:
            return tuple(found)
        if not fuzzy or len(folded) < 2 or len(key) < 6:
            return ()
        if anchored:
            names = self.by_length.get(len(folded), [])
        else:
            names = self.by_start.get((len(folded), folded[0]), [])
        if not names:
            return ()
        from rapidfuzz import fuzz, process  # here: not loaded before a commune is looked up

        best = process.extractOne(key, names, scorer=fuzz.ratio, score_cutoff=fuzzy)
        if best is None:
            return ()
        name = str(best[0])
        # A typo changes a letter or two, not the start of a syllable (of a short name).
        starts = sum(a[0] != b[0] for a, b in zip(name.split(), folded, strict=True))
        if starts > (1 if len(folded) > 2 else 0):
            return ()
        return tuple(self.folded[name])


def _words(text: str) -> tuple[list[str], list[str]]:
    typed: list[str] = []
    for word in normal_words(text):
        typed.extend(_SHORT.get(word, (word,)))
    return typed, [strip_marks(w) for w in typed]


def _marker_at(folded: list[str], i: int) -> tuple[str, int]:
    """The kind of place word starting at i and its length, or ('', 0)."""
    for words, kind in _MARKERS:
        if tuple(folded[i : i + len(words)]) == words:
            after = folded[i + len(words)] if i + len(words) < len(folded) else ""
            if words == ("xa",) and after in _NOT_AFTER_XA:
                return "", 0
            return kind, len(words)
    return "", 0


def cue_words(folded: list[str]) -> tuple[bool, frozenset[int]]:
    """Whether the question speaks of the merger (giờ là, sáp nhập, xã nào ...), and where it
    says "cũ" (old), which alone is weaker: "xe máy cũ" is an old motorbike."""
    strong = False
    old_at = set()
    for i, word in enumerate(folded):
        if word == "cu" and (i + 1 >= len(folded) or folded[i + 1] not in _CU_NOT_BEFORE):
            old_at.add(i)
        for cue in _CUES_BY_FIRST.get(word, ()):
            if tuple(folded[i : i + len(cue)]) == cue:
                strong = True
    return strong, frozenset(old_at)


def find_mentions(
    index: PlaceIndex, typed: list[str], folded: list[str], cue: bool
) -> list[Mention]:
    """Known names in the question, left to right: at each position the longest name spelt
    right, else the longest near miss (only after a place word, or in a question with a cue)."""
    mentions: list[Mention] = []
    i = 0
    marker, marker_start, marker_end = "", -1, -1
    while i < len(folded):
        anchored = i == marker_end
        # Right after a place word a name comes first: "xã Phương Nam" is not "xã phường Nam".
        named = anchored and _names_at(index, typed, folded, i)
        kind, length = ("", 0) if named else _marker_at(folded, i)
        if length:
            marker, marker_start, marker_end = kind, i, i + length
            i += length
            continue
        # A one-syllable name only right after a place word.
        sizes = range(min(MAX_WORDS, len(folded) - i), 0 if anchored else 1, -1)
        fuzzy = 80 if anchored else (88 if cue else 0)
        found: tuple[Target, ...] = ()
        n = 0
        for threshold in (0, fuzzy) if fuzzy else (0,):
            for n in sizes:
                found = index.lookup(typed[i : i + n], folded[i : i + n], threshold, anchored)
                if found:
                    break
            if found:
                break
        if found:
            start = marker_start if anchored else i
            mentions.append(Mention(start, i + n, marker if anchored else "", found))
            i += n
        else:
            i += 1
    return mentions


def _names_at(index: PlaceIndex, typed: list[str], folded: list[str], i: int) -> bool:
    """Whether a known name of two syllables or more starts at i (exactly, or folded)."""
    for n in range(min(MAX_WORDS, len(folded) - i), 1, -1):
        if index.lookup(typed[i : i + n], folded[i : i + n], 0):
            return True
    return False


def read_place(index: PlaceIndex, text: str) -> Place | None:
    """Read a question as a place question, or return None when it is not one."""
    typed, folded = _words(text)
    if not folded:
        return None
    strong, old_at = cue_words(folded)
    has_marker = not _MARKER_FIRST.isdisjoint(folded) and any(
        _marker_at(folded, i)[1] for i in range(len(folded))
    )
    if not (strong or old_at or has_marker):
        return None  # no place word and no word about the merger: not a place question
    found = find_mentions(index, typed, folded, strong or bool(old_at))
    # A name without a place word counts with a cue, or with "cũ" right after it (or after
    # the old district that follows it): "Thái Thọ cũ", "Thái Thọ Thái Thụy cũ".
    mentions = [
        m
        for k, m in enumerate(found)
        if m.marker
        or strong
        or m.end in old_at
        or (k + 1 < len(found) and found[k + 1].start == m.end and found[k + 1].end in old_at)
    ]
    cue = strong or any(m.end in old_at for m in mentions)
    spans = tuple((m.start, m.end) for m in mentions)
    old_said = cue or bool(old_at)
    words = tuple(typed)
    units = [m for m in mentions if m.marker != "district" and _has(m, "old", "new")]
    districts = [m for m in mentions if m.marker != "unit" and _has(m, "district")]
    primary = next((m for m in units if m.marker == "unit"), None)
    if primary is None and cue:
        primary = next((m for m in units if m.start == 0 or not _has(m, "district")), None)
        if primary is not None and _has(primary, "district") and len(units) == 1:
            primary = None  # "Khoái Châu cũ": the old district, read below
    if primary is not None:
        # Any old district named, even without a cue, tells which of several units is meant.
        context = [m for m in found if m is not primary and _has(m, "district")]
        return _unit(index, primary, context, old_said, spans, words)
    marked = next((m for m in districts if m.marker == "district"), None)
    if marked is None and cue and districts:
        marked = districts[0]
    if marked is not None:
        name = next(t.key for t in marked.targets if t.kind == "district")
        district = index.communes.districts.get(name)
        return Place("district", district=district, old_said=old_said, spans=spans, words=words)
    if strong or old_at:
        said = _unknown_name(typed, folded)
        if said:
            return Place("unknown", said=said, old_said=old_said, spans=spans, words=words)
    return None


def _has(mention: Mention, *kinds: str) -> bool:
    return any(t.kind in kinds for t in mention.targets)


def _unit(
    index: PlaceIndex,
    mention: Mention,
    context: list[Mention],
    old_said: bool,
    spans: tuple[tuple[int, int], ...],
    words: tuple[str, ...],
) -> Place:
    olds = [index.old[t.key] for t in mention.targets if t.kind == "old"]
    news = [index.new[t.key] for t in mention.targets if t.kind == "new"]
    hint = {t.key for m in context for t in m.targets if t.kind == "district"}
    narrowed = [u for u in olds if u.district in hint]
    if narrowed:
        olds = narrowed
    said = " ".join(words[mention.start : mention.end])
    base = Place("old", said=said, old_said=old_said, spans=spans, words=words)
    if news and (not olds or (not old_said and not narrowed)):
        # A new commune's name; an old unit of the same name that went into it says the same.
        commune = news[0]
        if not olds or all(commune in index.communes.successors[u.key] for u in olds):
            return Place("new", said, tuple(olds), commune, None, old_said, spans, words)
    if len(olds) == 1:
        return Place("old", said, (olds[0],), None, None, old_said, spans, words)
    if olds:
        return Place("ambiguous", said, tuple(olds), None, None, old_said, spans, words)
    return Place("new", said, (), news[0], None, old_said, spans, words) if news else base


def _unknown_name(typed: list[str], folded: list[str]) -> str:
    """The words after a place word that name nothing known (for a kind 'not found')."""
    for i in range(len(folded)):
        kind, length = _marker_at(folded, i)
        if kind != "unit":
            continue
        name: list[str] = []
        for j in range(i + length, min(i + length + 3, len(folded))):
            if folded[j] in _STOP:
                break
            name.append(typed[j])
        if name:
            return " ".join(name)
    return ""


def rest_of_question(place: Place) -> str:
    """The question without its place names and place words (what may ask for a procedure)."""
    covered = {i for start, end in place.spans for i in range(start, end)}
    return " ".join(w for i, w in enumerate(place.words) if i not in covered)


def successors(communes: Communes, unit: OldUnit) -> tuple[Commune, ...]:
    """The new communes that took an old unit (two when it was split)."""
    return communes.successors.get(unit.key, ())


@dataclass(frozen=True)
class Routed:
    """A place question, and the procedure asked about in the same breath, if any."""

    place: Place
    procedure: Match | None = None


def route(index: PlaceIndex, matcher: Matcher, text: str) -> Routed | None:
    """Read a question that names a place; None leaves it to the procedure matcher.

    "Tôi ở xã Dân Tiến cũ, làm khai sinh ở đâu" names a place and asks for a procedure: the
    rest of the question is matched, and a confident answer on a curated procedure wins (its
    card then names the citizen's commune).
    """
    place = read_place(index, text)
    if place is None:
        return None
    if place.kind in ("old", "new"):
        rest = rest_of_question(place)
        if len(rest.split()) >= 2:
            match = matcher.match(rest, top=3)
            top = match.candidates[0] if match.candidates else None
            if (
                match.decision == "answer"
                and top is not None
                and top.tier == "catalogue"
                and isinstance(matcher.catalogue.get(top.id), Procedure)
            ):
                return Routed(place, match)
    return Routed(place)

"""The weekly report as a work list: what to fix, grouped by meaning, with a suggested fix.

Unanswered questions are grouped by meaning: the same words once folded (no marks, no filler
words such as "cần gì", "ở đâu"), and the same closest procedure when the current catalogue has
one near enough. Chit-chat and insults are set apart: they call for no catalogue change. Each
group carries a suggestion a reviewer can act on: an alias for the entry it nearly matched, or
a procedure the catalogue does not have yet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.catalogue.model import Catalogue, Procedure
from bot.matching.aspects import is_small_talk
from bot.matching.matcher import Matcher
from bot.report import messages as rm
from bot.text import fold

CLOSE = 0.3  # a catalogue entry this close is the group's "closest procedure"
MERGE = 0.6  # word overlap above which two wordings without a close entry are one group
FEE_WARNING_DAYS = 30
STALE_DAYS = 180
# Words that say how a citizen asks, not what about; dropped before grouping and from aliases.
_FILLER_TEXT = (
    "thu tuc lam the nao sao can gi giay to o dau nop bao nhieu tien lau mat het "
    "khong ko k duoc dc co cho toi minh em anh chi ban oi a ad admin nhe nha voi xin hoi "
    "cach phai nhung nao gium giup the thi la va cua ve mot nhu vay ah u uh"
)
FILLER = frozenset(_FILLER_TEXT.split())
# Folded words and phrases of abuse: such a message is no gap in the catalogue. (Single words
# only where they cannot be an ordinary word without marks: "ngu" is also "ngủ", to sleep.)
INSULT_WORDS = frozenset(("vcl", "vkl", "vl", "dm", "dmm", "dcm", "dit", "clgt"))
INSULT_PHRASES = ("vo dung", "do ngu", "bot ngu", "ngu the", "ngu vay", "ngu qua", "ngu nhu",
                  "vo tich su", "do lua dao", "do rac", "cut di")  # fmt: skip


@dataclass(frozen=True)
class Group:
    """Questions of one meaning: how often, in which words, the closest entry, the fix."""

    text: str
    count: int
    wordings: tuple[tuple[str, int], ...]
    closest: str | None
    score: float
    suggestion: str


@dataclass(frozen=True)
class Waiting:
    """An open hand-off: how long it has waited and the card it was about."""

    number: int
    question: str
    waited: dt.timedelta
    entry_id: str | None
    card_question: str


@dataclass(frozen=True)
class FeeDue:
    """A fee whose `fee_until` passes within 30 days, or has passed."""

    entry_id: str
    name: str
    until: dt.date
    days: int  # negative: passed that many days ago
    where: str  # file:line


@dataclass(frozen=True)
class ToConfirm:
    """A fact still to confirm (a `confirm` line), or an entry not verified for long."""

    entry_id: str
    name: str
    text: str
    where: str


def content_words(text: str) -> list[str]:
    """The folded words of a question that say what it is about."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return [w for w in words if w not in FILLER] or words


def alias_words(text: str) -> str:
    """The words of a question as the citizen typed them, less how-to-ask words: an alias."""
    words = re.findall(r"\w+", text.casefold())
    kept = [w for w in words if not set(re.findall(r"[a-z0-9]+", fold(w))) <= FILLER]
    return " ".join(kept or words)


def is_insult(text: str) -> bool:
    """Whether a message is abuse rather than a question."""
    folded = " ".join(re.findall(r"[a-z0-9]+", fold(text)))
    padded = f" {folded} "
    return bool(set(folded.split()) & INSULT_WORDS) or any(
        f" {p} " in padded for p in INSULT_PHRASES
    )


def split_offtopic(texts: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """(real questions, chit-chat, insults), each in the order given."""
    real: list[str] = []
    chat: list[str] = []
    insults: list[str] = []
    for text in texts:
        if is_insult(text):
            insults.append(text)
        elif is_small_talk(text):
            chat.append(text)
        else:
            real.append(text)
    return real, chat, insults


def _closest(matcher: Matcher | None, text: str) -> tuple[str | None, float]:
    if matcher is None:
        return None, 0.0
    match = matcher.match(text, top=3)
    for candidate in match.candidates:
        if candidate.tier == "catalogue":
            return (candidate.id, candidate.score) if candidate.score >= CLOSE else (None, 0.0)
    return None, 0.0


def _overlap(one: set[str], other: set[str]) -> float:
    return len(one & other) / len(one | other) if one | other else 0.0


def group_questions(
    texts: Iterable[str],
    matcher: Matcher | None,
    mode: str = "gap",
    shown: Mapping[str, str | None] | None = None,
) -> list[Group]:
    """Group questions by meaning, most asked first, each with its suggested fix.

    `mode` says what happened to them: "gap" (declined), "not-these" (the citizen turned the
    suggestions down) or "clarified" (the bot asked to choose; `shown` maps each text to the
    first entry it offered).
    """
    by_words: dict[str, Counter[str]] = {}
    for text in texts:
        key = " ".join(content_words(text))
        by_words.setdefault(key, Counter())[text.strip()] += 1
    # Each folded wording once: its closest entry, then merge by entry or by shared words.
    buckets: list[tuple[str | None, float, set[str], Counter[str]]] = []
    ranked = sorted(by_words.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    for key, wordings in ranked:
        said = wordings.most_common(1)[0][0]
        closest, score = _closest(matcher, said)
        if closest is None and shown:
            closest = shown.get(said)
        words = set(key.split())
        for i, (other, other_score, other_words, other_wordings) in enumerate(buckets):
            same_entry = closest is not None and closest == other
            alike = closest == other and _overlap(words, other_words) >= MERGE
            if same_entry or alike:
                other_wordings.update(wordings)
                buckets[i] = (other, max(score, other_score), other_words | words, other_wordings)
                break
        else:
            buckets.append((closest, score, words, Counter(wordings)))
    groups = [_group(entry, score, said, mode) for entry, score, _, said in buckets]
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups


def _group(closest: str | None, score: float, wordings: Counter[str], mode: str) -> Group:
    top = wordings.most_common()
    text = top[0][0]
    alias = alias_words(text)
    if mode == "not-these":
        # The citizen turned the closest entries down: the catalogue lacks what they meant.
        suggestion = rm.SUGGEST_NOT_THESE.format(text=text)
    elif mode == "clarified" and closest is not None:
        suggestion = rm.SUGGEST_CLARIFY.format(alias=alias, id=closest)
    elif mode == "clarified":
        suggestion = rm.SUGGEST_VAGUE.format(text=text)
    elif closest is not None:
        suggestion = rm.SUGGEST_ALIAS.format(alias=alias, id=closest)
    else:
        suggestion = rm.SUGGEST_MISSING.format(text=text)
    return Group(text, sum(wordings.values()), tuple(top), closest, score, suggestion)


def waiting(
    rows: Iterable[tuple[int, str, str, str | None, str | None]], now: dt.datetime
) -> list[Waiting]:
    """Open hand-offs (number, at, question, entry id, card question), longest waiting first."""
    found = [
        Waiting(number, question, now - dt.datetime.fromisoformat(at), entry, card or "")
        for number, at, question, entry, card in rows
    ]
    return sorted(found, key=lambda w: (-w.waited, w.number))


def waited_text(waited: dt.timedelta) -> str:
    """'2 ngày 3 giờ' or '5 giờ 12 phút'."""
    hours, rest = divmod(int(waited.total_seconds()), 3600)
    if hours >= 24:
        return rm.WAITED_DAYS.format(days=hours // 24, hours=hours % 24)
    return rm.WAITED_HOURS.format(hours=hours, minutes=rest // 60)


def _where(source: str, lines: Mapping[tuple[str, ...], int], *key: str) -> str:
    line = lines.get(tuple(key)) or lines.get(tuple(key[:1]))
    return f"{source}:{line}" if line else source


def fees_due(
    catalogue: Catalogue, today: dt.date, lines: Mapping[tuple[str, ...], int]
) -> list[FeeDue]:
    """Fees whose `fee_until` is within FEE_WARNING_DAYS of `today` or already past."""
    found = []
    for entry in catalogue.procedures.values():
        until = entry.fee_until
        if until is not None and (until - today).days <= FEE_WARNING_DAYS:
            where = _where(catalogue.source, lines, entry.id, "fee_until")
            found.append(FeeDue(entry.id, entry.name, until, (until - today).days, where))
    return sorted(found, key=lambda f: (f.until, f.entry_id))


def to_confirm(catalogue: Catalogue, lines: Mapping[tuple[str, ...], int]) -> list[ToConfirm]:
    """Every `confirm` line of every procedure, with file:line."""
    found = []
    for entry in catalogue.procedures.values():
        if not isinstance(entry, Procedure):
            continue
        for i, text in enumerate(entry.confirm):
            where = _where(catalogue.source, lines, entry.id, "confirm", str(i))
            found.append(ToConfirm(entry.id, entry.name, text, where))
    return found


def stale(
    catalogue: Catalogue, today: dt.date, lines: Mapping[tuple[str, ...], int]
) -> list[ToConfirm]:
    """Entries not verified for more than STALE_DAYS, oldest first, with file:line."""
    found = []
    # Entries never compared with their sources (no `verified`) are left to the checker and
    # the card, which say so for each of them.
    old = [
        (verified, e)
        for e in catalogue.entries.values()
        if (verified := e.verified) is not None and (today - verified).days > STALE_DAYS
    ]
    for verified, e in sorted(old, key=lambda pair: (pair[0], pair[1].id)):
        where = _where(catalogue.source, lines, e.id, "verified")
        text = rm.STALE_LINE.format(
            where=where,
            name=e.name,
            id=e.id,
            date=verified.strftime("%d/%m/%Y"),
            days=(today - verified).days,
        )
        found.append(ToConfirm(e.id, e.name, text, where))
    return found


@dataclass(frozen=True)
class WorkList:
    """Everything in the report a reviewer acts on."""

    gaps: tuple[Group, ...] = ()
    not_these: tuple[Group, ...] = ()
    clarified: tuple[Group, ...] = ()
    chitchat: tuple[tuple[str, int], ...] = ()
    insults: tuple[tuple[str, int], ...] = ()
    handoffs: tuple[Waiting, ...] = ()
    fees: tuple[FeeDue, ...] = ()
    confirms: tuple[ToConfirm, ...] = ()
    stale: tuple[ToConfirm, ...] = ()

    @property
    def gap_questions(self) -> int:
        """How many unanswered questions the gap groups hold."""
        return sum(g.count for g in self.gaps)


def _counted(texts: Iterable[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(t.strip() for t in texts)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def build_worklist(
    unanswered: Iterable[tuple[str, str]],
    clarified: Iterable[tuple[str, str | None]],
    open_handoffs: Iterable[tuple[int, str, str, str | None, str | None]],
    catalogue: Catalogue | None,
    matcher: Matcher | None,
    now: dt.datetime,
    today: dt.date,
    lines: Mapping[tuple[str, ...], int],
) -> WorkList:
    """Turn the week's rows and the catalogue into the work list."""
    asked = [(text.strip(), entry) for text, entry in clarified]
    declined = [text for text, reason in unanswered if reason != "none-of-these"]
    not_these = [text for text, reason in unanswered if reason == "none-of-these"]
    real, chat, insults = split_offtopic(declined)
    return WorkList(
        gaps=tuple(group_questions(real, matcher)),
        not_these=tuple(group_questions(not_these, matcher, "not-these")),
        clarified=tuple(group_questions((t for t, _ in asked), matcher, "clarified", dict(asked))),
        chitchat=_counted(chat),
        insults=_counted(insults),
        handoffs=tuple(waiting(open_handoffs, now)),
        fees=tuple(fees_due(catalogue, today, lines)) if catalogue else (),
        confirms=tuple(to_confirm(catalogue, lines)) if catalogue else (),
        stale=tuple(stale(catalogue, today, lines)) if catalogue else (),
    )

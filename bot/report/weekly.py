"""The weekly report: what citizens asked, what the bot could not answer, how they rated it.

Figures come from the raw tables while they are kept; once retention has deleted a week's raw
rows, its figures come from `weekly_aggregates` (numbers and entry ids only, never citizen text).
Rendering (text, markdown, csv, html, the Telegram summary) lives in `bot.report.render`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from bot.catalogue.lines import entry_lines
from bot.catalogue.model import Catalogue
from bot.matching.matcher import Matcher
from bot.report.weeks import Week, iso_utc
from bot.report.worklist import WorkList, build_worklist
from bot.storage import report_queries as queries
from bot.storage.database import Database
from bot.text import fold

log = logging.getLogger(__name__)

STALE_DAYS = 180
TOP_ASKED = 10
TREND_WEEKS = 8
COMMENTS_PER_ENTRY = 8


@dataclass(frozen=True)
class Volume:
    """The week's figures."""

    conversations: int = 0
    questions: int = 0
    answered: int = 0
    clarified: int = 0
    declined: int = 0
    unanswered: int = 0
    ratings_up: int = 0
    ratings_down: int = 0
    saved_trips: int = 0
    handoffs: int = 0
    handoffs_answered: int = 0

    @property
    def satisfaction(self) -> float | None:
        """Share of 👍 among ratings, or None without ratings."""
        total = self.ratings_up + self.ratings_down
        return self.ratings_up / total if total else None


VOLUME_FIELDS = tuple(f.name for f in fields(Volume))


@dataclass(frozen=True)
class Asked:
    """A procedure and how often the bot answered a question with it."""

    entry_id: str
    name: str
    count: int


@dataclass(frozen=True)
class Unanswered:
    """Questions the bot could not answer, grouped when they read the same once folded."""

    text: str
    count: int


@dataclass(frozen=True)
class Rated:
    """One 👎 with its reason, the question that led there and the comment."""

    reason: str
    question: str
    comment: str


@dataclass(frozen=True)
class Satisfaction:
    """Ratings of one procedure or guide."""

    entry_id: str
    name: str
    up: int
    down: int
    saved_trips: int
    reasons: tuple[tuple[str, int], ...] = ()
    details: tuple[Rated, ...] = ()

    @property
    def rate(self) -> float | None:
        """Share of 👍, or None without ratings."""
        return self.up / (self.up + self.down) if self.up + self.down else None


@dataclass(frozen=True)
class Stale:
    """A catalogue entry not checked for a long time."""

    entry_id: str
    name: str
    verified: dt.date
    days: int


@dataclass(frozen=True)
class Trust:
    """How much of the catalogue rests on checked facts: never compared, facts to confirm."""

    procedures: int
    unverified: int
    to_confirm: int
    with_confirm: int


@dataclass(frozen=True)
class WeeklyReport:
    """Everything the weekly review shows."""

    week: Week
    volume: Volume
    previous: Volume | None
    daily: tuple[int, ...]
    asked: tuple[Asked, ...]
    unanswered: tuple[Unanswered, ...]
    satisfaction: tuple[Satisfaction, ...]
    stale: tuple[Stale, ...]
    from_aggregate: bool = False
    work: WorkList = field(default_factory=WorkList)
    # The last TREND_WEEKS weeks, oldest first, ending with this one: (label, figures).
    trend: tuple[tuple[str, Volume], ...] = ()
    # Set when the week is not over yet: the figures run up to this moment.
    partial_until: dt.datetime | None = None
    trust: Trust | None = None


# --- figures from the raw tables ------------------------------------------------------------


async def volume(db: Database, start: dt.datetime, end: dt.datetime) -> Volume:
    """Figures for questions, ratings and hand-offs between two moments."""
    found = await queries.counts(db, iso_utc(start), iso_utc(end))
    return Volume(**found._asdict())


async def _daily(db: Database, week: Week) -> tuple[int, ...]:
    offset = int((week.tz.utcoffset(week.start()) or dt.timedelta()).total_seconds() // 60)
    span = (iso_utc(week.start()), iso_utc(week.end()))
    counts = await queries.questions_per_day(db, *span, offset)
    days = (week.monday + dt.timedelta(days=i) for i in range(7))
    return tuple(counts.get(day.isoformat(), 0) for day in days)


async def _asked(db: Database, week: Week) -> list[tuple[str, int]]:
    span = (iso_utc(week.start()), iso_utc(week.end()))
    return await queries.most_answered(db, *span, TOP_ASKED)


async def _unanswered(db: Database, week: Week) -> list[Unanswered]:
    span = (iso_utc(week.start()), iso_utc(week.end()))
    groups: dict[str, Counter[str]] = {}
    for text, normalized in await queries.unanswered_texts(db, *span):
        key = fold(normalized or text)
        groups.setdefault(key, Counter())[text.strip()] += 1
    found = [
        Unanswered(texts.most_common(1)[0][0], sum(texts.values())) for texts in groups.values()
    ]
    found.sort(key=lambda u: (-u.count, fold(u.text)))
    return found


async def _ratings(db: Database, week: Week) -> list[dict[str, Any]]:
    span = (iso_utc(week.start()), iso_utc(week.end()))
    by_entry: dict[str, dict[str, Any]] = {}
    for entry_id, rating, reason, comment, saved_trip, question in await queries.ratings(
        db, *span
    ):
        item = by_entry.setdefault(
            entry_id or "", {"up": 0, "down": 0, "saved": 0, "reasons": Counter(), "details": []}
        )
        if rating > 0:
            item["up"] += 1
            item["saved"] += saved_trip == 1
            continue
        item["down"] += 1
        item["reasons"][reason or "none"] += 1
        if comment or question:
            item["details"].append(Rated(reason or "", question or "", comment or ""))
    return [{"entry_id": key, **value} for key, value in by_entry.items()]


def _satisfaction(items: list[dict[str, Any]], catalogue: Catalogue | None) -> list[Satisfaction]:
    found = [
        Satisfaction(
            entry_id=item["entry_id"],
            name=entry_name(catalogue, item["entry_id"]),
            up=item["up"],
            down=item["down"],
            saved_trips=item["saved"],
            reasons=tuple(sorted(dict(item["reasons"]).items(), key=lambda kv: (-kv[1], kv[0]))),
            details=tuple(item.get("details", ()))[:COMMENTS_PER_ENTRY],
        )
        for item in items
    ]
    found.sort(key=lambda s: (-s.down, -(s.up + s.down), s.entry_id))
    return found


def entry_name(catalogue: Catalogue | None, entry_id: str) -> str:
    """The name of a catalogue entry, or its id when it is not (or no longer) there."""
    entry = catalogue.get(entry_id) if catalogue else None
    return entry.name if entry else entry_id or "—"


def catalogue_trust(catalogue: Catalogue | None) -> Trust | None:
    """Count procedures never compared with their sources and the facts cards ask to confirm."""
    if catalogue is None:
        return None
    procedures = list(catalogue.procedures.values())
    return Trust(
        procedures=len(procedures),
        unverified=sum(1 for p in procedures if p.verified is None),
        to_confirm=sum(len(p.confirm) for p in procedures),
        with_confirm=sum(1 for p in procedures if p.confirm),
    )


def stale_entries(catalogue: Catalogue | None, today: dt.date) -> list[Stale]:
    """Entries whose `verified` date is more than STALE_DAYS before `today`, oldest first."""
    if catalogue is None:
        return []
    # Entries never compared with their sources (no `verified`) are not listed here: the
    # checker and the card already say so for each of them.
    found = [
        Stale(e.id, e.name, e.verified, (today - e.verified).days)
        for e in catalogue.entries.values()
        if e.verified is not None and (today - e.verified).days > STALE_DAYS
    ]
    return sorted(found, key=lambda s: (s.verified, s.entry_id))


# --- aggregates kept after retention ---------------------------------------------------------


async def aggregate(db: Database, week: Week) -> dict[str, Any]:
    """The week's figures as stored in weekly_aggregates: numbers and entry ids only."""
    figures = await volume(db, week.start(), week.end())
    ratings = await _ratings(db, week)
    return {
        "week": week.label,
        "volume": asdict(figures),
        "daily": list(await _daily(db, week)),
        "asked": [list(pair) for pair in await _asked(db, week)],
        "ratings": [
            {
                "entry_id": r["entry_id"],
                "up": r["up"],
                "down": r["down"],
                "saved": r["saved"],
                "reasons": dict(r["reasons"]),
            }
            for r in ratings
        ],
    }


async def store_aggregate(db: Database, week: Week, replace: bool = True) -> dict[str, Any]:
    """Compute the week's aggregate and keep it (only if missing unless `replace`)."""
    data = await aggregate(db, week)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    await queries.save_aggregate(db, week.label, text, replace=replace)
    return data


async def stored_aggregate(db: Database, week: Week) -> dict[str, Any] | None:
    """The aggregate kept for a week, if any."""
    text = await queries.load_aggregate(db, week.label)
    if text is None:
        return None
    data: dict[str, Any] = json.loads(text)
    return data


def _volume_from(data: dict[str, Any]) -> Volume:
    raw = data.get("volume", {})
    return Volume(**{k: int(raw.get(k, 0)) for k in VOLUME_FIELDS})


# --- the report --------------------------------------------------------------------------------


async def _week_volume(db: Database, week: Week, cutoff: dt.datetime) -> tuple[Volume, bool]:
    """A week's figures: from the aggregate once retention may have deleted its raw rows."""
    if week.start() < cutoff:
        kept = await stored_aggregate(db, week)
        if kept is not None:
            return _volume_from(kept), True
    return await volume(db, week.start(), week.end()), False


async def build_report(
    db: Database,
    week: Week,
    catalogue: Catalogue | None,
    retention_days: int = 180,
    now: dt.datetime | None = None,
    matcher: Matcher | None = None,
) -> WeeklyReport:
    """Assemble the report of one week: figures, an 8-week trend and the work list.

    `matcher` (the catalogue's, when the bot runs) finds the closest procedure of each
    unanswered question; without it the questions are grouped by their words only.
    """
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=retention_days)
    figures, from_aggregate = await _week_volume(db, week, cutoff)
    previous, _ = await _week_volume(db, week.previous(), cutoff)
    today = min(week.sunday, now.astimezone(week.tz).date())
    stale = tuple(stale_entries(catalogue, today))
    weeks = [week]
    while len(weeks) < TREND_WEEKS:
        weeks.insert(0, weeks[0].previous())
    trend = tuple([(w.label, (await _week_volume(db, w, cutoff))[0]) for w in weeks[:-2]])
    trend += ((week.previous().label, previous), (week.label, figures))
    partial = now if now < week.end() else None
    lines = entry_lines(catalogue.source) if catalogue and catalogue.source else {}
    start, end = iso_utc(week.start()), iso_utc(week.end())
    work = build_worklist(
        [] if from_aggregate else await queries.unanswered_with_reason(db, start, end),
        [] if from_aggregate else await queries.clarified_questions(db, start, end),
        await queries.open_handoffs(db, iso_utc(min(now, week.end()))),
        catalogue,
        matcher,
        now,
        now.astimezone(week.tz).date(),
        lines,
    )
    common = {
        "trend": trend,
        "partial_until": partial,
        "work": work,
        "stale": stale,
        "trust": catalogue_trust(catalogue),
    }
    if from_aggregate:
        kept = await stored_aggregate(db, week) or {}
        ratings = [
            {**r, "reasons": Counter(r.get("reasons", {})), "details": []}
            for r in kept.get("ratings", [])
        ]
        return WeeklyReport(
            week=week,
            volume=figures,
            previous=previous,
            daily=tuple(kept.get("daily", [0] * 7)),
            asked=tuple(
                Asked(i, entry_name(catalogue, i), int(n)) for i, n in kept.get("asked", [])
            ),
            unanswered=(),
            satisfaction=tuple(_satisfaction(ratings, catalogue)),
            from_aggregate=True,
            **common,  # type: ignore[arg-type]
        )
    return WeeklyReport(
        week=week,
        volume=figures,
        previous=previous,
        daily=await _daily(db, week),
        asked=tuple(Asked(i, entry_name(catalogue, i), n) for i, n in await _asked(db, week)),
        unanswered=tuple(await _unanswered(db, week)),
        satisfaction=tuple(_satisfaction(await _ratings(db, week), catalogue)),
        **common,  # type: ignore[arg-type]
    )

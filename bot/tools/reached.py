"""`python -m bot cau-hoi ID`: which questions reached an entry lately, and which of them would
no longer reach it with the catalogue as it is now (after an alias was changed or removed).

Each question logged in the last days (already redacted) is matched again against the current
catalogue, or a draft given with `--catalogue`: a question "reaches" an entry when the bot
answered with its card or offered it among the choices.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections import Counter
from typing import TextIO

from bot import messages as m
from bot.catalogue.loader import load
from bot.catalogue.model import CatalogueError
from bot.matching.matcher import Match, Matcher
from bot.report.weeks import iso_utc
from bot.settings import Settings
from bot.storage.database import database_file, open_database
from bot.storage.questions import questions_between


def reaches(match: Match, entry_id: str) -> bool:
    """Whether a reading of a question shows the entry: its card, or a choice among a few."""
    ids = [c.id for c in match.candidates]
    if match.decision == "answer":
        return ids[:1] == [entry_id]
    return match.decision == "clarify" and entry_id in ids


def _lines(counts: Counter[str], note: dict[str, str] | None = None) -> list[str]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        f"  {n:>3} × “{text}”" + (f"  → {note[text]}" if note and note.get(text) else "")
        for text, n in ranked
    ] or [f"  {m.REACHED_NONE}"]


async def report(
    settings: Settings, entry_id: str, days: int, out: TextIO, now: dt.datetime | None = None
) -> int:
    """Print the questions that reached `entry_id` in the last `days`, and those lost since."""
    try:
        catalogue = load(settings.catalogue)
    except CatalogueError as exc:
        print(m.CATALOGUE_BROKEN.format(path=settings.catalogue), file=out)
        for problem in exc.problems:
            print(f"  {problem}", file=out)
        return 1
    if catalogue.get(entry_id) is None:
        print(m.PREVIEW_UNKNOWN.format(id=entry_id, path=settings.catalogue), file=out)
        return 1
    file = database_file(settings.database)
    if file is not None and not file.is_file():
        print(m.REACHED_NO_DATABASE.format(path=settings.database), file=out)
        return 1
    now = now or dt.datetime.now(dt.UTC)
    db = await open_database(settings.database)
    try:
        rows = await questions_between(db, iso_utc(now - dt.timedelta(days=days)), iso_utc(now))
    finally:
        await db.close()
    matcher = Matcher(catalogue)
    before: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    gained: Counter[str] = Counter()
    where_now: dict[str, str] = {}
    for text, decision, shown in rows:
        then = shown == entry_id and decision in ("answer", "clarify")
        match = matcher.match(text, top=3)
        now_reaches = reaches(match, entry_id)
        if then:
            before[text] += 1
        if then and not now_reaches:
            lost[text] += 1
            first = match.candidates[0].id if match.candidates else ""
            decided = m.MATCH_DECISIONS.get(match.decision, match.decision)
            where_now[text] = f"{decided} {first}".strip()
        elif now_reaches and not then:
            gained[text] += 1
    print(m.REACHED_HEAD.format(id=entry_id, days=days, count=sum(before.values())), file=out)
    print("\n".join(_lines(before)), file=out)
    print("\n" + m.REACHED_LOST.format(id=entry_id, count=sum(lost.values())), file=out)
    print("\n".join(_lines(lost, where_now)), file=out)
    print("\n" + m.REACHED_GAINED.format(id=entry_id, count=sum(gained.values())), file=out)
    print("\n".join(_lines(gained)), file=out)
    return 0


def run(settings: Settings, entry_id: str, days: int, out: TextIO | None = None) -> int:
    """Entry point of `cau-hoi`."""
    return asyncio.run(report(settings, entry_id, days, out or sys.stdout))

"""Time for people: ISO weeks in the bot's local time zone, and the next run of a schedule.

Stored timestamps are UTC; weeks, days and opening hours are local (Asia/Ho_Chi_Minh by default).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def local_zone(name: str) -> dt.tzinfo:
    """The named time zone; Vietnam's fixed UTC+7 when the system has no tz database."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("time zone %r not found; using UTC+7", name)
        return VIETNAM


def iso_utc(moment: dt.datetime) -> str:
    """A moment in the form the tables store (UTC, ISO 8601, seconds)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday to Sunday, in the bot's local time zone."""

    year: int
    number: int
    tz: dt.tzinfo = field(default=VIETNAM, compare=False)

    @classmethod
    def parse(cls, text: str, tz: dt.tzinfo = VIETNAM) -> Week:
        """Read `YYYY-Www` (e.g. 2026-W47); raise ValueError if it is not a real week."""
        found = _WEEK.match(text.strip())
        if not found:
            raise ValueError(text)
        year, number = int(found.group(1)), int(found.group(2))
        dt.date.fromisocalendar(year, number, 1)  # raises ValueError for week 53 of most years
        return cls(year, number, tz)

    @classmethod
    def containing(cls, day: dt.date, tz: dt.tzinfo = VIETNAM) -> Week:
        """The week a local date falls in."""
        year, number, _ = day.isocalendar()
        return cls(year, number, tz)

    @classmethod
    def last_complete(cls, now: dt.datetime, tz: dt.tzinfo = VIETNAM) -> Week:
        """The last ISO week that has fully ended at `now` (local time)."""
        return cls.containing(now.astimezone(tz).date(), tz).previous()

    @property
    def label(self) -> str:
        """The week as `YYYY-Www`."""
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> dt.date:
        """The first day of the week."""
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> dt.date:
        """The last day of the week."""
        return self.monday + dt.timedelta(days=6)

    def start(self) -> dt.datetime:
        """Monday 00:00 local time."""
        return dt.datetime.combine(self.monday, dt.time(), self.tz)

    def end(self) -> dt.datetime:
        """The next Monday 00:00 local time (exclusive)."""
        return dt.datetime.combine(self.monday + dt.timedelta(days=7), dt.time(), self.tz)

    def previous(self) -> Week:
        """The week before."""
        return Week.containing(self.monday - dt.timedelta(days=7), self.tz)


def next_run(now: dt.datetime, at: dt.time, weekday: int | None = None) -> dt.datetime:
    """The next moment strictly after `now` at local time `at` (on `weekday`, if given)."""
    candidate = dt.datetime.combine(now.date(), at, now.tzinfo)
    while candidate <= now or (weekday is not None and candidate.weekday() != weekday):
        candidate = dt.datetime.combine(candidate.date() + dt.timedelta(days=1), at, now.tzinfo)
    return candidate

"""Staff commands (/baocao, /reload, /thongke) and the scheduled jobs: the weekly report to
the staff chat every Monday at 08:00 local time, and the daily retention run.

Staff commands are registered with `staff=True`: to anyone not in BOT_STAFF_IDS they do not
exist (the bot answers as for an unknown command).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot import messages as m
from bot.catalogue.model import Catalogue
from bot.core.assistant import Assistant, Turn
from bot.core.replies import Reply, Sender, esc
from bot.features.retention import purge
from bot.report.render import telegram_summary
from bot.report.weekly import Volume, build_report, store_aggregate, volume
from bot.report.weeks import Week, local_zone, next_run
from bot.settings import Settings
from bot.storage.database import Database

log = logging.getLogger(__name__)

REPORT_DAY = 0  # Monday
REPORT_TIME = dt.time(8, 0)
RETENTION_TIME = dt.time(3, 0)
# Long sleeps are taken in slices, so that a suspended machine or a clock change is noticed.
MAX_SLEEP = 3600.0


async def weekly_summary(
    db: Database, catalogue: Catalogue, settings: Settings, week: Week | None = None
) -> str:
    """The Telegram summary of a week's report (by default the last complete week)."""
    tz = local_zone(settings.timezone)
    week = week or Week.last_complete(dt.datetime.now(tz), tz)
    report = await build_report(db, week, catalogue, settings.retention_days)
    return telegram_summary(report)


# --- commands --------------------------------------------------------------------------------


async def report_command(turn: Turn) -> list[Reply]:
    """/baocao [YYYY-Www]: the weekly report summary, at any time."""
    tz = local_zone(turn.settings.timezone)
    week = None
    if turn.args:
        try:
            week = Week.parse(turn.args[0], tz)
        except ValueError:
            return [Reply(m.REPORT_BAD_WEEK.format(week=esc(turn.args[0])))]
    return [Reply(await weekly_summary(turn.db, turn.catalogue, turn.settings, week))]


async def reload_command(turn: Turn) -> list[Reply]:
    """/reload: re-read the catalogue now and say what happened."""
    source: Any = turn.assistant.source
    try:
        if hasattr(source, "reload_async"):
            outcome = await source.reload_async(force=True)
        elif hasattr(source, "reload"):
            outcome = source.reload(force=True)
            if inspect.isawaitable(outcome):
                outcome = await outcome
        else:
            return [Reply(m.STAFF_RELOAD_FAILED.format(error=m.STAFF_RELOAD_STATIC))]
    except Exception as exc:  # the holder keeps the old catalogue; staff should know why
        log.exception("reload from /reload failed")
        return [Reply(m.STAFF_RELOAD_FAILED.format(error=esc(str(exc))))]
    return [Reply(str(outcome.staff_message()))]


def _block(title: str, figures: Volume) -> str:
    return m.STATS_BLOCK.format(title=title, **_figures(figures))


def _figures(figures: Volume) -> dict[str, int]:
    return {
        "conversations": figures.conversations,
        "questions": figures.questions,
        "answered": figures.answered,
        "clarified": figures.clarified,
        "declined": figures.declined,
        "up": figures.ratings_up,
        "down": figures.ratings_down,
        "handoffs": figures.handoffs,
        "handoffs_answered": figures.handoffs_answered,
    }


async def stats_command(turn: Turn) -> list[Reply]:
    """/thongke: live figures for today and for this week so far."""
    tz = local_zone(turn.settings.timezone)
    now = dt.datetime.now(tz)
    midnight = dt.datetime.combine(now.date(), dt.time(), tz)
    monday = midnight - dt.timedelta(days=now.weekday())
    end = now + dt.timedelta(seconds=1)
    today = await volume(turn.db, midnight, end)
    week = await volume(turn.db, monday, end)
    text = "\n\n".join(
        [
            m.STATS_TITLE.format(now=now.strftime("%H:%M %d/%m/%Y")),
            _block(m.STATS_TODAY, today),
            _block(m.STATS_WEEK, week),
        ]
    )
    return [Reply(text)]


# --- scheduled jobs --------------------------------------------------------------------------


async def sleep_until(moment: dt.datetime) -> None:
    """Sleep until a moment, in slices, checking the clock after each."""
    while True:
        remaining = (moment - dt.datetime.now(moment.tzinfo)).total_seconds()
        if remaining <= 0:
            return
        await asyncio.sleep(min(remaining, MAX_SLEEP))


async def repeat(
    job: Callable[[], Awaitable[None]], at: dt.time, tz: dt.tzinfo, weekday: int | None = None
) -> None:
    """Run a job at a local time every day (or every `weekday`), forever; failures are logged."""
    while True:
        await sleep_until(next_run(dt.datetime.now(tz), at, weekday))
        try:
            await job()
        except Exception:
            log.exception("scheduled job %s failed", getattr(job, "__name__", job))


class Scheduler:
    """The weekly report and the daily retention run, started once a front end can send."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.tasks: list[asyncio.Task[None]] = []

    async def weekly_report(self, sender: Sender) -> None:
        """Store last week's aggregate and post its summary to the staff chat."""
        settings = self.assistant.settings
        tz = local_zone(settings.timezone)
        week = Week.last_complete(dt.datetime.now(tz), tz)
        await store_aggregate(self.assistant.db, week, replace=False)
        if settings.staff_chat is None:
            return
        catalogue = self.assistant.source.current.catalogue
        text = await weekly_summary(self.assistant.db, catalogue, settings, week)
        await sender(Reply(f"{m.REPORT_WEEKLY_HEAD}\n{text}", chat=settings.staff_chat))

    async def retention(self) -> None:
        """Delete raw data past the retention time (aggregates are kept)."""
        settings = self.assistant.settings
        await purge(self.assistant.db, settings.retention_days, tz=local_zone(settings.timezone))

    async def start(self, sender: Sender) -> None:
        """Start both jobs (an `Assistant.startup_hooks` entry); retention also runs at once."""
        settings = self.assistant.settings
        tz = local_zone(settings.timezone)
        if settings.salt == Settings().salt:
            # With the public default, anyone holding the database can hash every possible
            # Telegram id and find whose rows are whose.
            log.warning("BOT_SALT is the default; set it to a long random secret")

        async def report() -> None:
            await self.weekly_report(sender)

        try:
            await self.retention()
        except Exception:
            log.exception("retention at start-up failed")
        self.tasks.append(asyncio.create_task(repeat(report, REPORT_TIME, tz, REPORT_DAY)))
        self.tasks.append(asyncio.create_task(repeat(self.retention, RETENTION_TIME, tz)))

    def stop(self) -> None:
        """Cancel the jobs."""
        for task in self.tasks:
            task.cancel()
        self.tasks.clear()


def register(assistant: Assistant) -> None:
    """Add the staff commands and start the scheduled jobs with the front end."""
    assistant.command("baocao", report_command, staff=True)
    assistant.command("reload", reload_command, staff=True)
    assistant.command("thongke", stats_command, staff=True)
    assistant.startup_hooks.append(Scheduler(assistant).start)

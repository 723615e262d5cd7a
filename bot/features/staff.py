"""Staff commands (/baocao, /reload, /thongke) and the scheduled jobs: the weekly report to
the staff chat every Monday at 08:00 local time, and the daily retention run.

Staff commands are registered with `staff=True`: to anyone not in BOT_STAFF_IDS they do not
exist (the bot answers as for an unknown command).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import logging
from typing import TYPE_CHECKING, Any

from bot import messages as m
from bot.catalogue.model import Catalogue
from bot.core.assistant import Assistant
from bot.core.registry import Job
from bot.core.replies import MAX_TEXT, Attachment, Reply, Sender, esc
from bot.core.turn import Turn
from bot.features.handoff import withdrawn
from bot.features.retention import purge
from bot.report.weeks import Week, local_zone
from bot.settings import Settings
from bot.storage.database import Database

if TYPE_CHECKING:
    from bot.matching.matcher import Matcher
    from bot.report.weekly import Volume

# The report's modules are imported when a report or figures are asked for, not at start-up.

log = logging.getLogger(__name__)

REPORT_DAY = 0  # Monday
REPORT_TIME = dt.time(8, 0)
RETENTION_TIME = dt.time(3, 0)


async def weekly_summary(
    db: Database,
    catalogue: Catalogue,
    settings: Settings,
    week: Week | None = None,
    matcher: Matcher | None = None,
) -> str:
    """The Telegram summary of a week's report (by default the last complete week)."""
    return (await weekly_reply(db, catalogue, settings, week, matcher)).text


async def weekly_reply(
    db: Database,
    catalogue: Catalogue,
    settings: Settings,
    week: Week | None = None,
    matcher: Matcher | None = None,
    head: str = "",
) -> Reply:
    """The short summary as the message and the full HTML report as a file (sendDocument)."""
    from bot.report import messages as rm
    from bot.report.html import render_html
    from bot.report.render import telegram_summary
    from bot.report.weekly import build_report

    tz = local_zone(settings.timezone)
    week = week or Week.last_complete(dt.datetime.now(tz), tz)
    report = await build_report(db, week, catalogue, settings.retention_days, matcher=matcher)
    summary = telegram_summary(report, limit=MAX_TEXT - len(head) - 1)
    document = Attachment(
        f"bao-cao-{week.label}.html",
        render_html(report).encode("utf-8"),
        rm.DOCUMENT_CAPTION.format(week=week.label),
    )
    return Reply(f"{head}\n{summary}" if head else summary, document=document)


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
    return [await weekly_reply(turn.db, turn.catalogue, turn.settings, week, turn.matcher)]


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
    from bot.report.weekly import volume

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


class Scheduler:
    """The weekly report and the daily retention run (jobs the front end's owner schedules)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    async def weekly_report(self, sender: Sender) -> None:
        """Store last week's aggregate and post its summary to the staff chat."""
        from bot.report.weekly import store_aggregate

        settings = self.assistant.settings
        tz = local_zone(settings.timezone)
        week = Week.last_complete(dt.datetime.now(tz), tz)
        await store_aggregate(self.assistant.db, week, replace=False)
        if settings.staff_chat is None:
            return
        from bot.matching.matcher import Matcher

        current = self.assistant.source.current
        matcher = current.index if isinstance(current.index, Matcher) else None
        reply = await weekly_reply(
            self.assistant.db, current.catalogue, settings, week, matcher, m.REPORT_WEEKLY_HEAD
        )
        await sender(dataclasses.replace(reply, chat=settings.staff_chat))

    async def retention(self, sender: Sender | None = None) -> None:
        """Delete raw data past the retention time (aggregates are kept)."""
        settings = self.assistant.settings
        tz = local_zone(settings.timezone)
        purged = await purge(self.assistant.db, settings.retention_days, tz=tz)
        if sender is not None:  # open hand-offs deleted: their staff posts lose the question
            for edit in withdrawn(list(purged.closed), settings.staff_chat, m.HANDOFF_EXPIRED):
                await sender(edit)

    def jobs(self) -> list[Job]:
        """The weekly report (Monday 08:00) and retention (daily 03:00, and at start-up)."""
        return [
            Job("weekly-report", self.weekly_report, "staff", at=REPORT_TIME, weekday=REPORT_DAY),
            Job("retention", self.retention, "staff", at=RETENTION_TIME, at_start=True),
        ]


def register(assistant: Assistant) -> None:
    """Add the staff commands and the scheduled jobs."""
    registry = assistant.registry
    registry.command("baocao", report_command, owner="staff", staff=True)
    registry.command("reload", reload_command, owner="staff", staff=True)
    registry.command("thongke", stats_command, owner="staff", staff=True)
    for job in Scheduler(assistant).jobs():
        registry.job(job)

"""The weekly report in any format, for the command line and the staff chat."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from bot import messages as m
from bot.catalogue.loader import load
from bot.catalogue.model import Catalogue, CatalogueError
from bot.matching.matcher import Matcher
from bot.report import messages as rm
from bot.report.html import render_html
from bot.report.render import render_csv, render_markdown, render_text
from bot.report.weekly import WeeklyReport, build_report
from bot.report.weeks import Week, local_zone
from bot.settings import Settings
from bot.storage.database import database_file, open_database


def render(report: WeeklyReport, fmt: str) -> str:
    """The report in one of FORMATS."""
    renderers: dict[str, Callable[[WeeklyReport], str]] = {
        "text": render_text,
        "markdown": render_markdown,
        "csv": render_csv,
        "html": render_html,
    }
    return renderers[fmt](report)


# --- the command line: python -m bot report ---------------------------------------------------


async def make_report(settings: Settings, week: Week, fmt: str) -> str:
    """Build one week's report from the database and render it (the caller checked it exists)."""
    try:
        catalogue: Catalogue | None = load(settings.catalogue)
    except (CatalogueError, OSError) as exc:
        print(m.REPORT_NO_CATALOGUE.format(path=settings.catalogue, error=exc), file=sys.stderr)
        catalogue = None
    # The closest procedure of each unanswered question comes from the current catalogue.
    matcher = Matcher(catalogue) if catalogue is not None else None
    db = await open_database(settings.database)
    try:
        report = await build_report(db, week, catalogue, settings.retention_days, matcher=matcher)
    finally:
        await db.close()
    return render(report, fmt)


def run(settings: Settings, week_text: str | None, fmt: str, out: str | None) -> int:
    """`python -m bot report`: print the report, or write it to a file."""
    tz = local_zone(settings.timezone)
    try:
        week = (
            Week.parse(week_text, tz) if week_text else Week.last_complete(dt.datetime.now(tz), tz)
        )
    except ValueError:
        print(m.REPORT_BAD_WEEK_CLI.format(week=week_text), file=sys.stderr)
        return 2
    path = database_file(settings.database)  # None: a server database, nothing to look for
    if path is not None and not path.is_file():
        print(rm.NO_DATABASE.format(path=settings.database), file=sys.stderr)
        return 1
    text = asyncio.run(make_report(settings, week, fmt))
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        # utf-8-sig is not used: a CSV carries its own BOM, other formats need none.
        Path(out).write_text(text, encoding="utf-8", newline="")
        print(m.REPORT_WRITTEN.format(path=out), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0

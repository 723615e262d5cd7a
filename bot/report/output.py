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
    """Build one week's report from the database (an absent file counts as empty) and render it."""
    try:
        catalogue: Catalogue | None = load(settings.catalogue)
    except (CatalogueError, OSError) as exc:
        print(m.REPORT_NO_CATALOGUE.format(path=settings.catalogue, error=exc), file=sys.stderr)
        catalogue = None
    # Report on an absent database without creating the file.
    file = database_file(settings.database)
    db = await open_database(
        ":memory:" if file is not None and not file.exists() else settings.database
    )
    try:
        report = await build_report(db, week, catalogue, settings.retention_days)
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
    text = asyncio.run(make_report(settings, week, fmt))
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        print(m.REPORT_WRITTEN.format(path=out), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0

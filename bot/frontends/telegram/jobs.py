"""Background work on Telegram: every registered `Job` scheduled on PTB's JobQueue.

The JobQueue is the one owner: it starts the jobs with the application and stops them (waiting
for a run under way) before `post_shutdown` closes the database. Days of the week: our jobs say
0 = Monday (Python's `weekday()`); PTB's `run_daily` says 0 = Sunday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from telegram.ext import ContextTypes, JobQueue

from bot.core.registry import Job
from bot.core.replies import Sender
from bot.frontends.background import run_job

ALL_DAYS = (0, 1, 2, 3, 4, 5, 6)


def ptb_days(weekday: int | None) -> tuple[int, ...]:
    """PTB's days for a job that runs on `weekday` (0 = Monday), or every day."""
    return ALL_DAYS if weekday is None else ((weekday + 1) % 7,)


def schedule(job_queue: JobQueue[Any], jobs: Sequence[Job], sender: Sender, tz: dt.tzinfo) -> None:
    """Put every job on the queue: repeating, daily at a local time, and once at start."""
    for job in jobs:

        async def callback(context: ContextTypes.DEFAULT_TYPE, job: Job = job) -> None:
            await run_job(job, sender)

        if job.at_start:
            job_queue.run_once(callback, when=0, name=f"{job.name} (start)")
        if job.every is not None:
            job_queue.run_repeating(callback, interval=job.every, first=job.every, name=job.name)
        elif job.at is not None:
            at = job.at.replace(tzinfo=tz)
            job_queue.run_daily(callback, time=at, days=ptb_days(job.weekday), name=job.name)

"""The one owner of background work for front ends without a job queue (terminal, web).

`Background(jobs, sender, tz)` starts one task per registered `Job` (weekly report, retention,
and what the front end adds: the catalogue watch) and stops them all; nothing else starts a
task that outlives a turn. The Telegram front end schedules the same jobs on PTB's JobQueue
instead (`bot.frontends.telegram.jobs`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from types import TracebackType

from bot.core.registry import Job
from bot.core.replies import Sender
from bot.report.weeks import next_run

log = logging.getLogger(__name__)

# Long sleeps are taken in slices, so that a suspended machine or a clock change is noticed.
MAX_SLEEP = 3600.0


async def sleep_until(moment: dt.datetime) -> None:
    """Sleep until a moment, in slices, checking the clock after each."""
    while True:
        remaining = (moment - dt.datetime.now(moment.tzinfo)).total_seconds()
        if remaining <= 0:
            return
        await asyncio.sleep(min(remaining, MAX_SLEEP))


async def run_job(job: Job, sender: Sender) -> None:
    """Run a job once; a failure is logged, never raised (the next run comes all the same)."""
    try:
        await job.run(sender)
    except Exception:
        log.exception("background job %s failed", job.name)


class Background:
    """Starts the jobs as tasks, and stops them; usable as an async context manager."""

    def __init__(self, jobs: Sequence[Job], sender: Sender, tz: dt.tzinfo) -> None:
        self.jobs = tuple(jobs)
        self.sender = sender
        self.tz = tz
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def running(self) -> int:
        """How many jobs are scheduled right now."""
        return sum(1 for task in self._tasks if not task.done())

    async def start(self) -> None:
        """Start every job (once; a second start does nothing)."""
        if self._tasks:
            return
        for job in self.jobs:
            self._tasks.append(asyncio.create_task(self._loop(job), name=f"job:{job.name}"))

    async def stop(self) -> None:
        """Cancel every job and wait until they have ended."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def __aenter__(self) -> Background:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _loop(self, job: Job) -> None:
        if job.at_start:
            await run_job(job, self.sender)
        while True:
            if job.every is not None:
                await asyncio.sleep(job.every)
            else:
                assert job.at is not None  # a Job has one of the two
                await sleep_until(next_run(dt.datetime.now(self.tz), job.at, job.weekday))
            await run_job(job, self.sender)

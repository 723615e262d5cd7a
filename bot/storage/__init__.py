"""The storage layer: every SQL statement of the bot, behind typed functions per concern.

- `database`: the connection (SQLite, WAL, one writer), migrations, the queued question log.
- `questions`: questions asked and declined (the weekly review's log).
- `pending`: what the bot waits for a citizen to type next.
- `progress`: guide walks in progress and checklist ticks.
- `feedback`: ratings and their follow-ups.
- `handoffs`: questions handed to staff.
- `report_queries`: what the weekly report reads, and the weekly aggregates.
- `retention`: deleting old rows and everything of one citizen.
"""

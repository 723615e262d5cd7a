"""The storage layer: every SQL statement of the bot, behind typed functions per concern.

The rest of the bot calls these functions with a `Database` and never sees a connection or SQL.

- `database`: `open_database(url)` and the `Database` protocol the functions take.
- `url`: reading BOT_DATABASE (`sqlite:///data/bot.sqlite3`, a plain path, `:memory:`).
- `backend`: the `Database` protocol a backend implements, and `utcnow`.
- `sqlite`: the SQLite backend (one aiosqlite connection, WAL, serialised writes).
- `migrations`: the schema as named migrations, recorded in the `_migrations` table.
- `questions`: questions asked and declined (the weekly review's log).
- `pending`: what the bot waits for a citizen to type next.
- `progress`: guide walks in progress and checklist ticks.
- `feedback`: ratings and their follow-ups.
- `handoffs`: questions handed to staff.
- `report_queries`: what the weekly report reads, and the weekly aggregates.
- `retention`: deleting old rows and everything of one citizen.

Adding a function: put it in the module of its concern (or a new one named for what it holds),
take `db: Database` (from `bot.storage.backend`), read with `db.read` / `db.read_one`, write
with `db.execute` (returns the rows changed) or `async with db.write() as tx:` for several
statements in one transaction (`tx.execute`, `tx.fetch_one`, `RETURNING id` for a new row's
id). Use `?` placeholders and SQL that PostgreSQL shares (`ON CONFLICT`, not `INSERT OR ...`).
A schema change is a new `@migration` in `migrations`, never an edit of one that shipped.
"""

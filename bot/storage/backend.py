"""What the per-concern storage functions need from a database: the `Database` protocol.

The functions in `bot.storage` (questions, pending, progress, feedback, handoffs, report_queries,
retention, migrations) hold the bot's SQL and reach the database only through this protocol, so
that a server database (several bot instances on one PostgreSQL, say) is one new module: a
class with these methods, opened by `bot.storage.database.open_database` for its URL scheme.
The SQLite one is `bot.storage.sqlite.SQLiteDatabase`.

What a new backend must honour:
- Statements use `?` placeholders (a backend for another paramstyle translates them) and the
  SQL that SQLite and PostgreSQL share: `INSERT ... ON CONFLICT ... DO UPDATE/DO NOTHING`,
  `RETURNING id`, `CASE WHEN` rather than summing booleans. What is not shared goes through a
  method here (`tables`, `scrub`, `local_date`, `write(secure=True)`).
- `write()` is one unit of work: serialised with every other write, in a transaction,
  committed when the block ends, rolled back (and the error raised again) when it fails.
  Committed is durable (survives a power cut) unless `synced=False`: then it survives the
  process being killed, and a power cut only once `sync()` returned (or a later synced unit
  committed).
- `later()` queues an analytics row (the question log, confirmed to nobody): it is written in a
  batch with the next unit of work, before the next `read`, at `close`, or soon after.
- `peek()` is a small read of committed rows for what every update asks (a look-up by key).
- A unit of work that fails, its COMMIT included, leaves no transaction open, and the queued
  rows wait for the next one; one queued row that cannot be written never blocks the others.
- Faults that do not pass by themselves (the database read-only, disk I/O errors, a full disk,
  the file deleted or replaced) are `bot.storage.faults.StorageFault`s: `fault` is the one in
  force, `listen` hears them begin and end, `check` notices a deleted file without a write.
- Timestamps are UTC ISO 8601 strings (`utcnow`), compared as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.storage.faults import StorageFault


def utcnow() -> str:
    """The current time in UTC, ISO 8601, as stored in every table."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Row(Protocol):
    """A result row: by position (and unpacking), or by column name."""

    def __getitem__(self, key: int | str, /) -> Any:
        """The value of a column, by position or name."""

    def __iter__(self) -> Iterator[Any]:
        """The values, in column order."""

    def __len__(self) -> int:
        """The number of columns."""


class Transaction(Protocol):
    """The statements of one unit of work (see `Database.write`)."""

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return how many rows it changed."""

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """Run one query (or a statement with RETURNING); return its first row, if any."""


class Database(Protocol):
    """The bot's database, as every storage function uses it."""

    @property
    def location(self) -> str:
        """Where the data is, for logs (a file name, never a password)."""

    def write(
        self, *, secure: bool = False, synced: bool = True
    ) -> AbstractAsyncContextManager[Transaction]:
        """One unit of work; `secure` overwrites what it deletes, leaving no bytes behind;
        `synced=False` leaves its commit to `sync` (see the module's docstring)."""

    async def sync(self) -> None:
        """Make every unit of work committed so far durable (survive a power cut)."""

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement in its own unit of work; return how many rows it changed."""

    def later(self, sql: str, params: Iterable[Any] = ()) -> None:
        """Queue an analytics row, written in a batch soon (see the module's docstring)."""

    async def flush(self) -> None:
        """Write the rows queued with `later()` now."""

    async def read(
        self, sql: str, params: Iterable[Any] = (), *, queued: bool = True
    ) -> Sequence[Row]:
        """Run a query and return every row (after writing queued rows unless `queued=False`)."""

    async def read_one(
        self, sql: str, params: Iterable[Any] = (), *, queued: bool = True
    ) -> Row | None:
        """Run a query and return its first row, if any."""

    async def peek(self, sql: str, params: Iterable[Any] = ()) -> Sequence[Row]:
        """A small read of committed rows, as fast as the backend can make it."""

    async def tables(self) -> dict[str, set[str]]:
        """Every table with its column names."""

    async def scrub(self) -> None:
        """Leave no copy of deleted rows in the database's files or logs."""

    def local_date(self, column: str, offset_minutes: int) -> str:
        """The SQL for the local date (ISO) of a UTC timestamp column, `offset_minutes` ahead."""

    async def close(self) -> None:
        """Write what is queued and release the database."""

    @property
    def fault(self) -> StorageFault | None:
        """What keeps the database from being written just now (None when all is well)."""

    def listen(self, listener: Callable[[StorageFault | None], None]) -> None:
        """Call `listener` when a storage fault begins, and with None when it is over."""

    def check(self) -> StorageFault | None:
        """Notice a fault that needs no write to be seen (a deleted file); the fault in force."""

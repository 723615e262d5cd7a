"""Assembling the bot: settings, catalogue holder, database and assistant, opened and closed
in one place for every front end (Telegram, terminal chat, tools)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.catalogue.model import Catalogue
from bot.catalogue.national import LazyNational, NationalProcedure
from bot.catalogue.reload import LAST_GOOD_NAME, CatalogueHolder
from bot.core.assistant import Assistant
from bot.features import communes, feedback, handoff, retention, staff, walkthrough
from bot.matching.matcher import Matcher
from bot.settings import Settings
from bot.storage.database import Database, database_file, open_database


class Feature(Protocol):
    """A feature module: it registers its commands, buttons, hooks and jobs."""

    def register(self, assistant: Assistant) -> None:
        """Add the feature's entries to `assistant.registry`."""


# In this order: it is the order their text, cancel, card and menu hooks run.
FEATURES: tuple[Feature, ...] = (walkthrough, feedback, handoff, retention, staff, communes)
# The folder, beside the database, where the matcher keeps the indexes it built.
INDEX_CACHE_NAME = "index-cache"


def register_features(assistant: Assistant, features: Sequence[Feature] = FEATURES) -> None:
    """Register the features in the assistant's registry, in order; a command or button
    prefix registered twice stops the start-up with `DuplicateEntry`."""
    for feature in features:
        feature.register(assistant)


@dataclass
class Runtime:
    """The open resources of a running bot."""

    settings: Settings
    holder: CatalogueHolder[Matcher]
    db: Database
    assistant: Assistant
    national: Mapping[str, NationalProcedure]

    async def close(self) -> None:
        """Release the database."""
        await self.db.close()


def last_good_path(database: str) -> Path | None:
    """Where the last good catalogue is kept: beside the database file (None for a server or
    in-memory database, which have no folder of their own)."""
    file = database_file(database)
    return file.parent / LAST_GOOD_NAME if file is not None else None


def index_cache_path(database: str) -> Path | None:
    """Where built indexes are kept between starts: beside the database file, like the last
    good catalogue (None for a server or in-memory database)."""
    file = database_file(database)
    return file.parent / INDEX_CACHE_NAME if file is not None else None


class DeferredMatcher(Matcher):
    """A `Matcher` built when it is first used (the first question), not when it is made: the
    terminal chat shows its greeting and first prompt before building the index."""

    def __init__(  # the index is built by `__getattr__`, on first use
        self,
        catalogue: Catalogue,
        national: Mapping[str, NationalProcedure] | None,
        cache: Path | None = None,
    ) -> None:
        self.__dict__["_deferred"] = (catalogue, national, cache)

    def __getattr__(self, name: str) -> Any:
        deferred = self.__dict__.pop("_deferred", None)
        if deferred is None:
            raise AttributeError(name)
        catalogue, national, cache = deferred
        Matcher.__init__(self, catalogue, national, cache=cache)
        return getattr(self, name)


def open_holder(
    settings: Settings, national: Mapping[str, NationalProcedure], defer_index: bool = False
) -> CatalogueHolder[Matcher]:
    """Load the catalogue (raising CatalogueError if it is broken) with its index (with
    `defer_index`, the first index is built on first use)."""

    built: list[Matcher] = []
    cache = index_cache_path(settings.database)
    # A list read on first use is passed on unread; an empty one means no national tier.
    tier = national if isinstance(national, LazyNational) or national else None

    def make_index(catalogue: Catalogue) -> Matcher:
        if defer_index and not built:
            matcher: Matcher = DeferredMatcher(catalogue, tier, cache)
            built[:] = [matcher]
            return matcher
        matcher = Matcher(catalogue, tier, cache=cache)
        # The first index leaves the national list for the first question that needs it (the
        # bot is ready sooner); a reload, in a worker thread, gets it ready before it serves.
        if built:
            matcher.warm()
        built[:] = [matcher]
        return matcher

    # The last good catalogue is kept next to the database: a restart with a broken file
    # serves it (and the watcher tells the staff chat) instead of taking the bot down.
    return CatalogueHolder(
        settings.catalogue, make_index, last_good=last_good_path(settings.database)
    )


@dataclass(frozen=True)
class Opening:
    """The catalogue and its index being loaded by a worker thread (`open_soon`), while the
    front end does what waits on the network; `open_runtime` takes them over."""

    national: Mapping[str, NationalProcedure]
    holder: Future[CatalogueHolder[Matcher]]


def national_list(settings: Settings) -> Mapping[str, NationalProcedure]:
    """The national list as the bot serves it: read on first use (empty without the tier)."""
    return LazyNational() if settings.national_tier else {}


def open_soon(settings: Settings) -> Opening:
    """Start loading the catalogue and its index in a worker thread (the same work, and the
    same errors, as `open_runtime` would meet): a start-up that waits on the Bot API meanwhile
    is ready sooner."""
    national = national_list(settings)
    holder: Future[CatalogueHolder[Matcher]] = Future()

    def work() -> None:
        if holder.set_running_or_notify_cancel():
            try:
                holder.set_result(open_holder(settings, national))
            except BaseException as exc:  # CatalogueError and the rest: raised where awaited
                holder.set_exception(exc)

    # A daemon: a start-up that fails on the network meanwhile ends without waiting for it.
    threading.Thread(target=work, name="catalogue-open", daemon=True).start()
    return Opening(national, holder)


async def open_runtime(
    settings: Settings, defer_index: bool = False, opening: Opening | None = None
) -> Runtime:
    """Load the catalogue, open the database and build the assistant (with `defer_index`, the
    index and the national list are left for the first question that needs them; with
    `opening`, the catalogue and index that `open_soon` is loading are used)."""
    national = opening.national if opening is not None else national_list(settings)
    # (Called with two arguments unless deferring: tests stand in for it with a shared holder.)
    if opening is not None:
        db = await open_database(settings.database)  # while the worker thread loads
        try:
            holder = await asyncio.wrap_future(opening.holder)
        except BaseException:
            await db.close()
            raise
    else:
        if defer_index:
            holder = open_holder(settings, national, defer_index=True)
        else:
            holder = open_holder(settings, national)
        db = await open_database(settings.database)
    try:
        assistant = Assistant(holder, db, settings, national)
        register_features(assistant)
    except BaseException:
        await db.close()  # else its thread would keep the process alive after the error
        raise
    return Runtime(settings, holder, db, assistant, national)

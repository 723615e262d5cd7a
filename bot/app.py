"""Assembling the bot: settings, catalogue holder, database and assistant, opened and closed
in one place for every front end (Telegram, terminal chat, tools)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from bot.catalogue.model import Catalogue
from bot.catalogue.national import LazyNational, NationalProcedure
from bot.catalogue.reload import LAST_GOOD_NAME, CatalogueHolder
from bot.core.assistant import Assistant
from bot.features import communes, feedback, handoff, retention, staff, walkthrough
from bot.settings import Settings
from bot.storage.database import Database, database_file, open_database

if TYPE_CHECKING:  # imported with the first index: the terminal chat greets before that
    from bot.matching.matcher import Matcher

log = logging.getLogger(__name__)


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

    def prepare(self) -> None:
        """Do now what the first questions would otherwise wait for: the index left for first
        use, the features' preparations (the communes' place index) and the national list's
        index. Safe beside the conversation; a second call costs nothing."""
        index = self.holder.current.index
        build_deferred(index)
        for prepare in self.assistant.registry.preparations:
            prepare()
        index.warm()

    def prepare_soon(self) -> None:
        """Start, in a worker thread, what the first question would otherwise wait for (the
        index left for first use, the features' preparations): the terminal chat calls it once
        it has greeted, so that the work is done while the citizen types. A question asked
        sooner waits for the part it needs; a failure here is met again by that question."""

        def work() -> None:
            try:
                self.prepare()
            except Exception:  # the first question meets it again, and answers as it does
                log.debug("preparing ahead of the first question failed", exc_info=True)

        # A daemon: a chat that ends first (end of input, /thoat) does not wait for it.
        threading.Thread(target=work, name="prepare", daemon=True).start()


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


class DeferredMatcher:
    """A `Matcher` built when it is first used (the first question) or by `build` (a worker
    thread while the citizen types), not when it is made: the terminal chat shows its greeting
    and first prompt before it imports the matcher and builds the index. Once built, the object
    is that `Matcher` (its class and state), so it is used at the full speed of one."""

    def __init__(
        self,
        catalogue: Catalogue,
        national: Mapping[str, NationalProcedure] | None,
        cache: Path | None = None,
    ) -> None:
        self.__dict__["_deferred"] = (catalogue, national, cache)
        self.__dict__["_deferred_lock"] = threading.Lock()  # one build, whichever thread asks

    def build(self) -> None:
        """Build the index now (at most once; a second caller waits for the first). A build
        that fails raises, and the next use tries again (and meets the same error)."""
        with self.__dict__["_deferred_lock"]:
            deferred = self.__dict__.get("_deferred")
            if deferred is None:
                return
            from bot.matching.matcher import Matcher

            catalogue, national, cache = deferred
            built = Matcher(catalogue, national, cache=cache)
            del self.__dict__["_deferred"]
            self.__dict__.update(built.__dict__)
            object.__setattr__(self, "__class__", Matcher)

    def __getattr__(self, name: str) -> Any:
        DeferredMatcher.build(self)
        if type(self) is DeferredMatcher:  # not built: a name no Matcher has
            raise AttributeError(name)
        return getattr(self, name)


def build_deferred(index: object) -> None:
    """Build an index left for first use (`DeferredMatcher`) now; any other is already built."""
    if type(index) is DeferredMatcher:
        DeferredMatcher.build(index)


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
            matcher = cast("Matcher", DeferredMatcher(catalogue, tier, cache))
            built[:] = [matcher]
            return matcher
        from bot.matching.matcher import Matcher

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

"""Assembling the bot: settings, catalogue holder, database and assistant, opened and closed
in one place for every front end (Telegram, terminal chat, tools)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.catalogue.model import Catalogue
from bot.catalogue.national import NationalProcedure, load_national
from bot.catalogue.reload import CatalogueHolder
from bot.core.assistant import Assistant
from bot.features import communes, feedback, handoff, retention, staff, walkthrough
from bot.matching.matcher import Matcher
from bot.settings import Settings
from bot.storage.database import Database, open_database


class Feature(Protocol):
    """A feature module: it registers its commands, buttons, hooks and jobs."""

    def register(self, assistant: Assistant) -> None:
        """Add the feature's entries to `assistant.registry`."""


# In this order: it is the order their text, cancel, card and menu hooks run.
FEATURES: tuple[Feature, ...] = (walkthrough, feedback, handoff, retention, staff, communes)


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
    national: dict[str, NationalProcedure]

    async def close(self) -> None:
        """Release the database."""
        await self.db.close()


def open_holder(
    settings: Settings, national: dict[str, NationalProcedure]
) -> CatalogueHolder[Matcher]:
    """Load the catalogue (raising CatalogueError if it is broken) with its index."""

    def make_index(catalogue: Catalogue) -> Matcher:
        return Matcher(catalogue, national or None)

    return CatalogueHolder(settings.catalogue, make_index)


async def open_runtime(settings: Settings) -> Runtime:
    """Load the catalogue, open the database and build the assistant."""
    national = load_national() if settings.national_tier else {}
    holder = open_holder(settings, national)
    db = await open_database(settings.database)
    assistant = Assistant(holder, db, settings, national)
    register_features(assistant)
    return Runtime(settings, holder, db, assistant, national)

"""`python -m bot xem ID`: a catalogue entry's card exactly as a citizen sees it, before saving.

The card comes from the real assistant (the same code the Telegram bot runs), opened on a
throw-away database, and is printed the way the terminal chat prints it: text, then the buttons.
With `--catalogue` it shows a draft file instead of the catalogue in service.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot import messages as m
from bot.addresses import CONSOLE, address
from bot.app import open_runtime
from bot.catalogue.model import CatalogueError
from bot.catalogue.rules import closest
from bot.core.replies import Incoming
from bot.frontends.console import render
from bot.settings import Settings

PREVIEW_USER = address(CONSOLE, "xem")


async def preview(settings: Settings, entry_id: str, out: TextIO) -> int:
    """Print the card of `entry_id`; return 1 (with a hint) when there is no such entry."""
    with tempfile.TemporaryDirectory(prefix="tthc-xem-") as scratch:
        settings = dataclasses.replace(
            settings,
            database=str(Path(scratch) / "preview.sqlite3"),
            national_tier=False,
            staff_chat_id=None,
        )
        runtime = await open_runtime(settings)
        try:
            catalogue = runtime.holder.current.catalogue
            if catalogue.get(entry_id) is None:
                guess = closest(entry_id, catalogue.entries, cutoff=0.5)
                hint = m.PREVIEW_GUESS.format(guess=guess) if guess else ""
                print(m.PREVIEW_UNKNOWN.format(id=entry_id, path=settings.catalogue) + hint,
                      file=out)  # fmt: skip
                return 1
            start = Incoming(
                chat=PREVIEW_USER,
                user=PREVIEW_USER,
                kind="command",
                command="start",
                args=entry_id,
                text=f"/start {entry_id}",
            )
            print(m.PREVIEW_HEAD.format(id=entry_id, path=settings.catalogue), file=out)
            render((await runtime.assistant.handle(start)).replies, out)
        finally:
            await runtime.close()
    return 0


def run(settings: Settings, entry_id: str, out: TextIO | None = None) -> int:
    """Entry point of `xem`: a broken draft is listed at its lines and exits 1."""
    out = out or sys.stdout
    try:
        return asyncio.run(preview(settings, entry_id, out))
    except CatalogueError as exc:
        print(m.CATALOGUE_BROKEN.format(path=settings.catalogue), file=out)
        for problem in exc.problems:
            print(f"  {problem}", file=out)
        print(m.CATALOGUE_FIX_THEN, file=out)
        return 1

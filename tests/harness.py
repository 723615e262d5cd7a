"""Run the real Telegram bot against the fake Bot API server, and talk to it as a citizen.

In process (most tests; fixtures `fake_tg` and `tg_bot` in tests/conftest.py)::

    async def test_something(tg_bot: BotHarness) -> None:
        sent = await tg_bot.say("lam giay khai sinh cho con")  # this turn's messages (Outgoing)
        assert "Đăng ký khai sinh" in sent[0].text
        edits = await tg_bot.press("Giấy tờ")                  # a button by label or payload
        await tg_bot.command("start"), await tg_bot.media("sticker")
        await tg_bot.callback("p:forged")                      # any payload, on the last message
        other = tg_bot.chat(2002)                              # the same bot, another citizen
        tg_bot.fake                                            # the FakeTelegram (calls, faults)

Every helper pushes one update and returns once the bot has finished handling it, with every
message sent and edit made meanwhile to that chat (`fakebotapi.models.Outgoing`: method, text,
labels, buttons, message_id).
`next_messages(count, timeout)` waits for messages that arrive outside a turn.

Also `tg_bot.wait_handled(update_id)` (after pushing on `tg_bot.fake` yourself, e.g. many
citizens at once), `tg_bot.turn(update_id)`, and `tg_bot.application`, `tg_bot.front` (the real
`TelegramFrontEnd`; `front.runtime.db`, `front.runtime.assistant`).

`start_bot(fake, tmp_path, shared_catalogue=True, **settings)` is the async context manager
behind `tg_bot`: it builds the application with `build_application` (the code `run` uses) and
runs it the way `Application.run_polling` does (initialize, post_init, start polling, start;
and the reverse), with a 1-second long poll. Settings (`bot_settings`) default to the shipped
catalogue (or BOT_TEST_CATALOGUE), the national tier, and a database in tmp_path; keyword
arguments override any `Settings` field, e.g. `staff_ids=frozenset({7})`. The catalogue and
its index are built once per session unless `shared_catalogue=False`.

As a subprocess (restart, SIGKILL, SIGTERM and webhook tests; fixture `bot_process`)::

    proc = bot_process(env={"WEBHOOK_URL": ...})   # `python -m bot run`, TELEGRAM_API_URL=fake
    proc.start(); proc.wait_ready()                # ready = it called getUpdates (or pass
                                                   # "setWebhook"); BOT_DATABASE in tmp_path
    sent = proc.say(chat_id, "...")                # synchronous: at least one reply, then
    sent = proc.press(chat_id, "label or payload") # 0.3 s of quiet (expect=, settle=)
    proc.kill(signal.SIGKILL); proc.start()        # same database, same fake server
    proc.log()                                     # what the bot logged (tmp_path/bot.log)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot import app
from bot.frontends.telegram.bot import POLL_INTERVAL, TelegramFrontEnd, build_application
from bot.settings import Settings
from bot.tools.fakebotapi.server import FakeTelegram, Outgoing

ROOT = Path(__file__).resolve().parent.parent
# BOT_TEST_CATALOGUE runs these tests on another catalogue (the shipped one by default).
CATALOGUE = Path(os.environ.get("BOT_TEST_CATALOGUE") or ROOT / "procedures.yaml")
CHAT = 1001
# The staff chat and its one member of the `staffed_bot` fixture.
STAFF_CHAT = -100700
STAFF_MEMBER = 555
_open_holder = app.open_holder
TURN_TIMEOUT = 10.0


def bot_settings(fake: FakeTelegram, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a bot talking to `fake`, with its database in tmp_path."""
    base = Settings(
        token=fake.token,
        api_url=fake.base_url,
        catalogue=CATALOGUE,
        database=str(tmp_path / "bot.sqlite3"),
        reload_interval=3600.0,
        # Not the default: with the default the staff chat is warned at start (a test of its
        # own sets it back), which would add a message to every staff chat.
        salt="test-salt-not-the-default",
    )
    return replace(base, **overrides)


class _TrackingFront(TelegramFrontEnd):
    """The real front end, noting which updates it has finished handling."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.done: set[int] = set()
        self.changed = asyncio.Event()
        self.track_queued = True

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await super().on_update(update, context)
            # A turn is over once the messages it queued for other chats are sent too (a test
            # that must not wait for them pushes updates itself and waits for its own).
            queued = self.queued.pop(update.update_id, [])
            if queued:
                await asyncio.wait(queued, timeout=TURN_TIMEOUT)
        finally:
            self.done.add(update.update_id)
            self.changed.set()


class BotHarness:
    """A running bot and one citizen's chat with it."""

    def __init__(
        self,
        fake: FakeTelegram,
        application: Application,  # type: ignore[type-arg]
        front: _TrackingFront,
        chat_id: int = CHAT,
    ) -> None:
        self.fake = fake
        self.application = application
        self.front = front
        self.chat_id = chat_id
        self.cursor = fake.last_seq

    def chat(self, chat_id: int) -> BotHarness:
        """The same running bot, seen from another citizen's chat."""
        return BotHarness(self.fake, self.application, self.front, chat_id)

    async def wait_handled(self, update_id: int, timeout: float = TURN_TIMEOUT) -> None:
        """Wait until the bot has finished handling an update."""
        deadline = time.monotonic() + timeout
        while update_id not in self.front.done:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"update {update_id} not handled in {timeout} s")
            self.front.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.front.changed.wait(), min(left, 0.05))

    async def turn(self, update_id: int, timeout: float = TURN_TIMEOUT) -> list[Outgoing]:
        """Wait for the bot to handle an update; return what it sent to this chat meanwhile."""
        await self.wait_handled(update_id, timeout)
        sent = self.fake.outgoing(self.chat_id, since=self.cursor)
        if sent:
            self.cursor = sent[-1].seq
        return sent

    async def say(self, text: str, user_id: int | None = None) -> list[Outgoing]:
        """The citizen writes `text`; returns the bot's messages and edits for it."""
        return await self.turn(self.fake.push_text(self.chat_id, text, user_id))

    async def command(self, name: str, args: str = "") -> list[Outgoing]:
        """The citizen sends /name args."""
        return await self.turn(self.fake.push_command(self.chat_id, name, args))

    async def media(self, kind: str = "sticker", caption: str = "") -> list[Outgoing]:
        """The citizen sends a sticker, photo, voice, document, ..."""
        return await self.turn(self.fake.push_media(self.chat_id, kind, caption))

    async def press(self, label_or_payload: str, user_id: int | None = None) -> list[Outgoing]:
        """The citizen presses a button (label, part of a label, or payload)."""
        return await self.turn(self.fake.press(self.chat_id, label_or_payload, user_id))

    async def callback(
        self, data: str, message_id: int | None = None, user_id: int | None = None
    ) -> list[Outgoing]:
        """A callback query with any payload (forged, stale, another user's)."""
        return await self.turn(self.fake.push_callback(self.chat_id, data, message_id, user_id))

    async def next_messages(self, count: int = 1, timeout: float = 5.0) -> list[Outgoing]:
        """Wait for `count` new messages or edits to this chat (sent outside a turn)."""
        sent = await asyncio.to_thread(
            self.fake.wait_outgoing, self.chat_id, count, self.cursor, timeout
        )
        if sent:
            self.cursor = sent[-1].seq
        return sent


_HOLDERS: dict[tuple[Path, bool], Any] = {}


def _shared_holder(settings: Settings, national: Any) -> Any:
    """Load each catalogue once per test session: building its index takes seconds."""
    key = (Path(settings.catalogue), settings.national_tier)
    if key not in _HOLDERS:
        _HOLDERS[key] = _open_holder(settings, national)
    return _HOLDERS[key]


@contextlib.asynccontextmanager
async def start_bot(
    fake: FakeTelegram, tmp_path: Path, shared_catalogue: bool = True, **settings: Any
) -> AsyncIterator[BotHarness]:
    """Run the real application in this event loop, polling `fake`, as run_polling would.

    With `shared_catalogue` (the default) the catalogue and its index are loaded once per test
    session and shared by every bot; pass False for a test that edits the catalogue file.
    """
    config = bot_settings(fake, tmp_path, **settings)
    front = _TrackingFront(config)
    application = build_application(config, front)
    await application.initialize()
    assert application.post_init is not None
    if shared_catalogue:
        app.open_holder = _shared_holder  # type: ignore[assignment]
    try:
        await application.post_init(application)
    finally:
        app.open_holder = _open_holder  # type: ignore[assignment]
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=POLL_INTERVAL, timeout=1, allowed_updates=Update.ALL_TYPES
    )
    await application.start()
    try:
        yield BotHarness(fake, application, front)
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


class BotProcess:
    """`python -m bot run` as a child process, pointed at the fake server."""

    def __init__(self, fake: FakeTelegram, tmp_path: Path, env: dict[str, str] | None = None):
        self.fake = fake
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.base_url,
            "BOT_DATABASE": str(tmp_path / "bot.sqlite3"),
            "BOT_CATALOGUE": str(CATALOGUE),
            "BOT_RELOAD_INTERVAL": "3600",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.command = [sys.executable, "-m", "bot", "run"]  # e.g. insert "-v" before "run"
        self.log_path = tmp_path / "bot.log"
        self.starts = 0
        self.cursor: dict[int, int] = {}

    def start(self) -> BotProcess:
        """Start the bot (again); its log goes to tmp_path/bot.log."""
        self.starts += 1
        self._calls_before = len(self.fake.calls())
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.command,
            cwd=self.tmp_path,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    def wait_ready(self, method: str = "getUpdates", timeout: float = 60.0) -> None:
        """Wait until the bot calls `method` (getUpdates when polling, setWebhook for hooks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(c.method == method for c in self.fake.calls()[self._calls_before :]):
                return
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.proc.returncode}: {self.log()}")
            time.sleep(0.05)
        raise TimeoutError(f"the bot never called {method}: {self.log()}")

    def log(self) -> str:
        """Everything the bot logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 30.0) -> int:
        """Send a signal and wait for the process to end; returns its exit code."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        """End the process if it still runs (SIGTERM, then SIGKILL)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def say(
        self,
        chat_id: int,
        text: str,
        expect: int = 1,
        settle: float = 0.3,
        timeout: float = TURN_TIMEOUT,
    ) -> list[Outgoing]:
        """Push a message and wait for `expect` messages, then `settle` s of quiet."""
        return self.turn(chat_id, self.fake.push_text(chat_id, text), expect, settle, timeout)

    def press(
        self,
        chat_id: int,
        label_or_payload: str,
        expect: int = 1,
        settle: float = 0.3,
        timeout: float = TURN_TIMEOUT,
    ) -> list[Outgoing]:
        """Press a button and wait like `say`."""
        update_id = self.fake.press(chat_id, label_or_payload)
        return self.turn(chat_id, update_id, expect, settle, timeout)

    def turn(
        self, chat_id: int, update_id: int, expect: int, settle: float, timeout: float
    ) -> list[Outgoing]:
        """The messages to a chat after an update: at least `expect`, then quiet."""
        since = self.cursor.get(chat_id, 0)
        sent = self.fake.wait_outgoing(chat_id, expect, since, timeout)
        while True:
            more = self.fake.wait_outgoing(chat_id, len(sent) + 1, since, settle)
            if len(more) == len(sent):
                break
            sent = more
        if sent:
            self.cursor[chat_id] = sent[-1].seq
        return sent

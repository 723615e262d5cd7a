"""The Telegram front end: Update -> Incoming, Reply -> Bot API calls. Nothing else.

Every handler is registered in `build_application`, in order, with a comment each. Resources
are opened in `post_init` and closed in `post_shutdown`; handlers reach them through the
`TelegramFrontEnd` instance, never through `bot_data`. An update becomes `Incoming` in
`updates`; updates of different chats are handled concurrently, those of one chat in the order
they came (`ordering`). Sending (splitting, editing, retries, answering button presses) is in
`bot.frontends.telegram.delivery`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import messages as m
from bot.app import Opening, Runtime, open_runtime, open_soon
from bot.catalogue.reload import ReloadOutcome
from bot.core.registry import Job
from bot.core.replies import Answer, Button, Decision, Incoming, Reply, Sender
from bot.frontends.memory import compact_malloc
from bot.frontends.telegram.application import StatelessApplication
from bot.frontends.telegram.delivery import CONNECTIONS, with_retries
from bot.frontends.telegram.inbox import AnsweredDelivery, InboxBot, UpdatesRequest
from bot.frontends.telegram.jobs import schedule
from bot.frontends.telegram.ordering import ChatOrderedProcessor
from bot.frontends.telegram.reload_notices import ReloadNotices
from bot.frontends.telegram.sendrate import Priority, SendRate
from bot.frontends.telegram.startup import (
    StartupError,
    check_bot_api,
    check_database_or_tell,
    protect_logs,
    warm_soon,
)
from bot.frontends.telegram.storage_alerts import StorageAlerts
from bot.frontends.telegram.transport import BotApiRequest
from bot.frontends.telegram.updates import to_incoming
from bot.report.weeks import local_zone
from bot.settings import Settings, number, read_dotenv
from bot.storage.url import database_file

if TYPE_CHECKING:  # the web chat (and tornado) is imported only when it is served
    from bot.frontends.web.service import WebService

log = logging.getLogger(__name__)

# Telegram allows about 30 messages a second per bot; BOT_SEND_RATE changes it (0: no limit,
# for a self-hosted Bot API server or a benchmark).
SEND_RATE = 30.0
POOL_TIMEOUT = 30.0  # a burst waits for a free connection rather than failing
# A pause after each getUpdates answer, so that under load updates come in batches rather than
# one HTTP request each (half the bot's throughput otherwise); it adds at most this to a reply.
POLL_INTERVAL = 0.02
HEARTBEAT_SECONDS = 30.0  # the container's health check reads the heartbeat file's age
# A group the bot is in is told at most this often that it answers in private chats only.
GROUP_NOTICE_SECONDS = 600.0
# How often the ids of answered updates older than a day are deleted.
INBOX_PURGE_SECONDS = 3600.0


class TelegramFrontEnd(AnsweredDelivery):
    """Holds the runtime and turns updates into replies."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.runtime: Runtime | None = None
        self.opening: Opening | None = None  # the catalogue being loaded while `run` waits
        self.web: WebService | None = None
        self._group_notices: dict[str, float] = {}  # group chat id -> when last told
        self.alerts: StorageAlerts | None = None  # database faults: staff, heartbeat, stop

    # --- lifecycle -------------------------------------------------------------------------

    async def post_init(self, application: Application) -> None:  # type: ignore[type-arg]
        """Open the catalogue and the database, publish the command menu, schedule the jobs."""
        # The catalogue and its index: loaded meanwhile by `run`, or now.
        opening, self.opening = self.opening, None
        self.runtime = await open_runtime(self.settings, opening=opening)
        self.alerts = StorageAlerts(
            self.runtime.db,
            self.settings.staff_chat,
            application_sender(self, application),
            stop=lambda why: application.stop_running(),
            heartbeat=heartbeat_path(self.settings),
        )
        staff = set(self.settings.staff_ids)
        if self.settings.staff_chat_id is not None:
            staff.add(self.settings.staff_chat_id)
        # Updates are stored until answered; those the last run left unanswered come first.
        await self.open_inbox(application, self.runtime.db, self.settings.salt, staff)
        if self.settings.salt == Settings().salt:
            # With the public default, anyone holding the database can hash every possible
            # Telegram id and find whose rows are whose: the staff should know, not only a log.
            log.warning("BOT_SALT is the default; set it to a long random secret")
            if self.settings.staff_chat:
                try:
                    await self.send(
                        application, Reply(m.SALT_IS_DEFAULT, chat=self.settings.staff_chat)
                    )
                except TelegramError as exc:
                    log.warning("could not tell the staff chat about BOT_SALT: %s", exc)
        assistant = self.runtime.assistant
        try:
            commands = [BotCommand(c, d) for c, d in m.MENU_COMMANDS]
            await with_retries(lambda: application.bot.set_my_commands(commands), "menu")
        except TelegramError as exc:  # the menu is a convenience; never fail start-up on it
            log.warning("could not set the command menu: %s", exc)

        holder = self.runtime.holder
        # One staff message per editing session, edited in place, with the entries changed.
        notices = ReloadNotices(
            holder,  # type: ignore[arg-type]
            self.settings.staff_chat_id,
            lambda: self.rate.sending(Priority.BACKGROUND),
        )

        async def notify(outcome: ReloadOutcome) -> None:
            await notices.notify(application, outcome)

        # Started on the last good copy because the file is broken: staff hear it now.
        await holder.tell_startup_failure(notify)

        async def watch(sender: Sender) -> None:
            await holder.poll(notify)

        async def heartbeat(sender: Sender) -> None:
            self._touch_heartbeat()

        # Every piece of background work is a job on PTB's JobQueue, its one owner.
        async def purge_inbox(sender: Sender) -> None:
            if self.inbox is not None:
                await self.inbox.purge()

        jobs = [
            *assistant.registry.jobs,
            Job("catalogue-watch", watch, "telegram", every=self.settings.reload_interval),
            Job("heartbeat", heartbeat, "telegram", every=HEARTBEAT_SECONDS),
            Job("inbox-purge", purge_inbox, "telegram", every=INBOX_PURGE_SECONDS, at_start=True),
        ]
        self._touch_heartbeat()  # alive from now on, for the health check
        if application.job_queue is None:
            raise RuntimeError("python-telegram-bot[job-queue] is not installed")
        sender = application_sender(self, application)
        schedule(application.job_queue, jobs, sender, local_zone(self.settings.timezone))
        if self.settings.web_port is not None:
            # The web chat on the same assistant; what it addresses to staff goes by Telegram.
            from bot.frontends.web.server import WebChat
            from bot.frontends.web.service import start as start_web

            web = WebChat(assistant, self.settings, forward=sender)
            self.web = start_web(web, self.settings.web_host, self.settings.web_port)
        # What is loaded by now (the libraries, the catalogue and its index) lives as long as
        # the bot: keep it out of the garbage collector's full passes, which otherwise stop
        # every reply for tens of milliseconds a few times a minute under load. (An index holds
        # no reference cycles: a reloaded catalogue's old one is freed all the same.)
        gc.collect()
        gc.freeze()
        log.info("bot ready: catalogue %s, database %s", self.settings.catalogue.name,
                 self.runtime.db.location)  # fmt: skip
        warm_soon(self.runtime.prepare)  # the national list's and the place index

    async def post_stop(self, application: Application) -> None:  # type: ignore[type-arg]
        """Send the queued messages that can go within a few seconds (the bot still runs)."""
        await self.queues.close()

    async def post_shutdown(self, application: Application) -> None:  # type: ignore[type-arg]
        """Close the database (updates in flight and the JobQueue's jobs have ended by now)."""
        gc.unfreeze()  # what the bot held can be collected again (tests start many bots)
        if self.web is not None:
            await self.web.close()
            self.web = None
        await self.queues.close(timeout=0)  # post_stop had its chance to send them
        if self.inbox is not None:
            self.inbox.closed = True  # what was not answered by now is answered after a restart
        if self.runtime is not None:
            await self.runtime.close()
            self.runtime = None
            log.info("database closed, bot stopped")

    def close_left_open(self) -> None:
        """Close the database if `post_shutdown` never ran: python-telegram-bot skips it when a
        stop signal comes while it starts to poll (it fails on the interrupted call), and the
        database's thread would then keep the process alive after the bot has stopped."""
        runtime, self.runtime = self.runtime, None
        if runtime is None:
            return
        log.warning("stopped while starting: closing the database")
        try:
            asyncio.run(runtime.close())
        except Exception:
            log.exception("closing the database after an interrupted start failed")
            return
        log.info("database closed, bot stopped")

    def _touch_heartbeat(self) -> None:
        """Touch the heartbeat file (the container's health check reads its age), unless the
        database has a fault (see `storage_alerts`)."""
        if self.alerts is not None:
            self.alerts.beat()
            return
        path = heartbeat_path(self.settings)
        if path is not None:
            try:
                path.touch()
            except OSError as exc:
                log.warning("could not touch the heartbeat file: %s", exc)

    # --- updates ---------------------------------------------------------------------------

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer any update the handlers route here; log one line without personal data."""
        incoming = to_incoming(update, context.bot.username, context.bot.id)
        if incoming is None or self.runtime is None:
            return
        chat = update.effective_chat
        staff_chat = self.settings.staff_chat_id
        if chat is not None and chat.type != "private" and chat.id != staff_chat:
            await self.decline_group(context.application, update, incoming)
            return
        if chat is not None and chat.id == staff_chat and incoming.kind == "media":
            return  # stickers and photos among staff are not for the bot
        started = time.perf_counter()
        try:
            answer = await self.runtime.assistant.handle(incoming)
            decision = decision_label(answer.decision)
        except Exception:
            log.exception("failed to handle an update of kind %s", incoming.kind)
            answer = Answer([Reply(m.BUSY, notice=m.BUSY[:190])])
            decision = "error"
        replies = answer.replies
        if self.web is not None:
            # A reply for a web visitor (staff answering a hand-off) goes to their page.
            replies = [reply for reply in replies if not self.web.web.push(reply)]
        handled = time.perf_counter()
        sent = await self.deliver(context.application, update, incoming, replies)
        log.info(
            "update kind=%s decision=%s replies=%d sent=%d core_ms=%.1f ms=%.1f",
            incoming.kind,
            decision,
            len(replies),
            sent,
            (handled - started) * 1000,
            (time.perf_counter() - started) * 1000,
        )

    async def decline_group(
        self,
        application: Application,  # type: ignore[type-arg]
        update: Update,
        incoming: Incoming,
    ) -> None:
        """In a group: one polite line (at most every GROUP_NOTICE_SECONDS) pointing to a
        private chat; a button press gets the same as a toast. Nothing is stored."""
        query = update.callback_query
        if query is not None:
            try:
                await self.call_api(lambda: query.answer(text=m.GROUP_DECLINED_NOTICE), "answer")
            except TelegramError as exc:
                log.info("could not answer a callback query: %s", exc)
            return
        if incoming.kind == "media":
            return
        now = time.monotonic()
        last = self._group_notices.get(incoming.chat)
        if last is not None and now - last < GROUP_NOTICE_SECONDS:
            return
        self._group_notices[incoming.chat] = now
        if len(self._group_notices) > 10_000:
            oldest = min(self._group_notices, key=self._group_notices.__getitem__)
            del self._group_notices[oldest]
        username = application.bot.username
        buttons = (
            ((Button(m.BUTTON_PRIVATE_CHAT, url=f"https://t.me/{username}"),),) if username else ()
        )
        self.enqueue(application, Reply(m.GROUP_DECLINED, buttons), incoming.chat,
                     update.update_id)  # fmt: skip


def decision_label(decision: Decision) -> str:
    """The decision as the per-update log line shows it: answer, clarify, none, or "-"."""
    return "-" if decision.kind == "other" else decision.kind


def heartbeat_path(settings: Settings) -> Path | None:
    """The file whose age tells the health check the bot is alive (beside the database)."""
    file = database_file(settings.database)
    return file.parent / "heartbeat" if file is not None else None


def application_sender(
    front: TelegramFrontEnd,
    application: Application,  # type: ignore[type-arg]
) -> Sender:
    """A function that sends a core Reply through this application (for scheduled jobs)."""

    async def send(reply: Reply) -> list[int]:
        return await front.send(application, reply)

    return send


def send_rate(env: Mapping[str, str] | None = None) -> float:
    """Messages a second the bot may send in all (BOT_SEND_RATE; 0 means no limiter)."""
    source = {**read_dotenv(Path(".env")), **os.environ} if env is None else env
    return number(source, "BOT_SEND_RATE", SEND_RATE)


def build_application(settings: Settings, front: TelegramFrontEnd | None = None) -> Application:  # type: ignore[type-arg]
    """The PTB application with every handler registered, in order."""
    front = front or TelegramFrontEnd(settings)
    # Opt in to PTB 23's timedelta `retry_after` now (silences a warning on every 429).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # PTB's bot, storing each batch of updates before Telegram is told it was received; its
    # requests are PTB's HTTPXRequest with CONNECTIONS and POOL_TIMEOUT, one layer lighter
    # (transport.py).
    bot = InboxBot(
        settings.token,
        base_url=settings.api_url,
        request=BotApiRequest(CONNECTIONS, POOL_TIMEOUT),
        get_updates_request=UpdatesRequest(),
    )
    builder = (
        ApplicationBuilder()
        .application_class(StatelessApplication)  # no per-citizen note for a persistence
        .bot(bot)
        # Updates of different chats at once, of one chat in order, each once it is stored;
        # each one done with is marked answered.
        .concurrent_updates(
            ChatOrderedProcessor(started=front.started, finished=front.finished, ready=front.ready)
        )
        .post_init(front.post_init)
        .post_stop(front.post_stop)
        .post_shutdown(front.post_shutdown)
    )
    # Bursts queue instead of failing: Telegram allows about 30 messages a second in all, shared
    # out by priority (sendrate.py: a citizen's answer first); the 20-a-minute limit of each
    # group is kept by the chat queues (queues.py). Both wait without holding a connection,
    # which PTB's own rate limiter would hold.
    front.rate = SendRate(send_rate())
    application = builder.build()
    # 1. Button presses: every one is answered, also forged or outdated ones.
    application.add_handler(CallbackQueryHandler(front.on_update))
    # 2. Commands (/start, /thutuc, /huy, staff commands...): routed by the core.
    message = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(message & filters.COMMAND, front.on_update))
    # 3. Free text questions.
    application.add_handler(MessageHandler(message & filters.TEXT, front.on_update))
    # 4. Everything else a citizen can send (stickers, photos, voice...): a polite hint.
    application.add_handler(MessageHandler(message & ~filters.TEXT, front.on_update))
    application.add_error_handler(_on_error)
    return application


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("unhandled error in an update", exc_info=context.error)


def run(settings: Settings) -> None:
    """Run the bot until SIGINT/SIGTERM: webhook when WEBHOOK_URL is set, else long polling.

    On a stop signal, updates in flight are answered before the database is closed.
    """
    compact_malloc()  # before any thread starts (see bot.frontends.memory)
    # httpx logs every request URL at INFO (the URL holds the token), the Telegram library
    # every update in full at DEBUG: neither may reach the log, whatever the level.
    protect_logs(settings.token)
    send_rate()  # a bad BOT_SEND_RATE is named before anything else is tried
    # An unusable database stops the bot before it says it is ready (the staff chat is told).
    check_database_or_tell(settings)
    # The catalogue and its index load in a worker thread while the Bot API is reached (and the
    # application built): the two waits overlap. Its errors are raised in `post_init`.
    opening = open_soon(settings)
    asyncio.run(check_bot_api(settings))  # StartupError, in plain words, if it cannot
    front = TelegramFrontEnd(settings)
    front.opening = opening
    application = build_application(settings, front)
    try:
        _serve(settings, application)
    finally:
        front.close_left_open()
    if front.alerts is not None and front.alerts.stopping:
        raise StartupError(front.alerts.stopping)  # the database file went: exit non-zero


def _serve(settings: Settings, application: Application) -> None:  # type: ignore[type-arg]
    """Serve until a stop signal: by webhook when WEBHOOK_URL is set, else by long polling."""
    if settings.webhook_url:
        from bot.frontends.telegram import webhook

        webhook.install()  # the secret is checked before the body is read; bodies capped
        path = urlparse(settings.webhook_url).path.strip("/")
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=settings.webhook_url,
            # Telegram sends the secret in a header with every update; posts without it are
            # refused. Without WEBHOOK_SECRET a random one is made for this run.
            secret_token=settings.webhook_secret or secrets.token_urlsafe(32),
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=3,
        )
    else:
        application.run_polling(
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=3,
            poll_interval=POLL_INTERVAL,
        )


__all__ = ["TelegramFrontEnd", "build_application", "run", "with_retries"]

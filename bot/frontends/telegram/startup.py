"""Before the bot polls: reach the Bot API with a few short tries, and keep secrets out of logs.

`check_bot_api` asks the Bot API who the bot is (getMe) with short time-outs, up to ATTEMPTS
times, logging one line per failed try; then it gives up with a plain Vietnamese message
(`StartupError`) instead of minutes of silence and a long traceback. A token the Bot API refuses
is said so, without printing the token.

`protect_logs` makes sure no log line, at any level (`-v` included), holds the bot's token or
what citizens wrote: the Telegram library and the HTTP clients log at most warnings, and every
line the bot's handlers print has the token replaced.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Callable
from urllib.parse import urlparse

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot import messages as m
from bot.core.markup import esc
from bot.frontends.telegram.transport import client_settings
from bot.settings import Settings
from bot.storage.database import DatabaseUnusable, check_database

log = logging.getLogger("bot.frontends.telegram.bot")

ATTEMPTS = 4
WAIT_SECONDS = (1.0, 2.0, 4.0)
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
# Loggers that print requests, answers (with citizens' messages) or URLs (with the token).
NOISY = ("telegram", "httpx", "httpcore", "hpack", "tornado", "apscheduler", "aiosqlite")


class StartupError(Exception):
    """The bot cannot start; the message says why and what to do, in Vietnamese."""


def api_host(settings: Settings) -> str:
    """Where the Bot API is, without the path (which would hold the token)."""
    parsed = urlparse(settings.api_url)
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.netloc else settings.api_url


def _short_request() -> HTTPXRequest:
    """A request for the few start-up calls: short timeouts, the bot's shared TLS settings."""
    return HTTPXRequest(
        connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT, httpx_kwargs=client_settings()
    )


async def check_bot_api(settings: Settings) -> str:
    """Return the bot's username once the Bot API answers; StartupError after ATTEMPTS tries."""
    host = api_host(settings)
    for attempt in range(1, ATTEMPTS + 1):
        bot = Bot(settings.token, base_url=settings.api_url, request=_short_request())
        try:
            await bot.initialize()
            username = bot.username
            await bot.shutdown()
            return username
        except InvalidToken:
            raise StartupError(m.TOKEN_REJECTED) from None
        except NetworkError as exc:
            reason = type(exc).__name__
            log.warning(
                "Bot API at %s not reachable (attempt %d of %d): %s",
                host,
                attempt,
                ATTEMPTS,
                reason,
            )
        if attempt < ATTEMPTS:
            await asyncio.sleep(WAIT_SECONDS[min(attempt, len(WAIT_SECONDS)) - 1])
    raise StartupError(m.API_UNREACHABLE.format(host=host, attempts=ATTEMPTS))


async def tell_staff(settings: Settings, text: str) -> bool:
    """Send one message to the staff chat before the bot runs (one short try); True if sent."""
    if settings.staff_chat_id is None or not settings.token:
        return False
    request = _short_request()
    try:
        async with Bot(settings.token, base_url=settings.api_url, request=request) as bot:
            await bot.send_message(settings.staff_chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("could not tell the staff chat: %s", type(exc).__name__)
        return False
    return True


def check_database_or_tell(settings: Settings) -> None:
    """Raise DatabaseUnusable if the database cannot be used, after telling the staff chat."""
    try:
        check_database(settings.database)
    except DatabaseUnusable as exc:
        asyncio.run(tell_staff(settings, m.STAFF_DATABASE_UNUSABLE.format(problem=esc(str(exc)))))
        raise


class _HideToken(logging.Filter):
    """Replace the token in every record that passes a handler (message, arguments, trace)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        text = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if self.token in text or (record.exc_text and self.token in record.exc_text):
            record.msg = text.replace(self.token, "[token]")
            record.args = ()
            if record.exc_text:
                record.exc_text = record.exc_text.replace(self.token, "[token]")
        return True


def protect_logs(token: str) -> None:
    """Keep the token and citizens' messages out of every log line, whatever the level."""
    for name in NOISY:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)
    hide = _HideToken(token)
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(hide)


def warm_soon(warm: Callable[[], None]) -> threading.Thread:
    """Run `warm` (the runtime's `prepare`: index the national list and the communes) in a
    worker thread once the bot is ready, so that neither the start nor the first citizen whose
    question needs them waits for all of it. What it builds is kept out of the collector's full
    passes, as what was loaded before "ready" is."""

    def work() -> None:
        try:
            warm()
        except Exception:  # the first question that needs the list builds it again
            log.exception("indexing the national list in the background failed")
            return
        gc.collect()
        gc.freeze()

    thread = threading.Thread(target=work, name="national-index", daemon=True)
    thread.start()
    return thread

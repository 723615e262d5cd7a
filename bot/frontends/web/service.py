"""Running the web chat: on its own (`python -m bot web`) or beside the Telegram bot."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import replace

import tornado.httpserver

from bot.app import open_runtime
from bot.core.registry import Job
from bot.core.replies import Reply, Sender
from bot.frontends.background import Background
from bot.frontends.memory import compact_malloc
from bot.frontends.web.server import WebChat, listen
from bot.report.weeks import local_zone
from bot.settings import DEFAULT_WEB_PORT, Settings

log = logging.getLogger(__name__)


class WebService:
    """A listening web chat, to be stopped with `close`."""

    def __init__(self, server: tornado.httpserver.HTTPServer, web: WebChat, port: int) -> None:
        self.server = server
        self.web = web
        self.port = port

    async def close(self) -> None:
        """Stop listening and close open connections."""
        self.server.stop()
        await self.server.close_all_connections()


def start(web: WebChat, host: str, port: int) -> WebService:
    """Serve a web chat on host:port (port 0: any free one) in the running event loop."""
    server, bound = listen(web, host, port)
    log.info("web chat on http://%s:%d/", host, bound)
    return WebService(server, web, bound)


async def _no_push(reply: Reply) -> None:
    """Without Telegram, scheduled messages for the staff chat cannot be sent: say so."""
    log.warning("web chat only: a message for chat %s was not sent", reply.chat)


async def serve(settings: Settings, ready: asyncio.Future[int] | None = None) -> None:
    """The `web` command: serve the web chat until SIGINT/SIGTERM (or cancellation)."""
    compact_malloc()  # before the database's and the reloads' threads start
    if settings.staff_chat_id is not None:
        # Without Telegram no staff chat can be reached: offer no hand-off that would go nowhere.
        log.warning("web chat only: hand-offs to staff need `run` (with WEB_PORT set)")
        settings = replace(settings, staff_chat_id=None)
    runtime = await open_runtime(settings)
    sender: Sender = _no_push
    service = start(
        WebChat(runtime.assistant, settings),
        settings.web_host,
        settings.web_port if settings.web_port is not None else DEFAULT_WEB_PORT,
    )
    print(f"http://{settings.web_host}:{service.port}/", flush=True)
    holder = runtime.holder

    async def watch(sender: Sender) -> None:
        await holder.poll(_log_reload)

    # One owner of the background work: retention and the weekly aggregate run without
    # Telegram too, and the catalogue is watched for edits.
    jobs = [
        *runtime.assistant.registry.jobs,
        Job("catalogue-watch", watch, "web", every=settings.reload_interval),
    ]
    background = Background(jobs, sender, local_zone(settings.timezone))
    await background.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    if ready is not None:
        ready.set_result(service.port)
    try:
        await stop.wait()
    finally:
        await service.close()
        await background.stop()
        await runtime.close()


async def _log_reload(outcome: object) -> None:
    text = getattr(outcome, "staff_message", lambda: str(outcome))()
    log.info("catalogue reload: %s", text.splitlines()[0] if text else "")

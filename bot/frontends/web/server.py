"""The web chat's HTTP side: tornado handlers over the same assistant as Telegram.

Tornado, because the Telegram webhook already depends on it (python-telegram-bot[webhooks]):
a well-kept asyncio server with request size limits, cookies and static files built in, and no
new dependency. Routes: `/` the chat page, `/gui` a message or button press (a form post,
answered with a redirect, or with the new transcript when the page's script asks), `/thu-tuc/<id>`
a procedure's page, `/static/...` the stylesheet, the script and the portal widget.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot import messages as m
from bot.addresses import WEB, channel
from bot.catalogue.model import Procedure
from bot.core.assistant import Assistant
from bot.core.ratelimit import FloodLimiter
from bot.core.replies import Incoming, Reply, Sender
from bot.features import retention
from bot.frontends.web import messages as w
from bot.frontends.web import render
from bot.frontends.web.sessions import (
    COOKIE,
    COOKIE_DAYS,
    Session,
    SessionStore,
    new_token,
    valid_token,
)
from bot.settings import Settings

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_BODY = 8 * 1024  # a question fits in a few hundred characters
MAX_HEADERS = 16 * 1024
MAX_TEXT = 1_000  # characters of one message accepted (the core reads the first 600)
# New visitors a second one address may bring (a shared connection, a school, a ward office):
# generous, but a script that drops its cookie on every request cannot dodge the flood limit.
NEW_SESSIONS_BURST = 60
NEW_SESSIONS_RATE = 1.0
_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors *"
)


class WebChat:
    """The web front end of one assistant: its visitors, their limits, and the application."""

    def __init__(
        self,
        assistant: Assistant,
        settings: Settings,
        forward: Sender | None = None,
        store: SessionStore | None = None,
    ) -> None:
        self.assistant = assistant
        self.settings = settings
        self.forward = forward
        self.store = store or SessionStore()
        self.new_sessions = FloodLimiter(NEW_SESSIONS_BURST, NEW_SESSIONS_RATE)

    def application(self) -> tornado.web.Application:
        """The tornado application with every route."""
        args = {"web": self}
        return tornado.web.Application(
            [
                (r"/", ChatHandler, args),
                (r"/gui", SendHandler, args),
                (r"/thu-tuc/([A-Za-z0-9._-]{1,80})/?", ProcedureHandler, args),
                (r"/static/(.*)", StaticHandler, {"path": str(STATIC)}),
            ],
            compress_response=True,
            default_handler_class=NotFoundHandler,
            default_handler_args=args,
        )

    def telegram_url(self, entry_id: str) -> str | None:
        """The Telegram deep link that opens this entry's card, if the bot's name is set."""
        name = self.settings.bot_username
        return f"https://t.me/{name}?start={entry_id.replace('.', '_')}" if name else None

    async def turn(self, session: Session, incoming: Incoming, pressed: int | None) -> None:
        """Run one turn of the core and put its replies in the visitor's transcript."""
        async with session.lock:
            try:
                replies = (await self.assistant.handle(incoming)).replies
            except Exception:
                log.exception("failed to handle a web turn of kind %s", incoming.kind)
                replies = [Reply(m.BUSY)]
            if incoming.kind == "button" and incoming.data == f"{retention.PREFIX}:yes":
                session.clear()  # erased: what the page showed goes too
            session.notice = ""
            for reply in replies:
                await self._place(session, incoming, reply, pressed)

    async def _place(
        self, session: Session, incoming: Incoming, reply: Reply, pressed: int | None
    ) -> None:
        if reply.chat is not None and reply.chat != session.address:
            # Addressed to someone else (the staff chat): never shown on this page.
            if self.push(reply):
                return
            if self.forward is not None:
                await self.forward(reply)
            else:
                log.warning("a reply for another chat was not delivered (web chat only)")
            return
        if incoming.kind == "button" and reply.notice and reply.notice != reply.text:
            session.notice = reply.notice
        target = session.find(pressed) if reply.edit and pressed is not None else None
        if target is not None and not target.mine:
            target.text, target.buttons = reply.text, reply.buttons
        else:
            session.add(False, reply.text, reply.buttons)

    def push(self, reply: Reply) -> bool:
        """Put a reply addressed to a web visitor (a staff answer) on their page.

        True if the reply was for the web (shown, or dropped when the visitor's session is no
        longer in memory); False if it is for another channel.
        """
        if reply.chat is None or channel(reply.chat) != WEB:
            return False
        session = self.store.find(reply.chat)
        if session is None:
            log.warning("a reply for a web visitor whose session has ended was dropped")
            return True
        session.add(False, reply.text, reply.buttons)
        return True


class _Base(tornado.web.RequestHandler):
    """Security headers, the visitor's session, and error pages in Vietnamese."""

    web: WebChat

    def initialize(self, web: WebChat) -> None:
        """Keep the front end the handler serves."""
        self.web = web

    def set_default_headers(self) -> None:
        """Headers every answer carries."""
        self.set_header("Content-Security-Policy", _CSP)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("Cache-Control", "no-store")

    def session(self) -> Session:
        """The visitor's session; a new one (and its cookie) for a visitor without one."""
        token = self.get_cookie(COOKIE)
        if not valid_token(token):
            ip = hashlib.sha256((self.request.remote_ip or "").encode()).hexdigest()
            if self.web.new_sessions.check(f"ip:{ip[:32]}") != "ok":
                raise tornado.web.HTTPError(429)
            token = new_token()
            self.set_cookie(
                COOKIE,
                token,
                httponly=True,
                samesite="Lax",
                secure=self.request.protocol == "https",
                expires_days=COOKIE_DAYS,
            )
        assert token is not None
        return self.web.store.get(token)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A short page instead of tornado's English one."""
        text = {
            400: w.BAD_REQUEST,
            403: w.FORBIDDEN,
            404: w.NOT_FOUND,
            405: w.BAD_REQUEST,
            413: w.TOO_LARGE,
            429: w.TOO_MANY,
        }.get(status_code, w.ERROR)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(render.message_page(w.PAGE_TITLE, text))


class ChatHandler(_Base):
    """`/`: the chat page; `/?thu-tuc=<id>` opens a procedure's card in the chat first."""

    async def get(self) -> None:
        """Show the page, greeting a new visitor."""
        session = self.session()
        entry = self.get_query_argument("thu-tuc", "")[:80]
        if entry:
            await self.web.turn(session, session.incoming("command", command="start", args=entry),
                                None)  # fmt: skip
            self.redirect("/#cuoi", status=303)
            return
        if not session.messages:
            await self.web.turn(session, session.incoming("command", command="start"), None)
        self.write(render.chat_page(session))


class SendHandler(_Base):
    """`/gui`: a typed message or a pressed button."""

    def check_origin(self) -> None:
        """Refuse a post another site's page made (the cookie is SameSite=Lax as well)."""
        origin = self.request.headers.get("Origin")
        if origin and urlparse(origin).netloc != self.request.host:
            raise tornado.web.HTTPError(403)

    async def post(self) -> None:
        """Answer the message and show the transcript (or send the page there)."""
        self.check_origin()
        text = self.get_body_argument("text", "") or ""
        data = self.get_body_argument("data", "") or ""
        if len(text) > MAX_TEXT or len(data) > 200:
            raise tornado.web.HTTPError(413)
        session = self.session()
        pressed: int | None = None
        if data:
            raw = self.get_body_argument("msg", "") or ""
            pressed = int(raw) if raw.isdigit() and len(raw) < 10 else None
            incoming = session.incoming("button", data=data)
        elif text.strip():
            incoming = _typed(session, text)
            session.add(True, text.strip())
        else:
            incoming = None
        if incoming is not None:
            await self.web.turn(session, incoming, pressed)
        if self.request.headers.get("X-Requested-With") == "fetch":
            self.write(render.log_html(session))
            return
        last = session.messages[-1].id if session.messages else 0
        self.redirect(f"/#m{last}", status=303)


def _typed(session: Session, text: str) -> Incoming:
    text = text.strip()
    command = _COMMAND.match(text)
    if command:
        args = (command.group(2) or "").strip()
        return session.incoming("command", text=text, command=command.group(1), args=args)
    return session.incoming("text", text=text)


class ProcedureHandler(_Base):
    """`/thu-tuc/<id>`: one procedure's card as a page of its own (for the portal to link)."""

    def get(self, entry_id: str) -> None:
        """The procedure's page, or a kind 404."""
        catalogue = self.web.assistant.source.current.catalogue
        entry = catalogue.get(entry_id)
        if not isinstance(entry, Procedure):
            self.set_status(404)
            self.write(render.message_page(w.PROCEDURE_NOT_FOUND_TITLE, w.PROCEDURE_NOT_FOUND))
            return
        self.set_header("Cache-Control", "public, max-age=300")
        self.write(render.procedure_page(catalogue, entry, self.web.telegram_url(entry.id)))


class NotFoundHandler(_Base):
    """Any other address: a kind 404."""

    def prepare(self) -> None:
        """Answer 404 whatever the method."""
        raise tornado.web.HTTPError(404)


class StaticHandler(tornado.web.StaticFileHandler):
    """The stylesheet, the script and the widget, cached for a day (the page versions them)."""

    def set_extra_headers(self, path: str) -> None:
        """Cache, and let the portal load the widget script."""
        self.set_header("Cache-Control", "public, max-age=86400")
        self.set_header("X-Content-Type-Options", "nosniff")
        if path == "widget.js":
            self.set_header("Access-Control-Allow-Origin", "*")


def listen(web: WebChat, host: str, port: int) -> tuple[tornado.httpserver.HTTPServer, int]:
    """Start serving on host:port (0: any free port); return the server and the port bound."""
    server = tornado.httpserver.HTTPServer(
        web.application(),
        max_body_size=MAX_BODY,
        max_header_size=MAX_HEADERS,
        xheaders=web.settings.web_behind_proxy,
        idle_connection_timeout=60,
        body_timeout=15,
    )
    sockets = tornado.netutil.bind_sockets(port, host)
    server.add_sockets(sockets)
    return server, sockets[0].getsockname()[1]

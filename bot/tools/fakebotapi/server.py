"""A small fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and benchmarks.

In process (fixture `fake_tg` in tests/conftest.py)::

    with FakeTelegram() as tg:                 # a random free port, served by a daemon thread
        tg.base_url                            # "http://127.0.0.1:PORT/bot" (TELEGRAM_API_URL)
        tg.token                               # "123456:TEST-TOKEN"
        tg.push_text(chat_id, "lam giay khai sinh")   # a citizen writes (returns update_id)
        tg.push_command(chat_id, "start", "args")      # "/start args" with its bot_command entity
        tg.push_media(chat_id, "sticker")              # sticker, photo, voice, document, video,
                                                       # location, contact
        tg.press(chat_id, "Giấy tờ")                   # press a button (payload, label, or part
                                                       # of a label) of the newest message with it
        tg.push_callback(chat_id, "forged:data", message_id=None, user_id=None)  # any payload
        tg.wait_outgoing(chat_id, count=1, since=0, timeout=5)  # messages, edits with seq > since
        tg.outgoing(chat_id), tg.last_seq      # what was sent so far; Outgoing: seq, method,
                                               # chat_id, message_id, text, labels, buttons, at
        tg.calls("setMyCommands")              # Call: method, decoded params, status (-1: dropped)
        tg.answered_callbacks()                # {callback query id: times answered}
        tg.message(chat_id, message_id), tg.pending_updates(), tg.webhook()
        tg.fault("sendMessage", "429", times=2, retry_after=1)  # or "500", "502", "drop",
        tg.fault("*", "delay", delay_ms=800, chat_id=None)      # "delay"; "*": any method
        tg.clear_faults(); tg.set_flood_limit(30)  # 429 above 30 sends a second, like Telegram
        tg.hold("sendMessage"); tg.held()      # calls wait, not carried out, until
        tg.release(drop=False)                 # answered (or dropped: never carried out)
        tg.on_outgoing.append(callback)        # called with each Outgoing (benchmarks)
        tg.reset()                             # forget everything (update ids keep growing)

Webhook: once the bot calls setWebhook, pushed updates are POSTed to its URL with the secret
header, and getUpdates answers 409 as Telegram does.

As a separate process: ``python bot/tools/fakebotapi/server.py --port 8081`` serves the same, and
``POST /_control/<method>`` with a JSON object of keyword arguments calls the method above of
that name (``push_text``, ``press``, ``wait_outgoing``, ``fault``, ``reset``, ...); the answer is
``{"ok": true, "result": ...}``. `ControlClient(url)` wraps that for Python.

Every bot message is checked like Telegram does: HTML must parse (`telegram_html`),
text at most 4096 characters, callback data at most 64 bytes, at most 100 buttons; otherwise
the call gets Telegram's 400 error and is recorded with ``status=400``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import signal
import socket
import sys
import threading
import time
import urllib.request
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

if __package__ in (None, ""):  # run as a script: make `bot` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from bot.tools.fakebotapi.botapi import BotApi
from bot.tools.fakebotapi.models import TOKEN, BotApiError, Call, Fault, Outgoing, decode_params

__all__ = [
    "TOKEN",
    "BotApi",
    "BotApiError",
    "Call",
    "ControlClient",
    "FakeTelegram",
    "Fault",
    "Outgoing",
]


class FakeTelegram(BotApi):
    """The fake Bot API served over HTTP/1.1 on 127.0.0.1, by an asyncio loop in a thread."""

    def __init__(self, token: str = TOKEN, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(token)
        self._socket = socket.create_server((host, port))
        self._loop = asyncio.new_event_loop()
        self._thread: threading.Thread | None = None
        self._event = asyncio.Event()  # set (and replaced) when an update is pushed

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The Bot API base URL in PTB `base_url` form (TELEGRAM_API_URL)."""
        return f"{self.url}/bot"

    def start(self) -> FakeTelegram:
        """Serve in a daemon thread."""
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            server = self._loop.run_until_complete(
                asyncio.start_server(self._connection, sock=self._socket)
            )
            ready.set()
            self._loop.run_forever()
            server.close()
            pending = asyncio.all_tasks(self._loop)  # open connections, long polls
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

        self._thread = threading.Thread(target=serve, daemon=True, name="fake-telegram")
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        """Stop serving and wake every waiting long poll."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._wake)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update and wake the long polls waiting for one."""
        update_id = super().push_update(update)
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._wake)
        return update_id

    def _wake(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    # --- HTTP ----------------------------------------------------------------------------

    async def _connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:  # one write per answer, and no Nagle delay on top
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                line = await reader.readline()
                if not line.strip():
                    break
                target = line.decode("latin-1").split(" ")[1]
                headers: dict[str, str] = {}
                while (header := await reader.readline()).strip():
                    name, _, value = header.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                answer = await self._answer(target.split("?", 1)[0], headers, body)
                if answer is None:  # a dropped connection
                    writer.transport.abort()
                    return
                code, payload = answer
                try:
                    data = json.dumps(payload, ensure_ascii=False).encode()
                except UnicodeEncodeError:  # a lone surrogate: JSON's escape, as Telegram's
                    data = json.dumps(payload).encode()
                head = (
                    f"HTTP/1.1 {code} {HTTPStatus(code).phrase}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
                )
                writer.write(head.encode() + data)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, IndexError, ValueError):
            pass
        except asyncio.CancelledError:  # the server stops: end quietly
            pass
        finally:
            writer.close()

    async def _answer(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any] | None:
        if path.startswith("/_control/"):
            return await self._control(path.removeprefix("/_control/"), body)
        prefix, _, method = path.rpartition("/")
        if not prefix.startswith("/bot") or prefix[4:] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        params = parse_params(headers.get("content-type", ""), body)
        call = Call(method, params, time.monotonic())
        with self._cond:
            self._calls.append(call)
            held = method in self._held
            if held:
                self._waiting[id(call)] = ""
        if held and not await self._wait_release(call):
            call.status = -1
            return None
        fault = self._take_fault(method, params)
        if fault is not None:
            if fault.kind == "delay":
                await asyncio.sleep(fault.delay_ms / 1000)
            elif fault.kind == "drop":
                call.status = -1
                return None
            else:
                call.status = int(fault.kind)
                answer: dict[str, Any] = {"ok": False, "error_code": call.status}
                if fault.kind == "429":
                    answer["description"] = f"Too Many Requests: retry after {fault.retry_after}"
                    answer["parameters"] = {"retry_after": fault.retry_after}
                else:
                    answer["description"] = HTTPStatus(call.status).phrase
                return call.status, answer
        try:
            if method == "getUpdates":
                result = await self._long_poll(params)
            else:
                result = self.call(method, params)
        except BotApiError as exc:
            call.status = exc.code
            answer = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                answer["parameters"] = exc.parameters
            return exc.code, answer
        return 200, {"ok": True, "result": result}

    async def _wait_release(self, call: Call) -> bool:
        """Wait while a call is held; False when it is to be dropped (see `release`)."""
        while True:
            with self._cond:
                state = self._waiting.get(id(call), "pass")
                if state:
                    self._waiting.pop(id(call), None)
                    return state == "pass" and not self._closed
            await asyncio.sleep(0.01)

    async def _long_poll(self, params: dict[str, Any]) -> Any:
        """getUpdates without blocking the loop: wait for a push up to `timeout` seconds."""
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            event = self._event
            updates = self.call("getUpdates", {**params, "timeout": 0})
            left = deadline - time.monotonic()
            if updates or left <= 0 or self._closed:
                return updates
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), left)

    async def _control(self, name: str, body: bytes) -> tuple[int, Any]:
        kwargs = json.loads(body or b"{}")
        method = getattr(self, name, None)
        if name.startswith("_") or name.startswith("api_") or not callable(method):
            return 404, {"ok": False, "description": f"no control {name!r}"}
        try:
            # In a worker thread: wait_outgoing blocks, and the loop must keep serving the bot.
            result = await asyncio.to_thread(method, **kwargs)
        except (LookupError, TypeError, ValueError) as exc:
            return 400, {"ok": False, "description": str(exc)}
        if isinstance(result, list):
            result = [
                dataclasses.asdict(r)
                if dataclasses.is_dataclass(r) and not isinstance(r, type)
                else r
                for r in result
            ]
        return 200, {"ok": True, "result": result}


def parse_params(ctype: str, body: bytes) -> dict[str, Any]:
    """A Bot API call's parameters from a form, multipart or JSON body, values decoded."""
    if ctype.startswith("multipart/"):
        parsed = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {ctype}\r\n\r\n".encode() + body
        )
        raw: dict[str, str] = {}
        for part in parsed.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True) or b""
            if not isinstance(payload, bytes):
                payload = str(payload).encode()
            filename = part.get_filename()
            if filename:
                raw[f"{name}_name"] = filename
                raw[name] = f"<{len(payload)} bytes>"
            else:
                raw[name] = payload.decode()
        return decode_params(raw)
    if ctype.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    return decode_params(dict(parse_qsl(body.decode(), keep_blank_values=True)))


class ControlClient:
    """Drive a fake server in another process: `client.push_text(chat_id=1, text="hi")`."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def __getattr__(self, name: str) -> Any:
        def call(**kwargs: Any) -> Any:
            request = urllib.request.Request(
                f"{self.url}/_control/{name}",
                json.dumps(kwargs).encode(),
                {"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=60) as answer:
                return json.loads(answer.read())["result"]

        return call


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted: python bot/tools/fakebotapi/server.py --port N [--token T]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args(argv)
    fake = FakeTelegram(args.token, port=args.port).start()
    print(f"fake Bot API on {fake.base_url} token {fake.token}", flush=True)
    stops = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    signal.sigwait(stops)
    fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A small fake Telegram Bot API server on 127.0.0.1, for end-to-end tests and benchmarks.

In process::

    with FakeTelegram() as tg:                 # a random free port, in a daemon thread
        tg.base_url                            # "http://127.0.0.1:PORT/bot" (TELEGRAM_API_URL)
        tg.token                               # "123456:TEST-TOKEN"
        tg.push_text(chat_id, "lam giay khai sinh")   # a citizen writes (returns update_id)
        tg.push_command(chat_id, "start")              # "/start" with its bot_command entity
        tg.push_media(chat_id, "sticker")              # sticker, photo, voice, document, ...
        tg.press(chat_id, "Giấy tờ")                   # press a button (label or payload) of
                                                       # the newest message showing it
        tg.push_callback(chat_id, "forged:data", message_id=None)  # any payload
        tg.wait_outgoing(chat_id, count=1, since=0, timeout=5)  # bot messages and edits
        tg.calls("setMyCommands"), tg.answered_callbacks(), tg.message(chat_id, message_id)
        tg.fault("sendMessage", "429", times=2, retry_after=1)  # or 500, 502, drop, delay
        tg.reset()

As a separate process: ``python tests/fake_telegram.py --port 8081`` serves the same, and
``POST /_control/<method>`` with a JSON object of keyword arguments calls the method above of
that name (``push_text``, ``press``, ``wait_outgoing``, ``fault``, ``reset``, ...); the answer is
``{"ok": true, "result": ...}``. `ControlClient(url)` wraps that for Python.

Every bot message is checked like Telegram does: HTML must parse (tests/telegram_html.py),
text at most 4096 characters, callback data at most 64 bytes, at most 100 buttons; otherwise
the call gets Telegram's 400 error and is recorded with ``status=400``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import socket
import sys
import threading
import time
import urllib.request
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

if __package__ in (None, ""):  # run as a script: make `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fake_botapi import BotApi
from tests.fake_models import TOKEN, BotApiError, Call, Fault, Outgoing, decode_params

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
    """The fake Bot API served over HTTP on 127.0.0.1."""

    def __init__(self, token: str = TOKEN, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(token)
        self._server = _Server((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.server_address[1])

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
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, kwargs={"poll_interval": 0.05}
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wake every waiting long poll."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A bot killed mid-request resets its connections: that is expected, not news."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as PTB's httpx client expects

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # silence
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self, code: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (a cancelled long poll)
            self.wfile.write(body)

    def _params(self, body: bytes) -> dict[str, Any]:
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            parsed = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {ctype}\r\n\r\n".encode() + body
            )
            raw: dict[str, str] = {}
            for part in parsed.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                filename = part.get_filename()
                if filename:
                    raw[f"{name}_name"] = filename
                    raw[str(name)] = f"<{len(payload)} bytes>"
                else:
                    raw[str(name)] = payload.decode()
            return decode_params(raw)
        if ctype.startswith("application/json"):
            return dict(json.loads(body or b"{}"))
        return decode_params(dict(parse_qsl(body.decode(), keep_blank_values=True)))

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        fake: FakeTelegram = self.server.fake  # type: ignore[attr-defined]
        body = self._body()
        path = self.path.split("?", 1)[0]
        if path.startswith("/_control/"):
            self._control(fake, path.removeprefix("/_control/"), body)
            return
        prefix, _, method = path.rpartition("/")
        if not prefix.startswith("/bot") or prefix[4:] != fake.token:
            self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params = self._params(body)
        call = Call(method, params, time.monotonic())
        with fake._cond:
            fake._calls.append(call)
        fault = fake._take_fault(method, params)
        if fault is not None:
            call.status = {"429": 429, "500": 500, "502": 502}.get(fault.kind, 200)
            if fault.kind == "delay":
                time.sleep(fault.delay_ms / 1000)
            elif fault.kind == "drop":
                call.status = -1
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            elif fault.kind == "429":
                self._answer(
                    429,
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {fault.retry_after}",
                        "parameters": {"retry_after": fault.retry_after},
                    },
                )
                return
            else:
                self._answer(
                    call.status,
                    {
                        "ok": False,
                        "error_code": call.status,
                        "description": "Internal Server Error",
                    },
                )
                return
        try:
            result = fake.call(method, params)
        except BotApiError as exc:
            call.status = exc.code
            answer: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.parameters:
                answer["parameters"] = exc.parameters
            self._answer(exc.code, answer)
            return
        self._answer(200, {"ok": True, "result": result})

    def _control(self, fake: FakeTelegram, name: str, body: bytes) -> None:
        kwargs = json.loads(body or b"{}")
        method = getattr(fake, name, None)
        if name.startswith("_") or name.startswith("api_") or not callable(method):
            self._answer(404, {"ok": False, "description": f"no control {name!r}"})
            return
        try:
            result = method(**kwargs)
        except (LookupError, TypeError, ValueError) as exc:
            self._answer(400, {"ok": False, "description": str(exc)})
            return
        if isinstance(result, list):
            result = [dataclasses.asdict(r) if dataclasses.is_dataclass(r) else r for r in result]
        self._answer(200, {"ok": True, "result": result})


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
    """Serve until interrupted: python tests/fake_telegram.py --port N [--token T]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TOKEN)
    args = parser.parse_args(argv)
    fake = FakeTelegram(args.token, port=args.port)
    print(f"fake Bot API on {fake.base_url} token {fake.token}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        fake._server.serve_forever(poll_interval=0.1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The bot's Bot API requests: byte for byte what PTB's own HTTPXRequest sends, and the same
errors when the connection fails."""

from __future__ import annotations

import asyncio
import json

import pytest
from telegram import InputFile
from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.frontends.telegram.transport import BotApiRequest, proxy_in_environment

ANSWER = b'{"ok":true,"result":{"message_id":7}}'


class RawServer:
    """A one-request-at-a-time HTTP server on 127.0.0.1 that keeps every request's bytes."""

    def __init__(self, drop: bool = False, close: bool = False) -> None:
        self.requests: list[bytes] = []
        self.drop = drop
        self.close = close  # close each connection once its request is answered
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> RawServer:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    @property
    def url(self) -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot123:abc/sendMessage"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append(head + await reader.readexactly(length))
                if self.drop:
                    break
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER)
                )
                await writer.drain()
                if self.close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def card_request() -> RequestData:
    """A card as the bot sends it: HTML text, buttons, no link preview."""
    keyboard = {"inline_keyboard": [[{"text": "Giấy tờ", "callback_data": "s:x:documents"}]]}
    params = {
        "chat_id": 1001,
        "text": "📋 <b>Đăng ký khai sinh</b>\nLệ phí: miễn",
        "parse_mode": "HTML",
        "reply_markup": json.dumps(keyboard),
        "link_preview_options": json.dumps({"is_disabled": True}),
    }
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


async def send_with(request: HTTPXRequest, url: str, data: RequestData) -> tuple[int, bytes]:
    await request.initialize()
    try:
        return await request.do_request(url, "POST", data)
    finally:
        await request.shutdown()


async def test_a_reply_goes_out_byte_for_byte_as_through_ptbs_own_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    async with RawServer() as server:
        theirs = await send_with(HTTPXRequest(connection_pool_size=4), server.url, card_request())
        ours = await send_with(BotApiRequest(4, 30.0), server.url, card_request())
    assert theirs == ours == (200, ANSWER)
    assert len(server.requests) == 2
    assert server.requests[0] == server.requests[1]
    assert b"Accept-Encoding: gzip" in server.requests[1]
    assert b"User-Agent: python-telegram-bot" in server.requests[1]


async def test_a_dropped_connection_is_the_network_error_ptb_raises() -> None:
    async with RawServer(drop=True) as server:
        with pytest.raises(NetworkError) as theirs:
            await send_with(HTTPXRequest(connection_pool_size=4), server.url, card_request())
        with pytest.raises(NetworkError) as ours:
            await send_with(BotApiRequest(4, 30.0), server.url, card_request())
    assert str(ours.value) == str(theirs.value)
    assert "RemoteProtocolError" in str(ours.value)


async def test_a_connection_the_server_closed_is_not_used_again() -> None:
    async with RawServer(close=True) as server:
        request = BotApiRequest(4, 30.0)
        await request.initialize()
        try:
            for _ in range(3):  # each call finds the one before's connection closed, idle
                assert await request.do_request(server.url, "POST", card_request()) == (
                    200,
                    ANSWER,
                )
                await asyncio.sleep(0.05)
        finally:
            await request.shutdown()
    assert len(server.requests) == 3


async def test_a_file_goes_through_ptbs_client() -> None:
    async with RawServer() as server:
        upload = RequestParameter.from_input("document", InputFile(b"a;b\n", filename="t.csv"))
        chat = RequestParameter.from_input("chat_id", 1001)
        data = RequestData([chat, upload])
        status, _ = await send_with(BotApiRequest(4, 30.0), server.url, data)
    assert status == 200
    assert b"multipart/form-data" in server.requests[0]
    assert b'filename="t.csv"' in server.requests[0]


def test_a_proxy_in_the_environment_is_noticed_in_any_case() -> None:
    assert proxy_in_environment({"HTTPS_PROXY": "http://10.0.0.1:3128"})
    assert proxy_in_environment({"all_proxy": "socks5://10.0.0.1"})
    assert not proxy_in_environment({"NO_PROXY": "localhost", "HTTPS_PROXY": ""})

"""How the bot's Bot API calls reach Telegram: PTB's HTTPXRequest, one layer lighter.

PTB sends each call through an `httpx.AsyncClient`, whose per-request work (merging the
client's URL, headers and cookies, the auth and redirect flows, storing the cookies of every
answer) is none of it needed for the Bot API, which sets no cookie; it costs the bot about as
much CPU per reply as building the card. `BotApiRequest` hands the calls that carry no file
straight to an httpx transport (the connection pool and TLS settings the client would use)
with the very request the client would build: same URL, headers and body. Uploads (the weekly
report's file), and every call when an HTTP proxy is set in the environment (which the client
honours), go through PTB's own path. Errors become PTB's exactly as PTB turns them.

The transport's connection pool asks, at every request and for each idle connection, whether
the server closed it; `SocketWatch` answers that from the socket itself, without the network
library's attribute look-up that cost about a sixth of the CPU of each call.

Every client and transport of the bot shares one TLS context (`tls_context`): httpx would read
the certificate store again for each, a tenth of a second of start-up in all.
"""

from __future__ import annotations

import functools
import os
import ssl
from typing import Any

import httpcore
import httpx
from httpcore._utils import is_socket_readable
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# The environment variables by which httpx routes requests through a proxy (any case).
PROXY_VARIABLES = frozenset({"http_proxy", "https_proxy", "all_proxy"})
POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: All connections in the connection pool are occupied. "
    "Request was *not* sent to Telegram. Consider adjusting the connection "
    "pool size or the pool timeout."
)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS context httpx makes by default (certifi's store, or SSL_CERT_FILE / SSL_CERT_DIR
    from the environment), made once and shared by every client of the Bot API."""
    return httpx.create_ssl_context()


def client_settings() -> dict[str, Any]:
    """The httpx settings each of the bot's PTB requests passes on (`httpx_kwargs`)."""
    return {"verify": tls_context()}


def proxy_in_environment(env: dict[str, str] | None = None) -> bool:
    """Whether httpx would send requests through a proxy set in the environment."""
    source = os.environ if env is None else env
    return any(key.lower() in PROXY_VARIABLES and value for key, value in source.items())


class BotApiRequest(HTTPXRequest):
    """PTB's HTTPXRequest whose calls without a file skip the httpx client's own layers."""

    def __init__(self, connection_pool_size: int, pool_timeout: float) -> None:
        super().__init__(
            connection_pool_size=connection_pool_size,
            pool_timeout=pool_timeout,
            httpx_kwargs=client_settings(),
        )
        self._size = connection_pool_size
        self._direct: httpx.AsyncHTTPTransport | None = None
        self._headers: httpx.Headers | None = None

    def _transport(self) -> httpx.AsyncHTTPTransport | None:
        """The transport for direct calls (None: every call goes through the client)."""
        if self._direct is None and not proxy_in_environment():
            # What httpx.AsyncClient builds for PTB's settings: HTTP/1.1, the pool's size.
            self._direct = httpx.AsyncHTTPTransport(
                verify=tls_context(),
                http1=True,
                http2=False,
                limits=httpx.Limits(max_connections=self._size),
            )
            watch_sockets(self._direct)
            # The client's default headers (Accept, Accept-Encoding, Connection) and PTB's.
            headers = httpx.Headers(self._client.headers)
            headers["User-Agent"] = self.USER_AGENT
            self._headers = headers
        return self._direct

    async def shutdown(self) -> None:
        """Close the direct transport's connections, then PTB's client."""
        direct, self._direct = self._direct, None
        if direct is not None:
            await direct.aclose()
        await super().shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one call: straight to the transport, or through PTB's client for a file."""
        files = request_data.multipart_data if request_data else None
        transport = None if files or self._client.is_closed else self._transport()
        if transport is None:
            return await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )  # fmt: skip
        defaults = self._client.timeout
        timeout = {
            "connect": defaults.connect if _unset(connect_timeout) else connect_timeout,
            "read": defaults.read if _unset(read_timeout) else read_timeout,
            "write": defaults.write if _unset(write_timeout) else write_timeout,
            "pool": defaults.pool if _unset(pool_timeout) else pool_timeout,
        }
        request = httpx.Request(
            method,
            url,
            headers=self._headers,
            data=request_data.json_parameters if request_data else None,
            extensions={"timeout": timeout},
        )
        try:
            response = await transport.handle_async_request(request)
            try:
                content = await response.aread()
            finally:
                await response.aclose()
        except httpx.TimeoutException as err:
            if isinstance(err, httpx.PoolTimeout):
                raise TimedOut(message=POOL_TIMEOUT_MESSAGE) from err
            raise TimedOut from err
        except httpx.HTTPError as err:
            raise NetworkError(f"httpx.{err.__class__.__name__}: {err}") from err
        return response.status_code, content


class SocketWatch(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, whose connections tell cheaply whether the server closed
    them (see `WatchedStream`)."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        """Open a connection, as the wrapped backend does."""
        return WatchedStream(await self._backend.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        """Open a Unix socket connection, as the wrapped backend does."""
        return WatchedStream(await self._backend.connect_unix_socket(*args, **kwargs))

    async def sleep(self, seconds: float) -> None:
        """Sleep, as the wrapped backend does."""
        await self._backend.sleep(seconds)


class WatchedStream(httpcore.AsyncNetworkStream):
    """A connection of httpcore's pool, asked at every request of the bot, for each idle
    connection, whether the server closed it: it looks at its socket directly (anyio's
    attribute look-up, which builds a table of every attribute for each question, cost about
    a sixth of the CPU of each call). Everything else is the wrapped stream's."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket = stream.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, as the wrapped stream does."""
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, as the wrapped stream does."""
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        """Close, as the wrapped stream does."""
        await self._stream.aclose()

    async def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        """Start TLS on the same socket, as the wrapped stream does."""
        return WatchedStream(await self._stream.start_tls(*args, **kwargs))

    def get_extra_info(self, info: str) -> Any:
        """The wrapped stream's answer; whether the socket is readable, directly."""
        if info == "is_readable" and self._socket is not None:
            return is_socket_readable(self._socket)
        return self._stream.get_extra_info(info)


def watch_sockets(transport: httpx.AsyncHTTPTransport) -> None:
    """Give the transport's connection pool `SocketWatch` (if its pool is the one expected)."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(pool, httpcore.AsyncConnectionPool) and backend is not None:
        pool._network_backend = SocketWatch(backend)


def _unset(value: object) -> bool:
    """Whether a timeout was left to the default (PTB's DEFAULT_NONE)."""
    return isinstance(value, type(BaseRequest.DEFAULT_NONE))

"""httpcore's network layer on plain asyncio: the sockets under the client's connection pool.

httpx's default layer is anyio's, which for every read opens a cancel scope, turns the
socket's reading on and off again (two ``epoll_ctl`` calls), and, whenever the pool looks for
a free connection, rebuilds a table of socket attributes for each idle connection to ask
whether it is readable. Here a connection is one :class:`asyncio.Protocol` that reads as data
comes (pausing past :data:`READ_AHEAD` unread bytes), with a timer per wait for the read,
write and connect timeouts. ``benchmarks/profile_speed.py delete`` measures the difference.

The mapping of failures is anyio's: a timeout is httpcore's ``ConnectTimeout``,
``ReadTimeout`` or ``WriteTimeout``; a reset or closed socket is ``ReadError`` or
``WriteError``; the peer's clean close reads as ``b""``.
"""

# ruff: noqa: ASYNC109  (httpcore's interface passes each operation its timeout)
from __future__ import annotations

import asyncio
import select
import ssl
from collections import deque
from collections.abc import Coroutine, Iterable
from typing import Any

import httpcore
import httpx

READ_AHEAD = 256 * 1024
"""Unread bytes a connection holds before it stops reading from its socket (a download
written to disk slower than it arrives keeps no more than this in memory)."""

HAPPY_EYEBALLS = 0.25
"""Seconds before the next of a name's addresses is tried while one has not connected
(anyio's delay, RFC 8305's recommended value)."""

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


def _readable(sock: Any) -> bool:
    """Whether the socket has something to read now (data or the peer's close), asked of the
    kernel: what arrived since the event loop last looked is not in the protocol yet."""
    try:
        fd = sock.fileno()
    except (AttributeError, OSError):
        return True
    if fd < 0:
        return True
    if not hasattr(select, "poll"):  # Windows (and eventlet): httpcore's anyio layer does this
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


async def _until(
    future: asyncio.Future[None], seconds: float | None, error: type[Exception]
) -> None:
    """Waits for a protocol event, raising ``error`` when ``seconds`` pass first (one timer,
    where ``asyncio.timeout`` would also reschedule and uncancel the task)."""
    if seconds is None:
        await future
        return
    handle = future.get_loop().call_later(seconds, _expire, future, error)
    try:
        await future
    finally:
        handle.cancel()


def _expire(future: asyncio.Future[None], error: type[Exception]) -> None:
    if not future.done():
        future.set_exception(error(f"timed out ({type(error).__name__})"))


class AsyncioStream(httpcore.AsyncNetworkStream, asyncio.Protocol):
    """One connection: the protocol the event loop feeds, and the stream httpcore reads."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._chunks: deque[bytes] = deque()
        self._unread = 0
        self._eof = False
        self._gone = False
        self._error: Exception | None = None
        self._closed = False
        self._reading_paused = False
        self._writing_paused = False
        self._reader: asyncio.Future[None] | None = None
        self._drainer: asyncio.Future[None] | None = None

    @property
    def unread(self) -> int:
        """Bytes received and not read yet (past :data:`READ_AHEAD`, reading is paused)."""
        return self._unread

    # -- the event loop's side (asyncio.Protocol) ------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._unread += len(data)
        if self._unread > READ_AHEAD and not self._reading_paused and self._transport:
            self._reading_paused = True
            self._transport.pause_reading()
        self._wake_reader()

    def eof_received(self) -> None:
        self._eof = True
        self._wake_reader()

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = self._gone = True
        self._error = exc
        self._wake_reader()
        drainer = self._drainer
        if drainer is not None and not drainer.done():
            drainer.set_result(None)

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        drainer = self._drainer
        if drainer is not None and not drainer.done():
            drainer.set_result(None)

    def _wake_reader(self) -> None:
        reader = self._reader
        if reader is not None and not reader.done():
            reader.set_result(None)

    # -- httpcore's side (AsyncNetworkStream) -----------------------------------------------

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._closed:
            raise httpcore.ReadError("the connection is closed")
        if not self._chunks and not self._eof:
            self._reader = self._loop.create_future()
            try:
                await _until(self._reader, timeout, httpcore.ReadTimeout)
            finally:
                self._reader = None
        if not self._chunks:
            if self._error is not None:  # reset, not closed: anyio's BrokenResourceError
                raise httpcore.ReadError(str(self._error)) from self._error
            return b""
        chunk = self._chunks.popleft()
        if len(chunk) > max_bytes:
            self._chunks.appendleft(chunk[max_bytes:])
            chunk = chunk[:max_bytes]
        self._unread -= len(chunk)
        if self._reading_paused and self._unread <= READ_AHEAD // 2 and self._transport:
            self._reading_paused = False
            self._transport.resume_reading()
        return chunk

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        transport = self._transport
        if self._closed or self._gone or transport is None or transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        transport.write(buffer)
        if self._writing_paused:
            self._drainer = self._loop.create_future()
            try:
                await _until(self._drainer, timeout, httpcore.WriteTimeout)
            finally:
                self._drainer = None
            if self._gone:
                raise httpcore.WriteError(str(self._error or "the connection was closed"))

    async def aclose(self) -> None:
        self._closed = True
        transport = self._transport
        if transport is None:
            return
        if transport.get_write_buffer_size():
            # A request cut mid-body (a cancelled upload): close() would wait for the server
            # to take the rest, which it may never do. anyio aborts such a connection too.
            transport.abort()
        else:
            transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        assert self._transport is not None
        try:
            async with asyncio.timeout(timeout):
                transport = await self._loop.start_tls(
                    self._transport, self, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError as exc:
            await self.aclose()
            raise httpcore.ConnectTimeout(str(exc)) from exc
        except (OSError, ssl.SSLError) as exc:
            await self.aclose()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:  # the loop closed it
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        return self

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "is_readable":
            if self._chunks or self._eof or transport is None:
                return True
            return _readable(transport.get_extra_info("socket"))
        if transport is None:
            return None
        name = {
            "ssl_object": "ssl_object",
            "client_addr": "sockname",
            "server_addr": "peername",
            "socket": "socket",
        }.get(info)
        return None if name is None else transport.get_extra_info(name)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Opens :class:`AsyncioStream` connections on the running asyncio loop."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # create_connection sets TCP_NODELAY, as anyio does. Happy Eyeballs as anyio's: with
        # several addresses (IPv6 and IPv4), the next is tried after HAPPY_EYEBALLS seconds, so
        # one that drops packets does not use up the connect timeout.
        local = None if local_address is None else (local_address, 0)
        opening = asyncio.get_running_loop().create_connection(
            AsyncioStream, host, port, local_addr=local, happy_eyeballs_delay=HAPPY_EYEBALLS
        )
        return await _connect(opening, timeout, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        opening = asyncio.get_running_loop().create_unix_connection(AsyncioStream, path)
        return await _connect(opening, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connect(
    opening: Coroutine[Any, Any, tuple[asyncio.Transport, AsyncioStream]],
    seconds: float | None,
    options: Iterable[SocketOption] | None,
) -> AsyncioStream:
    try:
        async with asyncio.timeout(seconds):
            _, stream = await opening
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(str(exc)) from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    sock = stream.get_extra_info("socket")
    for option in options or ():
        sock.setsockopt(*option)
    return stream


class AsyncioTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP transport with the connection pool on :class:`AsyncioBackend`."""

    def __init__(self, *, verify: ssl.SSLContext | bool, limits: httpx.Limits) -> None:
        # Not super().__init__: that builds a pool (and with verify, loads the CA bundle)
        # only to be replaced. The pool is all AsyncHTTPTransport keeps.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=AsyncioBackend(),
        )

"""The client's HTTP/1.1 transport: a keep-alive pool of :mod:`orbrowse.api.http11`
connections on plain asyncio, under ``httpx.AsyncClient``.

httpx's own transport is httpcore's pool speaking through h11 (a pure-Python parser) over a
network layer; here a connection is one :class:`asyncio.Protocol` whose answers ``httptools``
parses in C as the bytes arrive, and a request is its head written in one go. That is about
0.7 ms less client CPU a request (``benchmarks/profile_speed.py roundtrip`` and ``delete``).

What httpx's transport gives, kept: the pool honours ``httpx.Limits`` (connections, idle
connections kept, their expiry); a connection carries another request only once its answer
was read whole, and an idle one its server closed (or spoke on) is dropped, asked of the
kernel (:func:`~orbrowse.api.http11.readable`); the ``timeout`` extension's connect, read,
write and pool timeouts; TLS with Happy Eyeballs; httpcore's ``trace`` events that the pager
waits for (:data:`CONNECT_STARTED`, :data:`HEAD_WRITTEN`); a request cancelled or an answer
closed before its end closes its connection. Proxies are httpx's: the client keeps httpx's
transport when the environment names one (a transport given to httpx turns them off).
"""

# ruff: noqa: ASYNC109  (each wait is given its httpx timeout, as httpcore's layers are)
from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from orbrowse.api.eyeballs import open_socket
from orbrowse.api.http11 import READ_AHEAD, Connection, Origin, until

__all__ = ["CONNECT_STARTED", "HEAD_WRITTEN", "READ_AHEAD", "AsyncioTransport"]

CONNECT_STARTED = "connection.connect_tcp.started"
HEAD_WRITTEN = "http11.send_request_headers.complete"
"""The ``trace`` events this transport reports, named as httpcore names them."""

Trace = Callable[[str, dict[str, Any]], Awaitable[None]]

_DEFAULT_PORTS = {"http": 80, "https": 443}


class AsyncioTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over a pool of asyncio connections (see the module's docstring)."""

    def __init__(self, *, verify: ssl.SSLContext | bool, limits: httpx.Limits) -> None:
        self._ssl = httpx.create_ssl_context(verify=verify)
        self._ssl.set_alpn_protocols(["http/1.1"])
        self._max_connections = limits.max_connections
        self._max_idle = limits.max_keepalive_connections
        self._expiry = limits.keepalive_expiry
        self._connections: set[Connection] = set()
        self._idle: list[Connection] = []
        """Connections free for a request, the most recently used last."""
        self._opening = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        if scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"the URL scheme {scheme!r} is not http or https")
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        trace: Trace | None = request.extensions.get("trace")
        origin = (scheme, url.raw_host.decode("ascii"), url.port or _DEFAULT_PORTS[scheme])
        head = _head(request)
        connection = await self._acquire(origin, request, timeouts, trace)
        try:
            await _exchange(connection, request, head, timeouts, trace)
        except BaseException:
            self._drop(connection)
            raise
        return httpx.Response(
            connection.status,
            headers=connection.headers,
            stream=_Body(self, connection, timeouts.get("read")),
            extensions={
                "http_version": connection.http_version,
                "reason_phrase": connection.reason,
                "network_stream": connection,
            },
        )

    async def aclose(self) -> None:
        self._closed = True
        for connection in list(self._connections):
            self._drop(connection)
        self._wake_waiters()

    # -- the pool -------------------------------------------------------------------------

    async def _acquire(
        self,
        origin: Origin,
        request: httpx.Request,
        timeouts: dict[str, float | None],
        trace: Trace | None,
    ) -> Connection:
        loop = asyncio.get_running_loop()
        pool_timeout = timeouts.get("pool")
        deadline = None if pool_timeout is None else loop.time() + pool_timeout
        while True:
            if self._closed:
                raise httpx.ConnectError("the connection pool is closed", request=request)
            connection = self._idle_connection(origin, loop.time())
            if connection is not None:
                return connection
            limit = self._max_connections
            if limit is None or len(self._connections) + self._opening < limit:
                return await self._open(origin, timeouts.get("connect"), trace, request)
            if self._idle:  # room is taken by an idle connection to another origin
                self._drop(self._idle[0])
                continue
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                left = None if deadline is None else max(0.0, deadline - loop.time())
                await until(waiter, left, httpx.PoolTimeout)
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)

    def _idle_connection(self, origin: Origin, now: float) -> Connection | None:
        """The most recently used idle connection to ``origin`` still fit for a request;
        expired ones (and ones their server closed) met on the way are closed."""
        idle = self._idle
        for index in range(len(idle) - 1, -1, -1):
            connection = idle[index]
            expired = self._expiry is not None and now - connection.idle_since > self._expiry
            if expired or not connection.reusable:
                self._drop(connection)
            elif connection.origin == origin:
                del idle[index]
                if connection.is_readable():  # the server closed it, or spoke out of turn
                    self._drop(connection)
                    continue
                return connection
        return None

    async def _open(
        self,
        origin: Origin,
        timeout: float | None,
        trace: Trace | None,
        request: httpx.Request,
    ) -> Connection:
        _, host, port = origin
        self._opening += 1
        try:
            if trace is not None:
                await trace(CONNECT_STARTED, {"host": host, "port": port, "timeout": timeout})
            connection = await _connect(origin, self._ssl, timeout, self._lost)
        finally:
            self._opening -= 1
            self._wake_waiters()
        if self._closed:
            connection.close()
            raise httpx.ConnectError("the connection pool is closed", request=request)
        self._connections.add(connection)
        return connection

    def release(self, connection: Connection) -> None:
        """An answer was read whole: its connection waits for the next request, or closes."""
        if connection not in self._connections:
            return
        if not (connection.reusable and connection.request_sent) or self._closed:
            self._drop(connection)
            return
        connection.idle_since = asyncio.get_running_loop().time()
        self._idle.append(connection)
        if self._max_idle is not None and len(self._idle) > self._max_idle:
            self._drop(self._idle[0])
        self._wake_waiters()

    def _drop(self, connection: Connection) -> None:
        connection.close()
        self._forget(connection)

    def _lost(self, connection: Connection) -> None:
        self._forget(connection)

    def _forget(self, connection: Connection) -> None:
        if connection in self._connections:
            self._connections.discard(connection)
            if connection in self._idle:
                self._idle.remove(connection)
            self._wake_waiters()

    def _wake_waiters(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)


async def _connect(
    origin: Origin,
    context: ssl.SSLContext,
    timeout: float | None,
    on_lost: Callable[[Connection], None],
) -> Connection:
    # The transport made of the socket sets TCP_NODELAY, and closes the socket on a failure.
    scheme, host, port = origin
    tls = scheme == "https"
    try:
        async with asyncio.timeout(timeout):
            _, connection = await asyncio.get_running_loop().create_connection(
                lambda: Connection(origin, on_lost),
                sock=await open_socket(host, port),
                ssl=context if tls else None,
                server_hostname=host if tls else None,
            )
    except TimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "timed out (ConnectTimeout)") from exc
    except OSError as exc:  # ssl.SSLError is one too
        raise httpx.ConnectError(str(exc)) from exc
    return connection


async def _exchange(
    connection: Connection,
    request: httpx.Request,
    head: bytes,
    timeouts: dict[str, float | None],
    trace: Trace | None,
) -> None:
    """Write ``request`` (its ``head`` made) and wait for its answer's head."""
    write_timeout = timeouts.get("write")
    connection.begin(request.method)
    try:
        body: bytes | None = request.content
    except httpx.RequestNotRead:  # a stream: an upload
        body = None
    try:
        # A bytes body goes out with its head in one write (one segment for a delete).
        await connection.send(head + body if body else head, write_timeout)
        if trace is not None:
            await trace(HEAD_WRITTEN, {"request": request})
        if body is None:
            await _send_stream(connection, request, write_timeout)
        connection.request_sent = True
    except httpx.WriteError:
        # The server may have answered and closed (a refusal before the whole upload): its
        # answer is read as usual; with none, that raises (as httpcore does).
        pass
    await connection.receive_head(timeouts.get("read"))


def _head(request: httpx.Request) -> bytes:
    """The request line and headers, refused if a header would break the framing."""
    lines = [f"{request.method} ".encode("ascii"), request.url.raw_path, b" HTTP/1.1\r\n"]
    raw = request.headers.raw
    for name, value in raw:
        lines += (name, b": ", value, b"\r\n")
    lines.append(b"\r\n")
    head = b"".join(lines)
    breaks = len(raw) + 2
    if head.count(b"\n") != breaks or head.count(b"\r") != breaks or b"\0" in head:
        raise httpx.LocalProtocolError("a request header holds a line break or a NUL")
    return head


async def _send_stream(
    connection: Connection, request: httpx.Request, timeout: float | None
) -> None:
    """A streamed body, framed as its headers say: chunked, or exactly its Content-Length."""
    headers = request.headers
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    declared = None if chunked else int(headers.get("content-length", "0"))
    sent = 0
    stream = request.stream
    assert isinstance(stream, httpx.AsyncByteStream)
    async for chunk in stream:
        if not chunk:
            continue
        sent += len(chunk)
        if chunked:
            await connection.send(b"%x\r\n%b\r\n" % (len(chunk), chunk), timeout)
            continue
        if declared is not None and sent > declared:
            raise httpx.LocalProtocolError("Too much data for declared Content-Length")
        await connection.send(chunk, timeout)
    if chunked:
        await connection.send(b"0\r\n\r\n", timeout)
    elif declared is not None and sent < declared:
        raise httpx.LocalProtocolError("Too little data for declared Content-Length")


class _Body(httpx.AsyncByteStream):
    """An answer's body as it arrives; read whole, its connection goes back to the pool,
    closed before its end, the connection is closed."""

    def __init__(self, pool: AsyncioTransport, connection: Connection, timeout: float | None):
        self._pool = pool
        self._connection = connection
        self._timeout = timeout
        self._done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        try:
            while (chunk := await connection.next_chunk(self._timeout)) is not None:
                yield chunk
        except BaseException:
            self._end(whole=False)
            raise
        self._end(whole=True)

    async def aclose(self) -> None:
        self._end(whole=self._connection.complete and not self._connection.unread)

    def _end(self, *, whole: bool) -> None:
        if self._done:
            return
        self._done = True
        if whole:
            self._pool.release(self._connection)
        else:
            self._pool._drop(self._connection)

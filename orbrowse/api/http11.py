"""One HTTP/1.1 client connection: an :class:`asyncio.Protocol` that writes requests and
parses answers with ``httptools`` (llhttp, the C parser under uvicorn and Node.js).

The event loop feeds the parser as bytes arrive; the request's task only waits for a head, a
body piece or the end. Body bytes held unread are bounded (:data:`READ_AHEAD`: past it the
socket is not read until the reader catches up), and so is an answer's head
(:data:`MAX_HEAD`). Failures are httpx's exceptions, as httpx's own transport raises them:
a timeout is ``ReadTimeout`` or ``WriteTimeout``, a reset ``ReadError`` or ``WriteError``, an
answer that breaks HTTP or ends early ``RemoteProtocolError`` (never a short body).

The pool that opens, lends and reuses connections is :mod:`orbrowse.api.network`.
"""

# ruff: noqa: ASYNC109  (each wait is given its httpx timeout, as httpcore's layers are)
from __future__ import annotations

import asyncio
import select
from collections import deque
from collections.abc import Callable
from typing import Any

import httptools
import httpx

READ_AHEAD = 256 * 1024
"""Unread body bytes a connection holds before it stops reading from its socket (a download
written to disk slower than it arrives keeps no more than this in memory)."""

READ_SIZE = 64 * 1024
"""The largest body piece handed to httpx (httpcore's read size): a reader that stops early
(the preview's byte cap) has taken at most this much past what it wanted."""

MAX_HEAD = 64 * 1024
"""The most bytes an answer's status line and headers may take (h11, httpx's parser, allows
16 KiB; llhttp sets no bound of its own): a server sending endless headers is cut off. So are
as many bytes in a row with no body in them (chunk extensions, trailers): llhttp takes any
length of them, and each restarts the read timeout."""

Origin = tuple[str, str, int]
"""``(scheme, host, port)``: connections are reused only for the origin they were opened to."""


def readable(sock: Any) -> bool:
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


async def until(
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
        future.set_exception(error(f"timed out ({error.__name__})"))


class Connection(asyncio.Protocol):
    """One connection to ``origin``, carrying one request at a time (:meth:`begin` each)."""

    def __init__(self, origin: Origin, on_lost: Callable[[Connection], None]) -> None:
        self.origin = origin
        self.idle_since = 0.0
        self.reusable = True
        """False once anything makes the connection unfit for another request."""
        self._on_lost = on_lost
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._eof = False
        self._error: Exception | None = None
        self._closed = False
        self._writing_paused = False
        self._reading_paused = False
        self._waiter: asyncio.Future[None] | None = None
        self._drainer: asyncio.Future[None] | None = None
        self._accepting = False
        self._parser = httptools.HttpResponseParser(self)
        self._start_exchange(head_only=False)

    def _start_exchange(self, *, head_only: bool) -> None:
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.http_version = b"HTTP/1.1"
        self.head_done = False
        self.complete = False
        self.request_sent = False
        self._head_only = head_only
        self._interim = False
        self._until_close = False
        self._received = 0
        self._barren = 0
        """Bytes received in a row with nothing for the reader (head, chunk framing)."""
        self._chunks: deque[bytes] = deque()
        self._unread = 0
        self._failure: httpx.TransportError | None = None

    @property
    def unread(self) -> int:
        """Body bytes received and not read yet (past :data:`READ_AHEAD`, reading pauses)."""
        return self._unread

    @property
    def socket(self) -> Any:
        return None if self._transport is None else self._transport.get_extra_info("socket")

    # -- the request's side -----------------------------------------------------------------

    def begin(self, method: str) -> None:
        """Start an exchange: the answer to the request about to be written is parsed."""
        self._parser = httptools.HttpResponseParser(self)
        # Control bytes in a header's value are data, as h11 takes them (RFC 9110 5.5 allows
        # it; a CR or LF still ends the line, so nothing can be smuggled past the framing), but
        # a NUL, which h11 and RFC 9110 refuse (:meth:`on_header`). Strict, llhttp would refuse
        # them all: a stray escape in any header would fail every request.
        self._parser.set_dangerous_leniencies(lenient_headers=True)
        self._start_exchange(head_only=method == "HEAD")
        self._accepting = True

    async def send(self, data: bytes, timeout: float | None) -> None:
        """Write ``data``; while the socket's buffer is full, wait up to ``timeout``."""
        transport = self._transport
        if self._closed or transport is None or transport.is_closing():
            raise httpx.WriteError("the connection is closed")
        transport.write(data)
        if self._writing_paused:
            # An answer that came while the server does not take the rest ends the writing
            # (an upload refused with a 413 or a 401): it is read instead of a WriteTimeout.
            if not self.head_done:
                self._drainer = self._loop.create_future()
                try:
                    await until(self._drainer, timeout, httpx.WriteTimeout)
                finally:
                    self._drainer = None
            if transport.is_closing():
                raise httpx.WriteError(str(self._error or "the connection was closed"))
            if self._writing_paused:
                raise httpx.WriteError("the server answered before taking the whole request")

    async def receive_head(self, timeout: float | None) -> None:
        """Wait until the answer's status line and headers are in."""
        while not self.head_done:
            self._raise_failure()
            if self._eof:
                if not self._received:
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response."
                    )
                raise httpx.RemoteProtocolError("the connection closed in the answer's head")
            await self._wait(timeout)

    async def next_chunk(self, timeout: float | None) -> bytes | None:
        """The next piece of the body (at most :data:`READ_SIZE`), ``None`` at its end."""
        while True:
            chunks = self._chunks
            if chunks:
                chunk = chunks.popleft()
                if len(chunk) > READ_SIZE:
                    chunks.appendleft(chunk[READ_SIZE:])
                    chunk = chunk[:READ_SIZE]
                self._unread -= len(chunk)
                if self._reading_paused and self._unread <= READ_AHEAD // 2:
                    self._reading_paused = False
                    if self._transport is not None:
                        self._transport.resume_reading()
                return chunk
            if self.complete:
                return None
            self._raise_failure()
            if self._eof:
                raise httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body"
                )
            await self._wait(timeout)

    def is_readable(self) -> bool:
        """Whether an idle connection has heard from its server (data or a close): then it
        must not carry another request."""
        if self._eof or self._chunks or self._transport is None:
            return True
        return readable(self.socket)

    def close(self) -> None:
        """Close now; a request cut mid-body is aborted (``close`` would wait for the server
        to take the rest, which it may never do)."""
        self._closed = True
        self.reusable = False
        self._accepting = False
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        if transport.get_write_buffer_size():
            transport.abort()
        else:
            transport.close()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise httpx.ReadError("the connection is closed")
        if self._eof and self._error is not None:  # reset, not closed
            raise httpx.ReadError(str(self._error)) from self._error

    async def _wait(self, timeout: float | None) -> None:
        self._waiter = self._loop.create_future()
        try:
            await until(self._waiter, timeout, httpx.ReadTimeout)
        finally:
            self._waiter = None

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _fail(self, failure: httpx.TransportError) -> None:
        if self._failure is None:
            self._failure = failure
        self.reusable = False
        self._accepting = False
        if self._transport is not None:
            self._transport.abort()

    # -- the event loop's side (asyncio.Protocol) --------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if not self._accepting:  # nothing asked: a server speaking out of turn
            self.reusable = False
            if self._transport is not None:
                self._transport.close()
            return
        self._received += len(data)
        unread = self._unread
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(httpx.RemoteProtocolError("the server switched protocols"))
        except httptools.HttpParserError as exc:
            cause = exc.__context__  # what a callback of ours refused
            if not isinstance(cause, httpx.RemoteProtocolError):
                cause = httpx.RemoteProtocolError(f"a malformed answer: {exc}")
            self._fail(cause)
        else:
            if self._unread != unread or self.complete:
                self._barren = 0
            else:
                self._barren += len(data)
                if self._barren > MAX_HEAD:
                    what = "chunk framing with no body" if self.head_done else "an answer's head"
                    self._fail(
                        httpx.RemoteProtocolError(f"{what} of more than {MAX_HEAD // 1024} KiB")
                    )
        if self.head_done and self._drainer is not None and not self._drainer.done():
            self._drainer.set_result(None)  # an answer while the request waits to be written
        self._wake()

    def eof_received(self) -> bool | None:
        self._ended(None)
        return None  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended(exc)
        drainer = self._drainer
        if drainer is not None and not drainer.done():
            drainer.set_result(None)
        self._on_lost(self)

    def _ended(self, exc: Exception | None) -> None:
        self._eof = True
        self.reusable = False
        if exc is not None and self._error is None:
            self._error = exc
        if (
            self.head_done
            and not self.complete
            and self._until_close
            and self._error is None
            and self._failure is None
            and not self._closed
        ):
            self.complete = True  # a body without length or chunks ends with the connection
        self._wake()

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        drainer = self._drainer
        if drainer is not None and not drainer.done():
            drainer.set_result(None)

    # -- httptools' callbacks ----------------------------------------------------------------

    def on_message_begin(self) -> None:
        if self.complete:  # a second answer to one request
            self.reusable = False

    def on_status(self, status: bytes) -> None:
        if not self.head_done:
            self.reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        if 0 in value or name[-1] == 0x20:  # a NUL; a space llhttp took after a framing name
            raise httpx.RemoteProtocolError(
                f"a malformed answer: a NUL in the header {name!r}"
                if 0 in value
                else f"a malformed answer: a space before the colon after {name!r}"
            )
        if not self.head_done:
            self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.head_done:
            return
        if 0 in self.reason:  # llhttp takes it, even strict; h11 refused it
            raise httpx.RemoteProtocolError("a malformed answer: a NUL in the status line")
        status = self._parser.get_status_code()
        if 100 <= status < 200 and status != 101:  # 100 Continue, 103 Early Hints: skipped
            self._interim = True
            self.headers = []
            self.reason = b""
            return
        self.status = status
        self.http_version = b"HTTP/" + self._parser.get_http_version().encode("ascii")
        length = encoding = None
        for name, value in self.headers:
            lowered = name.lower()
            if lowered == b"content-length":
                length = value
            elif lowered == b"transfer-encoding":
                encoding = value
        self._until_close = (
            length is None
            if encoding is None
            else not encoding.lower().rstrip().endswith(b"chunked")
        )
        if status == 101:
            return  # llhttp raises HttpParserUpgrade next: a protocol switch never asked for
        self.head_done = True
        if self._head_only:  # llhttp does not know the request; no body follows a HEAD
            self._finish(keep_alive=False)

    def on_body(self, body: bytes) -> None:
        if self.complete:
            self.reusable = False
            return
        self._chunks.append(body)
        self._unread += len(body)
        if self._unread > READ_AHEAD and not self._reading_paused and self._transport:
            self._reading_paused = True
            self._transport.pause_reading()

    def on_message_complete(self) -> None:
        if self._interim:
            self._interim = False
            return
        if not self.complete:
            self._finish(keep_alive=self._parser.should_keep_alive())

    def _finish(self, *, keep_alive: bool) -> None:
        self.complete = True
        self._accepting = False
        if not keep_alive:
            self.reusable = False

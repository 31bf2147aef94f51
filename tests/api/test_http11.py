"""The client's HTTP/1.1 transport (orbrowse.api.network over orbrowse.api.http11) on real
loopback sockets: against the emulator, and against a tiny raw asyncio server for framing the
emulator never produces (chunked, close-delimited, truncated bodies, oversized heads, HEAD,
interim answers, a server speaking out of turn).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import APIConnectionError
from orbrowse.api.http11 import MAX_HEAD, READ_SIZE
from orbrowse.api.network import CONNECT_STARTED, HEAD_WRITTEN, AsyncioTransport
from orbrowse.api.retry import RetryPolicy
from orbrowse.emulator.server import RunningEmulator

LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4)

Handler = Callable[["Exchange"], Awaitable[None]]


@dataclass
class Exchange:
    """One connection as the raw server sees it: read requests, write anything."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    number: int

    async def request(self) -> tuple[bytes, bytes]:
        """The next request's head and its body (by Content-Length or chunks)."""
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.lower().split(b"\r\n")
        length = next((int(x.split(b":")[1]) for x in lines if x.startswith(b"content-length:")), 0)
        if any(x.startswith(b"transfer-encoding:") and b"chunked" in x for x in lines):
            body = b""
            while size := int((await self.reader.readuntil(b"\r\n"))[:-2], 16):
                body += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readexactly(2)
            return head, body
        return head, await self.reader.readexactly(length)

    async def answer(self, raw: bytes) -> None:
        self.writer.write(raw)
        await self.writer.drain()


@dataclass
class Server:
    url: str
    connections: int = 0
    closed: list[int] = field(default_factory=list)
    """Connection numbers in the order the client closed them (seen as EOF by the server)."""

    async def closed_by_client(self, number: int) -> None:
        async with asyncio.timeout(5):
            while number not in self.closed:  # noqa: ASYNC110 (the server's view)
                await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def raw_server(*handlers: Handler) -> AsyncIterator[Server]:
    """A loopback server running ``handlers[n]`` on its n-th connection (the last one for
    any after), then waiting for the client to close the connection."""
    state = Server("")

    tasks: list[asyncio.Task[object]] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.append(task)
        number = state.connections
        state.connections += 1
        try:
            with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
                await handlers[min(number, len(handlers) - 1)](Exchange(reader, writer, number))
            with contextlib.suppress(ConnectionError):
                while await reader.read(65536):
                    pass
            state.closed.append(number)
        except asyncio.CancelledError:
            pass  # the test is over
        finally:
            writer.transport.abort()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield state
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def transport(
    *, max_connections: int = 4, max_keepalive_connections: int = 4, keepalive_expiry: float = 5
) -> AsyncioTransport:
    limits = httpx.Limits(
        max_connections=max_connections,
        max_keepalive_connections=max_keepalive_connections,
        keepalive_expiry=keepalive_expiry,
    )
    return AsyncioTransport(verify=False, limits=limits)


def ok(body: bytes = b"ok", *extra: bytes) -> bytes:
    head = [b"HTTP/1.1 200 OK", b"Content-Length: %d" % len(body), *extra]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


async def answers_ok(exchange: Exchange) -> None:
    while True:
        await exchange.request()
        await exchange.answer(ok())


# -- against the emulator ---------------------------------------------------------------------


async def test_requests_to_the_emulator_share_one_kept_alive_connection(
    emulator: RunningEmulator,
) -> None:
    pool = AsyncioTransport(verify=False, limits=LIMITS)
    headers = {"Authorization": f"Bearer {emulator.keys.management_key}"}
    async with httpx.AsyncClient(transport=pool, headers=headers) as http:
        for _ in range(5):
            response = await http.get(f"{emulator.url}/files")
            assert response.status_code == 200 and "data" in response.json()
        assert len(pool._connections) == 1
        # Four at once need four connections; they all stay for the next requests.
        await asyncio.gather(*(http.get(f"{emulator.url}/files") for _ in range(4)))
        assert len(pool._connections) == 4 and len(pool._idle) == 4
    assert not pool._connections


async def test_a_streamed_upload_arrives_whole_at_the_emulator(
    emulator: RunningEmulator,
) -> None:
    pool = AsyncioTransport(verify=False, limits=LIMITS)
    headers = {"Authorization": f"Bearer {emulator.keys.management_key}"}
    content = b"a line of text\n" * 70_000  # 1 MiB: the socket's buffer fills, writing waits

    async def body() -> AsyncIterator[bytes]:
        for start in range(0, len(content), 100_000):
            yield content[start : start + 100_000]

    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="lines.txt"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    async def whole() -> AsyncIterator[bytes]:
        yield head
        async for chunk in body():
            yield chunk
        yield tail

    async with httpx.AsyncClient(transport=pool, headers=headers) as http:
        response = await http.post(
            f"{emulator.url}/files",
            content=whole(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(len(head) + len(content) + len(tail)),
            },
        )
    assert response.status_code in (200, 201), response.text
    stored = emulator.store.get(emulator.store.default_workspace_id, response.json()["id"])
    assert stored is not None and emulator.store.content_of(stored) == content


async def test_trace_reports_the_connection_then_the_written_head(
    emulator: RunningEmulator,
) -> None:
    events: list[str] = []

    async def trace(name: str, info: dict[str, object]) -> None:
        events.append(name)

    headers = {"Authorization": f"Bearer {emulator.keys.management_key}"}
    async with httpx.AsyncClient(transport=transport(), headers=headers) as http:
        for _ in range(2):
            await http.get(f"{emulator.url}/files", extensions={"trace": trace})
    assert events == [CONNECT_STARTED, HEAD_WRITTEN, HEAD_WRITTEN]


# -- framing (a raw server) -------------------------------------------------------------------


async def test_a_chunked_answer_is_read_whole_and_keeps_the_connection() -> None:
    async def chunked(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in (b"hello ", b"chunked ", b"world"):
            await exchange.answer(b"%x\r\n%b\r\n" % (len(piece), piece))
        await exchange.answer(b"0\r\n\r\n")
        await answers_ok(exchange)

    async with raw_server(chunked) as server, httpx.AsyncClient(transport=transport()) as http:
        first = await http.get(server.url)
        second = await http.get(server.url)
    assert first.content == b"hello chunked world"
    assert second.content == b"ok"
    assert server.connections == 1


async def test_a_close_delimited_answer_ends_with_the_connection() -> None:
    async def until_close(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")
        exchange.writer.close()

    async with (
        raw_server(until_close, answers_ok) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        first = await http.get(server.url)
        second = await http.get(server.url)
    assert first.content == b"all of it"
    assert second.content == b"ok"
    assert server.connections == 2


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nonly this\r\n",
    ],
    ids=["content-length", "chunked"],
)
async def test_a_truncated_body_raises_and_never_reads_as_complete(answer: bytes) -> None:
    async def cuts(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(answer)
        exchange.writer.close()

    received = b""
    async with (
        raw_server(cuts) as server,
        httpx.AsyncClient(transport=transport()) as http,
        http.stream("GET", server.url) as response,
    ):
        assert response.status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            async for chunk in response.aiter_raw():
                received += chunk
    assert received == b"only this"


async def test_a_head_larger_than_the_bound_is_refused() -> None:
    async def endless_headers(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(b"HTTP/1.1 200 OK\r\n")
        with contextlib.suppress(ConnectionError):
            for number in range(MAX_HEAD // 1000 * 4):
                await exchange.answer(b"X-Filler-%d: %b\r\n" % (number, b"y" * 1000))

    async with (
        raw_server(endless_headers) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        with pytest.raises(httpx.RemoteProtocolError, match="head of more than 64 KiB"):
            await http.get(server.url)


async def test_an_answer_that_is_not_http_is_a_protocol_error() -> None:
    async def garbage(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

    async with raw_server(garbage) as server, httpx.AsyncClient(transport=transport()) as http:
        with pytest.raises(httpx.RemoteProtocolError, match="malformed"):
            await http.get(server.url)


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length : 100\r\n\r\nonly this",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\n\r\n64\r\nonly this",
    ],
    ids=["content-length", "chunked"],
)
async def test_a_header_name_with_a_space_before_its_colon_is_refused(answer: bytes) -> None:
    # llhttp, lenient about header values, frames the body by such a header; missed as a
    # framing header, the cut body would read as a whole close-delimited one. h11 refuses it.
    async def cuts(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(answer)
        exchange.writer.close()

    async with raw_server(cuts) as server, httpx.AsyncClient(transport=transport()) as http:
        with pytest.raises(httpx.RemoteProtocolError, match="space before"):
            await http.get(server.url)


def _with(line: bytes) -> bytes:
    return ok(b"ok", line)


@pytest.mark.parametrize(
    "answer",
    [
        _with(b"X-Note: a\x00b"),
        _with(b"X-Note: \x00"),
        _with(b"Connection: keep-alive\x00"),
        _with(b"X-Note: folded\r\n\tover\x00two lines"),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\x00\r\n\r\n2\r\nok\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: \x00\r\n\r\n",
        _with(b"X\x00Note: a"),
        _with(b"X Note: a"),
        _with(b"Connection : keep-alive"),
        b"HTTP/1.1 200 O\x00K\r\nContent-Length: 2\r\n\r\nok",
    ],
    ids=[
        "nul",
        "only-nul",
        "connection-nul",
        "folded-nul",
        "transfer-encoding-nul",
        "trailer-nul",
        "name-nul",
        "name-space",
        "name-space-before-colon",
        "reason-nul",
    ],
)
async def test_a_forbidden_byte_in_a_header_is_refused_and_the_connection_dropped(
    answer: bytes,
) -> None:
    # RFC 9110 5.5: a field value holds no NUL, CR or LF, and a name is a token. llhttp, lenient
    # about header values (below), took a NUL, which h11 refused (in the status line too), and
    # a space before the colon after a framing header's name.
    async def forbidden(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(answer)
        await answers_ok(exchange)

    async with (
        raw_server(forbidden, answers_ok) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        with pytest.raises(httpx.RemoteProtocolError, match="malformed"):
            await http.get(server.url)
        assert (await http.get(server.url)).content == b"ok"
        await server.closed_by_client(0)
    assert server.connections == 2


@pytest.mark.parametrize("value", [b"\x01", b"red\x1b[31m", b"a\x7f"])
async def test_other_control_bytes_in_a_header_value_are_kept_as_data(value: bytes) -> None:
    # As h11 keeps them (RFC 9110 5.5 allows it): strict llhttp would refuse the answer, so
    # one stray byte in any header would fail every request.
    async def stray(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(ok(b"ok", b"X-Note: " + value))
        await answers_ok(exchange)

    async with raw_server(stray) as server, httpx.AsyncClient(transport=transport()) as http:
        first = await http.get(server.url)
        second = await http.get(server.url)
    assert (first.headers.raw[-1], first.content) == ((b"X-Note", value), b"ok")
    assert (second.content, server.connections) == (b"ok", 1)


async def test_the_files_client_takes_a_forbidden_header_byte_as_a_lost_connection(
    api_key: str,
) -> None:
    async def forbidden(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(ok(b"{}", b"X-Note: \x00"))

    retry = RetryPolicy(max_attempts=1)
    async with (
        raw_server(forbidden) as server,
        FilesClient(api_key, base_url=server.url + "/api/v1", retry=retry) as client,
    ):
        with pytest.raises(APIConnectionError, match="connection was lost"):
            await client.get_file("file-1")


CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(
    ("first", "filler"),
    [
        (CHUNKED_HEAD, b"0" * 1024),  # llhttp takes leading zeros without end
        (CHUNKED_HEAD + b"1;", b"x" * 1024),
        (CHUNKED_HEAD + b"0\r\n", b"X-Trailer: %b\r\n" % (b"t" * 1000)),
        (b"", b"HTTP/1.1 100 Continue\r\n\r\n" * 40),
    ],
    ids=["chunk-size", "chunk-extension", "trailers", "interim-answers"],
)
async def test_endless_bytes_that_are_no_body_are_cut_off(first: bytes, filler: bytes) -> None:
    # llhttp takes chunk extensions and trailers of any length without handing anything
    # over, and every byte restarts the read timeout: a stream of them would never end
    # (h11 bounds a line at 16 KiB).
    async def endless(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(first)
        for _ in range(4 * MAX_HEAD // len(filler)):
            await exchange.answer(filler)
        await asyncio.sleep(30)

    async with raw_server(endless) as server, httpx.AsyncClient(transport=transport()) as http:
        with pytest.raises(httpx.RemoteProtocolError, match="more than 64 KiB"):
            await http.get(server.url, timeout=5)


async def test_head_204_and_interim_answers_have_no_body() -> None:
    async def answers(exchange: Exchange) -> None:
        await exchange.request()  # HEAD: a length, and no body follows
        await exchange.answer(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        exchange.writer.close()

    async def then(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(b"HTTP/1.1 204 No Content\r\n\r\n")
        await exchange.request()
        await exchange.answer(b"HTTP/1.1 100 Continue\r\n\r\n" + ok(b"after the 100"))
        await answers_ok(exchange)

    async with (
        raw_server(answers, then) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        head = await http.head(server.url)
        empty = await http.get(server.url)
        continued = await http.get(server.url)
    assert (head.status_code, head.headers["content-length"], head.content) == (200, "1000", b"")
    assert (empty.status_code, empty.content) == (204, b"")
    assert (continued.status_code, continued.content) == (200, b"after the 100")
    assert server.connections == 2  # the HEAD's connection is not reused; the 204's is


async def test_connection_close_answers_and_out_of_turn_bytes_are_not_reused() -> None:
    async def closes(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(ok(b"bye", b"Connection: close"))

    async def speaks_out_of_turn(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(ok(b"first") + b"HTTP/1.1 200 OK\r\n")  # a second answer begins
        await answers_ok(exchange)

    async with (
        raw_server(closes, speaks_out_of_turn, answers_ok) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        answers = [(await http.get(server.url)).content for _ in range(3)]
    assert answers == [b"bye", b"first", b"ok"]
    assert server.connections == 3


async def test_an_idle_connection_the_server_spoke_on_is_not_reused() -> None:
    async def chatty(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(ok(b"first"))
        await asyncio.sleep(0.05)
        await exchange.answer(b"unasked")
        await answers_ok(exchange)

    async with (
        raw_server(chatty, answers_ok) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        first = await http.get(server.url)
        await asyncio.sleep(0.3)
        second = await http.get(server.url)
    assert (first.content, second.content) == (b"first", b"ok")
    assert server.connections == 2


async def test_a_body_is_split_into_reads_of_at_most_read_size() -> None:
    big = b"z" * (READ_SIZE * 3 + 5)

    async def large(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(ok(big))

    async with (
        raw_server(large) as server,
        httpx.AsyncClient(transport=transport()) as http,
        http.stream("GET", server.url) as response,
    ):
        pieces = [chunk async for chunk in response.aiter_raw()]
    assert b"".join(pieces) == big
    assert max(map(len, pieces)) <= READ_SIZE


# -- request bodies ---------------------------------------------------------------------------


async def test_request_bodies_are_framed_by_length_or_by_chunks() -> None:
    seen: list[tuple[bytes, bytes]] = []

    async def records(exchange: Exchange) -> None:
        while True:
            seen.append(await exchange.request())
            await exchange.answer(ok())

    async def stream() -> AsyncIterator[bytes]:
        yield b"streamed "
        yield b""
        yield b"in pieces"

    async with raw_server(records) as server, httpx.AsyncClient(transport=transport()) as http:
        await http.post(server.url, content=b"bytes body")
        await http.post(server.url, content=stream())
    assert [body for _, body in seen] == [b"bytes body", b"streamed in pieces"]
    assert b"content-length: 10" in seen[0][0].lower()
    assert b"transfer-encoding: chunked" in seen[1][0].lower()
    assert server.connections == 1


async def test_a_stream_shorter_than_its_content_length_fails_and_closes() -> None:
    async def short() -> AsyncIterator[bytes]:
        yield b"four"

    async with (
        raw_server(answers_ok) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        with pytest.raises(httpx.LocalProtocolError, match="Too little data"):
            await http.post(server.url, content=short(), headers={"Content-Length": "10"})
        assert (await http.get(server.url)).content == b"ok"
    assert server.connections == 2


async def test_a_header_with_a_line_break_is_refused_before_anything_is_sent() -> None:
    async with raw_server(answers_ok) as server, httpx.AsyncClient(transport=transport()) as http:
        with pytest.raises(httpx.LocalProtocolError):
            await http.get(server.url, headers={"X-Evil": "a\r\nX-Injected: 1"})
    assert server.connections == 0


async def test_an_early_answer_to_an_upload_is_read() -> None:
    # The server refuses before taking the body and closes: the write fails, the answer is
    # what the client sees (as httpcore does).
    async def refuses(exchange: Exchange) -> None:
        await exchange.reader.readuntil(b"\r\n\r\n")
        await exchange.answer(ok(b"too large", b"Connection: close").replace(b"200 OK", b"413 No"))
        exchange.writer.transport.abort()

    async def big() -> AsyncIterator[bytes]:
        for _ in range(200):
            yield b"u" * 65536
            await asyncio.sleep(0)

    async with raw_server(refuses) as server, httpx.AsyncClient(transport=transport()) as http:
        response = await http.post(
            server.url, content=big(), headers={"Content-Length": str(200 * 65536)}
        )
    assert (response.status_code, response.content) == (413, b"too large")


async def test_an_early_answer_to_an_upload_the_server_stops_reading_is_read() -> None:
    # The server answers before the body and keeps the connection without reading on: the
    # upload would wait for room to write until its write timeout, the answer unread.
    async def refuses(exchange: Exchange) -> None:
        await exchange.reader.readuntil(b"\r\n\r\n")
        await exchange.answer(ok(b"too large").replace(b"200 OK", b"413 No"))
        await asyncio.sleep(30)

    async def big() -> AsyncIterator[bytes]:
        for _ in range(2000):
            yield b"u" * 65536

    pool = transport()
    async with raw_server(refuses) as server, httpx.AsyncClient(transport=pool) as http:
        response = await http.post(
            server.url, content=big(), headers={"Content-Length": str(2000 * 65536)}, timeout=5
        )
        assert (response.status_code, response.content) == (413, b"too large")
        assert not pool._connections  # closed: the body was cut short


# -- the pool, timeouts, cancellation ---------------------------------------------------------


async def test_an_answer_closed_before_its_end_closes_its_connection() -> None:
    async def long(exchange: Exchange) -> None:
        await exchange.request()
        await exchange.answer(ok(b"x" * 1_000_000))
        await answers_ok(exchange)

    async with (
        raw_server(long, answers_ok) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        async with http.stream("GET", server.url) as response:
            await anext(response.aiter_raw())
        assert (await http.get(server.url)).content == b"ok"
        await server.closed_by_client(0)
    assert server.connections == 2


async def test_a_cancelled_request_closes_its_connection() -> None:
    arrived = asyncio.Event()

    async def slow(exchange: Exchange) -> None:
        await exchange.request()
        arrived.set()  # and no answer

    async with (
        raw_server(slow, answers_ok) as server,
        httpx.AsyncClient(transport=transport()) as http,
    ):
        task = asyncio.ensure_future(http.get(server.url))
        await arrived.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert (await http.get(server.url)).content == b"ok"
        await server.closed_by_client(0)
    assert server.connections == 2


@pytest.mark.parametrize("addresses", [1, 2])
async def test_a_request_cancelled_while_it_connects_leaves_no_socket_behind(
    addresses: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pager cancels speculative requests, some while they connect. asyncio's Happy
    # Eyeballs (create_connection's staggered race) loses the socket that connected when it
    # is cancelled in the loop's next steps: left to the garbage collector, a ResourceWarning.
    async def resolve(host: str, port: int, **_: object) -> list[Any]:
        stream = (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "")
        return [(*stream, ("127.0.0.1", port))] * addresses

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolve)
    async with raw_server(answers_ok) as server:
        url = server.url.replace("127.0.0.1", "addresses.example")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            for steps in range(12):
                async with httpx.AsyncClient(transport=transport()) as http:
                    request = asyncio.ensure_future(http.get(url))
                    for _ in range(steps):
                        await asyncio.sleep(0)
                    request.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await request
            gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []


async def test_an_address_is_connected_to_without_the_resolver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # getaddrinfo runs in a thread of the loop's executor: a thread hop for each connection
    # (and the executor started) that an address like the emulator's does not need.
    async def no_resolver(*args: object, **kwargs: object) -> list[Any]:
        raise AssertionError("the resolver was asked")

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", no_resolver)
    async with raw_server(answers_ok) as server, httpx.AsyncClient(transport=transport()) as http:
        assert (await http.get(server.url)).content == b"ok"


async def test_timeouts_are_httpx_timeouts() -> None:
    async def silent(exchange: Exchange) -> None:
        await exchange.request()
        await asyncio.sleep(30)

    async with raw_server(silent) as server:
        async with httpx.AsyncClient(transport=transport(max_connections=1)) as http:
            first = asyncio.ensure_future(http.get(server.url, timeout=5))
            await asyncio.sleep(0.1)
            with pytest.raises(httpx.PoolTimeout):
                await http.get(server.url, timeout=httpx.Timeout(5, pool=0.1))
            with pytest.raises(httpx.ReadTimeout):
                await http.get(server.url, timeout=httpx.Timeout(5, read=0.1, pool=10))
            first.cancel()
            with contextlib.suppress(asyncio.CancelledError, httpx.ReadTimeout):
                await first
        async with httpx.AsyncClient(transport=transport()) as http:
            with pytest.raises(httpx.ConnectError):
                await http.get("http://127.0.0.1:1/")


async def test_the_pool_keeps_its_limits() -> None:
    release = asyncio.Event()

    async def held(exchange: Exchange) -> None:
        while True:
            await exchange.request()
            await release.wait()
            await exchange.answer(ok())

    pool = transport(max_connections=2, max_keepalive_connections=1)
    async with raw_server(held) as server, httpx.AsyncClient(transport=pool) as http:
        requests = [asyncio.ensure_future(http.get(server.url)) for _ in range(3)]
        async with asyncio.timeout(30):
            while server.connections < 2:  # noqa: ASYNC110 (a state, not an event)
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # time for a third connection, were the limit not kept
        assert server.connections == 2  # the third waits for a connection
        release.set()
        assert [r.content for r in await asyncio.gather(*requests)] == [b"ok"] * 3
        assert len(pool._idle) == 1 and len(pool._connections) == 1
    expiring = transport(keepalive_expiry=0)
    async with raw_server(answers_ok) as server, httpx.AsyncClient(transport=expiring) as http:
        for _ in range(2):
            await http.get(server.url)
            await asyncio.sleep(0.01)
    assert server.connections == 2

"""A deliberately broken HTTP server for the failure modes the emulator must not produce.

It speaks raw HTTP/1.1 over asyncio streams on ``127.0.0.1`` (port 0: a free one) from a
daemon thread with its own event loop, so a route can write anything at any pace: a body
that never ends, one byte every few seconds, headers no proxy would pass, a connection cut
after the request is read. Each connection carries one request and is closed afterwards.

The failure mode is the first path segment, so every mode is a base URL of its own::

    with start_fake_server() as fake:
        client = FilesClient(KEY, base_url=fake.url("huge"))   # http://127.0.0.1:P/huge/api/v1
        ...
        assert fake.count("huge") == 1                        # not retried

Adding a mode is one decorated coroutine::

    @route("teapot")
    async def teapot(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
        await respond(writer, 418, b"{}")

or, for one test only, ``fake.add_route("name", handler)``. ``options`` holds per-server knobs
(e.g. ``fake.options.trickle_interval``) that tests may change while the server runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from orbrowse.closing import ClosedOnExit

API_PREFIX = "/api/v1"
FAKE_KEY = "sk-or-v1-" + "f" * 64
"""Any key works: the fake server never checks it."""

_START_TIMEOUT = 10.0
_MAX_HEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the fake server read it. ``path`` is below ``/MODE/api/v1``."""

    mode: str
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes


@dataclass(slots=True)
class Options:
    """Knobs the routes read on every request; tests may change them at any time."""

    trickle_interval: float = 5.0
    """Seconds between the bytes of the ``trickle`` body."""
    trickle_length: int = 100_000
    huge_length: int = 5 * 1024**3
    """The Content-Length the ``huge`` route announces (it sends spaces until cut off)."""
    retry_after: str = "nan"
    """The Retry-After value of the ``retry-after`` route's 429s."""
    extra: dict[str, object] = field(default_factory=dict)


Handler = Callable[[Request, asyncio.StreamWriter, Options], Awaitable[None]]

ROUTES: dict[str, Handler] = {}


def route(mode: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for base URL ``/MODE/api/v1`` on every fake server."""

    def register(handler: Handler) -> Handler:
        ROUTES[mode] = handler
        return handler

    return register


# -- writing answers --------------------------------------------------------------------------

_REASONS = {
    200: "OK",
    400: "Bad Request",
    206: "Partial Content",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


async def write_head(
    writer: asyncio.StreamWriter,
    status: int,
    headers: Mapping[str, str] | list[tuple[str, str]],
) -> None:
    """The status line and headers exactly as given (nothing added but ``Connection: close``)."""
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}"]
    lines += [f"{name}: {value}" for name, value in items]
    lines.append("Connection: close")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    await writer.drain()


async def respond(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    *,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
) -> None:
    """A whole answer with a correct Content-Length."""
    head = {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})}
    await write_head(writer, status, head)
    writer.write(body)
    await writer.drain()


async def respond_chunked(
    writer: asyncio.StreamWriter, body: bytes, headers: Mapping[str, str], *, piece: int
) -> None:
    """200 with ``body`` sent chunked (no Content-Length), ``piece`` bytes a chunk."""
    await write_head(writer, 200, {**headers, "Transfer-Encoding": "chunked"})
    for start in range(0, len(body), piece):
        data = body[start : start + piece]
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        await writer.drain()
    writer.write(b"0\r\n\r\n")
    await writer.drain()


async def respond_json(writer: asyncio.StreamWriter, status: int, value: object) -> None:
    await respond(writer, status, json.dumps(value).encode())


def file_json(file_id: str, filename: str | None = None) -> dict[str, object]:
    """A file in the openrouter shape."""
    return {
        "_shape": "openrouter",
        "id": file_id,
        "filename": filename or f"{file_id}.txt",
        "mime_type": "text/plain",
        "size_bytes": 12,
        "created_at": "2026-01-01T00:00:00Z",
        "downloadable": False,
    }


def page_json(files: list[dict[str, object]], cursor: str | None) -> dict[str, object]:
    return {
        "data": files,
        "has_more": cursor is not None,
        "cursor": cursor,
        "first_id": files[0]["id"] if files else None,
        "last_id": files[-1]["id"] if files else None,
    }


def error_json(status: int, message: str) -> dict[str, object]:
    return {"error": {"code": status, "message": message}}


# -- the failure modes ------------------------------------------------------------------------

HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>\n"
)


@route("ok")
async def ok(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A well-behaved server with two files, for contrast and for the parts of a test that
    must work (e.g. the browser's start-up)."""
    files = [file_json("or_file_A", "a.txt"), file_json("or_file_B", "b.txt")]
    if request.path == "/files":
        await respond_json(writer, 200, page_json(files, None))
    elif request.path.startswith("/files/"):
        wanted = request.path.removeprefix("/files/")
        found = [f for f in files if f["id"] == wanted]
        if not found:
            await respond_json(writer, 404, error_json(404, "File not found"))
        elif request.method == "DELETE":
            await respond_json(writer, 200, {"id": wanted, "deleted": True})
        else:
            await respond_json(writer, 200, found[0])
    else:
        await respond_json(writer, 404, error_json(404, "Not found"))


@route("huge")
async def huge(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """200 announcing ``options.huge_length`` bytes, then spaces until the client hangs up."""
    await _spaces_forever(writer, 200, options.huge_length)


@route("huge-chunked")
async def huge_chunked(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """200 with no length (chunked), then spaces until the client hangs up."""
    await write_head(
        writer, 200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    )
    chunk = b" " * 65536
    framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        writer.write(framed)
        await writer.drain()


@route("huge-error")
async def huge_error(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A 500 whose body never ends: error bodies must be bounded too."""
    await _spaces_forever(writer, 500, options.huge_length)


@route("trickle")
async def trickle(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """200 announcing ``trickle_length`` bytes, then one space every ``trickle_interval`` s."""
    await write_head(
        writer,
        200,
        {"Content-Type": "application/json", "Content-Length": str(options.trickle_length)},
    )
    for _ in range(options.trickle_length):
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(options.trickle_interval)


@route("endless")
async def endless(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """Every page holds the same two files and a cursor never seen before."""
    number = int((request.query.get("cursor") or ["0"])[0].removeprefix("c") or 0)
    files = [file_json("or_file_A", "a.txt"), file_json("or_file_B", "b.txt")]
    await respond_json(writer, 200, page_json(files, f"c{number + 1}"))


@route("endless-fresh")
async def endless_fresh(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """Every page holds two files never seen before and a new cursor: a listing with no end."""
    number = int((request.query.get("cursor") or ["0"])[0].removeprefix("c") or 0)
    files = [file_json(f"or_file_{number}_{n}") for n in range(2)]
    await respond_json(writer, 200, page_json(files, f"c{number + 1}"))


@route("html")
async def html(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A gateway's HTML error page (502) for everything."""
    await respond(writer, 502, HTML_PAGE, content_type="text/html")


@route("html-200")
async def html_200(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A captive portal: 200 with an HTML page."""
    await respond(writer, 200, HTML_PAGE, content_type="text/html; charset=utf-8")


@route("wrong-path")
async def wrong_path(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A web server with nothing at this path: 404 with a plain body for everything."""
    await respond(writer, 404, b"Not Found", content_type="text/plain")


@route("wrong-path-html")
async def wrong_path_html(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A web server with nothing at this path: 404 with an HTML page for everything."""
    page = b"<html><head><title>404 Not Found</title></head><body>Not Found</body></html>"
    await respond(writer, 404, page, content_type="text/html")


@route("retry-after")
async def retry_after(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """429 with ``Retry-After: options.retry_after`` (``nan`` unless a test says otherwise)."""
    await respond(
        writer,
        429,
        json.dumps(error_json(429, "Rate limit exceeded")).encode(),
        headers={"Retry-After": options.retry_after},
    )


@route("bad-length")
async def bad_length(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """200 whose Content-Length is not a number."""
    await write_head(writer, 200, {"Content-Type": "application/json", "Content-Length": "lots"})
    writer.write(b"{}")
    await writer.drain()


@route("garbage-headers")
async def garbage_headers(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A listing whose headers hold control bytes, 8-bit text and a very long value."""
    body = json.dumps(page_json([file_json("or_file_A", "a.txt")], None)).encode()
    await write_head(
        writer,
        200,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Junk", "caf\xe9 \x1b[31mred"),
            ("X-Long", "x" * 16_000),
            ("Retry-After", "inf"),
        ],
    )
    writer.write(body)
    await writer.drain()


@route("cut")
async def cut(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """The request is read whole, then the connection is closed without an answer."""


@route("wrong-delete")
async def wrong_delete(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """``DELETE /files/X`` confirms the deletion of another id; everything else as ``ok``."""
    if request.method == "DELETE":
        await respond_json(writer, 200, {"id": "or_file_OTHER", "deleted": True})
    else:
        await ok(request, writer, options)


RANGES_CONTENT = bytes(range(256)) * 2048
"""The content of ``or_file_R`` on the ``ranges`` route (512 KiB)."""


@route("ranges")
async def ranges(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """``GET /files/or_file_R/content`` answers ``Range: bytes=N-`` with a 206 (as HTTP
    servers that support ranges do; the API documents none); everything else as ``ok``."""
    if request.path != "/files/or_file_R/content":
        await ok(request, writer, options)
        return
    body, status, headers = RANGES_CONTENT, 200, {}
    wanted = request.headers.get("range", "")
    if wanted.startswith("bytes=") and wanted.endswith("-"):
        start = int(wanted[len("bytes=") : -1])
        body, status = RANGES_CONTENT[start:], 206
        end = len(RANGES_CONTENT) - 1
        headers = {"Content-Range": f"bytes {start}-{end}/{len(RANGES_CONTENT)}"}
    await respond(writer, status, body, content_type="application/octet-stream", headers=headers)


def _gzip_bomb() -> tuple[bytes, bytes]:
    """The start of an endless gzip stream of spaces, and a block to repeat after it.

    Each block is 8 MiB of spaces flushed with Z_FULL_FLUSH (which resets the history), so
    the same bytes continue the stream again and again: about 8 KiB per 8 MiB decoded."""
    spaces = b" " * (8 * 1024 * 1024)
    deflate = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    start = deflate.compress(spaces) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(spaces) + deflate.flush(zlib.Z_FULL_FLUSH)
    return start, block


GZIP_BOMB = _gzip_bomb()


async def _gzip_bomb_forever(writer: asyncio.StreamWriter, status: int, content_type: str) -> None:
    """``status`` with a gzip-encoded, chunked body of spaces that never ends."""
    await write_head(
        writer,
        status,
        {
            "Content-Type": content_type,
            "Content-Encoding": "gzip",
            "Transfer-Encoding": "chunked",
        },
    )
    start, block = GZIP_BOMB
    blocks = block * max(1, 65536 // len(block))  # about 64 KiB on the wire per write
    data = start
    while True:
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        await writer.drain()
        data = blocks


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": lambda body: zlib.compress(body, wbits=zlib.MAX_WBITS | 16),
    "deflate": zlib.compress,  # zlib-wrapped, as the HTTP standard says
    "deflate-raw": lambda body: zlib.compress(body, wbits=-zlib.MAX_WBITS),  # as some servers do
    "br": lambda body: body,  # not brotli at all: the client must refuse it unread
}


@route("encoded")
async def encoded(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """The ``ok`` listing with ``Content-Encoding: options.extra["encoding"]`` (a key of
    :data:`ENCODERS`), in chunks of 1 KiB so decoding goes on across chunks."""
    name = str(options.extra.get("encoding", "gzip"))
    files = [file_json(f"or_file_{n}", f"{n}.txt") for n in range(200)]
    body = ENCODERS[name](json.dumps(page_json(files, None)).encode())
    await respond_chunked(
        writer,
        body,
        {"Content-Type": "application/json", "Content-Encoding": name.removesuffix("-raw")},
        piece=1024,
    )


@route("gzip-bomb")
async def gzip_bomb(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """200 with an endless gzip body of spaces (about 1,000 times its size decoded): JSON,
    or bytes for a file's content."""
    kind = "application/octet-stream" if request.path.endswith("/content") else "application/json"
    await _gzip_bomb_forever(writer, 200, kind)


@route("gzip-bomb-error")
async def gzip_bomb_error(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A 500 whose gzip body of spaces never ends."""
    await _gzip_bomb_forever(writer, 500, "application/json")


async def _spaces_forever(writer: asyncio.StreamWriter, status: int, length: int) -> None:
    """``status`` announcing a JSON body of ``length`` bytes, then spaces up to it."""
    await write_head(
        writer, status, {"Content-Type": "application/json", "Content-Length": str(length)}
    )
    chunk = b" " * 65536
    sent = 0
    while sent < length:
        writer.write(chunk)
        sent += len(chunk)
        await writer.drain()


# -- the server -------------------------------------------------------------------------------


class FakeServer(ClosedOnExit):
    """A running fake server; ``requests`` lists every request read, in order."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = dict(ROUTES)
        self.options = Options()
        self.requests: list[Request] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    def url(self, mode: str) -> str:
        """The base URL that answers in failure mode ``mode``."""
        if mode not in self.routes:
            raise KeyError(f"no route {mode!r}; known: {', '.join(sorted(self.routes))}")
        return f"http://127.0.0.1:{self.port}/{mode}{API_PREFIX}"

    def add_route(self, mode: str, handler: Handler) -> None:
        self.routes[mode] = handler

    def count(self, mode: str, path: str | None = None) -> int:
        """Requests read for ``mode`` (and, if given, exactly ``path``)."""
        return sum(
            1 for r in list(self.requests) if r.mode == mode and (path is None or r.path == path)
        )

    # -- lifecycle

    def start(self) -> FakeServer:
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve, "127.0.0.1", 0, limit=_MAX_HEAD)
                )
                self.port = int(self._server.sockets[0].getsockname()[1])
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="orbrowse-fake-server", daemon=True)
        self._thread.start()
        if not started.wait(_START_TIMEOUT) or failure:
            raise RuntimeError("the fake server failed to start") from (
                failure[0] if failure else None
            )
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._handlers):
                task.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(_START_TIMEOUT)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_START_TIMEOUT)

    close = stop

    # -- one connection

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            request = await _read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            handler = self.routes.get(request.mode)
            if handler is None:
                await respond(writer, 500, b"no such mode", content_type="text/plain")
            else:
                await handler(request, writer, self.options)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client hung up: that is what most routes wait for
        except asyncio.CancelledError:
            pass  # the server is stopping; ending quietly keeps asyncio from logging it
        finally:
            self._handlers.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    method, target, _version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    body = b""
    length = headers.get("content-length")
    if length and length.isdigit():
        body = await reader.readexactly(int(length))
    split = urlsplit(target)
    segments = split.path.split("/", 2)  # ["", mode, "api/v1/..."]
    mode = segments[1] if len(segments) > 1 else ""
    rest = "/" + segments[2] if len(segments) > 2 else "/"
    return Request(
        mode=mode,
        method=method,
        path=rest.removeprefix(API_PREFIX) or "/",
        query=parse_qs(split.query),
        headers=headers,
        body=body,
    )


@contextlib.contextmanager
def start_fake_server() -> Iterator[FakeServer]:
    """A fake server for the ``with`` block."""
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()

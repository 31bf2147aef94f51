"""The client's HTTP transport (orbrowse.api.network, orbrowse.api.http11): TLS, read-ahead,
wiring, the connection's own waits.

The client, retry and reliability tests run over this transport too (it is the client's
default); these cover what they do not: HTTPS (through a TLS relay in front of the emulator)
and the bound on what a connection reads ahead of its reader. The framing and the pool are
tested in ``test_http11.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import shutil
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import APIConnectionError
from orbrowse.api.http11 import READ_AHEAD, Connection
from orbrowse.api.network import AsyncioTransport, _connect
from orbrowse.api.retry import NO_RETRY
from orbrowse.emulator.server import RunningEmulator

MiB = 1024 * 1024
LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed (it makes the test certificate)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec"),
            *("-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
async def tls_url(emulator: RunningEmulator, certificate: tuple[Path, Path]) -> AsyncIterator[str]:
    """An HTTPS base URL: a TLS relay on loopback in front of the (plain HTTP) emulator."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(
            emulator.host, emulator.port
        )
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    server = await asyncio.start_server(relay, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    yield emulator.url.replace(
        f"http://{emulator.host}:{emulator.port}", f"https://127.0.0.1:{port}"
    )
    server.close()


def trusting(certificate: tuple[Path, Path]) -> AsyncioTransport:
    context = ssl.create_default_context(cafile=str(certificate[0]))
    return AsyncioTransport(verify=context, limits=LIMITS)


async def test_https_lists_downloads_and_uploads_through_tls(
    emulator: RunningEmulator,
    api_key: str,
    tls_url: str,
    certificate: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    workspace = emulator.store.default_workspace_id
    stored = emulator.store.add_file(
        workspace, "big.pdf", size_bytes=3 * MiB, mime_type="application/pdf", downloadable=True
    )
    source = tmp_path / "up.txt"
    source.write_bytes(b"sent over TLS\n" * 100_000)
    async with FilesClient(
        api_key, base_url=tls_url, workspace_id=workspace, transport=trusting(certificate)
    ) as client:
        page = await client.list_files()
        target = await client.download_file(stored.id, tmp_path / "big.pdf")
        uploaded = await client.upload_file(source)
    assert [f.id for f in page.files] == [stored.id]
    assert target.read_bytes() == emulator.store.content_of(stored)
    kept = emulator.store.get(workspace, uploaded.id)
    assert kept is not None
    assert emulator.store.content_of(kept) == source.read_bytes()


async def test_https_to_an_untrusted_certificate_fails_to_connect(
    api_key: str, tls_url: str
) -> None:
    async with FilesClient(api_key, base_url=tls_url, retry=NO_RETRY) as client:
        with pytest.raises(
            APIConnectionError, match=r"Could not connect to the server 127\.0\.0\.1"
        ):
            await client.list_files()


async def test_https_to_a_trusted_certificate_for_another_name_fails_to_connect(
    api_key: str, tls_url: str, certificate: tuple[Path, Path]
) -> None:
    # The certificate is trusted and names 127.0.0.1: asked for as localhost, it must not do.
    elsewhere = tls_url.replace("https://127.0.0.1:", "https://localhost:")
    async with FilesClient(
        api_key, base_url=elsewhere, retry=NO_RETRY, transport=trusting(certificate)
    ) as client:
        with pytest.raises(APIConnectionError, match="the server localhost") as caught:
            await client.list_files()
    assert "Hostname mismatch" in str(caught.value.__cause__)


async def test_a_connection_reads_ahead_no_more_than_its_bound(emulator: RunningEmulator) -> None:
    stored = emulator.store.add_file(
        emulator.store.default_workspace_id,
        "big.pdf",
        size_bytes=8 * MiB,
        mime_type="application/pdf",
        downloadable=True,
    )
    received = bytearray()
    headers = {"Authorization": f"Bearer {emulator.keys.management_key}"}
    transport = AsyncioTransport(verify=False, limits=LIMITS)
    async with (
        httpx.AsyncClient(transport=transport, headers=headers) as http,
        http.stream("GET", f"{emulator.url}/files/{stored.id}/content") as response,
    ):
        stream = response.extensions["network_stream"]
        assert isinstance(stream, Connection)
        chunks = response.aiter_raw()
        received += await anext(chunks)
        # The reader stops here; the connection reads on past its bound, then pauses.
        async with asyncio.timeout(30):
            while stream.unread <= READ_AHEAD:  # noqa: ASYNC110 (a state, not an event)
                await asyncio.sleep(0.01)
        # asyncio's selector loop reads at most 256 KiB at a time: one read past the bound.
        await asyncio.sleep(0.2)  # time for more, were reading not paused
        assert READ_AHEAD < stream.unread <= READ_AHEAD + 256 * 1024
        async for chunk in chunks:
            received += chunk
    assert bytes(received) == emulator.store.content_of(stored)


async def test_the_client_runs_on_the_asyncio_layer_without_a_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    key = "sk-or-v1-" + "0" * 64
    async with FilesClient(key, base_url="https://openrouter.example/api/v1") as client:
        transport = client._http._transport
    assert isinstance(transport, AsyncioTransport)


async def test_https_proxy_in_the_environment_keeps_httpx_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    key = "sk-or-v1-" + "0" * 64
    async with FilesClient(key, base_url="https://openrouter.example/api/v1") as client:
        proxies = [t for t in client._http._mounts.values() if t is not None]
    assert proxies and isinstance(proxies[0]._pool, httpcore.AsyncHTTPProxy)  # type: ignore[attr-defined]


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def connected(handler: Handler) -> AsyncIterator[Connection]:
    """A connection of the transport to a loopback server that runs ``handler``."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        context = ssl.create_default_context()
        yield await _connect(("http", "127.0.0.1", port), context, 5, lambda _: None)
    finally:
        server.close()


async def test_a_write_the_server_does_not_take_times_out_and_closing_ends_it_at_once() -> None:
    taken, done = asyncio.Event(), asyncio.Event()

    async def never_reads(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        taken.set()
        await done.wait()
        writer.close()

    try:
        async with connected(never_reads) as stream:
            await taken.wait()
            stream.begin("POST")
            with pytest.raises(httpx.WriteTimeout):
                await stream.send(b"x" * 64 * MiB, timeout=0.3)  # far more than socket buffers
            sock = stream.socket
            stream.close()
            await asyncio.sleep(0)  # the loop closes the socket on its next turn
            # Not left open until the unsent bytes are taken (close() would wait for that).
            assert sock.fileno() == -1
            with pytest.raises(httpx.ReadError):
                await stream.receive_head(timeout=5)
    finally:
        done.set()


async def test_an_address_that_does_not_answer_gives_way_to_the_next(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A name with two addresses, the first black-holed (an IPv6 route that drops packets is
    # the usual case): the second is tried a quarter second later (Happy Eyeballs, as anyio
    # does), not after the connect timeout has gone by on the first.
    hole = socket.socket()
    hole.bind(("127.0.0.1", 0))
    hole.listen(0)
    fillers = [socket.socket() for _ in range(4)]  # a full accept queue drops new SYNs
    for filler in fillers:
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(hole.getsockname())
    loop = asyncio.get_running_loop()

    async def two_addresses(host: object, port: object, **_: object) -> list[Any]:
        stream = (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "")
        return [(*stream, hole.getsockname()), (*stream, (emulator.host, emulator.port))]

    monkeypatch.setattr(loop, "getaddrinfo", two_addresses)
    headers = {"Authorization": f"Bearer {emulator.keys.management_key}"}
    try:
        async with httpx.AsyncClient(
            transport=AsyncioTransport(verify=False, limits=LIMITS),
            headers=headers,
            timeout=httpx.Timeout(30, connect=5),
        ) as http:
            url = emulator.url.replace(emulator.host, "two-addresses.example")
            response = await http.get(f"{url}/files")
        assert response.status_code == 200
    finally:
        for sock in (hole, *fillers):
            sock.close()


@pytest.mark.parametrize("poll", [True, False], ids=["poll", "no-poll"])
async def test_an_idle_connection_is_readable_once_the_server_closes_it(
    poll: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pool asks an idle connection whether it is readable (the server closed it) before
    # giving it a request. Without select.poll (Windows, eventlet), select.select answers.
    if not poll:
        monkeypatch.delattr(select, "poll")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        context = ssl.create_default_context()
        stream = await _connect(("http", "127.0.0.1", port), context, 5, lambda _: None)
        accepted, _ = listener.accept()
        assert stream.is_readable() is False
        accepted.close()
        # The loop gets no turn from here on: what answers is the kernel, not the protocol.
        select.select([stream.socket.fileno()], [], [], 5)
        assert stream.is_readable() is True
        stream.close()

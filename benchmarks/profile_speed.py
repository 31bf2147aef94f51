"""Profiles behind the causes named in benchmarks/README.md (issue 13).

    .venv/bin/python benchmarks/profile_speed.py listing [--page 100]  # a listing's client side
    .venv/bin/python benchmarks/profile_speed.py delete [--before DIR]  # CPU per delete; cProfile
    .venv/bin/python benchmarks/profile_speed.py delete-engine [--before DIR]  # engine + log alone
    .venv/bin/python benchmarks/profile_speed.py roundtrip [--before DIR]  # httpx, ours, a socket
    .venv/bin/python benchmarks/profile_speed.py transport --before DIR [--runs 4]  # wall, both
    .venv/bin/python benchmarks/profile_speed.py layers     # client CPU a request, layer by layer
    .venv/bin/python benchmarks/profile_speed.py startup [--before DIR]  # floors, orbrowse, imports
    .venv/bin/python benchmarks/profile_speed.py memory     # bytes per loaded row: RSS, by owner
    .venv/bin/python benchmarks/profile_speed.py memory-client  # RSS per row listed via the client
    .venv/bin/python benchmarks/profile_speed.py folders-memory  # bytes per file of the folder tree
    .venv/bin/python benchmarks/profile_speed.py folders-filter  # a keystroke in the folder view

Each starts its own emulator (a child process, 20 ms latency, as the benchmarks do), runs the
work once under cProfile, and prints wall time, this process's CPU time, and the functions
with the most time of their own. The emulator's CPU is reported from its ``/proc`` entry.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import importlib.util
import io
import itertools
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._emulator import KEY, Emulator  # noqa: E402
from orbrowse.api.client import FilesClient  # noqa: E402

LATENCY_MS = 20.0


def _child_cpu(emulator: Emulator) -> float:
    """CPU seconds (user + system) the emulator process has used so far."""
    fields = Path(f"/proc/{emulator._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _report(label: str, profile: cProfile.Profile, wall: float, cpu: float, server: float) -> None:
    print(f"== {label}")
    print(f"wall {wall:.3f} s · client CPU {cpu:.3f} s · emulator CPU {server:.3f} s")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(14)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-2400:])


def _profiled(label: str, emulator: Emulator, body: object) -> None:
    profile = cProfile.Profile()
    server_before = _child_cpu(emulator)
    cpu_before = time.process_time()
    started = time.perf_counter()
    profile.enable()
    asyncio.run(body)  # type: ignore[arg-type]
    profile.disable()
    wall = time.perf_counter() - started
    _report(
        label,
        profile,
        wall,
        time.process_time() - cpu_before,
        _child_cpu(emulator) - server_before,
    )


async def _list(url: str, page: int) -> None:
    async with FilesClient(KEY, base_url=url) as client:
        async for _page in client.iter_pages(limit=page):
            pass


async def _delete(url: str, count: int, folder: Path) -> None:
    from orbrowse.bulk import delete_files
    from orbrowse.deletion_log import DeletionLog

    async with FilesClient(KEY, base_url=url) as client:
        files = []
        async for page in client.iter_pages(limit=1000):
            files += page.files
        await delete_files(
            client,
            files[:count],
            concurrency=8,
            log=DeletionLog(folder / "deletions.jsonl"),
            workspace_id=None,
            on_progress=lambda _progress: None,
        )


def _phases(url: str, page: int) -> None:
    """One listing unprofiled, each page's request timed in phases (medians): sent to
    answer's head, head to whole body, whole body to the next page's request starting (the
    pipelining's own delay), and body to decoded JSON."""
    import statistics

    from orbrowse.api import client as client_module

    marks: list[dict[str, float]] = []
    attempt, read_body, decode = (
        FilesClient._attempt,
        client_module._read_body,
        client_module._decode_json,
    )

    async def timed_attempt(self: FilesClient, request: object, n: int, *, stream: bool) -> object:
        started = time.perf_counter()
        response = await attempt(self, request, n, stream=stream)  # type: ignore[arg-type]
        marks.append({"sent": started, "head": time.perf_counter()})
        return response

    async def timed_read(response: object, limit: int) -> bytes:
        body = await read_body(response, limit)  # type: ignore[arg-type]
        marks[-1]["body"] = time.perf_counter()
        return body

    def timed_decode(response: object, body: bytes | None = None) -> object:
        decoded = decode(response, body)  # type: ignore[arg-type]
        marks[-1]["decoded"] = time.perf_counter()
        return decoded

    with (
        mock.patch.object(FilesClient, "_attempt", timed_attempt),
        mock.patch.object(client_module, "_read_body", timed_read),
        mock.patch.object(client_module, "_decode_json", timed_decode),
    ):
        asyncio.run(_list(url, page))

    def median_ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.2f} ms"

    pairs = list(itertools.pairwise(marks))
    print(
        f"per page (median of {len(marks)}): request to head"
        f" {median_ms([m['head'] - m['sent'] for m in marks])}, head to body"
        f" {median_ms([m['body'] - m['head'] for m in marks])}, body to the next request"
        f" {median_ms([b['sent'] - a['body'] for a, b in pairs])}, body to decoded"
        f" {median_ms([m['decoded'] - m['body'] for m in marks])} (the next request's"
        " sending included when it starts from the body's tail)"
    )


def listing(page: int) -> None:
    with Emulator(files=20_000, latency_ms=LATENCY_MS) as emulator:
        asyncio.run(_list(emulator.url, page))  # warm: every file encoded once
        pages = 20_000 // page
        floor = pages * LATENCY_MS / 1000
        print(f"floor {floor:.2f} s ({pages} pages × {LATENCY_MS:.0f} ms)")
        _phases(emulator.url, page)
        _profiled(f"listing 20,000 files, page {page}", emulator, _list(emulator.url, page))


def _transport_from(before: str | None) -> type[Any] | None:
    """``AsyncioTransport`` of ``DIR/orbrowse/api/network.py`` (another commit's transport, run
    in this process with this commit's client), or ``None`` without ``before``."""
    if before is None:
        return None
    path = Path(before) / "orbrowse" / "api" / "network.py"
    spec = importlib.util.spec_from_file_location("before_network", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["before_network"] = module
    spec.loader.exec_module(module)
    transport: type[Any] = module.AsyncioTransport
    return transport


def _client_on(transport: object) -> contextlib.AbstractContextManager[object]:
    """orbrowse's client on another transport (a factory taking ``verify`` and ``limits``)."""
    return mock.patch("orbrowse.api.client.AsyncioTransport", transport)


def _httpx_transport(*, verify: bool, limits: Any) -> object:
    """httpx's own transport (httpcore's pool, h11, anyio): the client's before the third
    session."""
    import httpx

    return httpx.AsyncHTTPTransport(verify=verify, limits=limits)


@contextlib.contextmanager
def _through_httpx_send() -> Iterator[None]:
    """orbrowse's client sending through ``httpx.AsyncClient.send`` (auth flow, redirect
    loop, stream wrapper) instead of straight to its transport (before the fifth session)."""
    made = FilesClient.__init__

    def init(self: FilesClient, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        self._direct = None

    with mock.patch.object(FilesClient, "__init__", init):
        yield


def delete(before: str | None = None, rounds: int = 6) -> None:
    """Client CPU per delete, orbrowse's engine (on its transport; through httpx's ``send``;
    on httpx's own transport; with ``before`` on that commit's
    transport) against the raw httpx anchor (unprofiled, interleaved, ``rounds`` rounds of
    1,000), then 1,000 deletes under cProfile."""
    import statistics

    from benchmarks.bench_delete import _first_files, delete_orbrowse, delete_raw

    count = 1000
    transports: dict[str, object] = {
        "orbrowse through httpx's send": _through_httpx_send,
        "orbrowse on httpx's transport": _httpx_transport,
    }
    earlier = _transport_from(before)
    if earlier is not None:
        transports[f"orbrowse on {before}'s transport"] = earlier
    cpu: dict[str, list[float]] = {"orbrowse": [], **{n: [] for n in transports}, "raw httpx": []}
    with (
        Emulator(files=count * rounds * len(cpu) + 1000, latency_ms=LATENCY_MS) as emulator,
        tempfile.TemporaryDirectory() as folder,
    ):
        for number in range(rounds):
            for name in list(cpu)[:: 1 if number % 2 == 0 else -1]:
                files = asyncio.run(_first_files(emulator.url, count))
                started = time.process_time()
                if name == "raw httpx":
                    delete_raw(emulator.url, files)
                else:
                    other = transports.get(name)
                    switch: contextlib.AbstractContextManager[object]
                    if other is _through_httpx_send:
                        switch = _through_httpx_send()
                    else:
                        switch = _client_on(other) if other else contextlib.nullcontext()
                    with switch:
                        delete_orbrowse(emulator.url, files, Path(folder))
                cpu[name].append((time.process_time() - started) / count)
        for name, samples in cpu.items():
            print(
                f"{name}: {statistics.median(samples) * 1000:.2f} ms client CPU per delete"
                f" ({min(samples) * 1000:.2f}-{max(samples) * 1000:.2f})"
            )
        print(f"floor {1000 / 8 * LATENCY_MS / 1000:.2f} s (1,000 / 8 in flight × 20 ms)")
        _profiled("1,000 deletes, 8 in flight", emulator, _delete(emulator.url, 1000, Path(folder)))


ENGINE_CHILD = """
import asyncio, sys, tempfile, time
from pathlib import Path
from orbrowse.bulk import delete_files
from orbrowse.deletion_log import DeletionLog
from tests.factories import file_object

class Deleter:  # answers at once: only the engine, the log and the callback cost CPU
    async def delete_file(self, file_id):
        await asyncio.sleep(0)
        return file_id

files = [file_object(f"or_file_{n:024d}", f"reports/name-{n}.txt", size_bytes=n)
         for n in range(int(sys.argv[1]))]
with tempfile.TemporaryDirectory() as folder:
    log = DeletionLog(Path(folder) / "deletions.jsonl")
    started = time.process_time()
    asyncio.run(delete_files(Deleter(), files, concurrency=8, log=log, workspace_id=None,
                             on_progress=lambda _progress: None))
    print((time.process_time() - started) / len(files))
"""


def delete_engine(runs: int, before: str | None, count: int = 3000) -> None:
    """CPU per delete of the engine, its deletion log and a progress callback alone (a
    deleter that answers at once), each run a fresh process; with ``before`` the orbrowse
    package in DIR too, interleaved."""
    import statistics

    trees = {"orbrowse": ROOT}
    if before:
        trees["orbrowse before"] = Path(before).resolve()
    cpu: dict[str, list[float]] = {name: [] for name in trees}
    for number in range(runs):
        for name in list(trees)[:: 1 if number % 2 == 0 else -1]:
            env = {**os.environ, "PYTHONPATH": f"{trees[name]}{os.pathsep}{ROOT}"}
            done = subprocess.run(
                [sys.executable, "-c", ENGINE_CHILD, str(count)],
                capture_output=True,
                text=True,
                check=True,
                env=env,
                cwd=trees[name],
            )
            cpu[name].append(float(done.stdout))
    for name, samples in cpu.items():
        print(
            f"{name}: {statistics.median(samples) * 1e6:.1f} µs CPU per delete, engine and log"
            f" alone ({min(samples) * 1e6:.1f}-{max(samples) * 1e6:.1f}, {runs} runs of {count:,})"
        )


class _BareSocket:
    """The least HTTP client: one asyncio connection, a request written by hand, its answer
    read to its Content-Length (what the emulator, the kernel and asyncio cost)."""

    def __init__(self, url: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._host = url.split("//")[1].split("/")[0].rsplit(":", 1)[0]
        self._prefix = "/" + url.split("//")[1].split("/", 1)[1] + "/"
        self._reader, self._writer = reader, writer

    @classmethod
    async def open(cls, url: str) -> _BareSocket:
        host, port = url.split("//")[1].split("/")[0].rsplit(":", 1)
        return cls(url, *await asyncio.open_connection(host, int(port)))

    async def request(self, method: str, path: str) -> bytes:
        self._writer.write(
            f"{method} {self._prefix}{path} HTTP/1.1\r\nHost: {self._host}\r\n"
            f"Authorization: Bearer {KEY}\r\n\r\n".encode()
        )
        head = await self._reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        return await self._reader.readexactly(length)

    def close(self) -> None:
        self._writer.close()


def layers(count: int = 1000, rounds: int = 3) -> None:
    """Client CPU per request, layer by layer, for one small answer (``GET /files/{id}``, no
    added latency): a bare socket; orbrowse's transport alone (one ``httpx.Request`` sent
    again and again); ``httpx.AsyncClient`` over it, and the same without a cookie jar
    (:mod:`orbrowse.api.cookieless`); httpx's own transport under the same client;
    ``FilesClient.get_file`` (orbrowse's whole path: retries, timeouts, the rate limiter, the
    body's bound, the model). ``count`` requests per layer and round, layers
    interleaved; medians of the rounds."""
    import statistics

    import httpx

    from orbrowse.api.cookieless import CookielessClient
    from orbrowse.api.network import AsyncioTransport

    cpu: dict[str, list[float]] = {}

    async def run(url: str, file_id: str) -> None:
        headers = {"Authorization": f"Bearer {KEY}"}
        target = f"{url}/files/{file_id}"
        ours = AsyncioTransport(verify=False, limits=httpx.Limits())
        sockets = [await _BareSocket.open(url)]  # anew each round: uvicorn closes idle ones
        request = httpx.Request("GET", target, headers=headers)
        async with (
            httpx.AsyncClient(headers=headers, transport=ours) as lean,
            CookielessClient(headers=headers, transport=ours) as cookieless,
            httpx.AsyncClient(headers=headers) as bare,
            FilesClient(KEY, base_url=url) as client,
        ):

            async def by_transport() -> None:
                response = await ours.handle_async_request(request)
                await response.aread()

            async def by_client(http: httpx.AsyncClient) -> None:
                (await http.get(target)).raise_for_status()

            cases = {
                "bare socket": lambda: sockets[-1].request("GET", f"files/{file_id}"),
                "orbrowse's transport alone": by_transport,
                "httpx over orbrowse's transport": lambda: by_client(lean),
                "the same without a cookie jar": lambda: by_client(cookieless),
                "httpx over its own transport": lambda: by_client(bare),
                "FilesClient.get_file": lambda: client.get_file(file_id),
            }
            for number in range(rounds):
                for name, case in list(cases.items())[:: 1 if number % 2 == 0 else -1]:
                    if name == "bare socket":
                        sockets[-1].close()
                        sockets.append(await _BareSocket.open(url))
                    await case()  # a connection open and warm
                    started = time.process_time()
                    for _ in range(count):
                        await case()
                    cpu.setdefault(name, []).append((time.process_time() - started) / count)
        sockets[-1].close()

    with Emulator(files=1, latency_ms=0) as emulator:
        import json

        import httpx

        answer = httpx.get(f"{emulator.url}/files", headers={"Authorization": f"Bearer {KEY}"})
        asyncio.run(run(emulator.url, json.loads(answer.content)["data"][0]["id"]))
    print(f"== client CPU per GET /files/{{id}}, {rounds} rounds of {count} (medians)")
    for name, samples in cpu.items():
        print(f"{name:32} {statistics.median(samples) * 1000:.3f} ms")


def transport(before: str, rounds: int = 4) -> None:
    """Wall time of the benchmarks' listing (20,000 files, pages of 100 and 1,000) and of
    1,000 deletes 8 in flight, orbrowse's client on this commit's transport against the same
    client on ``before``'s (``DIR/orbrowse/api/network.py``), interleaved in ``rounds``
    rounds on one emulator, with a bare-socket client's deletes (8 connections, HTTP/1.1
    written by hand) as the floor a client can reach here; medians, and ratios to the floor
    of pages (or deletes / 8) × latency."""
    import json
    import statistics

    from benchmarks.bench_delete import _first_files, delete_orbrowse
    from benchmarks.bench_listing import list_orbrowse

    earlier = _transport_from(before)
    assert earlier is not None
    sides: dict[str, object | None] = {"now": None, "before": earlier}
    wall: dict[str, list[float]] = {}

    async def socket_deletes(url: str, ids: list[str]) -> float:
        queue = list(ids)

        async def lane() -> None:
            socket = await _BareSocket.open(url)
            while queue:
                json.loads(await socket.request("DELETE", f"files/{queue.pop()}"))
            socket.close()

        started = time.perf_counter()
        await asyncio.gather(*(lane() for _ in range(8)))
        return time.perf_counter() - started

    deletes = 1000
    with (
        Emulator(files=20_000, latency_ms=LATENCY_MS) as listing_emulator,
        Emulator(files=deletes * rounds * 3, latency_ms=LATENCY_MS) as emulator,
        tempfile.TemporaryDirectory() as folder,
    ):
        url = emulator.url
        for number in range(rounds):
            order = list(sides.items())[:: 1 if number % 2 == 0 else -1]
            for page in (100, 1000):
                for name, other in order:
                    with _client_on(other) if other else contextlib.nullcontext():
                        started = time.perf_counter()
                        asyncio.run(list_orbrowse(listing_emulator.url, page))
                        wall.setdefault(f"listing page {page}, {name}", []).append(
                            time.perf_counter() - started
                        )
            for name, other in order:
                files = asyncio.run(_first_files(url, deletes))
                with _client_on(other) if other else contextlib.nullcontext():
                    seconds, problem = delete_orbrowse(url, files, Path(folder))
                assert problem is None, problem
                wall.setdefault(f"1,000 deletes ×8, {name}", []).append(seconds)
            files = asyncio.run(_first_files(url, deletes))
            seconds = asyncio.run(socket_deletes(url, [f.id for f in files]))
            wall.setdefault("1,000 deletes ×8, bare socket", []).append(seconds)
    floors = {"listing page 100": 200.0, "listing page 1000": 20.0}  # pages of 20,000 files
    print(f"== wall, {rounds} interleaved rounds")
    for name, samples in wall.items():
        pages = next((n for key, n in floors.items() if name.startswith(key + ",")), deletes / 8)
        floor = pages * LATENCY_MS / 1000
        median = statistics.median(samples)
        print(
            f"{name:34} {median:.3f} s ({min(samples):.3f}-{max(samples):.3f})"
            f" · {median / floor:.2f}× the floor ({floor:.2f} s)"
        )


def roundtrip(count: int = 200, before: str | None = None) -> None:
    """What a round trip costs over the 20 ms latency: ``count`` requests of each kind (a page
    of 100, a page of 1,000, a delete) one at a time, kinds and clients interleaved, from a
    bare httpx client (httpx's own transport: httpcore, h11, anyio), from httpx over
    orbrowse's transport (``orbrowse.api.network``), and from a bare socket (HTTP/1.1 written
    by hand, read to its Content-Length: the emulator's own share, the kernel's and a minimal
    asyncio client's), and with ``before`` from httpx over that commit's transport; medians
    of (round trip - latency), this process's CPU per request, and the emulator's CPU per
    request (from clock ticks: coarse)."""
    import statistics

    import httpx

    from orbrowse.api.network import AsyncioTransport

    kinds = {
        "list, page 100": ("GET", "files?limit=100"),
        "list, page 1,000": ("GET", "files?limit=1000"),
        "delete": ("DELETE", "files/"),
    }
    earlier = _transport_from(before)
    clients = ("httpx", "orbrowse", *(("before",) if earlier else ()), "socket")
    over: dict[str, list[float]] = {f"{c} {k}": [] for k in kinds for c in clients}
    cpu = dict.fromkeys(over, 0.0)
    server = dict.fromkeys(over, 0.0)

    async def run(url: str) -> None:
        headers = {"Authorization": f"Bearer {KEY}"}
        socket = await _BareSocket.open(url)

        ours = AsyncioTransport(verify=False, limits=httpx.Limits())
        theirs = (earlier or AsyncioTransport)(verify=False, limits=httpx.Limits())
        async with (
            httpx.AsyncClient(base_url=url + "/", headers=headers, verify=False) as bare,
            httpx.AsyncClient(base_url=url + "/", headers=headers, transport=ours) as lean,
            httpx.AsyncClient(base_url=url + "/", headers=headers, transport=theirs) as old,
        ):
            ids = [f["id"] for f in (await bare.get("files?limit=1000")).json()["data"]]
            for number in range(count):
                for kind, (method, path) in kinds.items():
                    for client in clients[:: 1 if number % 2 == 0 else -1]:
                        if method == "DELETE":
                            path = f"files/{ids.pop()}"
                        before = _child_cpu(emulator)
                        cpu_before = time.process_time()
                        started = time.perf_counter()
                        if client == "socket":
                            await socket.request(method, path)
                        else:
                            http = {"httpx": bare, "orbrowse": lean, "before": old}[client]
                            (await http.request(method, path)).raise_for_status()
                        name = f"{client} {kind}"
                        over[name].append(time.perf_counter() - started - LATENCY_MS / 1000)
                        cpu[name] += time.process_time() - cpu_before
                        server[name] += _child_cpu(emulator) - before
        socket.close()

    with Emulator(files=3 * count + 1000, latency_ms=LATENCY_MS) as emulator:
        asyncio.run(run(emulator.url))
    print(f"== round trip over the {LATENCY_MS:.0f} ms latency, {count} requests of each kind")
    for name, samples in over.items():
        samples.sort()
        print(
            f"{name:27} median +{statistics.median(samples) * 1000:.2f} ms"
            f" (p10 +{samples[len(samples) // 10] * 1000:.2f}, p90"
            f" +{samples[len(samples) * 9 // 10] * 1000:.2f}) · client CPU"
            f" {cpu[name] / count * 1000:.2f} ms · emulator CPU"
            f" {server[name] / count * 1000:.2f} ms a request"
        )


STARTUP_FLOOR_APP = """\
from textual.app import App
from textual.widgets import Static

class Floor(App[None]):
    def compose(self):
        yield Static("first-paint-floor")

Floor().run()
"""


STARTUP_IMPORT = "from orbrowse.cli import skip_httpx_command_line; skip_httpx_command_line()"
"""As ``cli.main`` starts: httpx's own command line kept out of httpx's import."""


def startup(runs: int, before: str | None = None) -> None:
    """Where orbrowse's start-up goes: floors side by side, imports, and a profile.

    On a pty, interleaved, ``runs`` times each: the interpreter printing a line, an empty
    Textual app drawing one line (Textual's own import and first paint), the SDK script and
    orbrowse (both to the first file row, as ``bench_startup`` measures), and with ``before``
    the orbrowse package in that folder (``python -P``, ``PYTHONPATH``). Then
    ``-X importtime`` of orbrowse's modules, the garbage collections before the first row
    (as orbrowse runs, and with the collector kept running: ``orbrowse.startup_gc``), and
    orbrowse once under cProfile until its first row is drawn (``_startup_profiled.py``)."""
    import statistics

    from benchmarks._pty import output_until_exit, times_until_text
    from benchmarks.bench_startup import SDK_SCRIPT, WORKSPACE, _first_filename

    python = sys.executable
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }
    with (
        Emulator(files=3000, latency_ms=LATENCY_MS) as emulator,
        tempfile.TemporaryDirectory() as folder,
    ):
        env["HOME"] = folder
        needle = asyncio.run(_first_filename(emulator.url)).rsplit("/", 1)[-1]
        script = Path(folder) / "sdk_first_page.py"
        script.write_text(SDK_SCRIPT, encoding="utf-8")
        orbrowse_args = [
            *("--base-url", emulator.url, "--api-key", KEY, "--workspace", WORKSPACE),
            *("--config", str(Path(folder) / "config.toml")),
        ]
        # As bench_startup: the flat list shows the first file first.
        (Path(folder) / "config.toml").write_text('view = "flat"\n', encoding="utf-8")
        cases = {
            "python: print a line": ([python, "-c", "print('first-paint-floor')"], None),
            "textual: empty app's first paint": ([python, "-c", STARTUP_FLOOR_APP], None),
            "sdk script: first page printed": ([python, str(script), emulator.url, KEY], needle),
            "orbrowse: first file row": (
                [str(Path(python).with_name("orbrowse")), *orbrowse_args],
                needle,
            ),
        }
        envs = {name: env for name in cases}
        if before:
            name = "orbrowse before: first file row"
            run = "import sys; from orbrowse.cli import main; sys.exit(main())"
            cases[name] = ([python, "-P", "-c", run, *orbrowse_args], needle)
            envs[name] = {**env, "PYTHONPATH": str(Path(before).resolve())}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for number in range(runs):
            names = list(cases) if number % 2 == 0 else list(reversed(cases))
            for name in names:
                argv, text = cases[name]
                found = times_until_text(argv, text or "first-paint-floor", env=envs[name])
                times[name].append(found)
        print(f"== start-up on a pty, {runs} runs each, interleaved (median, min-max)")
        for index, what in ((0, "wall"), (1, "CPU")):
            sdk = statistics.median(t[index] for t in times["sdk script: first page printed"])
            for name, pairs in times.items():
                samples = [pair[index] for pair in pairs]
                median = statistics.median(samples)
                print(
                    f"{what:4} {name:34} {median:.3f} s ({min(samples):.3f}-{max(samples):.3f})"
                    f"  {median / sdk:.2f}× the sdk script"
                )
        out = Path(folder) / "startup.prof"
        wrapper = str(Path(__file__).with_name("_startup_profiled.py"))
        for label, flag in (
            ("as orbrowse runs", []),
            ("collector running", ["--collector-running"]),
        ):
            collected: list[tuple[int, float]] = []
            for _ in range(5):
                drawn = output_until_exit([python, wrapper, "-", *flag, *orbrowse_args], env=env)
                count, seconds = drawn.rsplit("collections", 1)[1].split("first row")[0].split()
                collected.append((int(count), float(seconds)))
            print(
                f"== garbage collections before the first row, {label} (unprofiled, median of "
                f"5): {statistics.median(c for c, _ in collected):.0f}, "
                f"{statistics.median(s for _, s in collected) * 1000:.1f} ms CPU"
            )
        drawn = output_until_exit([python, wrapper, str(out), *orbrowse_args], env=env)
        first_row = drawn.strip().rsplit("first row", 1)[-1].strip()
        print(f"== orbrowse under cProfile: first row after {first_row} s (profiled)")
        report = io.StringIO()
        stats = pstats.Stats(str(out), stream=report)
        stats.sort_stats("cumulative").print_stats(
            r"orbrowse|textual/(app|css/stylesheet|_compositor)\.py|asyncio", 40
        )
        print("\n".join(line for line in report.getvalue().splitlines() if line.strip())[-6000:])
    for what in ("orbrowse.cli", "orbrowse.tui.launch", "orbrowse.tui.screens.browser"):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"{STARTUP_IMPORT}; import {what}"],
            capture_output=True,
            text=True,
            check=True,
        )
        rows = [line.split("|") for line in done.stderr.splitlines() if line.count("|") == 2]
        total = {
            name.strip(): int(cumulative)
            for _, cumulative, name in rows
            if cumulative.strip().isdigit()
        }
        top = sorted(total.items(), key=lambda item: -item[1])[:8]
        print(f"== import {what}: " + ", ".join(f"{n} {us / 1e6:.3f} s" for n, us in top))


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _malloc_trim() -> bool:
    """Ask glibc to give back the free pages inside its heap; whether it could be asked."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return False
    return True


def memory() -> None:
    """Bytes per row for 100,000 files parsed page by page and loaded into a FileList: first
    the RSS growth (and what is left of it once glibc returns its heap's free pages), then,
    in a second pass, tracemalloc's live objects by the line that allocated them, and the
    same blocks as pymalloc holds them (in 16-byte size classes)."""
    import gc
    import json
    import tracemalloc

    from orbrowse.api.pager import parse_page
    from orbrowse.emulator.render import list_body
    from orbrowse.emulator.seed import DEMO_NOW, demo_store
    from orbrowse.listing.file_list import FileList

    count = 100_000
    store = demo_store(count, now=DEMO_NOW)
    workspace = store.default_workspace_id
    stored = store.files(workspace)
    bodies = [
        list_body(tuple(stored[n : n + 1000]), "openrouter", has_more=False, cursor=None)
        for n in range(0, count, 1000)
    ]
    del store, stored

    def load() -> FileList:
        files = FileList()
        for body in bodies:
            files.append(parse_page(json.loads(body), 1000).files)
        gc.collect()
        return files

    gc.collect()
    trims = _malloc_trim()  # free pages left from making the bodies do not count
    before = _rss_kib()
    files = load()
    loaded = _rss_kib()
    print(f"== {count:,} rows: {(loaded - before) * 1024 / count:.0f} bytes per row of RSS", end="")
    if trims and _malloc_trim():
        kept = (loaded - _rss_kib()) * 1024 / count
        print(f", {kept:.0f} of them free pages glibc's heap keeps (malloc_trim gives them back)")
    else:
        print()
    del files
    gc.collect()
    if trims:
        # What the FileList's one dict costs in RSS when it grows a file at a time.
        kept = load().loaded_files()
        gc.collect()
        _malloc_trim()
        before = _rss_kib()
        by_id: dict[str, object] = {}
        for file in kept:
            by_id[file.id] = file
        grown = _rss_kib()
        _malloc_trim()
        held = (grown - _rss_kib()) * 1024 / count
        print(
            f"== a dict of {count:,} ids grown one by one: {sys.getsizeof(by_id) / count:.0f} B "
            f"a row, RSS {(grown - before) * 1024 / count:.0f} B a row, {held:.0f} B of them "
            "free pages glibc's heap keeps (its earlier, smaller tables)"
        )
        del kept, by_id
        gc.collect()
    tracemalloc.start()
    start = tracemalloc.take_snapshot()
    files = load()
    after = tracemalloc.take_snapshot()
    assert files.loaded_count == count
    total = sum(stat.size_diff for stat in after.compare_to(start, "filename"))
    print(f"== {count:,} rows: {total / count:.0f} bytes per row (tracemalloc, live objects)")
    # pymalloc serves blocks up to 512 bytes from 16-byte size classes (an 81-byte id
    # string takes 96); larger blocks come from malloc as asked.
    blocks = sum(
        (trace.size + 15) // 16 * 16 if trace.size <= 512 else trace.size for trace in after.traces
    )
    print(f"   {blocks / count:.0f} bytes per row as pymalloc's blocks (16-byte size classes)")
    for stat in after.compare_to(start, "lineno")[:8]:
        frame = stat.traceback[0]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        print(f"{stat.size_diff / count:7.1f} B/row  {stat.count_diff:>8,} objects  {where}")


def memory_client(rows: int | None) -> None:
    """RSS per row for files listed through the client from an emulator (pages of 1,000,
    ``FilesClient.iter_pages``) into a FileList, as the browser loads them: each size in a
    process of its own, (growth at 100,000 - at 1,000) / 99,000, and the free pages glibc's
    heap keeps at 100,000 (what ``malloc_trim`` gives back)."""
    import gc
    import json

    if rows is None:
        results = {}
        for count in (1_000, 100_000):
            out = subprocess.run(
                [sys.executable, __file__, "memory-client", "--rows", str(count)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[count] = json.loads(out)
        small, large = results[1_000], results[100_000]
        per_row = (large["growth_kib"] - small["growth_kib"]) * 1024 / 99_000
        kept = large["kept_kib"] * 1024 / 100_000
        print(f"== through the client: {per_row:.0f} bytes per row of RSS (1,000 to 100,000)")
        print(f"   {kept:.0f} bytes per row of it free pages glibc's heap keeps at 100,000")
        return

    from orbrowse.listing.file_list import FileList

    async def load(url: str) -> dict[str, int]:
        async with FilesClient(KEY, base_url=url) as client:
            files = FileList()
            gc.collect()
            _malloc_trim()
            before = _rss_kib()
            async for page in client.iter_pages(limit=1000):
                files.append(page.files)
            gc.collect()
            loaded = _rss_kib()
            _malloc_trim()
            assert files.loaded_count == rows
            return {"growth_kib": loaded - before, "kept_kib": loaded - _rss_kib()}

    with Emulator(files=rows) as emulator:
        print(json.dumps(asyncio.run(load(emulator.url))))


def folders_memory() -> None:
    """tracemalloc's bytes per file of a FolderTree over 100,000 demo files given page by
    page (the files themselves are held before the snapshot: only the tree is counted)."""
    import gc
    import tracemalloc

    from benchmarks._files import make_files
    from orbrowse.listing.folders import FolderTree

    count = 100_000
    files = make_files(count, seed=0)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    tree = FolderTree()
    for start in range(0, count, 1000):
        tree.append(files[start : start + 1000])
    gc.collect()
    after = tracemalloc.take_snapshot()
    total = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    print(f"== FolderTree over {count:,} files, {tree.folder_count} folders: ", end="")
    print(f"{total / count:.1f} bytes per file (tracemalloc, live objects)")


def folders_filter(runs: int) -> None:
    """A filter typed in the folder view at 100,000 demo files ("readme", a letter at a
    time): process CPU of its parts, per letter (the median of ``runs``), then a profile of
    FolderTree.match (once a letter), the part the folder view adds to the flat view's."""
    import statistics

    from benchmarks._files import make_files
    from orbrowse.listing.file_list import FileList
    from orbrowse.listing.folder_rows import FolderRows
    from orbrowse.listing.folders import FolderTree

    loaded = make_files(100_000, seed=0)
    files = FileList(loaded)
    tree = FolderTree(loaded)
    rows = FolderRows(tree, files)
    parts: dict[str, list[list[float]]] = {"set_filter": [], "match": [], "rest of sync": []}
    profile = cProfile.Profile()
    for _ in range(runs):
        for name in parts:
            parts[name].append([])
        for end in range(1, len("readme") + 1):
            started = time.process_time()
            files.set_filter("readme"[:end])
            parts["set_filter"][-1].append(time.process_time() - started)
            started = time.process_time()
            tree.match(files.visibility(), (files.filter_version, 0), files.view)
            parts["match"][-1].append(time.process_time() - started)
            started = time.process_time()
            rows.sync()
            parts["rest of sync"][-1].append(time.process_time() - started)
        files.set_filter("")
        rows.sync()
    print("== a keystroke in the folder view at 100,000 files: ms CPU per letter of 'readme'")
    for name, samples in parts.items():
        medians = [statistics.median(letter) * 1000 for letter in zip(*samples, strict=True)]
        print(f"{name:>14}: " + "  ".join(f"{ms:6.1f}" for ms in medians))
    kept = []
    for end in range(1, len("readme") + 1):
        files.set_filter("readme"[:end])
        kept.append(len(files.view))
        profile.enable()
        tree.match(files.visibility(), ("profiled", end), files.view)
        profile.disable()
    print(f"{'files kept':>14}: " + "  ".join(f"{n:6,}" for n in kept))
    pstats.Stats(profile).sort_stats("tottime").print_stats(6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what",
        choices=(
            *("listing", "delete", "delete-engine", "roundtrip", "transport", "layers"),
            "startup",
            *("memory", "memory-client", "folders-memory", "folders-filter"),
        ),
    )
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        help="start-up: runs of each case; transport, delete: rounds",
    )
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="start-up, delete-engine: also time the orbrowse package in DIR (a checkout of "
        "another commit), interleaved with the others; roundtrip, delete, transport: also "
        "DIR's transport (orbrowse/api/network.py) under this client",
    )
    parser.add_argument("--rows", type=int, help="memory-client: one size, in this process")
    args = parser.parse_args()
    if args.what == "listing":
        listing(args.page)
    elif args.what == "delete":
        delete(args.before, rounds=args.runs)
    elif args.what == "delete-engine":
        delete_engine(args.runs, args.before)
    elif args.what == "roundtrip":
        roundtrip(before=args.before)
    elif args.what == "layers":
        layers()
    elif args.what == "transport":
        if args.before is None:
            parser.error("transport needs --before DIR (the transport to compare with)")
        transport(args.before, rounds=args.runs)
    elif args.what == "memory":
        memory()
    elif args.what == "memory-client":
        memory_client(args.rows)
    elif args.what == "folders-memory":
        folders_memory()
    elif args.what == "folders-filter":
        folders_filter(args.runs)
    else:
        startup(args.runs, args.before)


if __name__ == "__main__":
    main()

"""The emulator's own speed: handler time per page, and requests per second under load.

    python benchmarks/bench_emulator.py              # both parts, prints the figures
    python benchmarks/bench_emulator.py handler      # list handler time per page (in-process)
    python benchmarks/bench_emulator.py load         # list and delete requests/s (served)
    python benchmarks/bench_emulator.py timers       # how late a latency's deadline is kept

``handler``: the list handler (``EmulatorApp.list_files``, the response body included) called
directly, no HTTP, for pages of 100 and 1,000 files; median of 7 rounds of 200 calls.

``load``: ``orbrowse serve`` in a child process (``python -m orbrowse.emulator``), and a
concurrent client in this process: ``--connections`` keep-alive HTTP/1.1 connections on raw
asyncio streams on uvloop when installed (no HTTP library, so the client costs little next to
the server). It sends
``GET /files?limit=100`` for ``--seconds`` seconds, then deletes ``--deletes`` files, as fast as
the server answers. Both processes share the machine's cores.

``timers``: 300 waits of 3 ms each (one at a time), how late each returns: ``time.sleep``
(the machine's own wake-up), and the emulator's deadline (``orbrowse.emulator.deadline``: a
timerfd) against the loop's own timers (``sleep_until``), on uvloop and on asyncio.

Profile behind the causes named in benchmarks/EMULATOR.md::

    python -m cProfile -s tottime benchmarks/bench_emulator.py handler --profile
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # appended: PYTHONPATH=<an older checkout> measures that checkout's emulator (before/after)
    sys.path.append(str(ROOT))

from benchmarks._emulator import KEY, Emulator  # noqa: E402

# handler -----------------------------------------------------------------------------------


def handler_ms(page: int, *, cold: bool = False, rounds: int = 7, calls: int = 200) -> float:
    """Median milliseconds per call of the list handler for a page of ``page`` files.

    ``cold``: every call sends files never sent before (their JSON caches emptied), which a
    server pays once per file and shape.
    """
    from starlette.requests import Request

    from orbrowse.emulator.app import EmulatorApp
    from orbrowse.emulator.keys import Keys
    from orbrowse.emulator.seed import demo_store

    store = demo_store(files=max(page * 2, 3000))
    handlers = EmulatorApp(store, Keys())
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/files",
        "query_string": f"limit={page}".encode(),
        "headers": [(b"authorization", f"Bearer {KEY}".encode())],
    }

    first = store.page(store.default_workspace_id, after=None, limit=page).files

    def call() -> int:
        if cold:
            for stored in first:
                getattr(stored, "rendered", {}).clear()  # older emulators cache nothing
        coroutine = handlers.list_files(Request(scope))
        try:
            coroutine.send(None)
        except StopIteration as done:
            return len(done.value.body)
        raise RuntimeError("the handler awaited something")

    call()  # first call may fill caches: not what a steady server pays per page
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        samples.append((time.perf_counter() - start) / calls * 1000)
    return statistics.median(samples)


# load --------------------------------------------------------------------------------------


class _Connection:
    """One keep-alive HTTP/1.1 connection; ``call`` sends a request and reads the answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def call(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
                break
        else:
            raise RuntimeError("a response without Content-Length")
        await self.reader.readexactly(length)
        return status


def _request(method: str, target: str, host: str) -> bytes:
    return (
        f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {KEY}\r\nUser-Agent: bench\r\n\r\n"
    ).encode()


async def _open(url: str, count: int) -> tuple[list[_Connection], str, str]:
    rest = url.split("://", 1)[1]
    hostport, _, prefix = rest.partition("/")
    host, _, port = hostport.rpartition(":")
    connections = []
    for _ in range(count):
        reader, writer = await asyncio.open_connection(host, int(port), limit=1 << 22)
        connections.append(_Connection(reader, writer))
    return connections, hostport, "/" + prefix


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU time a process has used (Linux ``/proc``); 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _load(
    url: str, connections: int, seconds: float, deletes: int, pid: int | None = None
) -> dict[str, float]:
    pool, host, prefix = await _open(url, connections)
    list_request = _request("GET", f"{prefix}/files?limit=100", host)
    errors = 0

    async def lister(conn: _Connection, until: float) -> int:
        nonlocal errors
        done = 0
        while time.perf_counter() < until:
            if await conn.call(list_request) != 200:
                errors += 1
            done += 1
        return done

    # warm-up, then the measured window
    await asyncio.gather(*(lister(c, time.perf_counter() + 0.5) for c in pool))
    cpu = _cpu_seconds(pid)
    start = time.perf_counter()
    counts = await asyncio.gather(*(lister(c, start + seconds) for c in pool))
    list_rps = sum(counts) / (time.perf_counter() - start)
    list_cpu_us = (_cpu_seconds(pid) - cpu) / sum(counts) * 1e6

    ids: list[str] = []
    reader = pool[0]
    after = ""
    while len(ids) < deletes:
        target = f"{prefix}/files?limit=1000" + (f"&after={after}" if after else "")
        reader.writer.write(_request("GET", target, host))
        head = await reader.reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        body = json.loads(await reader.reader.readexactly(length))
        ids.extend(item["id"] for item in body["data"])
        if not body["has_more"]:
            break
        after = body["last_id"]
    ids = ids[:deletes]
    queue = list(reversed(ids))

    async def deleter(conn: _Connection) -> None:
        nonlocal errors
        while queue:
            file_id = queue.pop()
            if await conn.call(_request("DELETE", f"{prefix}/files/{file_id}", host)) != 200:
                errors += 1

    cpu = _cpu_seconds(pid)
    start = time.perf_counter()
    await asyncio.gather(*(deleter(c) for c in pool))
    delete_rps = len(ids) / (time.perf_counter() - start)
    delete_cpu_us = (_cpu_seconds(pid) - cpu) / max(1, len(ids)) * 1e6
    for conn in pool:
        conn.writer.close()
    return {
        "list_rps": list_rps,
        "delete_rps": delete_rps,
        "list_cpu_us": list_cpu_us,
        "delete_cpu_us": delete_cpu_us,
        "errors": errors,
        "deleted": len(ids),
    }


def load(
    connections: int, seconds: float, deletes: int, url: str | None, stack: list[str]
) -> dict[str, float]:
    if url is not None:
        return _run(_load(url, connections, seconds, deletes))
    with Emulator(files=deletes + 1000, extra_args=stack) as emulator:
        return _run(_load(emulator.url, connections, seconds, deletes, emulator.pid))


# timers ------------------------------------------------------------------------------------


def _lateness(samples: list[float]) -> str:
    samples.sort()
    median = statistics.median(samples) * 1000
    return f"median {median:.3f} ms, p90 {samples[len(samples) * 9 // 10] * 1000:.3f} ms"


def timers(waits: int = 300, seconds: float = 0.003) -> None:
    import uvloop

    from orbrowse.emulator.deadline import sleep_until, wait_until

    late: list[float] = []
    for _ in range(waits):
        due = time.monotonic() + seconds
        time.sleep(seconds)
        late.append(time.monotonic() - due)
    print(f"time.sleep: {_lateness(late)} late")

    async def waited(wait: Any) -> list[float]:
        out = []
        for _ in range(waits):
            due = time.monotonic() + seconds
            await wait(due)
            out.append(time.monotonic() - due)
        return out

    for loop_name, run in (("uvloop", uvloop.run), ("asyncio", asyncio.run)):
        for name, wait in (("timerfd (wait_until)", wait_until), ("loop timer", sleep_until)):
            print(f"{loop_name}, {name}: {_lateness(run(waited(wait)))} late")


def _run(work: Coroutine[Any, Any, dict[str, float]]) -> dict[str, float]:
    """The client on uvloop when installed: the less CPU it takes, the more the server gets."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "part", nargs="?", choices=("handler", "load", "timers", "all"), default="all"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--deletes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="load runs (median reported)")
    parser.add_argument("--profile", action="store_true", help="handler: page 1,000 only")
    parser.add_argument(
        "--url", help="load: an emulator already running (e.g. one under a profiler)"
    )
    parser.add_argument(
        "--stack",
        default="",
        help="load: serve's --http/--loop flags, e.g. '--http h11 --loop asyncio' (default: auto)",
    )
    args = parser.parse_args(argv)
    import orbrowse

    print(f"orbrowse from {Path(orbrowse.__file__).parent}", file=sys.stderr)
    if args.part in ("handler", "all"):
        pages = (1000,) if args.profile else (100, 1000)
        for page in pages:
            print(f"list handler, page {page:>5,}: {handler_ms(page):.3f} ms per call", flush=True)
            if not args.profile:
                cold = handler_ms(page, cold=True, rounds=3, calls=20)
                print(f"  (first time these files are sent: {cold:.3f} ms)", flush=True)
    if args.part in ("timers", "all"):
        timers()
    if args.part in ("load", "all"):
        runs = [
            load(args.connections, args.seconds, args.deletes, args.url, args.stack.split())
            for _ in range(args.runs)
        ]
        for run in runs:
            print(
                f"  run: list {run['list_rps']:,.0f}/s ({run['list_cpu_us']:.0f} µs server CPU "
                f"each), delete {run['delete_rps']:,.0f}/s ({run['delete_cpu_us']:.0f} µs), "
                f"errors {run['errors']:.0f}",
                file=sys.stderr,
            )
        lists = [run["list_rps"] for run in runs]
        dels = [run["delete_rps"] for run in runs]
        list_cpu = statistics.median(run["list_cpu_us"] for run in runs)
        delete_cpu = statistics.median(run["delete_cpu_us"] for run in runs)
        print(
            f"list (100 files), {args.connections} connections: {statistics.median(lists):,.0f} "
            f"req/s (min {min(lists):,.0f}, max {max(lists):,.0f}); "
            f"server CPU {list_cpu:.0f} µs per request (one core: {1e6 / list_cpu:,.0f}/s)"
        )
        print(
            f"delete, {args.connections} connections: "
            f"{statistics.median(dels):,.0f} req/s (min {min(dels):,.0f}, max {max(dels):,.0f}); "
            f"server CPU {delete_cpu:.0f} µs per request (one core: {1e6 / delete_cpu:,.0f}/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

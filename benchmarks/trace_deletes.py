"""Where a delete's round trip goes beyond the latency: 1,000 deletes, 8 in flight, at 20 ms
(issue 13's delete row), traced at both ends of the socket.

    .venv/bin/python benchmarks/trace_deletes.py [--runs 3] [--before DIR]

The emulator (a child, ``_emulator_traced.py``) notes each request's arrival, its answer's
deadline (arrival + latency) and when the answer was let go; the client notes when it called
``delete_file``, wrote the request, first heard of the answer, and returned. Each round runs
orbrowse's engine and a bare-socket client (8 connections, HTTP/1.1 written by hand: what the
emulator, the kernel and asyncio cost), untraced on the client side, for the wall time; then
one traced run of each gives the legs. With ``--before DIR`` the same runs go against DIR's
emulator too (a ``git archive`` of another commit), rounds interleaved; ``--count`` changes
the 1,000. Times are
``time.monotonic()``, one clock for both processes on Linux.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_delete import _first_files, delete_orbrowse  # noqa: E402
from benchmarks.profile_speed import _BareSocket  # noqa: E402
from orbrowse.api import http11  # noqa: E402
from orbrowse.api.client import FilesClient  # noqa: E402

LATENCY_MS = 20.0

Marks = dict[str, dict[str, float]]
"""Per request path: ``call``, ``write``, ``heard``, ``done`` (client) and ``worker``."""


class TracedEmulator:
    """``_emulator_traced.py`` serving ``source``'s package; :meth:`stop` returns its trace."""

    def __init__(self, files: int, source: str | None) -> None:
        self._out = Path(tempfile.mkstemp(prefix="orbrowse-trace-", suffix=".json")[1])
        args = [sys.executable, str(ROOT / "benchmarks" / "_emulator_traced.py")]
        args += [str(self._out), str(files), str(LATENCY_MS), *([source] if source else [])]
        self._process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("listening on "):
            self._process.kill()
            raise RuntimeError(f"the traced emulator did not start: {line!r}")
        self.url = line.removeprefix("listening on ").strip()

    def stop(self) -> dict[str, tuple[float, float, float]]:
        """Per path: (arrived, deadline, released)."""
        self._process.terminate()
        self._process.wait(timeout=30)
        rows = json.loads(self._out.read_text(encoding="utf-8"))["requests"]
        self._out.unlink()
        return {path: (arrived, deadline, at) for path, arrived, deadline, at in rows}


@contextlib.contextmanager
def client_marks(marks: Marks) -> Iterator[None]:
    """Notes the client's four moments of each delete in ``marks`` (patched in for one run)."""
    send, received, delete = (
        http11.Connection.send,
        http11.Connection.data_received,
        FilesClient.delete_file,
    )

    async def noting_send(self: Any, data: bytes, timeout: float | None) -> None:  # noqa: ASYNC109
        self.traced_path = data.split(b" ", 2)[1].split(b"?")[0].decode()
        marks.setdefault(self.traced_path, {})["write"] = time.monotonic()
        await send(self, data, timeout)

    def noting_received(self: Any, data: bytes) -> None:
        path = getattr(self, "traced_path", None)
        if path is not None:
            marks[path].setdefault("heard", time.monotonic())
        received(self, data)

    async def noting_delete(self: FilesClient, file_id: str) -> str:
        mark = marks.setdefault(f"/{_path(self.base_url, file_id)}", {})
        mark["call"] = time.monotonic()
        mark["worker"] = id(asyncio.current_task())
        done = await delete(self, file_id)
        mark["done"] = time.monotonic()
        return done

    http11.Connection.send = noting_send  # type: ignore[method-assign]
    http11.Connection.data_received = noting_received  # type: ignore[method-assign]
    FilesClient.delete_file = noting_delete  # type: ignore[method-assign]
    try:
        yield
    finally:
        http11.Connection.send = send  # type: ignore[method-assign]
        http11.Connection.data_received = received  # type: ignore[method-assign]
        FilesClient.delete_file = delete  # type: ignore[method-assign]


def _path(base_url: str, file_id: str) -> str:
    return base_url.split("//", 1)[1].split("/", 1)[1] + f"/files/{file_id}"


async def socket_deletes(url: str, ids: list[str], marks: Marks | None) -> None:
    queue = list(ids)

    async def lane() -> None:
        sock = await _BareSocket.open(url)
        worker = float(id(asyncio.current_task()))
        while queue:
            file_id = queue.pop()
            started = time.monotonic()
            json.loads(await sock.request("DELETE", f"files/{file_id}"))
            if marks is not None:  # the write is the call; hearing is the end, less the parse
                now = time.monotonic()
                mark = {"call": started, "write": started, "heard": now, "done": now}
                marks[f"/{_path(url, file_id)}"] = {**mark, "worker": worker}
        sock.close()

    await asyncio.gather(*(lane() for _ in range(8)))


def legs(marks: Marks, server: dict[str, tuple[float, float, float]]) -> dict[str, list[float]]:
    """Each leg of each traced request, in milliseconds."""
    out: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        out.setdefault(name, []).append(seconds * 1000)

    by_worker: dict[float, list[dict[str, float]]] = {}
    for path, mark in marks.items():
        if path not in server or not {"call", "write", "heard", "done"} <= mark.keys():
            continue
        arrived, deadline, released = server[path]
        add("client: call to request written", mark["write"] - mark["call"])
        add("to the emulator: written to read", arrived - mark["write"])
        add("emulator: deadline to answer let go", released - deadline)
        add("back: let go to client's first read", mark["heard"] - released)
        add("client: first read to delete_file returned", mark["done"] - mark["heard"])
        by_worker.setdefault(mark["worker"], []).append(mark)
    for traced in by_worker.values():
        traced.sort(key=lambda m: m["call"])
        for before, after in itertools.pairwise(traced):
            add("engine: returned to the next call", after["call"] - before["done"])
            add("cycle: a call to the same worker's next", after["call"] - before["call"])
    return out


def run_once(client: str, url: str, count: int, folder: Path, marks: Marks | None) -> float:
    """Seconds for ``count`` deletes by ``client``, noting each in ``marks`` when given."""
    files = asyncio.run(_first_files(url, count))
    if client == "orbrowse":
        with client_marks(marks) if marks is not None else contextlib.nullcontext():
            seconds, problem = delete_orbrowse(url, files, folder)
        assert problem is None, problem
        return seconds
    started = time.perf_counter()
    asyncio.run(socket_deletes(url, [f.id for f in files], marks))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="untraced rounds for the wall time")
    parser.add_argument("--before", metavar="DIR", help="also DIR's emulator, interleaved")
    parser.add_argument("--count", type=int, default=1000, help="deletes per run")
    args = parser.parse_args()
    count = args.count
    floor = count / 8 * LATENCY_MS / 1000
    sources = {"now": None, **({f"{args.before}'s emulator": args.before} if args.before else {})}
    files = count * (2 * args.runs + 2) + 1000
    emulators = {name: TracedEmulator(files, source) for name, source in sources.items()}
    wall: dict[str, list[float]] = {}
    traced: dict[str, Marks] = {}
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.runs):
            for name in list(emulators)[:: 1 if number % 2 == 0 else -1]:
                for client in ("orbrowse", "bare socket"):
                    seconds = run_once(client, emulators[name].url, count, Path(folder), None)
                    wall.setdefault(f"{client}, {name}", []).append(seconds)
        for name, emulator in emulators.items():
            for client in ("orbrowse", "bare socket"):
                marks = traced.setdefault(f"{client}, {name}", {})
                run_once(client, emulator.url, count, Path(folder), marks)
    server = {name: emulator.stop() for name, emulator in emulators.items()}
    print(f"== wall, {args.runs} untraced rounds (floor {floor:.2f} s)")
    for key, samples in wall.items():
        median = statistics.median(samples)
        print(f"{key:40} {median:.3f} s · {median / floor:.3f}× the floor")
    for key, marks in traced.items():
        emulator_name = key.split(", ", 1)[1]
        print(f"== one traced run, {key}: ms, median · mean · p90")
        for leg, values in legs(marks, server[emulator_name]).items():
            values.sort()
            p90 = values[int(len(values) * 0.9)]
            print(
                f"  {leg:46} {statistics.median(values):6.3f} · "
                f"{statistics.mean(values):6.3f} · {p90:6.3f}"
            )


if __name__ == "__main__":
    main()

"""2. Bulk delete: the browser's delete engine against a sequential SDK loop; then under a
server rate limit, where every file must go with no error shown."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

import httpx
from openrouter import OpenRouter

from benchmarks._config import Config, interleaved
from benchmarks._emulator import KEY, Emulator
from benchmarks._results import Row
from orbrowse.api.client import FilesClient
from orbrowse.api.models import FileObject
from orbrowse.bulk import BulkProgress, delete_files
from orbrowse.config import DEFAULT_DELETE_CONCURRENCY
from orbrowse.deletion_log import DeletionLog

LATENCY_MS = 20.0
RATE_LIMIT = 50.0


async def _first_files(url: str, count: int) -> list[FileObject]:
    """The oldest ``count`` files still there (untimed set-up for one run)."""
    files: list[FileObject] = []
    async with FilesClient(KEY, base_url=url) as client:
        async for page in client.iter_pages(limit=1000):
            files += page.files
            if len(files) >= count:
                break
    if len(files) < count:
        raise RuntimeError(f"only {len(files)} files left to delete, {count} needed")
    return files[:count]


async def _remaining(url: str, ids: set[str]) -> int:
    """How many of ``ids`` the server still lists."""
    left = 0
    async with FilesClient(KEY, base_url=url) as client:
        async for page in client.iter_pages(limit=1000):
            left += sum(1 for f in page.files if f.id in ids)
    return left


def delete_orbrowse(url: str, files: list[FileObject], log_dir: Path) -> tuple[float, str | None]:
    """The dialog's path without the UI: the engine, a deletion log, a progress callback."""
    progress: list[BulkProgress] = []

    async def body() -> str | None:
        async with FilesClient(KEY, base_url=url) as client:
            report = await delete_files(
                client,
                files,
                concurrency=DEFAULT_DELETE_CONCURRENCY,
                log=DeletionLog(log_dir / "deletions.jsonl"),
                workspace_id=None,
                on_progress=progress.append,
            )
        if report.failed or report.not_attempted or report.stopped:
            return (
                f"{len(report.failed)} failed, {len(report.not_attempted)} not attempted"
                f" ({report.stop_reason}); first: {report.failed[:1]}"
            )
        return None

    started = time.perf_counter()
    problem = asyncio.run(body())
    return time.perf_counter() - started, problem


def delete_sdk(url: str, files: list[FileObject]) -> float:
    """What a user would write with the SDK: a loop over the ids."""
    started = time.perf_counter()
    with OpenRouter(api_key=KEY, server_url=url) as sdk:
        for file in files:
            sdk.files.delete(file_id=file.id)
    return time.perf_counter() - started


def delete_sdk_async(url: str, files: list[FileObject]) -> tuple[float, float]:
    """The SDK at its best: ``delete_async`` with 8 in flight (a semaphore), as orbrowse.
    Returns (seconds deleting, seconds constructing the client), timed apart."""

    async def body() -> tuple[float, float]:
        built = time.perf_counter()
        sdk = OpenRouter(api_key=KEY, server_url=url)
        construction = time.perf_counter() - built
        gate = asyncio.Semaphore(DEFAULT_DELETE_CONCURRENCY)

        async def one(file_id: str) -> None:
            async with gate:
                await sdk.files.delete_async(file_id=file_id)

        async with sdk:
            started = time.perf_counter()
            await asyncio.gather(*(one(f.id) for f in files))
            return time.perf_counter() - started, construction

    return asyncio.run(body())


def delete_raw(url: str, files: list[FileObject]) -> float:
    """The least a client can do: the same deletes, 8 in flight, ``json.loads`` of each answer
    and nothing else (no retries, no log, no checks; no CA bundle for plain HTTP)."""

    async def body() -> float:
        headers = {"Authorization": f"Bearer {KEY}"}
        gate = asyncio.Semaphore(DEFAULT_DELETE_CONCURRENCY)
        async with httpx.AsyncClient(base_url=url + "/", headers=headers, verify=False) as http:

            async def one(file_id: str) -> None:
                async with gate:
                    json.loads((await http.delete(f"files/{file_id}")).content)

            started = time.perf_counter()
            await asyncio.gather(*(one(f.id) for f in files))
            return time.perf_counter() - started

    return asyncio.run(body())


def _default_concurrency(config: Config, count: int) -> list[Row]:
    case = f"{count:,} files, {LATENCY_MS:.0f} ms, concurrency {DEFAULT_DELETE_CONCURRENCY}"
    ours = Row("delete", case, "orbrowse", "s")
    sdk = Row("delete", case, "sdk loop", "s")
    sdk_async = Row("delete", case, "sdk delete_async ×8", "s", note="semaphore of 8")
    sdk_built = Row("delete", case, "sdk client construction", "s", note="timed apart")
    raw = Row("delete", case, "raw httpx ×8", "s", note="same deletes, json.loads only")
    problems: list[str] = []
    with (
        Emulator(files=count * config.runs * 4, latency_ms=LATENCY_MS) as emulator,
        tempfile.TemporaryDirectory(prefix="orbrowse-bench-") as folder,
    ):

        def run_ours() -> None:
            files = asyncio.run(_first_files(emulator.url, count))
            seconds, problem = delete_orbrowse(emulator.url, files, Path(folder))
            ours.samples.append(seconds)
            if problem:
                problems.append(problem)

        def run_sdk() -> None:
            files = asyncio.run(_first_files(emulator.url, count))
            sdk.samples.append(delete_sdk(emulator.url, files))

        def run_sdk_async() -> None:
            files = asyncio.run(_first_files(emulator.url, count))
            seconds, construction = delete_sdk_async(emulator.url, files)
            sdk_async.samples.append(seconds)
            sdk_built.samples.append(construction)

        def run_raw() -> None:
            files = asyncio.run(_first_files(emulator.url, count))
            raw.samples.append(delete_raw(emulator.url, files))

        interleaved(config.runs, run_ours, run_raw, run_sdk_async, run_sdk)
    if problems:
        ours.note = "; ".join(problems)
    floor = count / DEFAULT_DELETE_CONCURRENCY * LATENCY_MS / 1000
    speed = Row("delete", case, "orbrowse/sdk", "s", list(ours.samples))
    speed.compare("sdk loop", sdk.median, "≤ 0.167× sdk (6× faster)", lambda r: r <= 1 / 6)
    best = Row("delete", case, "orbrowse/sdk async", "s", list(ours.samples))
    best.compare("sdk delete_async ×8", sdk_async.median, "≤ 1.00× sdk async", lambda r: r <= 1)
    ours.compare("floor", floor, "≤ 1.10× floor", lambda r: r <= 1.10)
    sdk_async.compare("floor", floor)
    raw.compare("floor", floor)
    versus_raw = Row("delete", case, "orbrowse/raw httpx", "s", list(ours.samples))
    versus_raw.compare("raw httpx ×8", raw.median)
    floor_row = Row("delete", case, "floor", "s", [floor], note="files / concurrency × latency")
    return [floor_row, ours, raw, sdk_async, sdk_built, sdk, speed, best, versus_raw]


def _rate_limited(config: Config, count: int) -> list[Row]:
    case = f"{count:,} files, {LATENCY_MS:.0f} ms, {RATE_LIMIT:.0f} rps limit"
    ours = Row("delete", case, "orbrowse", "s")
    left = Row("delete", case, "orbrowse files left + errors", "files")
    # The emulator's bucket starts full (RATE_LIMIT tokens), then refills at RATE_LIMIT/s.
    floor = (count - RATE_LIMIT) / RATE_LIMIT
    with (
        Emulator(files=count * config.runs, latency_ms=LATENCY_MS, rate_limit=RATE_LIMIT) as emu,
        tempfile.TemporaryDirectory(prefix="orbrowse-bench-") as folder,
    ):
        for _ in range(config.runs):
            files = asyncio.run(_first_files(emu.url, count))
            time.sleep(1.5)  # let the bucket refill after the set-up listing
            seconds, problem = delete_orbrowse(emu.url, files, Path(folder))
            ours.samples.append(seconds)
            still_there = asyncio.run(_remaining(emu.url, {f.id for f in files}))
            errors = 0
            if problem:
                errors = 1
                ours.note = problem
            left.samples.append(still_there + errors)
            time.sleep(1.5)
    ours.compare("floor", floor, "≤ 1.02× floor", lambda r: r <= 1.02)
    left.target = "0 left, no error"
    left.met = left.high == 0
    floor_row = Row(
        "delete", case, "floor", "s", [floor], note="(files - bucket of 50) / rate limit"
    )
    return [floor_row, ours, left]


def run(config: Config) -> list[Row]:
    count = config.scale(1000, 200)
    rows = _default_concurrency(config, count) + _rate_limited(config, count)
    if not config.quick:
        rows += _rate_limited(config, 200)  # a short job: the first whole-second wait weighed most
    return rows

"""1. Listing: every file of a large workspace, orbrowse's client against the SDK's pager."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

import httpx
from openrouter import OpenRouter

from benchmarks._config import Config, interleaved
from benchmarks._emulator import KEY, Emulator
from benchmarks._results import Row
from orbrowse.api.client import FilesClient

LATENCY_MS = 20.0
GOALS = {100: 1.12, 1000: 1.15}
"""The listing's goal per page size: at most this many times the floor (issue 13)."""


async def list_orbrowse(url: str, page_size: int) -> int:
    count = 0
    async with FilesClient(KEY, base_url=url) as client:
        async for page in client.iter_pages(limit=page_size):
            count += len(page.files)
    return count


async def list_sdk(url: str, page_size: int) -> int:
    count = 0
    async with OpenRouter(api_key=KEY, server_url=url) as sdk:
        response = await sdk.files.list_async(limit=page_size)
        while response is not None:
            count += len(response.result.data)
            response = await response.next()
    return count


Lister = Callable[[str, int], Coroutine[Any, Any, int]]


async def list_raw(url: str, page_size: int) -> int:
    """The least a client can do: the same requests, ``json.loads`` and nothing else."""
    count = 0
    cursor: str | None = None
    headers = {"Authorization": f"Bearer {KEY}"}
    # Plain HTTP: no CA bundle to load (orbrowse's client skips it too).
    async with httpx.AsyncClient(base_url=url + "/", headers=headers, verify=False) as http:
        while True:
            params: dict[str, str | int] = {"limit": page_size}
            if cursor:
                params["cursor"] = cursor
            response = await http.get("files", params=params)
            body = json.loads(response.content)
            count += len(body["data"])
            cursor = body.get("cursor")
            if not cursor:
                return count


def _measure(lister: Lister, url: str, page_size: int, expected: int, row: Row) -> None:
    started = time.perf_counter()
    count = asyncio.run(lister(url, page_size))
    row.samples.append(time.perf_counter() - started)
    if count != expected:
        raise RuntimeError(f"{row.impl} listed {count} files, expected {expected}")


def run(config: Config) -> list[Row]:
    files = config.scale(20_000, 2_000)
    rows: list[Row] = []
    with Emulator(files=files, latency_ms=LATENCY_MS) as emulator:
        for page_size in (100, 1000):
            case = f"{files:,} files, page {page_size}, {LATENCY_MS:.0f} ms"
            ours = Row("listing", case, "orbrowse", "s")
            sdk = Row("listing", case, "sdk", "s")
            raw = Row("listing", case, "raw httpx", "s", note="same requests, json.loads only")
            interleaved(
                config.runs,
                partial(_measure, list_orbrowse, emulator.url, page_size, files, ours),
                partial(_measure, list_sdk, emulator.url, page_size, files, sdk),
                partial(_measure, list_raw, emulator.url, page_size, files, raw),
            )
            pages = math.ceil(files / page_size)
            floor = pages * LATENCY_MS / 1000
            goal = GOALS[page_size]
            ours.compare(
                "floor", floor, f"≤ {goal:.2f}× floor", lambda ratio, goal=goal: ratio <= goal
            )
            sdk.compare("floor", floor)
            raw.compare("floor", floor)
            versus = Row("listing", case, "orbrowse/sdk", "s", list(ours.samples))
            versus.compare("sdk", sdk.median, "< 1.00× sdk", lambda ratio: ratio < 1.0)
            floor_row = Row("listing", case, "floor", "s", [floor], note=f"{pages} pages × latency")
            rows += [floor_row, ours, sdk, raw, versus]
    return rows

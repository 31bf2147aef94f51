"""The one pager: the next request on the wire while a page is used, fallbacks, resuming."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import parse_qs

import httpx
import pytest

from orbrowse.api import client as client_module
from orbrowse.api.client import FilesClient
from orbrowse.api.errors import ServerError
from orbrowse.api.pager import Pager
from orbrowse.api.retry import NO_RETRY
from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from tests.factories import openai_list_page

ARRIVAL_LIMIT = 5.0
"""Seconds a consumer holds the event loop for the next request to reach the server (a bound
for a busy machine, not a timing: a request not on the wire before then never arrives)."""


def file_requests(emulator: RunningEmulator) -> list[float]:
    return [
        r.received_at
        for r in emulator.faults.requests
        if r.method == "GET" and r.path.endswith("/files")
    ]


def holding_the_loop_until_seen(emulator: RunningEmulator, count: int) -> bool:
    """Hold the event loop, as parsing and drawing a page do, until the server has seen
    ``count`` listing requests: a request is seen only if it was on the wire before the loop
    was held (False if it is not seen within :data:`ARRIVAL_LIMIT`)."""
    deadline = time.monotonic() + ARRIVAL_LIMIT
    while len(file_requests(emulator)) < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)  # holds the loop on purpose
    return True


async def test_next_request_arrives_before_the_page_is_used(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = emulator.store.default_workspace_id
    generate_files(emulator.store, workspace, 1000)
    emulator.faults.clear()
    early: list[bool] = []
    pages = 0
    async for _page in client.iter_pages(limit=100):
        pages += 1
        if pages < 10:  # request n+1 reaches the server while the client is using page n
            early.append(holding_the_loop_until_seen(emulator, pages + 1))
    assert pages == len(file_requests(emulator)) == 10
    assert early == [True] * 9


async def test_next_request_arrives_before_the_page_is_decoded(
    emulator: RunningEmulator, client: FilesClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cursor ends the body: the next request goes out from the raw tail, and the
    # decoding (1.5-2 ms for 1,000 files) is no longer on the way between two requests.
    workspace = emulator.store.default_workspace_id
    generate_files(emulator.store, workspace, 500)
    emulator.faults.clear()
    early: list[bool] = []
    decode = client_module._decode_json

    def slow(response: httpx.Response, body: bytes | None = None) -> object:
        # Holds the loop, as decoding a large page does: a request not written before the
        # decoding began cannot reach the server until it ends.
        if len(early) < 4:  # request n+1 reaches the server while page n is decoded
            early.append(holding_the_loop_until_seen(emulator, len(early) + 2))
        else:
            early.append(False)  # the last page: no request after it
        return decode(response, body)

    monkeypatch.setattr(client_module, "_decode_json", slow)
    # Longer than the decoding: each answer comes after the page before it was taken (one
    # request ahead of the pages taken, as without the tail).
    emulator.faults.latency_ms = 150
    pages = [page async for page in client.iter_pages(limit=100)]
    assert sum(len(p.files) for p in pages) == 500
    assert len(file_requests(emulator)) == 5
    assert early == [True, True, True, True, False]  # one decoding per page


async def test_a_tail_cursor_the_decoded_page_denies_is_not_followed(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    # The tail says "more, at cursor X" but the page says it is the last: the request
    # started from the tail is dropped and the listing ends with that page.
    workspace = emulator.store.default_workspace_id
    stored = generate_files(emulator.store, workspace, 3)
    body = (
        b'{"_shape":"openrouter","data":['
        + b",".join(
            json.dumps(
                {
                    "_shape": "openrouter",
                    "id": f.id,
                    "filename": f.filename,
                    "mime_type": "text/plain",
                    "size_bytes": 1,
                    "created_at": "2026-09-01T12:00:00Z",
                    "downloadable": False,
                }
            ).encode()
            for f in stored
        )
        + b'],"has_more":false,"cursor":"eyJjdXJzb3IiOiJ4In0="}'
    )
    emulator.faults.clear()
    emulator.faults.fail_next(200, path_contains="/files", body=body)
    listed = [f.id async for page in client.iter_pages(limit=100) for f in page.files]
    assert listed == [f.id for f in stored]


async def test_pager_resumes_from_the_failed_page(emulator: RunningEmulator, api_key: str) -> None:
    workspace = emulator.store.default_workspace_id
    generate_files(emulator.store, workspace, 250)
    expected = [f.id for f in emulator.store.files(workspace)]
    async with FilesClient(api_key, base_url=emulator.url, retry=NO_RETRY) as client:
        pager = client.pager(limit=100)
        first = await pager.next_page(ahead=False)  # the next request is the one below
        cursor = pager.next_cursor
        assert cursor is not None and not pager.in_flight
        emulator.faults.clear()
        emulator.faults.fail_next(500, method="GET", path_contains="/files")
        with pytest.raises(ServerError):
            await pager.next_page()
        assert pager.next_cursor == cursor
        rest: list[str] = []
        while pager.has_more:
            rest.extend(f.id for f in (await pager.next_page()).files)
    assert [f.id for f in first.files] + rest == expected
    queries = [parse_qs(r.query) for r in emulator.faults.requests]
    assert queries[0]["cursor"] == queries[1]["cursor"] == [cursor]


async def test_a_cancelled_wait_leaves_the_request_for_the_next_call(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = emulator.store.default_workspace_id
    generate_files(emulator.store, workspace, 150)
    pager = client.pager(limit=100)
    await pager.next_page(ahead=False)
    emulator.faults.clear()
    emulator.faults.hold()  # the answer does not come before the wait is cancelled
    waiting = asyncio.ensure_future(pager.next_page())
    while not emulator.faults.held:  # noqa: ASYNC110 (the emulator's thread)
        await asyncio.sleep(0.01)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    emulator.faults.release()
    page = await pager.next_page()
    assert len(page.files) == 50 and not pager.has_more
    assert len(emulator.faults.requests) == 1  # asked once, used by the second call


async def test_a_list_without_a_cursor_pages_with_the_last_id(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = emulator.store.default_workspace_id
    stored = generate_files(emulator.store, workspace, 30)
    body = openai_list_page(stored[:10])
    emulator.faults.fail_next(200, path_contains="/files", body=body)
    listed = [f.id async for page in client.iter_pages(limit=10) for f in page.files]
    assert listed == [f.id for f in stored]
    second = parse_qs(emulator.faults.requests[1].query)
    assert second["after"] == [stored[9].id]


async def answered(pager: Pager) -> None:
    """Until the request in flight is done (its answer read), as the launcher's import of
    Textual lets it come."""
    while pager.in_flight:  # noqa: ASYNC110 - the pager's public state, polled
        await asyncio.sleep(0.01)


async def test_ready_page_is_there_without_waiting_once_answered(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = emulator.store.default_workspace_id
    generate_files(emulator.store, workspace, 250)
    expected = [f.id for f in emulator.store.files(workspace)]
    pager = client.pager(limit=100)
    assert pager.ready_page() is None  # nothing asked yet
    emulator.faults.hold()
    await pager.prefetch_sent(written=True)
    assert pager.ready_page() is None  # asked, not answered: next_page will wait for it
    emulator.faults.release()
    await answered(pager)
    first = pager.ready_page()
    assert first is not None and [f.id for f in first.files] == expected[:100]
    assert pager.in_flight, "the next page's request went out before the page was parsed"
    rest: list[str] = []
    while pager.has_more:
        rest.extend(f.id for f in (await pager.next_page()).files)
    assert [f.id for f in first.files] + rest == expected


async def test_ready_page_leaves_a_failed_request_to_next_page(
    emulator: RunningEmulator, api_key: str
) -> None:
    generate_files(emulator.store, emulator.store.default_workspace_id, 50)
    emulator.faults.fail_next(500, method="GET", path_contains="/files")
    async with FilesClient(api_key, base_url=emulator.url, retry=NO_RETRY) as client:
        pager = client.pager(limit=100)
        pager.prefetch()
        await answered(pager)
        assert pager.ready_page() is None
        with pytest.raises(ServerError):
            await pager.next_page()
        assert len((await pager.next_page()).files) == 50  # the same page, asked again


async def test_settle_reads_an_answer_that_came_while_the_loop_was_held(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    generate_files(emulator.store, emulator.store.default_workspace_id, 100)
    pager = client.pager(limit=100)
    await pager.prefetch_sent(written=True)
    time.sleep(0.3)  # noqa: ASYNC251 - holds the loop, as importing Textual does
    await pager.settle()
    page = pager.ready_page()
    assert page is not None and len(page.files) == 100

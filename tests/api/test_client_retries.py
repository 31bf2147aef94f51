"""Retries under injected faults, and the pure retry policy."""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import httpx
import pytest

from orbrowse.api import client as client_module
from orbrowse.api.client import FilesClient, RequestRecord
from orbrowse.api.errors import (
    APIConnectionError,
    APITimeoutError,
    BadRequestError,
    RateLimitError,
    ServerError,
    describe,
    error_for_status,
    parse_retry_after,
)
from orbrowse.api.retry import NO_RETRY, RetryPolicy
from orbrowse.emulator.server import RunningEmulator


async def test_server_errors_are_retried(emulator: RunningEmulator, client: FilesClient) -> None:
    emulator.faults.fail_next(500, path_contains="/files", count=3)
    page = await client.list_files()
    assert page.files is not None
    assert len([r for r in emulator.faults.requests if r.path.endswith("/files")]) == 4


async def test_rate_limit_waits_for_retry_after(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    emulator.faults.fail_next(429, path_contains="/files", retry_after=1)
    started = time.monotonic()
    await client.list_files()
    assert time.monotonic() - started >= 1.0


async def test_a_rate_limit_hold_past_request_timeout_says_so_not_the_network(
    emulator: RunningEmulator, api_key: str
) -> None:
    reset_ms = int((time.time() + 30) * 1000)  # the limit refills long after request_timeout
    emulator.faults.fail_next(
        429,
        path_contains="/files",
        headers={
            "X-RateLimit-Limit": "10",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(reset_ms),
        },
    )
    retry = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.001)
    async with FilesClient(
        api_key, base_url=emulator.url, retry=retry, request_timeout=0.5
    ) as client:
        with pytest.raises(APITimeoutError) as caught:
            await client.list_files()
    said = describe(caught.value)
    assert "rate limit held the request longer than 0.5 s (request_timeout)" in said
    assert "raise request_timeout" in said
    assert "network" not in said
    assert not caught.value.sent


async def test_dropped_connections_are_retried(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    emulator.faults.drop_next(path_contains="/files", count=2)
    await client.list_files()
    assert len([r for r in emulator.faults.requests if r.path.endswith("/files")]) == 3


async def test_retries_are_bounded(emulator: RunningEmulator, api_key: str) -> None:
    emulator.faults.fail_next(500, count=100)
    policy = RetryPolicy(max_attempts=3, base_delay=0.01)
    async with FilesClient(api_key, base_url=emulator.url, retry=policy) as client:
        with pytest.raises(ServerError) as caught:
            await client.list_files()
    assert caught.value.status == 500
    assert len(emulator.faults.requests) == 3


async def test_client_errors_are_not_retried(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    emulator.faults.fail_next(400, path_contains="/files")
    with pytest.raises(BadRequestError):
        await client.list_files()
    assert len(emulator.faults.requests) == 1


async def test_an_upload_is_not_resent_after_the_server_may_have_kept_it(
    emulator: RunningEmulator, client: FilesClient, tmp_path: object
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "a.txt"
    path.write_text("hello")
    emulator.faults.drop_next(method="POST")
    with pytest.raises(APIConnectionError):
        await client.upload_file(path)
    assert len([r for r in emulator.faults.requests if r.method == "POST"]) == 1
    # A 503 means the server kept nothing: that one is re-sent from the start.
    emulator.faults.fail_next(503, method="POST", retry_after=0)
    file = await client.upload_file(path)
    assert emulator.store.get(emulator.store.default_workspace_id, file.id) is not None


async def test_an_upload_that_waited_for_a_connection_in_vain_is_resent(
    emulator: RunningEmulator, api_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every connection busy past the pool timeout (as a connect timeout): nothing was sent,
    # so the upload goes again, not refused with "the server may have kept it".
    monkeypatch.setattr(client_module, "TRANSFER_TIMEOUT", httpx.Timeout(10.0, pool=0.2))
    path = tmp_path / "a.txt"
    path.write_text("hello")

    def release_on_failure(record: RequestRecord) -> None:
        if record.method == "POST" and record.error is not None:
            emulator.faults.release()

    retry = RetryPolicy(max_attempts=3, base_delay=0.3, max_delay=0.3)
    async with FilesClient(
        api_key,
        base_url=emulator.url,
        retry=retry,
        max_connections=1,
        observer=release_on_failure,
    ) as client:
        emulator.faults.hold()
        listing = asyncio.ensure_future(client.list_files())  # holds the one connection
        while not emulator.faults.held:  # noqa: ASYNC110 (the emulator's thread)
            await asyncio.sleep(0.01)
        file = await client.upload_file(path)
        await listing
    assert emulator.store.get(emulator.store.default_workspace_id, file.id) is not None
    assert len([r for r in emulator.faults.requests if r.method == "POST"]) == 1


async def test_refused_connection_is_a_connection_error() -> None:
    async with FilesClient("k", base_url="http://127.0.0.1:9/api/v1", retry=NO_RETRY) as client:
        with pytest.raises(APIConnectionError, match="connect"):
            await client.list_files()


def test_policy_honours_retry_after_and_bounds() -> None:
    policy = RetryPolicy(rng=random.Random(1), max_attempts=3, total_budget=10)
    limited = error_for_status(
        429, b'{"error":{"code":429,"message":"slow"}}', {"Retry-After": "2"}
    )
    assert isinstance(limited, RateLimitError)
    assert limited.retry_after == 2
    delay = policy.delay_for(limited, 1, 0.0)
    assert delay is not None and 2 <= delay <= 2.25
    assert policy.delay_for(limited, 1, 9.0) is None  # past the total budget
    server = error_for_status(500, b"", {})
    assert policy.delay_for(server, 2, 0.0) is not None
    assert policy.delay_for(server, 3, 0.0) is None
    assert policy.delay_for(error_for_status(404, b"", {}), 1, 0.0) is None


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(rng=random.Random(2), base_delay=0.5, max_delay=4)
    waits = [policy.backoff(n) for n in range(1, 8)]
    assert 0.25 <= waits[0] <= 0.5
    assert all(w <= 4 for w in waits)
    assert waits[5] >= 2


def test_retry_after_may_be_an_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after({"Retry-After": "Thu, 26 Nov 2026 12:00:30 GMT"}, now=now) == 30
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"Retry-After": "soon"}) is None


def test_describe_adds_what_to_do_after_the_servers_message() -> None:
    from orbrowse.api.errors import describe

    rejected = error_for_status(401, b'{"error":{"code":401,"message":"User not found."}}', {})
    assert describe(rejected) == (
        "The API key was rejected (401): User not found. "
        "Check OPENROUTER_API_KEY, --api-key or the config file."
    )
    assert describe(error_for_status(503, b"", {})) == (
        "The server had a problem (503); try again shortly"
    )

"""Fixtures for the client tests: a FilesClient talking HTTP to the emulator fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.retry import RetryPolicy
from orbrowse.emulator.server import RunningEmulator

FAST_RETRY = RetryPolicy(base_delay=0.01, max_delay=0.05)


@pytest.fixture
async def client(emulator: RunningEmulator, api_key: str) -> AsyncIterator[FilesClient]:
    async with FilesClient(api_key, base_url=emulator.url, retry=FAST_RETRY) as files_client:
        yield files_client

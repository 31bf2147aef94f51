"""Fixtures for the emulator's own tests: plain httpx clients, no orbrowse client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from orbrowse.emulator.server import RunningEmulator


@pytest.fixture
def http(emulator: RunningEmulator, api_key: str) -> Iterator[httpx.Client]:
    """A client with the management key, based at the emulator's ``/api/v1``."""
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=emulator.url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture
def anonymous(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    """A client without credentials."""
    with httpx.Client(base_url=emulator.url, timeout=30) as client:
        yield client

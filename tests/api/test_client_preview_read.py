"""FilesClient.read_content: a bounded, streamed read of a file's first bytes."""

from __future__ import annotations

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import BadRequestError, LocalCheckError
from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID


async def test_a_small_file_is_read_whole(client: FilesClient, emulator: RunningEmulator) -> None:
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "out/a.txt", content=b"hello\n", downloadable=True
    )
    sample = await client.read_content(stored.id, 1024)
    assert sample.data == b"hello\n"
    assert sample.complete and sample.total_bytes == 6


async def test_a_large_file_stops_at_the_cap(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "out/big.bin", size_bytes=5 * 1024 * 1024, downloadable=True
    )
    sample = await client.read_content(stored.id, 100_000)
    assert len(sample.data) == 100_000
    assert not sample.complete and sample.total_bytes == 5 * 1024 * 1024


async def test_exactly_the_cap_is_complete_when_the_size_says_so(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "out/ten.txt", content=b"0123456789", downloadable=True
    )
    sample = await client.read_content(stored.id, 10)
    assert sample.data == b"0123456789" and sample.complete


async def test_an_upload_cannot_be_read_back(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "mine.txt", content=b"x")
    with pytest.raises(BadRequestError):
        await client.read_content(stored.id, 1024)


async def test_a_negative_cap_is_refused(client: FilesClient) -> None:
    with pytest.raises(LocalCheckError):
        await client.read_content("or_file_x", -1)

"""Large transfers stream: memory stays far below the file size, failures leave nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import APIConnectionError, InsecureTransportError
from orbrowse.api.retry import NO_RETRY
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from tests.reliability.budget import MiB, memory_budget

SIZE = 30 * MiB


def add_pdf(emulator: RunningEmulator, name: str, size: int) -> StoredFile:
    """A downloadable server-made PDF of ``size`` bytes."""
    return emulator.store.add_file(
        emulator.store.default_workspace_id,
        name,
        size_bytes=size,
        mime_type="application/pdf",
        downloadable=True,
    )


async def test_30_mib_upload_streams_from_disk(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as handle:
        line = b"orbrowse streams uploads from disk, chunk by chunk.\n"
        for _ in range(SIZE // len(line) + 1):
            handle.write(line)
    with memory_budget(8 * MiB):
        file = await client.upload_file(path)
    assert file.size_bytes == path.stat().st_size


async def test_30_mib_download_streams_to_disk(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    stored = add_pdf(emulator, "out/big.pdf", SIZE)
    with memory_budget(8 * MiB):
        target = await client.download_file(stored.id, tmp_path / "big.pdf")
    assert target.stat().st_size == SIZE
    assert target.read_bytes() == emulator.store.content_of(stored)


async def test_a_download_cut_short_leaves_no_file(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    stored = add_pdf(emulator, "out/cut.pdf", 2 * MiB)
    emulator.faults.drop_next(path_contains="/content")
    async with FilesClient(api_key, base_url=emulator.url, retry=NO_RETRY) as client:
        with pytest.raises(APIConnectionError):
            await client.download_file(stored.id, tmp_path / "cut.pdf")
    assert list(tmp_path.iterdir()) == []


async def test_a_dropped_download_is_retried_from_the_start(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    stored = add_pdf(emulator, "out/retry.pdf", MiB)
    emulator.faults.drop_next(path_contains="/content")
    target = await client.download_file(stored.id, tmp_path / "retry.pdf")
    assert target.read_bytes() == emulator.store.content_of(stored)
    assert [p.name for p in tmp_path.iterdir()] == ["retry.pdf"]


def test_the_key_never_travels_over_plain_http_to_a_remote_host() -> None:
    with pytest.raises(InsecureTransportError):
        FilesClient("sk-or-v1-secret", base_url="http://files.example.com/api/v1")
    FilesClient("k", base_url="http://files.example.com/api/v1", allow_insecure_http=True)
    FilesClient("k", base_url="http://127.0.0.1:8080/api/v1")
    FilesClient("k", base_url="http://[::1]:8080/api/v1")


def _open_handles_to(path: Path) -> int:
    fd_dir = Path("/proc/self/fd")
    count = 0
    for fd in fd_dir.iterdir():
        try:
            if fd.readlink() == path:
                count += 1
        except OSError:
            continue
    return count


async def test_a_cancelled_upload_closes_the_file_it_was_reading(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    path = tmp_path / "cancelled.txt"
    path.write_bytes(b"a line the upload never finishes sending\n" * (4 * MiB // 42))
    started = asyncio.Event()

    def progress(sent: int, total: int) -> None:
        started.set()

    emulator.faults.hold()  # the server reads none of the body: the upload is mid-body
    upload = asyncio.create_task(client.upload_file(path, progress=progress))
    await started.wait()
    upload.cancel()
    with pytest.raises(asyncio.CancelledError):
        await upload
    assert _open_handles_to(path) == 0
    emulator.faults.release()

"""Interrupted transfers: a full disk leaves no partial file; a lost upload answer is not
blindly re-sent and the user is told the server may hold the file.

Full disk seam: ``os.fdopen`` as the client module sees it, returning a real buffered file over
a raw writer that accepts a set number of bytes and then raises ``ENOSPC``, as the kernel
would. The container has no tiny tmpfs to fill and runs as root (quotas do not bite), and a
real file descriptor keeps the client's own flush/fsync/rename path under test.
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import APIConnectionError, LocalCheckError, ServerError
from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.conftest import ONE_TRY, PATIENT_FAST_RETRY


class FillingDisk(io.RawIOBase):
    """Writes to ``fd`` until ``room`` bytes are used, then fails with ENOSPC."""

    def __init__(self, fd: int, room: int) -> None:
        self.fd = fd
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        if not view.nbytes:
            return 0
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        taken = min(self.room, view.nbytes)
        written = os.write(self.fd, view[:taken])
        self.room -= written
        return written

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        if not self.closed:
            os.close(self.fd)
        super().close()


def disk_with_room(room: int) -> Callable[..., IO[Any]]:
    real_fdopen = os.fdopen

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
        if mode != "wb":  # only the download's binary writer is on the full disk
            return real_fdopen(fd, mode, *args, **kwargs)
        return io.BufferedWriter(FillingDisk(fd, room))

    return fdopen


@pytest.mark.parametrize(
    ("size", "room"),
    [(2_000_000, 600_000), (3_000, 1_000)],
    ids=["fails mid-stream", "fails at the final flush"],
)
async def test_a_full_disk_leaves_no_partial_file_and_says_why(
    emulator: RunningEmulator,
    api_key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: int,
    room: int,
) -> None:
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "big.bin", content=os.urandom(size), downloadable=True
    )
    monkeypatch.setattr(os, "fdopen", disk_with_room(room))
    async with FilesClient(api_key, base_url=emulator.url, retry=PATIENT_FAST_RETRY) as client:
        with pytest.raises(LocalCheckError) as raised:
            await client.download_file(stored.id, tmp_path / "big.bin")
    assert "No space left on device" in str(raised.value)
    assert list(tmp_path.iterdir()) == []
    # A full disk is not a network problem: the download was not re-fetched in a loop.
    gets = [r for r in emulator.faults.requests if r.path.endswith("/content")]
    assert len(gets) == 1


async def test_an_upload_whose_answer_is_lost_is_not_resent_and_the_user_is_warned(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello\n" * 1000)
    before = emulator.store.count(DEFAULT_WORKSPACE_ID)
    emulator.faults.drop_next(method="POST")
    async with FilesClient(api_key, base_url=emulator.url, retry=PATIENT_FAST_RETRY) as client:
        with pytest.raises(APIConnectionError) as raised:
            await client.upload_file(source)
    posts = [r for r in emulator.faults.requests if r.method == "POST"]
    assert len(posts) == 1  # never blindly re-sent: the server kept it
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == before + 1
    message = str(raised.value)
    assert "may have kept" in message and "notes.txt" in message


async def test_an_upload_answered_500_is_not_resent(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello\n")
    emulator.faults.fail_next(500, method="POST")
    async with FilesClient(api_key, base_url=emulator.url, retry=PATIENT_FAST_RETRY) as client:
        with pytest.raises(ServerError):
            await client.upload_file(source)
    assert len([r for r in emulator.faults.requests if r.method == "POST"]) == 1


async def test_an_upload_cut_off_mid_body_stores_nothing_on_the_server(
    emulator: RunningEmulator, api_key: str
) -> None:
    # The client side of a lost link: the body stops halfway and the socket closes.
    import asyncio

    before = emulator.store.count(DEFAULT_WORKSPACE_ID)
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="half.txt"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    body_size = 200_000
    request = (
        f"POST /api/v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {api_key}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + body_size + 20}\r\n\r\n"
    ).encode()
    _reader, writer = await asyncio.open_connection(emulator.host, emulator.port)
    writer.write(request + head + b"x" * (body_size // 2))
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    # Ask the server something else on a new connection; by then it has seen the cut.
    async with FilesClient(api_key, base_url=emulator.url, retry=ONE_TRY) as client:
        for _ in range(50):
            page = await client.list_files()
            await asyncio.sleep(0.02)
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == before
    assert all(f.filename != "half.txt" for f in page.files)

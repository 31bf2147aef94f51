"""Downloads never clobber or follow what is at the target, leave no part file behind a kill,
honour the umask and give up on a stalled server.

Kill tests run ``orbrowse get`` as a subprocess against the emulator and signal it while the
body is streaming (a large generated file, so the ``.part`` file exists when the signal lands).
A part file a dead run left is resumed with a range request where the server takes one (the
fake server's ``ranges`` route; the emulator, like the documented API, has none).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import (
    APITimeoutError,
    LocalCheckError,
    ResponseFormatError,
    ResponseTooLargeError,
)
from orbrowse.api.partfile import PartFile, part_path
from orbrowse.api.retry import RetryPolicy
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from tests.cli import Cli, sigint_as_in_a_terminal
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.conftest import ONE_TRY
from tests.reliability.fake_server import (
    FAKE_KEY,
    RANGES_CONTENT,
    FakeServer,
    Options,
    Request,
    file_json,
    respond,
    respond_chunked,
    respond_json,
)

BIG = 1024**3  # generated on the fly by the emulator: the transfer takes a while
RETRYING = RetryPolicy(base_delay=0.01, max_delay=0.05)
IN_FLIGHT_LIMIT = 60.0
"""Seconds the subprocess may take to start writing its part file (a hang guard)."""


def downloadable(emulator: RunningEmulator, name: str, size: int) -> StoredFile:
    return emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, size_bytes=size, downloadable=True)


@pytest.fixture
def cli(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Cli:
    return Cli(emulator.url, api_key, tmp_path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


# -- what is at the target -----------------------------------------------------------------


def test_a_dangling_symlink_needs_force_and_force_replaces_the_link_only(
    emulator: RunningEmulator, cli: Cli, folder: Path, tmp_path: Path
) -> None:
    stored = downloadable(emulator, "report.csv", 1000)
    pointee = tmp_path / "elsewhere.csv"  # does not exist
    (folder / "report.csv").symlink_to(pointee)

    refused = cli("get", stored.id, "-o", str(folder))
    assert refused.code == 2
    assert "already exists (a symbolic link)" in refused.stderr
    assert (folder / "report.csv").is_symlink() and not pointee.exists()

    forced = cli("get", stored.id, "-o", str(folder), "--force")
    assert forced.code == 0, forced.stderr
    target = folder / "report.csv"
    assert not target.is_symlink() and target.stat().st_size == 1000
    assert not pointee.exists()  # the link was replaced, not followed
    assert sorted(p.name for p in folder.iterdir()) == ["report.csv"]


def test_force_replaces_a_live_symlink_not_the_file_it_points_to(
    emulator: RunningEmulator, cli: Cli, folder: Path, tmp_path: Path
) -> None:
    stored = downloadable(emulator, "report.csv", 1000)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    (folder / "report.csv").symlink_to(precious)

    assert cli("get", stored.id, "-o", str(folder)).code == 2
    forced = cli("get", stored.id, "-o", str(folder), "--force")

    assert forced.code == 0, forced.stderr
    assert precious.read_text() == "keep me\n"
    assert not (folder / "report.csv").is_symlink()


def test_a_fifo_at_the_target_needs_force(
    emulator: RunningEmulator, cli: Cli, folder: Path
) -> None:
    stored = downloadable(emulator, "pipe.bin", 500)
    os.mkfifo(folder / "pipe.bin")

    refused = cli("get", stored.id, "-o", str(folder))
    assert refused.code == 2 and "already exists" in refused.stderr
    forced = cli("get", stored.id, "-o", str(folder), "--force")
    assert forced.code == 0, forced.stderr
    assert (folder / "pipe.bin").is_file() and (folder / "pipe.bin").stat().st_size == 500


async def test_the_client_refuses_a_dangling_symlink_without_overwrite(
    emulator: RunningEmulator, api_key: str, folder: Path
) -> None:
    stored = downloadable(emulator, "a.bin", 10)
    (folder / "a.bin").symlink_to(folder / "nowhere")
    async with FilesClient(api_key, base_url=emulator.url, retry=ONE_TRY) as client:
        with pytest.raises(LocalCheckError, match="already exists"):
            await client.download_file(stored.id, folder / "a.bin")
    assert (folder / "a.bin").is_symlink()


# -- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
async def test_downloads_honour_the_umask(
    emulator: RunningEmulator, api_key: str, folder: Path, umask: int, mode: int
) -> None:
    stored = downloadable(emulator, "a.bin", 10)
    previous = os.umask(umask)
    try:
        async with FilesClient(api_key, base_url=emulator.url, retry=ONE_TRY) as client:
            path = await client.download_file(stored.id, folder / "a.bin")
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == mode


# -- stalls ------------------------------------------------------------------------------------


async def test_a_download_with_no_progress_fails_after_stall_timeout(
    emulator: RunningEmulator, api_key: str, folder: Path
) -> None:
    stored = downloadable(emulator, "a.bin", 10)
    emulator.faults.latency_ms = 3000  # nothing arrives for 3 s
    async with FilesClient(
        api_key, base_url=emulator.url, retry=ONE_TRY, stall_timeout=0.5
    ) as client:
        with pytest.raises(APITimeoutError, match=r"no progress for 0\.5 s \(stall_timeout\)"):
            await client.download_file(stored.id, folder / "a.bin")
    assert list(folder.iterdir()) == []


# -- interrupted runs --------------------------------------------------------------------------


@pytest.fixture
def get_process(cli: Cli, folder: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


def start_get(cli: Cli, file_id: str, folder: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "orbrowse", "get", file_id, "-o", str(folder)]
    command += ["--base-url", cli.base_url, "--api-key", cli.api_key]
    with sigint_as_in_a_terminal():
        return subprocess.Popen(
            command,
            env=cli.env,
            cwd=cli.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )


def wait_for_bytes(path: Path, process: subprocess.Popen[bytes]) -> None:
    """Until the part file holds some bytes (the body is streaming)."""
    deadline = time.monotonic() + IN_FLIGHT_LIMIT
    while not (path.exists() and path.stat().st_size > 0):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the download never started writing"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_get_leaves_no_part_file(
    emulator: RunningEmulator,
    cli: Cli,
    folder: Path,
    get_process: list[subprocess.Popen[bytes]],
    signum: int,
) -> None:
    stored = downloadable(emulator, "big.bin", BIG)
    process = start_get(cli, stored.id, folder)
    get_process.append(process)
    wait_for_bytes(part_path(folder / "big.bin", stored.id), process)

    process.send_signal(signum)
    code = process.wait(timeout=30)

    assert code != 0, process.stderr.read() if process.stderr else ""
    assert list(folder.iterdir()) == []


def test_a_part_file_left_by_kill_9_is_removed_by_the_next_get(
    emulator: RunningEmulator,
    cli: Cli,
    folder: Path,
    get_process: list[subprocess.Popen[bytes]],
) -> None:
    stored = downloadable(emulator, "big.bin", BIG)
    part = part_path(folder / "big.bin", stored.id)
    process = start_get(cli, stored.id, folder)
    get_process.append(process)
    wait_for_bytes(part, process)

    process.kill()
    process.wait(timeout=30)
    assert [p.name for p in folder.iterdir()] == [part.name]  # what kill -9 leaves

    # The next run removes it before anything else, even when its own download fails.
    emulator.faults.fail_next(400, method="GET", path_contains="/content")
    again = cli("get", stored.id, "-o", str(folder))

    assert again.code == 2, again.stderr
    assert list(folder.iterdir()) == []


def test_a_part_file_held_by_a_live_run_is_left_alone(
    emulator: RunningEmulator, cli: Cli, folder: Path
) -> None:
    stored = downloadable(emulator, "a.bin", 100)
    part = part_path(folder / "a.bin", stored.id)
    fd = os.open(part, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a run that is downloading it now holds it
        result = cli("get", stored.id, "-o", str(folder))
        assert result.code == 2
        assert "being written by another orbrowse run" in result.stderr
        assert part.exists() and not (folder / "a.bin").exists()
    finally:
        os.close(fd)
    assert cli("get", stored.id, "-o", str(folder)).code == 0  # the lock is gone: stale
    assert sorted(p.name for p in folder.iterdir()) == ["a.bin"]


# -- resuming ----------------------------------------------------------------------------------


async def test_a_part_file_left_by_a_dead_run_is_resumed_with_a_range_request(
    fake_server: FakeServer, folder: Path
) -> None:
    target = folder / "r.bin"
    part_path(target, "or_file_R").write_bytes(RANGES_CONTENT[:100_000])  # what kill -9 left
    async with FilesClient(FAKE_KEY, base_url=fake_server.url("ranges"), retry=ONE_TRY) as c:
        await c.download_file("or_file_R", target)
    assert target.read_bytes() == RANGES_CONTENT
    assert [p.name for p in folder.iterdir()] == ["r.bin"]
    [request] = fake_server.requests
    assert request.headers["range"] == "bytes=100000-"


async def test_a_server_without_ranges_sends_everything_and_the_part_starts_over(
    emulator: RunningEmulator, api_key: str, folder: Path
) -> None:
    content = os.urandom(300_000)
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "a.bin", content=content, downloadable=True
    )
    part_path(folder / "a.bin", stored.id).write_bytes(b"junk" * 10_000)
    async with FilesClient(api_key, base_url=emulator.url, retry=ONE_TRY) as client:
        await client.download_file(stored.id, folder / "a.bin")
    assert (folder / "a.bin").read_bytes() == content
    assert [p.name for p in folder.iterdir()] == ["a.bin"]


async def test_a_206_to_a_request_without_range_is_not_saved_as_the_whole_file(
    fake_server: FakeServer, folder: Path
) -> None:
    async def first_half(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
        half = RANGES_CONTENT[: len(RANGES_CONTENT) // 2]
        end, total = len(half) - 1, len(RANGES_CONTENT)
        await respond(
            writer,
            206,
            half,
            content_type="application/octet-stream",
            headers={"Content-Range": f"bytes 0-{end}/{total}"},
        )

    fake_server.add_route("first-half", first_half)
    target = folder / "r.bin"
    async with FilesClient(FAKE_KEY, base_url=fake_server.url("first-half"), retry=ONE_TRY) as c:
        with pytest.raises(ResponseFormatError):
            await c.download_file("or_file_R", target)
    assert list(folder.iterdir()) == []  # no half file under the full name, no part file


async def chunked_content(request: Request, writer: asyncio.StreamWriter, options: Options) -> None:
    """A file that says it has 12 bytes (``size_bytes``), and content of 512 KiB, chunked."""
    if not request.path.endswith("/content"):
        await respond_json(writer, 200, {**file_json("or_file_R"), "downloadable": True})
        return
    content_type = {"Content-Type": "application/octet-stream"}
    await respond_chunked(writer, RANGES_CONTENT, content_type, piece=65536)


@pytest.mark.parametrize(
    ("mode", "sent"),
    [
        ("ranges", "524,288 bytes of content"),  # announced in Content-Length: refused unread
        ("chunked", "more content"),  # no length: stopped at the first byte past it
        ("gzip-bomb", "more content"),  # endless, compressed
    ],
)
async def test_a_server_sending_more_than_the_files_size_is_stopped_and_nothing_kept(
    fake_server: FakeServer, folder: Path, mode: str, sent: str
) -> None:
    fake_server.add_route("chunked", chunked_content)
    target = folder / "r.bin"
    async with FilesClient(FAKE_KEY, base_url=fake_server.url(mode), retry=RETRYING) as c:
        with pytest.raises(ResponseTooLargeError) as caught:
            await c.download_file("or_file_R", target, size_bytes=1000)
    assert f"{sent} for a file of 1,000 bytes" in str(caught.value)
    assert list(folder.iterdir()) == []  # no part file, no target
    assert fake_server.count(mode) == 1  # not retried: it would only send too much again


def test_get_stops_a_server_sending_more_than_the_files_size(
    fake_server: FakeServer, folder: Path, tmp_path: Path
) -> None:
    fake_server.add_route("chunked", chunked_content)
    result = Cli(fake_server.url("chunked"), FAKE_KEY, tmp_path)(
        "get", "or_file_R", "-o", str(folder)
    )
    assert result.code != 0
    assert "more content for a file of 12 bytes" in result.stderr
    assert list(folder.iterdir()) == []


def test_a_file_that_appears_at_the_target_at_the_last_moment_is_not_replaced(
    folder: Path,
) -> None:
    target = folder / "r.bin"
    with PartFile(target, "or_file_R") as part:
        part.write(b"downloaded")
        part.finish()
        target.write_bytes(b"the user's own")  # after every check the client makes
        with pytest.raises(LocalCheckError, match="appeared while downloading"):
            part.rename_to(target, overwrite=False)
    assert target.read_bytes() == b"the user's own"
    assert [p.name for p in folder.iterdir()] == ["r.bin"]  # no part file left either

    with PartFile(target, "or_file_R") as part:
        part.write(b"downloaded")
        part.finish()
        part.rename_to(target)  # --force: the entry is replaced
    assert target.read_bytes() == b"downloaded"
    assert [p.name for p in folder.iterdir()] == ["r.bin"]

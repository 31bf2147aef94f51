"""Bad user input and hostile download names: a clear message, and nothing else changes.

Unreadable files: the tests run as root, for whom chmod 000 changes nothing, so the
"cannot be read" rule is exercised with a FIFO (not a regular file: reading it would block).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import LocalCheckError
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.dialogs.download import unique_targets
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.conftest import ONE_TRY

HOSTILE_DOWNLOAD_NAMES = [
    "../../etc/passwd",
    "/etc/shadow",
    "a/b/c.txt",
    "..\\..\\win.ini",
    "CON",
    "nul.txt",
    "",
    ".",
    "..",
    " . ",
    "\x1b[31m\u202e.txt",
]


def make_bad_paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "a folder"
    folder.mkdir()
    empty = tmp_path / "empty.txt"
    empty.touch()
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(101 * 1024 * 1024)  # sparse: no 101 MiB written
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    server.close()
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    return {
        "missing": (tmp_path / "nope.txt", "does not exist"),
        "folder": (folder, "is a folder"),
        "empty": (empty, "empty"),
        "too large": (huge, "100 MiB"),
        "fifo": (fifo, "not a regular file"),
        "socket": (sock_path, "not a regular file"),
        "unsupported": (exe, "of a type the API refuses"),
    }


async def test_bad_upload_paths_get_a_clear_message_and_send_nothing(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    before = emulator.store.file_ids(DEFAULT_WORKSPACE_ID)
    async with FilesClient(api_key, base_url=emulator.url, retry=ONE_TRY) as client:
        for case, (path, words) in make_bad_paths(tmp_path).items():
            if case == "unsupported":
                continue
            with pytest.raises(LocalCheckError) as raised:
                await client.upload_file(path)
            assert words in str(raised.value), (case, str(raised.value))
    assert not [r for r in emulator.faults.requests if r.method == "POST"]
    assert emulator.store.file_ids(DEFAULT_WORKSPACE_ID) == before


def test_bad_upload_paths_through_the_cli(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    cli = Cli(emulator.url, api_key, tmp_path)
    before = emulator.store.file_ids(DEFAULT_WORKSPACE_ID)
    (tmp_path / "in").mkdir()
    for case, (path, words) in make_bad_paths(tmp_path / "in").items():
        result = cli("put", str(path))
        assert result.code == 2, (case, result.code)
        assert words.lower() in result.stderr.lower(), (case, result.stderr)
    assert emulator.store.file_ids(DEFAULT_WORKSPACE_ID) == before


def test_a_workspace_id_that_is_not_a_uuid_is_refused_by_the_cli(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    cli = Cli(emulator.url, api_key, tmp_path)
    result = cli("ls", "--workspace", "not-a-uuid; rm -rf /")
    assert result.code == 2
    assert "UUID" in result.stderr or "uuid" in result.stderr
    assert not emulator.faults.requests


def test_hostile_names_never_decide_where_a_browser_download_lands(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from orbrowse.api.models import FileObject

    created = datetime(2026, 1, 1, tzinfo=UTC)
    files = [
        FileObject(f"or_file_{n}", name, "text/plain", 1, created, True)
        for n, name in enumerate(HOSTILE_DOWNLOAD_NAMES)
    ]
    targets = unique_targets(tmp_path, files)
    assert len({t.name for t in targets}) == len(files)
    for target in targets:
        assert target.parent == tmp_path.resolve()
        assert target.name not in ("", ".", "..") and "/" not in target.name
        assert target.name.split(".")[0].upper() not in ("CON", "NUL")


def test_hostile_names_never_decide_where_orbrowse_get_writes(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    ids = [
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, name, content=f"c{n}".encode(), downloadable=True
        ).id
        for n, name in enumerate(HOSTILE_DOWNLOAD_NAMES)
    ]
    out = tmp_path / "out"
    out.mkdir()
    cli = Cli(emulator.url, api_key, tmp_path)
    result = cli("get", *ids, "-o", str(out))
    # Names that all reduce to "download" collide: get refuses to overwrite (exit 1) rather
    # than replace one download with another.
    assert result.code in (0, 1), result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert "passwd" in written and "shadow" in written and "c.txt" in written
    everything = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    outside = {p for p in everything if p.parts[0] not in ("out", "config.toml", "deletions.jsonl")}
    assert outside == set(), outside
    assert not Path("/etc/passwd").read_bytes().startswith(b"c")
    sources = {f"c{n}".encode() for n in range(len(ids))}
    assert all((out / name).read_bytes() in sources for name in written)
    assert (out / "download").read_bytes() == b"c6"  # the first of the colliding names kept

"""The client's file operations against the emulator over real HTTP: success and each failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import (
    AuthenticationError,
    BadRequestError,
    LocalCheckError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
)
from orbrowse.api.models import WORKSPACE_QUOTA_BYTES
from orbrowse.emulator.server import RunningEmulator


def _other_workspace(emulator: RunningEmulator) -> str:
    default = emulator.store.default_workspace_id
    return next(ws.id for ws in emulator.store.workspaces() if ws.id != default)


async def test_get_file_returns_its_metadata(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    stored = emulator.store.add_file(
        emulator.store.default_workspace_id, "docs/report.md", content=b"# Report\n"
    )
    file = await client.get_file(stored.id)
    assert file.id == stored.id
    assert file.filename == "docs/report.md"
    assert file.size_bytes == 9
    assert file.mime_type == "text/markdown"
    assert file.downloadable is False


async def test_get_unknown_file_is_not_found(client: FilesClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.get_file("or_file_doesnotexist000000000")
    assert caught.value.status == 404
    assert "(404)" in str(caught.value)


async def test_file_of_another_workspace_is_not_found(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    other = emulator.store.add_file(_other_workspace(emulator), "theirs.txt", content=b"hello")
    with pytest.raises(NotFoundError):
        await client.get_file(other.id)
    # ...but it is there when the client asks in that workspace.
    scoped = client.with_workspace(_other_workspace(emulator))
    assert (await scoped.get_file(other.id)).filename == "theirs.txt"


async def test_delete_removes_the_file_from_the_server(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = emulator.store.default_workspace_id
    stored = emulator.store.add_file(workspace, "old.txt", content=b"bye")
    assert await client.delete_file(stored.id) == stored.id
    assert stored.id not in emulator.store.file_ids(workspace)
    with pytest.raises(NotFoundError):
        await client.delete_file(stored.id)


async def test_delete_whose_answer_was_lost_counts_as_done(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = emulator.store.default_workspace_id
    stored = emulator.store.add_file(workspace, "gone.txt", content=b"bye")
    # The server deletes, then the connection drops before the answer arrives; the retry
    # then finds nothing: that is success, not an error.
    emulator.faults.drop_next(method="DELETE")
    assert await client.delete_file(stored.id) == stored.id
    assert stored.id not in emulator.store.file_ids(workspace)


async def test_upload_streams_a_file_and_the_server_holds_it(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    seen: list[tuple[int, int | None]] = []
    file = await client.upload_file(path, progress=lambda done, total: seen.append((done, total)))
    assert file.filename == "notes.csv"
    assert file.size_bytes == path.stat().st_size
    assert file.mime_type == "text/csv"
    assert file.downloadable is False
    assert file.id in emulator.store.file_ids(emulator.store.default_workspace_id)
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)


async def test_upload_may_name_the_file_with_folders(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    path = tmp_path / "x.txt"
    path.write_text("hello")
    file = await client.upload_file(path, filename="reports/2026/x.txt")
    assert file.filename == "reports/2026/x.txt"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\xff\xfe", "type"),
    ],
)
async def test_upload_refused_locally_sends_nothing(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    with pytest.raises(LocalCheckError) as caught:
        await client.upload_file(path)
    assert reason in str(caught.value)
    assert not [r for r in emulator.faults.requests if r.method == "POST"]


async def test_upload_of_a_missing_path_or_folder_is_refused(
    client: FilesClient, tmp_path: Path
) -> None:
    with pytest.raises(LocalCheckError, match="does not exist"):
        await client.upload_file(tmp_path / "nope.txt")
    with pytest.raises(LocalCheckError, match="folder"):
        await client.upload_file(tmp_path)


async def test_upload_with_a_bad_name_is_refused_locally(
    client: FilesClient, tmp_path: Path
) -> None:
    path = tmp_path / "fine.txt"
    path.write_text("x")
    with pytest.raises(LocalCheckError, match="must not contain"):
        await client.upload_file(path, filename="what?.txt")


async def test_upload_into_a_full_workspace_is_permission_denied(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    emulator.store.add_file(
        emulator.store.default_workspace_id,
        "huge.pdf",
        size_bytes=WORKSPACE_QUOTA_BYTES - 3,
        mime_type="application/pdf",
    )
    path = tmp_path / "one-too-many.txt"
    path.write_text("four")
    with pytest.raises(PermissionDeniedError) as caught:
        await client.upload_file(path)
    assert caught.value.status == 403


@pytest.mark.parametrize(
    ("status", "message", "error"),
    [
        (413, "File too large", PayloadTooLargeError),
        (400, "Unsupported file type", BadRequestError),
    ],
)
async def test_server_refusals_of_an_upload_map_to_their_errors(
    emulator: RunningEmulator,
    client: FilesClient,
    tmp_path: Path,
    status: int,
    message: str,
    error: type[Exception],
) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("fine")
    emulator.faults.fail_next(status, method="POST", message=message)
    with pytest.raises(error, match=message):
        await client.upload_file(path)


async def test_download_writes_the_exact_bytes(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    content = bytes(range(256)) * 1000
    stored = emulator.store.add_file(
        emulator.store.default_workspace_id, "out/chart.png", content=content, downloadable=True
    )
    seen: list[int] = []
    target = await client.download_file(
        stored.id, tmp_path / "chart.png", progress=lambda done, _total: seen.append(done)
    )
    assert target.read_bytes() == content
    assert seen[-1] == len(content)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart.png"]


async def test_download_of_an_uploaded_file_is_refused(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    stored = emulator.store.add_file(emulator.store.default_workspace_id, "up.txt", content=b"x")
    with pytest.raises(BadRequestError) as caught:
        await client.download_file(stored.id, tmp_path / "up.txt")
    assert caught.value.status == 400
    assert list(tmp_path.iterdir()) == []


async def test_download_never_overwrites_unless_asked(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    stored = emulator.store.add_file(
        emulator.store.default_workspace_id, "a.txt", content=b"new", downloadable=True
    )
    existing = tmp_path / "a.txt"
    existing.write_bytes(b"old")
    with pytest.raises(LocalCheckError, match="already exists"):
        await client.download_file(stored.id, existing)
    assert existing.read_bytes() == b"old"
    await client.download_file(stored.id, existing, overwrite=True)
    assert existing.read_bytes() == b"new"


async def test_a_download_into_a_file_as_folder_says_it_is_not_a_folder(
    emulator: RunningEmulator, client: FilesClient, tmp_path: Path
) -> None:
    stored = emulator.store.add_file(
        emulator.store.default_workspace_id, "a.txt", content=b"new", downloadable=True
    )
    (tmp_path / "notes").write_bytes(b"a file")
    with pytest.raises(LocalCheckError) as caught:
        await client.download_file(stored.id, tmp_path / "notes" / "a.txt")
    assert str(caught.value) == f"{tmp_path / 'notes'} is not a folder"  # said "does not exist"
    with pytest.raises(LocalCheckError) as caught:
        await client.download_file(stored.id, tmp_path / "none" / "a.txt")
    assert str(caught.value) == f"The folder {tmp_path / 'none'} does not exist"


async def test_bad_key_is_rejected_with_the_servers_message(emulator: RunningEmulator) -> None:
    async with FilesClient("sk-or-v1-wrong", base_url=emulator.url) as bad:
        with pytest.raises(AuthenticationError) as caught:
            await bad.list_files()
    assert str(caught.value) == "The API key was rejected (401): User not found."
    assert "sk-or-v1-wrong" not in str(caught.value)


async def test_workspace_the_key_may_not_use_is_denied(
    emulator: RunningEmulator, workspace_key: str
) -> None:
    async with FilesClient(
        workspace_key, base_url=emulator.url, workspace_id=_other_workspace(emulator)
    ) as scoped:
        with pytest.raises(PermissionDeniedError):
            await scoped.list_files()


async def test_attribution_headers_are_sent(emulator: RunningEmulator, client: FilesClient) -> None:
    await client.list_files(limit=1)
    headers = emulator.faults.requests[-1].headers
    assert headers["x-openrouter-title"] == "orbrowse"
    assert headers["http-referer"].startswith("https://")
    assert headers["x-openrouter-categories"]


async def test_a_cookie_the_server_sets_is_not_sent_back(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    """The API takes no cookies: one set by whatever answers (a proxy in front, a load balancer)
    is neither kept nor sent with the next requests."""
    emulator.faults.fail_next(503, headers={"Set-Cookie": "session=tracker; Path=/"})
    await client.list_files(limit=1)  # retried after the 503 that set the cookie
    await client.list_files(limit=1)
    sent = emulator.faults.requests[-3:]
    assert [r.path for r in sent] == ["/api/v1/files"] * 3
    assert all("cookie" not in r.headers for r in sent)

"""Listing: cursor pagination over real HTTP, and what the client does with odd pages."""

from __future__ import annotations

import json

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import ResponseFormatError
from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator


def seed(emulator: RunningEmulator, count: int) -> str:
    """``count`` generated files in the default workspace, whose id this returns."""
    workspace = emulator.store.default_workspace_id
    generate_files(emulator.store, workspace, count)
    return workspace


@pytest.mark.parametrize("page_size", [1000, 100, 37])
async def test_every_file_listed_once_in_order(
    emulator: RunningEmulator, client: FilesClient, page_size: int
) -> None:
    workspace = seed(emulator, 2500)
    expected = [f.id for f in emulator.store.files(workspace)]
    listed: list[str] = []
    pages = 0
    async for page in client.iter_pages(limit=page_size):
        pages += 1
        assert len(page.files) <= page_size
        listed.extend(f.id for f in page.files)
    assert listed == expected
    assert len(set(listed)) == len(expected) >= 2500
    assert pages == -(-len(expected) // page_size)


async def test_listing_resumes_from_a_cursor(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = seed(emulator, 250)
    first = await client.list_files(limit=100)
    assert first.has_more and first.cursor
    rest = [
        f.id async for page in client.iter_pages(limit=100, cursor=first.cursor) for f in page.files
    ]
    expected = [f.id for f in emulator.store.files(workspace)]
    assert [f.id for f in first.files] + rest == expected


async def test_pages_stay_stable_when_files_are_deleted_between_them(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = seed(emulator, 300)
    first = await client.list_files(limit=100)
    # Delete the page's last file (the cursor's anchor) and some files ahead of the cursor.
    ahead = [f.id for f in emulator.store.files(workspace)][100:110]
    for file_id in [first.files[-1].id, *ahead]:
        await client.delete_file(file_id)
    second = await client.list_files(limit=100, cursor=first.cursor)
    expected = [f.id for f in emulator.store.files(workspace)][99:199]
    assert [f.id for f in second.files] == expected


async def test_a_retried_page_is_yielded_once(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    workspace = seed(emulator, 500)
    emulator.faults.fail_next(503, method="GET", path_contains="/files", count=2)
    emulator.faults.drop_next(method="GET", path_contains="/files")
    listed = [f.id async for page in client.iter_pages(limit=100) for f in page.files]
    assert listed == [f.id for f in emulator.store.files(workspace)]


async def test_a_page_larger_than_asked_is_an_error(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    items = [
        {
            "_shape": "openrouter",
            "id": f"or_file_{i:024d}",
            "type": "file",
            "filename": f"f{i}.txt",
            "mime_type": "text/plain",
            "size_bytes": 1,
            "created_at": "2026-09-01T12:00:00Z",
            "downloadable": False,
        }
        for i in range(5)
    ]
    body = {"_shape": "openrouter", "data": items, "has_more": False, "cursor": None}
    emulator.faults.fail_next(200, path_contains="/files", body=json.dumps(body).encode())
    with pytest.raises(ResponseFormatError, match="at most 2"):
        await client.list_files(limit=2)


LISTED = {
    "_shape": "openrouter",
    "id": "or_file_aaaaaaaaaaaaaaaaaaaaaaaa",
    "type": "file",
    "filename": "a.txt",
    "mime_type": "text/plain",
    "size_bytes": 1,
    "created_at": "2026-09-01T12:00:00Z",
    "downloadable": False,
}
"""One file as the API lists it."""


async def test_a_repeating_cursor_stops_instead_of_looping(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    looping = {"_shape": "openrouter", "data": [LISTED], "has_more": True, "cursor": "c2FtZQ=="}
    emulator.faults.fail_next(
        200, path_contains="/files", body=json.dumps(looping).encode(), count=5
    )
    pages = 0
    with pytest.raises(ResponseFormatError, match="repeats"):
        async for _page in client.iter_pages():
            pages += 1
    assert pages == 2


async def test_a_file_listed_twice_in_one_page_is_given_once(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    # The browser adds each page to its folder tree, which does not check ids: a repeated
    # file showed twice in its folder.
    item = LISTED | {"filename": "d/a.txt"}
    other = item | {"id": "or_file_bbbbbbbbbbbbbbbbbbbbbbbb", "filename": "d/b.txt"}
    body = {"_shape": "openrouter", "data": [item, other, item], "has_more": False}
    emulator.faults.fail_next(200, path_contains="/files", body=json.dumps(body).encode())
    pages = [page async for page in client.iter_pages()]
    assert [f.filename for page in pages for f in page.files] == ["d/a.txt", "d/b.txt"]


@pytest.mark.parametrize(
    ("body", "content_type", "match"),
    [
        (b"{not json", "application/json", "not valid JSON"),
        (b"<html><body>502 Bad Gateway</body></html>", "text/html", "HTML"),
        (b'{"_shape": "openrouter", "data": [{"id": 5}], "has_more": false}', None, "id"),
        (b'{"_shape": "openrouter", "has_more": false}', None, "data"),
    ],
)
async def test_malformed_answers_are_clear_errors(
    emulator: RunningEmulator,
    client: FilesClient,
    body: bytes,
    content_type: str | None,
    match: str,
) -> None:
    emulator.faults.fail_next(200, path_contains="/files", body=body, content_type=content_type)
    with pytest.raises(ResponseFormatError, match=match):
        await client.list_files()


async def test_an_html_error_page_from_a_proxy_is_described(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    emulator.faults.fail_next(
        502,
        path_contains="/files",
        body=b"<!DOCTYPE html><html>Bad gateway</html>",
        content_type="text/html",
        count=10,
    )
    with pytest.raises(Exception, match="HTML page") as caught:
        await client.list_files()
    assert caught.value.__class__.__name__ == "ServerError"


async def test_files_of_the_openai_shape_are_understood(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    body = {
        "_shape": "openai",
        "data": [
            {
                "_shape": "openai",
                "id": "file-abc",
                "object": "file",
                "bytes": 42,
                "created_at": 1767225600,
                "filename": "a.pdf",
                "purpose": "user_data",
                "status": "processed",
            }
        ],
        "has_more": False,
    }
    emulator.faults.fail_next(200, path_contains="/files", body=json.dumps(body).encode())
    page = await client.list_files()
    assert page.files[0].size_bytes == 42
    assert page.files[0].created_at.year == 2026

"""OpenRouter's own Python SDK (``openrouter``) works against the emulator without error."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Iterator

import pytest
from openrouter import OpenRouter, components, errors

from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID


@pytest.fixture
def sdk(emulator: RunningEmulator, api_key: str) -> Iterator[OpenRouter]:
    with OpenRouter(api_key=api_key, server_url=emulator.url) as client:
        yield client


def test_sdk_lists_every_page(emulator: RunningEmulator, sdk: OpenRouter) -> None:
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 250)
    expected = [f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)]
    seen: list[str] = []
    page = sdk.files.list(limit=100)
    while page is not None:
        assert isinstance(page.result, components.OpenRouterFileList)
        seen.extend(item.id for item in page.result.data)
        following = page.next()
        assert not isinstance(following, Awaitable)
        page = following
    assert seen == expected


async def test_sdk_lists_asynchronously(emulator: RunningEmulator, api_key: str) -> None:
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 30)
    async with OpenRouter(api_key=api_key, server_url=emulator.url) as client:
        page = await client.files.list_async(limit=20)
        assert page is not None and len(page.result.data) == 20
        rest = await page.next()
        assert rest is not None and len(rest.result.data) == 10


def test_sdk_upload_retrieve_delete(emulator: RunningEmulator, sdk: OpenRouter) -> None:
    uploaded = sdk.files.upload(
        file={"file_name": "notes/plan.md", "content": b"# Plan\n\n- one\n- two\n"}
    )
    assert isinstance(uploaded, components.OpenRouterFile)
    assert uploaded.filename == "notes/plan.md" and uploaded.mime_type == "text/markdown"
    assert uploaded.downloadable is False
    fetched = sdk.files.retrieve(file_id=uploaded.id)
    assert isinstance(fetched, components.OpenRouterFile) and fetched.id == uploaded.id
    deleted = sdk.files.delete(file_id=uploaded.id)
    assert isinstance(deleted, components.OpenRouterFileDeleted) and deleted.id == uploaded.id
    assert emulator.store.get(DEFAULT_WORKSPACE_ID, uploaded.id) is None


def test_sdk_downloads_a_server_created_file(emulator: RunningEmulator, sdk: OpenRouter) -> None:
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "outputs/chart.png", size_bytes=300_000, downloadable=True
    )
    response = sdk.files.download(file_id=stored.id)
    assert response.read() == emulator.store.content_of(stored)


def test_sdk_sees_the_documented_errors(emulator: RunningEmulator, sdk: OpenRouter) -> None:
    uploaded = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "up.txt", content=b"x")
    with pytest.raises(errors.BadRequestResponseError):
        sdk.files.download(file_id=uploaded.id)
    with pytest.raises(errors.NotFoundResponseError):
        sdk.files.retrieve(file_id="or_file_missingmissingmissing1")


def test_sdk_workspace_calls(emulator: RunningEmulator, sdk: OpenRouter) -> None:
    listed = sdk.workspaces.list()
    assert listed is not None
    assert [w.id for w in listed.result.data] == [DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID]
    assert listed.result.total_count == 2
    assert sdk.workspaces.get(id="other").data.id == OTHER_WORKSPACE_ID
    page = sdk.files.list(workspace_id=OTHER_WORKSPACE_ID)
    assert page is not None and isinstance(page.result, components.OpenRouterFileList)
    assert len(page.result.data) == 2


def test_sdk_reads_the_key(sdk: OpenRouter) -> None:
    # The SDK's own GetCurrentKeyData model has a required, deprecated `rate_limit` field
    # whose construction warns; that warning is the SDK's, not the emulator's.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        key = sdk.api_keys.get_current_key_metadata()
    assert key.data.workspace_id == DEFAULT_WORKSPACE_ID
    assert key.data.is_management_key is True

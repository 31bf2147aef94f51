"""Workspace calls and the key's own description."""

from __future__ import annotations

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import PermissionDeniedError
from orbrowse.emulator.server import RunningEmulator


async def test_management_key_lists_every_workspace(
    emulator: RunningEmulator, client: FilesClient
) -> None:
    listed = [ws async for ws in client.iter_workspaces(page_size=1)]
    assert {ws.id for ws in listed} == {ws.id for ws in emulator.store.workspaces()}
    assert all(ws.slug for ws in listed)
    page = await client.list_workspaces(limit=1)
    assert page.total_count == len(listed)
    assert len(page.workspaces) == 1


async def test_workspace_by_slug(emulator: RunningEmulator, client: FilesClient) -> None:
    first = emulator.store.workspaces()[0]
    fetched = await client.get_workspace(first.slug)
    assert fetched.id == first.id


async def test_ordinary_key_may_not_list_workspaces(
    emulator: RunningEmulator, workspace_key: str
) -> None:
    async with FilesClient(workspace_key, base_url=emulator.url) as client:
        with pytest.raises(PermissionDeniedError, match="management"):
            await client.list_workspaces()
        info = await client.get_key_info()
    assert info.workspace_id == emulator.store.default_workspace_id
    assert info.is_management_key is False


async def test_management_key_describes_itself(client: FilesClient) -> None:
    info = await client.get_key_info()
    assert info.is_management_key is True

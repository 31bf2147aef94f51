"""Upload and download from the browser, and read-only mode hiding every write action."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.download import DownloadDialog
from orbrowse.tui.dialogs.upload import UploadDialog
from orbrowse.tui.screens.browser import BrowserScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browsing,
    notifications,
    screen_shown,
    settle,
    status_of,
    table_of,
    visible_rows,
)
from tests.tui.conftest import AppFactory

CHART = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture
def files(emulator: RunningEmulator) -> list[StoredFile]:
    return [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, "notes.txt", content=b"notes\n"),
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, "outputs/chart.png", content=CHART, downloadable=True
        ),
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, "outputs/table.csv", content=b"a,b\n1,2\n", downloadable=True
        ),
    ]


def list_calls(emulator: RunningEmulator) -> int:
    return sum(
        1
        for request in emulator.faults.requests
        if request.method == "GET" and request.path.endswith("/files")
    )


async def test_upload_shows_the_new_file_without_a_reload(
    emulator: RunningEmulator, app: OrbrowseApp, files: list[StoredFile], tmp_path: Path
) -> None:
    local = tmp_path / "fresh report.md"
    local.write_text("# Fresh\n\nuploaded from the browser\n")
    async with browsing(app) as (pilot, screen):
        listings = list_calls(emulator)
        await pilot.press("u")
        dialog = await screen_shown(pilot, UploadDialog)
        path = dialog.query_one("#path", Input)
        path.value = str(local)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        stored = [f for f in emulator.store.files(DEFAULT_WORKSPACE_ID) if f.filename == local.name]
        assert len(stored) == 1
        assert list_calls(emulator) == listings  # no reload
        assert stored[0].id in screen.files
        assert any(row[2:].startswith(local.name + " ") for row in visible_rows(app))
        assert status_of(app).startswith("all 4 files")
        assert f"Uploaded as {stored[0].id}" in notifications(app)


async def test_upload_cancel_sends_nothing(
    emulator: RunningEmulator, app: OrbrowseApp, files: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, screen):
        await pilot.press("u")
        await screen_shown(pilot, UploadDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert len(emulator.store.files(DEFAULT_WORKSPACE_ID)) == 3
        assert not any(r.method == "POST" for r in emulator.faults.requests)


async def test_download_writes_the_bytes_into_the_download_folder(
    app: OrbrowseApp, files: list[StoredFile], downloads: Path
) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("j", "d")
        dialog = await screen_shown(pilot, DownloadDialog)
        assert dialog.query_one("#name", Input).value == "chart.png"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert (downloads / "chart.png").read_bytes() == CHART
        assert f"Downloaded 1 file to {downloads / 'chart.png'}" in notifications(app)


async def test_download_of_marked_files_skips_the_ones_that_cannot_be(
    app: OrbrowseApp, files: list[StoredFile], downloads: Path
) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("a", "d")
        dialog = await screen_shown(pilot, DownloadDialog)
        assert [f.filename for f in dialog.refused] == ["notes.txt"]
        await pilot.click("#download")
        await settle(pilot)
        assert sorted(p.name for p in downloads.iterdir()) == ["chart.png", "table.csv"]
        assert (downloads / "table.csv").read_bytes() == b"a,b\n1,2\n"
        assert any("Downloaded 2 files" in m for m in notifications(app))


async def test_read_only_hides_and_disables_every_write_action(
    emulator: RunningEmulator, make_app: AppFactory, files: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, read_only=True)
    async with browsing(app) as (pilot, screen):
        assert "read-only" in str(screen.sub_title)
        actions = {active.binding.action for active in screen.active_bindings.values()}
        assert "upload" not in actions and "delete" not in actions
        assert "download" in actions and "copy_ids" in actions
        palette = {command.title for command in screen.palette_commands()}
        assert "Upload" not in palette and "Delete" not in palette
        assert "Download" in palette
        await pilot.press("space", "x", "delete", "u")
        await settle(pilot)
        assert app.screen is screen
        assert not any(isinstance(s, ConfirmDeleteDialog | UploadDialog) for s in app.screen_stack)
        assert len(emulator.store.files(DEFAULT_WORKSPACE_ID)) == 3
        assert not any(r.method in ("DELETE", "POST") for r in emulator.faults.requests)
        assert table_of(app).row_count == 3


async def test_read_only_per_workspace_setting(
    emulator: RunningEmulator, make_app: AppFactory, files: list[StoredFile]
) -> None:
    app = make_app(
        workspace=DEFAULT_WORKSPACE_ID, read_only_workspaces=(DEFAULT_WORKSPACE_ID.upper(),)
    )
    async with browsing(app) as (pilot, screen):
        assert screen.read_only
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen
        assert len(emulator.store.files(DEFAULT_WORKSPACE_ID)) == 3


async def test_a_read_only_workspace_stays_read_only_when_the_key_cannot_say_which_it_is(
    emulator: RunningEmulator, make_app: AppFactory, files: list[StoredFile]
) -> None:
    # No --workspace and the workspace listing fails: the browser opens "this key's
    # workspace" without knowing its id, so it may be the one the config lists read-only.
    emulator.faults.fail_next(500, path_contains="/workspaces", count=100)
    app = make_app(workspace=None, read_only_workspaces=(DEFAULT_WORKSPACE_ID,))
    async with browsing(app) as (pilot, screen):
        assert screen.read_only
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is screen
        assert len(emulator.store.files(DEFAULT_WORKSPACE_ID)) == 3

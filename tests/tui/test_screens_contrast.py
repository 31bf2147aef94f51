"""Every run of text each screen and dialog draws is at least 4.5:1 (WCAG AA) against the
background it is drawn on, on every theme the app offers, as the terminal shows it (the
composited screen: tests/tui/colors.py, ``low_text``). Terminal cells are one size: WCAG's
3:1 for large text never applies. Each test renders its screen once and switches the theme
under it (a fresh app per theme would cost seconds each)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input

from orbrowse.api.client import FilesClient
from orbrowse.api.models import FileObject
from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs import ConfirmDeleteDialog, DeleteProgressDialog, DownloadDialog
from orbrowse.tui.dialogs.help import HelpScreen
from orbrowse.tui.screens.no_key import NoKeyScreen
from orbrowse.tui.screens.preview import PreviewScreen
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from orbrowse.tui.widgets.waiting_notice import WaitingNotice
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    FIXED_NOW,
    AppFactory,
    browser_ready,
    browsing,
    screen_shown,
    screen_text,
    settle,
    wait_until,
)
from tests.tui.colors import low_text, offered_themes
from tests.tui.dialog_host import hosting
from tests.tui.test_dialogs_frame import EVERY_DIALOG


async def stored_files(
    emulator: RunningEmulator, client: FilesClient, count: int
) -> list[FileObject]:
    for n in range(count):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"doc-{n}.txt", content=b"x" * (n + 1))
    return list((await client.list_files(limit=1000)).files)


Low = dict[str, dict[str, float]]
"""``"state y:x 'text'"`` -> theme -> ratio: the text under 4.5:1 and where."""


async def audit(pilot: Pilot[Any], state: str, low: Low) -> None:
    """Add to ``low`` the text under 4.5:1 on the screen now, theme by theme."""
    app = pilot.app
    for theme in offered_themes(app):
        app.theme = theme
        await pilot.pause()
        for where, ratio in low_text(app.screen).items():
            low.setdefault(f"{state} {where}", {})[theme] = ratio


def report(low: Low) -> str:
    return "\n".join(
        f"{where}: " + ", ".join(f"{theme} {ratio}" for theme, ratio in themes.items())
        for where, themes in low.items()
    )


@pytest.fixture
def thirty_files(emulator: RunningEmulator) -> None:
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 30, now=FIXED_NOW)


@pytest.mark.usefixtures("thirty_files")
async def test_the_browser_is_readable_on_every_theme(app: OrbrowseApp) -> None:
    low: Low = {}
    async with browsing(app, size=(120, 30)) as (pilot, _screen):
        await pilot.press("space", "space")  # marked rows, "2 marked"
        await audit(pilot, "marked", low)
        await pilot.press("slash")  # the filter's placeholder
        await wait_until(pilot, lambda: isinstance(app.focused, Input), "the filter focused")
        await audit(pilot, "filter", low)
        await pilot.press("c", "s", "v", "enter")  # the status line's filter part
        await settle(pilot)
        await audit(pilot, "filtered", low)
    assert not low, report(low)


@pytest.mark.usefixtures("thirty_files")
async def test_the_folder_view_is_readable_on_every_theme(make_app: AppFactory) -> None:
    low: Low = {}
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders")
    async with browsing(app, size=(120, 30)) as (pilot, _screen):
        await pilot.press("space")  # a folder marked
        await audit(pilot, "root", low)
        await pilot.press("enter")  # its breadcrumb
        await settle(pilot)
        await audit(pilot, "in a folder", low)
    assert not low, report(low)


async def test_notifications_are_readable_on_every_theme(make_app: AppFactory) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    low: Low = {}
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await browser_ready(pilot)
        app.notify("Could not delete", title="Delete", severity="error")
        app.notify("Not saved", title="Config", severity="warning")
        app.notify("Copied 1 id")
        await wait_until(pilot, lambda: len(app.screen.query("Toast")) == 3, "three toasts")
        await audit(pilot, "toasts", low)
    assert not low, report(low)


async def opened_from_the_browser(app: OrbrowseApp, key: str, kind: type[Screen[Any]]) -> Low:
    """The audit of the ``kind`` screen that ``key`` opens from the browser."""
    low: Low = {}
    async with browsing(app, size=(100, 30)) as (pilot, _screen):
        await pilot.press(key)
        await screen_shown(pilot, kind)
        await audit(pilot, kind.__name__, low)
    return low


async def test_the_command_palette_is_readable_on_every_theme(app: OrbrowseApp) -> None:
    # Opened anew on each theme: an open palette keeps the colours it opened with.
    low: Low = {}
    async with browsing(app, size=(100, 30)) as (pilot, _screen):
        for theme in offered_themes(app):
            app.theme = theme
            for where, ratio in (await palette_low_text(pilot)).items():
                low.setdefault(where, {})[theme] = ratio
    assert not low, report(low)


async def palette_low_text(pilot: Pilot[Any]) -> dict[str, float]:
    """Open the palette, type "mark", highlight a command, measure, close it."""
    await pilot.press("ctrl+p")
    palette = await screen_shown(pilot, CommandPalette)
    commands = palette.query_one(CommandList)
    await pilot.press(*"mark")
    await wait_until(pilot, lambda: commands.option_count > 1, "the commands found")
    await pilot.press("down")  # a highlighted command, the others, their help
    low = low_text(palette)
    await pilot.press("escape")
    await wait_until(pilot, lambda: pilot.app.screen is not palette, "the palette closed")
    return low


async def test_the_help_screen_is_readable_on_every_theme(app: OrbrowseApp) -> None:
    low = await opened_from_the_browser(app, "question_mark", HelpScreen)
    assert not low, report(low)


async def test_the_preview_screen_is_readable_on_every_theme(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "notes.txt", content=b"hello\n" * 40, downloadable=True
    )
    low: Low = {}
    async with browsing(app, size=(100, 30)) as (pilot, _screen):
        await pilot.press("o")
        await screen_shown(pilot, PreviewScreen)
        await settle(pilot)
        await audit(pilot, "preview", low)
        await pilot.press("slash")  # the search's placeholder
        await wait_until(pilot, lambda: isinstance(app.focused, Input), "the search focused")
        await audit(pilot, "search", low)
    assert not low, report(low)


@pytest.mark.usefixtures("thirty_files")
async def test_the_delete_confirmation_is_readable_on_every_theme(app: OrbrowseApp) -> None:
    low: Low = {}
    async with browsing(app, size=(100, 30)) as (pilot, _screen):
        await pilot.press("space", "space", "x")  # a few files: buttons only
        dialog = await screen_shown(pilot, ConfirmDeleteDialog)
        for button in dialog.query(Button):  # each focused in turn
            button.focus()
            await audit(pilot, f"few, {button.id} focused", low)
        await pilot.press("escape")
        await pilot.press("a", "x")  # every file: the count to type
        dialog = await screen_shown(pilot, ConfirmDeleteDialog)
        dialog.query_one(Input).focus()
        await audit(pilot, "many", low)
    assert not low, report(low)


async def test_the_delete_progress_is_readable_on_every_theme(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    files = await stored_files(emulator, client, 6)
    low: Low = {}
    countdown = DeleteProgressDialog(client, files, concurrency=2, undo_seconds=30, log=None)
    async with hosting(countdown, size=(100, 30)) as (pilot, _host):
        await audit(pilot, "countdown", low)
    emulator.faults.hold()
    running = DeleteProgressDialog(client, files, concurrency=2, undo_seconds=0, log=None)
    async with hosting(running, size=(100, 30)) as (pilot, _host):
        await wait_until(pilot, lambda: emulator.faults.held > 0, "a deletion sent")
        await audit(pilot, "running", low)
        emulator.faults.release()
        await settle(pilot)
    emulator.faults.fail_next(400, method="DELETE", count=2, message="refused")
    failing = DeleteProgressDialog(client, files[:4], concurrency=2, undo_seconds=0, log=None)
    async with hosting(failing, size=(100, 30)) as (pilot, _host):
        await settle(pilot)
        for button in failing.query(Button):
            if button.region.area:  # shown
                button.focus()
                await audit(pilot, f"report, {button.id} focused", low)
    assert not low, report(low)


@pytest.mark.parametrize("name", list(EVERY_DIALOG))
async def test_every_dialog_is_readable_on_every_theme(
    client: FilesClient, tmp_path: Path, name: str
) -> None:
    # As each opens (its first field or button focused); the buttons' colours, focused or
    # not, are measured above in the delete confirmation and progress.
    low: Low = {}
    async with hosting(EVERY_DIALOG[name](client, tmp_path), size=(100, 30)) as (pilot, _host):
        await audit(pilot, name, low)
    assert not low, report(low)


async def test_the_workspace_picker_is_readable_on_every_theme(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    emulator.store.add_workspace("a4e1c9b2-6d3f-4e8a-b7c5-1f2d3e4a5b60", "Lab", "lab")
    low = await opened_from_the_browser(app, "w", WorkspacePicker)
    assert not low, report(low)


async def test_the_no_key_screen_is_readable_on_every_theme(make_app: AppFactory) -> None:
    low: Low = {}
    async with make_app(api_key=None, api_key_source=None).run_test(size=(100, 30)) as pilot:
        await screen_shown(pilot, NoKeyScreen)
        await audit(pilot, "no key", low)
    assert not low, report(low)


async def test_the_wait_for_the_workspaces_is_readable_on_every_theme(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    low: Low = {}
    emulator.faults.hold()
    app = make_app()  # no workspace: they are looked up first
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query(WaitingNotice)), "the notice")
        await audit(pilot, "waiting", low)
        assert "Looking up the workspaces…" in screen_text(app)
        emulator.faults.release()
        await screen_shown(pilot, WorkspacePicker)
    assert not low, report(low)


async def test_a_download_in_progress_is_readable_on_every_theme(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    for n in range(2):
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, f"out-{n}.csv", content=b"a,b\n" * 500, downloadable=True
        )
    files = list((await client.list_files(limit=10)).files)
    low: Low = {}
    dialog = DownloadDialog(client, files, tmp_path)
    async with hosting(dialog, size=(100, 30)) as (pilot, _host):
        emulator.faults.hold()
        await pilot.press("enter")
        await wait_until(pilot, lambda: emulator.faults.held > 0, "a download sent")
        assert dialog.has_class("-busy")  # its progress rows shown
        await audit(pilot, "downloading", low)
        emulator.faults.release()
        await settle(pilot)
    assert not low, report(low)

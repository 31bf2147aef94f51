"""What every dialog shares (the Dialog base): scoped styles, `?` for keys, short terminals."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets import Button, Input, Static

import orbrowse.tui.dialogs
from orbrowse.api.client import FilesClient
from orbrowse.api.models import FileObject
from orbrowse.config import WorkspaceStyle
from orbrowse.deletion_log import RESULT_DELETED
from orbrowse.deletion_plan import Plan, PlanRecorder, plans_folder, read_plan
from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.tui.dialogs import (
    ConfirmDeleteDialog,
    ConfirmDialog,
    CopyMenu,
    DeleteProgressDialog,
    Dialog,
    DownloadDialog,
    HelpScreen,
    UploadDialog,
)
from orbrowse.tui.dialogs.export_plan import ExportPlanDialog
from orbrowse.tui.dialogs.frame import DialogScreen
from orbrowse.tui.dialogs.help import KeyHelp
from orbrowse.tui.dialogs.resume_offer import ResumeOfferDialog
from orbrowse.tui.dialogs.wait_listing import ListingState, WaitForListingDialog
from orbrowse.tui.dialogs.workspace_style import WorkspaceStyleDialog
from tests.tui.app_driver import screen_shown, screen_text, wait_until
from tests.tui.dialog_host import hosting, text_of

CREATED = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
SMALL = (60, 15)


def files(count: int, *, downloadable: bool = True) -> list[FileObject]:
    return [
        FileObject(f"or_file_{n:04d}", f"file-{n}.txt", "text/plain", 100, CREATED, downloadable)
        for n in range(count)
    ]


def interrupted_plan(folder: Path) -> Plan:
    """A plan of 1,200 files that stopped after 700."""
    planned = files(1200)
    plans = plans_folder(folder / "deletions.jsonl", None)
    with PlanRecorder.create(plans, planned, workspace=None) as recorder:
        for file in planned[:700]:
            recorder.outcome(file.id, RESULT_DELETED)
    plan = read_plan(recorder.path)
    assert plan is not None
    return plan


DialogMaker = Callable[[FilesClient, Path], DialogScreen[Any]]

EVERY_DIALOG: dict[str, DialogMaker] = {
    "confirm": lambda client, folder: ConfirmDialog("Replace?", "Replace it?"),
    "confirm delete": lambda client, folder: ConfirmDeleteDialog(files(12), export_to=folder),
    "export plan": lambda client, folder: ExportPlanDialog(files(12), folder, now=CREATED),
    "resume offer": lambda client, folder: ResumeOfferDialog(interrupted_plan(folder)),
    "copy": lambda client, folder: CopyMenu(files(2)),
    "delete progress": lambda client, folder: DeleteProgressDialog(
        client, files(3), undo_seconds=60
    ),
    "download": lambda client, folder: DownloadDialog(client, files(2), folder),
    "upload": lambda client, folder: UploadDialog(client, folder),
    "help": lambda client, folder: HelpScreen([("Keys", [KeyHelp("x", "Delete")])]),
    "wait for the listing": lambda client, folder: WaitForListingDialog(
        "Delete", lambda: ListingState(300, complete=False), lambda: None
    ),
    "workspace style": lambda client, folder: WorkspaceStyleDialog(
        WorkspaceLabel(None, name="Default"), WorkspaceStyle()
    ),
}


async def test_every_dialog_is_in_the_list_the_tests_open(
    client: FilesClient, tmp_path: Path
) -> None:
    kinds = {type(make(client, tmp_path)).__name__ for make in EVERY_DIALOG.values()}
    found = set()
    for info in pkgutil.iter_modules(orbrowse.tui.dialogs.__path__, "orbrowse.tui.dialogs."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if (
                isinstance(cls, type)
                and issubclass(cls, DialogScreen)
                and cls.__module__ == module.__name__
                and cls not in (Dialog, DialogScreen)
            ):
                found.add(cls.__name__)
    assert found == kinds


class Opener(App[None]):
    """Opens and closes every dialog, as a session might before the palette opens."""

    def __init__(self, client: FilesClient, folder: Path) -> None:
        super().__init__()
        self.client = client
        self.folder = folder


def palette_list_height(app: App[Any]) -> object:
    return app.screen.query_one(CommandList).styles.max_height


async def test_dialog_styles_leave_the_command_palette_alone(
    client: FilesClient, tmp_path: Path
) -> None:
    """Opening any dialog once must not restyle the palette (dialogs.tcss was app-wide)."""
    fresh = Opener(client, tmp_path)
    async with fresh.run_test(size=(100, 40)) as pilot:
        fresh.action_command_palette()
        await screen_shown(pilot, CommandPalette)
        expected = palette_list_height(fresh)
    app = Opener(client, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        for make in EVERY_DIALOG.values():
            dialog = make(client, tmp_path)
            app.push_screen(dialog)
            await screen_shown(pilot, type(dialog))
            dialog.dismiss(dialog.cancel_result if isinstance(dialog, Dialog) else None)
            await wait_until(pilot, lambda: app.screen is app.screen_stack[0], "closed")
        app.action_command_palette()
        await screen_shown(pilot, CommandPalette)
        assert palette_list_height(app) == expected
        # The dialogs' own rules do not reach a plain widget with the same class or id.
        assert not app.screen.query_one(CommandList).has_class("hidden")


@pytest.mark.parametrize("name", [name for name in EVERY_DIALOG if name != "help"])
async def test_question_mark_shows_the_dialogs_own_keys(
    client: FilesClient, tmp_path: Path, name: str
) -> None:
    dialog = EVERY_DIALOG[name](client, tmp_path)
    async with hosting(dialog, size=(100, 40)) as (pilot, app):
        await screen_shown(pilot, type(dialog))
        if isinstance(app.focused, Input):
            # A path field takes "?" as text: F1 is the key there, "?" from any button.
            await pilot.press("f1")
            help_screen = await screen_shown(pilot, HelpScreen)
            await pilot.press("escape")
            await screen_shown(pilot, type(dialog))
            dialog.query(Button).first().focus()
            await pilot.pause()
        await pilot.press("question_mark")
        help_screen = await screen_shown(pilot, HelpScreen)
        text = str(help_screen.query_one("#help-table", Static).render())
        assert "This dialog" in text
        assert "esc" in text
        assert "Dialog" not in text.replace("This dialog", "")  # no class names
        await pilot.press("question_mark")  # closes help, back to the dialog
        await screen_shown(pilot, type(dialog))
        assert app.screen is dialog


# -- short terminals -------------------------------------------------------------------------


async def test_delete_confirmation_at_60x15_shows_what_tab_reaches() -> None:
    dialog = ConfirmDeleteDialog(files(12))
    async with hosting(dialog, size=SMALL) as (pilot, app):
        await screen_shown(pilot, ConfirmDeleteDialog)
        seen: list[str] = []
        for _ in range(4):
            await pilot.press("tab")
            await pilot.pause()
            shown = screen_text(app)
            focused = app.focused
            assert focused is not None
            seen.append(focused.id or "")
            assert "deleted files cannot be restored" in shown, shown
            assert "Type 12 to confirm" in shown, shown
            assert "Delete 12 files" in shown and "Cancel" in shown, shown
        assert {"typed-count", "cancel"} <= set(seen)  # Delete waits for the typed count


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (100, 33), (100, 34), (120, 40)])
@pytest.mark.parametrize("folders", [0, 12])
async def test_a_whole_workspace_delete_shows_what_where_and_the_count_to_type(
    size: tuple[int, int], folders: int, tmp_path: Path
) -> None:
    # With the workspace line and the whole-workspace scope, the confirmation was taller than
    # 30 rows: focus on Cancel, at the bottom, scrolled "Delete 117 files? in workspace …" away;
    # so did a folder line each for a range of marked folders.
    workspace = WorkspaceLabel("5d3f2a1c-8e4b-4c7a-9f61-2b0e7d9a4c11", "Default", "default", "PROD")
    scope = "117 files of 3,000 in the workspace match `type:image >1MB`"
    dialog = ConfirmDeleteDialog(
        files(117),
        hidden_by_filter=3,
        workspace=workspace,
        scope=scope,
        export_to=tmp_path,
        folders=[f"folder-{n}/" for n in range(folders)],
    )
    async with hosting(dialog, size=size) as (pilot, app):
        await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.pause()
        shown = screen_text(app)
        assert isinstance(app.focused, Button) and "Cancel" in shown, shown
        assert "Delete 117 files?" in shown, shown
        assert "in workspace PROD · Default (default, 5d3f2a1c)" in shown, shown
        assert scope in shown and "Type 117 to confirm" in shown, shown
        if folders:
            assert "folder-2/" in shown and "… and 9 more folders" in shown, shown


async def test_the_delete_progress_box_is_as_tall_as_what_it_shows(client: FilesClient) -> None:
    # Its three phase areas were Vertical containers (height 1fr): the box filled the
    # terminal, a tall empty space between the countdown and the buttons.
    dialog = DeleteProgressDialog(client, files(3), undo_seconds=60)
    async with hosting(dialog, size=(80, 40)) as (pilot, _):
        await screen_shown(pilot, DeleteProgressDialog)
        await pilot.pause()
        box = dialog.query_one(".dialog")
        assert box.outer_size.height <= 16, box.outer_size


async def test_help_at_60x15_scrolls_and_says_so() -> None:
    groups = [("Keys", [KeyHelp(f"k{n}", f"Action number {n}") for n in range(40)])]
    async with hosting(HelpScreen(groups), size=SMALL) as (pilot, app):
        await screen_shown(pilot, HelpScreen)
        await pilot.pause()
        assert "more below" in text_of(app.screen, "#help-hint")
        assert "PgDn" in screen_text(app)
        assert "Action number 39" not in screen_text(app)
        await pilot.press("end")
        await wait_until(pilot, lambda: "Action number 39" in screen_text(app), "the end")
        await wait_until(pilot, lambda: "at the end" in text_of(app.screen, "#help-hint"), "hint")


async def test_every_dialog_fits_60x15_with_its_buttons_reachable(
    client: FilesClient, tmp_path: Path
) -> None:
    for name, make in EVERY_DIALOG.items():
        dialog = make(client, tmp_path)
        async with hosting(dialog, size=SMALL) as (pilot, app):
            await screen_shown(pilot, type(dialog))
            buttons = [b for b in dialog.query(Button) if b.display and not b.disabled]
            for _ in range(8):
                focused = app.focused
                if isinstance(focused, Button):
                    await pilot.pause()
                    assert str(focused.label) in screen_text(app), (name, focused.label)
                    buttons = [b for b in buttons if b is not focused]
                await pilot.press("tab")
                await pilot.pause()
            assert not [b for b in buttons if b.parent and b.parent.display], name


async def test_question_mark_in_the_typed_count_field_shows_the_keys() -> None:
    dialog = ConfirmDeleteDialog(files(12))
    async with hosting(dialog, size=(100, 40)) as (pilot, app):
        await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.press("1")  # typing the count moves the focus into its field
        assert isinstance(app.focused, Input) and app.focused.id == "typed-count"
        await pilot.press("question_mark")
        await screen_shown(pilot, HelpScreen)
        await pilot.press("escape")
        await screen_shown(pilot, ConfirmDeleteDialog)
        assert dialog.query_one("#typed-count", Input).value == "1"


async def test_download_with_skipped_files_at_60x15_shows_the_field_and_buttons(
    client: FilesClient, tmp_path: Path
) -> None:
    # The list of skipped files filled the frame: Tab moved the focus out of sight.
    skipped = [
        FileObject(f"or_file_up{n}", f"up-{n}.mp3", "audio/mpeg", 100, CREATED, False)
        for n in range(22)
    ]
    dialog = DownloadDialog(client, files(10) + skipped, tmp_path)
    async with hosting(dialog, size=SMALL) as (pilot, app):
        await screen_shown(pilot, DownloadDialog)
        await pilot.pause()
        seen = set()
        for _ in range(6):
            focused = app.focused
            assert focused is not None
            shown = screen_text(app)
            if isinstance(focused, Input):
                assert str(tmp_path)[-20:] in shown, shown
            if isinstance(focused, Button):
                assert str(focused.label) in shown, shown
            seen.add(focused.id)
            await pilot.press("tab")
            await pilot.pause()
        assert {"folder", "download", "cancel"} <= seen


class Below(Screen[None]):
    """The screen a dialog opened from; it has a cancel of its own (as the picker has)."""

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = False

    def action_cancel(self) -> None:
        self.cancelled = True


class OverBelow(App[None]):
    def __init__(self, dialog: Dialog[Any]) -> None:
        super().__init__()
        self.below = Below()
        self.dialog = dialog
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.below)
        self.push_screen(self.dialog, self.results.append)


@pytest.mark.parametrize("kind", ["export plan", "download", "upload", "workspace style"])
async def test_a_second_press_queued_behind_cancel_closes_only_the_dialog(
    kind: str, client: FilesClient, tmp_path: Path
) -> None:
    # Both presses land before the first is handled (a double click, a burst of Enter): the
    # second must not dismiss again (that closed the screen below) nor cancel the screen below.
    dialog = EVERY_DIALOG[kind](client, tmp_path)
    assert isinstance(dialog, Dialog)
    app = OverBelow(dialog)
    async with app.run_test() as pilot:
        await screen_shown(pilot, type(dialog))
        cancel = dialog.query_one("#cancel", Button)
        cancel.press()
        cancel.press()
        await wait_until(pilot, lambda: bool(app.results), "the dialog closed")
        await pilot.pause()
        assert app.results == [dialog.cancel_result]
        assert app.screen is app.below and not app.below.cancelled

"""Bulk deletion from the browser: filter, mark, confirm by typing the count, failures, undo.

Afterwards the server holds exactly the unmarked files plus the failures, the table drops
exactly the deleted rows and the deletion log says the same.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from orbrowse.api.retry import RetryPolicy
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.delete_progress import DeleteProgressDialog
from orbrowse.tui.screens.browser import BrowserScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browser,
    browser_ready,
    browsing,
    deletion_reported,
    notifications,
    screen_shown,
    settle,
    status_of,
    wait_until,
)
from tests.tui.conftest import AppFactory

NO_RETRY = RetryPolicy(max_attempts=1)
SCRATCH = 300
KEEP = 100


@pytest.fixture
def workspace(emulator: RunningEmulator) -> tuple[list[StoredFile], list[StoredFile]]:
    """300 scratch files to delete among 100 to keep, interleaved."""
    scratch: list[StoredFile] = []
    keep: list[StoredFile] = []
    for n in range(SCRATCH + KEEP):
        if n % 4 == 3:
            keep.append(
                emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"keep/k{n}.txt", content=b"k")
            )
        else:
            scratch.append(
                emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"tmp/scratch-{n}.txt", content=b"s")
            )
    return scratch, keep


def server_ids(emulator: RunningEmulator) -> set[str]:
    return {file.id for file in emulator.store.files(DEFAULT_WORKSPACE_ID)}


def delete_requests(emulator: RunningEmulator) -> int:
    return sum(1 for request in emulator.faults.requests if request.method == "DELETE")


def log_lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


async def mark_scratch(pilot: object) -> BrowserScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    screen = await browser_ready(pilot)
    await pilot.press("L")
    await settle(pilot)
    await pilot.press("slash", *"scratch", "enter", "A")
    await wait_until(pilot, lambda: screen.files.marked_count == SCRATCH, "the scratch marked")
    return screen


@pytest.mark.parametrize("status", [409, 400])
@pytest.mark.usefixtures("lasting_notifications")
async def test_filtered_bulk_delete_with_failures(
    emulator: RunningEmulator,
    make_app: AppFactory,
    workspace: tuple[list[StoredFile], list[StoredFile]],
    deletion_log_path: Path,
    status: int,
) -> None:
    scratch, keep = workspace
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0, page_size=100, retry=NO_RETRY)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await mark_scratch(pilot)
        assert f"{SCRATCH} marked" in status_of(app)

        await pilot.press("x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert "Delete 300 files?" in str(confirm.query_one(".dialog-title", Static).content)
        assert confirm.query_one("#cancel", Button).has_focus
        delete_button = confirm.query_one("#delete", Button)
        assert delete_button.disabled
        assert "Type 300 to confirm" in str(confirm.query_one("#type-prompt", Static).content)
        listed = str(confirm.query_one("#file-lines", Static).content)
        assert all(file.id in listed for file in scratch)
        assert not any(file.id in listed for file in keep)
        typed = confirm.query_one("#typed-count", Input)
        typed.focus()
        await pilot.press("2", "9", "9", "enter")  # the wrong count does nothing
        await pilot.pause()
        assert app.screen is confirm
        await pilot.press("backspace", "backspace", "backspace", "3", "0", "0")
        await wait_until(pilot, lambda: not delete_button.disabled, "Delete offered")

        failures = 3
        emulator.faults.fail_next(status, method="DELETE", count=failures)
        await pilot.press("enter")
        progress = await deletion_reported(pilot)
        summary = str(progress.query_one("#summary", Static).content)
        assert "Deleted 297 files" in summary
        assert "3 files could not be deleted" in summary
        assert progress.report is not None
        failed_ids = {file.id for file, _ in progress.report.failed}
        assert len(failed_ids) == failures
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen), "the browser")
        await wait_until(
            pilot,
            lambda: any("Deleted 297 files" in m and "3 failed" in m for m in notifications(app)),
            "the outcome applied",
        )
        await settle(pilot)

        # The server: exactly the unmarked files plus the failures.
        assert server_ids(emulator) == {f.id for f in keep} | failed_ids
        assert delete_requests(emulator) == SCRATCH
        # The table: exactly the deleted rows are gone; the failures stay, still marked.
        loaded = {file.id for file in screen.files.loaded_files()}
        assert loaded == server_ids(emulator)
        assert {file.id for file in screen.files.view} == failed_ids  # filter still "scratch"
        assert screen.files.marked_ids == failed_ids
        assert status_of(app).startswith(f"all {KEEP + failures} files")
        assert any("Deleted 297 files" in m and "3 failed" in m for m in notifications(app))

        # The log says the same.
        lines = log_lines(deletion_log_path)
        assert len(lines) == SCRATCH
        deleted_logged = {line["id"] for line in lines if line["result"] == "deleted"}
        failed_logged = {line["id"] for line in lines if str(line["result"]).startswith("failed")}
        assert deleted_logged == {f.id for f in scratch} - failed_ids
        assert failed_logged == failed_ids
        assert all(line["workspace"] == DEFAULT_WORKSPACE_ID for line in lines)


async def test_retry_failed_deletes_the_rest(
    emulator: RunningEmulator,
    make_app: AppFactory,
    workspace: tuple[list[StoredFile], list[StoredFile]],
) -> None:
    _scratch, keep = workspace
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0, retry=NO_RETRY)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await mark_scratch(pilot)
        await pilot.press("x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert confirm.query_one("#cancel", Button).has_focus
        emulator.faults.fail_next(400, method="DELETE", count=5)
        # Typed straight away, with the focus on Cancel: the digits go to the count field.
        await pilot.press("3", "0", "0")
        assert confirm.query_one("#typed-count", Input).value == "300"
        await pilot.press("enter")
        progress = await screen_shown(pilot, DeleteProgressDialog)
        await wait_until(pilot, lambda: progress.phase == "report", "the first report")
        assert progress.report is not None and len(progress.report.failed) == 5
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: progress.phase == "report" and not progress.report.failed,  # type: ignore[union-attr]
            "the retry's report",
        )
        await pilot.press("c")
        await settle(pilot)
        assert server_ids(emulator) == {f.id for f in keep}
        assert {f.id for f in screen.files.loaded_files()} == {f.id for f in keep}
        assert screen.files.marked_count == 0


async def test_undo_deletes_nothing(
    emulator: RunningEmulator,
    make_app: AppFactory,
    workspace: tuple[list[StoredFile], list[StoredFile]],
    deletion_log_path: Path,
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=30)
    async with browsing(app, size=(140, 40)) as (pilot, screen):
        before = server_ids(emulator)
        await pilot.press("space", "space", "x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert not confirm.needs_typed_count
        await pilot.click("#delete")
        progress = await screen_shown(pilot, DeleteProgressDialog)
        assert progress.phase == "undo"
        assert "Starts in" in str(progress.query_one("#countdown", Static).content)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert server_ids(emulator) == before
        assert delete_requests(emulator) == 0
        assert log_lines(deletion_log_path) == []
        assert screen.files.marked_count == 2
        assert "Deletion cancelled; nothing was deleted" in notifications(app)


async def test_cancel_in_the_confirmation_deletes_nothing(
    emulator: RunningEmulator,
    make_app: AppFactory,
    workspace: tuple[list[StoredFile], list[StoredFile]],
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0)
    async with browsing(app, size=(140, 40)) as (pilot, _):
        before = server_ids(emulator)
        await pilot.press("x")
        await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.press("enter")  # focus is on Cancel
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("x")
        await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert server_ids(emulator) == before
        assert delete_requests(emulator) == 0
        assert "Nothing was deleted" in notifications(app)


async def test_confirmation_says_how_many_marks_the_filter_hides(
    app: OrbrowseApp, workspace: tuple[list[StoredFile], list[StoredFile]]
) -> None:
    async with browsing(app, size=(140, 40)) as (pilot, screen):
        await pilot.press("j", "j", "j", "space")  # keep/k3.txt
        await pilot.press("slash", *"scratch-1", "enter", "A")
        marked = screen.files.marked_count
        await pilot.press("x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert len(confirm.files) == marked
        hidden = str(confirm.query_one("#hidden", Static).content)
        assert hidden == "1 of these is hidden by the current filter"
        await pilot.press("escape")
        await pilot.pause()
        assert browser(app).files.marked_count == marked


async def test_deleting_rows_up_to_the_cursor_puts_it_on_the_next_file(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # It kept its row number: after 'j V j j j x' it sat on f8, three files past f5.
    for n in range(10):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"f{n}.txt", content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0)
    async with browsing(app, size=(140, 40)) as (pilot, screen):
        await pilot.press("j", "V", "j", "j", "j", "x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert [f.filename for f in confirm.files] == ["f1.txt", "f2.txt", "f3.txt", "f4.txt"]
        await pilot.click("#delete")
        progress = await screen_shown(pilot, DeleteProgressDialog)
        await wait_until(pilot, lambda: progress.phase == "report", "the report")
        await pilot.press("c")
        await settle(pilot)
        names = [f.filename for f in screen.files.view]
        assert names == ["f0.txt", "f5.txt", "f6.txt", "f7.txt", "f8.txt", "f9.txt"]
        assert sorted(f.filename for f in emulator.store.files(DEFAULT_WORKSPACE_ID)) == names
        cursor = screen.table.cursor_file
        assert cursor is not None and cursor.filename == "f5.txt"


async def test_a_burst_that_ends_a_range_with_x_deletes_the_whole_range(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # Over SSH 'V j j j x' arrives at once: the j's move the cursor, and x ran before the
    # screen had handled their CursorMoved, so the range held only its first row (tmux at
    # 100 ms: "Delete 1 file?" with 4 rows marked). The same order, made sure here.
    for n in range(10):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"f{n}.txt", content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    async with browsing(app, size=(140, 40)) as (pilot, screen):
        await pilot.press("V")
        screen.table.move_cursor(3)  # the j's: their CursorMoved not handled yet
        await screen.run_action("delete")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert [f.filename for f in confirm.files] == ["f0.txt", "f1.txt", "f2.txt", "f3.txt"]
        await pilot.click("#cancel")


@asynccontextmanager
async def first_page_held(app: OrbrowseApp, emulator: RunningEmulator) -> AsyncIterator[Pilot[int]]:
    """The browser open with its first page held at the emulator (released on the way out)."""
    emulator.faults.hold()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, BrowserScreen) and emulator.faults.held > 0,
                "the browser waiting for its first page",
            )
            yield pilot
    finally:
        emulator.faults.release()


async def test_x_typed_before_the_first_rows_asks_about_the_first_file_once_they_come(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # Over a slow link x typed before any row was shown did nothing at all, while j and G
    # typed then are carried out when the rows come.
    for n in range(5):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"f{n}.txt", content=b"x")
    before = server_ids(emulator)
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0)
    async with first_page_held(app, emulator) as pilot:
        screen = browser(app)
        await pilot.press("x", "j")  # the j belongs to the confirmation it opens
        await wait_until(
            pilot,
            lambda: "Delete: waiting for the files to be listed…" in notifications(app),
            "the key taken",
        )
        assert isinstance(app.screen, BrowserScreen)
        emulator.faults.release()
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert [f.id for f in confirm.files] == [screen.files.view[0].id]
        assert screen.table.cursor_row == 0  # the j did not move the cursor first
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen), "back")
        await settle(pilot)
        assert "Nothing was deleted" in notifications(app)
    assert server_ids(emulator) == before
    assert delete_requests(emulator) == 0


async def test_x_typed_before_an_empty_listing_says_there_is_no_file(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    async with first_page_held(app, emulator) as pilot:
        await pilot.press("x")
        emulator.faults.release()
        await wait_until(
            pilot,
            lambda: "Delete: no file is listed" in notifications(app, severity="warning"),
            "the answer",
        )
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)


async def test_q_after_an_x_waiting_for_the_first_rows_quits_at_once(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "f.txt", content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    async with first_page_held(app, emulator) as pilot:
        await pilot.press("x", "q")  # q is not held behind the x: it quits now
        await wait_until(pilot, lambda: not app.is_running, "the app quitting")
    assert delete_requests(emulator) == 0


async def test_ctrl_p_after_an_x_waiting_for_the_first_rows_waits_behind_it(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # Every priority binding skipped the queue as Ctrl+C does: the palette opened at once and
    # the x, released when the rows came, was typed into its search box.
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "f.txt", content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    async with first_page_held(app, emulator) as pilot:
        await pilot.press("x", "ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen), "nothing opens before the rows"
        emulator.faults.release()
        # In the order typed: the x's confirmation, then the palette over it, searching
        # for nothing.
        await wait_until(
            pilot, lambda: isinstance(app.screen, CommandPalette), "the palette, second"
        )
        assert [type(screen) for screen in app.screen_stack[-2:]] == [
            ConfirmDeleteDialog,
            CommandPalette,
        ]
        assert app.screen.query_one(Input).value == ""
    assert delete_requests(emulator) == 0

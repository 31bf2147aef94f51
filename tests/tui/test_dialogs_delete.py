"""ConfirmDeleteDialog and DeleteProgressDialog; deletions against the emulator over HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Button, Input

from orbrowse.api.client import FilesClient
from orbrowse.api.models import FileObject
from orbrowse.bulk import BulkReport
from orbrowse.deletion_log import DeletionLog
from orbrowse.emulator.server import RunningEmulator
from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.tui.dialogs import ConfirmDeleteDialog, DeleteProgressDialog, delete_progress
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import screen_text, settle, wait_until
from tests.tui.dialog_host import hosting, text_of


def fake_files(count: int) -> list[FileObject]:
    created = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        FileObject(f"or_file_{n:024d}", f"file-{n}.txt", "text/plain", 1024 * n, created, False)
        for n in range(1, count + 1)
    ]


async def stored_files(
    emulator: RunningEmulator, client: FilesClient, count: int
) -> list[FileObject]:
    for n in range(count):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"doc-{n}.txt", content=b"x" * (n + 1))
    page = await client.list_files(limit=1000)
    return list(page.files)


# -- ConfirmDeleteDialog ----------------------------------------------------------------------


async def test_confirm_lists_files_verbatim_and_starts_on_cancel() -> None:
    hostile = FileObject(
        "or_file_x",
        "[bold red]x[/]\x1b]52;c;Zm9v\x07\u202eevil",
        "text/plain",
        2048,
        datetime(2026, 1, 1, tzinfo=UTC),
        False,
    )
    dialog = ConfirmDeleteDialog([hostile, *fake_files(2)], hidden_by_filter=2)
    async with hosting(dialog, size=(120, 40)) as (pilot, app):
        assert dialog.query_one("#cancel", Button).has_focus
        lines = text_of(dialog, "#file-lines")
        assert "[bold red]x[/]\\x1b]52;c;Zm9v\\x07⟨U+202E⟩evil" in lines
        assert "or_file_x" in lines
        assert "3 files" in text_of(dialog, "#summary")
        assert "2 of these are hidden by the current filter" in text_of(dialog, "#hidden")
        assert not dialog.query("#typed-count")
        await pilot.press("enter")  # Enter on the focused Cancel
        await pilot.pause()
    assert app.results == [False]


async def test_confirm_few_files_with_delete_button() -> None:
    dialog = ConfirmDeleteDialog(fake_files(10), hidden_by_filter=0)
    async with hosting(dialog, size=(120, 40)) as (pilot, app):
        assert not dialog.query("#hidden")
        await pilot.click("#delete")
        await pilot.pause()
    assert app.results == [True]


async def test_confirm_many_files_needs_the_typed_count() -> None:
    dialog = ConfirmDeleteDialog(fake_files(12), hidden_by_filter=0)
    async with hosting(dialog, size=(120, 40)) as (pilot, app):
        delete = dialog.query_one("#delete", Button)
        assert delete.disabled
        dialog.query_one("#typed-count", Input).focus()
        await pilot.press("1", "1", "enter")  # the wrong count does nothing
        await pilot.pause()
        assert app.screen is dialog and delete.disabled
        await pilot.press("backspace", "2")
        await pilot.pause()
        assert not delete.disabled
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [True]


async def test_confirm_escape_cancels() -> None:
    dialog = ConfirmDeleteDialog(fake_files(30), hidden_by_filter=0)
    async with hosting(dialog) as (pilot, app):
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [False]


# -- DeleteProgressDialog ---------------------------------------------------------------------


async def test_undo_deletes_nothing(client: FilesClient, emulator: RunningEmulator) -> None:
    files = await stored_files(emulator, client, 5)
    dialog = DeleteProgressDialog(client, files, concurrency=4, undo_seconds=30, log=None)
    async with hosting(dialog) as (pilot, app):
        await wait_until(pilot, lambda: bool(text_of(dialog, "#countdown")), "the countdown")
        # The seconds left depend on how busy the machine is; that it counts is what matters.
        # The title says what is deleted; the countdown line only when (it said it twice).
        assert screen_text(app).count("Deleting 5 files") == 1, screen_text(app)
        assert re.fullmatch(r"Starts in \d+ s…", text_of(dialog, "#countdown"))
        await pilot.press("u")
        await settle(pilot)
    assert app.results == [None]
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 5
    assert not [r for r in emulator.faults.requests if r.method == "DELETE"]


async def test_countdown_then_deletes_and_logs(
    client: FilesClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    files = await stored_files(emulator, client, 6)
    log = DeletionLog(tmp_path / "deletions.jsonl")
    dialog = DeleteProgressDialog(
        client, files, concurrency=3, undo_seconds=0.3, log=log, workspace_id=None
    )
    async with hosting(dialog) as (pilot, app):
        await settle(pilot)
        assert dialog.phase == "report"
        assert "Deleted 6 files" in text_of(dialog, "#summary")
        await pilot.press("escape")  # Close
        await pilot.pause()
    [report] = app.results
    assert isinstance(report, BulkReport)
    assert report.deleted_ids == {f.id for f in files}
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 0
    assert {entry.id for entry in log.read_entries()} == {f.id for f in files}


async def test_failures_are_listed_and_retry_deletes_them(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    files = await stored_files(emulator, client, 20)
    emulator.faults.fail_next(400, method="DELETE", count=3, message="[b]nope[/b]")
    dialog = DeleteProgressDialog(client, files, concurrency=4, undo_seconds=0, log=None)
    async with hosting(dialog, size=(120, 50)) as (pilot, app):
        await settle(pilot)
        assert "3 files could not be deleted" in text_of(dialog, "#summary")
        failures = text_of(dialog, "#failure-lines")
        assert failures.count("[b]nope[/b]") == 3
        assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 3
        assert not dialog.query_one("#retry").has_class("hidden")
        await pilot.press("r")
        await settle(pilot)
        assert "Deleted 20 files" in text_of(dialog, "#summary")
        assert dialog.query_one("#retry").has_class("hidden")
        await pilot.press("escape")
        await pilot.pause()
    [report] = app.results
    assert isinstance(report, BulkReport)
    assert report.deleted_ids == {f.id for f in files}
    assert report.failed == []
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 0


async def test_stop_leaves_the_rest_not_attempted(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    files = await stored_files(emulator, client, 30)
    emulator.faults.latency_ms = 100
    dialog = DeleteProgressDialog(client, files, concurrency=2, undo_seconds=0, log=None)
    async with hosting(dialog) as (pilot, app):
        assert dialog.phase == "running"
        await pilot.press("escape")  # Stop
        await settle(pilot)
        assert dialog.query_one("#report-area").display
        await pilot.press("escape")  # Close
        await pilot.pause()
    [report] = app.results
    assert isinstance(report, BulkReport)
    assert report.not_attempted
    remaining = emulator.store.file_ids(DEFAULT_WORKSPACE_ID)
    # Exactly the files the report calls deleted are gone from the server.
    assert remaining == {f.id for f in files} - report.deleted_ids
    assert {f.id for f in report.not_attempted} <= remaining


async def test_the_report_says_which_files_may_have_been_deleted(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    files = await stored_files(emulator, client, 3)
    target = files[1].id
    emulator.faults.drop_next(method="DELETE", path_contains=target)  # deleted, answer lost
    emulator.faults.drop_next(method="GET", path_contains=target)  # and the lookup fails
    dialog = DeleteProgressDialog(client, files, concurrency=1, undo_seconds=0, log=None)
    async with hosting(dialog, size=(120, 50)) as (pilot, app):
        await settle(pilot)
        summary = text_of(dialog, "#summary")
        assert "Deleted 2 files." in summary
        assert "1 file may have been deleted" in summary
        assert target in text_of(dialog, "#failure-lines")
        assert not dialog.query_one("#retry").has_class("hidden")
        await pilot.press("r")  # the retry's delete answers 404: gone after all
        await settle(pilot)
        assert "Deleted 3 files (1 was already gone)." in text_of(dialog, "#summary")
        await pilot.press("escape")
        await pilot.pause()
    [report] = app.results
    assert isinstance(report, BulkReport)
    assert report.deleted_ids == {f.id for f in files} and report.uncertain == []


async def test_wrong_typed_count_and_enter_says_what_is_expected() -> None:
    dialog = ConfirmDeleteDialog(fake_files(12), hidden_by_filter=0)
    async with hosting(dialog, size=(60, 15)) as (pilot, app):
        await pilot.press("1", "1", "enter")
        await pilot.pause()
        assert app.screen is dialog
        problem = text_of(dialog, "#count-problem")
        assert problem == "11 is not 12: type 12, the number of files"
        assert problem in screen_text(app)  # shown in the dialog, even at 60x15
        await pilot.press("backspace")
        await pilot.pause()
        assert not dialog.query_one("#count-problem").display  # typing again clears it


async def test_stop_shows_stopping_at_once_and_the_report_says_who_stopped(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    files = await stored_files(emulator, client, 30)
    emulator.faults.latency_ms = 1500  # the two in flight answer well after the checks
    dialog = DeleteProgressDialog(client, files, concurrency=2, undo_seconds=0, log=None)
    async with hosting(dialog, size=(100, 30)) as (pilot, _):
        await wait_until(pilot, lambda: dialog.phase == "running", "running")
        assert text_of(dialog, "#title") == "Deleting 30 files"
        await pilot.press("s")
        # At once, before any deletion in flight has answered:
        assert text_of(dialog, "#title") == "Stopping…"
        assert "stopping…" in text_of(dialog, "#counts")
        # Each answer that still arrives keeps saying so.
        before = dialog._job.progress.done if dialog._job else 0
        await wait_until(
            pilot,
            lambda: (
                dialog.phase == "report"
                or (dialog._job is not None and dialog._job.progress.done > before)
            ),
            "an answer",
        )
        if dialog.phase == "running":
            assert "stopping…" in text_of(dialog, "#counts")
        await wait_until(pilot, lambda: dialog.phase == "report", "the report")
        assert text_of(dialog, "#title") == "Stopped"
        assert "(stopped by you)" in text_of(dialog, "#summary")
        # Retry sends what was never sent: the report's retryable list.
        retry = dialog.query_one("#retry", Button)
        assert dialog.report is not None
        assert str(retry.label) == f"Retry {len(dialog.report.retryable)} files"
        emulator.faults.latency_ms = 0
        await pilot.press("r")
        await wait_until(
            pilot,
            lambda: (
                dialog.phase == "report"
                and dialog.report is not None
                and not dialog.report.retryable
            ),
            "the retry",
        )
        assert "Deleted 30 files" in text_of(dialog, "#summary")
        await pilot.press("escape")
        await pilot.pause()
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 0


async def test_a_long_wait_for_the_server_is_said_with_its_length(
    client: FilesClient, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Against a server that rate-limits or fails (tmux: 30 % of requests failing), the counts
    # stood at "19 of 20 done" for a quarter of a minute with nothing said: it looked hung.
    monkeypatch.setattr(delete_progress, "QUIET_SHOWN", 0.5)
    files = await stored_files(emulator, client, 4)
    emulator.faults.hold()  # no deletion answers until released
    dialog = DeleteProgressDialog(client, files, concurrency=2, undo_seconds=0, log=None)
    try:
        async with hosting(dialog, size=(100, 30)) as (pilot, _):
            await wait_until(
                pilot,
                lambda: "waiting for the server (" in text_of(dialog, "#counts"),
                "the wait said",
            )
            assert text_of(dialog, "#counts").startswith("0 of 4 done")
            emulator.faults.release()
            await wait_until(pilot, lambda: dialog.phase == "report", "the report")
            assert "Deleted 4 files" in text_of(dialog, "#summary")
    finally:
        emulator.faults.release()


async def test_a_server_that_cannot_be_reached_is_named_while_stopping_and_in_the_report(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    files = await stored_files(emulator, client, 6)
    # Three deletions find no server (each answer and then its lookup's cut off) while a
    # fourth is still on its way: the run stops, waiting for that one.
    emulator.faults.hold(path_contains=files[3].id)
    emulator.faults.drop_next(method="DELETE", count=3)
    emulator.faults.drop_next(method="GET", count=3)
    dialog = DeleteProgressDialog(client, files, concurrency=4, undo_seconds=0, log=None)
    try:
        async with hosting(dialog, size=(100, 30)) as (pilot, _):
            await wait_until(
                pilot, lambda: dialog._job is not None and dialog._job.stopping, "stopping"
            )
            assert dialog.phase == "running"
            assert text_of(dialog, "#title") == "Stopping: the server cannot be reached…"
            counts = text_of(dialog, "#counts")
            assert "stopping… the server cannot be reached: waiting for the" in counts, counts
            emulator.faults.release()
            await wait_until(pilot, lambda: dialog.phase == "report", "the report")
            assert text_of(dialog, "#title") == "Stopped: the server cannot be reached"
            summary = text_of(dialog, "#summary")
            assert "Deleted 1 file." in summary, summary
            assert "3 files may have been deleted" in summary, summary
            assert "2 files were not attempted (the server cannot be reached: " in summary
    finally:
        emulator.faults.release()
    assert emulator.store.file_ids(DEFAULT_WORKSPACE_ID) == {f.id for f in files[4:]}


async def test_the_report_of_a_run_stopped_for_no_server_keeps_its_title_in_view_at_60x15(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    # The summary's reason wraps over three lines there: the dialog opened scrolled down to its
    # buttons, and "Stopped: the server cannot be reached" was above the frame.
    files = await stored_files(emulator, client, 16)
    emulator.stop()
    workspace = WorkspaceLabel(DEFAULT_WORKSPACE_ID, "Default", "default")
    dialog = DeleteProgressDialog(
        client, files, concurrency=8, undo_seconds=0, log=None, workspace=workspace
    )
    async with hosting(dialog, size=(60, 15)) as (pilot, host):
        await wait_until(pilot, lambda: dialog.phase == "report", "the report", limit=60)
        await settle(pilot)
        shown = screen_text(host)
        assert "Stopped: the server cannot be reached" in shown, shown
        assert "were not attempted" in shown and "Close" in shown, shown


async def test_one_file_not_attempted_is_said_in_the_singular(
    client: FilesClient, emulator: RunningEmulator
) -> None:
    files = await stored_files(emulator, client, 4)
    emulator.stop()
    dialog = DeleteProgressDialog(client, files, concurrency=1, undo_seconds=0, log=None)
    async with hosting(dialog, size=(100, 30)) as (pilot, _):
        await wait_until(pilot, lambda: dialog.phase == "report", "the report", limit=60)
        summary = text_of(dialog, "#summary")
        assert "1 file was not attempted (the server cannot be reached: " in summary, summary

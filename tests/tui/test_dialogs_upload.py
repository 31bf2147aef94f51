"""UploadDialog against the emulator over real HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Button, DirectoryTree, Input

from orbrowse.api.client import FilesClient
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.dialogs import UploadDialog
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import notifications, settle, wait_until
from tests.tui.dialog_host import hosting, text_of


def posts(emulator: RunningEmulator) -> list[str]:
    return [r.path for r in emulator.faults.requests if r.method == "POST"]


async def test_completes_checks_and_uploads(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    (tmp_path / "notes.txt").write_bytes(b"hello from orbrowse\n")
    (tmp_path / "other.md").write_bytes(b"# other\n")
    dialog = UploadDialog(client, tmp_path)
    async with hosting(dialog) as (pilot, app):
        upload = dialog.query_one("#upload", Button)
        assert upload.disabled  # a folder is not a file yet
        await pilot.press("n")
        await settle(pilot)  # the suggester runs in a worker
        await pilot.press("tab")
        path_input = dialog.query_one("#path", Input)
        assert path_input.value == f"{tmp_path}/notes.txt"
        assert "20 bytes" in text_of(dialog, "#check")
        assert not upload.disabled
        await pilot.press("enter")
        await settle(pilot)
    [uploaded] = app.results
    assert uploaded is not None
    assert uploaded.filename == "notes.txt"
    stored = emulator.store.get(DEFAULT_WORKSPACE_ID, uploaded.id)
    assert stored is not None
    assert emulator.store.content_of(stored) == b"hello from orbrowse\n"


async def test_empty_file_is_refused_locally_and_nothing_is_sent(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    dialog = UploadDialog(client, tmp_path)
    async with hosting(dialog) as (pilot, app):
        await pilot.press(*"empty.txt")
        await pilot.pause()
        assert "empty" in text_of(dialog, "#check")
        assert dialog.query_one("#upload", Button).disabled
        await pilot.press("enter")  # refused: nothing happens
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
    assert posts(emulator) == []
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 0


async def test_missing_path_and_folder_show_problems(tmp_path: Path, client: FilesClient) -> None:
    (tmp_path / "sub").mkdir()
    dialog = UploadDialog(client, tmp_path)
    async with hosting(dialog) as (pilot, _):
        await pilot.press(*"nope.pdf")
        await pilot.pause()
        assert "does not exist" in text_of(dialog, "#check")
        await pilot.press(*["backspace"] * 8, *"sub")
        await pilot.pause()
        assert "is a folder" in text_of(dialog, "#check")
        assert dialog.query_one("#upload", Button).disabled


async def test_server_error_is_shown_verbatim_and_retry_works(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    (tmp_path / "a.txt").write_bytes(b"some text\n")
    emulator.faults.fail_next(500, method="POST", message="[bold red]boom[/] \x1b[31m")
    dialog = UploadDialog(client, tmp_path)
    async with hosting(dialog) as (pilot, app):
        await pilot.press(*"a.txt", "enter")
        await settle(pilot)
        error = text_of(dialog, "#error")
        assert "[bold red]boom[/]" in error
        assert "\\x1b[31m" in error  # the escape is made visible, never sent to the terminal
        assert app.screen is dialog
        assert app.results == []
        await pilot.press("enter")  # try again
        await settle(pilot)
    [uploaded] = app.results
    assert uploaded is not None
    assert emulator.store.file_ids(DEFAULT_WORKSPACE_ID) == {uploaded.id}


@pytest.mark.parametrize("keys", [("down", "down", "up"), ("j", "j", "k")])
async def test_picker_fills_the_path(
    tmp_path: Path, client: FilesClient, keys: tuple[str, ...]
) -> None:
    # j and k move in the picker as everywhere else (they did nothing: arrows only).
    (tmp_path / "picked.txt").write_bytes(b"picked\n")
    (tmp_path / "second.txt").write_bytes(b"second\n")
    dialog = UploadDialog(client, tmp_path)
    async with hosting(dialog, size=(100, 40)) as (pilot, app):
        await pilot.press("ctrl+o")
        await pilot.pause()
        tree = dialog.query_one(DirectoryTree)
        assert tree.has_focus
        # The tree reads folders in a long-lived worker of its own: wait for its rows.
        await wait_until(pilot, lambda: bool(tree.root.children))
        await pilot.press(*keys, "enter")  # two down, one up: the first child, picked.txt
        await pilot.pause()
        assert dialog.query_one("#path", Input).value == str(tmp_path / "picked.txt")
        assert dialog.query_one("#upload", Button).has_focus, app.focused


async def test_cancel_during_upload_leaves_nothing_on_the_server(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    big = tmp_path / "big.txt"
    # Larger than the socket buffers, and held unread by the server, so the upload is still
    # sending when it is cancelled.
    big.write_bytes(b"orbrowse upload cancel test line\n" * (1024 * 1024))
    emulator.faults.hold()
    dialog = UploadDialog(client, tmp_path)
    async with hosting(dialog) as (pilot, app):
        await pilot.press(*"big.txt", "enter")
        await wait_until(pilot, lambda: bool(posts(emulator)))
        assert dialog.has_class("-busy")
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [None]
    # Let the server finish with the request (the broken body).
    emulator.faults.release()
    await asyncio.sleep(1.5)
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 0


async def test_cancel_after_the_whole_file_is_sent_says_the_server_may_keep_it(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # In tmux at 1,500 ms: Escape at "1 MiB of 1 MiB", the dialog closed without a word and
    # the server kept the file ("nothing is left behind" holds only while still sending).
    (tmp_path / "notes.txt").write_bytes(b"notes\n" * 100)
    emulator.faults.latency_ms = 1500  # the server stores it at once, answers 1.5 s later
    dialog = UploadDialog(client, tmp_path)
    async with hosting(dialog, size=(60, 15)) as (pilot, app):
        await pilot.press(*"notes.txt", "enter")
        await wait_until(pilot, lambda: emulator.store.count(DEFAULT_WORKSPACE_ID) == 1)
        assert "600 Bytes of 600 Bytes" in text_of(dialog, "#progress-label")
        await pilot.press("escape")
        await settle(pilot)
        [warning] = notifications(app, severity="warning")
        assert "notes.txt" in warning and "may keep it" in warning, warning
    assert app.results == [None]


async def test_tab_on_an_ambiguous_prefix_completes_the_shared_part_and_lists_the_names(
    tmp_path: Path, client: FilesClient
) -> None:
    for name in ("report-2025.txt", "report-2026.txt", "readme.md"):
        (tmp_path / name).write_bytes(b"x")
    dialog = UploadDialog(client, tmp_path)
    async with hosting(dialog, size=(100, 30)) as (pilot, _):
        path_input = dialog.query_one("#path", Input)
        await pilot.press("r", "e", "p", "tab")  # Tab at once: no waiting for the suggester
        await pilot.pause()
        assert path_input.value == f"{tmp_path}/report-202"
        assert path_input.has_focus
        listed = text_of(dialog, "#candidates")
        assert "report-2025.txt" in listed and "report-2026.txt" in listed
        assert "readme.md" not in listed
        await pilot.press("tab")  # nothing more in common: the focus stays, the list too
        await pilot.pause()
        assert path_input.has_focus
        assert path_input.value == f"{tmp_path}/report-202"
        assert "2 matches" in text_of(dialog, "#candidates")
        await pilot.press("6", "tab")  # now unique: completes; the list goes
        await pilot.pause()
        assert path_input.value == f"{tmp_path}/report-2026.txt"
        assert text_of(dialog, "#candidates").strip() == ""


async def test_an_absolute_path_typed_after_the_prefilled_folder_starts_over(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # "u" then "/tmp/report.txt" used to read as <start folder>//tmp/report.txt: "does not exist".
    start, elsewhere = tmp_path / "start", tmp_path / "elsewhere"
    start.mkdir()
    elsewhere.mkdir()
    (elsewhere / "report.txt").write_bytes(b"report\n")
    dialog = UploadDialog(client, start)
    async with hosting(dialog) as (pilot, app):
        await pilot.press(*f"{elsewhere}/rep")
        await settle(pilot)
        await pilot.press("tab")  # completion follows the restarted path too
        assert dialog.query_one("#path", Input).value == f"{start}/{elsewhere}/report.txt"
        assert "7 bytes" in text_of(dialog, "#check")
        await pilot.press("enter")
        await settle(pilot)
    [uploaded] = app.results
    assert uploaded is not None
    assert uploaded.filename == "report.txt"

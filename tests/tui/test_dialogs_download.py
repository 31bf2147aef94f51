"""DownloadDialog against the emulator over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, ProgressBar

from orbrowse.api.client import FilesClient
from orbrowse.api.models import FileObject
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.dialogs import ConfirmDialog, DownloadDialog
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import screen_shown, screen_text, settle, wait_until
from tests.tui.dialog_host import hosting, text_of


async def add(
    emulator: RunningEmulator,
    client: FilesClient,
    name: str,
    *,
    content: bytes | None = None,
    size: int | None = None,
    downloadable: bool = True,
) -> FileObject:
    stored = emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, name, content=content, size_bytes=size, downloadable=downloadable
    )
    return await client.get_file(stored.id)


def content_requests(emulator: RunningEmulator) -> list[str]:
    return [r.path for r in emulator.faults.requests if r.path.endswith("/content")]


async def test_single_file_lands_byte_identical_under_a_safe_name(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    data = b"%PDF-" + bytes(range(256)) * 1000
    file = await add(emulator, client, "../reports/[bold red]q1.pdf", content=data)
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, app):
        assert dialog.query_one("#name", Input).value == "[bold red]q1.pdf"
        await pilot.press("enter")
        await settle(pilot)
    assert app.results == [[tmp_path.resolve() / "[bold red]q1.pdf"]]
    assert (tmp_path / "[bold red]q1.pdf").read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["[bold red]q1.pdf"]


async def test_only_uploaded_files_explains_and_sends_nothing(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    file = await add(emulator, client, "mine.txt", content=b"text\n", downloadable=False)
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, app):
        assert "the API only serves files created by the server" in text_of(dialog, "#refused")
        assert not dialog.query("#download")
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
    assert content_requests(emulator) == []


async def test_several_files_download_together_and_skip_uploads(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    first = await add(emulator, client, "a/data.csv", content=b"a,b\n1,2\n")
    second = await add(emulator, client, "b/data.csv", content=b"a,b\n3,4\n")
    big = await add(emulator, client, "big.bin", size=3 * 1024 * 1024)
    uploaded = await add(emulator, client, "up.txt", content=b"up\n", downloadable=False)
    dialog = DownloadDialog(client, [first, uploaded, second, big], tmp_path)
    async with hosting(dialog, size=(120, 50)) as (pilot, app):
        assert "1 file will be skipped" in text_of(dialog, "#refused")
        await pilot.press("enter")
        await settle(pilot)
    [paths] = app.results
    assert paths is not None
    assert sorted(p.name for p in paths) == ["big.bin", "data (2).csv", "data.csv"]
    assert (tmp_path / "data.csv").read_bytes() == b"a,b\n1,2\n"
    assert (tmp_path / "data (2).csv").read_bytes() == b"a,b\n3,4\n"
    stored_big = emulator.store.get(DEFAULT_WORKSPACE_ID, big.id)
    assert stored_big is not None
    assert (tmp_path / "big.bin").read_bytes() == emulator.store.content_of(stored_big)
    assert not any(p.name == "up.txt" for p in tmp_path.iterdir())


async def test_folder_is_validated(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    file = await add(emulator, client, "x.txt", content=b"x\n")
    (tmp_path / "plain").write_text("not a folder")
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, app):
        folder = dialog.query_one("#folder", Input)
        folder.value = str(tmp_path / "missing")
        await pilot.pause()
        assert "does not exist yet" in text_of(dialog, "#folder-problem")
        assert not dialog.query_one("#download", Button).disabled  # it offers to create it
        folder.value = str(tmp_path / "plain")
        await pilot.pause()
        assert "is not a folder" in text_of(dialog, "#folder-problem")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
    assert content_requests(emulator) == []


async def test_asks_before_overwriting_default_no(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    file = await add(emulator, client, "report.txt", content=b"new content\n")
    existing = tmp_path / "report.txt"
    existing.write_bytes(b"old content\n")
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, app):
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # focus starts on No
        await settle(pilot)
        assert isinstance(app.screen, DownloadDialog)
        assert existing.read_bytes() == b"old content\n"
        assert content_requests(emulator) == []
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
    assert app.results == [[existing.resolve()]]
    assert existing.read_bytes() == b"new content\n"


async def test_a_folder_named_as_the_file_is_refused_before_anything_is_asked(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # It asked "Replace existing files? 1 file already exist in the folder: docs/report.txt",
    # then failed with the reason out of view: a folder is never replaced.
    file = await add(emulator, client, "docs/report.txt", content=b"new\n")
    (tmp_path / "report.txt").mkdir()
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, app):
        assert "report.txt is a folder" in text_of(dialog, "#name-problem")
        assert dialog.query_one("#download", Button).disabled
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
    assert content_requests(emulator) == []
    assert (tmp_path / "report.txt").is_dir()


async def test_the_replace_question_names_the_local_files_it_would_replace(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    files = [
        await add(emulator, client, "docs/report.txt", content=b"new\n"),
        await add(emulator, client, "notes.txt", content=b"notes\n"),
    ]
    (tmp_path / "report.txt").write_bytes(b"old\n")
    dialog = DownloadDialog(client, files, tmp_path)
    async with hosting(dialog, size=(100, 30)) as (pilot, _):
        await pilot.press("enter")
        question = await screen_shown(pilot, ConfirmDialog)
        asked = text_of(question, "#question")
        assert asked.startswith("1 file already exists in the folder:"), asked
        assert "report.txt" in asked and "docs/" not in asked, asked
        await pilot.press("n")
    assert (tmp_path / "report.txt").read_bytes() == b"old\n"


async def test_a_dangling_symlink_at_the_target_asks_and_only_the_link_is_replaced(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    file = await add(emulator, client, "report.txt", content=b"new content\n")
    folder = tmp_path / "out"
    folder.mkdir()
    pointee = tmp_path / "not-yet.txt"
    (folder / "report.txt").symlink_to(pointee)
    dialog = DownloadDialog(client, [file], folder)
    async with hosting(dialog) as (pilot, app):
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # it asks: something is there
        await pilot.press("y")
        await settle(pilot)
    target = folder / "report.txt"
    assert not target.is_symlink() and target.read_bytes() == b"new content\n"
    assert not pointee.exists()


async def test_failures_are_reported_per_file_and_retried(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    good = await add(emulator, client, "good.txt", content=b"good\n")
    bad = await add(emulator, client, "bad.txt", content=b"bad\n")
    emulator.faults.fail_next(
        500, method="GET", path_contains=f"{bad.id}/content", message="[red]disk[/] on fire"
    )
    dialog = DownloadDialog(client, [good, bad], tmp_path)
    async with hosting(dialog, size=(120, 50)) as (pilot, app):
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "1 file failed" in text_of(dialog, "#summary")
        assert "[red]disk[/] on fire" in text_of(dialog, "#status-1")
        assert (tmp_path / "good.txt").read_bytes() == b"good\n"
        assert not (tmp_path / "bad.txt").exists()
        await pilot.press("r")
        await settle(pilot)
    [paths] = app.results
    assert paths is not None
    assert sorted(p.name for p in paths) == ["bad.txt", "good.txt"]
    assert (tmp_path / "bad.txt").read_bytes() == b"bad\n"


@pytest.mark.parametrize("size", [(60, 15), (100, 30)])
async def test_a_failed_files_reason_is_on_screen_beside_its_name(
    size: tuple[int, int], tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # The row's name took the dialog's whole width: bar and reason were drawn past its edge.
    good = await add(emulator, client, "good.txt", content=b"good\n")
    bad = await add(emulator, client, "bad.txt", content=b"bad\n")
    emulator.faults.fail_next(500, method="GET", path_contains=f"{bad.id}/content")
    dialog = DownloadDialog(client, [good, bad], tmp_path)
    async with hosting(dialog, size=size) as (pilot, app):
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "1 file failed" in shown, shown
        [row] = [line for line in shown.splitlines() if "bad.txt" in line and "failed" in line]
        assert "failed: The server" in row, shown
        assert "(500)" in shown, shown
        assert "1 file downloaded" in shown, shown  # its row went once it was done


async def test_forty_failed_files_at_100x30_show_their_rows_and_animate_nothing(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # 620 files into a full disk, in tmux at 100x30: the dialog showed 600 blank rows above
    # "604 files failed" (the rows' box, 40vh high, was counted at its content's height by
    # the area around it), and the failed rows' bars, indeterminate, redrew 15 times a second
    # each: a core stayed busy while the dialog was open.
    files = [await add(emulator, client, f"out/f-{n:02d}.txt", content=b"x") for n in range(40)]
    emulator.faults.fail_next(500, method="GET", path_contains="/content", count=100)
    dialog = DownloadDialog(client, files, tmp_path)
    async with hosting(dialog, size=(100, 30)) as (pilot, app):
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "40 files failed" in shown, shown
        assert "failed: The server" in shown, shown
        assert [bar.id for bar in dialog.query(ProgressBar) if bar.total is None] == []


async def test_a_folder_of_many_files_keeps_rows_only_for_files_in_flight_or_failed(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # A row per file: each update laid out every row, and 620 files of 500 bytes took 131 s
    # (128 s of CPU) at 100 ms; 200 took 22 s of CPU here, 16 s of it in Textual's layout.
    files = [await add(emulator, client, f"out/f-{n:03d}.txt", content=b"x") for n in range(60)]
    emulator.faults.fail_next(500, method="GET", path_contains="/content", count=20)
    emulator.faults.latency_ms = 30  # about a second in all: rows are counted meanwhile
    dialog = DownloadDialog(client, files, tmp_path)
    async with hosting(dialog, size=(100, 30)) as (pilot, _):
        rows: list[int] = []

        def ended() -> bool:
            rows.append(len(dialog.query(".file-row")))
            return "failed" in text_of(dialog, "#summary")

        await pilot.press("enter")
        await wait_until(pilot, ended, "the summary")
        await settle(pilot)
        most = max(rows)
        assert most <= 3 + 12  # in flight, and the failures kept so far
        assert len(dialog.query(".file-row")) == 12  # the first 12 of 20 failures
        assert "20 files failed, 40 files downloaded" in text_of(dialog, "#summary")
    assert len(list(tmp_path.iterdir())) == 40


async def test_connection_lost_mid_download_leaves_no_partial_file(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    file = await add(emulator, client, "big.bin", size=4 * 1024 * 1024)
    emulator.faults.drop_next(method="GET", path_contains="/content")
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, app):
        await pilot.press("enter")
        await settle(pilot)
        assert "connection was lost" in text_of(dialog, "#status-0")
        assert list(tmp_path.iterdir()) == []
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [[]]


async def test_cancel_mid_download_leaves_no_partial_file(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    file = await add(emulator, client, "huge.bin", size=400 * 1024 * 1024)
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, app):
        await pilot.press("enter")
        # Cancel once the temporary file exists and bytes are arriving.
        await wait_until(pilot, lambda: any(p.name.endswith(".part") for p in tmp_path.iterdir()))
        assert dialog.busy
        await pilot.press("escape")
        await settle(pilot)
    assert app.results == [None]
    assert list(tmp_path.iterdir()) == []


async def test_offers_to_create_a_missing_folder_then_downloads_into_it(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    file = await add(emulator, client, "x.txt", content=b"x\n")
    target = tmp_path / "new" / "deeper"
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, app):
        dialog.query_one("#folder", Input).value = str(target)
        await pilot.pause()
        assert "Download offers to create it" in text_of(dialog, "#folder-problem")
        await pilot.click("#download")
        confirm = await screen_shown(pilot, ConfirmDialog)
        assert str(target) in text_of(confirm, "#question")
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(app.results), "the download")
    assert (target / "x.txt").read_bytes() == b"x\n"


async def test_declining_to_create_the_folder_creates_and_sends_nothing(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    file = await add(emulator, client, "x.txt", content=b"x\n")
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, _):
        dialog.query_one("#folder", Input).value = str(tmp_path / "missing")
        await pilot.pause()
        await pilot.press("enter")
        await screen_shown(pilot, ConfirmDialog)
        await pilot.press("n")
        await screen_shown(pilot, DownloadDialog)
    assert not (tmp_path / "missing").exists()
    assert content_requests(emulator) == []


async def test_no_progress_bar_before_the_download_starts(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # An empty bar animated "--%" (redrawn over SSH all the while) before Download was pressed.
    file = await add(emulator, client, "out/a.txt", content=b"abc")
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog) as (pilot, _):
        assert not dialog.query_one("#progress-area").display
        dialog.query_one("#download", Button).press()
        await wait_until(pilot, lambda: dialog.query_one("#progress-area").display, "the bar")
        await settle(pilot)
    assert (tmp_path / "a.txt").read_bytes() == b"abc"


async def test_tab_leaves_a_listed_folder_for_the_file_name_field(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # The folder field opens on the current folder: with two subfolders there, each Tab
    # listed them again and the file name (and the buttons) could not be reached by Tab.
    for name in ("photos", "music"):
        (tmp_path / name).mkdir()
    file = await add(emulator, client, "report.txt", content=b"report\n")
    dialog = DownloadDialog(client, [file], tmp_path)
    async with hosting(dialog, size=(60, 15)) as (pilot, _):
        folder = dialog.query_one("#folder", Input)
        await pilot.press("tab")  # completes the folder's own name: …/
        await pilot.pause()
        assert folder.has_focus and folder.value == f"{tmp_path}/"
        await pilot.press("tab")  # lists what is in it
        await pilot.pause()
        assert folder.has_focus
        assert "music/" in text_of(dialog, "#candidates")
        await pilot.press("tab")  # listed already: on to the next field
        await pilot.pause()
        assert dialog.query_one("#name", Input).has_focus
        assert folder.value == f"{tmp_path}/"


async def test_the_overall_line_counts_only_bytes_downloaded_and_says_how_many_failed(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # The half of big.bin received before the connection was lost (its part file removed)
    # was counted as done: "2.0 MiB of 4.0 MiB" with one small file downloaded.
    good = await add(emulator, client, "good.txt", content=b"g" * 3000)
    big = await add(emulator, client, "big.bin", size=4 * 1024 * 1024)
    emulator.faults.drop_next(method="GET", path_contains=f"{big.id}/content")
    dialog = DownloadDialog(client, [good, big], tmp_path)
    async with hosting(dialog, size=(100, 30)) as (pilot, _):
        await pilot.press("enter")
        await settle(pilot)
        assert "connection was lost" in text_of(dialog, "#status-1")
        line = text_of(dialog, "#overall-label")
        assert line.startswith("1 of 2 files · 1 failed · 2.9 KiB of 4 MiB"), line
        assert dialog.query_one("#overall", ProgressBar).progress == 3000
    assert [p.name for p in tmp_path.iterdir()] == ["good.txt"]


async def fail_as_the_target_appears(
    pilot: Pilot[None], dialog: DownloadDialog, emulator: RunningEmulator, target: Path
) -> None:
    """Start the download (held at the emulator), write ``target`` meanwhile as another
    program would, and let the download end in its failure."""
    await pilot.press("enter")
    await wait_until(pilot, lambda: emulator.faults.held > 0, "the download sent")
    target.write_bytes(b"mine\n")
    emulator.faults.release()
    await wait_until(pilot, lambda: "failed" in text_of(dialog, "#summary"), "failed")


async def test_a_file_that_appears_while_downloading_is_kept_and_retry_asks_to_replace_it(
    tmp_path: Path, client: FilesClient, emulator: RunningEmulator
) -> None:
    # The reason said "pass --force to replace it": a command-line flag, inside the browser.
    file = await add(emulator, client, "report.csv", content=b"new\n")
    emulator.faults.hold()
    dialog = DownloadDialog(client, [file], tmp_path)
    try:
        async with hosting(dialog, size=(100, 30)) as (pilot, app):
            await fail_as_the_target_appears(pilot, dialog, emulator, tmp_path / "report.csv")
            reason = text_of(dialog, "#status-0")
            assert "already exists (it appeared while downloading)" in reason, reason
            assert "r retries, asking before replacing it" in reason, reason
            assert "--force" not in screen_text(app)
            assert (tmp_path / "report.csv").read_bytes() == b"mine\n"
            # "No" keeps the failure to retry (it was forgotten before the question).
            await pilot.press("r")
            ask = await screen_shown(pilot, ConfirmDialog)
            assert "report.csv" in screen_text(app)
            ask.query_one("#no", Button).press()
            await wait_until(pilot, lambda: app.screen is dialog, "back to the download")
            await settle(pilot)
            assert (tmp_path / "report.csv").read_bytes() == b"mine\n"
            assert dialog.check_action("retry", ()) is True
            await pilot.press("r")
            ask = await screen_shown(pilot, ConfirmDialog)
            ask.query_one("#yes", Button).press()
            await settle(pilot)
    finally:
        emulator.faults.release()
    assert app.results == [[tmp_path.resolve() / "report.csv"]]
    assert (tmp_path / "report.csv").read_bytes() == b"new\n"

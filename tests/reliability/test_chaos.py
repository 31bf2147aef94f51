"""A long session under chaos: 500/503s, 429s with Retry-After and dropped connections.

The browser lists 10,000 files, filters, deletes 500 marked ones and downloads 5 while the
emulator fails ~17 % of requests. Afterwards nothing is listed twice, the server holds exactly
the files not deleted, the deletion log agrees with the server, downloads are whole or absent,
and the app still answers keys.
"""

from __future__ import annotations

import random
from pathlib import Path

from textual.widgets import Input

from orbrowse.deletion_log import GONE_RESULTS, DeletionLog
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.dialogs import ConfirmDeleteDialog, DeleteProgressDialog, DownloadDialog
from orbrowse.tui.dialogs.help import HelpScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.conftest import AppFactory
from tests.tui.app_driver import browsing, wait_until

FILES = 10_000
DOOMED_EVERY = 20  # 500 of the 10,000 are "old-…" logs to delete
DOWNLOADS = 5


def fill(emulator: RunningEmulator) -> tuple[set[str], dict[str, bytes]]:
    """10,000 files; returns the ids to delete and the downloadable files' content by id."""
    rng = random.Random(7)
    doomed: set[str] = set()
    content: dict[str, bytes] = {}
    for n in range(FILES):
        if n % DOOMED_EVERY == 0:
            stored = emulator.store.add_file(
                DEFAULT_WORKSPACE_ID, f"old-{n:05d}.log", size_bytes=10
            )
            doomed.add(stored.id)
        elif n % 1999 == 1 and len(content) < DOWNLOADS:
            data = rng.randbytes(300_000 + n)
            stored = emulator.store.add_file(
                DEFAULT_WORKSPACE_ID, f"report-{n:05d}.bin", content=data, downloadable=True
            )
            content[stored.id] = data
        else:
            emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"keep-{n:05d}.txt", size_bytes=100)
    assert len(doomed) == FILES // DOOMED_EVERY and len(content) == DOWNLOADS
    return doomed, content


def unleash(emulator: RunningEmulator) -> None:
    faults = emulator.faults
    faults.fail_rate = 0.10
    faults.failure_retry_after = 0.01
    faults.rate_limited_rate = 0.05
    faults.rate_limited_retry_after = 0.01
    faults.drop_rate = 0.02


async def test_a_long_session_under_chaos_loses_nothing_and_repeats_nothing(
    emulator: RunningEmulator,
    make_app: AppFactory,
    downloads: Path,
    deletion_log: DeletionLog,
) -> None:
    doomed, content = fill(emulator)
    all_ids = emulator.store.file_ids(DEFAULT_WORKSPACE_ID)
    unleash(emulator)
    app = make_app(page_size=500, undo_seconds=0, delete_concurrency=8)
    async with browsing(app, size=(160, 48)) as (pilot, screen):
        # List everything.
        await pilot.press("L")
        await wait_until(pilot, lambda: not screen.fetching and not screen.has_more, "load all")
        assert screen.load_error is None
        listed = [f.id for f in screen.files.loaded_files()]
        assert len(listed) == len(set(listed)) == FILES
        assert set(listed) == all_ids

        # Filter to the old logs, mark all of them, delete.
        await pilot.press("slash", *"old-", "enter")
        assert len(screen.files.view) == len(doomed)
        await pilot.press("A")
        assert {f.id for f in screen.files.marked_files} == doomed
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteDialog), "confirm")
        app.screen.query_one("#typed-count", Input).focus()
        await pilot.press(*str(len(doomed)), "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DeleteProgressDialog), "progress")
        progress = app.screen
        assert isinstance(progress, DeleteProgressDialog)
        await wait_until(pilot, lambda: progress.phase == "report", "the delete report")
        assert progress.report is not None
        assert not progress.report.failed, progress.report.failed[:3]
        await pilot.press("enter")  # Close
        await wait_until(pilot, lambda: app.screen is screen, "back to the browser")

        # Download the five downloadable files.
        await pilot.press("c", "escape")
        await pilot.press("slash", *"report-", "enter")
        assert len(screen.files.view) == DOWNLOADS
        await pilot.press("A", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, DownloadDialog), "download dialog")
        dialog = app.screen
        assert isinstance(dialog, DownloadDialog)
        dialog.query_one("#folder", Input).focus()
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.screen is screen or (bool(dialog._failed) and not dialog.busy),
            "the downloads to finish",
        )

        # Still responsive: a key changes what is on screen.
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "help on ?")

    # The server holds exactly the files not deleted; the listing and the log agree.
    remaining = emulator.store.file_ids(DEFAULT_WORKSPACE_ID)
    assert remaining == all_ids - doomed
    entries = deletion_log.read_entries()
    logged = {e.id for e in entries if e.result in GONE_RESULTS}
    assert logged == doomed
    assert all(e.result in GONE_RESULTS for e in entries)
    assert set(f.id for f in screen.files.loaded_files()) == remaining

    # Every download is complete and byte-identical, or absent; nothing partial anywhere.
    written = list(downloads.iterdir())
    assert not [p for p in written if p.name.endswith(".part") or p.name.startswith(".")]
    by_name: dict[str, StoredFile] = {
        f.filename: f for f in emulator.store.files(DEFAULT_WORKSPACE_ID) if f.id in content
    }
    for path in written:
        assert path.name in by_name, path.name
        assert path.read_bytes() == content[by_name[path.name].id]
    assert len(written) == DOWNLOADS  # with retries, chaos should not cost a download
    # The chaos did happen: the emulator saw the failures the client rode out.
    needed = FILES // 500 + len(doomed) + DOWNLOADS
    sent = len(emulator.faults.requests)
    print(f"{sent} requests for {needed} calls")
    assert sent > needed * 1.05

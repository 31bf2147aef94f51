"""The server goes away (refused, timing out, no such host) and comes back.

Each case ends with a readable message and ``r`` to retry, never a traceback; listing then
resumes from the last good cursor, so nothing is listed twice.
"""

from __future__ import annotations

import socket

import httpx
import pytest
from textual.widgets import Button, Input, Static

from orbrowse.api import client as client_module
from orbrowse.emulator.server import RunningEmulator, start_emulator
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.conftest import ONE_TRY, AppFactory
from tests.tui.app_driver import (
    browsing,
    deletion_reported,
    notifications,
    screen_shown,
    screen_text,
    settle,
    wait_until,
)

TRACEBACK_MARKERS = ("Traceback", "Error:", "httpx.", 'File "')


def add_files(emulator: RunningEmulator, count: int) -> set[str]:
    return {
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"f-{n:04d}.txt", size_bytes=n).id
        for n in range(count)
    }


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_clear(messages: list[str], *needles: str) -> None:
    text = "\n".join(messages)
    for needle in needles:
        assert needle in text, text
    for marker in ("Traceback", "httpx", "ConnectError", 'File "'):
        assert marker not in text, text


async def test_server_stopping_mid_listing_then_returning_resumes_without_duplicates(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    ids = add_files(emulator, 2000)
    app = make_app(page_size=100, retry=ONE_TRY)
    async with browsing(app, size=(140, 40)) as (pilot, screen):
        first = [f.id for f in screen.files.loaded_files()]
        assert len(first) < len(ids) and screen.has_more
        port, store = emulator.port, emulator.store
        emulator.stop()

        await pilot.press("L")
        await wait_until(pilot, lambda: screen.load_error is not None, "the listing error")
        assert_clear(
            notifications(app, titled=True), "Could not connect to the server", "Press r to retry"
        )
        assert "r retries" in screen_text(app)
        # Nothing lost or doubled (a page already on its way before the server stopped may
        # have been applied: the pager requests the next page ahead).
        after = [f.id for f in screen.files.loaded_files()]
        assert after[: len(first)] == first and len(set(after)) == len(after)

        with start_emulator(port=port, store=store, faults=emulator.faults, keys=emulator.keys):
            emulator.faults.clear()
            await pilot.press("r")
            await wait_until(pilot, lambda: not screen.fetching and screen.load_error is None, "r")
            await pilot.press("L")
            await wait_until(pilot, lambda: not screen.has_more and not screen.fetching, "load all")
            listed = [f.id for f in screen.files.loaded_files()]
            assert len(listed) == len(set(listed)) == len(ids)
            assert set(listed) == ids
            assert listed[: len(first)] == first
            requests = [r for r in emulator.faults.requests if r.path.endswith("/files")]
            # Resumed from the cursor after the first page, not from the start.
            assert requests and all("cursor=" in r.query for r in requests)


async def test_connection_refused_from_the_start_shows_a_message_and_r_retries(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    port = closed_port()
    app = make_app(base_url=f"http://127.0.0.1:{port}/api/v1", retry=ONE_TRY)
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        assert screen.load_error is not None
        assert_clear(notifications(app, titled=True), "Could not connect to the server")
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.fetching, "the retry")
        assert screen.load_error is not None  # still refused, still calm
        assert app.is_running


async def test_a_timeout_says_so_and_r_retries_once_the_server_is_quick_again(
    emulator: RunningEmulator, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The seam: the client's metadata timeout, read when the client is built: well under the
    # latency, and room for the retry's answer on a busy machine (each phase gets it).
    monkeypatch.setattr(client_module, "METADATA_TIMEOUT", httpx.Timeout(1.0))
    ids = add_files(emulator, 3)
    emulator.faults.latency_ms = 1500
    app = make_app(retry=ONE_TRY)
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        assert screen.load_error is not None
        assert_clear(notifications(app, titled=True), "did not answer in time", "Press r to retry")
        emulator.faults.latency_ms = 0
        await pilot.press("r")
        await wait_until(
            pilot, lambda: not screen.fetching and screen.pages_loaded == 1, "the retry"
        )
        assert {f.id for f in screen.files.loaded_files()} == ids
        assert screen.load_error is None


async def test_an_unknown_host_is_named_in_a_clear_message(make_app: AppFactory) -> None:
    app = make_app(
        base_url="http://nonexistent.invalid/api/v1", allow_insecure_http=True, retry=ONE_TRY
    )
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        assert screen.load_error is not None
        assert_clear(
            notifications(app, titled=True),
            "Could not find the server nonexistent.invalid",
            "Press r to retry",
        )
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.fetching, "the retry")
        assert app.is_running


async def test_deleting_with_the_server_gone_stops_early_and_says_so(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # 69 files were each retried in turn (45 s in tmux), with no word that the server was gone.
    ids = add_files(emulator, 69)
    app = make_app(undo_seconds=0, delete_concurrency=8)
    async with browsing(app, size=(100, 30)) as (pilot, screen):
        await pilot.press("a", "x")  # every file
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert confirm.needs_typed_count
        confirm.query_one("#typed-count", Input).focus()
        await pilot.press("6", "9")
        delete = confirm.query_one("#delete", Button)
        await wait_until(pilot, lambda: not delete.disabled, "Delete offered")
        emulator.stop()  # connection refused from now on
        await pilot.press("enter")
        progress = await deletion_reported(pilot)
        title = str(progress.query_one("#title", Static).content)
        assert title == "Stopped: the server cannot be reached"
        report = progress.report
        assert report is not None and report.deleted == []
        tried = len(report.failed) + len(report.uncertain)
        assert tried == 8  # the deletions in flight; none sent after
        summary = str(progress.query_one("#summary", Static).content)
        assert summary.startswith("Deleted 0 files."), summary
        assert "61 files were not attempted (the server cannot be reached: " in summary, summary
        await pilot.press("c")
        await wait_until(pilot, lambda: app.screen is screen, "back in the browser")
        await settle(pilot)
        said = [m for m in notifications(app) if m.startswith("Deleted 0 files")]
        assert said and "61 not attempted. Stopped: the server cannot be reached" in said[-1]
        # Nothing claimed: every file is still listed, and marked for another try.
        assert {f.id for f in screen.files.loaded_files()} == ids
        assert screen.files.marked_ids == ids
    assert emulator.store.file_ids(DEFAULT_WORKSPACE_ID) == ids

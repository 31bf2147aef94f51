"""Lazy listing: the first page at once, more pages ahead of the cursor, load all, errors."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import pytest
from textual import events
from textual.pilot import Pilot

from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.widgets.file_table import FileTable
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.factories import openai_list_page
from tests.tui.app_driver import (
    FIXED_NOW,
    browser,
    browsing,
    notifications,
    settle,
    status_of,
    table_of,
    wait_until,
)
from tests.tui.conftest import PAGE, THOUSAND, AppFactory

FILES = THOUSAND  # the `thousand` fixture's files


async def hold_key(pilot: Pilot[int], key: str, times: int, table: FileTable) -> int:
    """Send ``key`` like a held key (faster than key repeat); the fewest rows ever left below
    the cursor while it was held."""
    driver = pilot.app._driver
    assert driver is not None
    fewest = table.row_count
    for _ in range(times):
        driver.send_message(events.Key(key, key))
        await asyncio.sleep(0.003)
        fewest = min(fewest, table.row_count - 1 - table.cursor_row)
    await pilot.pause()
    return fewest


def list_requests(emulator: RunningEmulator) -> list[dict[str, list[str]]]:
    return [
        parse_qs(request.query)
        for request in emulator.faults.requests
        if request.method == "GET" and request.path.endswith("/files")
    ]


async def test_first_page_at_once_and_never_everything_up_front(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (_, screen):
        loaded = screen.files.loaded_count
        assert PAGE <= loaded < FILES
        assert loaded % PAGE == 0
        assert all(query["limit"] == [str(PAGE)] for query in list_requests(emulator))
        assert status_of(app).startswith(f"{loaded:,} loaded · more available")
        assert "≥ " in status_of(app)  # quota use is a lower bound while partial
        table = table_of(app)
        first = emulator.store.files(DEFAULT_WORKSPACE_ID)[0]
        assert first.id == thousand[0]
        assert table.render_line(1).text.split()[0] == first.filename


async def test_holding_j_never_reaches_the_end_of_what_is_loaded(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        table = table_of(app)
        emulator.faults.latency_ms = 30
        presses = 450
        fewest_left = await hold_key(pilot, "j", presses, table)
        # Pages arrived ahead of the cursor: it never sat on the last loaded row, and no
        # press was lost against the end.
        assert fewest_left > 0
        assert table.cursor_row == presses
        await settle(pilot)
        assert screen.files.loaded_count > presses
        assert screen.files.loaded_count < FILES
        assert table.cursor_file is not None
        assert table.cursor_file.id == thousand[presses]


async def test_page_down_fetches_more_and_end_goes_to_the_last_file(
    app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        table = table_of(app)
        before = screen.files.loaded_count
        for _ in range(before // table.rows_in_view + 1):
            await pilot.press("pagedown")
        await settle(pilot)
        assert table.cursor_row > before - 1
        assert screen.files.loaded_count > before
        await pilot.press("end")
        await settle(pilot)
        # The last file of the workspace, not the last one loaded when the key was pressed.
        assert table.cursor_row == FILES - 1
        ids = [file.id for file in screen.files.loaded_files()]
        assert ids == thousand  # in order, no gaps, no duplicates


async def test_load_all_loads_every_file(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        await pilot.press("L")
        await settle(pilot)
        assert [file.id for file in screen.files.loaded_files()] == thousand
        assert status_of(app).startswith("all 1,000 files")
        assert "≥" not in status_of(app)
        # First pages of the configured size, then the largest pages for the rest.
        limits = [query["limit"][0] for query in list_requests(emulator)]
        assert set(limits[:-1]) == {str(PAGE)} and limits[-1] == "1000"


async def test_listing_error_says_press_r_and_r_resumes_without_duplicates(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        await screen.pager.aclose()  # no page requested ahead: the next request fails
        good = screen.files.loaded_count
        cursor = screen.next_cursor
        emulator.faults.fail_next(500, method="GET", path_contains="/files", count=50)
        await pilot.press("L")
        await settle(pilot)
        assert screen.load_error is not None
        assert screen.files.loaded_count == good
        assert "r retries" in status_of(app)
        assert any("Press r to retry" in message for message in notifications(app))
        # Scrolling does not hammer a failing server.
        await pilot.press("G")
        await settle(pilot)
        assert screen.files.loaded_count == good

        emulator.faults.clear()
        await pilot.press("r")
        await settle(pilot)
        assert screen.load_error is None
        first_after = list_requests(emulator)[0]
        assert first_after["cursor"] == [cursor]  # resumed from the last good cursor
        await pilot.press("L")
        await settle(pilot)
        ids = [file.id for file in screen.files.loaded_files()]
        assert ids == thousand
        assert screen.table.row_count == FILES
        assert status_of(app).startswith("all 1,000 files")


async def test_a_cursor_the_server_refuses_is_left_r_lists_again_from_the_start(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    # The emulator restarted with other data (in tmux: kill it mid-listing, start it again):
    # every next page was "400 Invalid cursor", and r, "retry from where it stopped", sent
    # the same cursor again, for ever.
    async with browsing(app) as (pilot, screen):
        await screen.pager.aclose()  # no page requested ahead: the next request fails
        emulator.faults.fail_next(
            400, method="GET", path_contains="/files", count=50, message="Invalid cursor"
        )
        await pilot.press("L")
        await settle(pilot)
        assert screen.load_error is not None
        assert "r lists again from the start" in status_of(app), status_of(app)
        emulator.faults.clear()
        await pilot.press("r")
        await settle(pilot)
        assert screen.load_error is None
        assert "cursor" not in list_requests(emulator)[0]  # from the start
        await pilot.press("L")
        await settle(pilot)
        assert [file.id for file in screen.files.loaded_files()] == thousand


async def test_refresh_reloads_from_the_start_and_keeps_marks(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        await pilot.press("space", "space")
        assert screen.files.marked_ids == frozenset(thousand[:2])
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, "late-arrival.txt", content=b"late\n")
        await pilot.press("r")
        await settle(pilot)
        assert screen.files.loaded_count < FILES
        assert [f.id for f in screen.files.loaded_files()][:3] == thousand[:3]
        assert screen.files.marked_ids == frozenset(thousand[:2])
        await pilot.press("L")
        await settle(pilot)
        assert screen.files.loaded_count == FILES + 1


async def test_bad_key_is_a_notification_and_the_app_keeps_running(
    make_app: AppFactory,
) -> None:
    app = make_app(key="sk-or-v1-" + "0" * 40, workspace=DEFAULT_WORKSPACE_ID)
    async with browsing(app) as (pilot, _):
        await wait_until(pilot, lambda: bool(notifications(app)), "a notification")
        messages = notifications(app)
        assert any("401" in m or "rejected" in m.lower() for m in messages), messages
        assert any("OPENROUTER_API_KEY" in m or "key" in m.lower() for m in messages)
        assert browser(app).load_error is not None
        # Still running: the help opens and closes.
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        assert browser(app).files.loaded_count == 0


async def test_listing_continues_when_the_cursor_file_was_deleted(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    # The page cursor names the last file loaded; deleting it (here, or from elsewhere)
    # must not break or skip the rest of the listing.
    async with browsing(app) as (pilot, screen):
        last = screen.files.loaded_files()[-1].id
        assert emulator.store.delete(DEFAULT_WORKSPACE_ID, last) is not None
        await pilot.press("L")
        await settle(pilot)
        assert screen.load_error is None
        ids = [file.id for file in screen.files.loaded_files()]
        assert ids == thousand  # the deleted one is still shown: it was loaded before
        assert status_of(app).startswith("all 1,000 files")


async def test_a_list_without_a_cursor_goes_on_with_the_last_id(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    # The openai and anthropic list shapes page with `after=<last id>`, not a cursor: the
    # browser used to stop after such a page and call what it had "all" the files.
    stored = generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 150, now=FIXED_NOW)
    body = openai_list_page(stored[:PAGE])
    emulator.faults.fail_next(200, path_contains="/files", body=body)
    async with browsing(app) as (pilot, screen):
        await settle(pilot)
        assert [f.id for f in screen.files.loaded_files()] == [f.id for f in stored]
        assert list_requests(emulator)[1]["after"] == [stored[PAGE - 1].id]
        assert status_of(app).startswith("all 150 files")


async def test_moves_past_the_loaded_end_wait_for_the_rows(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        await settle(pilot)
        table = table_of(app)
        await screen.pager.aclose()  # no page requested ahead: the next one is held
        emulator.faults.hold()  # (a latency raced the presses on a loaded machine)
        loaded = screen.files.loaded_count
        table.cursor_row = loaded - 1  # the last loaded row: the next page is asked for
        await pilot.press("j", "j", "j")
        assert table.cursor_row == loaded - 1  # the rows are not there yet
        assert screen.fetching
        await pilot.pause()
        assert table.render_line(table.rows_in_view).text.strip() == "loading more…"
        emulator.faults.release()
        await wait_until(pilot, lambda: screen.files.loaded_count > loaded, "the next page")
        await pilot.pause()
        assert table.cursor_row == loaded + 2  # no press lost
        assert table.cursor_file is not None and table.cursor_file.id == thousand[loaded + 2]


async def test_g_then_j_j_j_during_a_slow_page_keeps_the_moves(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        await settle(pilot)
        table = table_of(app)
        emulator.faults.hold()  # the page G asks for stays on its way until released
        await pilot.press("G", "j", "j", "j")
        await wait_until(
            pilot,
            lambda: emulator.faults.held > 0 and "loading to the end" in status_of(app),
            "the page G asked for held",
        )
        assert screen.files.loaded_count < FILES  # the moves came before the rows
        emulator.faults.release()
        await wait_until(pilot, lambda: not screen.has_more and not screen.fetching, "the end")
        # G is the workspace's last file, not the last one loaded; j at the end stays there.
        assert screen.files.loaded_count == FILES
        assert table.cursor_file is not None and table.cursor_file.id == thousand[-1]
        emulator.faults.latency_ms = 0
        await pilot.press("r")  # from the start again: G then k k counts from the real end
        await settle(pilot)
        emulator.faults.latency_ms = 1000
        await pilot.press("G", "k", "k")
        await wait_until(pilot, lambda: not screen.has_more and not screen.fetching, "the end")
        await pilot.pause()
        assert table.cursor_file is not None and table.cursor_file.id == thousand[-3]


@pytest.mark.parametrize("typed", ["jjj", "\x1b[B\x1bOBj", "\x1b[6~\x1b[H\x1b[Bjj"])
async def test_keys_typed_before_textual_reads_the_terminal_are_handled(
    app: OrbrowseApp, thousand: list[str], typed: str
) -> None:
    # Typed over SSH while orbrowse started: read with the terminal's replies to the image
    # query (tui/launch.py), they were lost with them; arrows and PageDown were dropped.
    app.typed_ahead = typed
    async with browsing(app) as (pilot, _):
        await settle(pilot)
        table = table_of(app)
        assert table.cursor_row == 3
        assert table.cursor_file is not None and table.cursor_file.id == thousand[3]


async def test_g_right_after_leaving_the_folder_view_goes_to_the_last_file(
    emulator: RunningEmulator, make_app: AppFactory, thousand: list[str]
) -> None:
    # Found in tmux against a server failing 30 % of requests: `f` then `G` while the folder
    # view's listing had a page on its way left the cursor on the last row loaded then (the
    # flat table still held the folder view's "no more rows"), with every file listed later.
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders", page_size=PAGE)
    # The first page comes; the folder view's next one stays on its way. Held once the first
    # had come, the next could be past the hold already, and the last by a loaded machine.
    emulator.faults.hold(path_contains="/files", after=1)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: browser(app).files.loaded_count > 0, "the first page")
        await wait_until(pilot, lambda: emulator.faults.held > 0, "a page on its way")
        screen = browser(app)
        assert screen.files.loaded_count < FILES
        await pilot.press("f", "G")
        await pilot.pause()
        table = table_of(app)
        assert table.folder_rows is None, "the flat view"
        assert table.wants_end, "G waits for the last file"
        emulator.faults.release()
        await wait_until(pilot, lambda: not screen.has_more and not screen.fetching, "the end")
        await pilot.pause()
        assert table.cursor_file is not None and table.cursor_file.id == thousand[-1]

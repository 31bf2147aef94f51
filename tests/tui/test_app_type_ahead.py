"""Type-ahead: keys that arrive in one burst after a key that opens an input go to that input.

``burst`` puts every key on the app's queue at once, with no pause between them, as a paste or
a fast typist over SSH delivers them (``pilot.press`` waits for the app to go idle after each
key, which hides the race). tests/tmux/ sends the same bursts through a real pty.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.download import DownloadDialog
from orbrowse.tui.dialogs.upload import UploadDialog
from orbrowse.tui.screens.browser import BrowserScreen
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browsing, screen_shown, wait_until
from tests.tui.conftest import AppFactory

NAMED_KEYS = {"/": "slash", " ": "space", ".": "full_stop", "\r": "enter", "\x1b": "escape"}


def key_event(character: str) -> events.Key:
    if character in NAMED_KEYS:
        name = NAMED_KEYS[character]
        return events.Key(name, None if name == "escape" else character)
    if character.isalnum():
        return events.Key(character, character)
    # Textual names other printable keys by their Unicode name ("circumflex_accent"...).
    import unicodedata

    return events.Key(unicodedata.name(character).lower().replace(" ", "_"), character)


def burst(pilot: Pilot[int], *parts: str | events.Paste) -> None:
    """Queue every key of ``parts`` (text, or a bracketed paste) on the app at once."""
    driver = pilot.app._driver
    assert driver is not None
    for part in parts:
        for event in [part] if isinstance(part, events.Paste) else map(key_event, part):
            event.set_sender(pilot.app)
            driver.send_message(event)


@pytest.fixture
def many_files(emulator: RunningEmulator) -> None:
    for n in range(30):
        folder = "outputs" if n % 3 == 0 else "data"
        suffix = "md" if n % 2 == 0 else "csv"
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, f"{folder}/board-{n:03}.{suffix}", content=b"x"
        )


def filter_box(screen: BrowserScreen) -> Input:
    return screen.query_one("#filter", Input)


async def filter_shows(pilot: Pilot[int], screen: BrowserScreen, text: str) -> None:
    await wait_until(pilot, lambda: filter_box(screen).value == text, f"filter = {text!r}")
    await pilot.pause()


@pytest.mark.parametrize(
    "typed",
    [
        "x",  # opened "Delete 1 file?"
        "board",  # marked everything (a) and reloaded (r)
        r"re:^outputs/.*\.md$",  # lost "re:^o"
    ],
)
async def test_keys_right_after_slash_go_to_the_filter(
    app: OrbrowseApp, many_files: None, typed: str
) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        pages = screen.pages_loaded
        burst(pilot, "/" + typed)
        await filter_shows(pilot, screen, typed)
        assert app.screen is screen, "a dialog opened"
        assert screen.files.marked_count == 0
        assert screen.pages_loaded == pages, "the listing was reloaded"
        assert filter_box(screen).has_focus
        assert app.type_ahead.holding == 0


async def test_a_paste_right_after_slash_goes_to_the_filter(
    app: OrbrowseApp, many_files: None
) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        burst(pilot, "/", events.Paste("re:board-0"), "0")
        await filter_shows(pilot, screen, "re:board-00")
        assert len(screen.files.view) == 10


async def test_the_typed_count_is_not_lost(app: OrbrowseApp, many_files: None) -> None:
    async with browsing(app, size=(120, 40)) as (pilot, _):
        burst(pilot, "ax30")
        dialog = await screen_shown(pilot, ConfirmDeleteDialog)
        typed = dialog.query_one("#typed-count", Input)
        await wait_until(pilot, lambda: typed.value == "30", "the count typed")
        assert app.type_ahead.holding == 0


async def test_the_typed_count_and_enter_in_one_burst_delete(
    make_app: AppFactory, many_files: None, emulator: RunningEmulator
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0)
    async with browsing(app, size=(120, 40)) as (pilot, _):
        # Focus starts on Cancel: the digits move it to the count field, Enter must follow.
        burst(pilot, "ax30\r")
        await wait_until(
            pilot, lambda: not emulator.store.files(DEFAULT_WORKSPACE_ID), "all 30 deleted"
        )


async def test_the_upload_path_gets_the_keys(
    app: OrbrowseApp, many_files: None, downloads: object
) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, _):
        burst(pilot, "ureport.txt")
        dialog = await screen_shown(pilot, UploadDialog)
        path = dialog.query_one("#path", Input)
        await wait_until(pilot, lambda: path.value.endswith("/report.txt"), "the path typed")


async def test_the_download_folder_gets_the_keys(
    app: OrbrowseApp, emulator: RunningEmulator
) -> None:
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "chart.png", size_bytes=10, downloadable=True)
    async with browsing(app, size=(120, 30)) as (pilot, _):
        burst(pilot, "d/sub")
        dialog = await screen_shown(pilot, DownloadDialog)
        folder = dialog.query_one("#folder", Input)
        await wait_until(pilot, lambda: folder.value.endswith("/sub"), "the folder typed")


async def test_the_workspace_picker_filter_gets_the_keys(app: OrbrowseApp) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, _):
        burst(pilot, "wOth")
        picker = await screen_shown(pilot, WorkspacePicker)
        box = picker.query_one("#workspace-filter", Input)
        await wait_until(pilot, lambda: box.value == "Oth", "the picker filter typed")


async def test_keys_after_an_opening_key_that_opens_nothing_are_not_lost(
    app: OrbrowseApp, many_files: None
) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        # The filter is already open and focused: "/" is text there, not an opening key.
        burst(pilot, "/")
        await wait_until(pilot, lambda: filter_box(screen).has_focus, "the filter focused")
        burst(pilot, "a/b")
        await filter_shows(pilot, screen, "a/b")
        assert app.type_ahead.holding == 0


async def test_keys_after_enter_in_the_filter_go_to_the_table(
    app: OrbrowseApp, many_files: None
) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        burst(pilot, "/outputs\rA")  # A: mark the files the filter shows
        await wait_until(pilot, lambda: screen.files.marked_count == 10, "10 marked")
        assert filter_box(screen).value == "outputs"
        assert screen.table.has_focus


@pytest.mark.parametrize("opening", ["o", "\r"])  # Enter previews a file too (flat view)
async def test_q_right_after_opening_the_preview_closes_the_preview_not_the_app(
    app: OrbrowseApp, many_files: None, opening: str
) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        burst(pilot, f"{opening}qj")  # q in the browser quits; j shows the burst was handled
        await wait_until(pilot, lambda: screen.table.cursor_row == 1, "j moved the cursor")
        assert app.is_running
        assert app.screen is screen


@pytest.mark.parametrize("opening", ["\r", "l"])
async def test_keys_right_after_opening_a_folder_move_in_the_folder_it_opened(
    make_app: AppFactory, many_files: None, opening: str
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders")
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        burst(pilot, f"{opening}jj")  # data/ is the first row: open it, then two rows down
        await wait_until(pilot, lambda: screen.table.cursor_row == 2, "j j in data/")
        assert screen.folder_rows is not None and screen.folder_rows.path == "data/"
        assert app.type_ahead.holding == 0


async def test_keys_right_after_going_up_act_in_the_folder_above(
    make_app: AppFactory, many_files: None
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders")
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        burst(pilot, "jl")  # into outputs/, the second folder
        await wait_until(pilot, lambda: screen.table.cursor_folder is None, "in outputs/")
        burst(pilot, "hk ")  # up (the cursor back on outputs/), up to data/, mark data/
        await wait_until(pilot, lambda: screen.files.marked_count == 20, "data/'s 20 marked")
        assert screen.folder_rows is not None and screen.folder_rows.path == ""


async def test_a_burst_of_letters_on_the_open_picker_all_reach_its_filter(
    app: OrbrowseApp,
) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, _):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        box = picker.query_one("#workspace-filter", Input)
        await pilot.pause()
        burst(pilot, "othj")  # used to keep only "o": the letter that started the filter
        await wait_until(pilot, lambda: box.value == "othj", "the picker filter typed")

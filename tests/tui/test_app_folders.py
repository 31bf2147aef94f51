"""The folder view: default when names hold a ``/``, open and up with the cursor restored,
the breadcrumb, "≥" totals until the listing is complete, the f toggle, marking a folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.listing.folders import Folder
from orbrowse.tui.dialogs import DownloadDialog
from orbrowse.tui.screens.browser import BrowserScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browser,
    browser_ready,
    browsing,
    close_report,
    deletion_reported,
    screen_shown,
    screen_text,
    settle,
    status_of,
    table_of,
    visible_rows,
    wait_until,
)
from tests.tui.conftest import AppFactory

CREATED = datetime(2026, 10, 1, tzinfo=UTC)
FILLER = 1500
NAMES = [
    "data/exports/sales-1.csv",
    "runs/2025/a.txt",
    "top.txt",
    "data/exports/sales-2.csv",
    "data/raw.bin",
    "runs/2025/b.txt",
    "runs/2026/c.txt",
    "weird//empty-segment.txt",
    "data/exports/q1/deep.csv",
]


def add_tree(
    emulator: RunningEmulator, names: list[str], *, downloadable: bool = False
) -> list[StoredFile]:
    """The files ``names`` in this order, an hour apart, the n-th of 10 × (n + 1) bytes."""
    return [
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID,
            name,
            content=b"x" * (10 * (n + 1)),
            created_at=CREATED + timedelta(hours=n),
            downloadable=downloadable,
        )
        for n, name in enumerate(names)
    ]


@pytest.fixture
def tree(emulator: RunningEmulator) -> list[StoredFile]:
    return add_tree(emulator, NAMES)


@pytest.fixture
def long_tree(emulator: RunningEmulator, tree: list[StoredFile]) -> list[StoredFile]:
    """The tree, then more files than the flat view loads at first, then one more data/ file."""
    store = emulator.store
    filler = [
        store.add_file(DEFAULT_WORKSPACE_ID, f"fill/f-{n:04}.txt", content=b"f")
        for n in range(FILLER)
    ]
    late = store.add_file(DEFAULT_WORKSPACE_ID, "data/late.csv", content=b"late")
    return [*tree, *filler, late]


async def at_the_root_with_the_listing_stopped(
    pilot: Pilot[int], emulator: RunningEmulator
) -> BrowserScreen:
    """From the flat view's first pages: the folder view at the root, its listing stopped by
    a failing server (so what is listed stays partial), the cursor on data/."""
    screen = await browser_ready(pilot)
    emulator.faults.fail_next(503, method="GET", path_contains="/files", count=50)
    await pilot.press("f")  # opens data/exports/, the first file's folder
    await settle(pilot)
    await pilot.press("h", "h")
    assert screen.load_error is not None and cursor_name(pilot.app) == "data/"
    return screen


def breadcrumb(app: object) -> str:
    from textual.app import App
    from textual.widgets import Static

    assert isinstance(app, App)
    return str(browser(app).query_one("#breadcrumb", Static).render())


def cursor_name(app: object) -> str:
    from textual.app import App

    assert isinstance(app, App)
    row = table_of(app).cursor_row_object
    if isinstance(row, Folder):
        return row.path
    assert row is not None
    return row.filename


async def test_names_with_a_slash_open_the_folder_view_at_the_root(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with browsing(app, size=(140, 30)) as (_pilot, _):
        rows = visible_rows(app)
        names = [row.split()[0] for row in rows]
        assert names == ["data/", "runs/", "weird/", "top.txt"], rows
        assert breadcrumb(app) == "/"
        data = rows[0]
        assert "4 files" in data and "≥" not in data  # everything is listed
        assert "█" in data  # the largest sibling: a full bar


async def test_open_and_go_up_keep_the_cursor_and_the_breadcrumb(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with browsing(app, size=(140, 30)) as (pilot, _):
        await pilot.press("j")  # runs/
        await pilot.press("l")
        assert breadcrumb(app) == "/ runs /"
        assert [r.split()[0] for r in visible_rows(app)] == ["2025/", "2026/"]
        await pilot.press("j", "enter")  # 2026/ with Enter
        assert breadcrumb(app) == "/ runs / 2026 /"
        assert [r.split()[0] for r in visible_rows(app)] == ["c.txt"]
        await pilot.press("backspace")
        assert breadcrumb(app) == "/ runs /"
        assert cursor_name(app) == "runs/2026/"
        await pilot.press("h")
        assert breadcrumb(app) == "/" and cursor_name(app) == "runs/"
        await pilot.press("left")  # at the root: nothing above
        assert breadcrumb(app) == "/" and cursor_name(app) == "runs/"
        await pilot.press("G")
        assert cursor_name(app) == "top.txt"
        await pilot.press("g", "right", "right")  # data/, then exports/ (folders first)
        assert breadcrumb(app) == "/ data / exports /"
        assert [r.split()[0] for r in visible_rows(app)] == ["q1/", "sales-1.csv", "sales-2.csv"]


async def test_a_deep_folders_breadcrumb_shows_where_you_are_at_60_columns(
    make_app: AppFactory, emulator: RunningEmulator
) -> None:
    # 13 folders down, the path above the table read "/ deep / level-with-a-rather-long-
    # name-0 /": cut at its end, it named the second folder, not the one open.
    levels = [f"level-with-a-rather-long-name-{n}" for n in range(12)]
    add_tree(emulator, ["/".join(["deep", *levels, "file.txt"]), "top.txt"])
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders")
    async with browsing(app, size=(60, 15)) as (pilot, _):
        await pilot.press(*"l" * 13)
        await settle(pilot)
        assert [r.split()[0] for r in visible_rows(app)] == ["file.txt"]
        shown = breadcrumb(app)
        assert shown == "/ … / level-with-a-rather-long-name-11 /", shown
        await pilot.press("h")
        assert breadcrumb(app).endswith(" / level-with-a-rather-long-name-10 /")
        await pilot.press(*"h" * 10)  # room again: the whole path
        assert breadcrumb(app) == "/ deep / level-with-a-rather-long-name-0 /"


async def test_d_on_a_folder_at_60x15_opens_on_the_title_and_the_folder_field(
    make_app: AppFactory, emulator: RunningEmulator
) -> None:
    # The dialog opened scrolled down, centred by Textual (animated) on the focused field by
    # the layout before the compact switch: the title, "Save into folder" and the field that
    # took what was typed were out of view.
    add_tree(emulator, [f"outputs/chart-{n:02d}.png" for n in range(20)], downloadable=True)
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders")
    async with browsing(app, size=(60, 15)) as (pilot, _):
        await pilot.press("d")
        dialog = await screen_shown(pilot, DownloadDialog)
        await pilot.pause(0.5)  # past any animated scroll
        assert dialog.query_one("#folder", Input).has_focus
        shown = screen_text(app)
        for line in ("Download 20 files", "Save into folder", "Keep folders"):
            assert line in shown, shown
        await pilot.press("tab", "tab", "tab")  # on to the buttons: they come into view
        await pilot.pause(0.5)
        assert "Download" in screen_text(app).splitlines()[-2]


async def test_an_empty_segment_is_a_folder_of_its_own(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with browsing(app, size=(140, 30)) as (pilot, _):
        await pilot.press("j", "j", "l")  # weird/
        assert [r.split()[0] for r in visible_rows(app)] == ['""/']
        await pilot.press("l")
        assert breadcrumb(app) == '/ weird / "" /'
        assert [r.split()[0] for r in visible_rows(app)] == ["empty-segment.txt"]


async def test_enter_on_a_file_still_previews_it(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    from orbrowse.tui.screens.preview import PreviewScreen

    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with browsing(app, size=(140, 30)) as (pilot, _):
        await pilot.press("G", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PreviewScreen), "the preview")


async def test_f_toggles_flat_and_folders_and_the_config_chooses(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", page_size=50)
    async with browsing(app, size=(140, 30)) as (pilot, _):
        assert visible_rows(app)[0].split()[0] == NAMES[0]
        assert not browser(app).query_one("#breadcrumb").display
        await pilot.press("j", "f")  # runs/2025/a.txt: its folder opens, the cursor on it
        assert breadcrumb(app) == "/ runs / 2025 /"
        assert cursor_name(app) == "runs/2025/a.txt"
        await pilot.press("h", "f")  # on the folder 2025/: flat, on its first file
        assert cursor_name(app) == "runs/2025/a.txt"
        assert table_of(app).folder_rows is None


async def test_without_a_slash_auto_stays_flat(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    for n in range(3):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"plain-{n}.txt", content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with browsing(app, size=(140, 30)) as (_pilot, _):
        assert table_of(app).folder_rows is None
        assert "plain-0.txt" in visible_rows(app)[0]


async def test_totals_read_at_least_until_the_listing_is_complete(
    emulator: RunningEmulator, make_app: AppFactory, long_tree: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", page_size=50)
    async with browsing(app, size=(140, 30)) as (pilot, screen):
        assert screen.has_more and long_tree[-1].id not in screen.files
        await pilot.press("h")  # nothing above in the flat view
        emulator.faults.fail_next(503, method="GET", path_contains="/files", count=50)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("h", "h")  # from data/exports/ up to the root
        assert screen.load_error is not None
        rows = visible_rows(app)
        data = next(r for r in rows if r.split()[0] == "data/")
        assert "≥4 files" in data and data.split("data/")[1].split()[0].startswith("≥"), data
        emulator.faults.clear()
        await pilot.press("r")  # goes on from where it stopped, to the end
        await wait_until(pilot, lambda: not screen.has_more, "the whole listing")
        await settle(pilot)
        rows = visible_rows(app)
        assert not any("≥" in r for r in rows), rows
        data = next(r for r in rows if r.split()[0] == "data/")
        assert " 5 files" in data
        assert "listing:" not in status_of(app)


async def test_the_folder_view_lists_to_the_end_and_says_so(
    emulator: RunningEmulator, make_app: AppFactory, tree: list[StoredFile]
) -> None:
    emulator.faults.latency_ms = 150
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders", page_size=3)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(
            pilot, lambda: "listing:" in status_of(app) and "of ? files" in status_of(app)
        )
        await wait_until(pilot, lambda: not browser(app).has_more, "the whole listing")
        await settle(pilot)
        assert browser(app).files.loaded_count == len(NAMES)


async def test_marking_a_folder_marks_files_listed_later(
    emulator: RunningEmulator, make_app: AppFactory, long_tree: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", page_size=50)
    async with app.run_test(size=(140, 30)) as pilot:
        screen = await at_the_root_with_the_listing_stopped(pilot, emulator)
        assert cursor_name(app) == "data/"
        await pilot.press("space")
        assert screen.files.marked_count == 4  # the data/ files listed so far
        assert visible_rows(app)[0].startswith("●")
        emulator.faults.clear()
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.has_more, "the whole listing")
        await settle(pilot)
        expected = {f.id for f in long_tree if f.filename.startswith("data/")}
        assert len(expected) == 5
        assert screen.files.marked_ids == expected
        await pilot.press("k", "space")  # unmark the folder: every file under it
        assert screen.files.marked_count == 0


async def test_deleting_a_folder_waits_for_the_listing_and_deletes_only_it(
    emulator: RunningEmulator, make_app: AppFactory, long_tree: list[StoredFile]
) -> None:
    from textual.widgets import Input, Static

    from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
    from orbrowse.tui.dialogs.wait_listing import WaitForListingDialog
    from tests.tui.app_driver import screen_shown

    later = [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"data/exports/late-{n}.csv", content=b"l")
        for n in range(8)
    ]
    everything = [*long_tree, *later]
    doomed = {f.id for f in everything if f.filename.startswith("data/")}
    assert len(doomed) == 13
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", undo_seconds=0, page_size=50)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await at_the_root_with_the_listing_stopped(pilot, emulator)
        assert cursor_name(app) == "data/" and screen.has_more
        await pilot.press("x")
        wait = await screen_shown(pilot, WaitForListingDialog)
        await wait_until(pilot, lambda: "stopped" in str(wait.query_one("#progress").render()))
        progress = str(wait.query_one("#progress", Static).render())
        assert f"listing… {screen.files.loaded_count:,} files so far" in progress
        emulator.faults.clear()
        await pilot.press("r")  # go on listing: the confirmation follows once it is complete
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert not screen.has_more
        assert {f.id for f in confirm.files} == doomed
        folders = str(confirm.query_one("#folders", Static).render())
        assert "folder data/" in folders and "13 files" in folders
        assert "Type 13 to confirm" in str(confirm.query_one("#type-prompt", Static).render())
        confirm.query_one("#typed-count", Input).focus()
        await pilot.press("1", "3", "enter")
        await deletion_reported(pilot)
        await close_report(pilot, screen)
        left = {f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)}
        assert left == {f.id for f in everything} - doomed
        assert [r.split()[0] for r in visible_rows(app)][:3] == ["fill/", "runs/", "weird/"]


async def test_cancelling_the_wait_deletes_nothing(
    emulator: RunningEmulator, make_app: AppFactory, long_tree: list[StoredFile]
) -> None:
    from orbrowse.tui.dialogs.wait_listing import WaitForListingDialog
    from tests.tui.app_driver import screen_shown

    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", undo_seconds=0, page_size=50)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await at_the_root_with_the_listing_stopped(pilot, emulator)
        await pilot.press("x")
        await screen_shown(pilot, WaitForListingDialog)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back in the browser")
        await settle(pilot)
        assert len(emulator.store.files(DEFAULT_WORKSPACE_ID)) == len(long_tree)
        assert not any(r.method == "DELETE" for r in emulator.faults.requests)


HOSTILE = [
    "exports/2026/a.csv",
    "exports/2026/b.csv",
    "exports/top.txt",
    "exports/../../escape.txt",
    "exports//empty-segment.txt",
    "exports/./dot.txt",
    "other/not-this.txt",
]


def local_segment(segment: str) -> str:
    return "_" if segment in ("", ".", "..") else segment


async def test_downloading_a_folder_recreates_its_tree_safely(
    emulator: RunningEmulator, make_app: AppFactory, downloads: Path
) -> None:
    from textual.widgets import Checkbox

    from orbrowse.tui.dialogs.download import DownloadDialog
    from tests.tui.app_driver import screen_shown

    stored = [
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, name, content=f"body {n}".encode(), downloadable=True
        )
        for n, name in enumerate(HOSTILE)
    ]
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with browsing(app, size=(140, 40)) as (pilot, _):
        assert cursor_name(app) == "exports/"
        await pilot.press("d")
        dialog = await screen_shown(pilot, DownloadDialog)
        assert dialog.query_one("#keep-folders", Checkbox).value
        await pilot.click("#download")
        await settle(pilot)
    wanted = {
        "/".join(local_segment(s) for s in f.filename.split("/")): f"body {n}".encode()
        for n, f in enumerate(stored)
        if f.filename.startswith("exports/")
    }
    written = {
        path.relative_to(downloads).as_posix(): path.read_bytes()
        for path in downloads.rglob("*")
        if path.is_file()
    }
    assert written == wanted
    assert not (downloads.parent / "escape.txt").exists()


async def test_several_marked_files_offer_keep_folders_off_by_default(
    emulator: RunningEmulator, make_app: AppFactory, downloads: Path
) -> None:
    from textual.widgets import Checkbox

    from orbrowse.tui.dialogs.download import DownloadDialog
    from tests.tui.app_driver import screen_shown

    for n, name in enumerate(HOSTILE[:3]):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, content=b"%d" % n, downloadable=True)
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", page_size=50)
    async with browsing(app, size=(140, 40)) as (pilot, _):
        await pilot.press("a", "d")
        dialog = await screen_shown(pilot, DownloadDialog)
        box = dialog.query_one("#keep-folders", Checkbox)
        assert not box.value
        box.value = True
        await pilot.click("#download")
        await settle(pilot)
    written = sorted(p.relative_to(downloads).as_posix() for p in downloads.rglob("*.*"))
    assert written == ["exports/2026/a.csv", "exports/2026/b.csv", "exports/top.txt"]


async def test_copy_on_a_folder_copies_the_ids_of_every_file_under_it(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with browsing(app, size=(140, 30)) as (pilot, _):
        await pilot.press("j", "y")  # runs/
        await settle(pilot)
        expected = {f.id for f in tree if f.filename.startswith("runs/")}
        assert set(app.clipboard.split("\n")) == expected


async def test_a_range_and_a_sort_in_the_folder_view(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with browsing(app, size=(140, 30)) as (pilot, screen):
        await pilot.press("V", "j", "V")  # data/ and runs/: every file under both
        expected = {f.id for f in tree if f.filename.startswith(("data/", "runs/"))}
        assert screen.files.marked_ids == expected
        assert [r.startswith("●") for r in visible_rows(app)] == [True, True, False, False]
        await pilot.press("c", "S")  # reverse sort: by date, newest first (folders too)
        assert [r.split()[0] for r in visible_rows(app)][:3] == ["data/", "weird/", "runs/"]
        await pilot.press("s")  # the next column after created: downloadable; folders by name
        assert [r.split()[0] for r in visible_rows(app)][:3] == ["data/", "runs/", "weird/"]


async def test_an_untouched_cursor_stays_on_the_first_row_as_folders_arrive(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # The first page holds only m/; a/ comes later and sorts above it. A user who has not
    # moved is at the top of the list, and stays there (the cursor used to follow m/ down).
    for name in ["m/1.txt", "m/2.txt", "m/3.txt", "a/1.txt"]:
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders", page_size=3)
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(pilot, lambda: not browser(app).has_more, "the whole listing")
        await settle(pilot)
        assert [row.split()[0] for row in visible_rows(app)] == ["a/", "m/"]
        assert cursor_name(app) == "a/"
        await pilot.press("j")
        assert cursor_name(app) == "m/"


async def test_moves_typed_before_the_first_rows_keep_the_flat_view_and_are_carried_out(
    emulator: RunningEmulator, make_app: AppFactory, tree: list[StoredFile]
) -> None:
    # Over a slow link the user types j j j before any row is shown. The cursor is no longer
    # untouched, so "auto" stays flat (the folder view would drop the moves: the cursor was
    # found on the folder view's first row), and the three moves are made when rows come.
    emulator.faults.hold()
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="auto")
    async with app.run_test(size=(140, 30)) as pilot:
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, BrowserScreen) and emulator.faults.held > 0,
            "the browser waiting for its first page",
        )
        await pilot.press("j", "j", "j")
        emulator.faults.release()
        await wait_until(pilot, lambda: not browser(app).has_more, "the whole listing")
        await settle(pilot)
        table = table_of(app)
        assert table.folder_rows is None, "the flat view"
        assert table.cursor_row == 3, "no press lost"

"""The folder view under a filter and "only marked": what you see is what you act on.

Only the folders holding a match show, with the totals of their matches; the cursor goes to
the first row shown when its own row goes; an open folder without a match says so; x, y, d
and space on a folder act on its matches only (also those listed later), and a delete from
a filtered folder view leaves every other file on the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from textual.pilot import Pilot

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.screens.browser import BrowserScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browser_ready,
    browsing,
    close_report,
    deletion_reported,
    screen_shown,
    screen_text,
    settle,
    status_of,
    visible_rows,
    wait_until,
)
from tests.tui.conftest import AppFactory
from tests.tui.test_app_folders import add_tree, breadcrumb, cursor_name

NAMES = [
    "README.md",  # first listed: the flat view's first file sits at the root
    "assets/icons/logo-1.png",
    "assets/icons/logo-2.png",
    "assets/icons/logo-3.png",
    "assets/banner.png",
    "docs/README.md",
    "docs/spec.pdf",
    "docs/guide/readme-2.md",
    "notes/readme-3.md",
    "notes/todo.txt",
    "top.txt",
]
FILLER = 1500
LATE = ["docs/late-readme.md", "docs/late.txt", "assets/late.png"]


@asynccontextmanager
async def folder_view(
    make_app: AppFactory, size: tuple[int, int] = (140, 30)
) -> AsyncIterator[tuple[OrbrowseApp, Pilot[int], BrowserScreen]]:
    """The app on the default workspace in the folder view, its listing settled."""
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="folders")
    async with browsing(app, size=size) as (pilot, screen):
        await settle(pilot)
        yield app, pilot, screen


def row_names(app: object) -> list[str]:
    from textual.app import App

    assert isinstance(app, App)
    return [row.lstrip("● ").split()[0] for row in visible_rows(app)]


def row_of(app: object, name: str) -> str:
    from textual.app import App

    assert isinstance(app, App)
    return next(row for row in visible_rows(app) if row.lstrip("● ").split()[0] == name)


@pytest.fixture
def tree(emulator: RunningEmulator) -> list[StoredFile]:
    return add_tree(emulator, NAMES, downloadable=True)


@pytest.fixture
def long_tree(emulator: RunningEmulator, tree: list[StoredFile]) -> list[StoredFile]:
    """The tree, more files than the first pages hold, then a match and two other files
    under docs/ and assets/ that are listed last."""
    store = emulator.store
    filler = [
        store.add_file(DEFAULT_WORKSPACE_ID, f"fill/f-{n:04}.txt", content=b"f")
        for n in range(FILLER)
    ]
    late = [store.add_file(DEFAULT_WORKSPACE_ID, name, content=b"late") for name in LATE]
    return [*tree, *filler, *late]


async def folders_with_the_listing_stopped(
    pilot: Pilot[int], emulator: RunningEmulator
) -> BrowserScreen:
    """The folder view at the root after the flat view's first page, its listing stopped by
    a failing server (the late files not listed)."""
    screen = await browser_ready(pilot)
    emulator.faults.fail_next(503, method="GET", path_contains="/files", count=50)
    await pilot.press("f")  # the first file's folder: the root
    await settle(pilot)
    assert screen.load_error is not None and screen.has_more
    assert breadcrumb(pilot.app) == "/"
    return screen


async def test_a_filter_shows_only_the_folders_holding_a_match_with_their_match_totals(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    async with folder_view(make_app) as (app, pilot, _):
        assert row_names(app) == ["assets/", "docs/", "notes/", "README.md", "top.txt"]
        assert cursor_name(app) == "assets/"
        await pilot.press("slash", *"readme", "enter")
        assert row_names(app) == ["docs/", "notes/", "README.md"]
        assert cursor_name(app) == "docs/", "the cursor's folder holds no match: the first row"
        assert "2 of 3 files" in row_of(app, "docs/")
        assert "1 of 2 files" in row_of(app, "notes/")
        # The size is the matches' (60 + 80 bytes), not the folder's (70 more for spec.pdf).
        assert "140 Bytes" in row_of(app, "docs/")
        assert "4 match of all 11 (filter readme)" in status_of(app)
        assert "2 of 3 match readme (any depth)" in screen_text(app)  # the detail pane
        await pilot.press("escape")  # back to the table, then clear the filter
        await pilot.press("slash", "escape")
        assert row_names(app) == ["assets/", "docs/", "notes/", "README.md", "top.txt"]
        assert " 3 files" in row_of(app, "docs/") and " of " not in row_of(app, "docs/")


async def test_the_cursor_stays_on_its_folder_while_it_is_shown(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    async with folder_view(make_app) as (app, pilot, _):
        await pilot.press("j", "j")
        assert cursor_name(app) == "notes/"
        await pilot.press("slash", *"readme", "enter")
        assert cursor_name(app) == "notes/"


async def test_an_open_folder_without_a_match_says_so_and_h_goes_up(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    async with folder_view(make_app) as (app, pilot, _):
        await pilot.press("l", "l")  # assets/, then icons/
        assert breadcrumb(app) == "/ assets / icons /"
        await pilot.press("slash", *"readme", "enter")
        assert breadcrumb(app) == "/ assets / icons /"
        assert [r.strip() for r in visible_rows(app)] == ["No match in /assets/icons/ for readme"]
        await pilot.press("h")
        assert breadcrumb(app) == "/ assets /"
        assert [r.strip() for r in visible_rows(app)] == ["No match in /assets/ for readme"]
        await pilot.press("h")
        assert breadcrumb(app) == "/" and cursor_name(app) == "docs/"
        await pilot.press("x")  # on docs/: its matches only
        from textual.widgets import Static

        from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog

        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        names = sorted(f.filename for f in confirm.files)
        assert names == ["docs/README.md", "docs/guide/readme-2.md"]
        folders = str(confirm.query_one("#folders", Static).render())
        assert "folder docs/  2 files matching readme" in folders, folders


async def test_deleting_a_folder_under_a_filter_deletes_its_matches_only_also_later_ones(
    emulator: RunningEmulator, make_app: AppFactory, long_tree: list[StoredFile]
) -> None:
    from textual.widgets import Static

    from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
    from orbrowse.tui.dialogs.wait_listing import WaitForListingDialog

    doomed = {
        f.id for f in long_tree if f.filename.startswith("docs/") and "readme" in f.filename.lower()
    }
    assert len(doomed) == 3
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", undo_seconds=0, page_size=50)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await folders_with_the_listing_stopped(pilot, emulator)
        await pilot.press("slash", *"readme", "enter")
        assert cursor_name(app) == "README.md", "still shown: the cursor stays"
        await pilot.press("g")
        assert cursor_name(app) == "docs/"
        await pilot.press("x")
        await screen_shown(pilot, WaitForListingDialog)
        emulator.faults.clear()
        await pilot.press("r")  # go on listing: the confirmation follows once it is complete
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert not screen.has_more
        assert {f.id for f in confirm.files} == doomed, "the late match too, nothing else"
        folders = str(confirm.query_one("#folders", Static).render())
        assert "folder docs/  3 files matching readme" in folders, folders
        await pilot.click("#delete")
        await deletion_reported(pilot)
        await close_report(pilot, screen)
        left = {f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)}
        assert left == {f.id for f in long_tree} - doomed
        assert {"docs/spec.pdf", "docs/late.txt"} <= {
            f.filename for f in emulator.store.files(DEFAULT_WORKSPACE_ID)
        }
        assert row_names(app) == ["notes/", "README.md"], "docs/ holds no match any more"


async def test_marking_a_folder_under_a_filter_marks_its_matches_also_those_listed_later(
    emulator: RunningEmulator, make_app: AppFactory, long_tree: list[StoredFile]
) -> None:
    from textual.widgets import Static

    from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog

    matches = {
        f.id for f in long_tree if f.filename.startswith("docs/") and "readme" in f.filename.lower()
    }
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", undo_seconds=0, page_size=50)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await folders_with_the_listing_stopped(pilot, emulator)
        await pilot.press("slash", *"readme", "enter", "g", "space")  # on docs/
        assert screen.files.marked_count == 2  # the matches listed so far
        assert row_of(app, "docs/").startswith("●")
        emulator.faults.clear()
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.has_more, "the whole listing")
        await settle(pilot)
        assert screen.files.marked_ids == matches, "the late match marked, late.txt not"
        await pilot.press("slash", "escape")  # no filter: docs/ is not marked whole
        assert not row_of(app, "docs/").startswith("●")
        assert "3 marked" in status_of(app)
        await pilot.press("x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert {f.id for f in confirm.files} == matches
        folders = str(confirm.query_one("#folders", Static).render())
        assert "folder docs/  3 files matching readme" in folders, folders
        await pilot.click("#delete")
        await deletion_reported(pilot)
        left = {f.id for f in emulator.store.files(DEFAULT_WORKSPACE_ID)}
        assert left == {f.id for f in long_tree} - matches


async def test_unmarking_a_folder_under_a_filter_unmarks_its_matches_only(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    async with folder_view(make_app) as (app, pilot, screen):
        await pilot.press("j", "space", "k")  # docs/ marked whole: its 3 files
        assert screen.files.marked_count == 3
        await pilot.press("slash", *"readme", "enter")
        assert cursor_name(app) == "docs/" and row_of(app, "docs/").startswith("●")
        await pilot.press("space")  # unmark what it shows: the two matches
        assert [f.filename for f in screen.files.marked_files] == ["docs/spec.pdf"]
        assert "1 hidden by the filter" in status_of(app)


async def test_copy_and_download_on_a_folder_under_a_filter_take_its_matches_only(
    make_app: AppFactory, tree: list[StoredFile], downloads: object
) -> None:
    from pathlib import Path

    from orbrowse.tui.dialogs.download import DownloadDialog

    assert isinstance(downloads, Path)
    async with folder_view(make_app) as (app, pilot, _):
        await pilot.press("slash", *"readme", "enter", "y")
        await settle(pilot)
        expected = {
            f.id for f in tree if f.filename.startswith("docs/") and "readme" in f.filename.lower()
        }
        assert set(app.clipboard.split("\n")) == expected
        await pilot.press("d")
        dialog = await screen_shown(pilot, DownloadDialog)
        assert {f.id for f in dialog.files} == expected


async def test_only_marked_shows_the_folders_holding_a_mark(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    async with folder_view(make_app) as (app, pilot, screen):
        await pilot.press("j", "j", "l", "j", "space")  # notes/todo.txt
        await pilot.press("h", "G", "k", "space")  # README.md at the root
        assert screen.files.marked_count == 2
        await pilot.press("m")
        assert row_names(app) == ["notes/", "README.md"]
        assert "1 of 2 files" in row_of(app, "notes/")
        assert cursor_name(app) == "notes/"
        await pilot.press("l")
        assert row_names(app) == ["todo.txt"]
        await pilot.press("space")  # unmarked: it leaves the view
        assert "No marked file in /notes/" in screen_text(app)


async def test_the_confirmation_names_a_folders_filter_only_when_every_file_matches_it(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    from textual.widgets import Static

    from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog

    async with folder_view(make_app) as (_, pilot, screen):
        await pilot.press("slash", *"readme", "enter", "space")  # docs/: its two matches
        await pilot.press("slash", "escape", "g", "j", "l")  # no filter; into docs/
        await pilot.press("j", "j", "space")  # spec.pdf too, on its own (after guide/, README)
        assert {f.filename for f in screen.files.marked_files} == {
            "docs/README.md",
            "docs/guide/readme-2.md",
            "docs/spec.pdf",
        }
        await pilot.press("x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        folders = str(confirm.query_one("#folders", Static).render())
        assert "folder docs/  3 files, " in folders and "matching" not in folders, folders


async def test_at_60_columns_a_folder_row_still_shows_its_count_of_matches(
    make_app: AppFactory, tree: list[StoredFile]
) -> None:
    async with folder_view(make_app, size=(60, 15)) as (app, pilot, _):
        assert " 3 files" in row_of(app, "docs/")
        await pilot.press("slash", *"readme", "enter")
        assert "2 of 3 files" in row_of(app, "docs/")

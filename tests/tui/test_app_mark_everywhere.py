"""Select across the whole workspace: M lists the pages not loaded yet and marks every file
the filter matches; Escape cancels. And the one rule: a filter never loads pages by itself."""

from __future__ import annotations

import asyncio

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.help import HelpScreen
from orbrowse.tui.screens.browser import BrowserScreen
from tests.cli import ls_all_ids
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browsing,
    notifications,
    screen_shown,
    settle,
    status_of,
    wait_until,
)
from tests.tui.conftest import FIXED_NOW, AppFactory

WORKSPACE_FILES = 20_000
FILTER = "re:^data/ >10KB"


@pytest.fixture
def big(emulator: RunningEmulator) -> int:
    """20,000 files put straight into the emulator's store (no requests, no latency)."""
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, WORKSPACE_FILES, now=FIXED_NOW)
    return WORKSPACE_FILES


async def filter_by(pilot: Pilot[int], browser: BrowserScreen, text: str) -> None:
    """``/``, the filter pasted in one go, Enter."""
    await pilot.press("slash")
    browser.filter_box.insert_text_at_cursor(text)
    await pilot.press("enter")
    await settle(pilot)
    assert browser.files.filter_text == text


async def test_mark_every_match_marks_exactly_what_ls_all_lists(
    emulator: RunningEmulator, make_app: AppFactory, api_key: str, big: int
) -> None:
    expected = await asyncio.to_thread(
        ls_all_ids, emulator.url, api_key, DEFAULT_WORKSPACE_ID, FILTER
    )
    assert 0 < len(expected) < big
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=100)
    async with browsing(app, size=(140, 40)) as (pilot, browser):
        pages, loaded = browser.pages_loaded, browser.files.loaded_count
        await filter_by(pilot, browser, FILTER)
        assert browser.pages_loaded == pages  # the filter loaded nothing by itself
        assert f"shown of {loaded:,} loaded (filter {FILTER})" in status_of(app)

        await pilot.press("M")
        await wait_until(pilot, lambda: browser.marking is None and not browser.fetching,
                         "every page listed and the matches marked")  # fmt: skip
        assert not browser.has_more and browser.files.loaded_count == big
        assert browser.files.marked_ids == expected
        said = f"{len(expected):,} files of {big:,} in the workspace match `{FILTER}`"
        assert f"{said}; all marked" in notifications(app)
        status = status_of(app)
        assert f"{len(expected):,} marked" in status
        assert f"{len(expected):,} shown of all {big:,} (filter {FILTER})" in status

        await pilot.press("x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert str(confirm.query_one("#scope", Static).content) == said
        await pilot.press("escape")
        await settle(pilot)
    assert len(emulator.store.files(DEFAULT_WORKSPACE_ID)) == big  # nothing was deleted


async def test_escape_cancels_the_background_listing_and_marks_nothing(
    emulator: RunningEmulator, make_app: AppFactory, big: int
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=100)
    async with browsing(app, size=(140, 40)) as (pilot, browser):
        await filter_by(pilot, browser, FILTER)
        emulator.faults.latency_ms = 100  # each page takes a moment: time to cancel
        palette = {command.title for command in browser.palette_commands()}
        assert "Mark every match in the workspace" in palette
        await pilot.press("M")
        await wait_until(pilot, lambda: browser.pages_loaded >= 3, "a few pages listed")
        assert "listing the workspace to mark every match" in status_of(app)
        assert "Cancel mark every match" in {c.title for c in browser.palette_commands()}
        await pilot.press("escape")
        await settle(pilot)
        assert browser.marking is None and not browser.fetching
        listed = browser.pages_loaded
        assert browser.has_more and listed < 20
        assert browser.files.marked_count == 0
        assert any("Mark every match cancelled: nothing was marked" in m
                   for m in notifications(app))  # fmt: skip
        await pilot.pause(0.3)  # three pages' time: nothing more is asked for
        assert browser.pages_loaded == listed
        assert "listing the workspace" not in status_of(app)
        assert "loaded (filter" in status_of(app)


async def test_the_filter_never_loads_pages_wherever_the_cursor_is(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # Before: with the cursor moved down, a filter that matched nothing listed the whole
    # workspace (30 pages of 3,000 files); with the cursor at the top it listed nothing.
    # (Any move of the cursor did it: the filter moved the cursor to row 0, the table
    # reported it near the end, and the browser loaded until it had rows below it.)
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 3000, now=FIXED_NOW)
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=100)
    async with browsing(app, size=(140, 40)) as (pilot, browser):
        await pilot.press(*"j" * 5)
        await settle(pilot)
        loaded = browser.pages_loaded
        await filter_by(pilot, browser, "zzz-no-such-file")
        await pilot.press("G", "j", "j")  # moving loads nothing either
        await settle(pilot)
        assert browser.pages_loaded == loaded and browser.has_more
        assert f"0 shown of {browser.files.loaded_count:,} loaded" in status_of(app)
        await pilot.press("question_mark")
        help_screen = await screen_shown(pilot, HelpScreen)
        assert "never loads pages by itself" in help_screen.note

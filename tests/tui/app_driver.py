"""Helpers for Pilot tests of the whole app: wait for screens and listings, read the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.pilot import Pilot
from textual.screen import Screen

from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.screens.browser import BrowserScreen
from orbrowse.tui.widgets.file_table import FileTable
from orbrowse.tui.widgets.status_line import StatusLine, status_text

MAX_POLLS = 500


async def wait_until(pilot: Pilot[int], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds (bounded: fails instead of hanging)."""
    for _ in range(MAX_POLLS):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


ScreenT = TypeVar("ScreenT", bound=Screen[Any])


async def screen_shown(pilot: Pilot[int], kind: type[ScreenT]) -> ScreenT:
    """Wait for a screen of ``kind`` to be on top and mounted."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), f"{kind.__name__} shown")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def settle(pilot: Pilot[int]) -> None:
    """Wait for every worker (listing, dialogs) to finish and the screen to catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def browser_ready(pilot: Pilot[int]) -> BrowserScreen:
    """Wait for the browser to be on top with its first listing done."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "browser shown")
    screen = pilot.app.screen
    assert isinstance(screen, BrowserScreen)
    await wait_until(
        pilot, lambda: screen.pages_loaded > 0 or screen.load_error is not None, "a page"
    )
    await settle(pilot)
    return screen


def browser(app: OrbrowseApp) -> BrowserScreen:
    screen = app.screen
    assert isinstance(screen, BrowserScreen), f"expected the browser, got {screen!r}"
    return screen


def table_of(app: OrbrowseApp) -> FileTable:
    return browser(app).query_one("#files", FileTable)


def status_of(app: OrbrowseApp) -> str:
    return status_text(browser(app).query_one(StatusLine).info)


def visible_rows(app: OrbrowseApp) -> list[str]:
    """The table's rendered lines below the header, as text (blank lines dropped)."""
    table = table_of(app)
    lines = [table.render_line(y).text for y in range(1, table.rows_in_view + 1)]
    return [line for line in lines if line.strip()]


def notifications(app: OrbrowseApp) -> list[str]:
    return [notification.message for notification in app._notifications]

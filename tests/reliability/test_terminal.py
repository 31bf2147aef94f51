"""Tiny terminals and Ctrl+C at any moment: no crash, and nothing abandoned unasked.

Ctrl+C quits (as in k9s, lazygit and ranger), but while a deletion or a transfer runs it
first asks, so a stray Ctrl+C never abandons a bulk delete halfway. The terminal being
restored afterwards was checked by hand in tmux.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs import ConfirmDeleteDialog, DownloadDialog
from orbrowse.tui.dialogs.help import HelpScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.reliability.conftest import AppFactory
from tests.tui.app_driver import browsing, screen_text, wait_until


def is_showing(app: OrbrowseApp, kind: type[Screen[Any]]) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, kind)


def add_files(emulator: RunningEmulator, count: int) -> None:
    for n in range(count):
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, f"file-{n:04d}.txt", size_bytes=n + 1, downloadable=n % 2 == 0
        )


async def test_resizing_to_20x5_and_back_in_every_screen_keeps_working(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    add_files(emulator, 300)
    app = make_app(page_size=50)
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        for opener, dialog in (("x", ConfirmDeleteDialog), ("d", DownloadDialog), ("?", None)):
            for size in ((20, 5), (1, 1), (120, 30), (20, 5)):
                await pilot.resize_terminal(*size)
                await pilot.pause()
                assert len(screen_text(app).split("\n")) == size[1]
            await pilot.resize_terminal(120, 30)
            await pilot.press(opener if opener != "?" else "question_mark")
            expected = dialog or HelpScreen
            await wait_until(pilot, is_showing(app, expected), f"{opener} opens")
            await pilot.resize_terminal(20, 5)
            await pilot.pause()
            await pilot.resize_terminal(120, 30)
            await pilot.pause()
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, "back to the browser")
        # Still browsing: moving down and loading more works after all that.
        before = screen.table.cursor_row
        await pilot.press("down", "down")
        assert screen.table.cursor_row == before + 2
        assert "file-0000.txt" in screen_text(app)


async def test_ctrl_c_at_any_moment_quits_cleanly_or_asks_while_deleting(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    add_files(emulator, 3000)
    emulator.faults.latency_ms = 30
    app = make_app(page_size=100, undo_seconds=0)
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        await pilot.press("slash", "f", "escape")
        await pilot.press("space", "space", "x")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDeleteDialog), "confirm")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "the browser again")
        assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 3000  # nothing deleted unasked
        await pilot.press("L", "ctrl+c")  # while loading everything: nothing to lose
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0

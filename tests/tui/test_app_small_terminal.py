"""The browser in a small terminal: the table keeps the rows, the detail pane yields."""

from __future__ import annotations

import pytest

from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.widgets.details import DetailsPane
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browsing, screen_text, table_of, wait_until


@pytest.fixture
def files(emulator: RunningEmulator) -> None:
    for n in range(30):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"file-{n:02d}.txt", content=b"x")


async def test_at_60x15_the_detail_pane_yields_to_the_table(app: OrbrowseApp, files: None) -> None:
    async with browsing(app, size=(60, 15)) as (pilot, screen):
        pane = screen.query_one(DetailsPane)
        column = screen.query_one("#details-column")  # the fields and the preview
        assert not column.display
        assert table_of(app).size.height >= 10  # header, status and footer take the rest
        await pilot.press("i")  # asked for: the pane comes back
        await pilot.pause()
        assert column.display and pane.size.height > 0


async def test_at_80x24_the_detail_pane_stays_under_the_table(
    app: OrbrowseApp, files: None
) -> None:
    async with browsing(app, size=(80, 24)) as (_, screen):
        pane = screen.query_one(DetailsPane)
        assert pane.display and pane.size.height > 0
        assert table_of(app).size.height >= 10


async def test_at_60x15_the_detail_pane_scrolls_to_what_does_not_fit(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    emulator.store.add_file(
        DEFAULT_WORKSPACE_ID, "reports/" + "long-name-" * 12 + ".pdf", content=b"x"
    )
    async with browsing(app, size=(60, 15)) as (pilot, screen):
        await pilot.press("i")
        await pilot.pause()
        assert "Download" not in screen_text(app)  # the name takes four lines: cut here
        fields = screen.query_one("#details-scroll")
        assert fields.max_scroll_y > 0
        await pilot.press("tab", "end")  # Tab reaches the fields; they scroll
        await wait_until(pilot, lambda: "Download" in screen_text(app), "the last field")
        assert fields.has_focus
        await pilot.press("shift+tab")  # and back to the table
        await wait_until(pilot, lambda: table_of(app).has_focus, "the table focused")

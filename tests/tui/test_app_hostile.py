"""Hostile filenames and workspace names: shown verbatim-visible, one line each, harmless."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static

from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from orbrowse.tui.widgets.details import DetailsPane
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browser, browser_ready, browsing, screen_shown, table_of
from tests.tui.conftest import AppFactory

HOSTILE = [
    ("[bold red]boom[/]", "[bold red]boom[/]"),
    ("\x1b[31mred.txt", "\\x1b[31mred.txt"),
    ("\x1b]52;c;ZXZpbA==\x07clip.txt", "\\x1b]52;c;ZXZpbA==\\x07clip.txt"),
    ("invoice\u202etxt.exe", "invoice⟨U+202E⟩txt.exe"),
    ("zero\u200bwidth.txt", "zero⟨U+200B⟩width.txt"),
    ("line\nbreak\r.txt", "line\\x0abreak\\x0d.txt"),
    ("L" * 255, "L" * 255),
    ("M" * 5000, "M" * 5000),
]
DANGEROUS = ("\x1b", "\x07", "\u202e", "\u200b", "\n", "\r")


@pytest.fixture
def hostile(emulator: RunningEmulator) -> list[StoredFile]:
    return [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, content=b"x") for name, _ in HOSTILE
    ]


async def test_table_rows_are_one_line_and_show_names_verbatim_visible(
    app: OrbrowseApp, hostile: list[StoredFile]
) -> None:
    async with browsing(app):
        table = table_of(app)
        width = table.scrollable_content_region.width
        name_width = next(c.width for c in table.columns if c.key == "filename")
        for y, (_, shown) in enumerate(HOSTILE, start=1):
            strip = table.render_line(y)
            assert strip.cell_length == width
            text = strip.text
            assert not any(char in text for char in DANGEROUS), repr(text)
            cell = text[2 : 2 + name_width]
            if len(shown) <= name_width:
                assert cell.rstrip() == shown
            else:
                assert cell == shown[: name_width - 1] + "…"
        # The markup was not interpreted: a row is drawn in one style, whatever its name says.
        for y in range(1, len(HOSTILE) + 1):
            assert len({segment.style for segment in table.render_line(y)}) == 1
        app.export_screenshot()  # the whole screen renders


async def test_detail_pane_shows_every_hostile_name_in_full(
    app: OrbrowseApp, hostile: list[StoredFile]
) -> None:
    async with browsing(app, size=(140, 40)) as (pilot, _):
        pane = browser(app).query_one(DetailsPane)
        for index, (_, shown) in enumerate(HOSTILE):
            if index:
                await pilot.press("j")
            await pilot.pause()
            rendered = pane.render()
            assert f"Name      {shown}\n" in rendered.plain
            assert not any(char in rendered.plain.replace("\n", "") for char in DANGEROUS)
            assert not rendered.spans or all("red" not in str(s.style) for s in rendered.spans)
            app.export_screenshot()


async def test_confirm_delete_lists_hostile_names_as_plain_text(
    app: OrbrowseApp, hostile: list[StoredFile]
) -> None:
    async with browsing(app, size=(140, 40)) as (pilot, _):
        await pilot.press("space", "space", "x")
        dialog = await screen_shown(pilot, ConfirmDeleteDialog)
        listed = str(dialog.query_one("#file-lines", Static).content)
        assert "[bold red]boom[/]" in listed
        assert "\\x1b[31mred.txt" in listed
        assert "\x1b" not in listed
        app.export_screenshot()


async def test_hostile_workspace_names_in_the_picker(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    emulator.store.add_workspace(
        "44444444-4444-4444-8444-444444444444", "[blink]evil[/]\x1b[2J\u202e", "s\x07lug"
    )
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        picker = await screen_shown(pilot, WorkspacePicker)
        options = picker.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        evil = next(label for label in labels if "evil" in label)
        assert "[blink]evil[/]\\x1b[2J⟨U+202E⟩" in evil
        assert "s\\x07lug" in evil
        assert not any(char in evil for char in DANGEROUS)
        app.export_screenshot()
        await pilot.press(*"evil", "enter")
        screen = await browser_ready(pilot)
        assert str(screen.title) == "[blink]evil[/]\\x1b[2J⟨U+202E⟩"
        app.export_screenshot()

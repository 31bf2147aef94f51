"""CopyMenu, HelpScreen and ConfirmDialog: pilot-driven, no network needed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from orbrowse.api.models import FileObject
from orbrowse.tui.dialogs import ConfirmDialog, CopyMenu, HelpScreen
from tests.tui.dialog_host import hosting, text_of

CREATED = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
ONE = FileObject("or_file_one", "docs/[bold]report[/].pdf", "application/pdf", 10, CREATED, True)
TWO = FileObject("or_file_two", "notes\x1b[2J.txt", "text/plain", 20, CREATED, False)


# -- CopyMenu ---------------------------------------------------------------------------------


async def test_copy_menu_accelerators_for_one_file() -> None:
    for key, expected in (
        ("i", "or_file_one"),
        ("f", "docs/[bold]report[/].pdf"),
        ("b", "or_file_one\tdocs/[bold]report[/].pdf"),
    ):
        async with hosting(CopyMenu([ONE])) as (pilot, app):
            await pilot.press(key)
            await pilot.pause()
        assert app.results == [expected]


async def test_copy_menu_shows_its_tab_as_a_mark_and_a_tab_in_a_name_escaped() -> None:
    tabbed = FileObject("or_file_tab", "a\tb.txt", "text/plain", 1, CREATED, False)
    async with hosting(CopyMenu([tabbed])) as (pilot, app):
        options = app.screen.query_one("#choices", OptionList)
        previews = [str(options.get_option_at_index(n).prompt) for n in range(3)]
        await pilot.press("b")
        await pilot.pause()
    assert previews[0].endswith("\n   or_file_tab")
    assert previews[1].endswith("\n   a\\x09b.txt")
    assert previews[2].endswith("\n   or_file_tab ⇥ a\\x09b.txt")
    assert app.results == ["or_file_tab\ta\tb.txt"]  # what is copied: real tabs


async def test_copy_menu_json_preview_shows_the_fields_not_a_lone_brace() -> None:
    async with hosting(CopyMenu([ONE])) as (pilot, app):
        options = app.screen.query_one("#choices", OptionList)
        preview = str(options.get_option_at_index(3).prompt).split("\n   ", 1)[1]
        await pilot.press("j")
        await pilot.pause()
    assert preview.startswith("{") and '"id": "or_file_one"' in preview
    assert preview.endswith("…")  # one line, cut
    assert json.loads(app.results[0] or "") == ONE.to_json()  # the copy stays whole


async def test_copy_menu_json_for_several_files_is_an_array() -> None:
    async with hosting(CopyMenu([ONE, TWO])) as (pilot, app):
        await pilot.press("down", "down", "down", "enter")  # the fourth option: JSON
        await pilot.pause()
    [text] = app.results
    assert text is not None
    assert json.loads(text) == [ONE.to_json(), TWO.to_json()]


async def test_copy_menu_ids_of_several_files_one_per_line_and_escape() -> None:
    async with hosting(CopyMenu([ONE, TWO])) as (pilot, app):
        await pilot.press("i")
        await pilot.pause()
    assert app.results == ["or_file_one\nor_file_two"]
    async with hosting(CopyMenu([ONE])) as (pilot, app):
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


# -- HelpScreen -------------------------------------------------------------------------------


class Browser(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "down", "Move down"),
        Binding("y", "copy", "Copy the id"),
        Binding("question_mark,f1", "help", "Help"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("browser")
        yield Footer()

    def action_down(self) -> None:
        pass

    def action_copy(self) -> None:
        pass

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen.for_screen(self))


class HelpHost(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit")]

    def on_mount(self) -> None:
        self.push_screen(Browser())


async def test_help_lists_the_opening_screens_bindings_and_closes() -> None:
    app = HelpHost()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = text_of(help_screen, "#help-table")
        for text in ("Move down", "Copy the id", "Quit", "This screen", "Everywhere"):
            assert text in table
        descriptions = {e.description: e.keys for _, entries in help_screen.groups for e in entries}
        assert "j" in descriptions["Move down"] and "↓" in descriptions["Move down"]
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, Browser)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Browser)


# -- ConfirmDialog ------------------------------------------------------------------------------


async def test_confirm_dialog_defaults_to_no() -> None:
    async with hosting(ConfirmDialog("Replace?", "Replace it?")) as (pilot, app):
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [False]
    async with hosting(ConfirmDialog("Replace?", "Replace it?")) as (pilot, app):
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [True]

"""The cursor row and the copy menu's previews are readable on every theme the app offers
(WCAG AA for text, 4.5:1), as Textual draws them."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Input, OptionList

from orbrowse.api.models import FileObject
from orbrowse.config import COLOR_NAMES
from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from orbrowse.listing.workspace_label import WorkspaceLabel
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs import CopyMenu
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from orbrowse.tui.widgets.workspace_banner import WorkspaceBanner
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import FIXED_NOW, browsing, screen_shown, settle, table_of
from tests.tui.colors import AA_TEXT, contrast, lowest_contrast, offered_themes
from tests.tui.dialog_host import hosting

CREATED = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


async def test_the_cursor_row_is_readable_on_every_theme(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    # Textual's block cursor was 3.78:1 on textual-dark (its 87% white on $primary), 2.36 on
    # gruvbox, 3.15 on solarized; unfocused 2.82 on solarized-dark, 3.02 on atom-one-dark.
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 4, now=FIXED_NOW)
    async with browsing(app) as (pilot, _screen):
        await settle(pilot)
        table = table_of(app)
        low: dict[str, float] = {}
        for theme in offered_themes(app):
            app.theme = theme
            for marked in (False, True):
                table.focus()
                if marked:
                    await pilot.press("space", "k")  # mark the first file, back on it
                for focused in (True, False):
                    if focused:
                        table.focus()
                    else:
                        app.set_focus(None)
                    await pilot.pause()
                    assert table.has_focus is focused and table.cursor_row == 0
                    ratio = lowest_contrast(table, table.render_line(1))
                    if ratio < AA_TEXT:
                        state = "focused" if focused else "blurred"
                        low[f"{theme} {state}{' marked' if marked else ''}"] = round(ratio, 2)
            table.focus()
            await pilot.press("space", "k")  # unmark
        assert not low, low


async def test_the_copy_menu_is_readable_on_every_theme() -> None:
    # The dimmed previews were 2.46:1 on textual-dark's highlighted choice, 2.37 on
    # solarized-light's other choices.
    files = [FileObject("or_file_one", "docs/report.pdf", "application/pdf", 10, CREATED, True)]
    async with hosting(CopyMenu(files)) as (pilot, host):
        choices = host.screen.query_one("#choices", OptionList)
        low: dict[str, float] = {}
        for theme in offered_themes(host):
            host.theme = theme
            await pilot.pause()
            for y in range(choices.size.height):
                line = choices.render_line(y)
                if not line.text.strip():
                    continue
                ratio = lowest_contrast(choices, line)
                if ratio < AA_TEXT:
                    low[f"{theme} line {y} {line.text.strip()[:20]!r}"] = round(ratio, 2)
        assert choices.highlighted == 0
        assert not low, low


async def test_the_workspace_picker_is_readable_on_every_theme(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    # Its highlighted row was Textual's block cursor too: 3.78:1 on textual-dark.
    emulator.store.add_workspace("a4e1c9b2-6d3f-4e8a-b7c5-1f2d3e4a5b60", "Lab", "lab")
    async with browsing(app) as (pilot, _screen):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        choices = picker.query_one(OptionList)
        low: dict[str, float] = {}
        for theme in offered_themes(app):
            app.theme = theme
            for focused in (choices, picker.query_one(Input)):  # the list's, the filter's
                focused.focus()
                await pilot.pause()
                for y in range(choices.size.height):
                    line = choices.render_line(y)
                    if line.text.strip():
                        ratio = lowest_contrast(choices, line)
                        if ratio < AA_TEXT:
                            where = f"{theme} {focused.id} line {y} {line.text.strip()[:20]!r}"
                            low[where] = round(ratio, 2)
        assert choices.highlighted is not None
        assert not low, low


class BannerApp(App[None]):
    def compose(self) -> ComposeResult:
        yield WorkspaceBanner()


async def test_the_banner_is_readable_on_every_workspace_colour() -> None:
    # Black or white was chosen by Textual's brightness, not by contrast: white on "red" was
    # 4.0:1 (black 5.3), on "magenta" 3.14, on "olive" 4.2.
    app = BannerApp()
    async with app.run_test() as pilot:
        banner = app.query_one(WorkspaceBanner)
        label = WorkspaceLabel("5d3f2a1c-8e4b", "Production", label="PROD")
        low: dict[str, float] = {}
        for name in COLOR_NAMES:
            banner.show(label, Color.parse(name))
            await pilot.pause()
            style = banner.rich_style
            assert style.color is not None and style.bgcolor is not None
            fore, back = (Color.from_rich_color(c) for c in (style.color, style.bgcolor))
            ratio = contrast(fore, back)
            if ratio < AA_TEXT:
                low[name] = round(ratio, 2)
        for theme in offered_themes(app):  # a label without a colour: the theme's
            app.theme = theme
            banner.show(label, None)
            await pilot.pause()
            ratio = lowest_contrast(banner, banner.render_line(0))
            if ratio < AA_TEXT:
                low[f"{theme}, no colour"] = round(ratio, 2)
        assert not low, low

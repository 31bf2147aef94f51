"""Where you are: the workspace's name, slug, short id, label, colour and lock on every screen
(the browser, its dialogs, the full preview), from ``[workspaces."<uuid>"]`` in the config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static

from orbrowse.config import WorkspaceStyle, load_settings
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.delete_progress import DeleteProgressDialog
from orbrowse.tui.dialogs.help import HelpScreen
from orbrowse.tui.dialogs.workspace_style import WorkspaceStyleDialog
from orbrowse.tui.screens.preview import PreviewScreen
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from orbrowse.tui.widgets.workspace_banner import WorkspaceBanner
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browsing,
    notifications,
    screen_shown,
    screen_text,
    settle,
    wait_until,
)
from tests.tui.conftest import AppFactory

NAMED = "Default (default, 11111111)"
"""The emulator's default workspace as orbrowse names it: name (slug, first 8 of the id)."""


@pytest.fixture
def files(emulator: RunningEmulator) -> list[StoredFile]:
    return [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"notes/{n}.txt", content=b"notes\n")
        for n in range(3)
    ]


def app_with(make_app: AppFactory, folder: Path, table: str, **settings: Any) -> OrbrowseApp:
    """The app on the default workspace, whose ``[workspaces."<id>"]`` table is ``table``."""
    config = folder / "config.toml"
    config.write_text(f'[workspaces."{DEFAULT_WORKSPACE_ID}"]\n{table}\n')
    config.chmod(0o600)
    return make_app(workspace=DEFAULT_WORKSPACE_ID, **settings)


def banner_of(screen: Screen[Any]) -> WorkspaceBanner:
    return screen.query_one(WorkspaceBanner)


def frame_of(dialog: Screen[Any]) -> Widget:
    """The dialog's box (the widget with the ``dialog`` class)."""
    return dialog.query(".dialog").first(Widget)


async def through_preview_and_help(pilot: Pilot[int]) -> tuple[str, Color | None, str]:
    """Open the full preview and back, then help: the preview's banner (its text, "" when
    hidden, and its background) and the title on help's box."""
    await pilot.press("o")
    banner = banner_of(await screen_shown(pilot, PreviewScreen))
    seen = str(banner.content) if banner.display else "", banner.styles.background
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("question_mark")
    help_screen = await screen_shown(pilot, HelpScreen)
    return *seen, frame_of(help_screen).border_title or ""


async def test_name_label_and_colour_on_the_browser_its_dialogs_and_the_preview(
    make_app: AppFactory, files: list[StoredFile], tmp_path: Path
) -> None:
    app = app_with(make_app, tmp_path, 'label = "PROD"\ncolor = "red"', undo_seconds=30)
    red = Color.parse("red")
    async with browsing(app, size=(140, 40)) as (pilot, browser):
        assert str(browser.title) == "PROD · Default"
        assert str(browser.sub_title).startswith("default · 11111111 · key ")
        banner = banner_of(browser)
        assert banner.display and str(banner.content) == f"PROD · {NAMED}"
        assert banner.styles.background == red
        assert f"PROD · {NAMED}" in screen_text(app)

        await pilot.press("x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        line = str(confirm.query_one("#workspace", Static).content)
        assert line == f"in workspace PROD · {NAMED}"
        frame = frame_of(confirm)
        assert frame.border_title is not None and "PROD" in frame.border_title
        assert frame.styles.border_top[1] == red
        confirm.query_one("#delete", Button).press()
        progress = await screen_shown(pilot, DeleteProgressDialog)
        assert f"in workspace PROD · {NAMED}" in screen_text(app)
        assert frame_of(progress).styles.border_top[1] == red
        await pilot.press("u")  # undo: nothing is deleted
        await settle(pilot)

        assert await through_preview_and_help(pilot) == (f"PROD · {NAMED}", red, " PROD ")


async def test_a_read_only_workspace_shows_a_lock_and_a_plain_one_only_its_name(
    make_app: AppFactory, files: list[StoredFile], tmp_path: Path
) -> None:
    app = app_with(make_app, tmp_path, "read_only = true")
    async with browsing(app, size=(140, 40)) as (pilot, browser):
        assert browser.read_only
        assert str(browser.title) == "🔒 · Default"
        assert str(banner_of(browser).content) == f"🔒 · {NAMED} · read-only"
        preview_banner, _, help_title = await through_preview_and_help(pilot)
        assert preview_banner == f"🔒 · {NAMED} · read-only"
        assert help_title == " 🔒 "

    (tmp_path / "config.toml").unlink()
    plain = make_app(workspace=DEFAULT_WORKSPACE_ID)
    async with browsing(plain, size=(140, 40)) as (pilot, browser):
        assert not banner_of(browser).display  # nothing set apart: no banner
        await pilot.press("x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        assert str(confirm.query_one("#workspace", Static).content) == f"in workspace {NAMED}"
        assert frame_of(confirm).border_title is None


async def test_a_bad_colour_is_a_warning_and_a_markup_label_is_plain_text(
    make_app: AppFactory, files: list[StoredFile], tmp_path: Path
) -> None:
    app = app_with(make_app, tmp_path, 'label = "[blink]PROD[/]"\ncolor = "[on red]"')
    async with browsing(app, size=(140, 40)) as (_, browser):
        warnings = notifications(app, severity="warning")
        assert any("color '[on red]' is not a colour" in message for message in warnings)
        banner = banner_of(browser)
        assert banner.display  # the label still sets it apart, on the theme's colour
        assert str(banner.content) == f"[blink]PROD[/] · {NAMED}"
        assert banner.styles.background != Color.parse("red")
        assert f"[blink]PROD[/] · {NAMED}" in screen_text(app)


async def test_label_colour_and_lock_set_from_the_picker_by_keyboard(
    app: OrbrowseApp, files: list[StoredFile], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("# mine\npage_size = 50  # small pages\n")
    config.chmod(0o600)
    async with browsing(app, size=(140, 40)) as (pilot, browser):
        assert not browser.read_only
        before = config.read_text()  # the recent workspaces written too
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        await pilot.press("ctrl+e")
        dialog = await screen_shown(pilot, WorkspaceStyleDialog)
        assert dialog.query_one("#label", Input).has_focus
        await pilot.press(*"PROD", "tab", *"purplish", "enter")  # not a colour: not saved
        await pilot.pause()
        assert app.screen is dialog
        assert "'purplish' is not a colour" in screen_text(app)
        assert config.read_text() == before
        dialog.query_one("#color", Input).value = ""
        await pilot.press(*"red", "tab", "space", "shift+tab", "enter")  # the box, then save
        await wait_until(pilot, lambda: app.screen is picker, "back in the picker")

        saved = load_settings(config_path=config, env={})
        assert saved.style_of(DEFAULT_WORKSPACE_ID) == WorkspaceStyle("PROD", "red", True)
        assert config.read_text().startswith("# mine\npage_size = 50  # small pages\n")
        assert saved.page_size == 50 and saved.problems == ()
        row = str(picker.query_one(OptionList).get_option_at_index(0).prompt)
        assert "🔒 PROD" in row
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is browser, "back in the browser")
        assert browser.read_only  # at once, without reopening the workspace
        assert str(banner_of(browser).content) == f"🔒 PROD · {NAMED} · read-only"
        assert banner_of(browser).styles.background == Color.parse("red")
        assert "delete" not in {b.binding.action for b in browser.active_bindings.values()}


async def test_a_stale_recent_name_is_replaced_by_the_servers_and_saved(
    make_app: AppFactory, files: list[StoredFile], tmp_path: Path
) -> None:
    # Renamed on the server since it was last opened: the config still holds the old name.
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[recent_workspaces]]\nid = "{DEFAULT_WORKSPACE_ID}"\nname = "Old name"\nslug = "old"\n'
    )
    config.chmod(0o600)
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    async with browsing(app, size=(140, 40)) as (pilot, browser):
        await wait_until(pilot, lambda: str(browser.title) == "Default", "the server's name")
        assert str(browser.sub_title).startswith("default · 11111111 · key ")
        await wait_until(
            pilot,
            lambda: (
                [(r.name, r.slug) for r in app.settings.recent_workspaces]
                == [("Default", "default")]
            ),
            "the server's name remembered",
        )
    saved = load_settings(config_path=config, env={}).recent_workspaces
    assert [(r.id, r.name, r.slug) for r in saved] == [(DEFAULT_WORKSPACE_ID, "Default", "default")]

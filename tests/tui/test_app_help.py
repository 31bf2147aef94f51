"""Help lists the browser's bindings; the command palette offers (and runs) its actions."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Static

import orbrowse.tui
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs.help import HelpScreen
from orbrowse.tui.screens.browser import BrowserScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browser, browsing, screen_shown, settle, wait_until
from tests.tui.conftest import AppFactory


@pytest.fixture
def files(emulator: RunningEmulator) -> None:
    for n in range(5):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"file-{n}.txt", content=b"x")


def help_text(screen: HelpScreen) -> str:
    return str(screen.query_one("#help-table", Static).content)


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_the_browser_bindings(app: OrbrowseApp, files: None, key: str) -> None:
    async with browsing(app, size=(140, 40)) as (pilot, _):
        await pilot.press(key)
        help_screen = await screen_shown(pilot, HelpScreen)
        text = help_text(help_screen)
        for description in (
            "Mark",
            "Range",
            "Mark loaded",
            "Mark loaded matches",
            "Mark every match in the workspace",
            "Invert marks",
            "Clear marks",
            "Only marked",
            "Filter",
            "Sort",
            "Copy id",
            "Copy…",
            "Upload",
            "Download",
            "Delete",
            "Load all",
            "Refresh",
            "Workspaces",
            "Quit",
            "Down",
            "Half page down",
        ):
            assert f"  {description}\n" in text + "\n", description
        assert "↓ / j  Down" in text
        assert "? / f1  Help" in text
        assert "x / del  Delete" in text
        # Groups named for people, in this order, never class names ("FileTable").
        note, keys = text.split("\n\n", 1)  # first the rule for when pages load
        assert " ".join(note.split()) == help_screen.note
        headings = [line for line in keys.split("\n") if line and "  " not in line]
        assert headings == ["Mark", "View", "Act on files", "Move", "Everywhere"], headings
        assert re.search(r"^Mark\n +space  Mark$", text, re.MULTILINE)
        assert "Act on files\n" in text and "  Delete\n" in text.split("Act on files")[1]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


async def test_help_in_read_only_mode_leaves_out_write_actions(
    make_app: AppFactory, files: None
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, read_only=True)
    async with browsing(app, size=(140, 40)) as (pilot, _):
        await pilot.press("question_mark")
        text = help_text(await screen_shown(pilot, HelpScreen))
        assert "  Upload\n" not in text
        assert "  Delete\n" not in text
        assert "  Download\n" in text


async def test_palette_offers_the_browser_actions(app: OrbrowseApp, files: None) -> None:
    async with browsing(app, size=(140, 40)) as (_, screen):
        offered = [command.title for command in screen.palette_commands()]
        assert len(offered) == len(set(offered))  # one command per action
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {"Mark", "Filter", "Copy id", "Delete", "Load all", "Refresh", "Sort"} <= titles
        assert "Quit" in titles  # Textual's own stay


async def test_palette_runs_an_action(app: OrbrowseApp, files: None) -> None:
    async with browsing(app, size=(140, 40)) as (pilot, _):
        await pilot.press("ctrl+p")
        palette = await screen_shown(pilot, CommandPalette)
        await pilot.press(*"mark loaded")
        await wait_until(pilot, lambda: palette._list_visible, "palette hits")
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: browser(app).files.marked_count == 5, "every file marked")
        assert isinstance(app.screen, BrowserScreen)


def own_bindings() -> dict[str, list[Binding]]:
    """{class: the bindings it declares} for every orbrowse.tui class that declares any."""
    found: dict[str, list[Binding]] = {}
    for info in pkgutil.walk_packages(orbrowse.tui.__path__, "orbrowse.tui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == module.__name__:
                declared = cls.__dict__.get("BINDINGS", [])
                if declared:
                    found[cls.__qualname__] = declared
    return found


TITLE_CASE = re.compile(r" [A-Z][a-z]")
"""A capitalised word after the first ("Scroll Left"): help's words are in sentence case."""


def test_every_binding_has_an_id_and_a_tooltip_in_one_voice() -> None:
    found = own_bindings()
    assert {"BrowserScreen", "FileTable", "Dialog", "HelpScreen", "OrbrowseApp"} <= set(found)
    problems: list[str] = []
    ids: list[str] = []
    for owner, bindings in found.items():
        for binding in bindings:
            assert isinstance(binding, Binding), f"{owner}: {binding!r}"
            ids.append(binding.id or "")
            where = f"{owner} {binding.key} ({binding.action})"
            if not binding.id:
                problems.append(f"{where}: no id")
            if not binding.tooltip[:1].isupper():
                problems.append(f"{where}: tooltip {binding.tooltip!r}")
            if not binding.description[:1].isupper() or TITLE_CASE.search(binding.description):
                problems.append(f"{where}: description {binding.description!r}")
    assert problems == []
    assert len(ids) == len(set(ids)), "a binding id used twice"


async def test_help_says_what_each_key_does_and_leaves_out_what_does_nothing_here(
    app: OrbrowseApp, files: None
) -> None:
    async with browsing(app, size=(140, 40)) as (pilot, _):
        await pilot.press("question_mark")
        help_screen = await screen_shown(pilot, HelpScreen)
        text = help_text(help_screen)
        # The tooltip, dimmed, under the key it explains.
        assert re.search(r"space  Mark\n +Mark or unmark the file under the cursor", text)
        assert "Next file" in text and "Every key, grouped" in text
        # Textual's own keys in orbrowse's words; none that does nothing in the browser.
        assert "Command palette" in text and "Next field" in text
        for hidden in ("Copy selected text", "super+c", "Scroll left", "Page left"):
            assert hidden.lower() not in text.lower(), hidden
        assert "  palette" not in text  # Textual's lower-case word for it
        for _, entries in help_screen.groups:
            for entry in entries:
                assert entry.description[:1].isupper(), entry
                assert not TITLE_CASE.search(entry.description), entry

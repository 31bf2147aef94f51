"""The key bar is made again only when the keys it offers change (issue 13, start-up)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.widgets.footer import Footer
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import FIXED_NOW, browser, browsing, settle
from tests.tui.colors import AA_TEXT, component_contrast


def footer_keys(footer: Footer) -> dict[str, FooterKey]:
    return {key.action: key for key in footer.query(FooterKey)}


async def test_marks_keep_the_footer_and_a_change_of_offer_redraws_it(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 8, now=FIXED_NOW)
    async with browsing(app) as (pilot, screen):
        await settle(pilot)
        footer = screen.query_one(Footer)
        before = footer_keys(footer)
        assert not before["download"].has_class("-disabled")
        # Each mark refreshes the screen's bindings; the keys on offer stay the same.
        await pilot.press("space", "space", "k", "space", "k", "k", "space")
        await settle(pilot)
        assert screen.files.marked_count == 0
        after = footer_keys(footer)
        assert after.keys() == before.keys()
        assert all(after[action] is key for action, key in before.items())
        # A filter that hides every row: nothing to download, so the key shows disabled.
        await pilot.press("slash", *"no-such-file", "enter")
        await settle(pilot)
        assert len(browser(app).files.view) == 0
        assert not browser(app).query_one("#filter", Input).has_focus
        assert footer_keys(footer)["download"].has_class("-disabled")


async def test_each_key_is_styled_once_as_it_mounts(
    emulator: RunningEmulator, app: OrbrowseApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FooterKey starts compact and Textual binds it to the footer's compact (off): mounted
    as made, each gained ``-compact`` and lost it, styled three times. The command palette's
    key is not bound: it stays compact."""
    generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 8, now=FIXED_NOW)
    styled: list[DOMNode] = []
    apply = Stylesheet.apply

    def styling(sheet: Stylesheet, node: DOMNode, **options: Any) -> None:
        styled.append(node)
        apply(sheet, node, **options)

    monkeypatch.setattr(Stylesheet, "apply", styling)
    async with browsing(app) as (pilot, screen):
        await settle(pilot)
        keys = list(screen.query_one(Footer).query(FooterKey))
        assert len(keys) > 5
        assert [sum(1 for node in styled if node is key) for key in keys] == [1] * len(keys)
        palette = [key for key in keys if key.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].has_class("-compact")
        assert not any(key.has_class("-compact") for key in keys if key not in palette)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_keys_and_their_descriptions_are_readable(app: OrbrowseApp, theme: str) -> None:
    # WCAG AA, 4.5:1: on the light theme the keys were $primary, 2.94:1 on the footer.
    async with browsing(app) as (pilot, screen):
        app.theme = theme
        await pilot.pause()
        keys = list(screen.query_one(Footer).query(FooterKey))
        assert keys
        for key in keys:
            for part in ("key", "description"):
                ratio = component_contrast(key, f"footer-key--{part}")
                assert ratio >= AA_TEXT, f"{theme} {key.key_display} {part}: {ratio:.2f}"

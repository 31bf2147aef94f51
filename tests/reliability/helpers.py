"""Small helpers shared by the reliability tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot

from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.screens.browser import BrowserScreen

GIVE_UP_AFTER = 60.0
"""Seconds a condition may take before the test fails (a hang guard, not a timing assert)."""


async def until(
    pilot: Pilot[int], condition: Callable[[], bool], what: str, limit: float = GIVE_UP_AFTER
) -> None:
    """Let the app run until ``condition()`` holds; fail the test if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for: {what}")
        await pilot.pause(0.02)


def browser(app: OrbrowseApp) -> BrowserScreen:
    screen = app.screen
    assert isinstance(screen, BrowserScreen), f"expected the browser, got {screen!r}"
    return screen


async def open_browser(pilot: Pilot[int]) -> BrowserScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen), "the browser")
    screen = browser(pilot.app)  # type: ignore[arg-type]
    await until(
        pilot,
        lambda: not screen.fetching and (screen.pages_loaded > 0 or screen.load_error is not None),
        "the first page or an error",
    )
    return screen


def screen_text(app: OrbrowseApp) -> str:
    """What the terminal shows now, line by line, exactly as the strips hold it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def notifications(pilot: Pilot[int]) -> list[str]:
    """Every notification the app holds, as ``title: message`` (after they are delivered)."""
    await pilot.pause()
    return [f"{n.title}: {n.message}" for n in pilot.app._notifications]

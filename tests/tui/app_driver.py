"""The one helper module for tests that drive the app or a dialog with Pilot.

Wait for screens and listings, read the screen and the notifications. Every wait is bounded
by one limit (:data:`WAIT_LIMIT`): a hang guard that fails the test, never a timing assert.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

from orbrowse.api.client import RequestObserver
from orbrowse.api.retry import RetryPolicy
from orbrowse.config import load_settings
from orbrowse.deletion_log import DeletionLog
from orbrowse.preview.detect import HALF_BLOCKS, Graphics
from orbrowse.tui.app import OrbrowseApp, build_app
from orbrowse.tui.dialogs import DeleteProgressDialog
from orbrowse.tui.screens.browser import BrowserScreen
from orbrowse.tui.widgets.file_table import FileTable
from orbrowse.tui.widgets.status_line import StatusLine, status_text

FIXED_NOW = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
"""The app's clock in tests: ages and dates on screen do not change from run to run."""

WAIT_LIMIT = 30.0
"""Seconds any condition may take before the test fails (generous: the machine may be busy)."""

ScreenT = TypeVar("ScreenT", bound=Screen[Any])


AppFactory = Callable[..., OrbrowseApp]
"""``make_app(**keywords)``: see :func:`app_factory`."""


def app_factory(
    server_url: str,
    api_key: str,
    folder: Path,
    /,
    *,
    deletion_log: DeletionLog,
    download_dir: Path,
    retry: RetryPolicy,
    workspace: str | None,
    remember: bool,
) -> AppFactory:
    """A ``make_app``: builds the app against ``server_url`` with its config in ``folder`` and
    the clock at :data:`FIXED_NOW`. A call may replace ``base_url``, ``key``, ``retry``,
    ``workspace``, ``env``, ``observer`` and ``graphics``; its other keywords replace
    :class:`Settings` fields (``undo_seconds=0``, ``read_only=True``, ``page_size=50``...). The
    view is flat unless ``view=`` says otherwise: most suites test the flat list with names that
    hold a ``/`` (which would open the folder view)."""
    default_retry, default_workspace = retry, workspace

    def make_app(
        *,
        base_url: str | None = None,
        key: str | None = None,
        retry: RetryPolicy = default_retry,
        workspace: str | None = default_workspace,
        env: dict[str, str] | None = None,
        observer: RequestObserver | None = None,
        graphics: Graphics = HALF_BLOCKS,
        **overrides: Any,
    ) -> OrbrowseApp:
        overrides.setdefault("view", "flat")
        settings = load_settings(
            api_key=key or api_key,
            base_url=base_url or server_url,
            workspace=workspace,
            config_path=folder / "config.toml",
            env={},
        )
        return build_app(
            replace(settings, **overrides),
            env=env or {},
            clock=lambda: FIXED_NOW,
            deletion_log=deletion_log,
            download_dir=download_dir,
            remember=remember,
            retry=retry,
            observer=observer,
            graphics=graphics,
        )

    return make_app


async def wait_until(
    pilot: Pilot[Any],
    condition: Callable[[], bool],
    what: str = "the condition",
    *,
    limit: float = WAIT_LIMIT,
) -> None:
    """Let the app run until ``condition()`` holds; fail the test if it never does (within
    ``limit`` seconds: only a long chaos run needs other than the default)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"never happened: {what}")
        await pilot.pause(0.01)
    # What the handler that made the condition true sent on is handled too: a notification is
    # a message to the app, held only once the app has read it (under load, after this check).
    await pilot.pause(0)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for every worker (listing, dialogs) to finish and the screen to catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def screen_shown(pilot: Pilot[Any], kind: type[ScreenT]) -> ScreenT:
    """Wait for a screen of ``kind`` to be on top and mounted."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), f"{kind.__name__} shown")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def deletion_reported(pilot: Pilot[Any]) -> DeleteProgressDialog:
    """The delete progress dialog, once it shows its report."""
    progress = await screen_shown(pilot, DeleteProgressDialog)
    await wait_until(pilot, lambda: progress.phase == "report", "the deletion report")
    return progress


async def close_report(pilot: Pilot[Any], screen: Screen[Any]) -> None:
    """Close the deletion report (``c``) and wait until ``screen`` is back and settled."""
    await pilot.press("c")
    await wait_until(pilot, lambda: pilot.app.screen is screen, "back in the browser")
    await settle(pilot)


async def browser_ready(pilot: Pilot[Any]) -> BrowserScreen:
    """Wait for the browser to be on top with its first listing done (a page or an error)."""
    screen = await screen_shown(pilot, BrowserScreen)
    await wait_until(
        pilot,
        lambda: not screen.fetching and (screen.pages_loaded > 0 or screen.load_error is not None),
        "the first page or an error",
    )
    await settle(pilot)
    return screen


BROWSER_SIZE = (140, 30)
"""The terminal :func:`browsing` runs the app in unless told otherwise."""


@asynccontextmanager
async def browsing(
    app: OrbrowseApp, size: tuple[int, int] = BROWSER_SIZE
) -> AsyncIterator[tuple[Pilot[int], BrowserScreen]]:
    """Run ``app`` under Pilot and hand over the browser once its first listing is done."""
    async with app.run_test(size=size) as pilot:
        yield pilot, await browser_ready(pilot)


def browser(app: App[Any]) -> BrowserScreen:
    screen = app.screen
    assert isinstance(screen, BrowserScreen), f"expected the browser, got {screen!r}"
    return screen


def table_of(app: App[Any]) -> FileTable:
    return browser(app).query_one("#files", FileTable)


def status_of(app: App[Any]) -> str:
    return status_text(browser(app).query_one(StatusLine).info)


def visible_rows(app: App[Any]) -> list[str]:
    """The table's rendered lines below the header, as text (blank lines dropped)."""
    table = table_of(app)
    lines = [table.render_line(y).text for y in range(1, table.rows_in_view + 1)]
    return [line for line in lines if line.strip()]


def screen_text(app: App[Any]) -> str:
    """What the terminal shows now, line by line, exactly as the strips hold it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notifications(app: App[Any], *, severity: str | None = None, titled: bool = False) -> list[str]:
    """The notifications the app holds (the one reader of Textual's private list).

    ``severity`` keeps only that kind; ``titled`` gives ``title: message``.
    """
    return [
        f"{n.title}: {n.message}" if titled else n.message
        for n in app._notifications
        if severity is None or n.severity == severity
    ]


async def preview_settled(pilot: Pilot[int]) -> None:
    """Wait until the browser's preview has no rest timer and no read in flight."""
    screen = browser(pilot.app)
    await wait_until(pilot, lambda: screen.previews.idle, "the preview settled")
    await pilot.pause()

"""The browser's state after changes: availability follows the files, the listing tops itself
up, read-only says why, the status line tells the truth after errors."""

from __future__ import annotations

from textual.widgets import Input

from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import EXIT_NO_USABLE_KEY, OrbrowseApp
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.screens.browser import SELECTION_ACTIONS, BrowserScreen
from orbrowse.tui.widgets.status_line import StatusLine
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browsing,
    close_report,
    deletion_reported,
    notifications,
    screen_shown,
    settle,
    status_of,
)
from tests.tui.conftest import PAGE, THOUSAND, AppFactory

FILES = THOUSAND  # the `thousand` fixture's files


def offered(screen: BrowserScreen) -> dict[str, bool | None]:
    return {action: screen.check_action(action, ()) for action in SELECTION_ACTIONS}


def footer_keys(screen: BrowserScreen) -> set[str]:
    """Keys the footer shows enabled right now."""
    return {
        key
        for key, active in screen.app.active_bindings.items()
        if active.enabled and active.binding.show
    }


async def test_an_empty_view_offers_no_action_on_files(
    app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        assert all(offered(screen).values())
        assert {"x", "y", "d"} <= footer_keys(screen)

        # A filter that matches nothing: nothing to delete, copy or download.
        await pilot.press("slash", *"no-such-file-anywhere")
        await pilot.pause()
        assert len(screen.files.view) == 0
        assert not any(offered(screen).values())
        assert not ({"x", "y", "d"} & footer_keys(screen))
        await pilot.press("escape")
        await pilot.pause()
        assert all(offered(screen).values())

        # "Only marked" with no marks: the same.
        await pilot.press("m")
        await pilot.pause()
        assert len(screen.files.view) == 0
        assert not any(offered(screen).values())
        await pilot.press("m")
        await pilot.pause()
        assert all(offered(screen).values())


async def test_refresh_empties_the_view_and_offers_nothing_until_rows_come(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        screen.action_refresh()  # what r does; checked before the first page can arrive
        assert len(screen.files.view) == 0
        assert not any(offered(screen).values())
        await settle(pilot)
        assert all(offered(screen).values())


async def test_deleting_every_loaded_file_loads_the_next_page_by_itself(
    emulator: RunningEmulator, make_app: AppFactory, thousand: list[str]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=PAGE, undo_seconds=0)
    async with browsing(app) as (pilot, screen):
        loaded = screen.files.loaded_count
        assert 0 < loaded < FILES and screen.has_more
        await pilot.press("a", "x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        confirm.query_one("#typed-count", Input).focus()
        await pilot.press(*str(loaded), "enter")
        await deletion_reported(pilot)
        await close_report(pilot, screen)

        assert screen.files.loaded_count > 0, status_of(app)
        assert screen.files.view[0].id == thousand[loaded]
        assert not status_of(app).startswith("0 loaded")
        await pilot.press("j")
        assert screen.table.cursor_row == 1


async def test_x_in_read_only_mode_says_why_nothing_happens(
    emulator: RunningEmulator, make_app: AppFactory, thousand: list[str]
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=PAGE, read_only=True)
    async with browsing(app) as (pilot, screen):
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen
        assert any("read-only" in m and "--read-only" in m for m in notifications(app))
        await pilot.press("u")
        await pilot.pause()
        assert app.screen is screen
        assert sum("read-only" in m for m in notifications(app)) == 2
        assert not [r for r in emulator.faults.requests if r.method in {"POST", "DELETE"}]


async def test_r_after_an_interrupted_load_all_goes_on_to_the_end(
    emulator: RunningEmulator, app: OrbrowseApp, thousand: list[str]
) -> None:
    async with browsing(app) as (pilot, screen):
        first = screen.files.view[0].id
        emulator.faults.fail_next(503, method="GET", path_contains="/files", count=50)
        await pilot.press("L")
        await settle(pilot)
        assert screen.load_error is not None
        emulator.faults.clear()
        await pilot.press("r")
        await settle(pilot)
        assert screen.load_error is None
        assert not screen.has_more, status_of(app)  # went on to the end, not one page more
        assert [f.id for f in screen.files.loaded_files()] == thousand
        assert screen.files.view[0].id == first
        requests = [r for r in emulator.faults.requests if r.path.endswith("/files")]
        assert "cursor" in requests[0].query or "after" in requests[0].query  # no reload
        assert len(requests) < FILES // PAGE  # from where it stopped, not from the start


async def test_a_refused_key_says_so_without_more_available_or_retry(
    make_app: AppFactory, thousand: list[str]
) -> None:
    app = make_app(key="sk-or-v1-" + "0" * 40, workspace=DEFAULT_WORKSPACE_ID)
    async with browsing(app) as (pilot, _):
        status = status_of(app)
        assert "key refused" in status
        assert "more available" not in status and "r retries" not in status
        messages = " ".join(notifications(app))
        assert "refused" in messages and "OPENROUTER_API_KEY" in messages
        assert "Press r" not in messages and ".." not in messages
        await pilot.press("q")
    assert app.return_code == EXIT_NO_USABLE_KEY


async def test_a_403_names_the_way_out(emulator: RunningEmulator, app: OrbrowseApp) -> None:
    emulator.faults.fail_next(403, method="GET", path_contains="/files", count=10)
    async with browsing(app) as (pilot, _):
        status = status_of(app)
        assert "403" in status and "more available" not in status and "r retries" not in status
        assert any("Press w" in m for m in notifications(app))
        await pilot.press("q")
    assert app.return_code == 0  # the key itself was not refused


async def test_a_server_message_ending_in_a_period_gives_one_period(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    emulator.faults.fail_next(
        500, method="GET", path_contains="/files", count=10, message="Try again later."
    )
    async with browsing(app):
        messages = notifications(app)
        assert any("Press r to retry" in m for m in messages), messages
        assert not any(".." in m for m in messages), messages


async def test_the_quota_is_explained_on_hover(app: OrbrowseApp, thousand: list[str]) -> None:
    async with browsing(app) as (_, screen):
        tooltip = str(screen.query_one(StatusLine).tooltip)
        assert "of 10 GiB" in tooltip and "quota" in tooltip

"""Start-up: to the first rows with --workspace, through the picker, and without a key."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets._footer import FooterKey

from orbrowse import startup_gc
from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui import app as app_module
from orbrowse.tui.app import EXIT_NO_USABLE_KEY, OrbrowseApp
from orbrowse.tui.screens.browser import BrowserScreen
from orbrowse.tui.screens.no_key import NoKeyScreen
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from orbrowse.tui.widgets.details import DetailsPane
from orbrowse.tui.widgets.preview import PreviewPane
from tests.conftest import DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID
from tests.tui.app_driver import (
    WAIT_LIMIT,
    browser_ready,
    browsing,
    notifications,
    screen_shown,
    screen_text,
    settle,
    status_of,
    visible_rows,
    wait_until,
)
from tests.tui.conftest import AppFactory


def seed_default(emulator: RunningEmulator, names: list[str]) -> None:
    for name in names:
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, name, content=name.encode() + b"\n")


async def test_workspace_flag_opens_the_browser_with_the_first_rows(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    seed_default(emulator, ["alpha.txt", "beta.txt", "gamma.txt"])
    async with browsing(app) as (_, screen):
        assert screen.workspace.id == DEFAULT_WORKSPACE_ID
        assert str(screen.title) == "Default"  # looked up: the flag gave only the id
        rows = visible_rows(app)
        assert [row.split()[0] for row in rows] == ["alpha.txt", "beta.txt", "gamma.txt"]
        assert status_of(app).startswith("all 3 files")
        # The picker never showed: the browser sits right on the default screen.
        assert len(app.screen_stack) == 2
        assert not any(isinstance(s, WorkspacePicker) for s in app.screen_stack)


async def test_management_key_shows_the_picker_and_enter_opens_the_choice(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    seed_default(emulator, ["in-default.txt"])
    app = make_app()
    async with app.run_test(size=(140, 30)) as pilot:
        picker = await screen_shown(pilot, WorkspacePicker)
        options = picker.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(labels) == 2
        assert "Default" in labels[0] and DEFAULT_WORKSPACE_ID in labels[0]
        assert "Other" in labels[1] and "other" in labels[1] and OTHER_WORKSPACE_ID in labels[1]
        await pilot.press(*"othe")
        await pilot.press("enter")
        screen = await browser_ready(pilot)
        assert screen.workspace.id == OTHER_WORKSPACE_ID
        names = sorted(row.split()[0] for row in visible_rows(app))
        assert names == ["other/chart.png", "other/notes.txt"]
        assert "Other" in str(screen.title)


async def test_ordinary_key_falls_back_to_its_own_workspace_without_an_error(
    emulator: RunningEmulator, make_app: AppFactory, workspace_key: str
) -> None:
    seed_default(emulator, ["mine.txt"])
    app = make_app(key=workspace_key)
    async with browsing(app) as (_, screen):
        # The key's only workspace opens directly; the 403 on /workspaces is not an error.
        assert screen.workspace.source == "key"
        assert screen.workspace.id == DEFAULT_WORKSPACE_ID
        assert [row.split()[0] for row in visible_rows(app)] == ["mine.txt"]
        assert notifications(app, severity="error") == []
        assert str(screen.title) == "This key's workspace"
        # Remembered by id, without a made-up name.
        assert [(r.id, r.name) for r in app.settings.recent_workspaces] == [
            (DEFAULT_WORKSPACE_ID, "")
        ]


async def test_ordinary_key_with_recent_workspaces_offers_them_in_the_picker(
    emulator: RunningEmulator, make_app: AppFactory, workspace_key: str
) -> None:
    from orbrowse.config import RecentWorkspace

    recent = (RecentWorkspace(OTHER_WORKSPACE_ID, "Other", "other"),)
    app = make_app(key=workspace_key, recent_workspaces=recent)
    async with app.run_test(size=(140, 30)) as pilot:
        picker = await screen_shown(pilot, WorkspacePicker)
        assert [c.source for c in picker.choices] == ["key", "recent"]
        hint = picker.query_one("#workspace-hint", Static)
        assert "management key" in str(hint.content)
        assert notifications(app, severity="error") == []


async def test_without_a_key_the_screen_says_where_to_put_one(make_app: AppFactory) -> None:
    app = make_app(api_key=None, api_key_source=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await screen_shown(pilot, NoKeyScreen)
        text = str(app.screen.query_one("#no-key-text", Static).content)
        assert "No OpenRouter API key found" in text
        assert "--api-key" in text
        assert "OPENROUTER_API_KEY" in text
        assert "config.toml" in text
        assert "orbrowse --demo" in text
        assert "w" not in app.screen.active_bindings  # nothing to pick from
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, NoKeyScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == EXIT_NO_USABLE_KEY  # leaving after a fatal start-up error: non-zero


@pytest.mark.parametrize("size", [(60, 15), (80, 24)])
async def test_the_no_key_message_fits_a_small_terminal(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    # The box was as wide as its longest line (90 columns): at 80 and 60 columns its right
    # side and the ends of the lines were cut off, and at 60x15 its last lines too.
    app = make_app(api_key=None, api_key_source=None)
    async with app.run_test(size=size) as pilot:
        screen = await screen_shown(pilot, NoKeyScreen)
        await pilot.pause()
        box = screen.query_one("#no-key-text", Static)
        assert box.region.x >= 0 and box.region.right <= size[0], box.region
        frame = screen.query_one("#no-key")
        frame.scroll_end(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert "Press q to quit." in text
        assert "filled with demo files." in " ".join(text.replace("│", " ").split())


async def test_browser_header_shows_the_masked_key_only(
    emulator: RunningEmulator, app: OrbrowseApp, api_key: str
) -> None:
    async with browsing(app) as (_, screen):
        assert isinstance(screen, BrowserScreen)
        assert app.settings.masked_key in str(screen.sub_title)
        assert "key sk-or-v1-…mgmt" in str(screen.sub_title)  # as the README shows it, not ••••
        assert api_key not in str(screen.sub_title)
        assert api_key not in str(screen.title)


async def test_a_first_page_answered_before_the_app_starts_is_in_its_first_frame(
    emulator: RunningEmulator, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``orbrowse`` starts (``tui/launch.py``): the first page's request went out before
    Textual was imported and its answer was read. The browser applies it as it mounts, before
    its first frame (so the first frame shows rows, not a loading table), and does not ask
    for it again."""
    seed_default(emulator, ["alpha.txt", "beta.txt", "gamma.txt"])
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    assert app.client is not None
    client = app.client.with_workspace(DEFAULT_WORKSPACE_ID)
    pager = client.pager(limit=app.settings.page_size)
    await pager.prefetch_sent(written=True)
    while pager.in_flight:  # noqa: ASYNC110 - the pager's public state, polled
        await asyncio.sleep(0.01)
    app.early_listing = (DEFAULT_WORKSPACE_ID, client, pager)
    emulator.faults.clear()
    rows_when_mounted: list[int] = []
    on_mount = BrowserScreen.on_mount

    def watching(screen: BrowserScreen) -> None:
        on_mount(screen)
        rows_when_mounted.append(screen.table.row_count)

    monkeypatch.setattr(BrowserScreen, "on_mount", watching)
    async with browsing(app) as (_, screen):
        assert rows_when_mounted == [3]
        assert [row.split()[0] for row in visible_rows(app)] == [
            "alpha.txt",
            "beta.txt",
            "gamma.txt",
        ]
        assert screen.pages_loaded == 1
        listed = [r for r in emulator.faults.requests if r.path.endswith("/files")]
        assert listed == [], "the page was not asked for again"


async def test_the_browser_first_draws_after_textual_starts_up(
    emulator: RunningEmulator, app: OrbrowseApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual throws away a frame drawn inside its start-up batch (Compose to Mount): the
    browser is opened after it, so its first frame, laid out and drawn, is the one shown."""
    seed_default(emulator, ["alpha.txt"])
    frames: list[tuple[str, int]] = []
    display = App._display

    def watching(app: App[object], screen: Screen[object], renderable: object) -> None:
        if renderable is not None:
            frames.append((type(screen).__name__, app._batch_count))
        display(app, screen, renderable)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "_display", watching)
    async with browsing(app):
        pass
    thrown_away = [name for name, batch in frames if batch]
    assert thrown_away == []
    assert frames[0][0] == "BrowserScreen"


class StylingRecord:
    """Every node Textual styles (``Stylesheet.apply``), and which were styled by the time the
    browser's first frame was drawn."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.styled: list[DOMNode] = []
        self.at_first_frame: list[DOMNode] | None = None
        self.first_frame_columns: list[bool] = []
        self.frames: list[tuple[object, object, bool]] = []
        """Each of the browser's frames: the table's and the pane column's regions, and
        whether the file's fields were laid out."""
        apply = Stylesheet.apply
        display = App._display

        def styling(sheet: Stylesheet, node: DOMNode, **options: Any) -> None:
            self.styled.append(node)
            apply(sheet, node, **options)

        def drawing(app: App[object], screen: Screen[object], renderable: object) -> None:
            if renderable is not None and isinstance(screen, BrowserScreen):
                if self.at_first_frame is None:
                    self.at_first_frame = list(self.styled)
                self.first_frame_columns.append(screen.query_one("#details-column").display)
                self.frames.append(
                    (
                        screen.query_one("#files").region,
                        screen.query_one("#details-column").region,
                        any(pane.region.width > 0 for pane in screen.query(DetailsPane)),
                    )
                )
            display(app, screen, renderable)  # type: ignore[arg-type]

        monkeypatch.setattr(Stylesheet, "apply", styling)
        monkeypatch.setattr(App, "_display", drawing)

    @staticmethod
    def times(node: DOMNode, styled: list[DOMNode]) -> int:
        return sum(1 for each in styled if each is node)


async def test_the_browser_styles_each_widget_once_before_its_first_frame(
    emulator: RunningEmulator, app: OrbrowseApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each widget is styled as it mounts. Textual styled every widget of the browser again
    as the screen first resumed (before its first frame), and again after that frame when
    the screen's first resize gave it its breakpoint class (``-tall``)."""
    seed_default(emulator, ["alpha.txt"])
    record = StylingRecord(monkeypatch)
    async with browsing(app) as (_, screen):
        assert record.at_first_frame is not None
        widgets = [w for w in screen.walk_children(with_self=True) if not isinstance(w, FooterKey)]
        table = screen.query_one("#files")
        panes = set(screen.query(DetailsPane)) | set(screen.query(PreviewPane))
        assert len(panes) == 2
        before = {
            w: record.times(w, record.at_first_frame)
            for w in widgets
            if w is not table and w not in panes
        }
        assert set(before.values()) == {1}, before
        # The file's fields and preview are mounted right after that frame, styled once then.
        assert [record.times(p, record.at_first_frame) for p in panes] == [0, 0]
        assert [record.times(p, record.styled) for p in panes] == [1, 1]
        assert record.times(table, record.at_first_frame) == 2  # as it mounts; its :focus
        # Nothing about the status line's style changes: styled once, start-up included.
        assert record.times(screen.query_one("#status"), record.styled) == 1


@pytest.mark.parametrize("size", [(120, 40), (60, 24)])
async def test_the_file_pane_joins_in_the_second_frame_and_nothing_moves(
    emulator: RunningEmulator,
    app: OrbrowseApp,
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    """The fields and the preview are mounted after the browser's first frame (off the path to
    it): that frame lacks them, the next has them, and the table and the pane's column keep
    their place throughout (beside the table, and below a narrow one)."""
    seed_default(emulator, ["alpha.txt"])
    record = StylingRecord(monkeypatch)
    async with browsing(app, size=size) as (pilot, screen):
        await settle(pilot)
        table, column = (
            screen.query_one("#files").region,
            screen.query_one("#details-column").region,
        )
        assert screen.query_one(DetailsPane).region.width > 0
    assert [mounted for _, _, mounted in record.frames[:2]] == [False, True]
    assert {(t, c) for t, c, _ in record.frames} == {(table, column)}


async def test_a_short_narrow_browser_never_draws_the_detail_pane(
    emulator: RunningEmulator, app: OrbrowseApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Short and narrow, the table keeps the rows (``-narrow.-short``). The screen had its
    height's class from its first resize only, after its first frame: that frame drew the
    detail pane, the next took it away (the table's rows moved)."""
    seed_default(emulator, ["alpha.txt"])
    record = StylingRecord(monkeypatch)
    async with browsing(app, size=(60, 15)):
        pass
    assert record.first_frame_columns
    assert not any(record.first_frame_columns)


@pytest.fixture
def paused_gc() -> Iterator[None]:
    """The collector paused as ``cli.main`` pauses it before the browser starts; afterwards
    running again and nothing left frozen."""
    startup_gc.pause()
    try:
        yield
    finally:
        startup_gc.resume()


async def test_no_garbage_collection_until_the_first_rows_are_drawn(
    emulator: RunningEmulator, app: OrbrowseApp, monkeypatch: pytest.MonkeyPatch, paused_gc: None
) -> None:
    """The collector went through the start-up's long-lived objects again and again, 40-60 ms
    of CPU before the first row: it waits until the frame with the first rows is drawn."""
    seed_default(emulator, ["alpha.txt"])
    # The app's fallback (the collector runs again a second after the start whatever came)
    # would beat the first rows on a busy machine: this is about the rows.
    monkeypatch.setattr(app_module, "GC_RESUME_SECONDS", WAIT_LIMIT)
    events: list[str] = []
    display = App._display

    def drawing(app: App[object], screen: Screen[object], renderable: object) -> None:
        display(app, screen, renderable)  # type: ignore[arg-type]
        if renderable is not None and isinstance(screen, BrowserScreen) and screen.has_rows:
            events.append("rows drawn")

    def collecting(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            events.append("collection")

    monkeypatch.setattr(App, "_display", drawing)
    gc.callbacks.append(collecting)  # the collector's own list: set in place
    try:
        async with browsing(app):
            assert gc.isenabled()
            gc.collect()
    finally:
        gc.callbacks.remove(collecting)
    assert events.index("rows drawn") < events.index("collection")


@asynccontextmanager
async def first_page_held(
    emulator: RunningEmulator, make_app: AppFactory
) -> AsyncIterator[tuple[Pilot[int], OrbrowseApp]]:
    """The app opened on the default workspace, its browser shown; the first page does not
    come until the block ends."""
    emulator.faults.hold()
    app = make_app(workspace=DEFAULT_WORKSPACE_ID)
    try:
        async with app.run_test() as pilot:
            await screen_shown(pilot, BrowserScreen)
            yield pilot, app
    finally:
        emulator.faults.release()


async def test_the_collector_runs_again_when_the_first_page_does_not_come(
    emulator: RunningEmulator, make_app: AppFactory, paused_gc: None
) -> None:
    async with first_page_held(emulator, make_app) as (pilot, _):
        assert not gc.isenabled()
        await wait_until(pilot, gc.isenabled, "the collector running again", limit=5)
        await pilot.press("q")


async def test_quitting_before_the_first_page_still_remembers_the_workspace(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # The workspace is remembered after the frame with the first rows (to keep the config
    # write out of the start-up); a user who quits before they come opened it all the same.
    async with first_page_held(emulator, make_app) as (pilot, app):
        assert app.settings.recent_workspaces == ()
        await pilot.press("q")
    assert [r.id for r in app.settings.recent_workspaces] == [DEFAULT_WORKSPACE_ID]


@asynccontextmanager
async def workspaces_held(
    emulator: RunningEmulator, make_app: AppFactory
) -> AsyncIterator[tuple[Pilot[int], OrbrowseApp]]:
    """The app started without a workspace; the list of workspaces does not come until
    released (or the block ends)."""
    emulator.faults.hold()
    app = make_app()
    try:
        async with app.run_test(size=(140, 30)) as pilot:
            await wait_until(pilot, lambda: emulator.faults.held > 0, "the workspaces asked for")
            yield pilot, app
    finally:
        emulator.faults.release()


async def test_keys_typed_while_the_workspaces_are_looked_up_reach_the_picker(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # Over a slow link (tmux at 1,500 ms), "/oth" Enter typed while the workspaces were on
    # their way reached no screen (none is up until they come) and was lost.
    async with workspaces_held(emulator, make_app) as (pilot, app):
        await pilot.pause()
        assert "Looking up the workspaces…" in screen_text(app)  # not a blank screen
        await pilot.press("slash", "o", "t", "h", "enter")
        assert not any(isinstance(s, WorkspacePicker) for s in app.screen_stack)
        emulator.faults.release()
        screen = await screen_shown(pilot, BrowserScreen)
        assert screen.workspace.id == OTHER_WORKSPACE_ID


@pytest.mark.parametrize("key", ["ctrl+c", "q"])
async def test_quitting_works_before_any_screen_is_up(
    emulator: RunningEmulator, make_app: AppFactory, key: str
) -> None:
    async with workspaces_held(emulator, make_app) as (pilot, app):
        await pilot.press(key)  # not held for a screen to come: it quits now
        await pilot.pause()
        assert not app.is_running


async def test_q_after_another_key_waits_for_the_picker_as_a_letter(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    async with workspaces_held(emulator, make_app) as (pilot, app):
        await pilot.press("slash", "q")
        assert app.is_running
        emulator.faults.release()
        picker = await screen_shown(pilot, WorkspacePicker)
        await wait_until(pilot, lambda: picker.filter_box.value == "q", "q in the filter")

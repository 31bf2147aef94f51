"""The browser: the file table, the detail pane, the filter, the status line and every action.

The screen owns the I/O. Pages are fetched by one exclusive worker that applies each page in
the same coroutine that fetched it, so a cancelled or superseded load never applies stale rows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from typing import ClassVar

from textual import events, getters, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Input

from orbrowse import startup_gc
from orbrowse.api.client import FilesClient
from orbrowse.api.errors import OpenRouterError
from orbrowse.api.models import FileObject, FilePage
from orbrowse.api.pager import Pager
from orbrowse.deletion_plan import Plan, forget, newest_unfinished, plans_folder
from orbrowse.listing import file_list
from orbrowse.listing.file_list import FileList, SortColumn
from orbrowse.listing.filter_language import Filter, FilterError
from orbrowse.listing.filter_limit import FilterTooSlow, filter_time_limit, kept
from orbrowse.listing.folder_rows import FolderRows
from orbrowse.listing.folders import Folder, FolderTree, folder_path
from orbrowse.listing.formatting import human_size, visible_text
from orbrowse.listing.workspace_label import short_id
from orbrowse.tui.base import OrbrowseBase, WorkspaceChoice
from orbrowse.tui.listing_stopped import Stopped, explain_stop
from orbrowse.tui.preview_loader import PreviewLoader
from orbrowse.tui.read_ahead import MAX_PAGE, ReadAhead
from orbrowse.tui.widgets.breadcrumb import Breadcrumb
from orbrowse.tui.widgets.details import DetailsPane
from orbrowse.tui.widgets.file_table import DEFAULT_FETCH_AHEAD_ROWS, FileTable
from orbrowse.tui.widgets.fitting_input import FittingInput
from orbrowse.tui.widgets.footer import FittingFooter
from orbrowse.tui.widgets.preview import PreviewPane
from orbrowse.tui.widgets.status_line import StatusInfo, StatusLine
from orbrowse.tui.widgets.workspace_banner import WorkspaceBanner, parse_color

SORT_COLUMNS: tuple[SortColumn | None, ...] = (None, *file_list.SORT_COLUMNS)
"""What ``s`` steps through: load order, then every column the file list sorts by."""
NARROW_WIDTH = 110
SHORT_HEIGHT = 20
"""Below this many rows a narrow browser hides the detail pane (``i`` still shows it)."""
SLOW_REPLY_SECONDS = 2.0
"""A page that takes longer shows "waiting for page N (S s)…" in the status line."""
PREVIEW_MIN_SIZE = (70, 20)
"""Below this (columns, rows) the preview pane collapses and reads nothing."""
NAMED_BY_SERVER = {"account", "key"}
"""Where a workspace's name is not looked up again: the listing of workspaces just read
("account"), or a key that may not list them ("key")."""
WRITE_ACTIONS = {"upload", "delete"}
SELECTION_ACTIONS = {
    "delete",
    "download",
    "copy_ids",
    "copy_menu",
    "toggle_mark",
    "open_preview",
}
"""Actions on the marked files or the file under the cursor: offered only when there is one."""


def workspace_match_text(filter_text: str, matched: int, total: int) -> str:
    """``1,234 files of 56,789 in the workspace match `older:30d```: what M found."""
    noun = "file" if matched == 1 else "files"
    if not filter_text:
        return f"{matched:,} {noun} of {total:,} in the workspace (no filter: every file)"
    verb = "matches" if matched == 1 else "match"
    return f"{matched:,} {noun} of {total:,} in the workspace {verb} `{filter_text}`"


class BrowserScreen(Screen[None]):
    """Browse one workspace's files."""

    CSS_PATH = "browser.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_HEIGHT, "-tall")]  # noqa: RUF012 (Textual's)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "toggle_mark",
            "Mark",
            id="mark",
            tooltip="Mark or unmark the file under the cursor, then move down (on a folder: "
            "the files under it that the view shows, also those listed later)",
        ),
        Binding(
            "V",
            "visual",
            "Range",
            id="visual",
            tooltip="Start or end a range: moving the cursor marks every row it passes",
        ),
        Binding(
            "shift+down",
            "extend(1)",
            "Extend down",
            show=False,
            id="extend_down",
            tooltip="Mark this row and the one below",
        ),
        Binding(
            "shift+up",
            "extend(-1)",
            "Extend up",
            show=False,
            id="extend_up",
            tooltip="Mark this row and the one above",
        ),
        Binding(
            "a",
            "mark_all_loaded",
            "Mark loaded",
            show=False,
            id="mark_all",
            tooltip="Mark every loaded file the filter shows",
        ),
        Binding(
            "A",
            "mark_all_matching",
            "Mark loaded matches",
            show=False,
            id="mark_matching",
            tooltip="Mark every loaded file the filter matches",
        ),
        Binding(
            "M",
            "mark_every_match",
            "Mark every match in the workspace",
            show=False,
            id="mark_everywhere",
            tooltip="List the pages not loaded yet (Esc cancels), then mark every file of the "
            "workspace the filter matches",
        ),
        Binding(
            "asterisk",
            "invert_marks",
            "Invert marks",
            show=False,
            id="invert",
            key_display="*",
            tooltip="Swap marked and unmarked among the shown files",
        ),
        Binding(
            "c",
            "clear_marks",
            "Clear marks",
            show=False,
            id="clear_marks",
            tooltip="Unmark everything",
        ),
        Binding(
            "m",
            "only_marked",
            "Only marked",
            show=False,
            id="only_marked",
            tooltip="Show only the marked files, or everything again",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="filter",
            key_display="/",
            tooltip="Filter: text, re:regex, type:image/, >10MB, older:30d; ! inverts a term",
        ),
        Binding("s", "sort", "Sort", show=False, id="sort", tooltip="Sort by the next column"),
        Binding(
            "S",
            "reverse_sort",
            "Reverse sort",
            show=False,
            id="reverse_sort",
            tooltip="Reverse the sort order",
        ),
        Binding(
            "y",
            "copy_ids",
            "Copy id",
            id="copy",
            tooltip="Copy the ids of the marked files, or of the file under the cursor "
            "(on a folder: of the files under it that the view shows, once listed)",
        ),
        Binding(
            "Y",
            "copy_menu",
            "Copy…",
            show=False,
            id="copy_menu",
            tooltip="Copy names, ids or JSON of the selection",
        ),
        Binding(
            "u", "upload", "Upload", id="upload", tooltip="Upload a local file into this workspace"
        ),
        Binding(
            "d",
            "download",
            "Download",
            id="download",
            tooltip="Download the marked files, or the file under the cursor (on a folder: "
            "the files under it that the view shows)",
        ),
        Binding(
            "x",
            "delete",
            "Delete",
            id="delete",
            tooltip="Delete the marked files, or the file under the cursor (on a folder: the "
            "files under it that the view shows); asks first",
        ),
        Binding(
            "delete",
            "delete",
            "Delete",
            show=False,
            id="delete_key",
            tooltip="Delete the marked files, or the file under the cursor (on a folder: the "
            "files under it that the view shows); asks first",
        ),
        Binding(
            "L",
            "load_all",
            "Load all",
            show=False,
            id="load_all",
            tooltip="Load every page of the listing",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="refresh",
            tooltip="List again from the start (after an error: go on from where it stopped)",
        ),
        Binding(
            "i",
            "toggle_details",
            "Details",
            show=False,
            id="details",
            tooltip="Show or hide the detail pane",
        ),
        Binding(
            "o",
            "open_preview",
            "Preview",
            id="preview",
            tooltip="Preview the file under the cursor full screen",
        ),
        Binding(
            "enter",
            "open_row",
            "Open",
            show=False,
            id="preview_enter",
            tooltip="Open the folder under the cursor, or preview the file full screen",
        ),
        Binding(
            "f",
            "toggle_view",
            "Folders/flat",
            show=False,
            id="toggle_view",
            tooltip="Switch between the folder view and the flat list",
        ),
    ]
    HELP_SECTIONS: ClassVar[dict[str, str]] = {
        **dict.fromkeys(
            ["mark", "visual", "extend_down", "extend_up", "mark_all", "mark_matching",
             "mark_everywhere", "invert", "clear_marks"],
            "Mark",
        ),
        **dict.fromkeys(
            ["copy", "copy_menu", "upload", "download", "delete", "delete_key"], "Act on files"
        ),
        **dict.fromkeys(
            ["filter", "only_marked", "sort", "reverse_sort", "load_all", "refresh", "details",
             "preview", "preview_enter", "toggle_view"],
            "View",
        ),
    }  # fmt: skip
    """Help's headings for these keys, by binding id."""
    HELP_NOTE = (
        "Pages load as the cursor nears the end of the list, and only while no filter and "
        "no 'only marked' is on: a filter covers the files loaded so far and never loads "
        "pages by itself. L loads every page; M lists every page, then marks every match; "
        "the folder view lists every page (its totals need them). "
        "Under a filter or 'only marked' the folder view shows only the folders holding a "
        "match, counted by their matches, and x, y, d and space on a folder take its "
        "matches only. "
        "The status line says whether a count is 'of N loaded' or 'of all N' (the whole "
        "workspace)."
    )
    """The one rule for when pages load, shown at the top of help."""

    marked_count: reactive[int] = reactive(0, bindings=True)
    has_rows: reactive[bool] = reactive(False, bindings=True)

    def __init__(
        self,
        client: FilesClient,
        workspace: WorkspaceChoice,
        *,
        read_only: bool,
        pager: Pager | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.workspace = workspace
        self.read_only = read_only
        self.files = FileList()
        self.pager = pager or client.pager()
        """Sized from the settings on mount (when the app's settings can be read), unless the
        app started it early (its first request already on the wire)."""
        self.read_ahead = ReadAhead(base_page=100, base_margin=DEFAULT_FETCH_AHEAD_ROWS)
        self.fetching = False
        self.load_error: str | None = None
        self.stopped: Stopped | None = None
        """Why the listing stopped (``load_error`` is its status text)."""
        self.loading_everything = False
        """An ``L`` is under way (or was, until an error): ``r`` continues it."""
        self.job: str | None = None
        self.visual_anchor: int | None = None
        self.waiting_since: float | None = None
        """When the page being fetched was asked for (the status line counts the wait)."""
        self.pending_marks: set[str] = set()
        """Marks from before a refresh, put back as their files load again."""
        self._keys_waiting: set[str] = set()
        """Keys on the files typed before the first rows (:meth:`key_waits_for`)."""
        self.folders = FolderTree()
        """The loaded files by folder (kept in step with ``files``)."""
        self.folder_marks: dict[str, Filter | None] = {}
        """Marked folders, with the filter they were marked under (``None``: whole): files
        listed later under them are marked as they arrive if that filter keeps them."""
        self.folder_rows: FolderRows | None = None
        """The open folder in the folder view; ``None`` in the flat view."""
        self.view_chosen = False
        """The user chose a view (``f``) or the first page decided it: no more switching."""
        self.marking: str | None = None
        """The filter text of a "mark every match" waiting for the listing to end."""
        self.workspace_match: tuple[str, int, int, frozenset[str]] | None = None
        """The last "mark every match": filter, matches, files in the workspace, ids marked."""
        self._panes_batch = ExitStack()
        """Holds frames from the first frame until the detail pane's widgets are mounted."""

    orbrowse = getters.app(OrbrowseBase)
    table = getters.query_one("#files", FileTable)
    status_line = getters.query_one(StatusLine)
    filter_box = getters.query_one("#filter", Input)
    breadcrumb = getters.query_one("#breadcrumb", Breadcrumb)

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self._size_classes(self.app.size)
        yield Header()
        yield WorkspaceBanner(id="workspace-banner")
        with Horizontal(id="browser-body"):
            with Vertical(id="table-column"):
                yield Breadcrumb(id="breadcrumb", markup=False)
                yield FileTable(self.files, clock=self.orbrowse.clock, id="files")
                yield FittingInput(
                    placeholder="filter: text re:regex type:image/ >10MB older:30d, ! inverts",
                    id="filter",
                )
            with Vertical(id="details-column"):
                # The fields scroll (the wheel; Tab, then the arrows) below a narrow table.
                yield VerticalScroll(id="details-scroll", can_focus=False)
        yield StatusLine(id="status")
        yield FittingFooter()

    def on_mount(self) -> None:
        # The file's fields and its preview join the screen right after its first frame: made
        # now (they follow the cursor from the start), mounted, styled and laid out after it,
        # off the path to it (benchmarks/README.md, start-up). Their column keeps its size
        # meanwhile: nothing else moves. Textual publishes a layout refresh after drawing it.
        self.details = DetailsPane(clock=self.orbrowse.clock, id="details")
        self.preview_pane = PreviewPane(
            graphics=self.orbrowse.graphics,
            write=self.orbrowse.write_terminal,
            after_frame=self.orbrowse.write_after_frame,
            id="preview",
        )
        self.screen_layout_refresh_signal.subscribe(
            self.query_one("#details-column"), self._after_first_frame, immediate=True
        )
        self._show_title()
        if self.workspace.id and self.workspace.source not in NAMED_BY_SERVER:
            self.lookup_name()  # a name from the recent list may be out of date
        self.filter_box.display = False
        self.breadcrumb.display = False
        column = self.query_one("#details-column")
        self.previews = PreviewLoader(
            self,
            self.client,
            self.preview_pane,
            max_bytes=self.orbrowse.settings.preview_max_bytes,
            active=lambda: self.is_current and column.display and not self.has_class("-no-preview"),
        )
        self._apply_width(self.size.width)
        self.pager.limit = self.read_ahead.base_page = self.orbrowse.settings.page_size
        view = self.orbrowse.settings.view
        if view != "auto":
            self.view_chosen = True
            if view == "folders":
                self._show_folders("")
        self.update_status()
        self.set_interval(1.0, self._count_the_wait)
        self._apply_ready_page()
        self.load_pages()
        if not self.read_only:
            self.offer_resume()
        self.call_after_refresh(self.orbrowse.replay_typed_ahead)

    def _after_first_frame(self, _screen: Screen[object]) -> None:
        self.screen_layout_refresh_signal.unsubscribe(self.query_one("#details-column"))
        # Frames wait until both are mounted (Textual draws from its own timer's task, so a
        # batch begun later could let one through): the frame after the first has them.
        self._panes_batch.enter_context(self.app.batch_update())
        self.call_next(self._mount_panes)

    async def _mount_panes(self) -> None:
        with self._panes_batch:
            await self.query_one("#details-scroll").mount(self.details)
            await self.query_one("#details-column").mount(self.preview_pane)
            self._show_details(self.table.cursor_file, self.table.cursor_folder)

    def _show_title(self) -> None:
        """The header names the workspace (name; slug and the id's first 8 characters below),
        and the banner shows its label, colour and lock from the config."""
        fallback = "This key's workspace" if self.workspace.source == "key" else "Workspace"
        name = self.workspace.name or self.workspace.slug or fallback
        label = self.orbrowse.label_for(self.workspace)
        # Server and config text: no control or bidi characters (visible_text), no markup.
        badge = f"{label.badge} · " if label.badge else ""
        self.title = badge + visible_text(name)
        where = [visible_text(self.workspace.slug), short_id(self.workspace.id) or "key default"]
        self.sub_title = " · ".join(
            [part for part in where if part]
            + [f"key {self.orbrowse.settings.masked_key}"]
            + (["read-only"] if self.read_only else [])
        )
        self.query_one(WorkspaceBanner).show(
            label, parse_color(self.orbrowse.settings.style_of(self.workspace.id).color)
        )

    def workspace_style_changed(self) -> None:
        """The config's label, colour or lock of a workspace changed (from the picker)."""
        self.read_only = self.orbrowse.is_read_only(self.workspace)
        self._show_title()
        self.refresh_bindings()

    @work(group="workspace-name", exit_on_error=False)
    async def lookup_name(self) -> None:
        """Opened by id (``--workspace``, typed or recent in the picker): find its name, or
        its current one if renamed since the recent list kept it, if the key may list
        workspaces. Found, it is remembered in place of the old one."""
        wanted = (self.workspace.id or "").lower()
        try:
            async for workspace in self.client.iter_workspaces():
                if workspace.id.lower() == wanted:
                    self.workspace = WorkspaceChoice.of(workspace, self.workspace.source)
                    if self.orbrowse.workspace is not None and self.orbrowse.workspace.id == wanted:
                        self.orbrowse.workspace = self.workspace  # dialogs name it too
                    self._show_title()
                    self.orbrowse.remember_workspace(self.workspace)
                    return
        except OpenRouterError:
            return  # an ordinary key may not list workspaces: the id stays the title's stand-in

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    _resumed = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed:
            # Opened just now: every widget was styled as it mounted, with every stylesheet
            # loaded. Textual's own handler, next, would style them all again.
            self._resumed = True
            event.refresh_styles = False
        # Back from a dialog or the full view: reads were held while it was on top.
        previews: PreviewLoader | None = getattr(self, "previews", None)
        if previews is not None:
            previews.refresh()

    def _size_classes(self, size: Size) -> None:
        """The classes the size gives the screen, set before its widgets mount and are
        styled. Textual gives its breakpoint class on the screen's first resize, after the
        first frame: each widget was styled again (``profile_speed.py startup``), and a short
        narrow terminal saw the detail pane drawn, then hidden."""
        width, height = size
        # As Textual's: the class of the highest breakpoint reached.
        reached = max((p for p in self.VERTICAL_BREAKPOINTS if height >= p[0]), default=None)
        for point in self.VERTICAL_BREAKPOINTS:
            self.set_class(point == reached, point[1], update=False)
        self.set_class(width < NARROW_WIDTH, "-narrow", update=False)
        small = width < PREVIEW_MIN_SIZE[0] or height < PREVIEW_MIN_SIZE[1]
        self.set_class(small, "-no-preview", update=False)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW_WIDTH, "-narrow")
        # Under a narrow table the fields may not fit their strip: Tab reaches them to scroll.
        self.query_one("#details-scroll").can_focus = width < NARROW_WIDTH
        small = width < PREVIEW_MIN_SIZE[0] or self.size.height < PREVIEW_MIN_SIZE[1]
        if small != self.has_class("-no-preview"):
            self.set_class(small, "-no-preview")
            self.previews.refresh()

    # -- listing ----------------------------------------------------------------------------------

    def _new_pager(self) -> Pager:
        return self.client.pager(limit=self.orbrowse.settings.page_size)

    @property
    def has_more(self) -> bool:
        return self.pager.has_more

    @property
    def pages_loaded(self) -> int:
        return self.pager.pages

    @property
    def next_cursor(self) -> str | None:
        return self.pager.next_cursor

    @work(exclusive=True, group="listing", exit_on_error=False)
    async def load_pages(self, *, everything: bool = False) -> None:
        """Ask the pager for pages until the cursor has a comfortable margin of rows below it
        (or all), applying each one as it comes. Page size and margin follow the cursor's
        speed (:class:`ReadAhead`); loading everything asks for the largest pages."""
        self.fetching = True
        self.load_error = None
        self.stopped = None
        self.loading_everything = everything
        pager = self.pager
        table = self.table
        try:
            while pager.has_more:
                to_end = table.wants_end
                if not (everything or to_end or self._wants_more()):
                    break
                if self.marking is not None:
                    self.job = (
                        f"listing the workspace to mark every match: page {pager.pages + 1} "
                        "(Esc cancels)…"
                    )
                elif self.folder_rows is not None:
                    self.job = f"listing: {self.files.loaded_count:,} of ? files"
                elif to_end:
                    self.job = "loading to the end…"  # the count is the first thing shown
                elif everything:
                    self.job = "loading everything…"
                else:
                    self.job = f"loading page {pager.pages + 1}…"
                self.waiting_since = time.monotonic()
                self.update_status()
                # Rows the cursor already waits for, or all of them: the largest pages.
                behind = table.wanted_row is not None or self.folder_rows is not None
                pager.limit = (
                    MAX_PAGE if everything or to_end or behind else self.read_ahead.page_size()
                )
                flat = self.folder_rows is None
                table.show_listing(rows_coming=flat, more_rows=flat)
                page = await pager.next_page(
                    ahead=everything or to_end or self._wants_more(pager.limit)
                )
                self.waiting_since = None
                if pager.round_trip is not None:
                    self.read_ahead.page_took(pager.round_trip)
                self._apply_page(page)
                self._after_first_rows()
            self.loading_everything = False
            if self.marking is not None and not pager.has_more:
                self._finish_marking()
        except OpenRouterError as error:
            if self.marking is not None:
                self.marking = None
                self.notify("Nothing was marked: the listing stopped", title="Mark every match",
                            severity="warning")  # fmt: skip
            self.stopped = explain_stop(error, self.orbrowse.settings.config_path)
            self.load_error = self.stopped.status
            if self.stopped.key_refused and self.pages_loaded == 0:
                self.orbrowse.key_refused = True
            self.notify(
                self.stopped.notice, title="Listing stopped", severity="error", markup=False
            )
        finally:
            self.fetching = False
            self.job = None
            table.show_listing(rows_coming=False, more_rows=self._rows_may_come)
            self.waiting_since = None
            self.update_status()
            self._after_first_rows()  # the listing stopped (or had nothing) before any row

    _first_rows_seen = False

    def _after_first_rows(self) -> None:
        """Once, after the frame that draws the first page: remember the workspace. Its
        writing (tomlkit's import and parsing, an fsync) would otherwise be done before that
        frame (``benchmarks/profile_speed.py startup``)."""
        if self._first_rows_seen:
            return
        self._first_rows_seen = True
        self.call_after_refresh(self._remember_workspace)
        self.call_after_refresh(startup_gc.resume)  # paused by cli.main for the start-up

    _remembered = False

    def _remember_workspace(self) -> None:
        if self._remembered:
            return
        self._remembered = True
        self.orbrowse.remember_workspace(self.workspace)  # with its name, if found meanwhile

    def _apply_ready_page(self) -> None:
        """The first page, when its answer came while the app started (``orbrowse`` sends the
        request before it imports Textual: ``tui/launch.py``): applied before the first
        frame, which then shows rows instead of a loading table. The listing worker goes on
        from there."""
        page = self.pager.ready_page(ahead=self._wants_more(self.pager.limit))
        if page is None:
            return
        self.fetching = True  # the worker started next goes on: nothing else starts one
        if self.pager.round_trip is not None:
            self.read_ahead.page_took(self.pager.round_trip)
        self._apply_page(page)
        self._after_first_rows()

    def _apply_page(self, page: FilePage) -> None:
        files = self.files
        new = [f for f in page.files if f.id not in files]
        if files.filter is not None and new:
            self._kept(files.filter, new)  # too slow: cleared before it meets the page again
        files.append(new)
        self.folders.append(new)
        self._restore_marks(page.files)
        self._mark_in_marked_folders(new)
        if not self.view_chosen and new:
            if self.folders.has_folders and self.table.cursor_untouched:
                self.view_chosen = True
                self._show_folders("")
            elif not self.folders.has_folders:
                self.view_chosen = True
        self._files_changed()

    def _kept(self, criteria: Filter, files: Sequence[FileObject]) -> list[FileObject] | None:
        """The files ``criteria`` keeps, judged within the time limit: names it has not met
        yet (a later page's, or all loaded) may make it take for ever. ``None`` when it was
        too slow: then it is stopped wherever it was in use (:meth:`_stop_slow_filter`)."""
        try:
            return kept(criteria, files)
        except FilterTooSlow as error:
            self._stop_slow_filter(error)
            return None

    def _stop_slow_filter(self, error: FilterTooSlow) -> None:
        """A filter ran past its time limit: it stops being the filter, a "mark every match"
        under it marks nothing, the folders marked under it stop taking files; all said."""
        text = error.text
        said: list[str] = []
        if self.files.filter_text == text:
            self.files.set_filter("")  # no filter: fast whatever the names
            self.folders.match(None)  # nor the tree's copy of it (FolderRows.sync sets it)
            self.filter_box.value = ""
            said.append("The filter was cleared.")
        if self.marking == text:
            self.marking = None
            self.workers.cancel_group(self, "listing")  # no later page needs it now
            said.append("Nothing was marked (mark every match stopped).")
        marks = self.folder_marks
        folders = [path for path, by in marks.items() if by is not None and by.text == text]
        if folders:
            self._drop_folder_marks(folders.__contains__)
            shown = ", ".join(visible_text(path) for path in folders)
            said.append(
                f"{shown} no longer marked as a folder: its files marked so far stay marked, "
                "none listed later is marked."
                if len(folders) == 1
                else f"{shown} no longer marked as folders: their files marked so far stay "
                "marked, none listed later is marked."
            )
        self.notify(
            f"The filter {error}. " + " ".join(said),
            title="Filter too slow",
            severity="warning",
            markup=False,
        )

    def _mark_in_marked_folders(self, files: Sequence[FileObject]) -> None:
        """Files listed under a marked folder are marked as they arrive, if the filter the
        folder was marked under keeps them (any file, for a folder marked whole)."""
        if not self.folder_marks:
            return
        keeps: dict[Filter, set[str]] = {}
        for criteria in {by for by in self.folder_marks.values() if by is not None}:
            judged = self._kept(criteria, files)  # too slow: its folders are unmarked
            if judged is not None:
                keeps[criteria] = {file.id for file in judged}
        marks = self.folder_marks
        for file in files:
            path = folder_path(file.filename)
            while True:
                if path in marks:
                    kept_by = marks[path]
                    if kept_by is None or file.id in keeps.get(kept_by, ()):
                        if not self.files.is_marked(file.id):
                            self.files.toggle(file.id)
                        break
                if not path:
                    break
                path = folder_path(path[:-1])

    def _restore_marks(self, files: Iterable[FileObject]) -> None:
        if not self.pending_marks:
            return
        for file in files:
            if file.id in self.pending_marks:
                self.pending_marks.discard(file.id)
                if not self.files.is_marked(file.id):
                    self.files.toggle(file.id)

    @property
    def loads_as_you_move(self) -> bool:
        """The one rule for when pages load by themselves: as the cursor nears the end, and
        only while no filter and no "only marked" is on (they cover the loaded files; L and
        M load the rest)."""
        return not self.files.filter_text and not self.files.show_only_marked

    @property
    def _rows_may_come(self) -> bool:
        """Whether moving down may bring more rows (the table waits for them, G loads)."""
        return (
            self.has_more
            and self.load_error is None
            and self.loads_as_you_move
            and self.folder_rows is None  # the folder view lists every page by itself
        )

    def _wants_more(self, coming: int | None = 0) -> bool:
        """Whether the rows below the cursor (or a move waiting for rows), with ``coming``
        more, are fewer than the read-ahead margin (never under a filter in the flat view:
        see :attr:`loads_as_you_move`)."""
        if self.pages_loaded == 0 or self.folder_rows is not None:
            return True  # the folder view lists to the end: totals need every file
        table = self.table
        if table.wants_end:
            return True
        if not self.loads_as_you_move:
            return False
        position = table.cursor_row if table.wanted_row is None else table.wanted_row
        margin = self.read_ahead.margin()
        return len(self.files.view) + (coming or 0) - position <= margin

    def _cursor_position(self) -> None:
        table = self.table
        if not table.wants_end:
            wanted = table.wanted_row
            self.read_ahead.cursor_at(table.cursor_row if wanted is None else wanted)
        table.fetch_ahead_rows = self.read_ahead.margin()

    @on(FileTable.NearEnd)
    def near_end(self) -> None:
        self._cursor_position()
        if self._rows_may_come and not self.fetching:
            self.load_pages()

    @on(FileTable.EndWanted)
    def end_wanted(self) -> None:
        if self.has_more and self.load_error is None:
            self.load_pages()

    def _top_up(self) -> None:
        """Without a filter, keep a margin of rows loaded below the cursor even when rows go
        away (every loaded file deleted): the table's NearEnd only comes when it moves."""
        if (
            self.has_more
            and not self.fetching
            and self.load_error is None
            and self.pages_loaded > 0
            and (self.folder_rows is not None or not self.files.filter_text)
            and not self.files.show_only_marked
            and self._wants_more()
        ):
            self.load_pages()

    @on(FileTable.CursorMoved)
    def cursor_moved(self, message: FileTable.CursorMoved) -> None:
        self._cursor_position()
        self._show_details(message.file, message.folder)
        self.previews.follow(message.file)
        if self.visual_anchor is not None:
            self._mark_range(self.visual_anchor, message.index)
            self._files_changed()

    @on(FileTable.HeaderClicked)
    def header_clicked(self, message: FileTable.HeaderClicked) -> None:
        self.table.cycle_sort(message.column)
        self._sorted()

    def _show_details(self, file: FileObject | None, folder: Folder | None) -> None:
        if not self.details.is_mounted:
            return  # shown as it mounts (_mount_panes)
        if folder is not None:
            rows = self.folder_rows
            if rows is not None and rows.filtering:
                self.details.show_folder(
                    folder,
                    complete=not self.has_more,
                    shown=rows.totals(folder),
                    shown_as=rows.shown_as(),
                )
            else:
                self.details.show_folder(folder, complete=not self.has_more)
        else:
            self.details.show_file(file)

    def _show_current(self) -> None:
        self._show_details(self.table.cursor_file, self.table.cursor_folder)
        self.previews.follow(self.table.cursor_file)

    # -- status -------------------------------------------------------------------------------

    def _count_the_wait(self) -> None:
        if self.waiting_since is not None:
            self.update_status()

    def update_status(self) -> None:
        job = self.job
        if job is not None and self.waiting_since is not None:
            waited = time.monotonic() - self.waiting_since
            if waited >= SLOW_REPLY_SECONDS:  # say which request is slow, and for how long
                job = f"waiting for page {self.pages_loaded + 1} ({waited:.0f} s)…"
        info = StatusInfo(
            loaded=self.files.loaded_count,
            has_more=self.has_more,
            marked_count=self.files.marked_count,
            marked_bytes=self.files.marked_bytes,
            loaded_bytes=self.files.loaded_bytes,
            job=job,
            error=self.load_error,
            filter_text=self.files.filter_text,
            visible=len(self.files.view),
            hidden_marked=self.files.hidden_marked_count,
            shown_word="match" if self.folder_rows is not None and self.files.filter else "shown",
        )
        self.status_line.info = info

    def _files_changed(self, *, first_if_gone: bool = False) -> None:
        """The one path after the files, their view, their marks or the listing changed:
        rows, details and status are redrawn, and what the bindings offer follows
        (``first_if_gone``: see :meth:`FileTable.refresh_rows`)."""
        table = self.table
        table.totals_complete = not self.has_more
        if self.folder_rows is not None:
            self.folder_rows.sync()
            self._show_breadcrumb()
        table.refresh_rows(first_if_gone=first_if_gone)
        self._show_current()
        self.update_status()
        self._top_up()
        self.has_rows = table.row_count > 0
        self.marked_count = self.files.marked_count
        self.refresh_bindings()

    # -- marks ---------------------------------------------------------------------------------

    def action_toggle_mark(self) -> None:
        folder = self.table.cursor_folder
        if folder is not None:
            self._toggle_folder_mark(folder)
            self.table.move_cursor(1)
            self._files_changed()
            return
        current = self.table.cursor_file
        if current is None:
            return
        self.files.toggle(current.id)
        if not self.files.is_marked(current.id):
            self._unmark_folders_holding(current.filename)
        self.table.move_cursor(1)
        self._files_changed()

    def _toggle_folder_mark(self, folder: Folder) -> None:
        """Mark the files under the folder that the view shows (every one without a filter),
        listed or still to come; or, on a marked folder, unmark the ones shown."""
        visible = self.files.is_visible
        under = [file for file in folder.iter_files() if visible(file)]
        rows = self.folder_rows
        if rows is not None and rows.folder_marked(folder):
            self._unmark_folders_holding(folder.path)
            self._drop_folder_marks(lambda path: path.startswith(folder.path))
            for file in under:
                if self.files.is_marked(file.id):
                    self.files.toggle(file.id)
            return
        self.folder_marks[folder.path] = self.files.filter
        for file in under:
            if not self.files.is_marked(file.id):
                self.files.toggle(file.id)

    def _unmark_folders_holding(self, name: str) -> None:
        """A file or folder inside a marked folder was unmarked: that folder is no longer
        marked (its other files keep their marks, files still to come don't get one)."""
        self._drop_folder_marks(name.startswith)

    def _drop_folder_marks(self, which: Callable[[str], bool]) -> None:
        """Forget the folder marks whose paths ``which`` picks (the dict is shared with the
        folder rows: changed in place)."""
        marks = self.folder_marks
        for path in [path for path in marks if which(path)]:
            del marks[path]

    def action_visual(self) -> None:
        if self.visual_anchor is None:
            self.visual_anchor = self.table.cursor_row
            self._mark_range(self.visual_anchor, self.visual_anchor)
            self.notify("Visual range: move to extend, V again to stop", timeout=2)
        else:
            self._range_to_cursor()
            self.visual_anchor = None
        self._files_changed()

    def _range_to_cursor(self) -> None:
        """Extend an open range to where the cursor is now: keys in a burst (V G V, V j j j x)
        move the cursor before the screen handles their CursorMoved."""
        if self.visual_anchor is not None:
            self._mark_range(self.visual_anchor, self.table.cursor_row)

    def action_extend(self, delta: int) -> None:
        table = self.table
        self._mark_range(table.cursor_row, table.cursor_row)
        table.move_cursor(delta)
        self._mark_range(table.cursor_row, table.cursor_row)
        self._files_changed()

    def _mark_range(self, a_index: int, b_index: int) -> None:
        """Mark the rows between two row indices, both included: files, and in the folder
        view folders (every file under them)."""
        rows = self.folder_rows
        if rows is None:
            self.files.mark_range(a_index, b_index)
            return
        if not len(rows):
            return
        last = len(rows) - 1
        low, high = sorted((max(0, min(a_index, last)), max(0, min(b_index, last))))
        for index in range(low, high + 1):
            row = rows[index]
            if isinstance(row, Folder):
                if not rows.folder_marked(row):
                    self._toggle_folder_mark(row)
            elif not self.files.is_marked(row.id):
                self.files.toggle(row.id)

    def action_mark_all_loaded(self) -> None:
        self.files.mark_all_loaded()
        self._files_changed()

    def action_mark_all_matching(self) -> None:
        self.files.mark_all_matching()
        self._files_changed()
        if self.has_more:
            self.notify(
                "Only loaded files were marked; M marks every match in the workspace", timeout=4
            )

    def action_mark_every_match(self) -> None:
        """List the pages not loaded yet in the background, then mark every file of the
        workspace the filter matches (see :meth:`_finish_marking`); Escape cancels."""
        if self.marking is not None:
            return
        self.marking = self.files.filter_text
        if self.has_more:
            self.load_pages(everything=True)  # a stopped listing goes on from where it was
        else:
            self._finish_marking()

    def _finish_marking(self) -> None:
        files = self.files
        loaded = files.loaded_files()
        matched = loaded if files.filter is None else self._kept(files.filter, loaded)
        if matched is None:  # too slow on them all together: nothing marked, said
            self._files_changed(first_if_gone=True)
            return
        text, self.marking = self.marking or "", None
        files.mark(matched)
        total = files.loaded_count
        self.workspace_match = (text, len(matched), total, files.marked_ids)
        self._files_changed()
        self.notify(workspace_match_text(text, len(matched), total) + "; all marked",
                    title="Mark every match", markup=False)  # fmt: skip

    def cancel_marking(self, why: str = "cancelled") -> None:
        """Stop a "mark every match": the listing stops, nothing is marked."""
        if self.marking is None:
            return
        self.marking = None
        self.workers.cancel_group(self, "listing")
        self.notify(
            f"Mark every match {why}: nothing was marked; the "
            f"{self.files.loaded_count:,} files listed so far stay loaded",
            title="Mark every match",
            timeout=4,
        )
        self.update_status()

    def action_invert_marks(self) -> None:
        rows = self.folder_rows
        if rows is None:
            self.files.invert_marks()
            self._files_changed()
            return
        # The folder view shows one folder: invert what it shows, as the flat view does.
        for row in list(rows):
            if isinstance(row, Folder):
                self._toggle_folder_mark(row)
            else:
                self.files.toggle(row.id)
                if not self.files.is_marked(row.id):
                    self._unmark_folders_holding(row.filename)
        self._files_changed()

    def action_clear_marks(self) -> None:
        self.visual_anchor = None
        self.pending_marks.clear()
        self.folder_marks.clear()
        self.files.clear_marks()
        self._files_changed()

    def action_only_marked(self) -> None:
        self.files.toggle_show_only_marked()
        self._files_changed(first_if_gone=True)
        self._follow_the_rule()

    def _follow_the_rule(self) -> None:
        """A filter or "only marked" came or went: moving loads pages only without them."""
        if not self.fetching:
            self.table.show_listing(rows_coming=False, more_rows=self._rows_may_come)

    # -- filter and sort ------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.filter_box
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        try:
            with filter_time_limit(event.value, self.files.loaded_count):
                self.files.set_filter(event.value, now=self.orbrowse.clock())
        except FilterError as error:
            event.input.add_class("-invalid")
            self.job = f"filter: {error}"
        except FilterTooSlow as error:
            event.input.add_class("-invalid")
            self.job = f"filter: {error}: the last good filter stays"
        else:
            event.input.remove_class("-invalid")
            self.job = None
        if self.marking is not None and self.marking != self.files.filter_text:
            self.cancel_marking("cancelled (the filter changed)")
        self._files_changed(first_if_gone=True)
        self._follow_the_rule()

    @on(Input.Submitted, "#filter")
    def filter_submitted(self) -> None:
        self.table.focus()
        if not self.files.filter_text:
            self.filter_box.display = False
        if self.has_more and self.files.filter_text:
            self.notify(
                f"The filter covers the {self.files.loaded_count:,} files loaded so far and "
                "loads no more by itself: L loads every page, M marks every match in the "
                "workspace",
                timeout=4,
            )

    def key_escape(self) -> None:
        box = self.filter_box
        if box.has_focus:
            box.value = ""
            box.display = False
            self.table.focus()
        elif self.visual_anchor is not None:
            self.visual_anchor = None
        elif self.marking is not None:
            self.cancel_marking()

    def action_sort(self) -> None:
        current = SORT_COLUMNS.index(self.files.sort_column)
        self._sort(SORT_COLUMNS[(current + 1) % len(SORT_COLUMNS)], False)

    def action_reverse_sort(self) -> None:
        self._sort(self.files.sort_column or "created", not self.files.sort_descending)

    def _sort(self, column: SortColumn | None, descending: bool) -> None:
        self.table.set_sort(column, descending)
        self._sorted()

    def _sorted(self) -> None:
        self._files_changed()
        label = self.files.sort_column or "load order"
        descending = " (descending)" if self.files.sort_descending else ""
        self.notify(f"Sorted by {label}{descending}", timeout=2)

    def action_load_all(self) -> None:
        if self.has_more:
            self.load_pages(everything=True)

    def action_refresh(self) -> None:
        if self.load_error is not None and not (self.stopped and self.stopped.start_over):
            # Resume from the last good cursor; an interrupted L goes on to the end.
            self.load_pages(everything=self.loading_everything)
            return
        self.cancel_marking("cancelled (listing again)")
        # Marks survive a refresh: each comes back when its file is listed again.
        self.pending_marks |= self.files.marked_ids
        self.files.clear()
        self.folders.clear()
        self.workers.cancel_group(self, "listing")
        self.pager.cancel()
        self.pager = self._new_pager()
        self._files_changed()
        self.load_pages()

    def on_unmount(self) -> None:
        self._panes_batch.close()  # closed before they were mounted: frames must not wait
        self.pager.cancel()
        # Left (quit, another workspace) before the frame with the first rows was drawn.
        self._remember_workspace()

    def action_toggle_details(self) -> None:
        column = self.query_one("#details-column")
        column.display = not column.display
        self.previews.refresh()

    # -- folders ---------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        """Folders to flat and back; the cursor stays on its file (on a folder's first file,
        or the folder that holds the file, when it has to)."""
        self.view_chosen = True
        table = self.table
        if self.folder_rows is None:
            current = table.cursor_file
            self._show_folders(folder_path(current.filename) if current else "", current)
            self.notify("Folder view", timeout=2)
        else:
            current = table.cursor_file
            folder = table.cursor_folder
            if current is None and folder is not None:
                current = next((f for f in folder.iter_files() if self.files.is_visible(f)), None)
            self.folder_rows = None
            self.folders.match(None)  # the flat view needs no folder totals of matches
            table.show_folders(None)
            found = self.files.index_of(current.id) if current is not None else None
            table.go_to(found or 0)
            # The folder view told the table no rows would come (it lists by itself); a page
            # on its way now brings flat rows, and a move past the end (G) must wait for it.
            if self.fetching:
                table.show_listing(rows_coming=True, more_rows=True)
            else:
                table.show_listing(rows_coming=False, more_rows=self._rows_may_come)
            self.breadcrumb.display = False
            self.notify("Flat list", timeout=2)
        self._files_changed()

    def _show_folders(self, path: str, file: FileObject | None = None) -> None:
        if self.folder_rows is None:
            self.folder_rows = FolderRows(self.folders, self.files, path)
            self.folder_rows.marked_folders = self.folder_marks
        else:
            self.folder_rows.open(path)
        rows = self.folder_rows
        cursor = rows.index_of_file(file.id) if file is not None else None
        self.table.show_folders(rows, cursor=cursor or 0)
        self.breadcrumb.display = True
        self._show_breadcrumb()
        self.table.show_listing(rows_coming=False, more_rows=False)
        if self.has_more and not self.fetching and self.load_error is None:
            self.load_pages()

    def _show_breadcrumb(self) -> None:
        rows = self.folder_rows
        if rows is None:
            return
        self.breadcrumb.show(rows.folder)

    @on(FileTable.OpenFolder)
    def open_folder(self, message: FileTable.OpenFolder) -> None:
        self._open(message.folder)

    def _open(self, folder: Folder) -> None:
        rows = self.folder_rows
        if rows is None:
            return
        rows.open(folder.path)
        self.table.show_folders(rows, cursor=0)
        self._files_changed()

    @on(FileTable.FolderUp)
    def folder_up(self) -> None:
        rows = self.folder_rows
        if rows is None or rows.folder.parent is None:
            return
        left = rows.folder.path
        rows.open(rows.folder.parent.path)
        self.table.show_folders(rows, cursor=rows.index_of_folder(left) or 0)
        self._files_changed()

    def action_open_row(self) -> None:
        """Enter: open the folder under the cursor, or preview the file as ``o`` does."""
        folder = self.table.cursor_folder
        if folder is not None:
            self._open(folder)
        else:
            self.action_open_preview()

    def action_open_preview(self) -> None:
        from orbrowse.tui.screens.preview import PreviewScreen

        current = self.table.cursor_file
        if current is None:
            return
        self.app.push_screen(PreviewScreen(current, self.previews))

    # -- clipboard ---------------------------------------------------------------------------------

    def _selection(self) -> list[FileObject]:
        """The marked files, or else every loaded file in the folder under the cursor that
        the view shows (under a filter: its matches), or else the file under the cursor."""
        self._range_to_cursor()
        if self.files.marked_count:
            return self.files.marked_files
        folder = self.table.cursor_folder
        if folder is not None:
            visible = self.files.is_visible
            return [file for file in folder.iter_files() if visible(file)]
        current = self.table.cursor_file
        return [current] if current is not None else []

    def _selected_folders(self) -> dict[str, Filter | None]:
        """The folders the selection takes, by path, each with the filter that picks its
        files (``None``: every file): those marked (the outermost), or with nothing marked
        the folder under the cursor (under the current filter)."""
        self._range_to_cursor()
        if self.files.marked_count or self.folder_marks:
            marks = self.folder_marks
            return {
                p: marks[p]
                for p in sorted(marks)
                if not any(p != q and p.startswith(q) for q in marks)
            }
        folder = self.table.cursor_folder
        if folder is None:
            return {}
        return {folder.path: self.files.filter}

    async def _listed_selection(self, what: str) -> list[FileObject] | None:
        """The selection for ``what``; with folders in it, once every file is listed (a
        folder's files are known only then). ``None`` when the user cancels the wait."""
        from orbrowse.tui.dialogs.wait_listing import ListingState, WaitForListingDialog

        if not self._selected_folders() or not self.has_more:
            return self._selection()

        def go_on() -> None:
            self.load_pages(everything=True)

        if not self.fetching and self.load_error is None:
            go_on()
        listed = await self.app.push_screen_wait(
            WaitForListingDialog(
                what,
                lambda: ListingState(self.files.loaded_count, not self.has_more, self.load_error),
                go_on,
            )
        )
        return self._selection() if listed else None

    def action_copy_ids(self) -> None:
        if self._selected_folders() and self.has_more:
            self._copy_ids_when_listed()
            return
        self._copy_ids(self._selection())

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def _copy_ids_when_listed(self) -> None:
        files = await self._listed_selection("Copy ids")
        if files is not None:
            self._copy_ids(files)

    def _copy_ids(self, files: list[FileObject]) -> None:
        if not files:
            self.notify("Nothing to copy", severity="warning")
            return
        what = "1 id" if len(files) == 1 else f"{len(files):,} ids"
        self.orbrowse.copy_text("\n".join(f.id for f in files), what)

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_copy_menu(self) -> None:
        from orbrowse.tui.dialogs.copy_menu import CopyMenu

        files = await self._listed_selection("Copy")
        if files is None:
            return
        if not files:
            self.notify("Nothing to copy", severity="warning")
            return
        menu = CopyMenu(files)
        text = await self.app.push_screen_wait(menu)
        if text:
            self.orbrowse.copy_text(text, menu.copied())

    # -- write actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.read_only:
            return False
        if action in SELECTION_ACTIONS:
            rows = len(self.folder_rows) if self.folder_rows is not None else len(self.files.view)
            return True if rows or self.files.marked_count else None
        return True

    def key_waits_for(self, key: str) -> Callable[[], bool] | None:
        """A key on the files (x, d, y, space, o…) typed before the first rows came has
        nothing to act on yet: it waits for them (:mod:`orbrowse.tui.type_ahead` holds it,
        and the keys after it), as j and G do. What it waits for, or ``None``."""
        if self._first_rows_seen:
            return None
        active = self.active_bindings.get(key)
        if active is None or active.enabled or active.binding.action not in SELECTION_ACTIONS:
            return None
        if not self._keys_waiting:
            self.notify(f"{active.binding.description}: waiting for the files to be listed…",
                        timeout=3, markup=False)  # fmt: skip
        self._keys_waiting.add(key)
        return lambda: self._first_rows_seen or not self.is_attached

    def _waited_for_nothing(self, event: events.Key) -> None:
        """A key that waited for the first rows, when none came (an empty workspace, a
        listing that failed): it says so instead of doing nothing."""
        if event.key not in self._keys_waiting:
            return
        self._keys_waiting.discard(event.key)
        active = self.active_bindings.get(event.key)
        if active is not None and not active.enabled and not isinstance(self.focused, Input):
            self.notify(f"{active.binding.description}: no file is listed", severity="warning",
                        timeout=4, markup=False)  # fmt: skip

    def on_key(self, event: events.Key) -> None:
        """A write key in a read-only workspace says why nothing happens (its binding is
        hidden, so it would otherwise do nothing at all). The chain has the keymap applied."""
        self._waited_for_nothing(event)
        if not self.read_only or isinstance(self.focused, Input):
            return
        own = [bindings for node, bindings in self._binding_chain if node is self]
        for binding in own[0].key_to_bindings.get(event.key, ()) if own else ():
            if binding.action in WRITE_ACTIONS:
                event.stop()
                event.prevent_default()
                source = "--read-only" if self.orbrowse.settings.read_only else "the config file"
                self.notify(
                    f"This workspace is read-only ({source}): nothing can be "
                    f"{'uploaded' if binding.action == 'upload' else 'deleted'} here.",
                    title="Read-only",
                    severity="warning",
                    timeout=4,
                    markup=False,
                )
                return

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_upload(self) -> None:
        from orbrowse.tui.dialogs.upload import UploadDialog

        uploaded = await self.app.push_screen_wait(
            UploadDialog(self.client, self.orbrowse.download_dir)
        )
        if uploaded is not None:
            if uploaded.id not in self.files:
                self.folders.append([uploaded])
            self.files.insert_new(uploaded)
            self._files_changed()
            self.notify(f"Uploaded as {uploaded.id}", title="Upload", markup=False)

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_download(self) -> None:
        from orbrowse.tui.dialogs.download import DownloadDialog

        files = await self._listed_selection("Download")
        if not files:
            return
        folders = self._selected_folders()
        rows = self.folder_rows
        base = rows.path if folders and rows is not None else None
        saved = await self.app.push_screen_wait(
            DownloadDialog(self.client, files, self.orbrowse.download_dir, base=base)
        )
        if saved:
            where = saved[0] if len(saved) == 1 else saved[0].parent
            what = "1 file" if len(saved) == 1 else f"{len(saved):,} files"
            self.notify(f"Downloaded {what} to {where}", title="Download", markup=False)

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def action_delete(self) -> None:
        from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog

        files = await self._listed_selection("Delete")
        if files is None:
            self.notify("Nothing was deleted", timeout=2)
            return
        if not files:
            return
        folders = self._selected_folders()
        hidden = self.files.hidden_marked_count if self.files.marked_count else 0
        where = self.orbrowse.label_for(self.workspace)
        match = self.workspace_match
        scope = ""
        if match is not None and self.files.marked_count and match[3] == self.files.marked_ids:
            scope = workspace_match_text(*match[:3])  # these marks are that whole match
        confirmed = await self.app.push_screen_wait(
            ConfirmDeleteDialog(
                files,
                hidden,
                workspace=where,
                export_to=self.orbrowse.download_dir,
                folders=list(folders),
                folder_filters=matching_filters(folders, files),
                scope=scope,
            )
        )
        if not confirmed:
            self.notify("Nothing was deleted", timeout=2)
            return
        await self._carry_out(files)

    async def _carry_out(self, files: Sequence[FileObject], resumed: Plan | None = None) -> None:
        """Delete ``files`` (the rest of ``resumed``) in the progress dialog; say how it went."""
        from orbrowse.bulk import UNREACHABLE
        from orbrowse.tui.dialogs.delete_progress import DeleteProgressDialog

        settings = self.orbrowse.settings
        report = await self.app.push_screen_wait(
            DeleteProgressDialog(
                self.client,
                files,
                concurrency=settings.delete_concurrency,
                undo_seconds=settings.undo_seconds,
                log=self.orbrowse.deletion_log,
                workspace_id=self.workspace.id,
                resumed=resumed,
                workspace=self.orbrowse.label_for(self.workspace),
            )
        )
        if report is None:
            self.notify("Deletion cancelled; nothing was deleted", title="Undo", timeout=3)
            return
        self.drop_deleted(report.deleted_ids)
        failed = len(report.failed)
        uncertain = len(report.uncertain)
        unsent = len(report.not_attempted)
        total = human_size(sum(f.size_bytes for f in report.deleted))
        self.notify(
            f"Deleted {len(report.deleted):,} files ({total})"
            + (f"; {failed:,} failed" if failed else "")
            + (f"; {uncertain:,} may have been deleted" if uncertain else "")
            + (f"; {unsent:,} not attempted" if unsent else "")
            + (f". Stopped: {UNREACHABLE}" if report.server_unreachable else ""),
            title="Delete",
            severity="warning" if failed or uncertain or unsent else "information",
        )

    @work(exclusive=True, group="dialog", exit_on_error=False)
    async def offer_resume(self) -> None:
        """A deletion in this workspace was cut short: offer to resume, show or forget it."""
        log = self.orbrowse.deletion_log.path
        # `orbrowse rm` without --workspace files the key's own workspace as KEY_WORKSPACE.
        ids = {self.workspace.id, None} if self.workspace.source == "key" else {self.workspace.id}
        try:
            folders = [plans_folder(log, workspace) for workspace in ids]
        except ValueError:
            return
        warnings: list[str] = []

        def newest() -> Plan | None:
            found = [newest_unfinished(folder, warn=warnings.append) for folder in folders]
            return max((p for p in found if p), key=lambda p: p.path.name, default=None)

        plan = await asyncio.to_thread(newest)
        for warning in warnings:
            self.notify(warning, title="Deletion plan", severity="warning", markup=False)
        if plan is None:
            return
        # Imported only now: this runs at every start, and the dialogs package is a good part
        # of a start-up's imports (profile_speed.py startup).
        from orbrowse.tui.dialogs.resume_offer import ResumeOfferDialog

        where = self.orbrowse.label_for(self.workspace)
        choice = await self.app.push_screen_wait(ResumeOfferDialog(plan, where))
        if choice == "resume":
            await self._carry_out(plan.remaining, resumed=plan)
        elif choice == "forget":
            try:
                forget(plan)
            except OSError as error:
                self.notify(f"Could not forget it: {error}", severity="error", markup=False)
                return
            self.notify("Forgotten: it will not be offered again", title="Deletion", timeout=3)

    def drop_deleted(self, ids: Iterable[str]) -> None:
        gone = set(ids)
        self.table.leave_files(gone)
        self.folders.remove(self.files.remove(gone))
        # A marked folder that is gone (every file deleted) is no longer marked.
        self._drop_folder_marks(lambda path: self.folders.folder(path) is None)
        self._files_changed()

    # -- the command palette ---------------------------------------------------------------

    def palette_commands(self) -> Sequence[SystemCommand]:
        """Every action of this screen that is available now, for the command palette."""
        commands: list[SystemCommand] = []
        if self.marking is not None:
            commands.append(
                SystemCommand(
                    "Cancel mark every match",
                    "Stop listing the workspace; mark nothing (Esc)",
                    self.cancel_marking,
                )
            )
        offered: set[str] = set()
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            name = binding.action.split("(")[0]
            if binding.action in offered or self.check_action(name, ()) is not True:
                continue
            offered.add(binding.action)
            key = binding.key_display or binding.key.split(",")[0]
            commands.append(
                SystemCommand(
                    binding.description,
                    f"{binding.description} ({key})",
                    lambda action=binding.action: self.run_action(action),
                )
            )
        return commands


def matching_filters(
    folders: dict[str, Filter | None], files: Sequence[FileObject]
) -> dict[str, str]:
    """For the delete confirmation: each folder's filter text, where every file of ``files``
    under the folder matches it (a file marked on its own may not: then none is named)."""
    named: dict[str, str] = {}
    for path, kept_by in folders.items():
        under = (f for f in files if f.filename.startswith(path))
        if kept_by is not None and all(kept_by.matches(f) for f in under):
            named[path] = kept_by.text
    return named

"""The file table: a line-API ``ScrollView`` over a :class:`~orbrowse.listing.file_list.FileList`.

Only the visible lines are built (``render_line``), each from the file at that view index,
and memoised in an ``LRUCache`` keyed on the file itself and everything that changes its
look. Nothing is measured over all rows: column widths come from the terminal width, the
virtual height is the view's length. So appending a page or moving the cursor costs the same
at 100,000 loaded rows as at 1,000.

The table never fetches: it posts :class:`FileTable.NearEnd` and the screen loads more, then
calls :meth:`FileTable.refresh_rows`. Marks are the screen's keys; the table only shows them.

In the folder view (:meth:`FileTable.show_folders`) the rows come from a
:class:`~orbrowse.listing.folder_rows.FolderRows` instead: the open folder's subfolders
(``name/``, file count, total size, newest date) then its files by their last segment, with a
"share" column, a bar of each row's size against the largest of its siblings (as ncdu draws
it). Under a filter or "only marked" a folder row counts only the files it shows ("12 of 216
files"); an open folder without any says so in the empty table. Until the listing is
complete, folder totals read "≥". ``l``/``→`` on a folder posts
:class:`FileTable.OpenFolder`, ``h``/``←``/Backspace posts :class:`FileTable.FolderUp`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from orbrowse.api.models import FileObject
from orbrowse.listing.file_list import FileList, SortColumn
from orbrowse.listing.folder_rows import FolderRows, Row
from orbrowse.listing.folders import Folder, leaf_name, shown_name
from orbrowse.listing.formatting import (
    Align,
    Clock,
    fit,
    human_size,
    relative_time,
    utc_now,
    visible_text,
)

MARK_GLYPH = "●"
DOWNLOADABLE_GLYPH = "✓"
SORT_ASCENDING = "▲"
SORT_DESCENDING = "▼"
GUTTER_WIDTH = 2
FILENAME_MIN_WIDTH = 16
DEFAULT_FETCH_AHEAD_ROWS = 200
"""Two API pages of 100: holding j never reaches rows that are not loaded yet."""
LOADING_TEXT = "loading more…"
LOADING_END_TEXT = "loading to the end…"
AT_LEAST = "≥"
SHARE_WIDTH = 8
BAR_EIGHTHS = " ▏▎▍▌▋▊▉█"
_END = 1 << 62
"""A waiting move's target meaning "the last file of the workspace"."""
_END_SLACK = 1 << 40
"""Moves up from _END stay above _END - _END_SLACK: still counted from the end."""


ColumnKey = SortColumn | Literal["share"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column's place on a line: ``start`` is its first cell."""

    key: ColumnKey
    title: str
    width: int
    align: Align
    start: int = 0


# Fixed widths; the filename takes what is left. Optional columns are dropped, in
# _DROP_ORDER, when the filename would get less than FILENAME_MIN_WIDTH cells.
_COLUMNS: tuple[Column, ...] = (
    Column("filename", "Name", 0, "left"),
    Column("size", "Size", 10, "right"),
    Column("share", "Share", SHARE_WIDTH, "left"),
    Column("type", "Type", 16, "left"),
    Column("created", "Created", 14, "left"),
    Column("downloadable", "↓", 2, "left"),
    Column("id", "ID", 32, "left"),
)
_DROP_ORDER: tuple[ColumnKey, ...] = ("id", "type", "created", "downloadable")
_FOLDER_DROP_ORDER: tuple[ColumnKey, ...] = ("id", "downloadable", "share", "created", "type")
"""In the folder view the counts (in Type: "12 of 216 files" under a filter) and the bars
matter more than the ↓ column, and the counts more than the dates (kept at 60 columns)."""


def layout_columns(width: int, *, folders: bool = False) -> tuple[Column, ...]:
    """The columns that fit ``width`` cells, with their widths and start cells; the
    "share" column only in the folder view."""
    keep = [column.key for column in _COLUMNS if folders or column.key != "share"]

    def filename_width() -> int:
        fixed = sum(c.width + 1 for c in _COLUMNS if c.key in keep and c.key != "filename")
        return width - GUTTER_WIDTH - fixed

    for key in _FOLDER_DROP_ORDER if folders else _DROP_ORDER:
        if filename_width() >= FILENAME_MIN_WIDTH:
            break
        if key in keep:
            keep.remove(key)
    columns: list[Column] = []
    start = GUTTER_WIDTH
    for column in _COLUMNS:
        if column.key not in keep:
            continue
        size = max(1, filename_width()) if column.key == "filename" else column.width
        columns.append(Column(column.key, column.title, size, column.align, start))
        start += size + 1
    return tuple(columns)


def count_text(count: int, of: int | None, bound: str, width: int) -> str:
    """A folder's file count in ``width`` cells: "216 files", or under a filter (``of``: every
    file under it) "12 of 216 files", shortened to "12 of 216", then "12 files", to fit."""
    files = f"file{'' if count == 1 else 's'}"
    if of is None:
        return f"{bound}{count:,} {files}"
    for text in (f"{bound}{count:,} of {of:,} files", f"{bound}{count:,} of {of:,}"):
        if len(text) <= width:
            return text
    return f"{bound}{count:,} {files}"


def share_bar(size: int, largest: int, width: int) -> str:
    """``size`` against ``largest`` as a bar of ``width`` cells, in eighths of a cell."""
    if largest <= 0 or size <= 0:
        return " " * width
    eighths = max(1, round(size * width * 8 / largest))
    full, part = divmod(min(eighths, width * 8), 8)
    bar = "█" * full + (BAR_EIGHTHS[part] if part else "")
    return bar.ljust(width)


class FileTable(ScrollView, can_focus=True):
    """A virtual table of files: header, cursor row, marked rows, fixed-cost rendering."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "file-table--header",
        "file-table--cursor",
        "file-table--marked",
        "file-table--loading",
    }

    DEFAULT_CSS = """
    FileTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        & > .file-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        /* $accent was 3.55:1 on nord's surface; $text-accent is $accent lightened. */
        & > .file-table--marked {
            color: $text-accent;
            text-style: bold;
        }
        /* The light themes' amber is 1.4:1 on their surface: the status line's dark amber
           (5.1:1 on textual-light's surface). */
        &:light > .file-table--marked {
            color: #7A4A00;
        }
        & > .file-table--loading {
            color: $text-muted;
            text-style: italic;
        }
        & > .file-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .file-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    BINDING_GROUP_TITLE = "Move"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j,down", "cursor_down", "Down", show=False, id="file_table.down", tooltip="Next file"
        ),
        Binding("k,up", "cursor_up", "Up", show=False, id="file_table.up", tooltip="Previous file"),
        Binding(
            "g,home",
            "cursor_first",
            "First row",
            show=False,
            id="file_table.first",
            tooltip="First file",
        ),
        Binding(
            "G,end",
            "cursor_last",
            "Last row",
            show=False,
            id="file_table.last",
            tooltip="Last loaded file",
        ),
        Binding(
            "ctrl+d",
            "cursor_half_page(1)",
            "Half page down",
            show=False,
            id="file_table.half_page_down",
            tooltip="Half a page down",
        ),
        Binding(
            "ctrl+u",
            "cursor_half_page(-1)",
            "Half page up",
            show=False,
            id="file_table.half_page_up",
            tooltip="Half a page up",
        ),
        Binding(
            "pagedown",
            "cursor_page(1)",
            "Page down",
            show=False,
            id="file_table.page_down",
            tooltip="A page down",
        ),
        Binding(
            "pageup",
            "cursor_page(-1)",
            "Page up",
            show=False,
            id="file_table.page_up",
            tooltip="A page up",
        ),
        Binding(
            "l,right",
            "open_folder",
            "Open folder",
            show=False,
            id="file_table.open_folder",
            tooltip="Folder view: open the folder under the cursor",
        ),
        Binding(
            "h,left,backspace",
            "folder_up",
            "Up a folder",
            show=False,
            id="file_table.folder_up",
            tooltip="Folder view: back to the folder above, the cursor on the one left",
        ),
    ]

    cursor_row: reactive[int] = reactive(0, init=False)
    """The cursor's index in the view."""

    @dataclass
    class TableMessage(Message):
        """A message from a file table, which is its control (what ``@on`` selectors match)."""

        table: FileTable

        @property
        def control(self) -> FileTable:
            return self.table

    @dataclass
    class CursorMoved(TableMessage):
        """The cursor is on another file (or none: a folder, or no rows). A newer one
        replaces a queued one."""

        file: FileObject | None
        index: int
        folder: Folder | None = None

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FileTable.CursorMoved) and message.table is self.table

    @dataclass
    class NearEnd(TableMessage):
        """The cursor or the viewport is close to the last loaded row: load more now."""

        remaining: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FileTable.NearEnd) and message.table is self.table

    @dataclass
    class EndWanted(TableMessage):
        """The last row of the workspace was asked for (``G``) while more rows may come."""

    @dataclass
    class OpenFolder(TableMessage):
        """Open this folder (folder view: ``l``, ``→`` on a folder row)."""

        folder: Folder

    @dataclass
    class FolderUp(TableMessage):
        """Go up to the folder above (folder view: ``h``, ``←``, Backspace)."""

    @dataclass
    class HeaderClicked(TableMessage):
        """A column header was clicked: the screen sorts (``cycle_sort`` is the usual answer)."""

        column: SortColumn

    def __init__(
        self,
        file_list: FileList | None = None,
        *,
        clock: Clock = utc_now,
        fetch_ahead_rows: int = DEFAULT_FETCH_AHEAD_ROWS,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.file_list = file_list if file_list is not None else FileList()
        self.clock = clock
        self.fetch_ahead_rows = fetch_ahead_rows
        """NearEnd is posted when fewer loaded rows than this lie past the cursor/viewport."""
        self._row_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._header_cache: LRUCache[tuple[object, ...], Strip] = LRUCache(16)
        self._columns_cache: LRUCache[tuple[int, bool], tuple[Column, ...]] = LRUCache(8)
        self._cursor_key: tuple[str, str] | None = None
        self._posted_cursor: tuple[tuple[str, str] | None, int] | None = None
        self.folder_rows: FolderRows | None = None
        """The open folder's rows in the folder view; ``None``: the flat view."""
        self.totals_complete = True
        """Whether every file is listed (folder totals are exact, not lower bounds)."""
        self.more_rows = False
        """Whether more rows may still come (the screen says so): moves past the end wait."""
        self.rows_coming = False
        """Whether a page is on its way: a loading row shows after the last row."""
        self._wanted: int | None = None
        """A row past the loaded end the cursor was moved to (an index, or _END ± rows)."""
        self._keeps_top = True
        """The cursor has not moved since the rows were shown on the first row: it stays on
        the first row when rows arrive above it (a sort, a folder listed later)."""

    # --- public helpers ----------------------------------------------------------------

    @property
    def rows(self) -> Sequence[Row]:
        """What the table shows: the file list's view, or the open folder's rows."""
        folder_rows = self.folder_rows
        return folder_rows if folder_rows is not None else self.file_list.view

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_row_object(self) -> Row | None:
        rows = self.rows
        return rows[self.cursor_row] if 0 <= self.cursor_row < len(rows) else None

    @property
    def cursor_file(self) -> FileObject | None:
        row = self.cursor_row_object
        return row if isinstance(row, FileObject) else None

    @property
    def cursor_folder(self) -> Folder | None:
        row = self.cursor_row_object
        return row if isinstance(row, Folder) else None

    @property
    def showing_folders(self) -> bool:
        return self.folder_rows is not None

    def show_folders(self, rows: FolderRows | None, *, cursor: int = 0) -> None:
        """Switch to the folder view over ``rows`` (``None``: back to the flat view), the
        cursor on ``cursor``; the first rows are drawn at once, whatever the folder's size."""
        self.folder_rows = rows
        self._cursor_key = None
        self._wanted = None
        self._keeps_top = cursor == 0
        self._row_cache.clear()
        self.virtual_size = Size(0, self.row_count + 1 + int(self.rows_coming))
        target = self.validate_cursor_row(cursor)
        self.scroll_to(y=max(0, target - self.rows_in_view // 2), animate=False, force=True)
        if target != self.cursor_row:
            self.cursor_row = target
        else:
            self._cursor_changed()
        self.refresh()

    @property
    def rows_in_view(self) -> int:
        """How many data rows fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    @property
    def first_visible_row(self) -> int:
        return round(self.scroll_y)

    @property
    def rows_remaining(self) -> int:
        """Loaded rows past the cursor and past the last visible row, whichever is further."""
        last_seen = max(self.cursor_row, self.first_visible_row + self.rows_in_view - 1)
        return max(0, self.row_count - 1 - last_seen)

    @property
    def near_end(self) -> bool:
        return self.rows_remaining < self.fetch_ahead_rows

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._layout(self.scrollable_content_region.width)

    @property
    def wants_end(self) -> bool:
        """Whether the cursor waits for the last file of the workspace (``G``)."""
        return self._wanted is not None and self._wanted >= _END - _END_SLACK

    @property
    def cursor_untouched(self) -> bool:
        """Whether the cursor is where the rows were first shown with it on the first row:
        not moved, and no move waiting for rows to arrive."""
        return self._keeps_top

    @property
    def wanted_row(self) -> int | None:
        """The row past the loaded end a move waits for (``None``: none, or see wants_end)."""
        return None if self._wanted is None or self.wants_end else self._wanted

    def move_cursor(self, delta: int) -> None:
        """Move by ``delta`` rows; a move past the loaded end waits for the rows to arrive."""
        self._keeps_top = False
        target = (self._wanted if self._wanted is not None else self.cursor_row) + delta
        if target >= _END:
            target = min(target, _END)  # "the last file" then down: still the last file
        last = self.row_count - 1
        if target > last and self.more_rows:
            self._wanted = target
            if self.cursor_row != last:
                self.cursor_row = last
            else:
                self._check_near_end()
            return
        self._wanted = None
        self.cursor_row = target

    def go_to(self, index: int) -> None:
        """Put the cursor on ``index`` now (forgetting a move that waits for rows)."""
        self._keeps_top = False
        self._wanted = None
        self.cursor_row = index

    def show_listing(self, *, rows_coming: bool, more_rows: bool) -> None:
        """The screen's listing state: a page on its way, and whether more rows may come."""
        changed = rows_coming != self.rows_coming
        self.rows_coming = rows_coming
        self.more_rows = more_rows
        if not more_rows and self._wanted is not None:
            self._settle_wanted()
        if changed:
            self.virtual_size = Size(0, self.row_count + 1 + int(rows_coming))
            if rows_coming:
                self.call_after_refresh(self._scroll_cursor_into_view)
            self.refresh()

    def _settle_wanted(self) -> None:
        """Carry out a waiting move as far as the loaded rows allow."""
        wanted = self._wanted
        if wanted is None:
            return
        last = self.row_count - 1
        if wanted >= _END - _END_SLACK:
            if self.more_rows:
                target = last
            else:
                self._wanted = None
                target = last + min(0, wanted - _END)
        elif wanted <= last or not self.more_rows:
            self._wanted = None
            target = min(wanted, last)
        else:
            target = last
        target = self.validate_cursor_row(target)
        if target != self.cursor_row:
            self.cursor_row = target

    def refresh_rows(self, *, first_if_gone: bool = False) -> None:
        """Call after changing ``file_list`` (or the folder rows): O(1) besides locating the
        cursor's row. When the cursor's row is gone, the cursor keeps its row number (a
        deletion: the next file), or with ``first_if_gone`` goes to the first row (a filter
        that hides it: the first match, not whichever match has that number)."""
        count = self.row_count
        self.virtual_size = Size(0, count + 1 + int(self.rows_coming))
        rows = self.rows
        index = self.cursor_row
        current = rows[index] if 0 <= index < count else None
        key = self._cursor_key
        if self._keeps_top and index == 0:
            key = None
        if key is not None and (current is None or _row_key(current) != key):
            found = self._index_of(key)
            if found is not None:
                index = found
            elif first_if_gone:
                index = 0
        index = self.validate_cursor_row(index)
        if index != self.cursor_row:
            self.cursor_row = index  # the watcher scrolls and posts
        else:
            self._cursor_changed()
        self._settle_wanted()
        self.refresh()

    def leave_files(self, gone: Collection[str]) -> None:
        """Before the files with these ids are dropped: a cursor on one of them goes to the
        next row that stays at the next :meth:`refresh_rows` (with its row number kept, a
        deleted block above it took the cursor that many files further)."""
        current = self.cursor_file
        if current is None or current.id not in gone:
            return
        rows = self.rows
        for index in range(self.cursor_row + 1, len(rows)):
            row = rows[index]
            if not isinstance(row, FileObject) or row.id not in gone:
                self._cursor_key = _row_key(row)
                return

    def set_sort(self, column: SortColumn | None, descending: bool = False) -> None:
        """Sort the model and keep the cursor on its file."""
        self.file_list.set_sort(column, descending)
        self.refresh_rows()

    def _index_of(self, key: tuple[str, str]) -> int | None:
        kind, value = key
        folder_rows = self.folder_rows
        if folder_rows is None:
            return self.file_list.index_of(value) if kind == "file" else None
        if kind == "folder":
            return folder_rows.index_of_folder(value)
        return folder_rows.index_of_file(value)

    def cycle_sort(self, column: SortColumn) -> None:
        """Ascending, then descending, then back to load order."""
        model = self.file_list
        if model.sort_column != column:
            self.set_sort(column, False)
        elif not model.sort_descending:
            self.set_sort(column, True)
        else:
            self.set_sort(None, False)

    # --- reactives and events ------------------------------------------------------------

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, self.row_count - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_cursor_into_view()
        self._cursor_changed()
        self._check_near_end()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._check_near_end()

    def on_mount(self) -> None:
        self.refresh_rows()
        # Relative times ("3 minutes ago") age; the cache key carries the minute.
        self.set_interval(30, self.refresh)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_cache.clear()
        self._header_cache.clear()
        self._own_style = None

    _own_style: Style | None = None

    @property
    def own_style(self) -> Style:
        """``rich_style``, kept until the styles change (as the rows drawn with it are):
        Textual works it out through every ancestor on each call, 40 % of drawing a row."""
        if self._own_style is None:
            self._own_style = self.rich_style
        return self._own_style

    def on_focus(self) -> None:
        self._refresh_row(self.cursor_row)  # the cursor row's style follows focus

    def on_blur(self) -> None:
        self._refresh_row(self.cursor_row)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            for column in self.columns:
                if column.start <= offset.x < column.start + column.width + 1:
                    event.stop()
                    key = "size" if column.key == "share" else column.key
                    self.post_message(self.HeaderClicked(self, key))
                    return
            return
        index = self.first_visible_row + offset.y - 1
        if 0 <= index < self.row_count:
            event.stop()
            self.go_to(index)

    # --- actions -------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.move_cursor(1)

    def action_cursor_up(self) -> None:
        self.move_cursor(-1)

    def action_cursor_first(self) -> None:
        self.go_to(0)

    def action_cursor_last(self) -> None:
        """The last file of the workspace: at once if it is loaded, else once it is."""
        if not self.more_rows:
            self.go_to(self.row_count - 1)
            return
        self._wanted = _END
        self._keeps_top = False
        last = self.row_count - 1
        if self.cursor_row != last:
            self.cursor_row = last
        self.post_message(self.EndWanted(self))

    def action_cursor_half_page(self, direction: int) -> None:
        self.move_cursor(direction * max(1, self.rows_in_view // 2))

    def action_cursor_page(self, direction: int) -> None:
        self.move_cursor(direction * self.rows_in_view)

    def action_open_folder(self) -> None:
        folder = self.cursor_folder
        if folder is not None:
            self.post_message(self.OpenFolder(self, folder))

    def action_folder_up(self) -> None:
        self.post_message(self.FolderUp(self))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open_folder", "folder_up"):
            return self.folder_rows is not None
        return True

    # --- rendering -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._render_header(width)
        index = self.first_visible_row + y - 1
        rows = self.rows
        if not 0 <= index < len(rows):
            if index == len(rows) and self.rows_coming:
                return self._render_loading(width)
            if index == 0 and self.folder_rows is not None:
                empty = self.folder_rows.empty_text()
                if empty:
                    style = self.own_style + self.get_component_rich_style("file-table--loading")
                    return self._line(" " * GUTTER_WIDTH + empty, style, width)
            return Strip.blank(width, self.own_style)
        return self._render_row(rows[index], index, width)

    def _render_loading(self, width: int) -> Strip:
        style = self.own_style + self.get_component_rich_style("file-table--loading")
        text = LOADING_END_TEXT if self.wants_end else LOADING_TEXT
        return self._line(" " * GUTTER_WIDTH + text, style, width)

    def _render_header(self, width: int) -> Strip:
        model = self.file_list
        key = (width, model.sort_column, model.sort_descending, self.showing_folders)
        cached = self._header_cache.get(key)
        if cached is not None:
            return cached
        style = self.own_style + self.get_component_rich_style("file-table--header")
        parts = [" "]  # the gutter: its glyph cell, then the join's separator
        for column in self._layout(width):
            title = column.title
            if column.key == model.sort_column:
                title += SORT_DESCENDING if model.sort_descending else SORT_ASCENDING
            parts.append(fit(title, column.width, column.align))
        strip = self._line(" ".join(parts), style, width)
        self._header_cache.set(key, strip)
        return strip

    def _render_row(self, row: Row, index: int, width: int) -> Strip:
        is_cursor = index == self.cursor_row
        folder_rows = self.folder_rows
        if isinstance(row, Folder):
            assert folder_rows is not None  # folder rows come only from it
            is_marked = folder_rows.folder_marked(row)
            # A folder changes in place: its totals are part of the key.
            look: tuple[object, ...] = (
                folder_rows.totals(row),
                row.count if folder_rows.filtering else None,
                self.totals_complete,
            )
        else:
            is_marked = self.file_list.is_marked(row.id)
            look = ()
        now = self.clock()
        key = (
            row,
            width,
            is_cursor,
            is_cursor and self.has_focus,
            is_marked,
            int(now.timestamp() // 60),
            look,
            folder_rows.largest if folder_rows is not None else None,
        )
        cached = self._row_cache.get(key)
        if cached is not None:
            return cached
        style = self.own_style
        if is_marked:
            style += self.get_component_rich_style("file-table--marked")
        if is_cursor:
            style += self.get_component_rich_style("file-table--cursor")
        parts = [MARK_GLYPH if is_marked else " "]
        for column in self._layout(width):
            if isinstance(row, Folder):
                text = self._folder_cell_text(row, column, now)
            elif column.key == "share" or (folder_rows is not None and column.key == "filename"):
                text = self._file_in_folder_text(row, column)
            else:
                text = self._cell_text(row, column.key, now)
            parts.append(fit(text, column.width, column.align))
        strip = self._line(" ".join(parts), style, width)
        self._row_cache.set(key, strip)
        return strip

    def _folder_cell_text(self, folder: Folder, column: Column, now: datetime) -> str:
        bound = "" if self.totals_complete else AT_LEAST
        key = column.key
        if key == "filename":
            return shown_name(folder.name) + "/"
        rows = self.folder_rows
        assert rows is not None
        count, size, newest = rows.totals(folder)
        if key == "size":
            return bound + human_size(size)
        if key == "share":
            return share_bar(size, rows.largest, column.width)
        if key == "type":
            return count_text(count, folder.count if rows.filtering else None, bound, column.width)
        if key == "created" and count:
            return relative_time(datetime.fromtimestamp(newest, now.tzinfo), now)
        return ""

    def _file_in_folder_text(self, file: FileObject, column: Column) -> str:
        if column.key == "filename":
            return shown_name(leaf_name(file.filename))
        largest = self.folder_rows.largest if self.folder_rows is not None else 0
        return share_bar(file.size_bytes, largest, column.width)

    @staticmethod
    def _cell_text(file: FileObject, column: ColumnKey, now: datetime) -> str:
        if column == "filename":
            return visible_text(file.filename)
        if column == "size":
            return human_size(file.size_bytes)
        if column == "type":
            return visible_text(file.mime_type)
        if column == "created":
            return relative_time(file.created_at, now)
        if column == "downloadable":
            return DOWNLOADABLE_GLYPH if file.downloadable else ""
        return visible_text(file.id)

    @staticmethod
    def _line(text: str, style: Style, width: int) -> Strip:
        # fit() made every cell exact; the final adjust pads (or crops) the remainder with
        # the row's own style, so a line is always exactly `width` cells.
        return Strip([Segment(text, style)]).adjust_cell_length(width, style)

    def _layout(self, width: int) -> tuple[Column, ...]:
        folders = self.showing_folders
        cached = self._columns_cache.get((width, folders))
        if cached is None:
            cached = layout_columns(width, folders=folders)
            self._columns_cache.set((width, folders), cached)
        return cached

    # --- internals -----------------------------------------------------------------------

    def _refresh_row(self, index: int) -> None:
        top = self.first_visible_row
        if top <= index < top + self.rows_in_view:
            self.refresh_line(index + 1)  # virtual line: the header is line 0

    def _scroll_cursor_into_view(self) -> None:
        top = self.first_visible_row
        height = self.rows_in_view
        cursor = self.cursor_row
        # On the last row while a page comes, the loading row below it shows too.
        below = int(self.rows_coming and cursor == self.row_count - 1)
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, force=True)
        elif cursor + below >= top + height:
            self.scroll_to(y=cursor + below - height + 1, animate=False, force=True)

    def _cursor_changed(self) -> None:
        row = self.cursor_row_object
        self._cursor_key = _row_key(row) if row is not None else None
        state = (self._cursor_key, self.cursor_row)
        if state != self._posted_cursor:
            self._posted_cursor = state
            file = row if isinstance(row, FileObject) else None
            folder = row if isinstance(row, Folder) else None
            self.post_message(self.CursorMoved(self, file, self.cursor_row, folder))

    def _check_near_end(self) -> None:
        if self.near_end:
            self.post_message(self.NearEnd(self, self.rows_remaining))


def _row_key(row: Row) -> tuple[str, str]:
    """What keeps the cursor on its row across changes: a file's id or a folder's path."""
    return ("folder", row.path) if isinstance(row, Folder) else ("file", row.id)

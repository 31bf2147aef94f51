"""FileTable in a tiny app: rendering, cursor, scrolling, messages, marks, hostile names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.message import Message

from orbrowse.api.models import FileObject
from orbrowse.listing.file_list import FileList
from orbrowse.tui.widgets.file_table import (
    DOWNLOADABLE_GLYPH,
    MARK_GLYPH,
    SORT_ASCENDING,
    SORT_DESCENDING,
    FileTable,
    layout_columns,
)
from tests.tui.colors import AA_TEXT, component_contrast

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SIZE = (120, 22)  # 21 data rows under the header


def make_file(n: int, **overrides: object) -> FileObject:
    values: dict[str, object] = {
        "id": f"or_file_{n:024d}",
        "filename": f"report-{n:05d}.txt",
        "mime_type": "text/plain",
        "size_bytes": 1536 * n,
        "created_at": NOW - timedelta(hours=n + 1),
        "downloadable": n % 2 == 0,
    }
    values.update(overrides)
    return FileObject(**values)  # type: ignore[arg-type]


def make_files(count: int, start: int = 0) -> list[FileObject]:
    return [make_file(n) for n in range(start, start + count)]


class TableApp(App[None]):
    def __init__(self, model: FileList, fetch_ahead_rows: int = 10) -> None:
        super().__init__()
        self.model = model
        self.fetch_ahead_rows = fetch_ahead_rows

    def compose(self) -> ComposeResult:
        yield FileTable(self.model, clock=lambda: NOW, fetch_ahead_rows=self.fetch_ahead_rows)

    def on_file_table_header_clicked(self, message: FileTable.HeaderClicked) -> None:
        message.table.cycle_sort(message.column)


def header_clicks(seen: list[Message]) -> list[FileTable.HeaderClicked]:
    # The hook sees a bubbling message once per node it reaches: count each once.
    unique = {id(m): m for m in seen if isinstance(m, FileTable.HeaderClicked)}
    return list(unique.values())


def lines(table: FileTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_renders_header_and_visible_rows_only() -> None:
    app = TableApp(FileList(make_files(500)))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(FileTable)
        await pilot.pause()
        screen = lines(table)
        width = table.scrollable_content_region.width
        assert screen[0].split() == ["Name", "Size", "Type", "Created", "↓", "ID"]
        assert "report-00000.txt" in screen[1]
        assert "report-00020.txt" in screen[21]
        assert "report-00021.txt" not in "".join(screen)
        assert "1.5 KiB" in screen[2]  # size 1536, binary units
        assert "2 hours ago" in screen[2]  # created relative to the fixed clock
        assert DOWNLOADABLE_GLYPH in screen[1]
        assert DOWNLOADABLE_GLYPH not in screen[2]
        assert "or_file_000000000000000000000001" in screen[2]
        assert all(table.render_line(y).cell_length == width for y in range(22))
        assert table.virtual_size.height == 501


async def test_cursor_keys_move_and_scroll() -> None:
    app = TableApp(FileList(make_files(500)))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(FileTable)
        table.focus()
        await pilot.press("j", "j", "down")
        assert table.cursor_row == 3
        await pilot.press("k")
        assert table.cursor_row == 2
        await pilot.press("G")
        await pilot.pause()
        assert table.cursor_row == 499
        assert table.first_visible_row == 499 - 21 + 1
        assert "report-00499.txt" in table.render_line(21).text
        await pilot.press("g")
        await pilot.pause()
        assert (table.cursor_row, table.first_visible_row) == (0, 0)
        await pilot.press("pagedown")
        assert table.cursor_row == 21
        await pilot.press("ctrl+d")
        assert table.cursor_row == 31
        await pilot.press("ctrl+u", "pageup")
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == 499
        await pilot.press("home", "up")
        assert table.cursor_row == 0
        assert table.cursor_file == make_file(0)


async def test_cursor_row_is_styled_differently() -> None:
    app = TableApp(FileList(make_files(30)))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(FileTable)
        table.focus()
        await pilot.press("j")
        await pilot.pause()
        cursor_style = next(iter(table.render_line(2))).style
        other_style = next(iter(table.render_line(3))).style
        assert cursor_style != other_style
        assert cursor_style is not None and cursor_style.bgcolor is not None


async def test_cursor_moved_and_near_end_messages() -> None:
    seen: list[Message] = []
    app = TableApp(FileList(make_files(60)), fetch_ahead_rows=10)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        table = app.query_one(FileTable)
        table.focus()
        await pilot.press("j")
        await pilot.pause()
        moved = [m for m in seen if isinstance(m, FileTable.CursorMoved)]
        assert moved[-1].file == make_file(1)
        assert moved[-1].index == 1
        assert not [m for m in seen if isinstance(m, FileTable.NearEnd)]
        # Near means fewer than 10 loaded rows past the cursor and the last visible row.
        table.cursor_row = 40
        await pilot.pause()
        assert not [m for m in seen if isinstance(m, FileTable.NearEnd)]
        await pilot.press("j", "j", "j", "j", "j", "j", "j", "j", "j", "j")
        await pilot.pause()
        near = [m for m in seen if isinstance(m, FileTable.NearEnd)]
        assert near
        assert near[-1].remaining < 10
        # The screen appends a page: the cursor stays put and the end is far again.
        app.model.append(make_files(100, start=60))
        table.refresh_rows()
        await pilot.pause()
        assert table.cursor_row == 50
        assert not table.near_end


async def test_cursor_moved_replaces_queued_one() -> None:
    app = TableApp(FileList(make_files(5)))
    async with app.run_test(size=SIZE):
        table = app.query_one(FileTable)
        first = FileTable.CursorMoved(table, make_file(1), 1)
        second = FileTable.CursorMoved(table, make_file(2), 2)
        assert second.can_replace(first)
        assert not FileTable.NearEnd(table, 3).can_replace(first)


async def test_marks_are_shown_in_the_gutter() -> None:
    model = FileList(make_files(30))
    model.toggle(make_file(3).id)
    model.toggle(make_file(5).id)
    app = TableApp(model)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(FileTable)
        await pilot.pause()
        screen = lines(table)
        marked_rows = [y for y, line in enumerate(screen) if line.startswith(MARK_GLYPH)]
        assert marked_rows == [4, 6]
        marked_style = next(iter(table.render_line(4))).style
        plain_style = next(iter(table.render_line(5))).style
        assert marked_style != plain_style
        model.toggle(make_file(3).id)
        table.refresh_rows()
        await pilot.pause()
        assert not table.render_line(4).text.startswith(MARK_GLYPH)


HOSTILE_NAMES = [
    "[bold]x[/] [link=http://evil]click[/link]",
    "\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 \x9b2J",
    "tab\there\nnewline\rcr\x00nul\x7fdel",
    "\u202egnp.exe \u2066iso\u2069 z\u200bw\u200dj\ufeffbom",
    "n" * 255,
    "long-" * 2000,
    "日本語のファイル名🎉テスト" * 10,
    "\u0301combining first",
]


async def test_hostile_filenames_render_verbatim_and_harmless() -> None:
    files = [make_file(n, filename=name) for n, name in enumerate(HOSTILE_NAMES)]
    for size in ((200, 12), (61, 12), (37, 12)):
        app = TableApp(FileList(files))
        async with app.run_test(size=size) as pilot:
            table = app.query_one(FileTable)
            await pilot.pause()
            width = table.scrollable_content_region.width
            for y in range(len(HOSTILE_NAMES) + 1):
                strip = table.render_line(y)
                text = strip.text
                assert strip.cell_length == width
                assert cell_len(text) == width
                assert "\n" not in text and "\r" not in text
                assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) < 0xA0 for c in text)
                for invisible in "\u202e\u2066\u2069\u200b\u200d\ufeff":
                    assert invisible not in text
            if size[0] == 200:
                screen = lines(table)
                assert "[bold]x[/] [link=http://evil]click[/link]" in screen[1]
                assert "\\x1b[31mred\\x1b[0m \\x1b]52;c;" in screen[2]
                assert "tab\\x09here\\x0anewline\\x0dcr\\x00nul\\x7fdel" in screen[3]
                assert "⟨U+202E⟩gnp.exe ⟨U+2066⟩iso" in screen[4]
                name_width = table.columns[0].width
                assert screen[5][2 : 2 + name_width] == "n" * (name_width - 1) + "…"
                assert screen[6][2 : 2 + name_width].endswith("…")
                assert "日本語のファイル名🎉テスト" in screen[7]


async def test_header_click_posts_message_and_sorts() -> None:
    seen: list[Message] = []
    files = [make_file(n, size_bytes=(n * 7) % 5) for n in range(10)]
    app = TableApp(FileList(files))
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        table = app.query_one(FileTable)
        table.focus()
        await pilot.pause()
        size_column = next(c for c in table.columns if c.key == "size")
        await pilot.click(FileTable, offset=(size_column.start + 2, 0))
        await pilot.pause()
        assert [m.column for m in header_clicks(seen)] == ["size"]
        sizes = [f.size_bytes for f in app.model.view]
        assert sizes == sorted(sizes)
        assert "Size" + SORT_ASCENDING in table.render_line(0).text
        await pilot.click(FileTable, offset=(size_column.start + 2, 0))
        await pilot.pause()
        assert "Size" + SORT_DESCENDING in table.render_line(0).text
        assert [f.size_bytes for f in app.model.view] == sorted(sizes, reverse=True)
        name_column = next(c for c in table.columns if c.key == "filename")
        await pilot.click(FileTable, offset=(name_column.start, 0))
        await pilot.pause()
        assert [m.column for m in header_clicks(seen)] == ["size", "size", "filename"]


async def test_click_on_row_moves_cursor() -> None:
    app = TableApp(FileList(make_files(50)))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(FileTable)
        await pilot.click(FileTable, offset=(10, 5))
        await pilot.pause()
        assert table.cursor_row == 4
        table.scroll_to(y=20, animate=False)
        await pilot.pause()
        await pilot.click(FileTable, offset=(10, 1))
        assert table.cursor_row == 20


async def test_cursor_stays_on_its_file_when_rows_arrive_under_a_sort() -> None:
    model = FileList(make_files(40))
    model.set_sort("filename", descending=True)
    app = TableApp(model)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(FileTable)
        table.cursor_row = 5
        await pilot.pause()
        current = table.cursor_file
        assert current is not None
        model.append(make_files(100, start=40))  # all sort before the cursor's file
        table.refresh_rows()
        await pilot.pause()
        assert table.cursor_file == current
        assert table.cursor_row == 105
        model.remove([current.id])
        table.refresh_rows()
        assert table.cursor_row == 105
        assert table.cursor_file == model.view[105]


async def test_empty_table_renders_blank_lines() -> None:
    app = TableApp(FileList())
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(FileTable)
        await pilot.press("j", "G")
        assert table.cursor_row == 0
        assert table.cursor_file is None
        assert table.render_line(3).text.strip() == ""
        assert table.render_line(3).cell_length == table.scrollable_content_region.width


def test_layout_gives_the_filename_the_rest_and_drops_columns_when_narrow() -> None:
    wide = layout_columns(160)
    assert [c.key for c in wide] == ["filename", "size", "type", "created", "downloadable", "id"]
    assert wide[-1].start + wide[-1].width == 160
    narrow = layout_columns(40)
    assert [c.key for c in narrow] == ["filename", "size", "downloadable"]
    assert narrow[-1].start + narrow[-1].width == 40
    assert layout_columns(10)[0].width >= 1


async def test_scrolling_the_viewport_near_the_end_posts_near_end() -> None:
    seen: list[Message] = []
    app = TableApp(FileList(make_files(200)), fetch_ahead_rows=30)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        table = app.query_one(FileTable)
        table.scroll_to(y=100, animate=False)
        await pilot.pause()
        assert not [m for m in seen if isinstance(m, FileTable.NearEnd)]
        table.scroll_to(y=160, animate=False)  # as the mouse wheel does: no cursor move
        await pilot.pause()
        near = [m for m in seen if isinstance(m, FileTable.NearEnd)]
        assert near and near[-1].remaining < 30
        assert table.cursor_row == 0


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_marked_rows_and_the_header_are_readable(theme: str) -> None:
    # WCAG AA, 4.5:1 against the table: marked rows were $accent, 1.38 on the light surface.
    app = TableApp(FileList())
    async with app.run_test() as pilot:
        app.theme = theme
        await pilot.pause()
        table = app.query_one(FileTable)
        for part in ("marked", "header"):
            ratio = component_contrast(table, f"file-table--{part}")
            assert ratio >= AA_TEXT, f"{theme} {part}: {ratio:.2f}"


async def test_rows_take_a_new_themes_colours() -> None:
    # The table keeps its own style between frames (FileTable.own_style): drawn again after a
    # theme change, a row has the new theme's colours.
    app = TableApp(FileList(make_files(5)))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(FileTable)
        row = table.render_line(3)  # not the cursor's
        before = table.rich_style
        assert {segment.style for segment in row} == {before}
        app.theme = "textual-light"
        await pilot.pause()
        after = table.rich_style
        assert after.bgcolor != before.bgcolor
        assert {segment.style for segment in table.render_line(3)} == {after}

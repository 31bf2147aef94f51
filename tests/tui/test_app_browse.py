"""Browsing: switching workspaces, marks, the filter and sorting, as a person does them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList, Static

from orbrowse.emulator.seed import generate_files
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from orbrowse.tui.widgets.file_table import MARK_GLYPH
from tests.conftest import DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID
from tests.tui.app_driver import (
    FIXED_NOW,
    browser,
    browser_ready,
    browsing,
    notifications,
    screen_shown,
    settle,
    status_of,
    table_of,
    visible_rows,
)
from tests.tui.conftest import PAGE, AppFactory

NAMES = [
    "data/sales.csv",
    "data/users.csv",
    "notes/todo.txt",
    "report.pdf",
    "images/cat.png",
    "data/events.jsonl",
    "notes/ideas.md",
    "archive.csv",
]


@pytest.fixture
def eight(emulator: RunningEmulator) -> list[StoredFile]:
    """Eight files with known names, sizes 100, 200, ... and increasing creation times. Their
    ids are digits: a text filter also searches ids, and a random id that held "csv" made
    data/events.jsonl match the invalid-filter test's "csv" (CI, once)."""
    return [
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID,
            name,
            size_bytes=100 * (index + 1) if index != 3 else 5000,
            created_at=FIXED_NOW - timedelta(days=30 - index),
            file_id=f"or_file_{index:024d}",
        )
        for index, name in enumerate(NAMES)
    ]


def shown_names(app: object) -> list[str]:
    from orbrowse.tui.app import OrbrowseApp

    assert isinstance(app, OrbrowseApp)
    return [file.filename for file in browser(app).files.view]


def marked_names(app: object) -> set[str]:
    from orbrowse.tui.app import OrbrowseApp

    assert isinstance(app, OrbrowseApp)
    return {file.filename for file in browser(app).files.marked_files}


# -- workspace switch ----------------------------------------------------------------------


async def test_w_switches_to_another_workspace_by_typing_its_name(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        assert len(shown_names(app)) == 8
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        # The current workspace is highlighted first.
        assert picker.shown[picker.query_one(OptionList).highlighted or 0].id == (
            DEFAULT_WORKSPACE_ID
        )
        await pilot.press(*"oth", "enter")
        screen = await browser_ready(pilot)
        assert screen.workspace.id == OTHER_WORKSPACE_ID
        assert sorted(shown_names(app)) == ["other/chart.png", "other/notes.txt"]
        assert [row.split()[0] for row in visible_rows(app)] == [
            "other/notes.txt",
            "other/chart.png",
        ]
        assert status_of(app).startswith("all 2 files")
        # One browser at a time: the old one was replaced, not stacked.
        assert len(app.screen_stack) == 2


async def test_picker_offers_a_typed_uuid(app: OrbrowseApp, eight: list[StoredFile]) -> None:
    unknown = "33333333-3333-4333-8333-333333333333"
    async with browsing(app) as (pilot, _):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        picker.query_one(Input).value = unknown.upper()
        await pilot.pause()
        assert [c.id for c in picker.shown] == [unknown]
        options = picker.query_one(OptionList)
        assert str(options.get_option_at_index(0).prompt).strip() == f"Open workspace {unknown}"
        await pilot.press("enter")
        screen = await browser_ready(pilot)
        assert screen.workspace.id == unknown
        # The server does not know it: an error, said once, and the app keeps running.
        assert screen.load_error is not None
        assert app.is_running


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("not-a-workspace", "No workspace matches; paste a full workspace ID"),
        ("33333333-3333-4333", "Not a valid workspace ID: expected a UUID"),
    ],
)
async def test_picker_explains_a_non_uuid_and_nothing_changes(
    app: OrbrowseApp, eight: list[StoredFile], typed: str, message: str
) -> None:
    async with browsing(app) as (pilot, before):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        await pilot.press(*typed)
        assert picker.shown == []
        title = picker.query_one("#workspace-title", Static)
        assert message in str(title.content)
        assert title.has_class("-warning")
        await pilot.press("enter")  # nothing to open
        await pilot.pause()
        assert app.screen is picker
        await pilot.press("escape")
        await pilot.pause()
        assert browser(app) is before
        assert before.workspace.id == DEFAULT_WORKSPACE_ID
        assert len(shown_names(app)) == 8


async def test_picker_still_shows_after_the_upload_dialog_was_opened(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    # Both stylesheets once used the id "picker"; a dialog's CSS must not hide the picker.
    async with browsing(app) as (pilot, _):
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        options = picker.query_one(OptionList)
        assert options.region.height >= 2
        assert picker.query_one(Input).region.height > 0


# -- marks --------------------------------------------------------------------------------


async def test_space_marks_and_moves_down_and_the_status_counts(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        table = table_of(app)
        await pilot.press("space")
        assert table.cursor_row == 1
        await pilot.press("space")
        assert marked_names(app) == {"data/sales.csv", "data/users.csv"}
        rows = visible_rows(app)
        assert rows[0].startswith(MARK_GLYPH) and rows[1].startswith(MARK_GLYPH)
        assert not rows[2].startswith(MARK_GLYPH)
        assert "2 marked (300 Bytes)" in status_of(app)
        await pilot.press("k", "space")  # unmark the second
        assert marked_names(app) == {"data/sales.csv"}
        assert "1 marked (100 Bytes)" in status_of(app)


async def test_visual_range_and_shift_extend(app: OrbrowseApp, eight: list[StoredFile]) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("j", "V", "j", "j")
        assert marked_names(app) == set(NAMES[1:4])
        await pilot.press("V", "j", "j")  # V again stops the range
        assert marked_names(app) == set(NAMES[1:4])
        await pilot.press("c")
        assert marked_names(app) == set()
        assert "marked" not in status_of(app)
        await pilot.press("G", "shift+up", "shift+up")
        assert marked_names(app) == set(NAMES[5:8])
        await pilot.press("g", "shift+down")
        assert marked_names(app) == set(NAMES[5:8]) | set(NAMES[0:2])


async def test_visual_range_closed_before_the_cursor_message_arrives(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    # V G V typed fast: the second V can come before the screen handles CursorMoved.
    async with browsing(app) as (pilot, screen):
        screen.action_visual()
        table_of(app).action_cursor_last()
        screen.action_visual()
        await pilot.pause()
        assert marked_names(app) == set(NAMES)
        assert screen.visual_anchor is None


async def test_mark_all_invert_clear_and_only_marked(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("a")
        assert marked_names(app) == set(NAMES)
        assert "8 marked" in status_of(app)
        await pilot.press("c")
        assert marked_names(app) == set()
        await pilot.press("space", "space", "asterisk")
        assert marked_names(app) == set(NAMES[2:])
        await pilot.press("m")
        assert shown_names(app) == NAMES[2:]
        assert "6 shown" in status_of(app)
        await pilot.press("m")
        assert shown_names(app) == NAMES


async def test_marks_survive_filtering_and_paging(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    stored = generate_files(emulator.store, DEFAULT_WORKSPACE_ID, 600, now=FIXED_NOW)
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=100)
    async with browsing(app) as (pilot, screen):
        await pilot.press("space", "space", "space")
        first_three = {f.id for f in stored[:3]}
        assert screen.files.marked_ids == first_three
        await pilot.press("L")
        await settle(pilot)
        assert screen.files.loaded_count == 600
        assert screen.files.marked_ids == first_three
        # Filter them all away: still marked, and the status says the filter hides them.
        await pilot.press("slash", *"re:^nothing-matches$")
        assert shown_names(app) == []
        assert screen.files.marked_ids == first_three
        assert "3 hidden by the filter" in status_of(app)
        await pilot.press("escape")
        assert len(shown_names(app)) == 600
        assert screen.files.marked_ids == first_three


async def test_mark_matching_marks_only_what_the_filter_keeps(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("slash", *"notes/", "enter")
        await pilot.press("A")
        assert marked_names(app) == {"notes/todo.txt", "notes/ideas.md"}


# -- filter -------------------------------------------------------------------------------


FILTERS_AND_WHAT_THEY_KEEP = [
    (r"re:^data/.*\.csv$", ["data/sales.csv", "data/users.csv"]),
    ("!csv", [n for n in NAMES if "csv" not in n]),
    ("!re:^(data|notes)/", ["report.pdf", "images/cat.png", "archive.csv"]),
    ("image/png", ["images/cat.png"]),  # the filter also matches ids and types
    # Ages count from the app's clock (FIXED_NOW): 30, 29 and 28 days old, minus data/.
    ("older:27d !re:^data/", ["notes/todo.txt"]),
    (">1kB", ["report.pdf"]),
    ("type:image/ !>1KiB", ["images/cat.png"]),
]


async def test_filter_text_regex_invert_age_size_and_type(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("slash")
        box = browser(app).query_one("#filter", Input)
        assert box.display and box.has_focus
        await pilot.press(*"CSV")
        assert shown_names(app) == ["data/sales.csv", "data/users.csv", "archive.csv"]
        assert "3 shown of all 8 (filter CSV)" in status_of(app)
        assert [row.split()[0] for row in visible_rows(app)] == shown_names(app)
        for typed, expected in FILTERS_AND_WHAT_THEY_KEEP:
            box.value = typed
            await pilot.pause()
            assert shown_names(app) == expected, typed
        await pilot.press("enter")
        assert table_of(app).has_focus
        assert box.display  # kept open while it filters


async def test_a_filter_that_hides_the_cursors_file_puts_the_cursor_on_the_first_match(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    # It kept the row number, clamped: on notes/ideas.md (row 6), "/csv" left the cursor on
    # the last match, archive.csv, and V j j then marked one file instead of three.
    async with browsing(app) as (pilot, _):
        table = table_of(app)
        await pilot.press(*"jjjjjj")
        assert table.cursor_file is not None and table.cursor_file.filename == "notes/ideas.md"
        await pilot.press("slash", *"csv", "enter")
        await pilot.pause()
        assert shown_names(app) == ["data/sales.csv", "data/users.csv", "archive.csv"]
        assert table.cursor_row == 0
        # A file the filter keeps keeps the cursor.
        await pilot.press("j", "slash", "backspace", "enter")
        await pilot.pause()
        assert table.cursor_file is not None and table.cursor_file.filename == "data/users.csv"


async def test_only_marked_puts_a_cursor_on_an_unmarked_file_on_the_first_marked(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        table = table_of(app)
        await pilot.press("space", "space", *"jjjj")  # rows 0 and 1 marked, cursor on row 6
        await pilot.press("m")
        await pilot.pause()
        assert shown_names(app) == ["data/sales.csv", "data/users.csv"]
        assert table.cursor_row == 0  # it was the last marked row, the row number clamped


async def test_an_invalid_filter_shows_an_error_and_the_app_keeps_running(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("slash", *"re:(unclosed")
        box = browser(app).query_one("#filter", Input)
        assert box.has_class("-invalid")
        assert "invalid regular expression" in status_of(app)
        assert len(shown_names(app)) == 8  # the last valid filter (none) still applies
        await pilot.press("backspace", *"d)")
        assert not box.has_class("-invalid")
        assert "invalid" not in status_of(app)
        assert shown_names(app) == []
        # Any term's mistake is named, with its column.
        box.value = "csv"
        await pilot.pause()
        csv = ["data/sales.csv", "data/users.csv", "archive.csv"]
        assert shown_names(app) == csv
        await pilot.press(*" >1zB")  # ">" and ">1z" are mistakes, ">1" is fine (all > 1 byte)
        assert box.value == "csv >1zB"
        assert box.has_class("-invalid")
        assert "filter: '>1zB' at column 5: not a size" in status_of(app)
        assert shown_names(app) == csv
        await pilot.press("backspace", "backspace", "backspace", *"0")
        assert not box.has_class("-invalid")
        assert "not a size" not in status_of(app)
        assert shown_names(app) == csv  # "csv >0": every csv file is larger than 0 bytes
        assert app.is_running


@pytest.mark.timeout(60)  # before the fix the app never came back
async def test_a_regular_expression_too_slow_on_a_long_name_is_refused(
    emulator: RunningEmulator, make_app: AppFactory, eight: list[StoredFile]
) -> None:
    # re:(a+)+b$ tries 2^300 ways on a server's name of 300 a's: the browser froze for good
    # (in tmux: no key, no redraw, one core busy) as the filter was typed.
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "long/" + "a" * 300 + ".txt", content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat")
    async with browsing(app) as (pilot, _):
        await pilot.press("slash", *"re:a.txt")
        assert shown_names(app) == ["long/" + "a" * 300 + ".txt"]
        box = browser(app).query_one("#filter", Input)
        box.value = "re:(a+)+b$"
        await pilot.pause()
        assert box.has_class("-invalid")
        assert "too slow" in status_of(app), status_of(app)
        assert shown_names(app) == ["long/" + "a" * 300 + ".txt"]  # the last good filter
        await pilot.press("escape")
        assert len(shown_names(app)) == 9
        assert app.is_running


@pytest.mark.timeout(60)  # before the fix the app never came back
async def test_a_filter_too_slow_on_a_later_page_is_cleared_not_frozen(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    # Accepted on the loaded names, re:(a+)+b$ met a name of 300 a's on the next page (L):
    # applying it to the page froze the browser for good.
    for n in range(4 * PAGE):  # more than the pages read at first
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"f-{n:03d}.txt", content=b"x")
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "long/" + "a" * 300 + ".txt", content=b"x")
    async with browsing(app) as (pilot, screen):
        await pilot.press("slash", *"re:(a+)+b$", "enter")
        assert screen.files.filter_text == "re:(a+)+b$"
        await pilot.press("L")
        await settle(pilot)
        assert screen.files.loaded_count == 4 * PAGE + 1
        assert screen.files.filter_text == ""
        assert any("filter was cleared" in m for m in notifications(app)), notifications(app)
        assert status_of(app).startswith(f"all {4 * PAGE + 1:,} files")


async def test_escape_clears_the_filter(app: OrbrowseApp, eight: list[StoredFile]) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("slash", *"notes")
        assert len(shown_names(app)) == 2
        await pilot.press("escape")
        box = browser(app).query_one("#filter", Input)
        assert box.value == ""
        assert not box.display
        assert shown_names(app) == NAMES
        assert "shown" not in status_of(app)
        assert table_of(app).has_focus


# -- sort ---------------------------------------------------------------------------------


async def test_sort_keys_cycle_columns_and_reverse(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        table = table_of(app)
        await pilot.press("s")
        assert shown_names(app) == sorted(NAMES, key=str.casefold)
        assert "Name▲" in table.render_line(0).text
        await pilot.press("S")
        assert shown_names(app) == sorted(NAMES, key=str.casefold, reverse=True)
        assert "Name▼" in table.render_line(0).text
        await pilot.press("s")  # next column: size, ascending
        assert shown_names(app)[-1] == "report.pdf"
        assert "Size▲" in table.render_line(0).text


async def test_header_click_sorts_and_the_cursor_stays_on_its_file(
    app: OrbrowseApp, eight: list[StoredFile]
) -> None:
    async with browsing(app) as (pilot, _):
        table = table_of(app)
        await pilot.press("j", "j", "j")  # report.pdf, the largest
        size = next(c for c in table.columns if c.key == "size")
        await pilot.click(table, offset=(size.start + 1, 0))
        await pilot.pause()
        assert shown_names(app)[-1] == "report.pdf"
        assert "Size▲" in table.render_line(0).text
        assert table.cursor_file is not None and table.cursor_file.filename == "report.pdf"
        await pilot.click(table, offset=(size.start + 1, 0))
        await pilot.pause()
        assert shown_names(app)[0] == "report.pdf"
        assert "Size▼" in table.render_line(0).text
        await pilot.click(table, offset=(size.start + 1, 0))
        await pilot.pause()
        assert shown_names(app) == NAMES  # third click: back to load order
        # Clicking a row moves the cursor there.
        await pilot.click(table, offset=(5, 2))
        await pilot.pause()
        assert table.cursor_row == 1

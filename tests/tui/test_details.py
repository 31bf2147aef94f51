"""The detail pane and the status line: exact, humanized, and never markup."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from textual.app import App, ComposeResult

from orbrowse.api.models import FileObject
from orbrowse.tui.widgets.details import NOT_DOWNLOADABLE_REASON, DetailsPane
from orbrowse.tui.widgets.status_line import (
    StatusInfo,
    StatusLine,
    fit_parts,
    status_parts,
    status_text,
)
from tests.factories import file_object
from tests.tui.colors import AA_TEXT, component_contrast

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

UPLOADED = FileObject(
    id="or_file_011CNha8iCJcU1wXNR6q4V8w",
    filename="[red]evil[/] \x1b[2J\u202etxt.exe",
    mime_type="application/pdf",
    size_bytes=1_234_567,
    created_at=NOW - timedelta(hours=3),
    downloadable=False,
)
GENERATED = file_object(created_at=NOW - timedelta(days=2), downloadable=True)
"""A file the server made: what the pane says of it is its age and that it downloads."""


class PaneApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DetailsPane(clock=lambda: NOW)
        yield StatusLine()


def pane_text(app: PaneApp) -> str:
    return "\n".join(line.rstrip() for line in str(app.query_one(DetailsPane).render()).split("\n"))


async def test_details_show_every_field_exact_and_humanized() -> None:
    app = PaneApp()
    async with app.run_test(size=(160, 20)) as pilot:
        pane = app.query_one(DetailsPane)
        pane.show_file(UPLOADED)
        await pilot.pause()
        text = pane_text(app)
        assert "[red]evil[/] \\x1b[2J⟨U+202E⟩txt.exe" in text
        assert "or_file_011CNha8iCJcU1wXNR6q4V8w" in text
        assert "application/pdf" in text
        assert "1,234,567 bytes (1.2 MiB)" in text
        assert "2026-03-01 09:00:00 UTC (3 hours ago)" in text
        assert f"no: {NOT_DOWNLOADABLE_REASON}" in text
        on_screen = "".join(pane.render_line(y).text for y in range(pane.size.height))
        assert "\\x1b[2J" in on_screen  # the escape, made visible...
        assert "\x1b" not in on_screen  # ...and never raw
        assert "\u202e" not in on_screen
        pane.show_file(GENERATED)
        await pilot.pause()
        text = pane_text(app)
        assert "Download  yes" in text
        assert "2 days ago" in text
        pane.show_file(None)
        await pilot.pause()
        assert "No file selected" in pane_text(app)


def test_status_partial_listing() -> None:
    info = StatusInfo(
        loaded=1200,
        has_more=True,
        marked_count=12,
        marked_bytes=int(3.4 * 1024**2),
        loaded_bytes=int(1.2 * 1024**3),
        job="loading page 13…",
    )
    assert status_text(info) == (
        "1,200 loaded · more available · 12 marked (3.4 MiB) · loading page 13…"
        " · ≥ 1.2 GiB of 10 GiB"
    )


def test_status_complete_listing_with_filter_and_hidden_marks() -> None:
    info = StatusInfo(
        loaded=2431,
        loaded_bytes=5 * 1024**3,
        marked_count=1,
        marked_bytes=10,
        filter_text="re:^a",
        visible=40,
        hidden_marked=1,
        job="deleting 40/300",
    )
    assert status_text(info) == (
        "all 2,431 files · 1 marked (10 Bytes), 1 hidden by the filter · 40 shown of all 2,431 "
        "(filter re:^a) · deleting 40/300 · 5 GiB of 10 GiB"
    )
    # Before the listing ends the count covers the loaded files only, and says so.
    partial = replace(info, has_more=True, job=None)
    assert "40 shown of 2,431 loaded (filter re:^a)" in status_text(partial)
    assert status_text(StatusInfo(loaded=1, has_more=True)).endswith("≥ 0 Bytes of 10 GiB")


async def test_status_line_widget_renders_its_info() -> None:
    app = PaneApp()
    async with app.run_test(size=(120, 20)) as pilot:
        line = app.query_one(StatusLine)
        line.info = StatusInfo(loaded=5, has_more=True, job="[b]x[/b]")
        await pilot.pause()
        assert str(line.render()) == status_text(line.info)
        assert "[b]x[/b]" in str(line.render())


LONG_STATUS = StatusInfo(
    loaded=12_345,
    has_more=True,
    marked_count=1_234,
    marked_bytes=3 * 1024**3,
    loaded_bytes=7 * 1024**3,
    error="stopped (r retries): The server had a problem (500)",
    job="loading page 124…",
    filter_text="re:^outputs/2026/.*\\.(md|txt|json)$",
    visible=4_321,
)


def test_status_line_puts_counts_marks_and_errors_first() -> None:
    kinds = [kind for _, kind in status_parts(LONG_STATUS) if kind != "separator"]
    assert kinds == ["count", "marked", "error", "filter", "job", "quota"]


async def test_a_status_too_long_for_80_columns_ends_in_an_ellipsis_after_a_word() -> None:
    app = PaneApp()
    async with app.run_test(size=(80, 24)) as pilot:
        line = app.query_one(StatusLine)
        line.info = LONG_STATUS
        await pilot.pause()
        shown = str(line.render())
        full = status_text(LONG_STATUS)
        assert shown.endswith("…") and len(shown) <= 78  # the padding takes two columns
        kept = shown.removesuffix("…")
        assert full.startswith(kept) and full[len(kept)] == " "  # cut between words
        assert kept.startswith("12,345 loaded · 1,234 marked (3 GiB) · stopped (r retries)")


def test_whole_pieces_are_kept_and_a_piece_too_short_to_cut_is_left_out() -> None:
    parts = status_parts(LONG_STATUS)
    assert "".join(p for p, _ in fit_parts(parts, 500)) == status_text(LONG_STATUS)
    assert "".join(p for p, _ in fit_parts(parts, 60)) == (
        "12,345 loaded · 1,234 marked (3 GiB) · stopped (r retries)…"
    )
    assert "".join(p for p, _ in fit_parts(parts, 50)) == "12,345 loaded · 1,234 marked (3 GiB) …"
    assert "".join(p for p, _ in fit_parts(parts, 10)) == "12,345…"


STATUS_KINDS = ["count", "marked", "error", "filter", "job", "quota", "separator"]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_status_line_piece_is_readable(theme: str) -> None:
    # WCAG AA for text: 4.5:1 against the background the piece is drawn on. Before, the
    # error was 2.51 on the dark theme, marked and job 1.27 on the light theme, and the
    # filter ($secondary) 1.38 on the dark one.
    app = PaneApp()
    async with app.run_test(size=(120, 20)) as pilot:
        app.theme = theme
        await pilot.pause()
        line = app.query_one(StatusLine)
        ratios = {kind: component_contrast(line, f"status-line--{kind}") for kind in STATUS_KINDS}
        low = {kind: round(ratio, 2) for kind, ratio in ratios.items() if ratio < AA_TEXT}
        assert not low, f"{theme}: {low}"


async def test_the_pane_takes_the_height_of_its_rows_after_a_layout_came_between_two_changes() -> (
    None
):
    # Textual counts a widget's layout changes (the key of its cached size) only when none is
    # pending: the screen laid out between two changes (here forced; in the browser, for
    # another widget) and the pane kept the one line of "No file selected" for a file's six rows.
    app = PaneApp()
    async with app.run_test(size=(160, 20)) as pilot:
        pane = app.query_one(DetailsPane)
        pane.show_file(UPLOADED)
        await pilot.pause()
        assert pane.size.height == 6
        pane.show_file(None)
        app.screen._clear_arrangement_cache()  # as a widget mounted beside it would
        app.screen._refresh_layout()  # before the pane's own layout goes out
        assert pane.size.height == 1
        pane.show_file(UPLOADED)
        await pilot.pause()
        assert pane.size.height == 6

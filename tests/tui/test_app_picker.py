"""The workspace picker: j/k move, / (or another letter) filters, the current workspace is
marked, and file counts fill in from the background without blocking."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.base import WorkspaceChoice
from orbrowse.tui.screens.workspace_picker import WorkspacePicker
from tests.conftest import DEFAULT_WORKSPACE_ID, OTHER_WORKSPACE_ID
from tests.tui.app_driver import browser_ready, browsing, screen_shown, screen_text, wait_until


def labels(picker: WorkspacePicker) -> list[str]:
    options = picker.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def highlighted(picker: WorkspacePicker) -> str | None:
    return picker.shown[picker.query_one(OptionList).highlighted or 0].id


def add_workspaces(emulator: RunningEmulator, prefix: str, name: str, count: int) -> list[str]:
    """``count`` workspaces ``{name}0``… (slug ``{name.lower()}-0``…), ids ``{prefix}0``…"""
    ids = [f"{prefix}{n}" for n in range(count)]
    for n, workspace in enumerate(ids):
        emulator.store.add_workspace(workspace, f"{name}{n}", f"{name.lower()}-{n}")
    return ids


def row_of(app: OrbrowseApp, choice: WorkspaceChoice) -> str:
    """The screen line that shows ``choice`` in the picker (exactly one): its name, two
    blanks (the banner has one), and the start of its id."""
    lines = screen_text(app).splitlines()
    prefix = (choice.id or "")[:8]
    [row] = [line for line in lines if f" {choice.name}  " in line and prefix in line]
    return row


async def test_j_k_move_and_the_current_workspace_is_marked(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    for n in range(3):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"d{n}.txt", content=b"x" * 100)
    async with browsing(app) as (pilot, _):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        assert highlighted(picker) == DEFAULT_WORKSPACE_ID
        current = [label for label in labels(picker) if label.startswith("●")]
        assert len(current) == 1 and "Default" in current[0] and "open now" in current[0]
        order = [choice.id for choice in picker.shown]
        start = order.index(DEFAULT_WORKSPACE_ID)
        await pilot.press("j")
        assert highlighted(picker) == order[min(start + 1, len(order) - 1)]
        await pilot.press("k")
        assert highlighted(picker) == DEFAULT_WORKSPACE_ID
        assert picker.query_one(Input).value == ""  # j and k moved, they typed nothing

        await wait_until(pilot, lambda: len(picker.counts) == 2, "both counts")
        text = "\n".join(labels(picker))
        assert "3 files, 300 Bytes" in text
        assert "2 files" in text


async def test_keys_typed_after_w_over_a_slow_link_reach_the_picker(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    # At 1,500 ms the picker came after the type-ahead's 1 s: "w", then "other" and Enter
    # typed at once ran in the browser (r listed again, Enter previewed) and Ctrl+E was lost.
    async with browsing(app) as (pilot, _):
        emulator.faults.latency_ms = 1500
        await pilot.press("w", *"other", "enter")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.workspace, WorkspaceChoice)
                and app.workspace.id == OTHER_WORKSPACE_ID
            ),
            "the Other workspace opened",
        )
        await browser_ready(pilot)  # its first page shown: not left while it mounts
        assert not isinstance(app.screen, WorkspacePicker)


async def test_slash_or_another_letter_starts_the_filter(app: OrbrowseApp) -> None:
    async with browsing(app) as (pilot, _):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        box = picker.query_one(Input)
        assert not box.has_focus
        await pilot.press("slash", *"jk")  # after /, j and k are letters
        assert box.value == "jk"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, WorkspacePicker), "closed")
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        box = picker.query_one(Input)
        await pilot.press(*"oth")  # any other letter starts the filter with itself
        await pilot.pause()
        assert box.value == "oth"
        assert [c.id for c in picker.shown] == [OTHER_WORKSPACE_ID]
        await pilot.press("enter")
        screen = await browser_ready(pilot)
        assert screen.workspace.id == OTHER_WORKSPACE_ID


async def test_counts_never_block_the_picker(emulator: RunningEmulator, app: OrbrowseApp) -> None:
    async with browsing(app) as (pilot, _):
        emulator.faults.latency_ms = 2000  # every listing is slow now
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        assert picker.counts == {}
        await pilot.press("j", "enter")  # choose before any count came back
        await wait_until(pilot, lambda: not isinstance(app.screen, WorkspacePicker), "chosen")
        emulator.faults.latency_ms = 0


async def test_a_workspace_the_key_cannot_list_shows_no_count(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    async with browsing(app) as (pilot, _):
        emulator.faults.fail_next(403, method="GET", path_contains="/files", count=1)
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        await wait_until(
            pilot,
            lambda: all(w.is_finished for w in app.workers if w.group == "workspace-counts"),
            "the counting to end",
        )
        assert len(picker.counts) == 1  # one refused, one counted
        assert app.screen is picker


async def test_at_60x15_the_highlighted_workspace_and_the_hint_stay_in_view(
    emulator: RunningEmulator, app: OrbrowseApp
) -> None:
    # The list kept its full height and the frame clipped it: j moved the highlight out of
    # sight (Enter opened a workspace never shown) and the hint was cut off.
    add_workspaces(emulator, "00000000-0000-4000-8000-00000000000", "Team", 5)
    async with browsing(app, size=(60, 15)) as (pilot, _):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        # One row per workspace, its id on it (cut with "…"), and the rows go to the list:
        # each label used to wrap onto three rows, one of them in view.
        for choice in picker.shown[:4]:
            assert (choice.id or "")[:8] in row_of(app, choice)
        await pilot.press(*"j" * 10)
        await pilot.pause()
        last = picker.shown[-1]
        assert highlighted(picker) == last.id
        text = screen_text(app)
        assert last.name in text
        assert "Enter opens" in text


@pytest.mark.parametrize("size", [(80, 24), (60, 15)])
async def test_each_count_and_id_prefix_is_shown_whole(
    emulator: RunningEmulator, app: OrbrowseApp, size: tuple[int, int]
) -> None:
    # Name, slug, the full 36-character id, then the count: at 80 columns the count was cut
    # ("3,000…", "12 …"). The id now shortens to its first 8 characters when the row is too
    # wide, then the slug goes; the list's tooltip has them whole for the highlighted row.
    for workspace in add_workspaces(
        emulator, "a4e1c9b2-6d3f-4e8a-b7c5-1f2d3e4a5b6", "Laboratory", 1
    ):
        for f in range(12):
            emulator.store.add_file(workspace, f"r{f}.csv", content=b"x" * 1500)
    async with browsing(app, size=size) as (pilot, _):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        await wait_until(pilot, lambda: len(picker.counts) == len(picker.shown), "the counts")
        await pilot.pause()
        for choice in picker.shown:
            row = row_of(app, choice)
            assert picker.counts[choice.id].label() in row, row
            assert (choice.id or "")[:8] in row, row
        await pilot.press("j")
        await pilot.pause()
        tooltip = picker.query_one(OptionList).tooltip
        assert tooltip is not None and picker.shown[1].id in str(tooltip)


@pytest.mark.parametrize("size", [(120, 30), (60, 15)])
async def test_the_filters_placeholder_cut_for_width_ends_in_an_ellipsis(
    app: OrbrowseApp, size: tuple[int, int]
) -> None:
    # At 60 columns the placeholder was cut at a word, "…paste a workspace ID", with no sign
    # that "(UUID)" followed (Textual wraps it and shows its first line).
    async with browsing(app, size=size) as (pilot, _):
        await pilot.press("w")
        picker = await screen_shown(pilot, WorkspacePicker)
        await pilot.pause()
        box = picker.query_one(Input)
        whole = "/ to filter by name, or paste a workspace ID (UUID)"
        [line] = [line for line in screen_text(app).splitlines() if "/ to filter" in line]
        shown = line[line.index("/ to filter") :].split("  ")[0].rstrip(" █▌▐▎▊")
        if size[0] >= 80:
            assert shown == whole
        else:
            assert shown.endswith("…") and whole.startswith(shown[:-1]), shown
            assert len(shown) <= box.scrollable_content_region.width

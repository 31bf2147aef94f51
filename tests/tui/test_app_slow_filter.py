"""A filter too slow on names met later (``re:(a+)+b$`` on a server's name of 300 a's) while
it marks: ``M`` and a folder marked under a filter. The browser stops it at the time limit,
says so, clears the filter and marks nothing it could not judge.

Each test is bounded by pytest-timeout: before the fixes some never came back."""

from __future__ import annotations

import pytest

from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browsing, notifications, settle, status_of, wait_until
from tests.tui.conftest import PAGE, AppFactory
from tests.tui.test_app_folders_filter import folders_with_the_listing_stopped, row_names, row_of

SLOW = "re:(a+)+b$"
"""Fast on ordinary names, exponential on a long run of a's not followed by a b."""
HOSTILE = "logs/" + "a" * 300 + ".txt"
FILLER = 1500


@pytest.mark.timeout(60)
async def test_mark_every_match_with_a_filter_too_slow_on_a_later_page_marks_nothing(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # M listed the rest of the workspace; the last page's name of 300 a's made the page's
    # check clear the filter, and M then marked every file of the workspace (the cleared
    # filter kept them all), with "all marked" as the only word.
    store = emulator.store
    for n in range(4 * PAGE):
        store.add_file(DEFAULT_WORKSPACE_ID, f"f-{n:03d}.ab", content=b"x")  # all match
    store.add_file(DEFAULT_WORKSPACE_ID, HOSTILE, content=b"x")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, page_size=PAGE)
    async with browsing(app) as (pilot, screen):
        await pilot.press("slash", *SLOW, "enter")
        assert screen.files.filter_text == SLOW
        assert screen.has_more
        await pilot.press("M")
        await wait_until(pilot, lambda: screen.marking is None, "mark every match over")
        await settle(pilot)
        assert screen.files.marked_count == 0
        assert screen.files.filter_text == ""
        said = notifications(app)
        assert any("too slow" in m and SLOW in m and "Nothing was marked" in m for m in said), said
        assert not any("all marked" in m for m in said), said
        assert app.is_running


@pytest.mark.timeout(60)
async def test_a_folder_marked_under_a_filter_too_slow_on_a_later_page_is_unmarked_not_frozen(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    # logs/ marked under re:(a+)+b$ takes the matches listed later; the name of 300 a's on
    # a later page was judged by that filter with no time limit: the browser froze for good.
    names = ["README.md", "logs/0.ab", "logs/1.ab"]
    # More than the flat view reads ahead of a slow link (the test stops the listing after it).
    names += [f"fill/f-{n:04d}.txt" for n in range(FILLER)]
    names += ["logs/late.ab", HOSTILE]
    # Ids of digits: the filter searches ids too, and a random one may end in "ab".
    stored = [
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, name, content=b"x", file_id=f"or_file_{n:024d}"
        )
        for n, name in enumerate(names)
    ]
    early = stored[1:3]
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", page_size=50)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await folders_with_the_listing_stopped(pilot, emulator)
        await pilot.press("slash", *SLOW, "enter")
        await wait_until(pilot, lambda: row_names(app) == ["logs/"], "logs/ alone holds matches")
        await pilot.press("g", "space")
        assert screen.files.marked_ids == {f.id for f in early}
        assert row_of(app, "logs/").startswith("●")
        emulator.faults.clear()
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.has_more, "the whole listing")
        await settle(pilot)
        assert screen.files.loaded_count == len(names)
        said = notifications(app)
        assert any("too slow" in m and SLOW in m and "logs/" in m for m in said), said
        assert screen.files.filter_text == ""
        assert not screen.folder_marks, "logs/ no longer stands for matches it cannot judge"
        # The files marked before stay marked (the notice says so); none was marked after.
        assert screen.files.marked_ids == {f.id for f in early}
        assert "2 marked" in status_of(app)
        assert app.is_running


async def test_two_folders_marked_under_a_filter_too_slow_are_named_in_the_plural(
    emulator: RunningEmulator, make_app: AppFactory
) -> None:
    names = ["README.md", "logs/0.ab", "tmp/0.ab"]
    names += [f"fill/f-{n:04d}.txt" for n in range(FILLER)]
    names += ["logs/late.ab", HOSTILE]
    for n, name in enumerate(names):
        emulator.store.add_file(
            DEFAULT_WORKSPACE_ID, name, content=b"x", file_id=f"or_file_{n:024d}"
        )
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, view="flat", page_size=50)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await folders_with_the_listing_stopped(pilot, emulator)
        await pilot.press("slash", *SLOW, "enter")
        await wait_until(pilot, lambda: row_names(app) == ["logs/", "tmp/"], "two folders")
        await pilot.press("g", "space", "space")
        await wait_until(pilot, lambda: len(screen.folder_marks) == 2, "both marked")
        emulator.faults.clear()
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.has_more, "the whole listing")
        await settle(pilot)
        said = " ".join(notifications(app))
        assert "logs/, tmp/ no longer marked as folders: their files marked so far" in said, said
        assert not screen.folder_marks

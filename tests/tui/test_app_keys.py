"""Keys people expect: Ctrl+C quits (asking first while work would be cut off), and key
remapping from the config through Textual's keymap."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input, Static

from orbrowse.emulator.server import RunningEmulator
from orbrowse.tui.app import OrbrowseApp, all_binding_lists
from orbrowse.tui.dialogs.confirm import ConfirmDialog
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.delete_progress import DeleteProgressDialog
from orbrowse.tui.keymap import check_keymap
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import (
    browser_ready,
    browsing,
    notifications,
    screen_shown,
    settle,
    wait_until,
)
from tests.tui.conftest import AppFactory

FILES = 60


@pytest.fixture
def files(emulator: RunningEmulator) -> None:
    for n in range(FILES):
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"f-{n:03d}.txt", content=b"x")


async def test_ctrl_c_quits_even_from_the_filter_box(app: OrbrowseApp, files: None) -> None:
    async with browsing(app, size=(120, 30)) as (pilot, _):
        await pilot.press("slash", "f")
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def start_slow_deletion(pilot: object, emulator: RunningEmulator) -> DeleteProgressDialog:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await browser_ready(pilot)
    await pilot.press("a", "x")
    confirm = await screen_shown(pilot, ConfirmDeleteDialog)
    emulator.faults.latency_ms = 150  # each delete takes a while: the deletion is running
    confirm.query_one("#typed-count", Input).focus()
    await pilot.press(*str(FILES), "enter")
    progress = await screen_shown(pilot, DeleteProgressDialog)
    await wait_until(pilot, lambda: progress.phase == "running", "the deletion running")
    # "running" is set before the first request goes out: wait for one to reach the server.
    await wait_until(
        pilot, lambda: emulator.store.count(DEFAULT_WORKSPACE_ID) < FILES, "a file deleted"
    )
    return progress


async def test_ctrl_c_during_a_deletion_asks_and_says_what_happens(
    emulator: RunningEmulator, make_app: AppFactory, files: None
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0, delete_concurrency=2)
    async with app.run_test(size=(120, 30)) as pilot:
        progress = await start_slow_deletion(pilot, emulator)
        await pilot.press("ctrl+c")
        question = await screen_shown(pilot, ConfirmDialog)
        text = str(question.query_one("#question", Static).content)
        assert "deletion is running" in text
        assert "already sent may still complete" in text and "no more are sent" in text
        await pilot.press("n")  # keep going
        await wait_until(pilot, lambda: app.screen is progress, "back to the deletion")
        assert app.is_running
        await wait_until(pilot, lambda: progress.phase == "report", "the deletion finished")
        assert emulator.store.count(DEFAULT_WORKSPACE_ID) == 0
        await pilot.press("ctrl+c")  # nothing in flight any more: quits at once
        await pilot.pause()
        assert not app.is_running


async def test_a_second_ctrl_c_while_asking_quits(
    emulator: RunningEmulator, make_app: AppFactory, files: None
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0, delete_concurrency=1)
    async with app.run_test(size=(120, 30)) as pilot:
        await start_slow_deletion(pilot, emulator)
        await pilot.press("ctrl+c")
        await screen_shown(pilot, ConfirmDialog)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert 0 < emulator.store.count(DEFAULT_WORKSPACE_ID) < FILES  # stopped midway, as said


async def test_ctrl_c_during_the_undo_countdown_quits_at_once_and_deletes_nothing(
    emulator: RunningEmulator, make_app: AppFactory, files: None
) -> None:
    # It asked "Quit now? A deletion is running…" while the countdown went on behind the
    # question: reading it for the 5 s of the countdown, every file was deleted.
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=1)
    async with app.run_test(size=(60, 15)) as pilot:
        await browser_ready(pilot)
        await pilot.press("a", "x")
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        confirm.query_one("#typed-count", Input).focus()
        await pilot.press(*str(FILES), "enter")
        progress = await screen_shown(pilot, DeleteProgressDialog)
        assert progress.phase == "undo"
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    await asyncio.sleep(1.5)  # past the countdown's end
    assert emulator.store.count(DEFAULT_WORKSPACE_ID) == FILES
    assert not [r for r in emulator.faults.requests if r.method == "DELETE"]


async def test_keys_remapped_from_the_config(
    emulator: RunningEmulator, make_app: AppFactory, files: None
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, keys=(("delete", "D"), ("filter", "f")))
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen  # x is no longer Delete
        await pilot.press("D")
        await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        assert not [m for m in notifications(app) if "[keys]" in m]


async def test_bad_keymap_entries_are_reported_and_the_rest_applies(
    make_app: AppFactory, files: None
) -> None:
    app = make_app(
        workspace=DEFAULT_WORKSPACE_ID,
        keys=(("no_such_binding", "z"), ("refresh", "ctrl+bogus"), ("delete", "D")),
    )
    async with browsing(app, size=(120, 30)) as (pilot, screen):
        await settle(pilot)
        messages = notifications(app, severity="warning")
        assert any("'no_such_binding' is not a binding id" in m for m in messages), messages
        assert any("refresh" in m and "bogus" in m for m in messages), messages
        await pilot.press("D")
        await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, "back")
        assert app.is_running


def test_check_keymap_keeps_good_entries_and_explains_the_rest() -> None:
    keymap, problems = check_keymap(
        [("delete", "D, ctrl+d"), ("quit", "banana"), ("nope", "q"), ("help", "foo+x")],
        {"delete", "quit", "help"},
    )
    assert keymap == {"delete": "D,ctrl+d"}
    assert len(problems) == 3
    assert "'banana'" in problems[0] and "'nope'" in problems[1] and "'foo'" in problems[2]


def test_every_binding_outside_the_dialogs_has_an_id_and_a_tooltip() -> None:
    all_binding_lists()  # imports every screen, dialog and widget
    missing: list[str] = []
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        module = cls.__module__
        if not module.startswith("orbrowse.") or module.startswith("orbrowse.tui.dialogs"):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding)
            if not (binding.id and binding.tooltip):
                missing.append(f"{cls.__name__}: {binding.key} -> {binding.action}")
    assert missing == []


def test_the_readme_lists_every_binding_id_outside_the_dialogs() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    all_binding_lists()
    ids: set[str] = set()
    pending: list[type[DOMNode]] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("orbrowse.") and not cls.__module__.startswith(
            "orbrowse.tui.dialogs"
        ):
            ids.update(b.id for b in cls.__dict__.get("BINDINGS", []) if b.id)
    assert {i for i in ids if f"`{i}`" not in readme} == set()

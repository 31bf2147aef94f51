"""Dry run from the browser: the delete confirmation exports the plan instead of deleting.

The file holds what ``orbrowse rm -`` reads; the test hands it to a real ``orbrowse rm -``.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from orbrowse.emulator.keys import DEMO_MANAGEMENT_KEY
from orbrowse.emulator.server import RunningEmulator
from orbrowse.private_file import write_new
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.export_plan import ExportPlanDialog
from orbrowse.tui.screens.browser import BrowserScreen
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import browsing, notifications, screen_shown, settle
from tests.tui.conftest import AppFactory


def held(emulator: RunningEmulator) -> set[str]:
    return emulator.store.file_ids(DEFAULT_WORKSPACE_ID)


async def test_export_writes_what_rm_reads_and_deletes_nothing(
    emulator: RunningEmulator, make_app: AppFactory, tmp_path: Path, downloads: Path
) -> None:
    files = [
        emulator.store.add_file(DEFAULT_WORKSPACE_ID, f"old/{n}.txt", content=b"x")
        for n in range(5)
    ]
    before = held(emulator)
    target = tmp_path / "review" / "plan.jsonl"
    target.parent.mkdir()
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0)
    async with browsing(app, size=(120, 40)) as (pilot, _):
        await pilot.press("space", "space", "space", "x")  # mark three, delete
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.press("e")
        export = await screen_shown(pilot, ExportPlanDialog)
        path_input = export.query_one("#path", Input)
        assert path_input.value.startswith(f"{downloads}/orbrowse-delete-plan-")
        assert path_input.has_focus
        await pilot.press(*f"/{target}", "enter")  # "//" starts the path over
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert not confirm.is_attached
        assert any(f"to {target}; nothing was deleted" in m for m in notifications(app))

    assert held(emulator) == before
    assert [line.count('"id"') for line in target.read_text().splitlines()] == [1, 1, 1]
    assert list(target.parent.iterdir()) == [target]  # no temporary file left beside it
    marked = {f.id for f in files[:3]}

    cli = Cli(emulator.url, DEMO_MANAGEMENT_KEY, tmp_path)
    rm = await asyncio.to_thread(
        cli, "rm", "-", "--yes", "--workspace", DEFAULT_WORKSPACE_ID, input=target.read_text()
    )
    assert rm.code == 0, rm.stderr
    assert set(rm.stdout.split()) == marked
    assert held(emulator) == before - marked


async def test_export_refuses_an_existing_file_or_a_missing_folder(
    emulator: RunningEmulator, make_app: AppFactory, tmp_path: Path
) -> None:
    emulator.store.add_file(DEFAULT_WORKSPACE_ID, "old/a.txt", content=b"x")
    existing = tmp_path / "kept.jsonl"
    existing.write_text("mine\n")
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0)
    async with browsing(app, size=(120, 40)) as (pilot, _):
        await pilot.press("x")
        await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.press("e")
        export = await screen_shown(pilot, ExportPlanDialog)
        path_input = export.query_one("#path", Input)
        problem = export.query_one("#path-problem", Static)

        path_input.value = str(tmp_path / "kep")
        await pilot.press("tab")  # completes the path as the download dialog does
        assert path_input.value == str(existing)
        await pilot.press("enter")
        await pilot.pause()
        assert "already exists: choose another name" in str(problem.render())
        path_input.value = str(tmp_path / "missing" / "plan.jsonl")
        await pilot.press("enter")
        await pilot.pause()
        # It said "…/missing is not a folder" of a path that does not exist at all.
        assert str(problem.render()) == f"{tmp_path / 'missing'} does not exist"
        path_input.value = str(existing / "plan.jsonl")
        await pilot.press("enter")
        await pilot.pause()
        assert str(problem.render()) == f"{existing} is not a folder"
        assert app.screen is export

        await pilot.press("escape")  # back to the confirmation, which still deletes nothing
        confirm = await screen_shown(pilot, ConfirmDeleteDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert not confirm.is_attached
    assert existing.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".jsonl") == ["kept.jsonl"]
    assert len(held(emulator)) == 1


def test_write_new_leaves_nothing_when_the_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_new(tmp_path / "plan.jsonl", "{}\n")
    assert list(tmp_path.iterdir()) == []

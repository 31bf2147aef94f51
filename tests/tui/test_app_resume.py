"""The browser's offer to finish a deletion that was cut short: resume, show, forget, later.

Each test writes a plan as an interrupted deletion leaves it (some files deleted, some sent
without an answer, the rest never sent) beside the app's deletion log, then opens the
workspace as a person would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Static

from orbrowse.api.models import FileObject
from orbrowse.deletion_log import RESULT_DELETED, RESULT_DELETED_CONFIRMED
from orbrowse.deletion_plan import PlanRecorder, closed_path, plans_folder, read_plan
from orbrowse.emulator.server import RunningEmulator
from orbrowse.emulator.store import StoredFile
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs.resume_offer import ResumeOfferDialog
from orbrowse.tui.screens.browser import BrowserScreen
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.tui.app_driver import deletion_reported, notifications, screen_shown, settle
from tests.tui.conftest import AppFactory

PLANNED = 30


def as_file(stored: StoredFile) -> FileObject:
    return FileObject(
        stored.id,
        stored.filename,
        stored.mime_type,
        stored.size_bytes,
        stored.created_at,
        stored.downloadable,
    )


class Interrupted:
    """A plan of 30 files: 10 deleted, 2 sent without an answer (the first of them went
    through on the server), 18 never sent; 5 other files were never planned."""

    def __init__(self, emulator: RunningEmulator, log_path: Path) -> None:
        store = emulator.store
        self.planned = [
            store.add_file(DEFAULT_WORKSPACE_ID, f"tmp/scratch-{n:02}.txt", content=b"s")
            for n in range(PLANNED)
        ]
        self.kept = {
            store.add_file(DEFAULT_WORKSPACE_ID, f"keep/k{n}.txt", content=b"k").id
            for n in range(5)
        }
        folder = plans_folder(log_path, DEFAULT_WORKSPACE_ID)
        files = [as_file(f) for f in self.planned]
        with PlanRecorder.create(folder, files, workspace=DEFAULT_WORKSPACE_ID) as recorder:
            for file in files[:10]:
                recorder.sending(file.id)
                store.delete(DEFAULT_WORKSPACE_ID, file.id)
                recorder.outcome(file.id, RESULT_DELETED)
            recorder.sending(files[10].id)
            store.delete(DEFAULT_WORKSPACE_ID, files[10].id)
            recorder.sending(files[11].id)
        self.path = recorder.path
        self.sent_and_gone = files[10].id

    def server(self, emulator: RunningEmulator) -> set[str]:
        return emulator.store.file_ids(DEFAULT_WORKSPACE_ID)


@pytest.fixture
def interrupted(emulator: RunningEmulator, deletion_log_path: Path) -> Interrupted:
    return Interrupted(emulator, deletion_log_path)


async def test_offer_shows_the_files_left_then_resumes(
    emulator: RunningEmulator,
    make_app: AppFactory,
    interrupted: Interrupted,
    deletion_log_path: Path,
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        offer = await screen_shown(pilot, ResumeOfferDialog)
        question = str(offer.query_one("#question", Static).content)
        assert question == "A deletion of 30 files stopped after 10. Resume, show, or forget it?"
        where = str(offer.query_one("#workspace", Static).content)
        assert where.startswith("in workspace") and "11111111" in where
        counts = str(offer.query_one("#counts", Static).content)
        assert "10 deleted · 2 sent without an answer (looked up first) · 18 to delete" in counts
        assert offer.query_one("#offer-files").has_class("hidden")

        await pilot.press("s")
        await pilot.pause()
        assert not offer.query_one("#offer-files").has_class("hidden")
        listed = str(offer.query_one("#offer-file-lines", Static).content)
        assert all(f.id in listed for f in interrupted.planned[10:])
        assert not any(f.id in listed for f in interrupted.planned[:10])

        await pilot.press("r")
        progress = await deletion_reported(pilot)
        summary = str(progress.query_one("#summary", Static).content)
        assert "Deleted 20 files" in summary and "1 after a lost answer" in summary
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert {f.id for f in app.screen.files.loaded_files()} == interrupted.kept

    assert interrupted.server(emulator) == interrupted.kept
    plan = read_plan(closed_path(interrupted.path, "finished"))
    assert plan is not None and plan.closed == "finished"
    # One lookup for each file sent without an answer; a delete for every other file left.
    log = [json.loads(line) for line in deletion_log_path.read_text().splitlines()]
    assert {e["id"]: e["result"] for e in log} == {
        interrupted.sent_and_gone: RESULT_DELETED_CONFIRMED,
        **{f.id: RESULT_DELETED for f in interrupted.planned[11:]},
    }


async def test_forget_marks_the_plan_and_deletes_nothing(
    emulator: RunningEmulator, make_app: AppFactory, interrupted: Interrupted
) -> None:
    before = interrupted.server(emulator)
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, undo_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await screen_shown(pilot, ResumeOfferDialog)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert any("Forgotten" in m for m in notifications(app))
    plan = read_plan(closed_path(interrupted.path, "forgotten"))
    assert plan is not None and plan.closed == "forgotten"
    assert interrupted.server(emulator) == before

    again = make_app(workspace=DEFAULT_WORKSPACE_ID)
    async with again.run_test(size=(120, 40)) as pilot:
        await screen_shown(pilot, BrowserScreen)
        await settle(pilot)
        assert isinstance(again.screen, BrowserScreen), "not offered again"


async def test_later_keeps_the_plan_for_next_time(
    emulator: RunningEmulator, app: OrbrowseApp, interrupted: Interrupted
) -> None:
    before = interrupted.server(emulator)
    async with app.run_test(size=(120, 40)) as pilot:
        await screen_shown(pilot, ResumeOfferDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
    plan = read_plan(interrupted.path)
    assert plan is not None and plan.unfinished
    assert interrupted.server(emulator) == before


async def test_a_read_only_workspace_is_not_offered_a_deletion(
    make_app: AppFactory, interrupted: Interrupted
) -> None:
    app = make_app(workspace=DEFAULT_WORKSPACE_ID, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await screen_shown(pilot, BrowserScreen)
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)


async def test_the_keys_own_workspace_is_offered_what_rm_without_workspace_left(
    emulator: RunningEmulator, make_app: AppFactory, deletion_log_path: Path, workspace_key: str
) -> None:
    stored = emulator.store.add_file(DEFAULT_WORKSPACE_ID, "tmp/a.txt", content=b"s")
    folder = plans_folder(deletion_log_path, None)  # where `orbrowse rm` files it
    PlanRecorder.create(folder, [as_file(stored)], workspace=None).close()
    app = make_app(key=workspace_key)  # an ordinary key opens its own workspace
    async with app.run_test(size=(120, 40)) as pilot:
        offer = await screen_shown(pilot, ResumeOfferDialog)
        assert "A deletion of 1 file stopped after 0" in str(
            offer.query_one("#question", Static).content
        )

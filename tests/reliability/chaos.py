"""Deletions under chaos, checked against the server and the deletion log.

Shared by the short chaos tests (``test_chaos_deletes.py``) and the full run
(``python -m tests.reliability.chaos_5000``). Every requested file must end in exactly one of
deleted now, already gone, not deleted and may-have-been-deleted; each of those must match
the server's final state (deleted and already gone: absent; not deleted: present;
may-have-been-deleted: either, it is unknown by definition), and the deletion log must hold
one line per requested file saying the same.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from orbrowse.bulk import BulkReport
from orbrowse.deletion_log import (
    GONE_RESULTS,
    RESULT_ALREADY_GONE,
    RESULT_DELETED_CONFIRMED,
    UNCERTAIN_PREFIX,
    DeletionEntry,
    DeletionLog,
)
from orbrowse.emulator.app import file_json
from orbrowse.emulator.faults import Faults
from orbrowse.emulator.store import Store
from orbrowse.tui.app import OrbrowseApp
from orbrowse.tui.dialogs import ConfirmDeleteDialog, DeleteProgressDialog
from orbrowse.tui.screens.browser import BrowserScreen
from tests.tui.app_driver import wait_until

DROP_RATE = 0.2
FAIL_RATE = 0.2
RATE_LIMITED_RATE = 0.05


def unleash(faults: Faults) -> None:
    """drop 0.2 / fail 0.2 / 429 0.05, with short server-given waits."""
    faults.drop_rate = DROP_RATE
    faults.fail_rate = FAIL_RATE
    faults.rate_limited_rate = RATE_LIMITED_RATE
    faults.failure_retry_after = 0.01
    faults.rate_limited_retry_after = 0.01


def calm(faults: Faults) -> None:
    faults.drop_rate = faults.fail_rate = faults.rate_limited_rate = 0.0


def fill(store: Store, workspace_id: str, count: int) -> list[str]:
    return [
        store.add_file(workspace_id, f"chaos/{n:05d}.log", size_bytes=16).id for n in range(count)
    ]


def jsonl_of(store: Store, workspace_id: str, ids: list[str]) -> str:
    """The files as ``orbrowse ls --jsonl`` prints them (``rm -`` then sends no lookups)."""
    wanted = set(ids)
    lines = [
        json.dumps(file_json(stored, "openrouter"))
        for stored in store.files(workspace_id)
        if stored.id in wanted
    ]
    return "\n".join(lines) + "\n"


@dataclass
class Outcome:
    """Where each requested file ended up, by what orbrowse reported."""

    requested: list[str]
    deleted: set[str] = field(default_factory=set)
    """Deleted by this run (the server confirmed, or a lookup did)."""
    already_gone: set[str] = field(default_factory=set)
    not_deleted: set[str] = field(default_factory=set)
    uncertain: set[str] = field(default_factory=set)
    confirmed_by_lookup: set[str] = field(default_factory=set)

    def figures(self) -> str:
        return (
            f"requested {len(self.requested):,}: deleted {len(self.deleted):,} "
            f"(of them confirmed by lookup {len(self.confirmed_by_lookup):,}), "
            f"already gone {len(self.already_gone):,}, not deleted {len(self.not_deleted):,}, "
            f"may have been deleted {len(self.uncertain):,}"
        )


def check(outcome: Outcome, remaining: set[str], log: list[DeletionEntry]) -> None:
    """Raise ``AssertionError`` unless the report, the server and the log agree."""
    requested = set(outcome.requested)
    parts = [outcome.deleted, outcome.already_gone, outcome.not_deleted, outcome.uncertain]
    assert sum(len(p) for p in parts) == len(requested), outcome.figures()
    assert set().union(*parts) == requested, "a file is in no list, or in two"
    # The server's final state.
    assert not (outcome.deleted & remaining), "reported deleted, still on the server"
    assert not (outcome.already_gone & remaining), "reported already gone, still on the server"
    assert outcome.not_deleted <= remaining, "reported not deleted, gone from the server"
    # The log, line by line: one line per requested file, saying the same.
    counts = Counter(entry.id for entry in log)
    assert set(counts) == requested and set(counts.values()) == {1}, "not one line per file"
    for entry in log:
        if entry.id in outcome.deleted:
            assert entry.result in GONE_RESULTS - {RESULT_ALREADY_GONE}, entry
            confirmed = entry.id in outcome.confirmed_by_lookup
            assert (entry.result == RESULT_DELETED_CONFIRMED) == confirmed, entry
        elif entry.id in outcome.already_gone:
            assert entry.result == RESULT_ALREADY_GONE, entry
        elif entry.id in outcome.not_deleted:
            assert entry.result.startswith("failed: "), entry
        else:
            assert entry.result.startswith(f"{UNCERTAIN_PREFIX}: "), entry


def from_rm(requested: list[str], stdout: str, stderr: str, log: list[DeletionEntry]) -> Outcome:
    """What ``orbrowse rm`` reported: ids deleted now on stdout, the others on stderr."""
    outcome = Outcome(requested)
    outcome.deleted = {line for line in stdout.splitlines() if line}
    for line in stderr.splitlines():
        file_id, _, rest = line.removeprefix("orbrowse rm: ").partition(" ")
        if ": already gone" in rest:
            outcome.already_gone.add(file_id)
        elif ": not deleted: " in rest:
            outcome.not_deleted.add(file_id)
        elif ": may have been deleted: " in rest:
            outcome.uncertain.add(file_id)
    # rm prints which were confirmed by lookup only as a count; the log names them.
    outcome.confirmed_by_lookup = {
        e.id for e in log if e.result == RESULT_DELETED_CONFIRMED and e.id in outcome.deleted
    }
    return outcome


def from_report(requested: list[str], report: BulkReport) -> Outcome:
    """What the browser's delete report says."""
    outcome = Outcome(requested)
    outcome.deleted = {f.id for f in report.deleted_now}
    outcome.already_gone = {f.id for f in report.already_gone}
    outcome.not_deleted = {f.id for f, _ in report.failed} | {f.id for f in report.not_attempted}
    outcome.uncertain = {f.id for f, _ in report.uncertain}
    outcome.confirmed_by_lookup = {f.id for f in report.confirmed_by_lookup}
    return outcome


def rm_outcome(
    store: Store,
    workspace_id: str,
    requested: list[str],
    stdout: str,
    stderr: str,
    log_path: Path,
) -> Outcome:
    """What an ``orbrowse rm`` run said and logged, checked against the server."""
    log = DeletionLog(log_path).read_entries()
    outcome = from_rm(requested, stdout, stderr, log)
    check(outcome, store.file_ids(workspace_id), log)
    return outcome


def report_outcome(
    store: Store, workspace_id: str, requested: list[str], report: BulkReport, log: DeletionLog
) -> Outcome:
    """What the browser's delete report said, checked against the server and the log."""
    entries = log.read_entries()
    outcome = from_report(requested, report)
    check(outcome, store.file_ids(workspace_id), entries)
    return outcome


async def delete_everything_in_the_browser(
    app: OrbrowseApp, pilot: Pilot[Any], faults: Faults, count: int, *, limit: float = 60.0
) -> BulkReport:
    """Load every file (calm), mark all, delete them under chaos; the dialog's report."""
    await wait_until(
        pilot, lambda: isinstance(app.screen, BrowserScreen), "the browser", limit=limit
    )
    screen = app.screen
    assert isinstance(screen, BrowserScreen)
    await pilot.press("L")
    await wait_until(
        pilot, lambda: not screen.fetching and not screen.has_more, "every page", limit=limit
    )
    assert len(screen.files.loaded_files()) == count
    await pilot.press("A", "x")
    await wait_until(
        pilot, lambda: isinstance(app.screen, ConfirmDeleteDialog), "confirm", limit=limit
    )
    app.screen.query_one("#typed-count", Input).focus()
    unleash(faults)
    await pilot.press(*str(count), "enter")
    await wait_until(
        pilot, lambda: isinstance(app.screen, DeleteProgressDialog), "progress", limit=limit
    )
    progress = app.screen
    assert isinstance(progress, DeleteProgressDialog)
    await wait_until(pilot, lambda: progress.phase == "report", "the delete report", limit=limit)
    calm(faults)
    assert progress.report is not None
    return progress.report

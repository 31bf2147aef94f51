"""The bulk delete engine: first against an in-test deleter (the engine's own Protocol
boundary), then against the emulator over HTTP with injected failures."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import (
    APIConnectionError,
    AuthenticationError,
    NotFoundError,
    ServerError,
)
from orbrowse.api.models import FileObject
from orbrowse.api.retry import RetryPolicy
from orbrowse.bulk import (
    MAX_ROUNDS,
    UNKNOWN_OUTCOME,
    UNREACHABLE,
    UNREACHABLE_STOP,
    BulkDelete,
    BulkProgress,
    BulkReport,
    delete_files,
)
from orbrowse.deletion_log import GONE_RESULTS, DeletionLog
from orbrowse.deletion_plan import PlanRecorder, plans_folder
from orbrowse.emulator.server import RunningEmulator
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.factories import file_object

WS = DEFAULT_WORKSPACE_ID


def make_files(count: int, prefix: str = "file") -> list[FileObject]:
    return [file_object(f"{prefix}-{n:04d}", f"name {n}.txt", size_bytes=n) for n in range(count)]


class FakeDeleter:
    """A server in a dict: per-id errors, an optional gate that holds every request."""

    def __init__(self, files: Iterable[FileObject]) -> None:
        self.held = {f.id for f in files}
        self.errors: dict[str, Exception] = {}
        self.calls: list[str] = []
        self.active = 0
        self.peak = 0
        self.gate: asyncio.Event | None = None
        self._changed = asyncio.Condition()

    async def until_active(self, count: int) -> None:
        """Wait until ``count`` requests are in flight at once."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.active >= count)

    async def delete_file(self, file_id: str) -> str:
        self.calls.append(file_id)
        async with self._changed:
            self.active += 1
            self.peak = max(self.peak, self.active)
            self._changed.notify_all()
        try:
            if self.gate is not None:
                await self.gate.wait()
            else:
                await asyncio.sleep(0)
            if file_id in self.errors:
                raise self.errors[file_id]
            if file_id not in self.held:
                raise NotFoundError(404, "File not found")
            self.held.discard(file_id)
            return file_id
        finally:
            self.active -= 1

    async def get_file(self, file_id: str) -> FileObject:
        if file_id not in self.held:
            raise NotFoundError(404, "File not found")
        return make_files(1, prefix=file_id)[0]


async def test_deletes_everything_and_logs_each(tmp_path: Path) -> None:
    files = make_files(50)
    server = FakeDeleter(files)
    log = DeletionLog(tmp_path / "deletions.jsonl")
    progress: list[BulkProgress] = []
    report = await delete_files(
        server, files, concurrency=8, log=log, workspace_id=WS, on_progress=progress.append
    )
    assert server.held == set()
    assert report.deleted_ids == {f.id for f in files}
    assert report.failed == [] and report.not_attempted == [] and not report.stopped
    assert sorted(server.calls) == sorted(f.id for f in files)
    entries = log.read_entries()
    assert sorted(e.id for e in entries) == sorted(f.id for f in files)
    assert {e.result for e in entries} == {"deleted"}
    assert {e.workspace for e in entries} == {WS}
    assert [p.done for p in progress] == list(range(1, 51))
    assert progress[-1] == BulkProgress(50, 50, 0, 0, progress[-1].last, "deleted")


async def test_each_deletion_is_logged_before_the_plan_calls_it_done(tmp_path: Path) -> None:
    """A kill between the two writes must not leave the plan saying "done" and the log
    silent: a resume skips what the plan calls done, so that deletion would never be logged."""
    files = make_files(5)
    log = DeletionLog(tmp_path / "deletions.jsonl")
    logged_first: dict[str, bool] = {}

    class WatchingPlan(PlanRecorder):
        def outcome(self, file_id: str, result: str) -> None:
            logged_first[file_id] = file_id in {entry.id for entry in log.read_entries()}
            super().outcome(file_id, result)

    with WatchingPlan.create(plans_folder(log.path, WS), files, workspace=WS) as plan:
        await delete_files(FakeDeleter(files), files, workspace_id=WS, log=log, plan=plan)
    assert logged_first == {file.id: True for file in files}


def log_fds(log: DeletionLog) -> set[int]:
    """This process's file descriptors open on the log (Linux's ``/proc/self/fd``)."""
    fds = set()
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{name}") == str(log.path):
                fds.add(int(name))
    return fds


async def test_a_run_writes_its_log_through_one_open_file_closed_at_the_end(
    tmp_path: Path,
) -> None:
    # The log was opened (and its folder made) for each line: 53 µs a line, about 5 % of
    # the client's CPU per delete (benchmarks/profile_speed.py delete).
    files = make_files(20)
    log = DeletionLog(tmp_path / "deletions.jsonl")
    seen: list[tuple[set[int], int]] = []

    def watch(_progress: BulkProgress) -> None:
        seen.append((log_fds(log), len(log.read_entries())))

    await delete_files(
        FakeDeleter(files), files, concurrency=4, log=log, workspace_id=WS, on_progress=watch
    )
    open_during = {fd for fds, _lines in seen for fd in fds}
    assert len(open_during) == 1 and all(fds == open_during for fds, _lines in seen)
    assert [lines for _fds, lines in seen] == list(range(1, 21))  # each written as reported
    assert log_fds(log) == set()


async def test_runs_that_overlap_share_the_open_log_and_the_last_closes_it(
    tmp_path: Path,
) -> None:
    log = DeletionLog(tmp_path / "deletions.jsonl")
    first, second = make_files(10, "first"), make_files(10, "second")
    server = FakeDeleter(first + second)
    server.gate = asyncio.Event()
    runs = [
        asyncio.create_task(delete_files(server, files, log=log, workspace_id=WS))
        for files in (first, second)
    ]
    await server.until_active(16)
    server.gate.set()
    await asyncio.gather(*runs)
    assert len(log.read_entries()) == 20
    assert log_fds(log) == set()


@pytest.mark.parametrize("concurrency", [1, 3, 8, 32])
async def test_concurrency_is_bounded_and_used(concurrency: int) -> None:
    files = make_files(40)
    server = FakeDeleter(files)
    server.gate = asyncio.Event()
    task = asyncio.create_task(
        delete_files(server, files, concurrency=concurrency, workspace_id=WS)
    )
    await server.until_active(min(concurrency, 40))
    assert server.active == min(concurrency, 40)
    server.gate.set()
    report = await task
    assert server.peak == min(concurrency, 40)
    assert len(report.deleted) == 40


async def test_failures_and_already_gone(tmp_path: Path) -> None:
    files = make_files(20)
    server = FakeDeleter(files)
    server.errors["file-0003"] = ServerError(500, "boom")
    server.errors["file-0007"] = ValueError("unexpected")
    server.held.discard("file-0011")  # deleted by someone else meanwhile
    log = DeletionLog(tmp_path / "deletions.jsonl")
    report = await delete_files(server, files, concurrency=4, log=log, workspace_id=WS)
    failed = {f.id: reason for f, reason in report.failed}
    assert failed == {
        "file-0003": "The server had a problem (500): boom; try again shortly",
        "file-0007": "unexpected",
    }
    assert [f.id for f in report.already_gone] == ["file-0011"]
    assert len(report.deleted) == 18 and "file-0011" in report.deleted_ids
    assert server.held == {"file-0003", "file-0007"}
    assert not report.stopped and report.not_attempted == []
    results = {e.id: e.result for e in log.read_entries()}
    assert len(results) == 20
    assert results["file-0003"] == "failed: The server had a problem (500): boom; try again shortly"
    assert results["file-0011"] == "already gone"
    assert {f.id for f in report.retryable} == {"file-0003", "file-0007"}


async def test_refused_key_stops_sending() -> None:
    files = make_files(30)
    server = FakeDeleter(files)
    for f in files:
        server.errors[f.id] = AuthenticationError(401, "Invalid key")
    report = await delete_files(server, files, concurrency=1, workspace_id=WS)
    assert len(server.calls) == 1
    assert len(report.failed) == 1
    assert len(report.not_attempted) == 29
    assert report.stopped
    assert report.stop_reason is not None and "refused the key" in report.stop_reason


async def test_files_in_a_row_that_find_no_server_stop_the_run() -> None:
    # The server gone: 69 files were each retried in turn (45 s) before the run ended.
    files = make_files(30)
    server = FakeDeleter(files)
    refused = APIConnectionError("Could not connect to the server example.test")
    for n in (0, 1, 3, 4, 6, 7, 8, 9):  # two in a row, twice; then four
        server.errors[files[n].id] = refused
    report = await delete_files(server, files, concurrency=1, workspace_id=WS)
    assert server.calls == [f.id for f in files[: 6 + UNREACHABLE_STOP]]
    assert [f.id for f in report.deleted] == [files[2].id, files[5].id]
    assert [f.id for f, _ in report.failed] == [files[n].id for n in (0, 1, 3, 4, 6, 7, 8)]
    assert report.not_attempted == files[9:]
    assert report.stopped and report.server_unreachable
    assert report.stop_reason == (
        f"{UNREACHABLE}: Could not connect to the server example.test; "
        "check the network and the base URL, then retry"
    )
    assert server.held == {f.id for f in files} - {files[2].id, files[5].id}


async def test_the_last_files_finding_no_server_end_the_run_without_calling_it_stopped() -> None:
    # Nothing was left to send, yet the run was reported "Stopped: the server cannot be
    # reached" as if files had been held back.
    files = make_files(5)
    server = FakeDeleter(files)
    refused = APIConnectionError("Could not connect to the server example.test")
    for file in files[2:]:
        server.errors[file.id] = refused
    report = await delete_files(server, files, concurrency=1, workspace_id=WS)
    assert server.calls == [f.id for f in files]
    assert report.not_attempted == []
    assert not report.stopped and not report.server_unreachable
    assert [f.id for f, _ in report.failed] == [f.id for f in files[2:]]


async def test_server_errors_in_a_row_do_not_stop_the_run() -> None:
    # The server answers: each file's error is its own (a 500, a proxy's 404 page).
    files = make_files(12)
    server = FakeDeleter(files)
    for file in files[:5]:
        server.errors[file.id] = ServerError(500, "boom")
    for file in files[5:10]:
        server.errors[file.id] = NotFoundError(404, "Not Found", from_api=False)
    report = await delete_files(server, files, concurrency=1, workspace_id=WS)
    assert len(server.calls) == 12
    assert len(report.failed) == 10 and len(report.deleted) == 2
    assert not report.stopped and not report.server_unreachable


async def test_a_server_gone_mid_run_stops_after_the_files_in_flight(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    log = DeletionLog(tmp_path / "deletions.jsonl")
    names = [f"assets/{n:02d}.png" for n in range(69)]
    async with emulator_files(emulator, api_key, names) as (c, files):
        emulator.stop()  # connection refused from now on
        report = await delete_files(c, files, concurrency=8, log=log, workspace_id=WS)
    assert report.stopped and report.server_unreachable
    assert report.stop_reason is not None and report.stop_reason.startswith(f"{UNREACHABLE}: ")
    assert report.deleted == []
    tried = [f for f, _ in report.failed + report.uncertain]
    assert len(tried) == 8  # those in flight when the first found no server; none after
    assert len(report.not_attempted) == 61
    assert {f.id for f in tried + report.not_attempted} == {f.id for f in files}
    assert emulator.store.file_ids(WS) == {f.id for f in files}
    assert {e.id for e in log.read_entries()} == {f.id for f in tried}


async def test_dropped_connections_stop_the_run_and_claim_nothing(
    emulator: RunningEmulator, api_key: str
) -> None:
    names = [f"assets/{n:02d}.png" for n in range(40)]
    async with emulator_files(emulator, api_key, names) as (c, files):
        emulator.faults.drop_rate = 1.0  # every answer cut off (a dropped DELETE still deletes)
        report = await delete_files(c, files, concurrency=4, workspace_id=WS)
    assert report.stopped and report.server_unreachable
    assert report.deleted == [] and report.failed == []
    assert len(report.uncertain) == 4
    assert all("may have been deleted" in reason for _, reason in report.uncertain)
    assert len(report.not_attempted) == 36
    assert {f.id for f in report.not_attempted} <= emulator.store.file_ids(WS)


async def test_stop_event_finishes_in_flight_and_skips_the_rest(tmp_path: Path) -> None:
    files = make_files(30)
    server = FakeDeleter(files)
    server.gate = asyncio.Event()
    stop = asyncio.Event()
    log = DeletionLog(tmp_path / "deletions.jsonl")
    task = asyncio.create_task(
        delete_files(server, files, concurrency=4, log=log, workspace_id=WS, stop=stop)
    )
    await server.until_active(4)
    stop.set()
    server.gate.set()
    report = await task
    assert report.stopped
    assert [f.id for f in report.deleted] == [f"file-{n:04d}" for n in range(4)]
    assert [f.id for f in report.not_attempted] == [f"file-{n:04d}" for n in range(4, 30)]
    assert len(server.held) == 26
    assert len(log.read_entries()) == 4


@dataclass(slots=True)
class HeldJob:
    """A logged bulk delete running as a task, its requests held at the server's gate."""

    files: list[FileObject]
    server: FakeDeleter
    gate: asyncio.Event
    log: DeletionLog
    job: BulkDelete
    task: asyncio.Task[BulkReport]


async def held_job(tmp_path: Path, count: int, concurrency: int) -> HeldJob:
    """Start deleting ``count`` files; returns once ``concurrency`` requests are held."""
    files = make_files(count)
    server = FakeDeleter(files)
    server.gate = gate = asyncio.Event()
    log = DeletionLog(tmp_path / "deletions.jsonl")
    job = BulkDelete(server, files, concurrency=concurrency, log=log, workspace_id=WS)
    task = asyncio.create_task(job.run())
    await server.until_active(concurrency)
    return HeldJob(files, server, gate, log, job, task)


async def test_cancel_lets_in_flight_finish_then_raises(tmp_path: Path) -> None:
    held = await held_job(tmp_path, 30, concurrency=5)
    held.task.cancel()
    await asyncio.sleep(0)
    assert not held.task.done()  # waiting for the five in flight
    held.gate.set()
    with pytest.raises(asyncio.CancelledError):
        await held.task
    report = held.job.report
    assert report.stopped and report.stop_reason == "cancelled"
    assert len(report.deleted) == 5
    assert len(report.not_attempted) == 25
    assert held.server.calls == [f.id for f in held.files[:5]]
    assert len(held.server.held) == 25
    assert sorted(e.id for e in held.log.read_entries()) == sorted(held.server.calls)
    assert log_fds(held.log) == set()  # closed with the cancelled run


async def test_second_cancel_abandons_in_flight_as_unknown(tmp_path: Path) -> None:
    held = await held_job(tmp_path, 10, concurrency=3)  # the gate is never opened
    held.task.cancel()
    await asyncio.sleep(0)
    held.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await held.task
    report = held.job.report
    assert [reason for _, reason in report.uncertain] == [UNKNOWN_OUTCOME] * 3
    assert report.failed == []
    assert len(report.not_attempted) == 7
    assert report.deleted == []
    expected = f"may have been deleted: {UNKNOWN_OUTCOME}"
    assert [e.result for e in held.log.read_entries()] == [expected] * 3
    assert log_fds(held.log) == set()


async def test_unwritable_log_stops_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    files = make_files(10)
    server = FakeDeleter(files)
    log = DeletionLog(blocker / "deletions.jsonl")
    report = await delete_files(server, files, concurrency=1, log=log, workspace_id=WS)
    assert report.log_error is not None and "could not be written" in report.log_error
    assert report.stopped
    assert len(server.calls) == 1  # the one already sent
    assert len(report.deleted) == 1 and len(report.not_attempted) == 9


async def test_each_file_lands_in_exactly_one_list() -> None:
    files = make_files(25)
    server = FakeDeleter(files)
    server.errors["file-0002"] = ServerError(503, "busy")
    report = await delete_files(server, files, concurrency=6, workspace_id=None)
    ids = (
        [f.id for f in report.deleted]
        + [f.id for f, _ in report.failed]
        + [f.id for f in report.not_attempted]
    )
    assert sorted(ids) == sorted(f.id for f in files)


async def test_empty_and_bad_arguments() -> None:
    report = await delete_files(FakeDeleter([]), [], workspace_id=WS)
    assert report.deleted == [] and not report.stopped
    with pytest.raises(ValueError):
        BulkDelete(FakeDeleter([]), [], concurrency=0, workspace_id=WS)
    job = BulkDelete(FakeDeleter([]), [], workspace_id=WS)
    await job.run()
    with pytest.raises(RuntimeError):
        await job.run()


# Against the emulator, over HTTP -----------------------------------------------------------


async def _all_files(client: FilesClient) -> list[FileObject]:
    found: list[FileObject] = []
    async for page in client.iter_pages(limit=100):
        found.extend(page.files)
    return found


@contextlib.asynccontextmanager
async def emulator_files(
    emulator: RunningEmulator, api_key: str, names: list[str]
) -> AsyncIterator[tuple[FilesClient, list[FileObject]]]:
    """Files of ``names`` on the emulator, and a client retrying fast that listed them."""
    for name in names:
        emulator.store.add_file(WS, name, content=b"x")
    fast = RetryPolicy(base_delay=0.001, max_delay=0.01)
    async with FilesClient(api_key, base_url=emulator.url, workspace_id=WS, retry=fast) as c:
        yield c, await _all_files(c)


async def test_bulk_delete_against_emulator_with_injected_failures(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    for n in range(360):
        emulator.store.add_file(WS, f"bulk/{n:03d}.txt", content=f"file {n}\n".encode())
    keep = {f.id for f in emulator.store.files(WS)[300:]}  # not marked: must survive
    log = DeletionLog(tmp_path / "deletions.jsonl")
    no_retry = RetryPolicy(max_attempts=1)
    async with FilesClient(api_key, base_url=emulator.url, workspace_id=WS, retry=no_retry) as c:
        listed = await _all_files(c)
        assert len(listed) == 360
        marked = [f for f in listed if f.id not in keep]
        targeted = [marked[10].id, marked[150].id, marked[299].id]
        emulator.faults.fail_next(500, method="DELETE", path_contains=targeted[0])
        emulator.faults.fail_next(400, method="DELETE", path_contains=targeted[1], message="no")
        emulator.faults.fail_next(502, method="DELETE", path_contains=targeted[2])
        emulator.faults.fail_next(503, method="DELETE", count=12)
        emulator.store.delete(WS, marked[42].id)  # gone before we get to it
        report = await delete_files(c, marked, concurrency=8, log=log, workspace_id=WS)
        remaining = {f.id for f in await _all_files(c)}

    # A 5xx leaves the outcome open: a lookup finds the file still there and the delete is
    # sent again. Only the 400 is a refusal.
    # (A file whose every round met one of the twelve 503s stays, "still there": rare, but
    # possible when the scheduler lets one worker run ahead of the others.)
    failed_ids = {f.id for f, _ in report.failed}
    assert targeted[1] in failed_ids
    assert all("still there" in r for f, r in report.failed if f.id != targeted[1])
    assert len(failed_ids) <= 1 + 12 // MAX_ROUNDS
    assert report.uncertain == [] and report.not_attempted == []
    assert [f.id for f in report.already_gone] == [marked[42].id]
    assert len(report.deleted) == 300 - len(failed_ids)
    # The server holds exactly the unmarked files plus the failures.
    assert remaining == keep | failed_ids
    assert emulator.store.file_ids(WS) == keep | failed_ids
    assert emulator.faults.pending == 0
    reasons = dict((f.id, r) for f, r in report.failed)
    assert reasons[targeted[1]].startswith("The server refused the request (400): no")
    # The log matches the server: one line per marked file, failures where they are.
    entries = {e.id: e.result for e in log.read_entries()}
    assert set(entries) == {f.id for f in marked}
    assert {i for i, r in entries.items() if r.startswith("failed: ")} == failed_ids
    assert entries[marked[42].id] == "already gone"
    assert {i for i, r in entries.items() if r in GONE_RESULTS} == (
        {f.id for f in marked} - failed_ids
    )


async def test_bulk_delete_against_emulator_with_retries(
    emulator: RunningEmulator, api_key: str
) -> None:
    async with emulator_files(emulator, api_key, [f"r/{n}.txt" for n in range(120)]) as (c, files):
        emulator.faults.fail_next(503, method="DELETE", count=20)
        # A dropped answer may follow a done deletion: the retry's 404 then counts as done.
        emulator.faults.drop_next(method="DELETE", count=5)
        report = await delete_files(c, files, concurrency=16, workspace_id=WS)
    assert report.failed == [] and report.not_attempted == []
    assert len(report.deleted) == 120
    assert emulator.store.file_ids(WS) == set()


def test_merge_puts_each_retried_file_where_its_last_attempt_left_it() -> None:
    files = make_files(5)
    first = BulkReport(
        deleted=[files[0]],
        failed=[(files[1], "500"), (files[2], "500")],
        not_attempted=[files[3], files[4]],
        stopped=True,
        stop_reason="stopped by you",
    )
    assert first.retryable == [files[1], files[2], files[3], files[4]]
    retried = first.retryable
    second = BulkReport(
        deleted=[files[1], files[3], files[4]],
        already_gone=[files[4]],
        failed=[(files[2], "still 500")],
    )
    first.absorb(second, retried)
    assert first.deleted == [files[0], files[1], files[3], files[4]]
    assert first.already_gone == [files[4]]
    assert first.failed == [(files[2], "still 500")]
    assert first.not_attempted == []
    assert not first.stopped and first.stop_reason is None
    assert first.retryable == [files[2]]

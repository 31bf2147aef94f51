"""Deletion outcomes are facts: a lost or wrong answer is settled by a lookup, never guessed.

The emulator produces each case: ``drop_next`` runs the handler and then cuts the connection
(the file is gone, the answer lost), ``fail_next`` answers without running it (the file
stays), and ``fail_next(200, body=...)`` sends a confirmation that names another file.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from orbrowse.api.client import FilesClient
from orbrowse.api.errors import OutcomeUnknownError
from orbrowse.api.models import FileObject
from orbrowse.api.retry import RetryPolicy
from orbrowse.bulk import MAX_ROUNDS, BulkReport, delete_files
from orbrowse.debug_log import DebugLog
from orbrowse.deletion_log import RESULT_DELETED, RESULT_DELETED_CONFIRMED, DeletionLog
from orbrowse.emulator.server import RunningEmulator
from tests.cli import Cli
from tests.conftest import DEFAULT_WORKSPACE_ID
from tests.factories import file_object
from tests.reliability.conftest import ONE_TRY
from tests.reliability.fake_server import FAKE_KEY, FakeServer

WS = DEFAULT_WORKSPACE_ID


def add(emulator: RunningEmulator, count: int) -> list[str]:
    return [emulator.store.add_file(WS, f"d/{n}.txt", content=b"x").id for n in range(count)]


@dataclass(frozen=True, slots=True)
class Deleter:
    """Bulk deletes of real files against one server, each attempt logged to ``log``."""

    base_url: str
    api_key: str
    workspace_id: str | None
    log: DeletionLog

    def client(self, retry: RetryPolicy = ONE_TRY, **options: Any) -> FilesClient:
        return FilesClient(
            self.api_key,
            base_url=self.base_url,
            workspace_id=self.workspace_id,
            retry=retry,
            **options,
        )

    async def files(self, ids: list[str]) -> list[FileObject]:
        async with self.client() as client:
            return [await client.get_file(file_id) for file_id in ids]

    async def delete(self, files: list[FileObject], **client_options: Any) -> BulkReport:
        async with self.client(**client_options) as client:
            return await delete_files(
                client, files, concurrency=1, log=self.log, workspace_id=self.workspace_id
            )


async def added(
    emulator: RunningEmulator, deleter: Deleter, count: int
) -> tuple[list[str], list[FileObject]]:
    """``count`` new files: their ids and what the client reads of them. The emulator's request
    log starts afresh after those reads, so a test sees only the deletion's requests."""
    ids = add(emulator, count)
    files = await deleter.files(ids)
    emulator.faults.clear()
    return ids, files


@pytest.fixture
def deleter(emulator: RunningEmulator, api_key: str, tmp_path: Path) -> Deleter:
    return Deleter(emulator.url, api_key, WS, DeletionLog(tmp_path / "deletions.jsonl"))


def wrong_confirmation(other_id: str) -> bytes:
    return json.dumps({"id": other_id, "object": "file", "deleted": True}).encode()


async def test_a_lost_answer_is_confirmed_by_lookup(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    ids, files = await added(emulator, deleter, 3)
    emulator.faults.drop_next(method="DELETE", path_contains=ids[1])
    report = await deleter.delete(files)
    assert emulator.store.file_ids(WS) == set()
    assert report.failed == [] and report.uncertain == []
    assert report.deleted_ids == set(ids)
    assert [f.id for f in report.confirmed_by_lookup] == [ids[1]]
    results = {e.id: e.result for e in deleter.log.read_entries()}
    assert results == {
        ids[0]: RESULT_DELETED,
        ids[1]: "deleted; the answer was lost, confirmed by lookup",
        ids[2]: RESULT_DELETED,
    }
    assert results[ids[1]] == RESULT_DELETED_CONFIRMED


async def test_a_lost_answer_and_a_failed_lookup_is_may_have_been_deleted(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    ids, files = await added(emulator, deleter, 2)
    emulator.faults.drop_next(method="DELETE", path_contains=ids[0])
    emulator.faults.drop_next(method="GET", path_contains=ids[0])
    report = await deleter.delete(files)
    assert [f.id for f, _ in report.uncertain] == [ids[0]]
    assert report.failed == [] and report.deleted_ids == {ids[1]}
    entry = {e.id: e.result for e in deleter.log.read_entries()}[ids[0]]
    assert entry.startswith("may have been deleted: ")
    assert "the lookup failed" in entry


async def test_a_failed_attempt_that_left_the_file_is_sent_again(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    ids, files = await added(emulator, deleter, 2)
    emulator.faults.fail_next(500, method="DELETE", path_contains=ids[0])
    report = await deleter.delete(files)
    assert emulator.store.file_ids(WS) == set()
    assert report.deleted_ids == set(ids) and report.confirmed_by_lookup == []
    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in emulator.faults.requests]
    assert methods.count(("DELETE", ids[0])) == 2
    assert ("GET", ids[0]) in methods


async def test_a_confirmation_naming_another_file_is_not_a_success(
    emulator: RunningEmulator, api_key: str
) -> None:
    target, other = add(emulator, 2)
    async with FilesClient(api_key, base_url=emulator.url, workspace_id=WS, retry=ONE_TRY) as c:
        emulator.faults.fail_next(200, method="DELETE", body=wrong_confirmation(other))
        with pytest.raises(OutcomeUnknownError, match="not of"):
            await c.delete_file(target)
        emulator.faults.fail_next(
            200, method="DELETE", body=b'{"id": "%s", "deleted": false}' % target.encode()
        )
        with pytest.raises(OutcomeUnknownError):
            await c.delete_file(target)
    assert emulator.store.file_ids(WS) == {target, other}


async def test_bulk_never_counts_a_wrong_confirmation_as_deleted(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    target, other = add(emulator, 2)
    files = await deleter.files([target])
    # Every delete is answered for the other file and does nothing.
    emulator.faults.fail_next(200, method="DELETE", body=wrong_confirmation(other), count=10)
    report = await deleter.delete(files)
    assert emulator.store.file_ids(WS) == {target, other}
    assert report.deleted == [] and [f.id for f, _ in report.failed] == [target]
    [entry] = deleter.log.read_entries()
    assert entry.result.startswith("failed: ") and "still there" in entry.result


def test_rm_reports_a_wrong_confirmation_as_not_deleted(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    target, other = add(emulator, 2)
    emulator.faults.fail_next(200, method="DELETE", body=wrong_confirmation(other), count=50)
    cli = Cli(emulator.url, api_key, tmp_path)
    result = cli("rm", "--yes", target)
    assert result.code == 5, result.stderr
    assert result.stdout == ""
    assert f"{target} (d/0.txt): not deleted" in result.stderr
    assert emulator.store.file_ids(WS) == {target, other}


def test_rm_separates_deleted_now_from_already_gone(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    ids = add(emulator, 3)
    cli = Cli(emulator.url, api_key, tmp_path)
    listing = cli("ls", "--jsonl").stdout
    emulator.store.delete(WS, ids[0])  # gone between the listing and the delete

    result = cli("rm", "-", "--yes", input=listing)

    assert result.lines == ids[1:]  # stdout: the ids deleted now, only
    assert f"{ids[0]} (d/0.txt): already gone" in result.stderr
    assert "deleted 2 files" in result.stderr and "1 already gone" in result.stderr
    assert result.code == 1  # mixed: some deleted, one not found

    again = cli("rm", "-", "--yes", input=listing)
    assert again.stdout == "" and again.code == 4  # every one already gone


def test_rm_from_a_pipe_without_yes_exits_1_as_documented(
    emulator: RunningEmulator, api_key: str, tmp_path: Path
) -> None:
    ids = add(emulator, 1)
    cli = Cli(emulator.url, api_key, tmp_path)
    result = cli("rm", "-", input=ids[0] + "\n")
    assert result.code == 1, result.stderr
    assert "--yes" in result.stderr
    assert emulator.store.file_ids(WS) == set(ids)


# Against the fake server: failure modes the emulator does not produce ----------------------


async def test_a_connection_cut_after_the_request_is_read_is_may_have_been_deleted(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    deleter = Deleter(fake_server.url("cut"), FAKE_KEY, None, DeletionLog(tmp_path / "log.jsonl"))
    report = await deleter.delete([file_object("or_file_A", size_bytes=12)])
    assert report.deleted == [] and report.failed == []
    [(file, reason)] = report.uncertain
    assert file.id == "or_file_A" and "the lookup failed" in reason
    [entry] = deleter.log.read_entries()
    assert entry.result.startswith("may have been deleted: ")
    # The delete, then the lookup: both read whole, both cut.
    assert [(r.method, r.path) for r in fake_server.requests] == [
        ("DELETE", "/files/or_file_A"),
        ("GET", "/files/or_file_A"),
    ]


async def test_a_server_that_confirms_another_id_is_never_taken_at_its_word(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    deleter = Deleter(
        fake_server.url("wrong-delete"), FAKE_KEY, None, DeletionLog(tmp_path / "log.jsonl")
    )
    report = await deleter.delete([file_object("or_file_A", size_bytes=12)])
    assert report.deleted == [] and report.uncertain == []
    [(_, reason)] = report.failed
    assert "or_file_OTHER" in reason and "still there" in reason
    [entry] = deleter.log.read_entries()
    assert entry.id == "or_file_A" and entry.result.startswith("failed: ")
    methods = [r.method for r in fake_server.requests]
    assert methods == ["DELETE", "GET"] * MAX_ROUNDS  # each wrong answer checked by a lookup


async def test_a_5xx_after_a_dropped_attempt_is_settled_by_lookup(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    ids, files = await added(emulator, deleter, 1)
    two_tries = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001)
    emulator.faults.drop_next(method="DELETE")  # deleted; the answer is lost
    emulator.faults.fail_next(500, method="DELETE")  # and the retry meets a 500
    report = await deleter.delete(files, retry=two_tries)
    assert emulator.store.file_ids(WS) == set()
    assert [f.id for f in report.confirmed_by_lookup] == ids and report.failed == []
    assert [e.result for e in deleter.log.read_entries()] == [RESULT_DELETED_CONFIRMED]


async def test_a_delete_that_timed_out_is_may_have_been_deleted_when_the_lookup_times_out(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    ids, files = await added(emulator, deleter, 1)
    emulator.faults.latency_ms = 1500
    report = await deleter.delete(files, request_timeout=0.3)
    assert [f.id for f, _ in report.uncertain] == ids
    assert report.deleted == [] and report.failed == []
    [entry] = deleter.log.read_entries()
    assert entry.result.startswith("may have been deleted: ")


GATEWAY_404 = b"<html><head><title>404 Not Found</title></head><body>nginx</body></html>"


async def test_a_gateways_404_is_no_proof_that_a_file_is_gone(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    ids, files = await added(emulator, deleter, 2)
    # The first file: the delete itself meets a proxy's 404 page (the API never saw it).
    emulator.faults.fail_next(
        404, method="DELETE", path_contains=ids[0], body=GATEWAY_404, content_type="text/html"
    )
    # The second: the delete fails with a 503 (the file stays), the lookup meets the proxy.
    emulator.faults.fail_next(503, method="DELETE", path_contains=ids[1])
    emulator.faults.fail_next(
        404, method="GET", path_contains=ids[1], body=GATEWAY_404, content_type="text/html"
    )
    report = await deleter.delete(files)
    assert emulator.store.file_ids(WS) == set(ids)  # both are still there
    assert report.deleted == [] and report.already_gone == []
    assert [f.id for f, _ in report.failed] == [ids[0]]
    assert [f.id for f, _ in report.uncertain] == [ids[1]]


async def test_a_retried_delete_meeting_a_gateways_404_is_not_confirmed(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    [file_id] = add(emulator, 1)
    emulator.faults.fail_next(500, method="DELETE", path_contains=file_id)
    emulator.faults.fail_next(
        404, method="DELETE", path_contains=file_id, body=GATEWAY_404, content_type="text/html"
    )
    retry = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.001)
    async with deleter.client(retry=retry) as client:
        with pytest.raises(OutcomeUnknownError):
            await client.delete_file(file_id)
    assert emulator.store.file_ids(WS) == {file_id}


async def test_a_delete_held_by_the_rate_limit_past_request_timeout_was_not_sent(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    ids, files = await added(emulator, deleter, 2)
    reset_ms = int((time.time() + 30) * 1000)  # the limit refills long after request_timeout
    emulator.faults.fail_next(
        429,
        method="DELETE",
        path_contains=ids[0],
        headers={
            "X-RateLimit-Limit": "10",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(reset_ms),
        },
    )
    retry = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.001)
    report = await deleter.delete(files, retry=retry, request_timeout=0.5)
    assert emulator.store.file_ids(WS) == set(ids)
    # Refused with a 429, then held until the timeout: nothing was deleted, and it is known.
    assert report.uncertain == [] and report.deleted == []
    reasons = {f.id: reason for f, reason in report.failed}
    assert set(reasons) == set(ids)
    assert all("request_timeout" in reason for reason in reasons.values())
    deletes = [r for r in emulator.faults.requests if r.method == "DELETE"]
    assert len(deletes) == 1  # the second file waited behind the hold too, and timed out


async def test_a_debug_log_that_cannot_be_written_does_not_change_a_deletes_outcome(
    emulator: RunningEmulator, deleter: Deleter
) -> None:
    ids, files = await added(emulator, deleter, 2)
    told: list[str] = []
    with DebugLog(Path("/dev/full")) as debug:  # every write fails: no space left
        debug.on_stop = told.append
        report = await deleter.delete(files, observer=debug.record)
        assert debug.error is not None and "debug log" in debug.error
    assert told == [debug.error]  # once, however many requests followed
    assert emulator.store.file_ids(WS) == set()
    assert report.deleted_ids == set(ids) and report.failed == []
